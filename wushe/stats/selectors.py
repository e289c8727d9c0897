"""Reads of the figures: every total is a sum of rollup rows under a division the user may
see (``stats.view``), or — for the drill-down list — the records themselves, through the
indicator's own query. Aggregates only: no personal data leaves these functions."""

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import F, Q, Sum
from django.db.models.functions import Substr, TruncMonth
from django.http import Http404
from django.utils.translation import gettext as _

from wushe.accounts.roles import Action
from wushe.accounts.scope import prefixes_for
from wushe.core.divisions import PREFIX_LENGTH, Level, full_code, within
from wushe.core.models import Division, Station
from wushe.core.plans import planned_for_their_values
from wushe.stats.indicators import BY_GROUP, MEASURES, SHOWN, Measure
from wushe.stats.models import DayRollup, Grain, MonthRollup
from wushe.stats.periods import Period, month_end
from wushe.stats.replica import reading

# --- scope --------------------------------------------------------------------------------------


def scope_roots(*, user) -> list[Division]:
    """Where the user's dashboard starts: the divisions at the top of their stats scope."""
    prefixes = prefixes_for(user, Action.STATS_VIEW)
    if "" in prefixes:
        return list(Division.objects.filter(level=Level.PROVINCE).order_by("code"))
    return list(Division.objects.filter(code__in=[full_code(p) for p in prefixes]).order_by("code"))


def scope_get(*, user, code: str | None) -> Division:
    """The division asked for, if the user may see its figures (404 otherwise); without a code,
    the top of the user's scope."""
    if not code:
        roots = scope_roots(user=user)
        if not roots:
            raise Http404
        return roots[0]
    division = (Division.objects.filter(code=full_code(code)).first()
                if code.isascii() and code.isdecimal() and len(code) <= 12 else None)
    if division is None or not any(division.code.startswith(p) for p in prefixes_for(user, Action.STATS_VIEW)):
        raise Http404
    return division


def trail(*, user, division: Division) -> list[Division]:
    """The breadcrumb inside the user's scope, down to ``division``."""
    prefixes = prefixes_for(user, Action.STATS_VIEW)
    return [d for d in division.ancestors() + [division] if any(d.code.startswith(p) for p in prefixes)]


# --- sums over the rollups ----------------------------------------------------------------------

def _child_length(division: Division) -> int | None:
    return PREFIX_LENGTH[Level(division.level + 1)] if division.level < Level.VILLAGE else None


def _sums(prefix: str, period: Period, keys, by: str | None = None, child_length: int | None = None) -> dict:
    """Raw sums (base units) per (key, group): ``by`` is None, "month", "part", "station" or
    "child" (the first ``child_length`` digits of the division)."""
    return _sums_each(prefix, [period], keys, by, child_length)[0]


@planned_for_their_values()
def _sums_each(prefix: str, periods: list[Period], keys, by: str | None = None,
               child_length: int | None = None) -> list[dict]:
    """``_sums`` of several periods, one query per rollup table for all of them: the summary's
    period and the one before it are read together, not one after the other."""
    # The coarsest rows that still split as asked: a city sums county rows, a county street rows.
    grain = (Grain.STATION if by == "station" or len(prefix) > 6 else
             Grain.TOWN if len(prefix) == 6 else Grain.COUNTY)
    group = {
        None: {}, "part": {"g": F("part")}, "station": {"g": F("station_id")},
        "child": {"g": Substr("division", 1, child_length or 12)},
    }
    outs: list[dict] = [{} for _ in periods]

    def add(model, field: str, spans: list[tuple[int, tuple]], by_month):
        """Sum ``model`` rows whose ``field`` falls in each (period index, span)."""
        if not spans:
            return
        g = dict(group.get(by, {})) if by != "month" else by_month
        inside = [Q(**{f"{field}__range": span}) for _i, span in spans]
        # One span needs no per-span condition in the sum; several get one FILTER/CASE each.
        sums = ({"v0": Sum("value")} if len(spans) == 1 else
                {f"v{n}": Sum("value", filter=q) for n, q in enumerate(inside)})
        # Spans that touch (a period and the one before it) are read as one range: the index
        # takes a range; an OR of ranges is checked row by row.
        read = reduce(or_, (Q(**{f"{field}__range": span}) for span in _joined([s for _i, s in spans], field)))
        rows = (reading(model).filter(read, grain=grain, key__in=list(keys))
                .filter(within("division", prefix)).order_by().annotate(**g).values("key", *g).annotate(**sums))
        for r in rows:
            k = (r["key"], r.get("g"))
            for n, (i, _span) in enumerate(spans):
                if r[f"v{n}"] is not None:
                    outs[i][k] = outs[i].get(k, 0) + r[f"v{n}"]

    splits = [period.split() for period in periods]
    add(MonthRollup, "month", [(i, months) for i, (_edges, months) in enumerate(splits) if months],
        {"g": F("month")})
    add(DayRollup, "day", [(i, edge) for i, (edges, _months) in enumerate(splits) for edge in edges],
        {"g": TruncMonth("day")})
    return outs


def _joined(spans: list[tuple[datetime.date, datetime.date]], field: str) -> list[tuple]:
    """The spans with those that touch or overlap made one: days touch when one ends the day
    before the next starts, month rows when one ends the month before."""
    def after(end):
        return end + datetime.timedelta(days=1) if field == "day" else month_end(end) + datetime.timedelta(days=1)

    out: list[list] = []
    for start, end in sorted(spans):
        if out and start <= after(out[-1][1]):
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [tuple(span) for span in out]


def _values(raw: dict, keys, group=None) -> dict[str, float | int | None]:
    """Displayed values of the measures for one group, derived ones computed from the others."""
    shown = {}
    for key in keys:
        m = MEASURES[key]
        if not m.derived and not m.live:
            shown[key] = m.shown(raw.get((key, group), 0))
    for key in keys:
        m = MEASURES[key]
        if m.derived:
            shown[key] = m.derive(shown)
    return shown


def _rolled_keys(keys) -> set[str]:
    out = set()
    for key in keys:
        m = MEASURES[key]
        if not m.live:
            out.update(m.needs if m.derived else [key])
    return out


LIVE_FROM_LEVEL = Level.TOWN


def _add_live(values: dict, keys, prefix: str, period: Period) -> dict:
    """The live measures among ``keys`` counted under ``prefix`` (None above a street)."""
    from wushe.core.divisions import LEVEL_BY_PREFIX_LENGTH

    level = LEVEL_BY_PREFIX_LENGTH.get(len(prefix), Level.PROVINCE)
    for key in keys:
        if MEASURES[key].live:
            values[key] = (live_total(measure=MEASURES[key], prefix=prefix, period=period)
                           if level >= LIVE_FROM_LEVEL else None)
    return values


def totals(*, division: Division, period: Period, keys=None) -> dict[str, float | int | None]:
    return totals_each(division=division, periods=[period], keys=keys)[0]


def totals_each(*, division: Division, periods: list[Period], keys=None) -> list[dict[str, float | int | None]]:
    """``totals`` of several periods, their rollup rows read in one query."""
    keys = list(keys or [m.key for m in SHOWN])
    rolled = _rolled_keys(keys)
    return [_add_live(_values(raw, [*rolled, *keys]), keys, division.prefix, period)
            for raw, period in zip(_sums_each(division.prefix, periods, rolled), periods, strict=True)]


@dataclass
class Figure:
    measure: Measure
    value: float | int | None
    previous: float | int | None

    @property
    def change(self) -> float | None:
        """Percent change on the previous period (None when there is nothing to compare)."""
        if self.value is None or not self.previous:
            return None
        return round(100 * (self.value - self.previous) / self.previous, 1)


def summary(*, division: Division, period: Period, keys=None) -> list[Figure]:
    keys = list(keys or [m.key for m in SHOWN])
    now, before = totals_each(division=division, periods=[period, period.previous()], keys=keys)
    return [Figure(MEASURES[k], now.get(k), before.get(k)) for k in keys]


def by_month(*, division: Division, period: Period, keys) -> list[tuple[datetime.date, dict]]:
    """Each month the period touches, with the measures' values in it."""
    raw = _sums(division.prefix, period, _rolled_keys(keys), by="month")
    months = [m for m in period.months()]

    def month_of(g):
        return g if isinstance(g, datetime.date) and not isinstance(g, datetime.datetime) else (
            g.date() if isinstance(g, datetime.datetime) else datetime.date.fromisoformat(str(g)[:10]))

    normal = {(k, month_of(g)): v for (k, g), v in raw.items()}
    return [(m, _add_live(_values(normal, [*_rolled_keys(keys), *keys], m), keys, division.prefix,
                          Period("custom", max(m, period.start), min(month_end(m), period.end))))
            for m in months]


def by_child(*, division: Division, period: Period, keys) -> list[dict]:
    """The level below: each child division (and the division's own stations, 本级) with the
    measures' values; for a community, its stations."""
    child_length = _child_length(division)
    rolled = _rolled_keys(keys)
    if child_length is None:
        return by_station(division=division, period=period, keys=keys)
    raw = _sums(division.prefix, period, rolled, by="child", child_length=child_length)
    rows = []
    for child in division.children.order_by("code"):
        rows.append({"division": child, "label": child.short_name,
                     "values": _add_live(_values(raw, [*rolled, *keys], child.prefix), keys, child.prefix, period)})
    own = division.prefix.ljust(child_length, "0")
    # The division's own station (a street's 社工站): its records carry the division's own code.
    own_values = _add_live(_values(raw, [*rolled, *keys], own), keys, division.code, period)
    if any(g == own for (_k, g) in raw) or any(own_values.get(k) for k in keys if MEASURES[k].live):
        rows.insert(0, {"division": None, "label": f"{division.short_name}（本级）", "values": own_values})
    return rows


def by_station(*, division: Division, period: Period, keys) -> list[dict]:
    """Every station under the division with the measures' values (the ranking table)."""
    rolled = _rolled_keys(keys)
    raw = _sums(division.prefix, period, rolled, by="station")
    stations = (reading(Station).filter(within("division_id", division.prefix)).exclude(status="closed")
                .select_related("division").order_by("division_id", "name"))
    return [{"station": s, "label": s.name, "values": _values(raw, [*rolled, *keys], s.pk)} for s in stations]


def by_part(*, division: Division, period: Period, key: str) -> list[tuple[str, float | int]]:
    """A measure split by its breakdown field (服务类别, 需求类别 …), largest first."""
    m = MEASURES[key]
    if m.derived or not m.part:
        return []
    raw = _sums(division.prefix, period, [key], by="part")
    labels = dict(m.part_choices)
    rows = [(str(labels.get(g, g or _("未指定"))), m.shown(v)) for (_k, g), v in raw.items() if v]
    return sorted(rows, key=lambda r: -r[1])


def by_group(*, division: Division, period: Period, key: str) -> list[tuple[str, float | int]]:
    """A measure by 服务人群, where it has that breakdown (a record may count under several)."""
    return by_part(division=division, period=period, key=BY_GROUP[key]) if key in BY_GROUP else []


# --- the records behind a number ---------------------------------------------------------------

LIST_FROM_LEVEL = Level.TOWN  # a street's records can be listed; a district's are millions


@planned_for_their_values()
def live_total(*, measure: Measure, prefix: str, period: Period):
    """The measure counted straight from the records (what the rollups must equal)."""
    raw = measure.records(period.start, period.end).filter(within(measure.division, prefix)) \
        .aggregate(v=measure.aggregate())["v"]
    from wushe.stats.indicators import base_value

    return measure.shown(base_value(measure, raw))


def records(*, user, measure: Measure, division: Division, period: Period):
    """The records behind the figure, newest first, each with ``code`` (its division) for the
    link check. Only from a street down (``LIST_FROM_LEVEL``)."""
    if measure.derived or division.level < LIST_FROM_LEVEL:
        return None
    qs = (measure.records(period.start, period.end).filter(within(measure.division, division.prefix))
          .annotate(_code=F(measure.division)).order_by(f"-{measure.date}", "-id"))
    # The record a row describes and links to (a sign-in's activity, a session's group) comes
    # in the same query, not one query per row.
    path = (measure.station or measure.division).rpartition("__")[0]
    if path:
        qs = qs.select_related(path)
    return reading(qs)


def record_rows(*, user, measure: Measure, page) -> list[dict]:
    """One page of records as the list shows them: date, station or community, a neutral
    description (the measure's own, never a name or number of a person), a link where the
    user may open the record."""
    from django.utils import timezone

    prefixes = prefixes_for(user, measure.action)
    codes = {r._code for r in page}
    names = dict(Station.objects.filter(division_id__in=codes).exclude(status="closed")
                 .values_list("division_id", "name"))
    names.update({c: n for c, n in Division.objects.filter(code__in=codes - set(names)).values_list("code", "name")})
    rows = []
    for r in page:
        when = r
        for part in measure.date.split("__"):
            when = getattr(when, part)
        if isinstance(when, datetime.datetime):
            when = timezone.localtime(when).date()
        url = _url(r) if any(r._code.startswith(p) for p in prefixes) else ""
        rows.append({"date": when, "place": names.get(r._code, r._code), "what": measure.describe(r), "url": url})
    return rows


def _url(record) -> str:
    """The page of the record, or of the record it belongs to."""
    for attr in (None, "case", "group", "session", "activity", "project", "fund", "resolution", "deliberation",
                 "organization"):
        obj = record if attr is None else getattr(record, attr, None)
        if obj is not None and hasattr(obj, "get_absolute_url"):
            return obj.get_absolute_url()
        if obj is not None and attr in ("session", "resolution"):
            return _url(obj)
    return ""


# --- periods around a period --------------------------------------------------------------------

def trailing_year(period: Period) -> Period:
    """The twelve months ending with the period's last month (a trend's window)."""
    first = period.end.replace(day=1)
    index = first.year * 12 + first.month - 1 - 11
    start = min(period.start, datetime.date(index // 12, index % 12 + 1, 1))
    return Period("custom", start, period.end)


def following(period: Period) -> Period:
    if period.kind == "custom":
        length = period.end - period.start
        start = period.end + datetime.timedelta(days=1)
        return Period("custom", start, start + length)
    return Period.containing(period.kind, period.end + datetime.timedelta(days=1))


def series(*, division: Division, period: Period, key: str, by: str = "month") -> dict:
    """One measure as chart data: labels and values, by month or by the level below."""
    m = MEASURES[key]
    if by == "child":
        rows = by_child(division=division, period=period, keys=[key])
        labels, values = [r["label"] for r in rows], [r["values"].get(key) for r in rows]
    else:
        rows = by_month(division=division, period=period, keys=[key])
        labels, values = [f"{month:%Y-%m}" for month, _v in rows], [v.get(key) for _m, v in rows]
    return {"indicator": key, "name": str(m.name), "unit": str(m.unit), "estimate": m.estimate,
            "division": division.code, "from": period.start.isoformat(), "to": period.end.isoformat(),
            "by": "child" if by == "child" else "month", "labels": labels, "values": values}


# --- stock figures (not of a period): the network, the workforce --------------------------------

@dataclass
class Snapshot:
    stations: int
    rooms: int
    coverage: object  # core.selectors.Coverage
    workers: int
    certified: int
    by_level: list
    staffed: int  # stations meeting their staffing rule
    staff_ruled: int  # stations a staffing rule applies to
    volunteers: int
    organizations: int


def snapshot(*, user, division: Division) -> Snapshot:
    """How things stand today under the division: stations and coverage (stations vs.
    divisions), workers holding a certificate by level and stations meeting the staffing
    standard, registered volunteers and active community organizations."""
    from django.db.models import Count

    from wushe.core.selectors import coverage_of
    from wushe.organizations.models import Organization
    from wushe.volunteers.models import Volunteer
    from wushe.workforce import selectors as workforce
    from wushe.workforce.models import Worker

    tiers = dict(reading(Station).filter(within("division_id", division.prefix), status=Station.Status.ACTIVE)
                 .order_by().values_list("tier").annotate(n=Count("id")))
    workers = reading(Worker).filter(within("station__division_id", division.prefix))
    quals = workforce.qualification_totals(workers)
    staffed = ruled = 0
    if division.level >= Level.COUNTY:
        # The staffing check reads every station's rule: a county's worth at most.
        for c in workforce.staffing(user=user):
            if c.station.division_id.startswith(division.prefix) and c.rule is not None:
                ruled += 1
                staffed += bool(c.compliant)
    return Snapshot(
        stations=tiers.get(Station.Tier.STATION, 0) + tiers.get(Station.Tier.CENTER, 0),
        rooms=tiers.get(Station.Tier.ROOM, 0), coverage=coverage_of(division=division),
        workers=quals["workers"], certified=quals["certified"], by_level=quals["by_level"],
        staffed=staffed, staff_ruled=ruled,
        volunteers=reading(Volunteer).filter(within("station__division_id", division.prefix),
                                             status=Volunteer.Status.ACTIVE).count(),
        organizations=reading(Organization).filter(within("division_id", division.prefix),
                                                   status=Organization.Status.ACTIVE).count())


# --- reports ------------------------------------------------------------------------------------

def report_list(*, user):
    from wushe.core.divisions import within_any
    from wushe.stats.models import Report

    return (Report.objects.filter(within_any("division_id", prefixes_for(user, Action.STATS_VIEW)))
            .select_related("division", "requested_by"))


def report_get(*, user, pk: int):
    report = report_list(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report
