"""New residents as plain rows (``wushe.core.rows``), for the ledger import and the city demo:
the ORM's bulk_create spent most of their time preparing values one by one. A row stores
what the model would: encrypted, hashed and masked personal data, the ID's last four digits,
the name's pinyin, dates as the database takes them."""

from django.db import connection

from wushe.core.pii import plaintext, stored_forms
from wushe.core.rows import Table
from wushe.people.models import Resident
from wushe.people.services import pinyin_of

COLUMNS = [
    "station_id", "community_id", "name", "name_pinyin", "id_number", "id_number_hash", "id_number_masked",
    "id_suffix", "birth_date", "sex", "mobile", "mobile_hash", "mobile_masked", "ethnicity", "address",
    "household_id", "relation", "living", "guardian_name", "guardian_phone", "guardian_phone_hash",
    "disability_type", "disability_grade", "income", "risk", "visit_every_days", "last_visit_on", "visit_due_on",
    "consent_by", "consent_method", "consent_on", "note", "created_by_id", "created_at"]


# A resident's encrypted fields, in the order ``ResidentRows.add`` takes them encrypted.
ENCRYPTED = ("id_number", "mobile", "guardian_phone")


class ResidentRows:
    """``add(r)`` writes the resident ``r`` (a Resident not yet saved, or any object with its
    attributes) and returns its key; no change-history version is written (as bulk_create)."""

    def __init__(self, sink, ids=None):
        self.table = Table(Resident, COLUMNS, sink, ids=ids)
        self.created_at = Resident._meta.get_field("created_at").get_db_prep_save(
            Resident._meta.get_field("created_at").get_default(), connection)
        self.date = connection.ops.adapt_datefield_value

    def add(self, r, tokens=(None, None, None)) -> int:
        """``tokens``: the ID number, mobile and guardian's phone already encrypted, in that
        order (``ENCRYPTED``; see ``pii.encrypting``)."""
        date = self.date
        id_plain = plaintext(r.id_number)
        id_token, id_hash, id_masked = stored_forms("id_number", id_plain, tokens[0])
        guardian_token, guardian_hash, _masked = stored_forms("mobile", plaintext(r.guardian_phone), tokens[2])
        return self.table.add(
            r.station_id, r.community_id, r.name, r.name_pinyin or pinyin_of(r.name), id_token, id_hash, id_masked,
            id_plain[-4:], date(r.birth_date), r.sex, *stored_forms("mobile", plaintext(r.mobile), tokens[1]),
            r.ethnicity, r.address, r.household_id, r.relation, r.living, r.guardian_name, guardian_token, guardian_hash,
            r.disability_type, r.disability_grade, r.income, r.risk, r.visit_every_days, date(r.last_visit_on),
            date(r.visit_due_on), r.consent_by, r.consent_method or "", date(r.consent_on), r.note,
            r.created_by_id, self.created_at)

    def flush(self) -> None:
        self.table.flush()
