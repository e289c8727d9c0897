"""The statistical report (统计报表 / 工作简报) of one division and period: the same figures as
the dashboard, from the same selectors, as an xlsx workbook (one sheet per section) and an A4
PDF with charts. ``generate`` writes both and reports its progress on the Report row."""

import io
from dataclasses import dataclass

import xlsxwriter
from django.core.files.base import ContentFile
from django.utils import timezone
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from wushe.core.pdf import FONT
from wushe.stats import selectors
from wushe.stats.indicators import HEADLINE, MEASURES, SHOWN, sections
from wushe.stats.models import Report
from wushe.stats.periods import Period

# The level-below table of the PDF: the columns that fit an A4 page.
PDF_COLUMNS = ["case_sessions", "group_sessions", "activities", "attendances", "volunteer_hours", "deeds_done"]
CHART_KEYS = ["activities", "group_sessions", "case_sessions"]


@dataclass
class Figures:
    """Everything a report shows, read once."""

    division: object
    period: Period
    summary: list
    months: list
    children: list
    stations: list
    parts: list
    snapshot: object
    trend: list


def figures(report: Report, user, progress=lambda n: None) -> Figures:
    period = Period(report.kind, report.start, report.end)
    division = report.division
    summary = selectors.summary(division=division, period=period)
    progress(20)
    keys = [m.key for m in SHOWN]
    months = selectors.by_month(division=division, period=period, keys=keys)
    children = selectors.by_child(division=division, period=period, keys=keys)
    progress(40)
    stations = selectors.by_station(division=division, period=period, keys=HEADLINE)
    parts = [(MEASURES[k], selectors.by_part(division=division, period=period, key=k))
             for k in MEASURES if MEASURES[k].part]
    progress(55)
    trend = selectors.by_month(division=division, period=selectors.trailing_year(period), keys=CHART_KEYS)
    return Figures(division, period, summary, months, children, stations, parts,
                   selectors.snapshot(user=user, division=division), trend)


def _label(m) -> str:
    return f"{m.name}（{m.unit}）" + ("·估算" if m.estimate else "")


def xlsx(f: Figures) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                   "strings_to_urls": False})
    bold = wb.add_format({"bold": True})
    title = wb.add_format({"bold": True, "font_size": 14})

    def sheet(name, heading, header, rows, widths=(24,)):
        ws = wb.add_worksheet(name)
        ws.write(0, 0, heading, title)
        ws.write_row(2, 0, header, bold)
        for i, row in enumerate(rows, start=3):
            ws.write_row(i, 0, ["" if v is None else v for v in row])
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.freeze_panes(3, 1)

    scope = f"{f.division.name} · {f.period.label}（{f.period.start:%Y-%m-%d} 至 {f.period.end:%Y-%m-%d}）"
    sheet("总览", f"社会工作服务统计报表 · {scope}",
          ["类别", "指标", "本期", "单位", "上期", "变化（%）", "口径"],
          [[str(x.measure.section), str(x.measure.name) + ("（估算）" if x.measure.estimate else ""), x.value,
            str(x.measure.unit), x.previous, x.change, str(x.measure.definition)] for x in f.summary],
          widths=(12, 22, 12, 8, 12, 10, 70))
    s = f.snapshot
    cov = s.coverage
    sheet("站点与队伍", f"站点、覆盖与人才队伍（截至生成时） · {f.division.name}", ["项目", "数值"], [
        ["运营中的社工站（含指导中心）", s.stations], ["运营中的社工室", s.rooms],
        ["乡镇（街道）社工站覆盖率（%）", round(cov.town_rate, 1) if cov.town_rate is not None else None],
        ["村（社区）社工室覆盖率（%）", round(cov.village_rate, 1) if cov.village_rate is not None else None],
        ["在岗社工", s.workers], ["持证社工", s.certified],
        *[[f"其中：{label}", n] for label, n in s.by_level],
        ["达到配备标准的站点", f"{s.staffed}/{s.staff_ruled}" if s.staff_ruled else "—"],
        ["在册志愿者", s.volunteers], ["活动中的社区社会组织", s.organizations],
    ], widths=(34, 14))
    keys = [m.key for m in SHOWN]
    sheet("按月", f"按月 · {scope}", ["月份", *[_label(MEASURES[k]) for k in keys]],
          [[f"{m:%Y-%m}", *[v.get(k) for k in keys]] for m, v in f.months], widths=(10,) + (14,) * len(keys))
    sheet("按下级区划", f"按下级区划 · {scope}", ["区划", *[_label(MEASURES[k]) for k in keys]],
          [[r["label"], *[r["values"].get(k) for k in keys]] for r in f.children], widths=(24,) + (14,) * len(keys))
    sheet("按站点", f"按站点 · {scope}", ["站点", "区划代码", *[_label(MEASURES[k]) for k in HEADLINE]],
          [[r["label"], r["station"].division_id, *[r["values"].get(k) for k in HEADLINE]] for r in f.stations],
          widths=(30, 14) + (14,) * len(HEADLINE))
    sheet("分类", f"按类别 · {scope}", ["指标", "类别", "数值"],
          [[_label(m), label, v] for m, rows in f.parts for label, v in rows], widths=(28, 16, 12))
    wb.close()
    return out.getvalue()


_TITLE = ParagraphStyle("t", fontName=FONT, fontSize=16, leading=22, alignment=1)
_SUB = ParagraphStyle("s", fontName=FONT, fontSize=10, leading=14, alignment=1, textColor=colors.grey)
_HEAD = ParagraphStyle("h", fontName=FONT, fontSize=12, leading=16, spaceBefore=4 * mm, spaceAfter=2 * mm)
_CELL = ParagraphStyle("c", fontName=FONT, fontSize=8.5, leading=11)
_NOTE = ParagraphStyle("n", fontName=FONT, fontSize=7.5, leading=10, textColor=colors.grey)
WIDTH = A4[0] - 30 * mm


def _table(rows, widths, header=True):
    t = Table([[Paragraph("" if v is None else str(v), _CELL) for v in row] for row in rows], colWidths=widths,
              repeatRows=1 if header else 0)
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7") if header else colors.white),
                           ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return t


def _chart(trend) -> Drawing:
    """Monthly bars of a few measures over the trailing twelve months."""
    d = Drawing(WIDTH, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 12 * mm, WIDTH - 50 * mm, 44 * mm
    chart.data = [[v.get(k) or 0 for _m, v in trend] for k in CHART_KEYS]
    chart.categoryAxis.categoryNames = [f"{m:%y.%m}" for m, _v in trend]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    palette = [colors.HexColor("#2f6fb0"), colors.HexColor("#e39b2d"), colors.HexColor("#5a9e6f")]
    for i, colour in enumerate(palette):
        chart.bars[i].fillColor = colour
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = WIDTH - 34 * mm, 50 * mm
    legend.fontName, legend.fontSize = FONT, 7
    legend.colorNamePairs = [(palette[i], str(MEASURES[k].name)) for i, k in enumerate(CHART_KEYS)]
    d.add(legend)
    d.add(String(0, 58 * mm, "近十二个月（场/节/次）", fontName=FONT, fontSize=8))
    return d


def pdf(f: Figures) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=f"{f.division.name} 统计报表 {f.period.label}")
    story = [Paragraph(f"{f.division.name}社会工作服务统计报表", _TITLE),
             Paragraph(f"{f.period.label}（{f.period.start:%Y-%m-%d} 至 {f.period.end:%Y-%m-%d}） · "
                       f"生成于 {timezone.localtime():%Y-%m-%d %H:%M}", _SUB), Spacer(1, 4 * mm)]
    s, cov = f.snapshot, f.snapshot.coverage
    story += [Paragraph("一、站点与人才队伍（截至生成时）", _HEAD), _table([
        ["社工站", "社工室", "街道社工站覆盖率", "社区社工室覆盖率", "在岗社工", "持证社工", "在册志愿者"],
        [s.stations, s.rooms, f"{cov.town_rate:.1f}%" if cov.town_rate is not None else "—",
         f"{cov.village_rate:.1f}%" if cov.village_rate is not None else "—", s.workers, s.certified, s.volunteers],
    ], [WIDTH / 7] * 7)]
    by_section: dict = {}
    for x in f.summary:
        by_section.setdefault(str(x.measure.section), []).append(x)
    story.append(Paragraph("二、本期服务数据（与上期比较）", _HEAD))
    rows = [["类别", "指标", "本期", "上期", "变化"]]
    for name, figs in by_section.items():
        for x in figs:
            rows.append([name, f"{x.measure.name}（{x.measure.unit}）" + ("·估算" if x.measure.estimate else ""),
                         x.value, x.previous, "—" if x.change is None else f"{x.change:+.1f}%"])
    story.append(_table(rows, [WIDTH * w for w in (0.16, 0.4, 0.15, 0.15, 0.14)]))
    story += [Paragraph("三、近十二个月趋势", _HEAD), _chart(f.trend)]
    story.append(Paragraph("四、下级区划与站点", _HEAD))
    rows = [["区划", *[f"{MEASURES[k].name}" for k in PDF_COLUMNS]]]
    rows += [[r["label"], *[r["values"].get(k) for k in PDF_COLUMNS]] for r in f.children]
    story.append(_table(rows, [WIDTH * 0.28] + [WIDTH * 0.72 / len(PDF_COLUMNS)] * len(PDF_COLUMNS)))
    story.append(Paragraph("五、指标口径", _HEAD))
    for _name, ms in sections():
        for m in ms:
            story.append(Paragraph(f"{m.name}：{m.definition}", _NOTE))
    doc.build(story)
    return out.getvalue()


def generate(report: Report) -> None:
    """Write the report's two files, updating its progress; a failure is recorded on it."""
    def progress(n):
        Report.objects.filter(pk=report.pk).update(progress=n)

    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING, progress=5)
    try:
        f = figures(report, report.requested_by, progress)
        book = xlsx(f)
        progress(75)
        document = pdf(f)
        progress(95)
        name = f"report-{report.pk}-{timezone.now():%Y%m%d%H%M%S}"
        if report.xlsx:
            report.xlsx.delete(save=False)
        if report.pdf:
            report.pdf.delete(save=False)
        report.xlsx.save(f"{name}.xlsx", ContentFile(book), save=False)
        report.pdf.save(f"{name}.pdf", ContentFile(document), save=False)
        report.status, report.progress, report.finished_at = Report.Status.DONE, 100, timezone.now()
        report.save(update_fields=["xlsx", "pdf", "status", "progress", "finished_at"])
    except Exception as e:  # recorded for the user; the worker's log has the traceback
        Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, error=str(e)[:300])
        raise
