"""Writes on the people registry: each checks scope, validates, audits, in a transaction."""

import datetime
import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from wushe.accounts.roles import Action
from wushe.accounts.scope import can, check, may
from wushe.core import audit
from wushe.core.attachments import attach
from wushe.core.models import AuditEntry
from wushe.core.pii import hash_lookup, plaintext
from wushe.people.models import (
    Need,
    Resident,
    ResidentShare,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Tag,
    TransferRequest,
    Visit,
)
from wushe.people.selectors import duplicate_owner

RESIDENT_FIELDS = (
    "station", "community", "name", "id_number", "birth_date", "sex", "mobile", "ethnicity", "address", "household",
    "relation", "living", "guardian_name", "guardian_phone", "disability_type", "disability_grade",
    "income", "risk", "visit_every_days", "consent_by", "consent_method", "consent_on", "note",
)
# Fields whose old and new values may go into an audit entry; of every other field only the
# fact that it changed is recorded.
PLAIN_FIELDS = {"station", "community", "risk", "visit_every_days", "consent_by", "consent_method", "consent_on"}


@functools.lru_cache(maxsize=8192)  # common names recur across a ledger
def pinyin_of(name: str) -> str:
    """'张三' → 'zs zhangsan': initials and full pinyin, so either finds the person."""
    syllables = [s for s in lazy_pinyin(name, errors="ignore") if s]
    initials = "".join(s[0] for s in syllables)
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
    raise RegisteredElsewhere({"id_number": format_html(
        _('该居民已在其他站点登记，不能重复建档。如其已迁入本辖区，可<a href="{}">申请转移档案</a>。'),
        reverse("people:transfer_create"))})


def _apply(resident: Resident, data: dict) -> dict:
    changed = {}
    for field in RESIDENT_FIELDS:
        if field not in data:
            continue
        old, new = getattr(resident, field, None), data[field]  # None: relation not set yet
        if (old or "") != (new or ""):
            # Values of personal fields stay out of the audit log (auditors read no personal
            # data); managers see them in the file's change history.
            changed[field] = [str(old or ""), str(new or "")] if field in PLAIN_FIELDS else "已修改"
            setattr(resident, field, new)
    return changed


def _finish(resident: Resident) -> None:
    """Derived columns kept in step with what was entered, before the duplicate check."""
    resident.name_pinyin = pinyin_of(resident.name)
    resident.id_suffix = plaintext(resident.id_number)[-4:]
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
    _records_follow(resident)
    if tags is not None:
        before = set(resident.tags.values_list("name", flat=True))
        resident.tags.set(tags)
        after = {t.name for t in tags}
        if before != after:
            changed["tags"] = ["、".join(sorted(before)), "、".join(sorted(after))]
    if changed:
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=resident, detail=changed)


def _records_follow(resident: Resident) -> None:
    """Needs and visits live where the person lives: they move with the file, so the old
    station stops seeing them and the new one finds them."""
    resident.needs.exclude(community_id=resident.community_id).update(community_id=resident.community_id)
    resident.visits.exclude(community_id=resident.community_id).update(community_id=resident.community_id)


def resident_file_opened(*, actor, resident: Resident, request=None) -> None:
    """Every view of a person's file lands in the audit log (who, whose, when)."""
    audit.record(AuditEntry.Action.VIEWED, request=request, actor=actor, obj=resident)


class RevealLimitReached(PermissionDenied):
    """Too many full numbers revealed in the last hour: a worker serving residents needs a
    few, an account being used to harvest numbers needs many."""


def resident_reveal(*, actor, resident: Resident, field: str, request=None) -> str:
    """The full ID number or mobile of a resident: a permission, a limit per hour, and an
    audited event."""
    if field not in ("id_number", "mobile"):
        raise ValidationError(_("只能显示身份证号或手机号。"))
    if not can(actor, Action.PERSON_REVEAL, resident):
        raise PermissionDenied(_("您无权查看完整的个人信息。"))
    limit = settings.WUSHE_REVEALS_PER_HOUR
    recent = AuditEntry.objects.filter(actor=actor, action=AuditEntry.Action.REVEALED,
                                       at__gte=timezone.now() - datetime.timedelta(hours=1))
    if recent.count() >= limit:
        audit.record(AuditEntry.Action.DENIED, request=request, actor=actor, obj=resident,
                     detail={"field": field, "reason": "reveal_limit"})
        raise RevealLimitReached(_("一小时内显示完整个人信息已达 %(n)d 次上限，请稍后再试；确有需要请联系站长。")
                                 % {"n": limit})
    audit.record(AuditEntry.Action.REVEALED, request=request, actor=actor, obj=resident,
                 detail={"field": field})
    return plaintext(getattr(resident, field))


def resident_restore(*, actor, resident: Resident, history_id: int, request=None) -> Resident:
    """Put a resident's record back as it was at an earlier version (managers only)."""
    if not can(actor, Action.USER_MANAGE, resident):
        raise PermissionDenied(_("只有管理人员可以恢复历史版本。"))
    version = resident.history.filter(history_id=history_id).first()
    if version is None:
        raise ValidationError(_("该历史版本不存在。"))
    old = version.instance
    kept = {"station", "household", "community"}
    if resident.last_visit_on and resident.last_visit_on >= timezone.localdate(version.history_date):
        kept.add("risk")  # a visit since that version assessed the risk: not an edit to undo
    data = {f: getattr(old, f) for f in RESIDENT_FIELDS if f not in kept}
    data["community"] = old.community
    tags = Tag.objects.filter(pk__in=version.tags.values_list("tag_id", flat=True))
    return resident_update(actor=actor, resident=resident, data=data, tags=list(tags), request=request)


def need_create(*, actor, data: dict, request=None) -> Need:
    need = Need(**data)
    if need.resident_id:
        need.community_id = need.resident.community_id
    check(actor, Action.PERSON_VIEW, need)
    need.full_clean()
    with transaction.atomic():
        need.save()
        # The category, not the description: free text may hold names or health details.
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=need,
                     object_label=need.get_category_display())
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
                     object_label=need.get_category_display(),
                     detail={"status": [before, status]})
    return need


def visit_record(*, actor, resident: Resident, data: dict, needs=(), photos=(), request=None) -> Visit:
    """Record a visit; it updates the resident's risk and visit plan and may raise needs.
    ``photos`` are uploads already checked by ``core.attachments.prepare``."""
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
        attach(record=visit, station=resident.station, prepared=photos, actor=actor, request=request)
    return visit


# --- transfers between stations (转移档案) -------------------------------------------------

def transfer_request(*, actor, id_number: str, to_station, to_community, reason: str, kind: str = "transfer",
                     request=None):
    """Ask the station keeping this person's file to hand it over. The asker learns
    nothing about the person beyond what they already typed."""
    check(actor, Action.PERSON_VIEW, to_station)
    check(actor, Action.PERSON_VIEW, to_community)
    if not to_community.code.startswith(to_station.division.prefix):
        raise ValidationError({"to_community": _("迁入社区不在申请站点的服务范围内。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写申请理由，例如“已迁入本社区居住”。")})
    resident = duplicate_owner(id_number_hash=hash_lookup("id_number", id_number))
    if resident is None:
        raise ValidationError({"id_number": _("没有找到以该身份证号登记的档案，可以直接建档。")})
    if can(actor, Action.PERSON_VIEW, resident):
        raise ValidationError({"id_number": _("该档案已在您的工作范围内，无需申请。")})
    transfer = TransferRequest(resident=resident, to_station=to_station, to_community=to_community,
                               requested_by=actor, reason=reason.strip(), kind=kind)
    try:
        with transaction.atomic():
            transfer.save()
            audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=transfer,
                         object_label=_("档案转移申请"), division_code=to_station.division_id)
    except IntegrityError as exc:
        raise ValidationError(_("已有一个待处理的转移申请。")) from exc
    return transfer


def transfer_decide(*, actor, transfer, approve: bool, note: str = "", request=None):
    """The keeping station's manager agrees (the file moves) or declines, with a note."""
    resident = transfer.resident
    if not can(actor, Action.USER_MANAGE, resident) or not can(actor, Action.PERSON_VIEW, resident):
        raise PermissionDenied(_("只有建档站点的站长或街道管理员可以处理转移申请。"))
    if not approve and not note.strip():
        raise ValidationError({"decision_note": _("拒绝时请说明原因。")})
    with transaction.atomic():
        # Locked and read again: a double click must not decide (or share) twice.
        transfer = TransferRequest.objects.select_for_update().get(pk=transfer.pk)
        if transfer.status != TransferRequest.Status.PENDING:
            raise ValidationError(_("该申请已经处理过。"))
        transfer.status = TransferRequest.Status.APPROVED if approve else TransferRequest.Status.DECLINED
        transfer.decided_by, transfer.decided_at, transfer.decision_note = actor, timezone.now(), note.strip()
        transfer.save()
        if approve and transfer.kind == TransferRequest.Kind.SHARE:
            ResidentShare.objects.get_or_create(resident=resident, station=transfer.to_station,
                                                defaults={"granted_by": actor})
        elif approve:
            before = (resident.station.name, resident.community.name)
            resident.station, resident.community = transfer.to_station, transfer.to_community
            resident.household, resident.relation = None, ""
            resident.save(update_fields=["station", "community", "household", "relation"])
            _records_follow(resident)
            audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=resident,
                         division_code=transfer.to_community.code,
                         detail={"station": [before[0], transfer.to_station.name],
                                 "community": [before[1], transfer.to_community.name]})
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=transfer,
                     object_label=_("档案转移申请"), detail={"status": transfer.status})
    return transfer


# --- duplicates (疑似重复) -------------------------------------------------------------------

MERGE_FILL_FIELDS = ("id_number", "mobile", "ethnicity", "address", "living", "guardian_name", "guardian_phone",
                     "disability_type", "disability_grade", "income", "note")


def resident_merge(*, actor, keep: Resident, other: Resident, request=None) -> Resident:
    """Merge a duplicate file into the one kept: needs, visits and categories move over,
    empty fields are filled from the duplicate; the duplicate's change history stays."""
    check(actor, Action.PERSON_VIEW, keep)
    check(actor, Action.PERSON_VIEW, other)
    if keep.pk == other.pk:
        raise ValidationError(_("不能把档案与自身合并。"))
    if not (can(actor, Action.USER_MANAGE, keep) and can(actor, Action.USER_MANAGE, other)):
        raise PermissionDenied(_("合并档案须由站长或街道管理员操作。"))
    same_person = keep.name == other.name or (keep.mobile_hash and keep.mobile_hash == other.mobile_hash)
    if not same_person:
        raise ValidationError(_("两份档案的姓名和手机号都不同，不像同一个人，不能合并。"))
    if keep.id_number and other.id_number and keep.id_number != other.id_number:
        raise ValidationError(_("两份档案的身份证号不同，不是同一个人，不能合并。"))
    with transaction.atomic():
        # Lock both files: two opposite merges at once must not bring a deleted file back.
        locked = set(Resident.objects.select_for_update().filter(pk__in=[keep.pk, other.pk])
                     .values_list("pk", flat=True))
        if locked != {keep.pk, other.pk}:
            raise ValidationError(_("其中一份档案已被合并或删除，请刷新页面。"))
        filled = {}
        moved_id = other.id_number if (other.id_number and not keep.id_number) else None
        for field in MERGE_FILL_FIELDS:
            if not getattr(keep, field) and getattr(other, field):
                filled[field] = "已合并"  # the field, not its value: auditors read no personal data
                setattr(keep, field, getattr(other, field))
        if moved_id:
            # The unique ID moves: clear it on the duplicate first.
            Resident.objects.filter(pk=other.pk).update(id_number="", id_number_hash="", id_suffix="",
                                                               id_number_masked="")
        other.needs.update(resident=keep, community_id=keep.community_id)
        other.visits.update(resident=keep, community_id=keep.community_id)
        keep.tags.add(*other.tags.all())
        if not keep.has_consent and other.has_consent:
            keep.consent_by, keep.consent_method, keep.consent_on = other.consent_by, other.consent_method, other.consent_on
        _finish(keep)
        keep.save()
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=keep,
                     detail={"merged": other.pk, "filled": filled})
        other.delete()
    return keep


# --- needs surveys (需求调研问卷) -------------------------------------------------------------

def survey_create(*, actor, station, title: str, intro: str, questions: list[dict], request=None):
    check(actor, Action.PERSON_VIEW, station)
    if not title.strip():
        raise ValidationError({"title": _("请填写问卷标题。")})
    if not questions:
        raise ValidationError(_("问卷至少需要一道题。"))
    built = []
    for number, data in enumerate(questions, start=1):
        question = SurveyQuestion(order=number, **data)
        try:
            question.full_clean(exclude=["survey"])
        except ValidationError as exc:
            raise ValidationError(_("第 %(n)d 题：%(e)s") % {"n": number, "e": "；".join(exc.messages)}) from exc
        built.append(question)
    with transaction.atomic():
        survey = Survey.objects.create(station=station, title=title.strip(), intro=intro, created_by=actor)
        for question in built:
            question.survey = survey
        SurveyQuestion.objects.bulk_create(built)
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=survey,
                     detail={"questions": len(built)})
    return survey


def survey_respond(*, actor, survey, community, resident=None, answers: dict, request=None):
    """Record one questionnaire (entered by staff); answers that ask for help raise needs."""
    check(actor, Action.PERSON_VIEW, survey)
    if not survey.active:
        raise ValidationError(_("该问卷已停止收集。"))
    if resident is not None:
        check(actor, Action.PERSON_VIEW, resident)
        community = resident.community
    check(actor, Action.PERSON_VIEW, community)
    rows, raised = [], []
    for question in survey.questions.all():
        value = answers.get(question.pk)
        chosen = value if isinstance(value, list) else ([value] if value else [])
        if question.kind != SurveyQuestion.Kind.TEXT:
            if not chosen:
                raise ValidationError({f"q{question.pk}": _("请回答第 %(n)d 题。") % {"n": question.order}})
            unknown = [c for c in chosen if c not in question.option_list]
            if unknown:
                raise ValidationError({f"q{question.pk}": _("“%(v)s”不是第 %(n)d 题的选项。") % {
                    "v": unknown[0], "n": question.order}})
        if chosen:
            rows.append((question, "\n".join(chosen)))
            if question.need_option and question.need_option in chosen:
                raised.append(question)
    with transaction.atomic():
        response = SurveyResponse.objects.create(survey=survey, resident=resident, community=community,
                                                 entered_by=actor)
        SurveyAnswer.objects.bulk_create([SurveyAnswer(response=response, question=q, value=v) for q, v in rows])
        for question in raised:
            need_create(actor=actor, request=request, data={
                "resident": resident, "community_id": community.code, "source": Need.Source.SURVEY,
                "category": question.need_category,
                "description": _("问卷“%(s)s”：%(q)s——%(a)s") % {"s": survey.title, "q": question.text,
                                                               "a": question.need_option}})
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=response,
                     object_label=survey.title, detail={"raised_needs": len(raised)})
    return response


def tag_save(*, actor, form, request=None) -> Tag:
    """Add or change a category of the platform's 人员类别 list (kept by the 系统管理员).
    A category is never deleted: files and statistics name it; it is stopped instead."""
    if not may(actor, Action.TAG_MANAGE):
        raise PermissionDenied
    created = form.instance.pk is None
    changed = {f: form.cleaned_data[f] for f in form.changed_data}
    with transaction.atomic():
        tag = form.save()
        audit.record(AuditEntry.Action.CREATED if created else AuditEntry.Action.CHANGED, request=request,
                     actor=actor, obj=tag, detail={"changed": {k: str(v) for k, v in changed.items()}})
    return tag
