"""xlsx downloads, written row by row (XlsxWriter's constant-memory mode) into a temporary
file that is then streamed, so a 100,000-row list stays small in memory."""

import datetime
import tempfile
from collections.abc import Iterable, Sequence
from urllib.parse import quote

import xlsxwriter
from django.http import FileResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> FileResponse:
    file = tempfile.TemporaryFile()  # gone when the response closes it
    wb = xlsxwriter.Workbook(file, {
        "constant_memory": True,
        # Every string stays text: a cell like =HYPERLINK(...) must never become a formula
        # that runs when the file is opened (formula injection), nor "+86 …" a number.
        "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        "default_date_format": "yyyy-mm-dd",
    })
    ws = wb.add_worksheet(title[:31])
    ws.write_row(0, 0, [str(h) for h in headers], wb.add_format({"bold": True}))
    for number, row in enumerate(rows, start=1):
        ws.write_row(number, 0, [_cell(v) for v in row])
    wb.close()
    file.seek(0)
    response = FileResponse(file, content_type=XLSX)
    # RFC 5987 form so Chinese file names survive every browser.
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def audited_xlsx(request, *, filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence],
                 count: int, obj=None, object_type: str = "", query: str = "") -> FileResponse:
    """Every export is an audited event (who, what, which filter, how many rows)."""
    from wushe.core import audit
    from wushe.core.models import AuditEntry

    detail = {"rows": count}
    if query:
        detail["query"] = query
    audit.record(AuditEntry.Action.EXPORTED, request=request, obj=obj, object_type=object_type, detail=detail)
    return xlsx_response(filename, title, headers, rows)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (str, int, float, datetime.date)):
        return value
    return str(value)  # lazy translations, Protected (shows itself masked) …
