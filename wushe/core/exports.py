"""xlsx downloads, written row by row (openpyxl write-only) so big lists stay small in memory."""

import datetime
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


def xlsx_response(filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=str(h))
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([_cell(ws, v) for v in row])
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    # RFC 5987 form so Chinese file names survive every browser.
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    wb.save(response)
    return response


def audited_xlsx(request, *, filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence],
                 count: int, obj=None, object_type: str = "", query: str = "") -> HttpResponse:
    """Every export is an audited event (who, what, which filter, how many rows)."""
    from wushe.core import audit
    from wushe.core.models import AuditEntry

    detail = {"rows": count}
    if query:
        detail["query"] = query
    audit.record(AuditEntry.Action.EXPORTED, request=request, obj=obj, object_type=object_type, detail=detail)
    return xlsx_response(filename, title, headers, rows)


def _cell(ws, value):
    if value is None:
        return ""
    if isinstance(value, (int, float, datetime.date)):
        return value
    text = str(value)
    if text.startswith("="):
        # openpyxl would store this as a formula that runs when the file is opened
        # (formula injection, e.g. a station named =HYPERLINK(...)): force a text cell.
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        return cell
    return text
