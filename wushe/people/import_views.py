"""The import pages: upload → background check (progress) → preview → import → result.

Both steps run as background tasks (`wushe db_worker`), so a ledger of 100,000 rows never
holds a request open; the job page follows the progress and shows the outcome.
"""

import uuid
from functools import partial
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wushe.accounts.roles import Action
from wushe.accounts.scope import can
from wushe.core import audit
from wushe.core.access import requires
from wushe.core.exports import audited_xlsx
from wushe.core.models import AuditEntry
from wushe.people import selectors
from wushe.people.forms import ImportUploadForm
from wushe.people.importing import template_workbook
from wushe.people.models import ImportJob
from wushe.people.tasks import apply_import_task, plan_import_task

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
        path = UPLOAD_DIR / f"{uuid.uuid4().hex}.{upload.name.rsplit('.', 1)[-1].lower()}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        with transaction.atomic():
            job = ImportJob.objects.create(
                user=request.user, station=form.cleaned_data["station"], community=form.cleaned_data["community"],
                consent_on=form.cleaned_data["consent_on"], source_name=upload.name[:200], file_path=str(path))
            audit.record(AuditEntry.Action.CREATED, request=request, obj=job, detail={"step": "upload"})
            transaction.on_commit(partial(plan_import_task.enqueue, job.pk))
        return redirect(job)
    return render(request, "people/import_upload.html", {
        "form": form, "jobs": selectors.import_jobs(user=request.user)[:10],
    })


def _job(request, pk) -> ImportJob:
    """The uploader's job, or one a manager of its station may see; 404 for anyone else."""
    job = ImportJob.objects.select_related("station__division", "user").filter(pk=pk).first()
    if job is None or not (job.user_id == request.user.pk or can(request.user, Action.USER_MANAGE, job)):
        raise Http404
    return job


@requires(Action.PERSON_VIEW)
def import_job(request, pk):
    job = _job(request, pk)
    template = "people/import_job.html#status" if request.htmx else "people/import_job.html"
    return render(request, template, {"job": job, "issues": job.issues[:500]})


@requires(Action.PERSON_VIEW)
def import_errors(request, pk):
    job = _job(request, pk)
    return audited_xlsx(request, filename=f"导入问题行-{timezone.localdate():%Y%m%d}.xlsx", title=_("问题行"),
                        headers=[_("行号"), _("列"), _("问题")], rows=job.issues, count=len(job.issues), obj=job)


@requires(Action.PERSON_VIEW)
@require_POST
def import_apply(request, pk):
    job = _job(request, pk)
    if job.user_id != request.user.pk:
        raise Http404  # only the uploader confirms their own import
    all_or_nothing = request.POST.get("mode") == "all"
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
            status=ImportJob.Status.CONFIRMED, all_or_nothing=all_or_nothing)
        if claimed:
            transaction.on_commit(partial(apply_import_task.enqueue, job.pk))
    if not claimed:
        messages.error(request, _("该导入已经确认过或尚未检查完毕。"))
    return redirect(job)
