"""Writes of volunteer service. Many of these happen at once from phones (a shift's QR code
at the door), so counts are taken with the shift or volunteer row locked, and the database
refuses a second live sign-up or a second open check-in."""

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from wushe.accounts.roles import Action, Role
from wushe.accounts.scope import can, check
from wushe.core import audit
from wushe.core.models import AuditEntry
from wushe.core.pii import (
    Protected,
    id_number_birth_date,
    lookup_hash,
    normalize_id_number,
    normalize_mobile,
)
from wushe.people.models import age_on
from wushe.volunteers.models import (
    Project,
    Proof,
    RecordEntry,
    Registration,
    ServiceHours,
    Shift,
    Team,
    TeamMember,
    TimeBankEntry,
    Volunteer,
)

CHECK_IN_OPENS = datetime.timedelta(hours=1)  # a shift's code checks in from an hour before
# A second scan this soon after checking in is a double tap, not leaving: it is refused, so a
# volunteer is not checked out with 0 minutes and locked out of the shift.
CHECK_OUT_AFTER = datetime.timedelta(minutes=5)
MIN_AGE = 14  # younger people join activities with a guardian, not as registered volunteers


def _errors_if_any(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- volunteers -----------------------------------------------------------------------------

def _plain(value) -> str:
    return value.reveal() if isinstance(value, Protected) else (value or "")


def volunteer_save(*, station, data: dict, actor=None, volunteer: Volunteer | None = None,
                   request=None) -> Volunteer:
    """Register (``volunteer`` None) or change a volunteer. ``actor`` None is the volunteer
    themself on the station's public page."""
    creating = volunteer is None
    volunteer = volunteer or Volunteer(station=station, source=Volunteer.Source.PUBLIC if actor is None
                                       else Volunteer.Source.STAFF)
    for field, value in data.items():
        setattr(volunteer, field, value)
    if actor is not None:
        check(actor, Action.VOLUNTEER_MANAGE, volunteer)
    errors = {}
    id_number = ""
    try:
        id_number = normalize_id_number(_plain(volunteer.id_number))
    except ValidationError as exc:
        errors["id_number"] = exc.messages[0]
    for field in ("mobile", "emergency_mobile"):
        try:
            setattr(volunteer, field, normalize_mobile(_plain(getattr(volunteer, field))))
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    if not volunteer.consent_on:
        errors["consent_on"] = _("须经本人同意才能保存志愿者信息。")
    _errors_if_any(errors)
    volunteer.id_number = id_number
    volunteer.birth_date = id_number_birth_date(id_number)
    if age_on(volunteer.birth_date, timezone.localdate()) < MIN_AGE:
        raise ValidationError({"id_number": _("未满14周岁不能注册为志愿者，可在监护人陪同下参加活动。")})
    if _plain(volunteer.emergency_mobile) == _plain(volunteer.mobile):
        raise ValidationError({"emergency_mobile": _("紧急联系人电话不能与本人手机号相同。")})
    hashed = lookup_hash("id_number", id_number)
    existing = Volunteer.objects.filter(id_number_hash=hashed).exclude(pk=volunteer.pk).first()
    if existing:
        raise ValidationError({"id_number": duplicate_message(existing, actor)})
    volunteer.full_clean(exclude=["id_number", "mobile", "emergency_mobile", "number", "user"])
    try:
        with transaction.atomic():
            volunteer.save()
            if creating:
                # The public identifier: from the row's own id, so it is unique and says nothing.
                volunteer.number = f"ZY{volunteer.pk:010d}"
                volunteer.save(update_fields=["number"])
            audit.record(AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED,
                         request=request, actor=actor, obj=volunteer)
    except IntegrityError as exc:  # the same ID number a moment ago, from another phone
        raise ValidationError({"id_number": _("该身份证号已注册为志愿者。")}) from exc
    return volunteer


def duplicate_message(existing: Volunteer, actor) -> str:
    """Inside the user's scope the number to find the record by; outside it, nothing of theirs."""
    if actor is not None and can(actor, Action.VOLUNTEER_MANAGE, existing):
        return _("该身份证号已注册为志愿者（编号 %(n)s）。") % {"n": existing.number}
    if actor is not None:
        return _("该身份证号已在其他站点注册为志愿者，可直接用其志愿者编号报名各站点的项目。")
    return _("该身份证号已注册为志愿者。忘记编号可到注册站点查询，或用“我的志愿服务”凭手机号查看。")


def volunteer_set_status(*, actor, volunteer: Volunteer, status: str, request=None) -> Volunteer:
    """注销 (left) or 恢复 (active): the record and its hours stay (proofs can still be issued);
    a volunteer who left takes no new shifts. Asking for the state it is in changes nothing."""
    check(actor, Action.VOLUNTEER_MANAGE, volunteer)
    if status not in Volunteer.Status.values:
        raise ValidationError(_("未知的状态。"))
    if volunteer.status == status:
        return volunteer
    volunteer.status = status
    volunteer.save(update_fields=["status"])
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=volunteer,
                 detail={"status": volunteer.status})
    return volunteer


def identify(*, number: str, mobile: str) -> Volunteer | None:
    """A volunteer by their number and own mobile (the public pages' sign-in); None if the two
    do not belong together, so a number alone reveals nothing."""
    try:
        hashed = lookup_hash("mobile", normalize_mobile(mobile or ""))
    except ValidationError:
        return None
    return Volunteer.objects.filter(number=(number or "").strip().upper(), mobile_hash=hashed,
                                    status=Volunteer.Status.ACTIVE).select_related("station").first()


def record_add(*, actor, volunteer: Volunteer, data: dict, request=None) -> RecordEntry:
    check(actor, Action.VOLUNTEER_MANAGE, volunteer)
    if data["on"] > timezone.localdate():
        raise ValidationError({"on": _("日期不能晚于今天。")})
    entry = RecordEntry.objects.create(volunteer=volunteer, by=actor, **data)
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=volunteer,
                 detail={"record": entry.kind})
    return entry


# --- teams ----------------------------------------------------------------------------------

def team_save(*, actor, station, data: dict, team: Team | None = None, request=None) -> Team:
    team = team or Team(station=station)
    for field, value in data.items():
        setattr(team, field, value)
    check(actor, Action.VOLUNTEER_MANAGE, team)
    if Team.objects.filter(station=team.station, name=team.name).exclude(pk=team.pk).exists():
        raise ValidationError({"name": _("本站点已有同名队伍。")})
    team.full_clean()
    team.save()
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=team)
    return team


def team_member_set(*, actor, team: Team, volunteer: Volunteer, leader: bool | None = None,
                    remove: bool = False, request=None) -> None:
    """Add a volunteer of the team's station, make or unmake them leader, or take them off."""
    check(actor, Action.VOLUNTEER_MANAGE, team)
    check(actor, Action.VOLUNTEER_MANAGE, volunteer)
    if remove:
        TeamMember.objects.filter(team=team, volunteer=volunteer).delete()
    else:
        membership, _created = TeamMember.objects.get_or_create(team=team, volunteer=volunteer)
        if leader is not None:
            membership.leader = leader
            membership.save(update_fields=["leader"])
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=team,
                 detail={"volunteer": volunteer.number, "leader": leader, "removed": remove})


# --- projects and shifts --------------------------------------------------------------------

def project_save(*, actor, station, data: dict, project: Project | None = None, request=None) -> Project:
    creating = project is None
    project = project or Project(station=station, organizer=actor)
    for field, value in data.items():
        setattr(project, field, value)
    check(actor, Action.VOLUNTEER_MANAGE, project)
    errors = {}
    if project.risky and not project.insurance.strip():
        errors["insurance"] = _("有风险的项目须写明为志愿者投保的情况。")
    if project.max_age < project.min_age:
        errors["max_age"] = _("最高年龄不能低于最低年龄。")
    if project.activity_id and project.activity.station_id != project.station_id:
        errors["activity"] = _("请选择本站点的社区活动。")
    _errors_if_any(errors)
    project.full_clean()
    project.save()
    audit.record(AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED, request=request,
                 actor=actor, obj=project)
    return project


def project_close(*, actor, project: Project, request=None) -> Project:
    check(actor, Action.VOLUNTEER_MANAGE, project)
    if project.hours.filter(status=ServiceHours.Status.ON_DUTY).exists():
        raise ValidationError(_("还有志愿者未签退，请先为他们签退或录入时长。"))
    project.status = Project.Status.CLOSED
    project.save(update_fields=["status"])
    audit.record(AuditEntry.Action.CLOSED, request=request, actor=actor, obj=project)
    return project


def shift_save(*, actor, project: Project, data: dict, shift: Shift | None = None, request=None) -> Shift:
    check(actor, Action.VOLUNTEER_MANAGE, project)
    shift = shift or Shift(project=project)
    for field, value in data.items():
        setattr(shift, field, value)
    if shift.starts_at and shift.ends_at and shift.ends_at <= shift.starts_at:
        raise ValidationError({"ends_at": _("结束时间须晚于开始时间。")})
    if shift.pk and shift.needed < shift.registrations.exclude(status=Registration.Status.CANCELLED).count():
        raise ValidationError({"needed": _("需要人数不能少于已报名人数，请先取消多余的报名。")})
    shift.full_clean()
    shift.save()
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=project,
                 detail={"shift": shift.pk})
    return shift


def _live_registrations(shift: Shift):
    return shift.registrations.exclude(status=Registration.Status.CANCELLED)


def shift_sign_up(*, shift: Shift, volunteer: Volunteer, actor=None, request=None) -> Registration:
    """A place on a shift while it has one. Staff sign-ups are confirmed at once; the
    volunteer's own wait for the organizer."""
    project = shift.project
    if actor is not None:
        check(actor, Action.VOLUNTEER_MANAGE, project)
    elif not project.public:
        raise PermissionDenied
    if project.status != Project.Status.RECRUITING or shift.ends_at <= timezone.now():
        raise ValidationError(_("该班次已结束或项目已停止招募。"))
    if volunteer.status != Volunteer.Status.ACTIVE:
        raise ValidationError(_("该志愿者已注销，不能报名。"))
    age = age_on(volunteer.birth_date, timezone.localtime(shift.starts_at).date())
    if not project.min_age <= age <= project.max_age:
        raise ValidationError(_("该项目要求年龄在%(a)s至%(b)s岁之间。") % {"a": project.min_age, "b": project.max_age})
    try:
        with transaction.atomic():
            locked = Shift.objects.select_for_update().get(pk=shift.pk)  # one head count at a time
            Volunteer.objects.select_for_update().get(pk=volunteer.pk)  # and one clash check per person
            clash = Registration.objects.filter(
                volunteer=volunteer, shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at).exclude(
                status=Registration.Status.CANCELLED).exclude(shift=shift).select_related("shift__project").first()
            if clash:
                raise ValidationError(_("与已报名的班次时间冲突：%(s)s。") % {"s": clash.shift})
            if _live_registrations(locked).filter(volunteer=volunteer).exists():
                raise ValidationError(_("已经报名了这个班次。"))
            if _live_registrations(locked).count() >= locked.needed:
                raise ValidationError(_("该班次已满员，请选择其他班次。"))
            registration = Registration.objects.create(
                shift=locked, volunteer=volunteer,
                status=Registration.Status.CONFIRMED if actor else Registration.Status.PENDING,
                source=Registration.Source.STAFF if actor else Registration.Source.PUBLIC)
            audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=project,
                         object_type="volunteers.registration", detail={"shift": shift.pk, "volunteer": volunteer.number})
    except IntegrityError as exc:
        raise ValidationError(_("已经报名了这个班次。")) from exc
    return registration


def registration_decide(*, actor, registration: Registration, confirm: bool, request=None) -> Registration:
    """Confirm a pending sign-up, or cancel one (the place goes back to the shift)."""
    check(actor, Action.VOLUNTEER_MANAGE, registration.shift.project)
    if registration.status == Registration.Status.CANCELLED:
        raise ValidationError(_("该报名已取消。"))
    if not confirm and registration.shift.hours.filter(volunteer=registration.volunteer).exists():
        raise ValidationError(_("该志愿者已在此班次签到或有时长记录，不能取消报名。"))
    registration.status = Registration.Status.CONFIRMED if confirm else Registration.Status.CANCELLED
    registration.save(update_fields=["status"])
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=registration.shift.project,
                 object_type="volunteers.registration", detail={"registration": registration.pk,
                                                                "status": registration.status})
    return registration


# --- hours ----------------------------------------------------------------------------------

def _live_hours():
    """Entries that are the record of their service: not replaced by a correction."""
    return ServiceHours.objects.filter(corrected_by__isnull=True)


def _overlapping(volunteer: Volunteer, start, end, *, ignore=()):
    """The volunteer's live entries that share time with [start, end); an open check-in runs
    until it is closed."""
    return (_live_hours().filter(volunteer=volunteer, started_at__lt=end)
            .filter(Q(ended_at__gt=start) | Q(ended_at__isnull=True))
            .exclude(pk__in=[e.pk for e in ignore]))


def check_in_or_out(*, shift: Shift, volunteer: Volunteer, actor=None, request=None) -> ServiceHours:
    """The shift's QR code: the first scan checks in, the next checks out. Only actual time on
    the shift counts: from check-in (not before the shift starts) to check-out (not after it
    ends). ``actor`` is staff doing it for someone at the door."""
    project = shift.project
    if actor is not None:
        check(actor, Action.VOLUNTEER_MANAGE, project)
    if project.status != Project.Status.RECRUITING:
        raise ValidationError(_("该项目已结束，不能再签到签退，请联系组织者录入时长。"))
    now = timezone.now()
    with transaction.atomic():
        Volunteer.objects.select_for_update().get(pk=volunteer.pk)  # one scan of theirs at a time
        open_entry = ServiceHours.objects.filter(volunteer=volunteer, shift=shift,
                                                 status=ServiceHours.Status.ON_DUTY).first()
        if open_entry:
            return _check_out(open_entry, now, actor, request)
        if not (shift.starts_at - CHECK_IN_OPENS <= now <= shift.ends_at):
            raise ValidationError(_("签到时间为班次开始前1小时至班次结束。"))
        if not _live_registrations(shift).filter(volunteer=volunteer).exists():
            raise ValidationError(_("您没有报名这个班次，请先报名或联系现场负责人。"))
        if ServiceHours.objects.filter(volunteer=volunteer, shift=shift).exists():
            raise ValidationError(_("您已完成这个班次的签到签退。"))
        if _live_hours().filter(volunteer=volunteer, status=ServiceHours.Status.ON_DUTY).exists():
            raise ValidationError(_("您在另一个班次还未签退，请先签退。"))
        entry = ServiceHours.objects.create(
            volunteer=volunteer, project=project, shift=shift, content=shift.position, started_at=now, scanned_in_at=now,
            status=ServiceHours.Status.ON_DUTY, source=ServiceHours.Source.QR, entered_by=actor)
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=project,
                     object_type="volunteers.hours", detail={"check_in": entry.pk})
    return entry


def _check_out(entry: ServiceHours, now, actor, request) -> ServiceHours:
    """The entry keeps the time served on the shift (what counts, and what overlaps are
    judged by); the scans themselves are kept beside it."""
    shift = entry.shift
    local = timezone.localtime
    if now < entry.scanned_in_at + CHECK_OUT_AFTER:
        raise ValidationError(_("您已于 %(t)s 签到，服务结束后再扫码签退。") % {"t": local(entry.scanned_in_at).strftime("%H:%M")})
    if now <= shift.starts_at:
        raise ValidationError(_("班次 %(t)s 开始，开始后才能签退。") % {"t": local(shift.starts_at).strftime("%H:%M")})
    entry.started_at, entry.ended_at = max(entry.scanned_in_at, shift.starts_at), min(now, shift.ends_at)
    entry.scanned_out_at = now
    entry.minutes = int((entry.ended_at - entry.started_at).total_seconds() // 60)
    entry.status = ServiceHours.Status.RECORDED
    entry.save(update_fields=["started_at", "ended_at", "scanned_out_at", "minutes", "status"])
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=shift.project,
                 object_type="volunteers.hours", detail={"check_out": entry.pk, "minutes": entry.minutes})
    return entry


def _validate_span(started_at, ended_at, minutes: int, volunteer: Volunteer, ignore=()) -> None:
    errors = {}
    if ended_at <= started_at:
        errors["ended_at"] = _("结束时间须晚于开始时间。")
    elif ended_at > timezone.now():
        errors["ended_at"] = _("不能录入尚未发生的服务。")
    elif minutes <= 0:
        errors["minutes"] = _("实际服务时长须大于0。")
    elif minutes > (ended_at - started_at).total_seconds() // 60:
        errors["minutes"] = _("实际服务时长不能超过开始到结束的时间。")
    _errors_if_any(errors)
    clash = _overlapping(volunteer, started_at, ended_at, ignore=ignore).select_related("project").first()
    if clash:
        raise ValidationError({"started_at": _("与该志愿者已有的服务记录时间重叠：%(p)s %(t)s。") % {
            "p": clash.project, "t": timezone.localtime(clash.started_at).strftime("%Y-%m-%d %H:%M")}})


def hours_enter(*, actor, project: Project, volunteer: Volunteer, data: dict, shift: Shift | None = None,
                request=None) -> ServiceHours:
    """The organizer records service directly (no QR at the place): confirmed as entered."""
    check(actor, Action.VOLUNTEER_MANAGE, project)
    if shift is not None and shift.project_id != project.pk:
        raise ValidationError({"shift": _("请选择本项目的班次。")})
    with transaction.atomic():
        Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        _validate_span(data["started_at"], data["ended_at"], data["minutes"], volunteer)
        entry = ServiceHours.objects.create(
            volunteer=volunteer, project=project, shift=shift, status=ServiceHours.Status.CONFIRMED,
            source=ServiceHours.Source.ORGANIZER, entered_by=actor, confirmed_by=actor,
            confirmed_at=timezone.now(), **data)
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=project,
                     object_type="volunteers.hours", detail={"hours": entry.pk, "minutes": entry.minutes})
    return entry


def hours_confirm(*, actor, entry: ServiceHours, request=None) -> ServiceHours:
    check(actor, Action.VOLUNTEER_MANAGE, entry.project)
    if entry.status != ServiceHours.Status.RECORDED or not entry.live:
        raise ValidationError(_("只有已签退、待确认的记录可以确认。"))
    if entry.minutes <= 0:
        raise ValidationError(_("该记录的实际服务时长为0，请更正后再确认。"))
    entry.status, entry.confirmed_by, entry.confirmed_at = ServiceHours.Status.CONFIRMED, actor, timezone.now()
    entry.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=entry.project,
                 object_type="volunteers.hours", detail={"confirmed": entry.pk})
    return entry


def hours_correct(*, actor, entry: ServiceHours, data: dict, reason: str, request=None) -> ServiceHours:
    """A correction: the original stays as it was, a new confirmed entry replaces it."""
    check(actor, Action.VOLUNTEER_MANAGE, entry.project)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写更正原因。")})
    with transaction.atomic():
        Volunteer.objects.select_for_update().get(pk=entry.volunteer_id)
        entry = ServiceHours.objects.get(pk=entry.pk)
        if not entry.live:
            raise ValidationError(_("该记录已被更正过，请更正最新的记录。"))
        if entry.status == ServiceHours.Status.ON_DUTY and entry.ended_at is None and not data.get("ended_at"):
            raise ValidationError({"ended_at": _("请填写结束时间。")})
        _validate_span(data["started_at"], data["ended_at"], data["minutes"], entry.volunteer, ignore=[entry])
        if entry.status == ServiceHours.Status.ON_DUTY:
            # A forgotten check-out: the open entry is closed as it stood, and superseded.
            entry.status = ServiceHours.Status.RECORDED
            entry.save(update_fields=["status"])
        fixed = ServiceHours.objects.create(
            volunteer=entry.volunteer, project=entry.project, shift=entry.shift, corrects=entry,
            correction_reason=reason.strip()[:200], status=ServiceHours.Status.CONFIRMED,
            source=ServiceHours.Source.CORRECTION, entered_by=actor, confirmed_by=actor,
            confirmed_at=timezone.now(), **data)
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=entry.project,
                     object_type="volunteers.hours",
                     detail={"corrected": entry.pk, "by": fixed.pk, "minutes": [entry.minutes, fixed.minutes]})
    return fixed


def counted_hours():
    """What counts as 志愿服务时长: confirmed and not superseded."""
    return _live_hours().filter(status=ServiceHours.Status.CONFIRMED)


# --- proofs ---------------------------------------------------------------------------------

def person_in_charge(station) -> str:
    """The station's head (站长) as 负责人, for the proof's default."""
    head = station.assignments.filter(role=Role.HEAD).select_related("user").first()
    return head.user.full_name if head else ""


def proof_issue(*, actor, volunteer: Volunteer, period_from, period_to, person: str, request=None) -> Proof:
    """志愿服务证明 over a period: free, issued on request, numbered and logged."""
    check(actor, Action.VOLUNTEER_MANAGE, volunteer)
    errors = {}
    if period_to < period_from:
        errors["period_to"] = _("截止日期不能早于起始日期。")
    if period_to > timezone.localdate():
        errors["period_to"] = _("截止日期不能晚于今天。")
    if not person.strip():
        errors["person"] = _("请填写负责人。")
    _errors_if_any(errors)
    entries = list(counted_hours().filter(
        volunteer=volunteer, started_at__date__gte=period_from, started_at__date__lte=period_to))
    if not entries:
        raise ValidationError(_("所选期间没有已确认的志愿服务时长，无法出具证明。"))
    with transaction.atomic():
        proof = Proof.objects.create(
            volunteer=volunteer, station=volunteer.station, number=f"tmp-{uuid.uuid4().hex[:20]}",
            period_from=period_from, period_to=period_to, minutes=sum(e.minutes for e in entries),
            person_in_charge=person.strip()[:40], issued_by=actor)
        proof.number = f"ZM{timezone.localdate():%Y}{proof.pk:08d}"
        proof.save(update_fields=["number"])
        proof.entries.set(entries)
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=volunteer,
                     object_type="volunteers.proof", detail={"proof": proof.number, "minutes": proof.minutes})
    return proof


# --- time bank ------------------------------------------------------------------------------

def _balance(volunteer: Volunteer) -> Decimal:
    return volunteer.time_bank.aggregate(n=Sum("credits"))["n"] or Decimal(0)


def time_bank_post(*, actor, volunteer: Volunteer, credits: Decimal, reason: str,
                   hours: ServiceHours | None = None, request=None) -> TimeBankEntry:
    """Earn credits for confirmed hours (once per entry) or spend them (negative) on help
    received; the balance never goes below zero, also when two spend at once."""
    check(actor, Action.VOLUNTEER_MANAGE, volunteer)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写事由。")})
    if credits == 0:
        raise ValidationError({"credits": _("时间币数量不能为0。")})
    if hours is not None:
        if hours.volunteer_id != volunteer.pk or hours.status != ServiceHours.Status.CONFIRMED or not hours.live:
            raise ValidationError({"hours": _("只能为该志愿者已确认的服务记录存入时间币。")})
        if not 0 < credits <= Decimal(hours.minutes) / 60:
            raise ValidationError({"credits": _("按服务记录存入的时间币须为正数，且不超过该记录的小时数（%(h)s）。") % {
                "h": hours.hours}})
    with transaction.atomic():
        Volunteer.objects.select_for_update().get(pk=volunteer.pk)  # one posting at a time
        if hours is not None and TimeBankEntry.objects.filter(hours=hours).exists():
            raise ValidationError({"hours": _("这条服务记录已经存入过时间币。")})
        balance = _balance(volunteer) + credits
        if balance < 0:
            raise ValidationError({"credits": _("时间币余额不足（当前 %(b)s）。") % {"b": _balance(volunteer)}})
        entry = TimeBankEntry.objects.create(volunteer=volunteer, credits=credits, reason=reason.strip()[:200],
                                             hours=hours, balance=balance, by=actor)
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=volunteer,
                     object_type="volunteers.time_bank", detail={"credits": str(credits)})
    return entry
