"""The standard record forms (服务记录套表) as A4 PDFs: one layout for every form.

A form is data: a title, sections of labelled cells and long-text boxes, a table when it
lists several records, and signature lines. ``render`` lays any of them out the same way,
filled in or blank for paper work in the field (the same spec with no values).

The font is Adobe's STSong-Light CID font, which every PDF reader maps to its own Song
typeface: nothing to ship, and the text stays extractable (searchable, testable).
"""

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_TITLE = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1, spaceAfter=2 * mm)
_META = ParagraphStyle("meta", fontName=FONT, fontSize=9, leading=12, alignment=2)
_LABEL = ParagraphStyle("label", fontName=FONT, fontSize=9.5, leading=13)
_VALUE = ParagraphStyle("value", fontName=FONT, fontSize=10, leading=14)
_HEAD = ParagraphStyle("head", fontName=FONT, fontSize=11, leading=15, spaceBefore=3 * mm, spaceAfter=1 * mm)

WIDTH = A4[0] - 36 * mm
BLANK_TEXT_HEIGHT = 28 * mm  # room to write by hand in a blank long-text box


@dataclass
class Cells:
    """Short values, two label/value pairs per row."""

    pairs: list[tuple[str, str]]


@dataclass
class Text:
    """One long value in a box of its own (问题摘要, 服务内容 …)."""

    label: str
    value: str = ""


@dataclass
class Rows:
    """Several records as a table (sessions, goals); a blank form gets ``blank_rows`` empty lines."""

    headers: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # fractions of the width
    blank_rows: int = 6


@dataclass
class Section:
    heading: str
    parts: list = field(default_factory=list)


@dataclass
class Form:
    title: str
    code: str  # e.g. 个案-01: the set's numbering, printed top right
    issuer: str = ""  # the station
    number: str = ""  # the record's own number (个案编号)
    sections: list[Section] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)


def _p(text, style=_VALUE) -> Paragraph:
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def _grid(rows: list, widths: list[float], heights: list | None = None, repeat_rows: int = 0) -> Table:
    # splitInRow: a long text (an assessment, a session's content) continues on the next page
    # instead of failing to fit.
    table = Table(rows, colWidths=[w * WIDTH for w in widths], rowHeights=heights, repeatRows=repeat_rows,
                  splitInRow=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5 * mm),
    ]))
    return table


def _cells(part: Cells, blank: bool) -> Table:
    rows = []
    pairs = list(part.pairs) + ([("", "")] if len(part.pairs) % 2 else [])
    for i in range(0, len(pairs), 2):
        row = []
        for label, value in pairs[i:i + 2]:
            row += [_p(label, _LABEL), _p("" if blank else value)]
        rows.append(row)
    table = _grid(rows, [0.17, 0.33, 0.17, 0.33])
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0")),
                               ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#f0f0f0"))]))
    return table


def _text(part: Text, blank: bool) -> Table:
    empty = blank or not part.value
    table = _grid([[_p(part.label, _LABEL), _p("" if blank else part.value)]], [0.17, 0.83],
                  [BLANK_TEXT_HEIGHT] if empty else None)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0"))]))
    return table


def _rows(part: Rows, blank: bool) -> Table:
    body = [] if blank else [[_p(v) for v in row] for row in part.rows]
    if not body:
        body = [[""] * len(part.headers) for _ in range(part.blank_rows)]
    widths = part.widths or [1 / len(part.headers)] * len(part.headers)
    heights = [None] + [10 * mm] * len(body) if (blank or not part.rows) else None
    # repeat_rows: the header again on every page of a long list
    table = _grid([[_p(h, _LABEL) for h in part.headers], *body], widths, heights, repeat_rows=1)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0"))]))
    return table


_RENDER = {Cells: _cells, Text: _text, Rows: _rows}


def render(form: Form, *, blank: bool = False) -> bytes:
    """The form as an A4 PDF; ``blank`` leaves every value empty for filling in by hand."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=form.title, author=form.issuer or "wushe")
    story = [_p(f"{form.code}", _META), _p(form.title, _TITLE)]
    meta = "　".join(x for x in (form.issuer and f"机构：{form.issuer}",
                                form.number and not blank and f"编号：{form.number}") if x)
    if meta:
        story.append(_p(meta, _META))
    for section in form.sections:
        story.append(_p(section.heading, _HEAD))
        for part in section.parts:
            story.append(_RENDER[type(part)](part, blank))
            story.append(Spacer(1, 1.5 * mm))
    if form.signatures:
        story.append(Spacer(1, 8 * mm))
        lines = [[_p(f"{s}：＿＿＿＿＿＿＿＿", _VALUE), _p("日期：＿＿＿＿年＿＿月＿＿日", _VALUE)] for s in form.signatures]
        sign = Table(lines, colWidths=[0.55 * WIDTH, 0.45 * WIDTH])
        sign.setStyle(TableStyle([("BOTTOMPADDING", (0, 0), (-1, -1), 5 * mm)]))
        story.append(sign)
    doc.build(story)
    return buffer.getvalue()


def response(form: Form, filename: str, *, blank: bool = False):
    """The rendered form as an inline PDF download, never cached (a filled form holds a
    client's story)."""
    from urllib.parse import quote

    from django.http import HttpResponse

    result = HttpResponse(render(form, blank=blank), content_type="application/pdf")
    result["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    result["Cache-Control"] = "no-store"
    return result

