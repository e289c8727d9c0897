"""Writes of resident deliberation: every rule of the topic's path lives here.

已提出 (a resident's proposal) → 已受理 (or 不予受理, with a reply) → 已议决 (a resolution
passed at a meeting) → 已办结 (every action item of the topic done, each with evidence).
A topic entered by staff starts accepted: they are the ones who accept."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wushe.accounts.roles import Action
from wushe.accounts.scope import check
from wushe.core import audit
from wushe.core.divisions import Level
from wushe.core.models import AuditEntry
from wushe.core.pii import normalize_mobile
from wushe.deliberation.models import ActionItem, Deliberation, Meeting, Resolution

TOPIC_FIELDS = ("community", "title", "description", "category", "public")


def _topic_errors(station, data: dict) -> dict:
    errors = {}
    community = data.get("community")
    if community is None or community.level != Level.VILLAGE or not community.code.startswith(station.division.prefix):
        errors["community"] = _("请选择本站点服务范围内的社区或村。")
    if not (data.get("title") or "").strip():
        errors["title"] = _("请填写议题。")
    if not (data.get("description") or "").strip():
        errors["description"] = _("请写明议题说明：是什么问题、希望怎么解决。")
    if data.get("category") not in Deliberation.Category.values:
        errors["category"] = _("请选择议题类别。")
    return errors


def _apply(topic: Deliberation, data: dict) -> None:
    topic.community, topic.category = data["community"], data["category"]
    topic.title, topic.description = data["title"].strip()[:100], data["description"].strip()[:1000]
    topic.public = bool(data.get("public", topic.public))


def _mobile(value: str, errors: dict, *, required: bool) -> str:
    if not (value or "").strip():
        if required:
            errors["proposer_mobile"] = _("请填写手机号。")
        return ""
    try:
        return normalize_mobile(value)
    except ValidationError as exc:
        errors["proposer_mobile"] = exc.messages[0]
        return ""


def topic_propose(*, station, community, title: str, description: str, category: str, name: str,
                  mobile: str) -> Deliberation:
    """A resident's proposal from the station's phone page: waits for the station to accept it."""
    data = {"community": community, "title": title, "description": description, "category": category}
    errors = _topic_errors(station, data)
    if not name.strip():
        errors["proposer_name"] = _("请填写姓名。")
    mobile = _mobile(mobile, errors, required=True)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        topic = Deliberation.objects.create(
            station=station, community=community, title=title.strip()[:100], description=description.strip()[:1000],
            category=category, source=Deliberation.Source.RESIDENT, proposer_name=name.strip()[:40],
            proposer_mobile=mobile, status=Deliberation.Status.PROPOSED)
        audit.record(AuditEntry.Action.CREATED, obj=topic, detail={"source": "resident"})
    return topic


def topic_create(*, actor, station, data: dict, request=None) -> Deliberation:
    """A topic entered by staff (their own, a 网格员's report, or a resident's in person): accepted at once."""
    topic = Deliberation(station=station, created_by=actor, handled_by=actor, handled_at=timezone.now(),
                         status=Deliberation.Status.ACCEPTED)
    check(actor, Action.DELIBERATION_MANAGE, topic)
    errors = _topic_errors(station, data)
    source = data.get("source")
    if source not in Deliberation.Source.values:
        errors["source"] = _("请选择议题来源。")
    name = (data.get("proposer_name") or "").strip()
    if source in (Deliberation.Source.RESIDENT, Deliberation.Source.GRID) and not name:
        errors["proposer_name"] = _("居民提出或网格员上报的议题，请填写提议人。")
    mobile = _mobile(data.get("proposer_mobile", ""), errors, required=False)
    if errors:
        raise ValidationError(errors)
    _apply(topic, data)
    topic.source, topic.proposer_name, topic.proposer_mobile = source, name[:40], mobile
    with transaction.atomic():
        topic.save()
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=topic)
    return topic


def topic_update(*, actor, topic: Deliberation, data: dict, request=None) -> Deliberation:
    """Edit what the topic says (a resident's wording tidied before it goes on the board)."""
    check(actor, Action.DELIBERATION_MANAGE, topic)
    errors = _topic_errors(topic.station, data)
    if errors:
        raise ValidationError(errors)
    _apply(topic, data)
    with transaction.atomic():
        topic.save(update_fields=list(TOPIC_FIELDS))
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=topic)
    return topic


def _decide(actor, topic: Deliberation, status: str, reply: str, request) -> Deliberation:
    with transaction.atomic():
        now = timezone.now()
        updated = Deliberation.objects.filter(pk=topic.pk, status=Deliberation.Status.PROPOSED).update(
            status=status, reply=reply.strip()[:300], handled_by=actor, handled_at=now)
        if not updated:
            raise ValidationError(_("该议题已经处理过了。"))
        topic.refresh_from_db()
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=topic, detail={"status": status})
    return topic


def topic_accept(*, actor, topic: Deliberation, reply: str = "", request=None) -> Deliberation:
    check(actor, Action.DELIBERATION_MANAGE, topic)
    return _decide(actor, topic, Deliberation.Status.ACCEPTED,
                   reply.strip() or _("已受理，将提交居民议事会讨论。"), request)


def topic_reject(*, actor, topic: Deliberation, reply: str, request=None) -> Deliberation:
    check(actor, Action.DELIBERATION_MANAGE, topic)
    if not reply.strip():
        raise ValidationError({"reply": _("不予受理时请填写答复，说明理由或已转交的部门。")})
    return _decide(actor, topic, Deliberation.Status.REJECTED, reply, request)


def meeting_record(*, actor, station, data: dict, topics, request=None) -> Meeting:
    """A meeting held: when, where, who, the minutes and the topics it took up (this station's,
    accepted and not yet done)."""
    meeting = Meeting(station=station, created_by=actor,
                      **{k: data.get(k) for k in ("held_at", "place", "host", "participants", "attendees", "minutes")})
    check(actor, Action.DELIBERATION_MANAGE, meeting)
    errors = {}
    if meeting.held_at and meeting.held_at > timezone.now():
        errors["held_at"] = _("召开时间不能晚于现在：请在议事会开过之后记录。")
    if not meeting.participants or meeting.participants < 1:
        errors["participants"] = _("请填写到会人数。")
    for field, message in (("place", _("请填写地点。")), ("host", _("请填写主持人。")),
                           ("attendees", _("请填写参会人员。")), ("minutes", _("请填写会议记录。"))):
        if not (getattr(meeting, field) or "").strip():
            errors[field] = message
    topics = list(topics)
    if not topics:
        errors["topics"] = _("请选择本次议事会讨论的议题。")
    elif any(t.station_id != station.pk for t in topics):
        errors["topics"] = _("只能选择本站点的议题。")
    elif any(t.status not in Deliberation.OPEN_STATUSES for t in topics):
        errors["topics"] = _("只能讨论已受理、尚未办结的议题。")
    if errors:
        raise ValidationError(errors)
    meeting.full_clean(exclude=["topics"])
    with transaction.atomic():
        meeting.save()
        meeting.topics.set(topics)
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=meeting,
                     detail={"topics": [t.pk for t in topics]})
    return meeting


def resolution_add(*, actor, meeting: Meeting, deliberation: Deliberation, decision: str, method: str,
                   votes_for: int = 0, votes_against: int = 0, votes_abstain: int = 0,
                   request=None) -> Resolution:
    """A meeting's decision on one of its topics. A vote's ballots cannot outnumber those present,
    and it passes with more than half of them in favour; a passed decision makes the topic 已议决."""
    check(actor, Action.DELIBERATION_MANAGE, meeting)
    errors = {}
    if deliberation is None or not meeting.topics.filter(pk=deliberation.pk).exists():
        errors["deliberation"] = _("请选择本次议事会讨论过的议题。")
    elif deliberation.status not in Deliberation.OPEN_STATUSES:
        errors["deliberation"] = _("该议题已办结或未受理，不能再作决议。")
    if not decision.strip():
        errors["decision"] = _("请填写决议内容。")
    votes_for, votes_against, votes_abstain = votes_for or 0, votes_against or 0, votes_abstain or 0
    if method == Resolution.Method.VOTE:
        cast = votes_for + votes_against + votes_abstain
        if cast == 0:
            errors["votes_for"] = _("投票表决时请填写赞成、反对、弃权票数。")
        elif cast > meeting.participants:
            errors["votes_for"] = _("赞成、反对、弃权票合计 %(cast)s 票，超过了到会人数 %(n)s 人。") % {
                "cast": cast, "n": meeting.participants}
        passed = Resolution.vote_passes(votes_for, meeting.participants)
    elif method == Resolution.Method.CONSENSUS:
        if votes_for or votes_against or votes_abstain:
            errors["method"] = _("协商一致的决议不填写票数；如进行了投票，请选择“投票表决”。")
        passed = True
    else:
        errors["method"] = _("请选择表决方式。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        topic = Deliberation.objects.select_for_update().get(pk=deliberation.pk)
        if topic.status not in Deliberation.OPEN_STATUSES:
            raise ValidationError({"deliberation": _("该议题已办结或未受理，不能再作决议。")})
        resolution = Resolution.objects.create(
            meeting=meeting, deliberation=topic, decision=decision.strip()[:1000], method=method,
            votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain, passed=passed,
            created_by=actor)
        if passed and topic.status == Deliberation.Status.ACCEPTED:
            topic.status = Deliberation.Status.DECIDED
            topic.save(update_fields=["status"])
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=resolution,
                     detail={"deliberation": topic.pk, "passed": passed})
    return resolution


def item_add(*, actor, resolution: Resolution, what: str, owner: str, deadline: datetime.date,
             request=None) -> ActionItem:
    """An action item of a passed resolution; a topic already done is open again until it is done."""
    topic = resolution.deliberation
    check(actor, Action.DELIBERATION_MANAGE, topic)
    errors = {}
    if not resolution.passed:
        errors["what"] = _("未通过的决议不能安排办理事项。")
    if not what.strip():
        errors["what"] = _("请填写办理事项。")
    if not owner.strip():
        errors["owner"] = _("请填写责任人或责任单位。")
    if deadline is None:
        errors["deadline"] = _("请填写办理期限。")
    elif deadline < timezone.localtime(resolution.meeting.held_at).date():
        errors["deadline"] = _("办理期限不能早于议事会召开日期。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Deliberation.objects.select_for_update().get(pk=topic.pk)
        item = ActionItem.objects.create(resolution=resolution, what=what.strip()[:200], owner=owner.strip()[:60],
                                         deadline=deadline)
        if locked.status == Deliberation.Status.DONE:
            locked.status = Deliberation.Status.DECIDED
            locked.save(update_fields=["status"])
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=item,
                     detail={"deliberation": locked.pk})
    return item


def item_done(*, actor, item: ActionItem, done_on: datetime.date, evidence: str, request=None) -> ActionItem:
    """Mark an item done with what was done (one 办实事); the topic is done when all its items are."""
    topic = item.resolution.deliberation
    check(actor, Action.DELIBERATION_MANAGE, topic)
    errors = {}
    if not (evidence or "").strip():
        errors["evidence"] = _("请填写办结情况：做了什么、结果如何。没有办结情况不能标记办结。")
    held = timezone.localtime(item.resolution.meeting.held_at).date()
    if done_on is None:
        errors["done_on"] = _("请填写办结日期。")
    elif done_on > timezone.localdate():
        errors["done_on"] = _("办结日期不能晚于今天。")
    elif done_on < held:
        errors["done_on"] = _("办结日期不能早于议事会召开日期（%(d)s）。") % {"d": f"{held:%Y-%m-%d}"}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Deliberation.objects.select_for_update().get(pk=topic.pk)
        updated = ActionItem.objects.filter(pk=item.pk, status=ActionItem.Status.OPEN).update(
            status=ActionItem.Status.DONE, done_on=done_on, evidence=evidence.strip()[:1000], done_by=actor)
        if not updated:
            raise ValidationError(_("该事项已经办结了。"))
        item.refresh_from_db()
        items = ActionItem.objects.filter(resolution__deliberation=locked)
        if not items.filter(status=ActionItem.Status.OPEN).exists():
            locked.status = Deliberation.Status.DONE
            locked.save(update_fields=["status"])
        audit.record(AuditEntry.Action.CLOSED, request=request, actor=actor, obj=item,
                     detail={"deliberation": locked.pk, "topic_done": locked.status == Deliberation.Status.DONE})
    return item
