"""Reads of group work, scoped by ``group.work`` on the station that runs the group."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from wushe.accounts.roles import Action
from wushe.accounts.scope import prefixes_for
from wushe.core.divisions import within_any
from wushe.groupwork.models import Attendance, Group, Session


def group_list(*, user) -> QuerySet[Group]:
    return (Group.objects.filter(within_any("station__division_id", prefixes_for(user, Action.GROUP_WORK)))
            .select_related("station").annotate(
                member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True),
                session_count=Count("sessions", distinct=True)))


def group_get(*, user, pk: int) -> Group:
    group = group_list(user=user).select_related("room", "station__division").filter(pk=pk).first()
    if group is None:
        raise Http404
    return group


def group_totals(qs: QuerySet[Group]) -> dict:
    """小组数, 节次 held and recorded, 组员人次 (attendances): what the dashboard counts."""
    sessions = Session.objects.filter(group__in=qs, recorded=True)
    return {"groups": qs.count(), "sessions": sessions.count(),
            "attendances": Attendance.objects.filter(session__in=sessions, present=True).count()}


def attendance_grid(group: Group) -> tuple[list, list, dict]:
    """Members × recorded sessions → present?, for the attendance table."""
    members = list(group.members.select_related("resident"))
    sessions = list(group.sessions.filter(recorded=True))
    present = {(a.member_id, a.session_id): a.present
               for a in Attendance.objects.filter(session__in=sessions)}
    rows = [(m, [present.get((m.pk, s.pk)) for s in sessions]) for m in members]
    return sessions, rows, {s.pk: sum(1 for m in members if present.get((m.pk, s.pk))) for s in sessions}
