"""The dashboard (数据看板), an indicator's drill-down, the chart data and the reports."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from wushe.accounts.roles import Action
from wushe.core.access import requires
from wushe.core.divisions import Level
from wushe.core.plans import planned_for_their_values
from wushe.stats import exports, selectors, services
from wushe.stats.forms import ReportForm
from wushe.stats.indicators import HEADLINE, MEASURES, sections
from wushe.stats.periods import Period, PeriodError

PERIOD_KINDS = [("month", _l("月")), ("quarter", _l("季度")), ("year", _l("年")), ("custom", _l("自定义"))]


class KnownCountPaginator(Paginator):
    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self._known = count

    @property
    def count(self) -> int:
        return self._known


def _context(request):
    """The division and period a page is about, from the query string (404 outside scope)."""
    division = selectors.scope_get(user=request.user, code=request.GET.get("division"))
    try:
        period = Period.parse(request.GET)
    except PeriodError as e:
        messages.error(request, str(e))
        period = Period.parse({})
    return division, period


def _query(division, period, **extra) -> str:
    return urlencode({"division": division.code, **period.query(), **extra})


def _common(request, division, period) -> dict:
    """What every page about a division and period shows: the scope trail and the period form."""
    return {"division": division, "period": period, "trail": selectors.trail(user=request.user, division=division),
            "query": _query(division, period), "query_period": urlencode(period.query()),
            "period_kinds": PERIOD_KINDS}


def _sort_key(request, default: str) -> str:
    key = request.GET.get("sort", default)
    return key if key in MEASURES else default


def _ranked(rows, key):
    return sorted(rows, key=lambda r: -(r["values"].get(key) or 0))


@requires(Action.STATS_VIEW)
def dashboard(request):
    division, period = _context(request)
    figures = {f.measure.key: f for f in selectors.summary(division=division, period=period)}
    sort = _sort_key(request, "attendances")
    children = _ranked(selectors.by_child(division=division, period=period, keys=HEADLINE), sort)
    trend_period = Period("custom", selectors.trailing_year(period).start, period.end)
    trend = selectors.by_month(division=division, period=trend_period, keys=["activities", "attendances",
                                                                            "volunteer_hours", "case_sessions"])
    return render(request, "stats/dashboard.html", {
        **_common(request, division, period),
        "sections": [(name, [figures[m.key] for m in ms]) for name, ms in sections()],
        "snapshot": selectors.snapshot(user=request.user, division=division),
        "headline": [MEASURES[k] for k in HEADLINE], "children": children, "sort": sort,
        "child_is_station": division.level >= Level.VILLAGE,
        "trend": trend, "trend_query": _query(division, trend_period),
        "by_category": selectors.by_part(division=division, period=period, key="attendances"),
        "by_group": selectors.by_group(division=division, period=period, key="attendances"),
        "previous": _query(division, period.previous()),
        "next": _query(division, selectors.following(period)),
    })


@requires(Action.STATS_VIEW)
@planned_for_their_values()  # a street's records by a period's dates (core.plans)
def indicator(request, key):
    measure = MEASURES.get(key)
    if measure is None:
        raise Http404
    division, period = _context(request)
    figure = selectors.summary(division=division, period=period, keys=[key])[0]
    keys = [key]
    children = _ranked(selectors.by_child(division=division, period=period, keys=keys), key)
    months = selectors.by_month(division=division, period=Period("custom", selectors.trailing_year(period).start,
                                                                      period.end), keys=keys)
    records = selectors.records(user=request.user, measure=measure, division=division, period=period)
    page = rows = None
    if records is not None:
        # A count's records number exactly the figure (the rollups equal the records: tested),
        # so the list does not count a street's tens of thousands of rows again.
        known = figure.value if measure.value is None and not measure.live else None
        page = (KnownCountPaginator(records, 25, known) if known is not None else Paginator(records, 25)) \
            .get_page(request.GET.get("page"))
        rows = selectors.record_rows(user=request.user, measure=measure, page=page)
    needs = [MEASURES[k] for k in measure.needs]
    return render(request, "stats/indicator.html", {
        **_common(request, division, period), "measure": measure, "figure": figure, "children": children,
        "child_is_station": division.level >= Level.VILLAGE, "months": months,
        "parts": selectors.by_part(division=division, period=period, key=key), "page": page, "rows": rows,
        "groups": selectors.by_group(division=division, period=period, key=key),
        "listable": division.level >= selectors.LIST_FROM_LEVEL, "needs": needs,
        "chart_query": _query(
            division, Period("custom", selectors.trailing_year(period).start, period.end), indicator=key),
    })


@requires(Action.STATS_VIEW)
def series(request):
    """Chart data: one indicator by month (``by=month``) or by the level below (``by=child``)."""
    division, period = _context(request)
    key = request.GET.get("indicator", "")
    if key not in MEASURES:
        return JsonResponse({"detail": _("没有这个指标。")}, status=400)
    return JsonResponse(selectors.series(division=division, period=period, key=key,
                                         by=request.GET.get("by", "month")),
                        json_dumps_params={"ensure_ascii": False})


@requires(Action.STATS_VIEW)
def export(request):
    """One indicator, by station and month, as xlsx (ad-hoc export)."""
    division, period = _context(request)
    key = request.GET.get("indicator", "")
    if key not in MEASURES or MEASURES[key].live or MEASURES[key].derived:
        raise Http404
    return exports.indicator_response(division=division, period=period, measure=MEASURES[key])


# --- reports -----------------------------------------------------------------------------------

@requires(Action.STATS_VIEW)
def reports(request):
    form = ReportForm(request.POST or None, user=request.user, initial=ReportForm.initial_for(request))
    if request.method == "POST" and form.is_valid():
        report = services.report_request(actor=request.user, request=request, **form.cleaned_data)
        messages.success(request, _("报表已排队生成，完成后可在此下载。"))
        return redirect(report)
    qs = selectors.report_list(user=request.user)
    return render(request, "stats/reports.html", {
        "form": form, "page": Paginator(qs, 20).get_page(request.GET.get("page"))})


@requires(Action.STATS_VIEW)
def report(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    template = "stats/_report_status.html" if request.htmx else "stats/report.html"
    return render(request, template, {"report": report})


@requires(Action.STATS_VIEW)
@require_POST
def report_regenerate(request, pk):
    report = selectors.report_get(user=request.user, pk=pk)
    services.report_regenerate(actor=request.user, request=request, report=report)
    messages.success(request, _("已重新排队生成。"))
    return redirect(report)


@requires(Action.STATS_VIEW)
def report_file(request, pk, kind):
    report = selectors.report_get(user=request.user, pk=pk)
    stored = report.xlsx if kind == "xlsx" else report.pdf
    if report.status != report.Status.DONE or not stored:
        raise Http404
    services.report_downloaded(actor=request.user, request=request, report=report, kind=kind)
    return FileResponse(stored.open("rb"), as_attachment=True, filename=services.report_filename(report, kind))
