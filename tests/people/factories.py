"""Builders for the people registry: valid ID numbers, mobiles and residents.

``resident()`` registers through ``services.resident_create`` (the real path, with its
consent, scope and duplicate rules), as a 社工 of the station unless an actor is given.
"""

import datetime
import itertools

from django.utils import timezone

from tests.factories import user
from wushe.accounts.models import User
from wushe.accounts.roles import Role
from wushe.core.divisions import Level, within
from wushe.core.models import Division
from wushe.core.pii import id_check_digit, mask_id_number, mask_mobile
from wushe.people import services
from wushe.people.models import Resident

_serial = itertools.count(101, 2)
_mobile_serial = itertools.count(10000001)


def today() -> datetime.date:
    """The app's today (Asia/Shanghai), which may differ from the machine's date."""
    return timezone.localdate()


def years_ago(years: int, *, days: int = 0, on: datetime.date | None = None) -> datetime.date:
    """The date ``years`` years before ``on`` (29 February → 28), then ``days`` later."""
    on = on or today()
    try:
        day = on.replace(year=on.year - years)
    except ValueError:
        day = on.replace(year=on.year - years, day=28)
    return day + datetime.timedelta(days=days)


def id_number(birth: datetime.date = datetime.date(1950, 3, 7), *, male: bool = True,
              region: str = "340104") -> str:
    """A valid 18-character ID number (GB 11643) for this birth date and sex, unique per call."""
    serial = next(_serial) % 1000  # odd: the 17th digit is odd for men
    if not male:
        serial -= 1
    first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_check_digit(first17)


def id_15(birth: datetime.date = datetime.date(1962, 5, 4), *, male: bool = True) -> str:
    """A legacy 15-digit ID number (no check digit, two-digit year)."""
    serial = next(_serial) % 1000
    if not male:
        serial -= 1
    return f"340104{birth:%y%m%d}{serial:03d}"


def mobile() -> str:
    return f"139{next(_mobile_serial):08d}"


def masked_id(value: str) -> str:
    return mask_id_number(value)


def masked_mobile(value: str) -> str:
    return mask_mobile(value)


def consent(on: datetime.date | None = None, by: str = Resident.ConsentBy.SELF) -> dict:
    return {"consent_by": by, "consent_method": Resident.ConsentMethod.PAPER, "consent_on": on or today()}


def first_community(station) -> Division:
    return Division.objects.filter(within("code", station.division.prefix), level=Level.VILLAGE).order_by("code")[0]


def clerk(station) -> User:
    """The 社工 who registers residents at ``station`` when a test names no actor."""
    username = f"clerk_{station.pk}"
    return User.objects.filter(username=username).first() or user(username, Role.WORKER, station=station)


def resident(name: str = "王大爷", *, station, community=None, actor=None, tags=(), with_consent: bool = True,
             **fields) -> Resident:
    """A resident registered through the service, with consent unless ``with_consent=False``."""
    data = {"station": station, "community": community or first_community(station), "name": name,
            "id_number": "", "mobile": ""}
    if with_consent:
        data |= consent()
    data |= fields
    created = services.resident_create(actor=actor or clerk(station), data=data, tags=tags)
    return Resident.objects.get(pk=created.pk)
