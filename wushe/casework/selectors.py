"""Reads of case work: every one scoped by ``case.work``; content further by ``access``."""

import datetime

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from wushe.accounts.roles import Action, Role
from wushe.accounts.scope import assignments_of, prefixes_for
from wushe.casework import access
from wushe.casework.models import Approval, Case, FollowUp, Task
from wushe.core.divisions import within_any


def case_list(*, user) -> QuerySet[Case]:
    """Cases whose existence the user may see (not necessarily their content)."""
    return (Case.objects.filter(within_any("station__division_id", prefixes_for(user, Action.CASE_WORK)))
            .select_related("resident", "lead", "station"))


def case_get(*, user, pk: int) -> Case:
    """A case the user may see exists; 404 outside scope."""
    case = case_list(user=user).select_related("supervisor", "community", "station__division").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def case_get_for_reading(*, user, pk: int) -> Case:
    """A case whose content the user may read; 404 otherwise, so nothing tells a colleague
    more than the list already does."""
    case = case_get(user=user, pk=pk)
    if not access.may_read(user, case):
        raise Http404
    return case


def my_cases(*, user) -> QuerySet[Case]:
    return case_list(user=user).filter(Q(lead=user) | Q(team=user)).distinct()


def stage_counts(qs: QuerySet[Case]) -> dict[str, int]:
    return dict(qs.order_by().values_list("stage").annotate(n=Count("id")))


def waiting_for(*, user) -> QuerySet[Approval]:
    """Approvals this user is the one to decide: supervised cases, or a 站长's station cases
    that have no supervisor of their own."""
    head_of = [a.station_id for a in assignments_of(user) if a.role == Role.HEAD]
    cases = case_list(user=user).filter(Q(supervisor=user) | Q(supervisor__isnull=True, station_id__in=head_of))
    return (Approval.objects.filter(status=Approval.Status.PENDING, case__in=cases).exclude(case__lead=user)
            .exclude(case__team=user)
            .select_related("case__resident", "submitted_by").order_by("submitted_at"))


def tasks_due(*, user, within_days: int = 7) -> QuerySet[Task]:
    horizon = timezone.localdate() + datetime.timedelta(days=within_days)
    return (Task.objects.filter(owner=user, done_on__isnull=True, due_on__lte=horizon,
                                case__in=case_list(user=user))
            .select_related("case").order_by("due_on"))


def follow_ups_due(*, user, within_days: int = 7) -> QuerySet[FollowUp]:
    horizon = timezone.localdate() + datetime.timedelta(days=within_days)
    return (FollowUp.objects.filter(case__lead=user, done_on__isnull=True, due_on__lte=horizon,
                                    case__in=case_list(user=user))
            .select_related("case").order_by("due_on"))


def case_totals(qs: QuerySet[Case]) -> dict:
    """个案数 opened/active/closed, 服务人次 and hours: what the dashboard counts."""
    from wushe.casework.models import Session

    sessions = Session.objects.filter(case__in=qs).aggregate(n=Count("id"), minutes=Sum("minutes"))
    return {
        "opened": qs.count(),
        "active": qs.exclude(stage__in=[Case.Stage.CLOSED, Case.Stage.DECLINED]).count(),
        "closed": qs.filter(stage=Case.Stage.CLOSED).count(),
        "sessions": sessions["n"],
        "hours": round((sessions["minutes"] or 0) / 60, 1),
    }


def station_users(*, station, roles) -> QuerySet:
    """Active accounts holding one of ``roles`` at the station (team members, supervisors)."""
    from wushe.accounts.models import User

    return (User.objects.filter(is_active=True, assignments__station=station, assignments__role__in=roles)
            .distinct().order_by("full_name", "username"))


def open_needs(*, resident) -> QuerySet:
    from wushe.people.models import Need

    return Need.objects.filter(resident=resident).exclude(status__in=[Need.Status.MET, Need.Status.CLOSED])


def case_team(*, case) -> QuerySet:
    """The lead and the team: who may own a task."""
    from wushe.accounts.models import User

    return User.objects.filter(Q(pk=case.lead_id) | Q(case_teams=case)).distinct().order_by("full_name")


def referral_list(*, user) -> QuerySet:
    """Referrals out of or into the stations of the user's scope."""
    from wushe.casework.models import Referral

    prefixes = prefixes_for(user, Action.CASE_WORK)
    return (Referral.objects.filter(within_any("from_station__division_id", prefixes)
                                    | within_any("to_station__division_id", prefixes))
            .select_related("resident", "from_station", "to_station", "case"))


def referral_get(*, user, pk: int):
    """A referral the user may read: the receiving station's workers, and on the sending side
    whoever may read the case it came from (anyone at the station for a need's referral)."""
    from wushe.accounts.scope import can

    referral = referral_list(user=user).filter(pk=pk).first()
    if referral is None:
        raise Http404
    receiving = referral.to_station_id and can(user, Action.CASE_WORK, referral.to_station)
    if not receiving and referral.case_id and not access.may_read(user, referral.case):
        raise Http404
    return referral


def referrals_waiting(*, user) -> int:
    """Referrals into the user's stations that wait for an answer."""
    stations = [a.station_id for a in assignments_of(user) if a.station_id]
    return referral_list(user=user).filter(to_station_id__in=stations, status="pending").count()


def closed_by_reason(qs: QuerySet[Case]) -> dict[str, int]:
    return dict(qs.filter(stage=Case.Stage.CLOSED).order_by().values_list("closure_reason")
                .annotate(n=Count("id")))


def days_per_stage(qs: QuerySet[Case]) -> dict[str, float]:
    """Average days a case spends in each stage, read from the cases' change history (a stage
    a case is still in counts up to today)."""
    from collections import defaultdict

    now = timezone.now()
    spans = defaultdict(list)
    rows = (Case.history.filter(id__in=qs.values("id")).order_by("id", "history_date", "history_id")
            .values_list("id", "stage", "history_date"))
    current = None
    for case_id, stage, at in list(rows) + [(None, None, now)]:
        if current and (case_id != current[0] or stage != current[1]):
            end = at if case_id == current[0] else now
            if current[1] not in (Case.Stage.CLOSED, Case.Stage.DECLINED):
                spans[current[1]].append((end - current[2]).total_seconds() / 86400)
            current = None
        if case_id is not None and current is None:
            current = (case_id, stage, at)
    return {stage: round(sum(days) / len(days), 1) for stage, days in spans.items()}


def referral_counts(*, user) -> dict:
    """Referrals by direction (out of / into the user's stations) and status."""
    qs = referral_list(user=user)
    stations = [a.station_id for a in assignments_of(user) if a.station_id]
    out = dict(qs.filter(from_station_id__in=stations).order_by().values_list("status").annotate(n=Count("id")))
    into = dict(qs.filter(to_station_id__in=stations).order_by().values_list("status").annotate(n=Count("id")))
    return {"out": out, "in": into}
