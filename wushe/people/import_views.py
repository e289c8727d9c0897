"""The import pages: upload → preview (nothing written) → import → result and error report."""

import datetime
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wushe.accounts.roles import Action
from wushe.core.access import requires
from wushe.core.exports import xlsx_response
from wushe.core.models import Division
from wushe.people import selectors
from wushe.people.forms import ImportUploadForm
from wushe.people.importing import (
    ImportFileError,
    ImportOptions,
    apply_import,
    error_report_rows,
    plan_import,
    template_workbook,
)

SESSION_KEY = "people_import"
UPLOAD_DIR = Path(settings.MEDIA_ROOT) / "imports"


@requires(Action.PERSON_VIEW)
def import_template(request):
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('服务对象导入模板.xlsx')}"
    template_workbook().save(response)
    return response


@requires(Action.PERSON_VIEW)
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None,
                            stations=selectors.stations_for(user=request.user),
                            communities=selectors.communities_for(user=request.user))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
        token = uuid.uuid4().hex
        path = UPLOAD_DIR / f"{token}.{upload.name.rsplit('.', 1)[-1].lower()}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        consent_on = form.cleaned_data["consent_on"]
        request.session[SESSION_KEY] = {
            "path": str(path), "name": upload.name, "station": form.cleaned_data["station"].pk,
            "community": form.cleaned_data["community"].code if form.cleaned_data["community"] else "",
            "consent_on": consent_on.isoformat() if consent_on else "",
        }
        return redirect("people:import_preview")
    return render(request, "people/import_upload.html", {"form": form})


def _pending(request):
    """The upload this user is working on, re-planned from the stored file (no writes)."""
    pending = request.session.get(SESSION_KEY)
    if not pending or not Path(pending["path"]).exists():
        raise Http404
    station = selectors.stations_for(user=request.user).filter(pk=pending["station"]).first()
    if station is None:
        raise Http404
    options = ImportOptions(
        station=station,
        community=Division.objects.filter(code=pending["community"]).first() if pending["community"] else None,
        consent_on=datetime.date.fromisoformat(pending["consent_on"]) if pending["consent_on"] else None,
    )
    return pending, plan_import(actor=request.user, path=Path(pending["path"]), options=options)


@requires(Action.PERSON_VIEW)
def import_preview(request):
    try:
        pending, plan = _pending(request)
    except ImportFileError as exc:
        messages.error(request, str(exc))
        return redirect("people:import")
    return render(request, "people/import_preview.html", {
        "pending": pending, "plan": plan, "issues": sorted(plan.issues, key=lambda i: i.row)[:500],
    })


@requires(Action.PERSON_VIEW)
def import_errors(request):
    pending, plan = _pending(request)
    return xlsx_response(f"导入问题行-{timezone.localdate():%Y%m%d}.xlsx", _("问题行"),
                         [_("行号"), _("列"), _("问题")], error_report_rows(plan))


@requires(Action.PERSON_VIEW)
@require_POST
def import_apply(request):
    try:
        pending, plan = _pending(request)
        result = apply_import(actor=request.user, plan=plan, request=request, source=pending["name"],
                              all_or_nothing=request.POST.get("mode") == "all")
    except (ImportFileError, ValidationError) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        return redirect("people:import_preview")
    Path(pending["path"]).unlink(missing_ok=True)
    del request.session[SESSION_KEY]
    messages.success(request, _("导入完成：新建 %(c)d 人，更新 %(u)d 人，跳过问题行 %(s)d 行。")
                     % {"c": result.created, "u": result.updated, "s": result.skipped_rows})
    return redirect("people:residents")
