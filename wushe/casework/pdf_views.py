"""The record forms as PDF downloads: filled in from a case, or blank for the field."""

from urllib.parse import quote

from django.http import Http404, HttpResponse

from wushe.accounts.roles import Action
from wushe.casework import selectors
from wushe.casework.record_forms import FORMS
from wushe.core import audit, pdf
from wushe.core.access import requires
from wushe.core.models import AuditEntry


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"  # a filled form holds a client's story
    return response


def _builder(code: str):
    if code not in FORMS:
        raise Http404
    return FORMS[code]


@requires(Action.CASE_WORK)
def case_form(request, pk, form):
    name, build = _builder(form)
    case = selectors.case_get_for_reading(user=request.user, pk=pk)
    spec = build(case)
    spec.issuer = case.station.name
    audit.record(AuditEntry.Action.EXPORTED, request=request, obj=case, detail={"form": form})
    return _pdf(pdf.render(spec), f"{name}-{case.number}.pdf")


@requires(Action.CASE_WORK)
def blank_form(request, form):
    name, build = _builder(form)
    return _pdf(pdf.render(build(None), blank=True), f"{name}（空白）.pdf")
