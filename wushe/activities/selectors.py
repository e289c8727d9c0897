"""Reads of community activities, scoped by ``activity.manage`` on the hosting station."""

from django.core import signing
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.http import Http404

from wushe.accounts.roles import Action
from wushe.accounts.scope import prefixes_for
from wushe.activities.models import Activity, Registration, SignIn
from wushe.core.divisions import within_any


def activity_list(*, user) -> QuerySet[Activity]:
    return (Activity.objects.filter(within_any("station__division_id", prefixes_for(user, Action.ACTIVITY_MANAGE)))
            .select_related("station", "room").annotate(
                confirmed=Count("registrations", filter=Q(registrations__status="confirmed"), distinct=True),
                signed=Count("sign_ins", distinct=True)))


def activity_get(*, user, pk: int) -> Activity:
    activity = activity_list(user=user).filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


def public_activity(*, token: str) -> Activity:
    """The activity behind a QR code; 404 for an unknown code or a non-public activity. Its
    seats are counted apart (``seats_left``): grouping the activity's row with its
    registrations cost the page at the door twice as much as the two small queries."""
    activity = Activity.objects.select_related("station", "room").filter(token=token, public=True).first()
    if activity is None:
        raise Http404
    return activity


def seats_left(activity: Activity) -> int:
    """Free seats; from the ``confirmed`` count the selectors annotate, when it is there (a
    phone page at the door should not ask the database twice)."""
    confirmed = getattr(activity, "confirmed", None)
    if confirmed is None:
        confirmed = activity.registrations.filter(status=Registration.Status.CONFIRMED).count()
    return max(0, activity.capacity - confirmed)


def activity_totals(qs: QuerySet[Activity]) -> dict:
    """场次, 直接参与人数 (distinct people), 参与人次 (sign-ins), 间接惠及 (an estimate)."""
    sign_ins = SignIn.objects.filter(activity__in=qs)
    return {
        "activities": qs.exclude(status=Activity.Status.CANCELLED).count(),
        "people": sign_ins.values("mobile_hash").distinct().count(),
        "attendances": sign_ins.count(),
        "indirect": qs.aggregate(n=Sum("indirect_reach"))["n"] or 0,
    }


_STATION_PAGE = signing.Signer(salt="station-public-page")


def station_page_key(station) -> str:
    """The station's public address key: its id signed, so pages cannot be enumerated."""
    return _STATION_PAGE.sign(str(station.pk)).replace(":", "-")


def public_station(*, key: str):
    """The station behind a public key; 404 for a forged or closed one."""
    from wushe.core.models import Station

    try:
        pk = int(_STATION_PAGE.unsign(key.replace("-", ":", 1)))
    except (signing.BadSignature, ValueError) as exc:
        raise Http404 from exc
    station = Station.objects.filter(pk=pk).exclude(status=Station.Status.CLOSED).first()
    if station is None:
        raise Http404
    return station


def public_upcoming(*, station) -> QuerySet[Activity]:
    """The station's public activities still to come (or under way)."""
    from django.utils import timezone

    return (Activity.objects.filter(station=station, public=True, status=Activity.Status.OPEN,
                                    ends_at__gte=timezone.now()).select_related("room").order_by("starts_at"))


def need_candidates(*, user, activity: Activity):
    """Needs the activity could take up: still open, in its station's communities, readable
    by the user (``person.view``), not already linked."""
    from wushe.core.divisions import within
    from wushe.people.selectors import need_list

    return (need_list(user=user).filter(within("community_id", activity.station.division.prefix),
                                        status__in=["open", "matched", "in_service"])
            .exclude(pk__in=activity.needs.values("pk")).order_by("-raised_on", "-id"))


def feedback_summary(activity: Activity) -> dict:
    """满意度: how many gave feedback, the average rating, and the share satisfied (4 or 5)."""
    found = activity.feedback.aggregate(n=Count("id"), avg=Avg("rating"), happy=Count("id", filter=Q(rating__gte=4)))
    return {"count": found["n"], "average": round(found["avg"], 1) if found["avg"] else None,
            "satisfied": round(100 * found["happy"] / found["n"]) if found["n"] else None}


def station_communities(*, station):
    """The communities and villages (社区/村) a station serves."""
    from wushe.core.divisions import Level, within
    from wushe.core.models import Division

    return Division.objects.filter(within("code", station.division.prefix), level=Level.VILLAGE).order_by("code")


def station_community(*, station, code: str):
    """One of the station's communities by its code (from a community's QR code), else None."""
    return station_communities(station=station).filter(code=code).first() if code.isdigit() else None
