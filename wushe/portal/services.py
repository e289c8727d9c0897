"""Writes of requests (诉求): filed from the public page, triaged by the station."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wushe.accounts.roles import Action
from wushe.accounts.scope import check
from wushe.core import audit
from wushe.core.attachments import attach
from wushe.core.divisions import Level
from wushe.core.models import AuditEntry
from wushe.core.pii import lookup_hash, normalize_mobile, plaintext
from wushe.people import selectors as people_selectors
from wushe.people import services as people_services
from wushe.people.models import Need
from wushe.portal.models import Request


def request_file(*, station, community, category: str, description: str, name: str, mobile: str,
                 photos=()) -> Request:
    """A resident's request from the public page; returns it with its tracking code.
    ``photos`` are uploads already checked by ``core.attachments.prepare``."""
    errors = {}
    if community is None or community.level != Level.VILLAGE or not community.code.startswith(station.division.prefix):
        errors["community"] = _("请选择本站点服务范围内的社区或村。")
    if category not in Need.Category.values:
        errors["category"] = _("请选择诉求类别。")
    if not description.strip():
        errors["description"] = _("请写明您的诉求。")
    if not name.strip():
        errors["name"] = _("请填写姓名。")
    try:
        mobile = normalize_mobile(mobile or "")
    except ValidationError as exc:
        errors["mobile"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                request = Request.objects.create(station=station, community=community, category=category,
                                                 description=description.strip()[:1000], name=name.strip()[:40],
                                                 mobile=mobile)
                attach(record=request, station=station, prepared=photos)
            audit.record(AuditEntry.Action.CREATED, obj=request, object_label=request.code)
            return request
        except IntegrityError:  # a tracking code drawn twice: draw again
            continue
    raise ValidationError(_("提交失败，请稍后重试。"))


def _decided(actor, req: Request, status: str, reply: str) -> None:
    req.status, req.reply, req.handled_by, req.handled_at = status, reply.strip()[:300], actor, timezone.now()


def request_accept(*, actor, req: Request, reply: str = "", request=None) -> Need:
    """Accept into the needs list: linked to the resident whose file has this mobile number
    (inside the actor's scope), else a need of the community."""
    check(actor, Action.PERSON_VIEW, req)
    if req.status != Request.Status.NEW:
        raise ValidationError(_("该诉求已经处理过了。"))
    # Through the scoped selector: only a file the actor may read is linked.
    resident = people_selectors.resident_list(user=actor).filter(
        mobile_hash=lookup_hash("mobile", plaintext(req.mobile)), community_id=req.community_id).first()
    with transaction.atomic():
        locked = Request.objects.select_for_update().get(pk=req.pk)
        if locked.status != Request.Status.NEW:
            raise ValidationError(_("该诉求已经处理过了。"))
        need = people_services.need_create(actor=actor, request=request, data={
            "resident": resident, "community": req.community, "category": req.category,
            "description": req.description, "source": Need.Source.REPORTED})
        _decided(actor, req, Request.Status.ACCEPTED, reply or _("已受理，工作人员会尽快与您联系。"))
        req.need = need
        req.save()
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=req, object_label=req.code,
                     detail={"status": "accepted", "need": need.pk})
    return need


def request_decline(*, actor, req: Request, reply: str, request=None) -> Request:
    check(actor, Action.PERSON_VIEW, req)
    if req.status != Request.Status.NEW:
        raise ValidationError(_("该诉求已经处理过了。"))
    if not reply.strip():
        raise ValidationError({"reply": _("不予受理时请给居民一个答复（如已转交的部门）。")})
    with transaction.atomic():
        _decided(actor, req, Request.Status.DECLINED, reply)
        updated = Request.objects.filter(pk=req.pk, status=Request.Status.NEW).update(
            status=req.status, reply=req.reply, handled_by=actor, handled_at=req.handled_at)
        if not updated:
            raise ValidationError(_("该诉求已经处理过了。"))
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=req, object_label=req.code,
                     detail={"status": "declined"})
    return req
