"""Reads of supervision: sessions scoped by their station, the pool by the area it serves."""

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from wushe.accounts.roles import Action
from wushe.accounts.scope import prefixes_for
from wushe.core.divisions import full_code, within_any
from wushe.supervision.models import SupervisionSession, Supervisor

_PREFIX_STEPS = (2, 4, 6, 9)  # province, city, county, town: the levels above a place


def _ancestors(prefixes: list[str]) -> set[str]:
    return {full_code(p[:n]) for p in prefixes for n in _PREFIX_STEPS if n < len(p)}


def supervisor_list(*, user, action: str = Action.GROUP_WORK) -> QuerySet[Supervisor]:
    """Supervisors serving somewhere in the user's scope, or an area above it (a district's
    pool serves every station of the district)."""
    prefixes = prefixes_for(user, action)
    if not prefixes:
        return Supervisor.objects.none()
    return (Supervisor.objects.filter(within_any("division_id", prefixes) | Q(division_id__in=_ancestors(prefixes)))
            .select_related("division", "user"))


def supervisors_for(*, station) -> QuerySet[Supervisor]:
    """The active supervisors whose area covers ``station``."""
    code = station.division_id
    areas = {code} | _ancestors([station.division.prefix])
    return Supervisor.objects.filter(active=True, division_id__in=areas).order_by("name")


def session_list(*, user) -> QuerySet[SupervisionSession]:
    return (SupervisionSession.objects.filter(within_any("station__division_id", prefixes_for(user, Action.GROUP_WORK)))
            .select_related("station", "supervisor"))


def session_get(*, user, pk: int) -> SupervisionSession:
    session = session_list(user=user).select_related("station__division").filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def may_read_session(user, session: SupervisionSession) -> bool:
    """A record that discusses cases is for those present and for whoever may read every case
    it discusses; the case's confidentiality does not stop at the supervision room."""
    from wushe.casework import access

    if user.pk == session.created_by_id or (session.supervisor.user_id and user.pk == session.supervisor.user_id):
        return True
    if session.attendees.filter(pk=user.pk).exists():
        return True
    return all(access.may_read(user, c) for c in session.cases.all())


def session_get_for_reading(*, user, pk: int) -> SupervisionSession:
    session = session_get(user=user, pk=pk)
    if not may_read_session(user, session):
        raise Http404
    return session


def supervisor_get_for_editing(*, user, pk: int) -> Supervisor:
    """A pool entry the user manages: inside their scope, not one kept by the level above."""
    supervisor = (Supervisor.objects.filter(within_any("division_id", prefixes_for(user, Action.STATION_EDIT)))
                  .filter(pk=pk).first())
    if supervisor is None:
        raise Http404
    return supervisor


def session_totals(qs: QuerySet[SupervisionSession]) -> dict:
    """督导次数 and hours, by form: what the dashboard counts."""
    totals = qs.aggregate(n=Count("id"), minutes=Sum("minutes"),
                          individual=Count("id", filter=Q(kind=SupervisionSession.Kind.INDIVIDUAL)),
                          group=Count("id", filter=Q(kind=SupervisionSession.Kind.GROUP)))
    return {"sessions": totals["n"], "hours": round((totals["minutes"] or 0) / 60, 1),
            "individual": totals["individual"], "group": totals["group"]}
