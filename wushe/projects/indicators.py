"""The indicators (指标): each written once — its name, its definition in Chinese, how it is
counted and which records lie behind it — and used wherever the number is shown (project
progress now; the dashboard, reports and API read the same definitions).

An indicator counts records reached from one kind of source record (a case, a group, a
community activity, a volunteer project): ``records(sources, start, end)`` is the queryset of
the records behind the number, ``measure(records)`` the number. A project restricts the
sources to those linked to it and the period to its own.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wushe.activities.models import Activity, Feedback, SignIn
from wushe.casework.models import Case
from wushe.casework.models import Session as CaseSession
from wushe.groupwork.models import Attendance, Group
from wushe.groupwork.models import Session as GroupSession
from wushe.volunteers.models import Project as VolunteerProject
from wushe.volunteers.services import counted_hours


def _count(qs: QuerySet) -> int:
    return qs.count()


def _day_range(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, tz),
            datetime.datetime.combine(end, datetime.time.max, tz))


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    definition: str
    unit: str
    source: str  # the kind of record a project links: case, group, activity, volunteer_project
    records: Callable  # (sources queryset, start, end) → queryset of the records behind the number
    measure: Callable = _count  # (records) → the number
    row: str = ""  # how the records list shows one record (see ``rows``)


def _cases(sources, start, end):
    return sources.exclude(stage=Case.Stage.DECLINED).filter(opened_on__lte=end).exclude(
        closed_on__lt=start).order_by("-opened_on", "-id")


def _linked(records: QuerySet, path: str, sources: QuerySet) -> QuerySet:
    """The records whose ``path`` is one of ``sources``. A project's linked records are a
    short IN (…); the dashboard's sources are the whole table, where an IN over every row would
    make the database walk all of them before the period and place narrow anything."""
    return records.filter(**{f"{path}__in": sources}) if sources.query.has_filters() else records


def _case_sessions(sources, start, end):
    return _linked(CaseSession.objects, "case", sources).filter(held_on__range=(start, end)).select_related(
        "case").order_by("-held_on", "-id")


def _groups(sources, start, end):
    return sources.filter(starts_on__lte=end).order_by("-starts_on", "-id")


def _group_sessions(sources, start, end):
    return _linked(GroupSession.objects, "group", sources).filter(recorded=True, held_on__range=(start, end)).select_related(
        "group").order_by("-held_on", "-id")


def _group_attendance(sources, start, end):
    return _linked(Attendance.objects, "session__group", sources).filter(
        session__recorded=True, present=True, session__held_on__range=(start, end)).select_related(
        "session__group").order_by("-session__held_on", "-id")


def _held_in(start, end, path: str = "") -> Q:
    """An activity counted in the period: it started in it and was not cancelled. ``path``
    leads from another record to its activity ("activity__")."""
    return Q(**{f"{path}starts_at__range": _day_range(start, end)}) & ~Q(
        **{f"{path}status": Activity.Status.CANCELLED})


def _activities(sources, start, end):
    return sources.filter(_held_in(start, end)).order_by("-starts_at", "-id")


def _held(records, start, end):
    """Records of an activity held in the period (as ``_activities`` counts it)."""
    return records.filter(_held_in(start, end, "activity__"))


def _sign_ins(sources, start, end):
    return _held(_linked(SignIn.objects, "activity", sources), start, end).select_related(
        "activity").order_by("-at", "-id")


def _people(records) -> int:
    return records.values("mobile_hash").distinct().count()


def _indirect(records) -> int:
    return records.aggregate(n=Sum("indirect_reach"))["n"] or 0


def _feedback(sources, start, end):
    return _held(_linked(Feedback.objects, "activity", sources), start, end).select_related(
        "activity").order_by("-at", "-id")


def _satisfied_share(records) -> float | None:
    found = records.aggregate(n=Count("id"), happy=Count("id", filter=Q(rating__gte=4)))
    return round(100 * found["happy"] / found["n"], 1) if found["n"] else None


def _hours(sources, start, end):
    return _linked(counted_hours(), "project", sources).filter(started_at__range=_day_range(start, end)).select_related(
        "volunteer", "project").order_by("-started_at", "-id")


def _hours_sum(records) -> float:
    return round((records.aggregate(n=Sum("minutes"))["n"] or 0) / 60, 1)


INDICATORS: dict[str, Indicator] = {i.key: i for i in [
    Indicator("cases", _("个案数"), _("期内在服务的个案（接案在期末前、结案不早于期初），不含未接案。"), _("个"),
              "case", _cases, row="case"),
    Indicator("case_sessions", _("个案服务次数"), _("期内记录的个案服务（面谈、家访、电话等）次数。"), _("次"),
              "case", _case_sessions, row="case_session"),
    Indicator("groups", _("小组数"), _("期内开展（计划开始不晚于期末）的小组。"), _("个"), "group", _groups, row="group"),
    Indicator("group_sessions", _("小组活动节数"), _("期内已记录的小组活动节数。"), _("节"), "group", _group_sessions,
              row="group_session"),
    Indicator("group_attendances", _("小组参与人次"), _("期内已记录的小组活动中出席的组员人次。"), _("人次"), "group",
              _group_attendance, row="attendance"),
    Indicator("activities", _("社区活动场次"), _("期内开始的社区活动，不含已取消的。"), _("场"), "activity", _activities,
              row="activity"),
    Indicator("attendances", _("活动参与人次"), _("期内社区活动的签到人次（扫码或现场签到，每人每场计一次）。"),
              _("人次"), "activity", _sign_ins, row="sign_in"),
    Indicator("people", _("直接参与人数"), _("期内社区活动签到的不同人数（按手机号去重）。"), _("人"), "activity",
              _sign_ins, _people, row="sign_in"),
    Indicator("indirect", _("间接惠及人数（估算）"), _("期内社区活动填报的间接惠及人数之和；是估算，各场均写明依据。"),
              _("人"), "activity", _activities, _indirect, row="activity"),
    Indicator("satisfaction", _("活动满意率"), _("期内社区活动反馈中“满意”“非常满意”所占比例。"), "%", "activity",
              _feedback, _satisfied_share, row="feedback"),
    Indicator("volunteer_hours", _("志愿服务时长"), _("期内组织者确认、未被更正的志愿服务时长，只计实际服务时间。"),
              _("小时"), "volunteer_project", _hours, _hours_sum, row="hours"),
    Indicator("volunteer_times", _("联动志愿者人次"), _("期内确认的志愿服务记录条数（一人服务一次计一人次）。"),
              _("人次"), "volunteer_project", _hours, row="hours"),
]}

SOURCES = {"case": Case, "group": Group, "activity": Activity, "volunteer_project": VolunteerProject}


def choices() -> list[tuple[str, str]]:
    return [(i.key, f"{i.name}（{i.unit}）") for i in INDICATORS.values()]


def rows(indicator: Indicator, records, user) -> list[dict]:
    """The records behind a number as the drill-down list shows them: date, what, where, and a
    link only where the user may open the record (a case's client is never named here)."""
    from wushe.accounts.roles import Action
    from wushe.accounts.scope import can
    from wushe.casework.access import may_read

    out = []
    for r in records:
        if indicator.row == "case":
            out.append({"date": r.opened_on, "what": _("个案 %(n)s · %(s)s") % {"n": r.number, "s": r.get_stage_display()},
                        "url": r.get_absolute_url() if may_read(user, r) else ""})
        elif indicator.row == "case_session":
            out.append({"date": r.held_on, "what": _("个案 %(n)s · %(m)s 分钟") % {"n": r.case.number, "m": r.minutes},
                        "url": r.case.get_absolute_url() if may_read(user, r.case) else ""})
        elif indicator.row == "group":
            out.append({"date": r.starts_on, "what": f"{r.name} · {r.get_stage_display()}",
                        "url": r.get_absolute_url() if can(user, Action.GROUP_WORK, r) else ""})
        elif indicator.row in ("group_session", "attendance"):
            session = r if indicator.row == "group_session" else r.session
            out.append({"date": session.held_on, "what": _("%(g)s 第%(n)s节") % {"g": session.group.name,
                                                                                "n": session.number},
                        "url": session.group.get_absolute_url() if can(user, Action.GROUP_WORK, session.group) else ""})
        elif indicator.row in ("activity", "sign_in", "feedback"):
            activity = r if indicator.row == "activity" else r.activity
            what = activity.title
            if indicator.row == "sign_in":
                # Even masked, a participant's number is for those who may read personal data there.
                what = f"{activity.title} · {r.mobile_masked if can(user, Action.PERSON_VIEW, activity) else '***'}"
            elif indicator.row == "feedback":
                what = f"{activity.title} · {r.get_rating_display()}"
            elif indicator.key == "indirect":
                what = f"{activity.title} · {activity.indirect_reach}（{activity.indirect_basis or '—'}）"
            out.append({"date": timezone.localtime(r.at if indicator.row != "activity" else activity.starts_at).date(),
                        "what": what,
                        "url": activity.get_absolute_url() if can(user, Action.ACTIVITY_MANAGE, activity) else ""})
        elif indicator.row == "hours":
            out.append({"date": timezone.localtime(r.started_at).date(),
                        "what": f"{r.volunteer.number} · {r.project.title} · {r.hours} h",
                        "url": reverse("volunteers:project", args=[r.project_id])
                        if can(user, Action.VOLUNTEER_MANAGE, r.project) else ""})
    return out
