"""Figures in the JSON API (stats.view): indicator definitions, a division's totals for a
period, one indicator's series by month or by the level below. Aggregates only, from the
same selectors as the dashboard; a division outside the caller's scope is a 404."""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from wushe.accounts.roles import Action
from wushe.api.urls import api_requires
from wushe.stats import selectors
from wushe.stats.indicators import MEASURES
from wushe.stats.periods import Period, PeriodError

router = Router(tags=["stats"])


class IndicatorOut(Schema):
    key: str
    name: str
    section: str
    unit: str
    definition: str
    estimate: bool
    derived_from: list[str]
    breakdown_of: str | None  # counts a record under several parts: never a total


class FigureOut(Schema):
    key: str
    name: str
    unit: str
    value: float | None
    previous: float | None
    change_percent: float | None
    estimate: bool


class SummaryOut(Schema):
    division: str
    division_name: str
    period: str
    start: datetime.date
    end: datetime.date
    figures: list[FigureOut]


class SeriesOut(Schema):
    indicator: str
    name: str
    unit: str
    estimate: bool
    division: str
    by: str
    labels: list[str]
    values: list[float | None]


def _scope(request, division, params):
    try:
        found = selectors.scope_get(user=request.user, code=division)
    except Http404 as exc:
        raise HttpError(404, _("区划不存在或不在您的管辖范围内。")) from exc
    try:
        return found, Period.parse(params)
    except PeriodError as exc:
        raise HttpError(400, str(exc)) from exc


def _params(period, at, from_, to):
    if from_ or to:
        return {"period": "custom", "from": from_ or "", "to": to or ""}
    return {"period": period or "month", "at": at or ""}


@router.get("/stats/indicators", response=list[IndicatorOut])
@api_requires(Action.STATS_VIEW)
def indicators(request):
    """Every indicator: its name, unit, definition (口径) and whether it is an estimate."""
    return [{"key": m.key, "name": str(m.name), "section": str(m.section), "unit": str(m.unit),
             "definition": str(m.definition), "estimate": m.estimate, "derived_from": list(m.needs),
             "breakdown_of": m.breakdown_of}
            for m in MEASURES.values()]


@router.get("/stats/summary", response=SummaryOut)
@api_requires(Action.STATS_VIEW)
def summary(request, division: str | None = None, period: str | None = None, at: str | None = None,
            to: str | None = None):
    """Totals of every indicator under ``division`` (default: the top of your scope) for a
    period: ``from``/``to`` (YYYY-MM-DD) or ``period`` = month|quarter|year with ``at``."""
    found, p = _scope(request, division, _params(period, at, request.GET.get("from"), to))
    return {"division": found.code, "division_name": found.name, "period": p.kind, "start": p.start, "end": p.end,
            "figures": [{"key": f.measure.key, "name": str(f.measure.name), "unit": str(f.measure.unit),
                         "value": f.value, "previous": f.previous, "change_percent": f.change,
                         "estimate": f.measure.estimate}
                        for f in selectors.summary(division=found, period=p)]}


@router.get("/stats/series", response=SeriesOut)
@api_requires(Action.STATS_VIEW)
def series(request, indicator: str, division: str | None = None, by: str = "month", period: str | None = None,
           at: str | None = None, to: str | None = None):
    """One indicator by month (``by=month``) or by the divisions or stations one level below
    (``by=station``), for ``from``/``to`` or ``period`` with ``at`` (default: this year)."""
    if indicator not in MEASURES:
        raise HttpError(400, _("没有这个指标：%(k)s") % {"k": indicator[:30]})
    if by not in ("month", "station"):
        raise HttpError(400, _("by 只能是 month 或 station。"))
    found, p = _scope(request, division, _params(period or ("year" if not request.GET.get("from") else None), at,
                                                  request.GET.get("from"), to))
    return selectors.series(division=found, period=p, key=indicator, by="child" if by == "station" else "month")
