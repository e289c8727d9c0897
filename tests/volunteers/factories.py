import datetime

from django.utils import timezone

from tests.people.factories import id_number, mobile, today
from wushe.volunteers import services


def volunteer(actor, station, *, name="陈静", birth=datetime.date(1990, 5, 1), **extra):
    data = {"name": name, "id_number": id_number(birth), "mobile": mobile(), "emergency_name": "家属",
            "emergency_mobile": mobile(), "consent_on": today(), **extra}
    return services.volunteer_save(actor=actor, station=station, data=data)


def project(actor, station, **extra):
    data = {"title": "独居老人探访", "category": "comfort", **extra}
    return services.project_save(actor=actor, station=station, data=data)


def shift(actor, project, *, starts_in=datetime.timedelta(days=1), hours=3, needed=3, **extra):
    start = timezone.now() + starts_in
    data = {"position": "入户探访", "starts_at": start, "ends_at": start + datetime.timedelta(hours=hours),
            "place": "西园社区", "needed": needed, **extra}
    return services.shift_save(actor=actor, project=project, data=data)


def past(hours_ago: float, minutes: int, content="入户探访") -> dict:
    start = timezone.now() - datetime.timedelta(hours=hours_ago)
    return {"started_at": start, "ended_at": start + datetime.timedelta(minutes=minutes), "minutes": minutes,
            "content": content}
