"""Reads of the workforce, scoped by ``workforce.manage``: a worker (with their certificates,
exams and attendance) by the station they serve, a course by where it is organized. The
standards are evaluated here: for a station, the most specific rule (longest division
prefix) that applies to it."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from wushe.accounts.roles import Action
from wushe.accounts.scope import prefixes_for
from wushe.core.divisions import PREFIX_LENGTH, Level, full_code, within_any
from wushe.core.models import Division, Station
from wushe.workforce.models import (
    Attendance,
    Exam,
    Grade,
    Ladder,
    Policy,
    Qualification,
    StaffingRule,
    Training,
    TrainingRule,
    TrainingSession,
    Worker,
    current_q,
)
from wushe.workforce.models import Level as QLevel

WF = Action.WORKFORCE_MANAGE
DEFAULT_CE_HOURS, DEFAULT_CE_YEARS = Decimal("72"), 3  # 每3年不少于72学时 when no policy is set
_LENGTHS = sorted(PREFIX_LENGTH.values(), reverse=True)  # 12, 9, 6, 4, 2


def _prefixes(user):
    return prefixes_for(user, WF)


# --- workers ------------------------------------------------------------------------------------

def _top_level(today):
    """A worker's highest current qualification level, as a subquery (None: not certified)."""
    current = (Qualification.objects.filter(current_q(today), worker=OuterRef("pk")).order_by()
               .values("worker").annotate(top=Max("level")).values("top"))
    return Subquery(current, output_field=IntegerField())


def _hours_between(start: datetime.date, end: datetime.date):
    """Continuing-education hours attended in [start, end], as a subquery."""
    attended = (Attendance.objects.filter(worker=OuterRef("pk"), session__held_on__gte=start,
                                          session__held_on__lte=end).order_by()
                .values("worker").annotate(h=Sum("session__hours")).values("h"))
    return Coalesce(Subquery(attended, output_field=DecimalField(max_digits=8, decimal_places=1)), Decimal("0"),
                    output_field=DecimalField(max_digits=8, decimal_places=1))


def certified(today=None) -> Exists:
    return Exists(Qualification.objects.filter(current_q(today), worker=OuterRef("pk")))


def worker_list(*, user, today=None) -> QuerySet[Worker]:
    """Workers in scope, each with ``top_level`` (highest current qualification) and
    ``hours_year`` (training hours attended this calendar year)."""
    today = today or timezone.localdate()
    return (Worker.objects.filter(within_any("station__division_id", _prefixes(user)))
            .select_related("station", "agency", "grade__ladder")
            .annotate(top_level=_top_level(today),
                      hours_year=_hours_between(today.replace(month=1, day=1), today.replace(month=12, day=31))))


def worker_get(*, user, pk: int) -> Worker:
    worker = worker_list(user=user).filter(pk=pk).first()
    if worker is None:
        raise Http404
    return worker


def my_worker(*, user) -> Worker | None:
    """The signed-in user's own profile, whatever their role."""
    if not getattr(user, "is_authenticated", False):
        return None
    today = timezone.localdate()
    return (Worker.objects.filter(user=user).select_related("station", "agency", "grade__ladder")
            .annotate(top_level=_top_level(today),
                      hours_year=_hours_between(today.replace(month=1, day=1), today.replace(month=12, day=31)))
            .first())


def qualification_get(*, user, pk: int) -> Qualification:
    q = (Qualification.objects.filter(within_any("worker__station__division_id", _prefixes(user)), pk=pk)
         .select_related("worker__station").first())
    if q is None:
        raise Http404
    return q


def exam_get(*, user, pk: int) -> Exam:
    exam = (Exam.objects.filter(within_any("worker__station__division_id", _prefixes(user)), pk=pk)
            .select_related("worker__station").first())
    if exam is None:
        raise Http404
    return exam


def highest_qualification(worker: Worker, today=None) -> Qualification | None:
    """The highest current certificate (the earliest obtained of that level)."""
    today = today or timezone.localdate()
    return worker.qualifications.filter(current_q(today)).order_by("-level", "obtained_on", "id").first()


def qualification_totals(workers: QuerySet[Worker], today=None) -> dict:
    """持证社工: workers in post holding a current qualification, by their highest level."""
    today = today or timezone.localdate()
    active = workers.filter(status=Worker.Status.ACTIVE)
    rows = dict(active.order_by().annotate(top=_top_level(today)).filter(top__isnull=False)
                .values_list("top").annotate(n=Count("id")))
    by_level = [(QLevel(level).label, rows.get(level, 0)) for level in reversed(QLevel.values)]
    return {"workers": active.count(), "certified": sum(rows.values()), "by_level": by_level,
            "full_time": active.filter(post=Worker.Post.FULL_TIME).count()}


# --- policies: continuing education and subsidy ------------------------------------------------

def _prefix_codes(code: str) -> list[tuple[int, str]]:
    """(prefix length, its 12-digit code) for each level above and at ``code``, longest first,
    skipping levels the code does not have (a county's code has no street digits)."""
    code = full_code(code)
    out = []
    for n in _LENGTHS:
        part = code[:n]
        prev = max([m for m in _LENGTHS if m < n], default=0)
        if part[prev:].strip("0") or n == 2:
            out.append((n, full_code(part)))
    return out


def policy_for(station: Station) -> Policy | None:
    """The most specific policy over the station (longest division prefix)."""
    codes = [c for _n, c in _prefix_codes(station.division_id)]
    found = {p.division_id: p for p in Policy.objects.filter(division_id__in=codes).select_related("division")}
    return next((found[c] for c in codes if c in found), None)


@dataclass
class Education:
    """Continuing education (继续教育) measured against the policy: hours attended this year
    and in the current period of ``years`` years (ending this year) against ``required``."""

    this_year: Decimal
    period_hours: Decimal
    required: Decimal
    years: int
    period_from: int
    period_to: int

    @property
    def met(self) -> bool:
        return self.period_hours >= self.required

    @property
    def short(self) -> Decimal:
        return max(Decimal("0"), self.required - self.period_hours)

    @property
    def percent(self) -> int:
        return 100 if not self.required else min(100, int(self.period_hours * 100 / self.required))


def hours_attended(worker: Worker, start: datetime.date, end: datetime.date) -> Decimal:
    return (Attendance.objects.filter(worker=worker, session__held_on__gte=start, session__held_on__lte=end)
            .aggregate(h=Sum("session__hours"))["h"] or Decimal("0"))


def education_of(worker: Worker, today=None, policy: Policy | None = None) -> Education:
    today = today or timezone.localdate()
    policy = policy if policy is not None else policy_for(worker.station)
    required, years = (policy.ce_hours, policy.ce_years) if policy else (DEFAULT_CE_HOURS, DEFAULT_CE_YEARS)
    first_year = today.year - years + 1
    return Education(
        this_year=hours_attended(worker, today.replace(month=1, day=1), today.replace(month=12, day=31)),
        period_hours=hours_attended(worker, datetime.date(first_year, 1, 1), today.replace(month=12, day=31)),
        required=required, years=years, period_from=first_year, period_to=today.year)


@dataclass
class Subsidy:
    amount: Decimal
    level: int | None
    policy: Policy | None
    reason: str = ""


def subsidy_of(worker: Worker, today=None, policy: Policy | None = None) -> Subsidy:
    """The monthly qualification subsidy: the policy's rate for the worker's highest current
    qualification; nothing for someone off post, uncertified, or (if the policy says so)
    not full-time."""
    from django.utils.translation import gettext as _

    top = highest_qualification(worker, today)
    policy = policy if policy is not None else policy_for(worker.station)
    level = top.level if top else None
    if policy is None:
        return Subsidy(Decimal("0"), level, None, _("所在区划未设补贴标准"))
    if worker.status != Worker.Status.ACTIVE:
        return Subsidy(Decimal("0"), level, policy, _("已离岗"))
    if top is None:
        return Subsidy(Decimal("0"), None, policy, _("未持证"))
    if policy.full_time_only and worker.post != Worker.Post.FULL_TIME:
        return Subsidy(Decimal("0"), level, policy, _("补贴仅发给专职社工"))
    return Subsidy(policy.subsidy_for(level), level, policy)


def attendance_of(worker: Worker) -> QuerySet[Attendance]:
    return (worker.attendances.select_related("session__training__station", "session__training__division")
            .order_by("-session__held_on", "-id"))


# --- ladders ------------------------------------------------------------------------------------

def ladders_visible(*, user) -> QuerySet[Ladder]:
    """Ladders that apply somewhere in the user's scope: national ones, those set above their
    place and those inside it."""
    codes = {c for p in _prefixes(user) for _n, c in _prefix_codes(p)}
    return (Ladder.objects.filter(Q(division__isnull=True) | Q(division_id__in=codes)
                                  | within_any("division_id", _prefixes(user)))
            .select_related("division").prefetch_related("grades"))


def grades_for(*, user, station: Station | None = None) -> QuerySet[Grade]:
    ladders = ladders_visible(user=user)
    if station is not None:
        codes = [c for _n, c in _prefix_codes(station.division_id)]
        ladders = ladders.filter(Q(division__isnull=True) | Q(division_id__in=codes))
    return Grade.objects.filter(ladder__in=ladders).select_related("ladder").order_by("ladder__name", "order",
                                                                                      "level")


# --- training -----------------------------------------------------------------------------------

def _sum_sub(qs, field):
    return Coalesce(Subquery(qs.order_by().values("training").annotate(x=field).values("x")), 0)


def training_list(*, user) -> QuerySet[Training]:
    """Courses organized in scope, with sessions, hours and 人次 counted (subqueries: joins
    across sessions and attendance would multiply each other)."""
    sessions = TrainingSession.objects.filter(training=OuterRef("pk"))
    attended = Attendance.objects.filter(session__training=OuterRef("pk")).values("session__training")
    return (Training.objects.filter(within_any("division_id", _prefixes(user)))
            .select_related("station", "division")
            .annotate(session_count=_sum_sub(sessions, Count("id")),
                      total_hours=Coalesce(Subquery(sessions.order_by().values("training").annotate(
                          x=Sum("hours")).values("x"), output_field=DecimalField(max_digits=8, decimal_places=1)),
                          Decimal("0"), output_field=DecimalField(max_digits=8, decimal_places=1)),
                      times=Coalesce(Subquery(attended.order_by().annotate(x=Count("id")).values("x")), 0)))


def training_get(*, user, pk: int) -> Training:
    training = training_list(user=user).filter(pk=pk).first()
    if training is None:
        raise Http404
    return training


def session_get(*, user, pk: int) -> TrainingSession:
    session = (TrainingSession.objects.filter(within_any("training__division_id", _prefixes(user)), pk=pk)
               .select_related("training__station", "training__division").first())
    if session is None:
        raise Http404
    return session


def sessions_of(training: Training) -> QuerySet[TrainingSession]:
    return training.sessions.annotate(attended=Count("attendances")).order_by("held_on", "id")


def people_trained(training: Training) -> int:
    """Distinct people (人数) across the course's sessions: a worker once, a name once per unit."""
    rows = Attendance.objects.filter(session__training=training)
    return (rows.filter(worker__isnull=False).values("worker").distinct().count()
            + rows.filter(worker__isnull=True).values("name", "unit").distinct().count())


def attendance_candidates(*, user, session: TrainingSession) -> QuerySet[Worker]:
    """Workers in post at the course's stations (under its division), in the user's scope,
    not yet marked at this session."""
    return (worker_list(user=user).filter(within_any("station__division_id", [session.training.division.prefix]),
                                          status=Worker.Status.ACTIVE)
            .exclude(attendances__session=session).order_by("station__division_id", "name"))


# --- standards: which rule applies, and who meets it -------------------------------------------

def _rules_near(model, user) -> QuerySet:
    """Rules inside the user's scope and those set above it (which apply inside it too)."""
    prefixes = _prefixes(user)
    above = {c for p in prefixes for _n, c in _prefix_codes(p)}
    return model.objects.filter(within_any("division_id", prefixes) | Q(division_id__in=above)).select_related(
        "division", "set_by")


def staffing_rules(*, user) -> QuerySet[StaffingRule]:
    return _rules_near(StaffingRule, user).order_by("division_id", "tier", "kind")


def training_rules(*, user) -> QuerySet[TrainingRule]:
    return _rules_near(TrainingRule, user).order_by("division_id", "tier")


def policies(*, user) -> QuerySet[Policy]:
    return _rules_near(Policy, user).order_by("division_id")


def _rule_get(model, user, pk):
    rule = model.objects.filter(within_any("division_id", _prefixes(user)), pk=pk).select_related("division").first()
    if rule is None:
        raise Http404
    return rule


def staffing_rule_get(*, user, pk: int) -> StaffingRule:
    return _rule_get(StaffingRule, user, pk)


def training_rule_get(*, user, pk: int) -> TrainingRule:
    return _rule_get(TrainingRule, user, pk)


def policy_get(*, user, pk: int) -> Policy:
    return _rule_get(Policy, user, pk)


def applicable_staffing_rule(station: Station, rules: list[StaffingRule]) -> StaffingRule | None:
    """The most specific rule for the station: the longest division prefix wins; at the same
    prefix a rule for the station's urban/rural kind beats one for either."""
    index = {(r.division_id, r.tier, r.kind): r for r in rules}
    kind = station.division.kind or ""
    for _n, code in _prefix_codes(station.division_id):
        for k in ([kind, ""] if kind else [""]):
            rule = index.get((code, station.tier, k))
            if rule is not None:
                return rule
    return None


def applicable_training_rule(station: Station, rules: list[TrainingRule]) -> TrainingRule | None:
    index = {(r.division_id, r.tier): r for r in rules}
    for _n, code in _prefix_codes(station.division_id):
        rule = index.get((code, station.tier))
        if rule is not None:
            return rule
    return None


@dataclass
class Compliance:
    station: Station
    rule: object  # StaffingRule | TrainingRule | None
    actual: int

    @property
    def required(self) -> int | None:
        return self.rule.minimum if self.rule else None

    @property
    def compliant(self) -> bool | None:
        return None if self.rule is None else self.actual >= self.rule.minimum

    @property
    def short_by(self) -> int:
        return max(0, self.rule.minimum - self.actual) if self.rule else 0


def _stations(user) -> QuerySet[Station]:
    return (Station.objects.filter(within_any("division_id", _prefixes(user)), status=Station.Status.ACTIVE)
            .select_related("division").order_by("division_id", "tier", "name"))


def certified_full_time(workers: QuerySet[Worker], today=None) -> dict[int, int]:
    """持证专职社工 per station: in post, full-time, holding a current qualification."""
    return dict(workers.filter(status=Worker.Status.ACTIVE, post=Worker.Post.FULL_TIME).filter(certified(today))
                .order_by().values_list("station").annotate(n=Count("id")))


def staffing(*, user, today=None) -> list[Compliance]:
    """Every operating station in scope against the staffing rule that applies to it (the
    rules read are those inside the scope and those set above it)."""
    stations = list(_stations(user))
    rules = list(_rules_near(StaffingRule, user))
    counts = certified_full_time(Worker.objects.filter(within_any("station__division_id", _prefixes(user))), today)
    return [Compliance(s, applicable_staffing_rule(s, rules), counts.get(s.pk, 0)) for s in stations]


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, nxt - datetime.timedelta(days=1)


def training_check(*, user, month: datetime.date | None = None) -> list[Compliance]:
    """Sessions each operating station in scope held in ``month`` (of courses it organized,
    of the kind its rule counts) against the training rule that applies to it."""
    first, last = month_bounds(month or timezone.localdate())
    stations = list(_stations(user))
    rules = list(_rules_near(TrainingRule, user))
    held: dict[tuple[int, str], int] = {}
    for station_id, kind, n in (TrainingSession.objects.filter(
            within_any("training__station__division_id", _prefixes(user)), held_on__gte=first, held_on__lte=last)
            .order_by().values_list("training__station", "training__kind").annotate(n=Count("id"))):
        held[(station_id, kind)] = n
    rows = []
    for s in stations:
        rule = applicable_training_rule(s, rules)
        actual = sum(n for (sid, kind), n in held.items() if sid == s.pk and (not rule or not rule.kind
                                                                              or kind == rule.kind))
        rows.append(Compliance(s, rule, actual))
    return rows


@dataclass
class Summary:
    code: str
    name: str
    total: int = 0  # stations a rule applies to
    compliant: int = 0
    unruled: int = 0  # stations no rule applies to
    short: int = 0  # people (or sessions) missing in all

    @property
    def rate(self) -> float | None:
        return self.compliant / self.total * 100 if self.total else None


def summarize(rows: list[Compliance], level: int) -> list[Summary]:
    """Compliant / total per street (``Level.TOWN``) or district (``Level.COUNTY``)."""
    length = PREFIX_LENGTH[Level(level)]
    groups: dict[str, Summary] = {}
    for row in rows:
        code = row.station.division_id
        if level == Level.TOWN and row.station.division.level < Level.TOWN:
            continue  # a district's guidance center belongs to no street
        key = full_code(code[:length])
        s = groups.setdefault(key, Summary(key, ""))
        if row.rule is None:
            s.unruled += 1
            continue
        s.total += 1
        s.compliant += bool(row.compliant)
        s.short += row.short_by
    names = Division.objects.in_bulk(list(groups))
    for key, s in groups.items():
        s.name = names[key].name if key in names else key
    return sorted(groups.values(), key=lambda s: s.code)
