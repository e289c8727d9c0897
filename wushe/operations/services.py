"""Writes of a station's plans and rules."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from wushe.accounts.roles import Action
from wushe.accounts.scope import check
from wushe.core import audit
from wushe.core.models import AuditEntry
from wushe.operations.models import Document, Plan, Task, Version


def plan_save(*, actor, station, data: dict, plan: Plan | None = None, request=None) -> Plan:
    creating = plan is None
    plan = plan or Plan(station=station, created_by=actor)
    for field, value in data.items():
        setattr(plan, field, value)
    check(actor, Action.STATION_PLAN, plan)
    if plan.starts_on and plan.ends_on and plan.ends_on < plan.starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    plan.full_clean()
    plan.save()
    audit.record(AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED, request=request, actor=actor,
                 obj=plan)
    return plan


def task_add(*, actor, plan: Plan, data: dict, request=None) -> Task:
    check(actor, Action.STATION_PLAN, plan)
    if not plan.starts_on <= data["due_on"] <= plan.ends_on:
        raise ValidationError({"due_on": _("完成期限须在计划期内（%(a)s 至 %(b)s）。") % {
            "a": plan.starts_on, "b": plan.ends_on}})
    task = Task.objects.create(plan=plan, **data)
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=plan, detail={"task": task.pk})
    return task


def task_done(*, actor, task: Task, result: str, request=None) -> Task:
    check(actor, Action.STATION_PLAN, task.plan)
    if task.done_on:
        raise ValidationError(_("该任务已完成。"))
    if not result.strip():
        raise ValidationError({"result": _("请填写完成情况。")})
    task.done_on, task.result = timezone.localdate(), result.strip()[:200]
    task.save(update_fields=["done_on", "result"])
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=task.plan, detail={"done": task.pk})
    return task


def document_create(*, actor, station, kind: str, title: str, text: str, effective_on, request=None) -> Document:
    document = Document(station=station, kind=kind, title=title.strip())
    check(actor, Action.STATION_PLAN, document)
    if Document.objects.filter(station=station, title=document.title).exists():
        raise ValidationError({"title": _("本站点已有同名制度，请在原制度上修订。")})
    document.full_clean()
    with transaction.atomic():
        document.save()
        version_add(actor=actor, document=document, text=text, effective_on=effective_on, change_note=_("首次发布"),
                    request=request)
    return document


def version_add(*, actor, document: Document, text: str, effective_on, change_note: str = "",
                request=None) -> Version:
    """A new version (修订): earlier ones stay as they were."""
    check(actor, Action.STATION_PLAN, document)
    if not text.strip():
        raise ValidationError({"text": _("请填写制度正文。")})
    latest = document.versions.first()
    if latest and not change_note.strip():
        raise ValidationError({"change_note": _("修订时请说明修订了什么。")})
    if latest and latest.text == text.strip():
        raise ValidationError({"text": _("正文没有变化。")})
    try:
        with transaction.atomic():
            number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version = Version.objects.create(document=document, number=number, text=text.strip(),
                                             effective_on=effective_on, change_note=change_note.strip()[:200], by=actor)
            audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=document,
                         detail={"version": number})
    except IntegrityError as exc:  # two revisions at once: the second is asked to try again
        raise ValidationError(_("刚有人修订了这份制度，请刷新后再试。")) from exc
    return version
