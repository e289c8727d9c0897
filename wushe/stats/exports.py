"""Ad-hoc export (自定义导出): one indicator by station and month, as xlsx."""

from wushe.core.exports import xlsx_response
from wushe.stats import selectors
from wushe.stats.indicators import Measure
from wushe.stats.periods import Period, month_end


def indicator_rows(*, division, period: Period, measure: Measure):
    months = period.months()
    per_month = []
    for month in months:
        span = Period("custom", max(month, period.start), min(month_end(month), period.end))
        per_month.append({r["station"].pk: r["values"].get(measure.key)
                          for r in selectors.by_station(division=division, period=span, keys=[measure.key])})
    totals = {r["station"].pk: (r["station"], r["values"].get(measure.key))
              for r in selectors.by_station(division=division, period=period, keys=[measure.key])}
    header = ["站点", "区划代码", *[f"{m:%Y-%m}" for m in months], "合计"]
    rows = [[station.name, station.division_id, *[col.get(pk) for col in per_month], total]
            for pk, (station, total) in totals.items()]
    return header, rows


def indicator_response(*, division, period: Period, measure: Measure):
    header, rows = indicator_rows(division=division, period=period, measure=measure)
    title = f"{measure.name}（{measure.unit}）" + ("估算" if measure.estimate else "")
    return xlsx_response(f"{measure.name}_{division.name}_{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx",
                         title, header, rows)
