import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from wushe.workforce import services
from wushe.workforce.models import Qualification

_numbers = itertools.count(1)


def today() -> datetime.date:
    return timezone.localdate()


def worker(actor, station, *, name="王芳", post="full_time", years=3, **extra):
    data = {"name": name, "station": station, "post": post, "education": "bachelor",
            "joined_on": today() - datetime.timedelta(days=365 * years), **extra}
    return services.worker_save(actor=actor, data=data)


def certify(actor, w, level=1, *, days_ago=400):
    return services.qualification_add(actor=actor, worker=w, data={
        "level": level, "certificate_number": f"T{next(_numbers):08d}",
        "obtained_on": today() - datetime.timedelta(days=days_ago)})


def certified_worker(actor, station, level=1, **extra):
    w = worker(actor, station, **extra)
    certify(actor, w, level)
    return w


def lapse(q: Qualification, days_ago=1):
    """A certificate that ended ``days_ago`` (straight in the table: the service refuses nothing here)."""
    Qualification.objects.filter(pk=q.pk).update(ended_on=today() - datetime.timedelta(days=days_ago),
                                                 end_reason="过期")


def training(actor, *, station=None, division=None, kind="continuing", title="继续教育"):
    data = {"kind": kind, "title": title}
    if station is not None:
        data["station"] = station
    if division is not None:
        data["division"] = division
    return services.training_save(actor=actor, data=data)


def session(actor, t, *, held_on=None, hours="3"):
    return services.session_save(actor=actor, training=t, data={
        "held_on": held_on or today(), "hours": Decimal(hours), "trainer": "王老师", "place": "会议室"})
