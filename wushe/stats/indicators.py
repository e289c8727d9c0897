"""The dashboard's indicators (统计指标): each written once — name, definition in Chinese,
unit, the records behind it and how they are counted — and read by the dashboard, the
reports, the API and the rollups alike.

Where a service project counts the same thing (``wushe.projects.indicators``), the measure
here is that indicator over every source record: the same name, the same definition, the
same query. The other measures are additive events in a period (a case opened, a donation
received), so that a period's figure is a sum of daily figures and can come from rollups.
Derived measures (满意率, 平均答复时长, 服务总时长) are computed from other measures' totals.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from wushe.accounts.roles import Action
from wushe.activities.models import Activity
from wushe.casework.models import Case
from wushe.casework.models import Session as CaseSession
from wushe.charity.models import Donation, FundEntry, ResourceLink
from wushe.deliberation.models import ActionItem, Deliberation
from wushe.groupwork.models import Group
from wushe.organizations.models import Incubation, Organization, Stage
from wushe.people.models import Need
from wushe.portal.models import Request
from wushe.projects import indicators as project_indicators
from wushe.volunteers.models import Volunteer

# Wide enough for any record: a shared project indicator asked for "all time".
ALL_TIME = (datetime.date(1990, 1, 1), datetime.date(2199, 12, 31))


class Section:
    CASEWORK = _("个案工作")
    GROUPWORK = _("小组工作")
    ACTIVITIES = _("社区活动")
    VOLUNTEERS = _("志愿服务")
    ORGANIZATIONS = _("社区社会组织")
    CHARITY = _("慈善资源")
    DELIBERATION = _("居民议事")
    NEEDS = _("需求与诉求")
    TOTALS = _("综合")


@dataclass(frozen=True)
class Measure:
    key: str
    name: str
    definition: str
    unit: str
    section: str
    base: Callable[[], QuerySet] | None = None  # every counted record, of all time
    date: str = ""  # the path to the date (or time) that places a record in a period
    station: str | None = "station_id"  # the path to its station, None for records kept by community
    division: str = "station__division_id"  # the path to its 12-digit division code
    value: object = None  # an aggregate of the base unit; None counts records
    scale: int = 1  # base units per displayed unit (minutes per hour, 分 per 元)
    part: str | None = None  # the field a breakdown splits by (服务类别 …)
    part_choices: tuple = ()
    estimate: bool = False  # 估算: labelled as such wherever it is shown
    derive: Callable | None = None  # derived: (totals by key) → value
    needs: tuple = ()  # the measures a derived one is computed from
    action: str = Action.NETWORK_VIEW  # who may open one of the records behind the number
    describe: Callable = str  # one record, as the drill-down list names it (no personal data)
    digits: int = 0
    # A breakdown of another measure that can count a record under several parts (an activity
    # for both 老年人 and 儿童): kept apart, never added into a total.
    breakdown_of: str | None = None
    # Counted from the records each time (a count of distinct people cannot be added up from
    # daily counts), and only from a street down, where the records are thousands, not millions.
    live: bool = False
    # Whether the database's own sum is already the exact integer to store (counts, minutes);
    # money (元 × 100) and durations are rounded in Python instead.
    exact_in_sql: bool = True

    @property
    def derived(self) -> bool:
        return self.derive is not None

    def dated_by_time(self) -> bool:
        model = self.base().model
        for name in self.date.split("__")[:-1]:
            model = model._meta.get_field(name).related_model
        return isinstance(model._meta.get_field(self.date.split("__")[-1]), DateTimeField)

    def day(self):
        """The expression for a record's day (local time for a moment)."""
        return TruncDate(self.date) if self.dated_by_time() else F(self.date)

    def in_period(self, start: datetime.date, end: datetime.date) -> Q:
        if self.dated_by_time():
            return Q(**{f"{self.date}__range": project_indicators._day_range(start, end)})
        return Q(**{f"{self.date}__range": (start, end)})

    def records(self, start: datetime.date, end: datetime.date) -> QuerySet:
        return self.base().filter(self.in_period(start, end))

    def aggregate(self):
        return Count("id") if self.value is None else self.value

    def shown(self, raw) -> float | int | None:
        """A total in base units, as displayed."""
        if raw is None:
            return None
        if self.scale == 1:
            return raw
        return round(raw / self.scale, 1 if self.scale == 60 else 2)


def _shared(key: str, section, *, date: str, station: str, division: str, part=None, part_choices=(),
            action=Action.NETWORK_VIEW, describe=str, value=None, scale=1, estimate=False) -> Measure:
    """A project indicator over all its source records: one definition, two users."""
    ind = project_indicators.INDICATORS[key]
    model = project_indicators.SOURCES[ind.source]
    return Measure(key, ind.name, ind.definition, ind.unit, section,
                   base=lambda: ind.records(model.objects.all(), *ALL_TIME).order_by(),
                   date=date, station=station, division=division, part=part, part_choices=part_choices,
                   action=action, describe=describe, value=value, scale=scale, estimate=estimate)


def _ratio(num: str, den: str, factor: float = 1.0, digits: int = 1):
    def derive(totals):
        n, d = totals.get(num), totals.get(den)
        return round(factor * n / d, digits) if n is not None and d else None
    return derive


def _total(*keys):
    def derive(totals):
        return round(sum(totals.get(k) or 0 for k in keys), 1)
    return derive


CATEGORY = tuple(Activity.Category.choices)
NEED_CATEGORY = tuple(Need.Category.choices)

MEASURES: dict[str, Measure] = {m.key: m for m in [
    # 个案工作 — a case's content is never named in a list, only its number and stage.
    Measure("cases_opened", _("新接个案"), _("期内接案的个案（按接案日期），不含未接案的。"), _("个"), Section.CASEWORK,
            base=lambda: Case.objects.exclude(stage=Case.Stage.DECLINED), date="opened_on",
            action=Action.CASE_WORK, describe=lambda r: f"{r.number} · {r.get_stage_display()}"),
    Measure("cases_closed", _("结案个案"), _("期内结案的个案（按结案日期）。"), _("个"), Section.CASEWORK,
            base=lambda: Case.objects.filter(stage=Case.Stage.CLOSED, closed_on__isnull=False), date="closed_on",
            action=Action.CASE_WORK, describe=lambda r: f"{r.number} · {r.get_closure_reason_display()}"),
    _shared("case_sessions", Section.CASEWORK, date="held_on", station="case__station_id",
            division="case__station__division_id", action=Action.CASE_WORK,
            describe=lambda r: f"{r.case.number} · {r.minutes} 分钟"),
    Measure("case_hours", _("个案服务时长"), _("期内记录的个案服务（面谈、家访、电话等）时长之和。"), _("小时"),
            Section.CASEWORK, base=lambda: CaseSession.objects.all(), date="held_on", station="case__station_id",
            division="case__station__division_id", value=Sum("minutes"), scale=60, action=Action.CASE_WORK,
            describe=lambda r: f"{r.case.number} · {r.minutes} 分钟"),
    # 小组工作
    Measure("groups_started", _("开展小组"), _("期内开始的小组（按计划开始日期）。"), _("个"), Section.GROUPWORK,
            base=lambda: Group.objects.all(), date="starts_on", part="kind", part_choices=tuple(Group.Kind.choices),
            action=Action.GROUP_WORK, describe=lambda r: f"{r.name} · {r.get_stage_display()}"),
    _shared("group_sessions", Section.GROUPWORK, date="held_on", station="group__station_id",
            division="group__station__division_id", action=Action.GROUP_WORK,
            describe=lambda r: f"{r.group.name} 第{r.number}节"),
    _shared("group_attendances", Section.GROUPWORK, date="session__held_on", station="session__group__station_id",
            division="session__group__station__division_id", action=Action.GROUP_WORK,
            describe=lambda r: f"{r.session.group.name} 第{r.session.number}节"),
    # 社区活动
    _shared("activities", Section.ACTIVITIES, date="starts_at", station="station_id", division="station__division_id",
            part="category", part_choices=CATEGORY, action=Action.ACTIVITY_MANAGE,
            describe=lambda r: f"{r.title} · {r.get_category_display()}"),
    _shared("attendances", Section.ACTIVITIES, date="activity__starts_at", station="activity__station_id",
            division="activity__station__division_id", part="activity__category", part_choices=CATEGORY,
            action=Action.ACTIVITY_MANAGE, describe=lambda r: r.activity.title),
    Measure("people", project_indicators.INDICATORS["people"].name,
            str(project_indicators.INDICATORS["people"].definition) + _("（逐条去重计算，街道及以下显示。）"),
            project_indicators.INDICATORS["people"].unit, Section.ACTIVITIES,
            base=lambda: project_indicators.INDICATORS["people"].records(Activity.objects.all(), *ALL_TIME).order_by(),
            date="activity__starts_at", station="activity__station_id", division="activity__station__division_id",
            value=Count("mobile_hash", distinct=True), live=True, action=Action.ACTIVITY_MANAGE,
            describe=lambda r: r.activity.title),
    _shared("indirect", Section.ACTIVITIES, date="starts_at", station="station_id", division="station__division_id",
            part="category", part_choices=CATEGORY, value=Sum("indirect_reach"), estimate=True,
            action=Action.ACTIVITY_MANAGE,
            describe=lambda r: f"{r.title} · {r.indirect_reach}（{r.indirect_basis or '—'}）"),
    Measure("activities_by_group", _("社区活动场次（按服务人群）"),
            _("期内社区活动按所面向的服务人群计数；一场活动面向几类人群就在几类下各计一次，各类之和可大于总场次。"),
            _("场"), Section.ACTIVITIES,
            base=lambda: project_indicators.INDICATORS["activities"].records(Activity.objects.all(), *ALL_TIME)
            .order_by(), date="starts_at", part="target_tags__name", breakdown_of="activities",
            action=Action.ACTIVITY_MANAGE, describe=lambda r: r.title),
    Measure("attendances_by_group", _("活动参与人次（按服务人群）"),
            _("期内社区活动签到人次按活动所面向的服务人群计数；面向几类人群就在几类下各计一次，各类之和可大于总人次。"),
            _("人次"), Section.ACTIVITIES,
            base=lambda: project_indicators.INDICATORS["attendances"].records(Activity.objects.all(), *ALL_TIME)
            .order_by(), date="activity__starts_at", station="activity__station_id",
            division="activity__station__division_id", part="activity__target_tags__name",
            breakdown_of="attendances", action=Action.ACTIVITY_MANAGE, describe=lambda r: r.activity.title),
    Measure("feedback", _("活动反馈"), _("期内社区活动收到的满意度反馈条数。"), _("条"), Section.ACTIVITIES,
            base=lambda: project_indicators.INDICATORS["satisfaction"].records(Activity.objects.all(), *ALL_TIME)
            .order_by(), date="activity__starts_at", station="activity__station_id",
            division="activity__station__division_id", action=Action.ACTIVITY_MANAGE,
            describe=lambda r: f"{r.activity.title} · {r.get_rating_display()}"),
    Measure("feedback_happy", _("满意反馈"), _("期内社区活动反馈中评为“满意”“非常满意”的条数。"), _("条"),
            Section.ACTIVITIES,
            base=lambda: project_indicators.INDICATORS["satisfaction"].records(Activity.objects.all(), *ALL_TIME)
            .order_by().filter(rating__gte=4), date="activity__starts_at", station="activity__station_id",
            division="activity__station__division_id", action=Action.ACTIVITY_MANAGE,
            describe=lambda r: f"{r.activity.title} · {r.get_rating_display()}"),
    Measure("satisfaction", project_indicators.INDICATORS["satisfaction"].name,
            project_indicators.INDICATORS["satisfaction"].definition, "%", Section.ACTIVITIES,
            derive=_ratio("feedback_happy", "feedback", 100), needs=("feedback_happy", "feedback"), digits=1),
    # 志愿服务
    Measure("volunteers_new", _("新注册志愿者"), _("期内在本平台注册的志愿者人数（按登记时间）。"), _("人"),
            Section.VOLUNTEERS, base=lambda: Volunteer.objects.all(), date="created_at",
            action=Action.VOLUNTEER_MANAGE, describe=lambda r: r.number),
    _shared("volunteer_hours", Section.VOLUNTEERS, date="started_at", station="project__station_id",
            division="project__station__division_id", value=Sum("minutes"), scale=60,
            action=Action.VOLUNTEER_MANAGE, describe=lambda r: f"{r.project.title} · {r.hours} h"),
    _shared("volunteer_times", Section.VOLUNTEERS, date="started_at", station="project__station_id",
            division="project__station__division_id", action=Action.VOLUNTEER_MANAGE,
            describe=lambda r: f"{r.project.title} · {r.hours} h"),
    # 社区社会组织 — filed by community or street, not by station.
    Measure("orgs_filed", _("新备案社区社会组织"), _("期内备案或登记的社区社会组织（按备案/登记日期）。"), _("家"),
            Section.ORGANIZATIONS, base=lambda: Organization.objects.all(), date="filed_on", station=None,
            division="division_id", part="category", action=Action.ORG_MANAGE, describe=lambda r: r.name),
    Measure("orgs_graduated", _("孵化出壳组织"), _("期内完成孵化（出壳）的社区社会组织。"), _("家"), Section.ORGANIZATIONS,
            base=lambda: Incubation.objects.filter(stage=Stage.GRADUATED), date="stage_on",
            part="organization__category", action=Action.ORG_MANAGE, describe=lambda r: r.organization.name),
    # 慈善资源 — money in 分 so that sums stay exact.
    Measure("donation_amount", _("接收捐赠"), _("期内登记的捐赠金额（物资按逐项估值之和），按捐赠日期。"), _("元"),
            Section.CHARITY, base=lambda: Donation.objects.all(), date="received_on",
            value=Sum(F("amount") * 100), scale=100, exact_in_sql=False, part="kind",
            part_choices=tuple(Donation.Kind.choices),
            action=Action.CHARITY_MANAGE, describe=lambda r: f"{r.get_kind_display()} {r.amount} 元"),
    Measure("donations", _("捐赠笔数"), _("期内登记的捐赠笔数。"), _("笔"), Section.CHARITY,
            base=lambda: Donation.objects.all(), date="received_on", part="kind",
            part_choices=tuple(Donation.Kind.choices), action=Action.CHARITY_MANAGE,
            describe=lambda r: f"{r.get_kind_display()} {r.amount} 元"),
    Measure("fund_spent", _("社区基金支出"), _("期内经审批的社区基金支出金额（按支出日期）。"), _("元"), Section.CHARITY,
            base=lambda: FundEntry.objects.filter(kind=FundEntry.Kind.EXPENSE, status=FundEntry.Status.APPROVED),
            date="on", station="fund__station_id", division="fund__station__division_id",
            value=Sum(F("amount") * 100), scale=100, exact_in_sql=False, action=Action.CHARITY_MANAGE,
            describe=lambda r: f"{r.fund.name} · {r.purpose} · {r.amount} 元"),
    Measure("resources_linked", _("链接资源"), _("期内登记的链接资源（场地、资金、物资、服务等）项数。"), _("项"),
            Section.CHARITY, base=lambda: ResourceLink.objects.all(), date="linked_on", part="kind",
            part_choices=tuple(ResourceLink.Kind.choices), action=Action.CHARITY_MANAGE,
            describe=lambda r: f"{r.get_kind_display()} · {r.description}"),
    # 居民议事
    Measure("topics", _("议事议题"), _("期内提出的居民议事议题（按提出时间）。"), _("件"), Section.DELIBERATION,
            base=lambda: Deliberation.objects.all(), date="created_at", part="category",
            part_choices=tuple(Deliberation.Category.choices), action=Action.DELIBERATION_MANAGE,
            describe=lambda r: r.title),
    Measure("deeds_done", _("办实事"), _("期内办结、写明办结情况的议事决议办理事项（按办结日期）。"), _("件"),
            Section.DELIBERATION, base=lambda: ActionItem.objects.filter(status=ActionItem.Status.DONE),
            date="done_on", station="resolution__deliberation__station_id",
            division="resolution__deliberation__station__division_id", action=Action.DELIBERATION_MANAGE,
            describe=lambda r: r.what),
    # 需求与诉求 — needs are kept by community.
    Measure("needs_raised", _("新增需求"), _("期内登记到需求清单的需求（按提出日期）。"), _("项"), Section.NEEDS,
            base=lambda: Need.objects.all(), date="raised_on", station=None, division="community_id",
            part="category", part_choices=NEED_CATEGORY, action=Action.PERSON_VIEW,
            describe=lambda r: f"{r.get_category_display()} · {r.get_status_display()}"),
    Measure("needs_met", _("已满足需求"), _("期内标记为已满足的需求（按结束日期）。"), _("项"), Section.NEEDS,
            base=lambda: Need.objects.filter(status=Need.Status.MET), date="closed_on", station=None,
            division="community_id", part="category", part_choices=NEED_CATEGORY, action=Action.PERSON_VIEW,
            describe=lambda r: r.get_category_display()),
    Measure("requests", _("居民诉求"), _("期内居民通过扫码页面或工作人员登记的诉求（按提交时间）。"), _("件"),
            Section.NEEDS, base=lambda: Request.objects.all(), date="created_at", part="category",
            part_choices=NEED_CATEGORY, action=Action.PERSON_VIEW,
            describe=lambda r: f"{r.get_category_display()} · {r.get_status_display()}"),
    Measure("requests_handled", _("已答复诉求"), _("期内答复（受理或不予受理并说明理由）的诉求（按答复时间）。"),
            _("件"), Section.NEEDS, base=lambda: Request.objects.filter(handled_at__isnull=False),
            date="handled_at", action=Action.PERSON_VIEW,
            describe=lambda r: f"{r.get_category_display()} · {r.get_status_display()}"),
    Measure("response_minutes", _("诉求答复用时"), _("期内答复的诉求从提交到答复所用时间之和。"), _("小时"),
            Section.NEEDS, base=lambda: Request.objects.filter(handled_at__isnull=False), date="handled_at",
            value=Sum(ExpressionWrapper(F("handled_at") - F("created_at"), output_field=DurationField())),
            scale=60, exact_in_sql=False, action=Action.PERSON_VIEW,
            describe=lambda r: f"{r.get_category_display()} · {r.get_status_display()}"),
    Measure("response_hours", _("诉求平均答复时长"), _("期内答复的诉求，从提交到答复的平均小时数。"), _("小时"),
            Section.NEEDS, derive=_ratio("response_minutes", "requests_handled"),
            needs=("response_minutes", "requests_handled"), digits=1),
    # 综合
    Measure("service_hours", _("服务时长"), _("个案服务时长与志愿服务时长之和（小组、活动的时长不重复计入）。"),
            _("小时"), Section.TOTALS, derive=_total("case_hours", "volunteer_hours"),
            needs=("case_hours", "volunteer_hours"), digits=1),
]}

ROLLED = [m for m in MEASURES.values() if not m.derived and not m.live]
# The figures the dashboard shows first and ranks stations by.
HEADLINE = ["cases_opened", "case_sessions", "group_sessions", "activities", "attendances", "indirect",
            "volunteer_hours", "deeds_done", "donation_amount", "needs_met"]


SHOWN = [m for m in MEASURES.values() if not m.breakdown_of]
BY_GROUP = {m.breakdown_of: m.key for m in MEASURES.values() if m.breakdown_of}


def sections() -> list[tuple[str, list[Measure]]]:
    out: dict[str, list[Measure]] = {}
    for m in SHOWN:
        out.setdefault(str(m.section), []).append(m)
    return list(out.items())


def base_value(measure: Measure, raw) -> int:
    """An aggregate as stored in a rollup: an integer in the base unit (a duration in minutes)."""
    if raw is None:
        return 0
    if isinstance(raw, datetime.timedelta):
        return int(raw.total_seconds() // 60)
    return int(round(raw))
