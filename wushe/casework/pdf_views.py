"""The record forms as PDF downloads: filled in from a case, or blank for the field."""

from django.http import Http404

from wushe.accounts.roles import Action
from wushe.casework import selectors
from wushe.casework.record_forms import BLANK_FORMS, FORMS
from wushe.core import audit, pdf
from wushe.core.access import requires
from wushe.core.models import AuditEntry


def builder(forms: dict, code: str):
    """(name, build) of a form of the set, 404 for an unknown one."""
    if code not in forms:
        raise Http404
    return forms[code]


@requires(Action.CASE_WORK)
def case_form(request, pk, form):
    name, build = builder(FORMS, form)
    case = selectors.case_get_for_reading(user=request.user, pk=pk)
    spec = build(case)
    spec.issuer = case.station.name
    audit.record(AuditEntry.Action.EXPORTED, request=request, obj=case, detail={"form": form})
    return pdf.response(spec, f"{name}-{case.number}.pdf")


@requires(Action.CASE_WORK)
def blank_form(request, form):
    name, build = builder(BLANK_FORMS, form)
    return pdf.response(build(None), f"{name}（空白）.pdf", blank=True)
