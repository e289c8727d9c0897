"""Writes on the people registry: each checks scope, validates, audits, in a transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from wushe.accounts.roles import Action
from wushe.accounts.scope import can, check
from wushe.core import audit
from wushe.core.models import AuditEntry
from wushe.people.models import Need, Resident, Visit
from wushe.people.selectors import duplicate_owner

RESIDENT_FIELDS = (
    "station", "community", "name", "id_number", "mobile", "ethnicity", "address", "household",
    "relation", "living", "guardian_name", "guardian_phone", "disability_type", "disability_grade",
    "income", "risk", "visit_every_days", "consent_by", "consent_method", "consent_on", "note",
)
# Personal fields whose values never go into an audit entry, only the fact they changed.
SECRET_FIELDS = {"id_number", "mobile", "guardian_phone"}


def pinyin_of(name: str) -> str:
    """'张三' → 'zs zhangsan': initials and full pinyin, so either finds the person."""
    syllables = lazy_pinyin(name, errors="ignore")
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore"))
    return f"{initials} {''.join(syllables)}".lower().strip()


class RegisteredElsewhere(ValidationError):
    """The ID number is registered at a station outside the user's scope. The message says
    only that: nothing of that person's data leaves its station."""


def _refuse_duplicate(actor, resident: Resident) -> None:
    owner = duplicate_owner(id_number_hash=resident.id_number_hash)
    if owner is None or owner.pk == resident.pk:
        return
    if can(actor, Action.PERSON_VIEW, owner):
        raise ValidationError({"id_number": format_html(
            _('该身份证号已经登记：<a href="{}">查看 {} 的档案</a>。'),
            reverse("people:resident", args=[owner.pk]), owner.name)})
    raise RegisteredElsewhere({"id_number": _(
        "该居民已在其他站点登记，不能重复建档。如需为其服务，请联系对方站点申请转移或共享档案。")})


def _apply(resident: Resident, data: dict) -> dict:
    changed = {}
    for field in RESIDENT_FIELDS:
        if field not in data:
            continue
        old, new = getattr(resident, field, None), data[field]  # None: relation not set yet
        if (old or "") != (new or ""):
            changed[field] = "已修改" if field in SECRET_FIELDS else [str(old or ""), str(new or "")]
            setattr(resident, field, new)
    return changed


def _finish(resident: Resident) -> None:
    """Derived columns kept in step with what was entered, before the duplicate check."""
    resident.name_pinyin = pinyin_of(resident.name)
    plain = resident.id_number.reveal() if hasattr(resident.id_number, "reveal") else str(resident.id_number or "")
    resident.id_suffix = plain[-4:]
    resident.visit_due_on = resident.next_visit_due()
    # The encrypted field fills its keyed hash when saving; the check needs it now.
    Resident._meta.get_field("id_number").pre_save(resident, resident.pk is None)


def resident_create(*, actor, data: dict, tags=(), request=None) -> Resident:
    """Register a resident (建档) at a station in the actor's scope."""
    station = data["station"]
    check(actor, Action.PERSON_VIEW, station)
    resident = Resident(created_by=actor)
    _apply(resident, data)
    resident.full_clean(exclude=["id_number_hash", "mobile_hash"])
    _finish(resident)
    _refuse_duplicate(actor, resident)
    check(actor, Action.PERSON_VIEW, resident)
    try:
        with transaction.atomic():
            resident.save()
            resident.tags.set(tags)
            audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=resident)
    except IntegrityError as exc:  # registered by someone else a moment ago
        raise ValidationError({"id_number": _("该身份证号已经登记。")}) from exc
    return resident


def resident_update(*, actor, resident: Resident, data: dict, tags=None, request=None) -> Resident:
    check(actor, Action.PERSON_VIEW, resident)
    if "station" in data and data["station"].pk != resident.station_id:
        check(actor, Action.PERSON_VIEW, data["station"])  # a file moves only inside the scope
    changed = _apply(resident, data)
    resident.full_clean(exclude=["id_number_hash", "mobile_hash"])
    _finish(resident)
    _refuse_duplicate(actor, resident)
    check(actor, Action.PERSON_VIEW, resident)  # a new community must stay inside the scope
    try:
        with transaction.atomic():
            _save_changes(actor, resident, changed, tags, request)
    except IntegrityError as exc:  # the same ID registered by someone else a moment ago
        raise ValidationError({"id_number": _("该身份证号已经登记。")}) from exc
    return resident


def _save_changes(actor, resident: Resident, changed: dict, tags, request) -> None:
    resident.save()
    if tags is not None:
        before = set(resident.tags.values_list("name", flat=True))
        resident.tags.set(tags)
        after = {t.name for t in tags}
        if before != after:
            changed["tags"] = ["、".join(sorted(before)), "、".join(sorted(after))]
    if changed:
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=resident, detail=changed)


def resident_file_opened(*, actor, resident: Resident, request=None) -> None:
    """Every view of a person's file lands in the audit log (who, whose, when)."""
    audit.record(AuditEntry.Action.VIEWED, request=request, actor=actor, obj=resident)


def resident_reveal(*, actor, resident: Resident, field: str, request=None) -> str:
    """The full ID number or mobile of a resident: a permission, and an audited event."""
    if field not in ("id_number", "mobile"):
        raise ValidationError(_("只能显示身份证号或手机号。"))
    if not can(actor, Action.PERSON_REVEAL, resident):
        raise PermissionDenied(_("您无权查看完整的个人信息。"))
    value = getattr(resident, field)
    audit.record(AuditEntry.Action.REVEALED, request=request, actor=actor, obj=resident,
                 detail={"field": field})
    return value.reveal() if value else ""


def resident_restore(*, actor, resident: Resident, history_id: int, request=None) -> Resident:
    """Put a resident's record back as it was at an earlier version (managers only)."""
    if not can(actor, Action.USER_MANAGE, resident):
        raise PermissionDenied(_("只有管理人员可以恢复历史版本。"))
    version = resident.history.filter(history_id=history_id).first()
    if version is None:
        raise ValidationError(_("该历史版本不存在。"))
    old = version.instance
    data = {f: getattr(old, f) for f in RESIDENT_FIELDS if f not in ("station", "household", "community")}
    data["community"] = old.community
    return resident_update(actor=actor, resident=resident, data=data, request=request)


def need_create(*, actor, data: dict, request=None) -> Need:
    need = Need(**data)
    if need.resident_id:
        need.community_id = need.resident.community_id
    check(actor, Action.PERSON_VIEW, need)
    need.full_clean()
    with transaction.atomic():
        need.save()
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=need)
    return need


def need_transition(*, actor, need: Need, status: str, reason: str = "", request=None) -> Need:
    """Move a need along its flow (待对接 → 已对接 → 服务中 → 已满足/已关闭)."""
    check(actor, Action.PERSON_VIEW, need)
    if status not in Need.Status.values:
        raise ValidationError({"status": _("未知的需求状态。")})
    if status not in Need.FLOW[need.status]:
        raise ValidationError(_("需求不能从“%(a)s”变为“%(b)s”。") % {
            "a": need.get_status_display(), "b": Need.Status(status).label})
    if status in (Need.Status.MET, Need.Status.CLOSED) and not reason.strip():
        raise ValidationError({"close_reason": _("请说明需求如何满足或关闭的原因。")})
    before = need.status
    need.status = status
    if reason:
        need.close_reason = reason.strip()
    if not need.is_open:
        need.closed_on = timezone.localdate()
    if status in (Need.Status.MATCHED, Need.Status.IN_SERVICE) and need.handler_id is None:
        need.handler = actor
    with transaction.atomic():
        need.save()
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=need,
                     detail={"status": [before, status]})
    return need


def visit_record(*, actor, resident: Resident, data: dict, needs=(), request=None) -> Visit:
    """Record a visit; it updates the resident's risk and visit plan and may raise needs."""
    check(actor, Action.PERSON_VIEW, resident)
    if data["visited_on"] > timezone.localdate():
        raise ValidationError({"visited_on": _("走访日期不能晚于今天。")})
    visit = Visit(resident=resident, community_id=resident.community_id, visited_on=data["visited_on"],
                  kind=data["kind"], findings=data["findings"], risk=data["risk"])
    visit.full_clean(exclude=["visitors"])
    with transaction.atomic():
        visit.save()
        visit.visitors.set(data.get("visitors") or [actor])
        if not resident.last_visit_on or visit.visited_on >= resident.last_visit_on:
            resident.last_visit_on = visit.visited_on
            resident.risk = visit.risk
            resident.visit_due_on = resident.next_visit_due()
            resident.save(update_fields=["last_visit_on", "risk", "visit_due_on"])
        for item in needs:
            need_create(actor=actor, request=request, data={
                "resident": resident, "community_id": resident.community_id, "visit": visit,
                "source": Need.Source.VISIT, **item})
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=visit,
                     detail={"risk": visit.risk, "needs": len(needs)})
    return visit
