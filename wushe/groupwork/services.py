"""Writes of group work: each checks who may act, the MZ/T 095 order, room bookings, audits."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wushe.accounts.roles import Action, Role
from wushe.accounts.scope import assignments_of, can, check
from wushe.core import audit
from wushe.core.models import AuditEntry, RoomBooking
from wushe.core.services import room_book
from wushe.groupwork.models import Attendance, Group, Member, Session
from wushe.people import selectors as people_selectors


def may_lead(user, group: Group) -> bool:
    """Leaders run the group; the 站长 of its station may step in."""
    if not can(user, Action.GROUP_WORK, group):
        return False
    if group.leaders.filter(pk=user.pk).exists():
        return True
    return any(a.role == Role.HEAD and a.station_id == group.station_id for a in assignments_of(user))


def _require_leader(actor, group: Group) -> None:
    if not may_lead(actor, group):
        raise PermissionDenied(_("只有小组带领者或站长可以操作。"))


def _require_open(group: Group) -> None:
    if not group.is_open:
        raise ValidationError(_("小组已结束，不能再修改。"))


def _audit(action, actor, group, request, **detail):
    audit.record(action, request=request, actor=actor, obj=group, detail=detail or None)


def group_create(*, actor, station, data: dict, leaders, request=None) -> Group:
    group = Group(station=station, created_by=actor, **data)
    check(actor, Action.GROUP_WORK, group)
    if data.get("room") and data["room"].station_id != station.pk:
        raise ValidationError({"room": _("请选择本站点的功能室。")})
    leaders = set(leaders) | {actor}
    for leader in leaders:
        if not can(leader, Action.GROUP_WORK, group):
            raise ValidationError({"leaders": _("带领者 %(u)s 不在本站点。") % {"u": leader}})
    group.full_clean()
    with transaction.atomic():
        group.save()
        group.leaders.set(leaders)
        _audit(AuditEntry.Action.CREATED, actor, group, request)
    return group


def member_add(*, actor, group: Group, resident, data: dict | None = None, request=None) -> Member:
    """Recruit a resident of the registry (in the leader's scope) into the group."""
    _require_leader(actor, group)
    _require_open(group)
    people_selectors.resident_get_for_reading(user=actor, pk=resident.pk)
    with transaction.atomic():
        Group.objects.select_for_update().get(pk=group.pk)  # two leaders filling the last place
        if group.members.filter(resident=resident).exists():
            raise ValidationError({"resident": _("%(n)s 已是本小组组员。") % {"n": resident.name}})
        if group.members.filter(left_on__isnull=True).count() >= group.capacity:
            raise ValidationError({"resident": _("小组名额（%(n)d 人）已满。") % {"n": group.capacity}})
        member = Member(group=group, resident=resident, **(data or {}))
        member.full_clean(exclude=["group", "resident"])
        member.save()
        _audit(AuditEntry.Action.CHANGED, actor, group, request, member_added=member.pk)
    return member


def member_update(*, actor, member: Member, data: dict, request=None) -> Member:
    """Pre/post measures, feedback, leaving (or coming back, if there is room)."""
    group = member.group
    _require_leader(actor, group)
    _require_open(group)
    returning = Member.objects.filter(pk=member.pk, left_on__isnull=False).exists() and not data.get("left_on")
    for field, value in data.items():
        setattr(member, field, value)
    if member.left_on and member.left_on < member.joined_on:
        raise ValidationError({"left_on": _("退组日期不能早于入组日期。")})
    member.full_clean(exclude=["group", "resident"])
    with transaction.atomic():
        Group.objects.select_for_update().get(pk=group.pk)
        if returning and group.members.filter(left_on__isnull=True).count() >= group.capacity:
            raise ValidationError({"left_on": _("小组名额（%(n)d 人）已满，不能恢复入组。") % {"n": group.capacity}})
        member.save()
    _audit(AuditEntry.Action.CHANGED, actor, member.group, request, member=member.pk)
    return member


def _local(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def session_plan(*, actor, group: Group, data: dict, session: Session | None = None, request=None) -> Session:
    """Plan (or re-plan) a session: its room is booked, refused when taken."""
    _require_leader(actor, group)
    _require_open(group)
    if session is not None and session.recorded:
        raise ValidationError(_("第 %(n)d 节已经记录，不能再改期。") % {"n": session.number})
    session = session or Session(group=group, number=(group.sessions.count() + 1))
    for field, value in data.items():
        setattr(session, field, value)
    if session.room and session.room.station_id != group.station_id:
        raise ValidationError({"room": _("请选择本站点的功能室。")})
    if not session.room and not session.place:
        raise ValidationError({"room": _("请选择功能室，或填写其他地点。")})
    if session.ends <= session.starts:
        raise ValidationError({"ends": _("结束时间须晚于开始时间。")})
    session.stage = session.stage or group.stage
    session.full_clean(exclude=["group", "booking"])
    with transaction.atomic():
        if session.room:
            session.booking = room_book(actor=actor, room=session.room, starts_at=_local(session.held_on, session.starts),
                                        ends_at=_local(session.held_on, session.ends), booking=session.booking,
                                        purpose=f"{group.name} 第{session.number}节", source=f"groupwork.session:{group.pk}")
        elif session.booking:
            session.booking.delete()
            session.booking = None
        try:
            with transaction.atomic():
                session.save()
        except IntegrityError as exc:  # another leader planned the same 节 a moment ago
            raise ValidationError(_("刚有人安排了同一节活动，请刷新后重试。")) from exc
        _audit(AuditEntry.Action.CHANGED, actor, group, request, session=session.number)
    return session


def session_record(*, actor, session: Session, data: dict, present: list[int], request=None) -> Session:
    """The record of a held session (每节记录) with who attended."""
    group = session.group
    _require_leader(actor, group)
    _require_open(group)
    if session.held_on > timezone.localdate():
        raise ValidationError(_("第 %(n)d 节尚未举行，不能填写记录。") % {"n": session.number})
    members = {m.pk: m for m in group.members.all()}
    unknown = set(present) - set(members)
    if unknown:
        raise ValidationError({"present": _("出席名单中有不属于本小组的组员。")})
    if not data.get("content", "").strip():
        raise ValidationError({"content": _("请填写本节活动内容。")})
    with transaction.atomic():
        for field, value in data.items():
            setattr(session, field, value)
        session.recorded = True
        session.save()
        session.attendance.all().delete()
        Attendance.objects.bulk_create([Attendance(session=session, member=m, present=m.pk in present)
                                        for m in members.values() if m.joined_on <= session.held_on])
        _audit(AuditEntry.Action.CHANGED, actor, group, request, session=session.number, present=len(present))
    return session


def group_advance(*, actor, group: Group, request=None) -> Group:
    """Move to the next stage of MZ/T 095; the group forms only with members, ends only after
    its sessions are recorded, and closes through ``group_close``."""
    _require_leader(actor, group)
    _require_open(group)
    if group.stage == Group.Stage.ENDING:
        raise ValidationError(_("结束期之后请填写小组总结并结束小组。"))
    if group.stage == Group.Stage.PREPARING and not group.members.exists():
        raise ValidationError(_("招募到组员后才能进入形成期。"))
    if group.stage != Group.Stage.PREPARING and not group.sessions.filter(recorded=True).exists():
        raise ValidationError(_("请先填写至少一节的活动记录。"))
    before = group.stage
    group.stage = Group.ORDER[Group.ORDER.index(group.stage) + 1]
    group.save(update_fields=["stage"])
    _audit(AuditEntry.Action.CHANGED, actor, group, request, stage=[before, group.stage])
    return group


def group_close(*, actor, group: Group, summary: str, request=None) -> Group:
    _require_leader(actor, group)
    if group.stage != Group.Stage.ENDING:
        raise ValidationError(_("小组进入结束期后才能结束。"))
    if not summary.strip():
        raise ValidationError({"summary": _("请填写小组总结（目标达成、组员变化、反思）。")})
    unrecorded = group.sessions.filter(recorded=False, held_on__lte=timezone.localdate()).values_list("number", flat=True)
    if unrecorded:
        raise ValidationError(_("第 %(n)s 节已举行但未填写记录。") % {"n": "、".join(map(str, unrecorded))})
    group.summary, group.stage, group.closed_on = summary.strip(), Group.Stage.CLOSED, timezone.localdate()
    with transaction.atomic():
        # Sessions planned for later will not happen: free their rooms.
        later = group.sessions.filter(recorded=False, held_on__gt=timezone.localdate())
        RoomBooking.objects.filter(pk__in=later.exclude(booking=None).values("booking")).delete()
        cancelled = later.count()
        later.delete()
        group.save(update_fields=["summary", "stage", "closed_on"])
        _audit(AuditEntry.Action.CLOSED, actor, group, request, sessions_cancelled=cancelled)
    return group
