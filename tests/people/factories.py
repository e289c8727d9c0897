"""Builders for the people registry: valid ID numbers and residents registered through the service."""

import datetime
import itertools

from tests.factories import user
from wushe.accounts.roles import Role
from wushe.core.pii import id_check_digit
from wushe.people import services
from wushe.people.models import Resident

_serial = itertools.count(101)
_mobile_serial = itertools.count(10000001)
_clerks = {}


def id_number(birth: datetime.date = datetime.date(1950, 3, 7), *, male: bool = True, region: str = "340104",
              serial: int | None = None) -> str:
    """A valid 18-character ID number (GB 11643) for this birth date and sex."""
    serial = next(_serial) % 1000 if serial is None else serial
    serial = serial - serial % 2 + (1 if male else 0)  # the 17th digit: odd for men, even for women
    first17 = f"{region}{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + id_check_digit(first17)


def mobile() -> str:
    return f"139{next(_mobile_serial):08d}"


def years_ago(years: int, *, days: int = 0, on: datetime.date | None = None) -> datetime.date:
    """The date ``years`` years before ``on`` (29 February → 28), then ``days`` later."""
    on = on or datetime.date.today()
    try:
        day = on.replace(year=on.year - years)
    except ValueError:
        day = on.replace(year=on.year - years, day=28)
    return day + datetime.timedelta(days=days)


def clerk(station):
    """A 社工 of ``station`` to register residents with (created once per station)."""
    key = station.pk
    if key not in _clerks or not type(_clerks[key]).objects.filter(pk=_clerks[key].pk).exists():
        _clerks[key] = user(f"clerk_{station.pk}_{next(_serial)}", Role.WORKER, station=station)
    return _clerks[key]


def consent(on: datetime.date | None = None, by: str = Resident.ConsentBy.SELF) -> dict:
    return {"consent_by": by, "consent_method": Resident.ConsentMethod.PAPER,
            "consent_on": on or datetime.date.today()}


def resident(name: str = "王大爷", *, station, community=None, actor=None, tags=(), with_consent: bool = True,
             **fields) -> Resident:
    """Register a resident through ``services.resident_create``, with consent unless told otherwise."""
    data = {"station": station, "community": community or _first_community(station), "name": name,
            "id_number": "", "mobile": ""}
    if with_consent:
        data |= consent()
    data |= fields
    return services.resident_create(actor=actor or clerk(station), data=data, tags=tags)


def _first_community(station):
    from wushe.core.divisions import Level, within
    from wushe.core.models import Division

    return Division.objects.filter(within("code", station.division.prefix), level=Level.VILLAGE).order_by("code")[0]
