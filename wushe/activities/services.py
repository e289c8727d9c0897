"""Writes of community activities. Registration and sign-in are where many people act at
once (a QR code shown to a room): the activity row is locked while seats are counted, and
the database refuses a second live registration or sign-in of one mobile number."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wushe.accounts.roles import Action
from wushe.accounts.scope import check
from wushe.activities.models import Activity, Feedback, Registration, SignIn
from wushe.core import audit
from wushe.core.attachments import attach
from wushe.core.models import AuditEntry
from wushe.core.pii import lookup_hash, normalize_mobile
from wushe.core.services import room_book
from wushe.people.models import Need
from wushe.people.services import need_transition

SIGN_IN_OPENS = datetime.timedelta(hours=1)  # the QR code signs people in from an hour before


def activity_save(*, actor, station, data: dict, tags=(), activity: Activity | None = None,
                  request=None) -> Activity:
    creating = activity is None
    activity = activity or Activity(station=station, created_by=actor)
    for field, value in data.items():
        setattr(activity, field, value)
    check(actor, Action.ACTIVITY_MANAGE, activity)
    if activity.room_id and activity.room.station_id != station.pk:
        raise ValidationError({"room": _("请选择本站点的功能室。")})
    if not activity.room_id and not activity.place.strip():
        raise ValidationError({"room": _("请选择功能室，或填写户外/其他地点。")})
    if activity.starts_at and activity.ends_at and activity.ends_at <= activity.starts_at:
        raise ValidationError({"ends_at": _("结束时间须晚于开始时间。")})
    if activity.indirect_reach and not activity.indirect_basis.strip():
        raise ValidationError({"indirect_basis": _("填写间接惠及人数时请说明估算依据。")})
    activity.full_clean(exclude=["booking", "target_tags"])
    with transaction.atomic():
        if activity.room_id:
            activity.booking = room_book(actor=actor, room=activity.room, starts_at=activity.starts_at,
                                         ends_at=activity.ends_at, purpose=activity.title[:120],
                                         source="activities.activity", booking=activity.booking)
        elif activity.booking_id:
            activity.booking.delete()
            activity.booking = None
        activity.save()
        activity.target_tags.set(tags)
        audit.record(AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED, request=request,
                     actor=actor, obj=activity)
    return activity


def _seats_taken(activity: Activity) -> int:
    return activity.registrations.filter(status=Registration.Status.CONFIRMED).count()


def register(*, activity: Activity, name: str, mobile: str, resident=None, actor=None, request=None) -> Registration:
    """A seat if one is free, else a place on the waiting list (or pending, when the station
    approves sign-ups). ``actor`` is the staff member registering someone; None from the
    public page."""
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = _("请填写姓名。")
    try:
        mobile = normalize_mobile(mobile or "")
    except ValidationError as exc:
        errors["mobile"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    if actor is not None:
        check(actor, Action.ACTIVITY_MANAGE, activity)
    elif not activity.public:
        raise PermissionDenied
    if activity.status != Activity.Status.OPEN or activity.ends_at <= timezone.now():
        raise ValidationError(_("该活动已结束或已取消，不能再报名。"))
    try:
        with transaction.atomic():
            locked = Activity.objects.select_for_update().get(pk=activity.pk)  # one seat count at a time
            if locked.registrations.filter(mobile_hash=lookup_hash("mobile", mobile)).exclude(
                    status=Registration.Status.CANCELLED).exists():
                raise ValidationError({"mobile": _("该手机号已经报名了这个活动。")})
            if locked.needs_approval and actor is None:
                status = Registration.Status.PENDING
            elif _seats_taken(locked) < locked.capacity:
                status = Registration.Status.CONFIRMED
            else:
                status = Registration.Status.WAITING
            registration = Registration.objects.create(
                activity=locked, resident=resident, name=name[:40], mobile=mobile, status=status,
                source=Registration.Source.STAFF if actor else Registration.Source.PUBLIC)
            audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=locked,
                         object_type="activities.registration", detail={"status": status})
    except IntegrityError as exc:  # the same number a moment ago, from another phone or tab
        raise ValidationError({"mobile": _("该手机号已经报名了这个活动。")}) from exc
    return registration


def registration_cancel(*, registration: Registration, actor=None, request=None) -> Registration | None:
    """Cancel; a freed seat goes to the first on the waiting list. Returns who was promoted."""
    activity = registration.activity
    if actor is not None:
        check(actor, Action.ACTIVITY_MANAGE, activity)
    with transaction.atomic():
        Activity.objects.select_for_update().get(pk=activity.pk)
        registration.refresh_from_db()
        if registration.status == Registration.Status.CANCELLED:
            return None
        freed = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.save(update_fields=["status"])
        promoted = None
        if freed:
            promoted = activity.registrations.filter(status=Registration.Status.WAITING).order_by(
                "created_at", "id").first()
            if promoted and _seats_taken(activity) < activity.capacity:
                promoted.status = Registration.Status.CONFIRMED
                promoted.save(update_fields=["status"])
            else:
                promoted = None
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=activity,
                     object_type="activities.registration",
                     detail={"cancelled": registration.pk, "promoted": promoted.pk if promoted else None})
    return promoted


def registration_approve(*, actor, registration: Registration, request=None) -> Registration:
    """A pending sign-up takes a seat if one is free, else waits."""
    activity = registration.activity
    check(actor, Action.ACTIVITY_MANAGE, activity)
    with transaction.atomic():
        Activity.objects.select_for_update().get(pk=activity.pk)
        registration.refresh_from_db()
        if registration.status != Registration.Status.PENDING:
            raise ValidationError(_("该报名不在待审核状态。"))
        registration.status = (Registration.Status.CONFIRMED if _seats_taken(activity) < activity.capacity
                               else Registration.Status.WAITING)
        registration.save(update_fields=["status"])
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=activity,
                     object_type="activities.registration", detail={"approved": registration.pk})
    return registration


def sign_in(*, activity: Activity, name: str, mobile: str, actor=None, request=None) -> tuple[SignIn, bool]:
    """Sign someone in (QR scan when ``actor`` is None, else staff). Matched to their
    registration by mobile number, else recorded as a walk-in. Returns (sign-in, created):
    signing in twice is not an error, and counts once."""
    errors = {}
    if not name.strip():
        errors["name"] = _("请填写姓名。")
    try:
        mobile = normalize_mobile(mobile or "")
    except ValidationError as exc:
        errors["mobile"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    if actor is not None:
        check(actor, Action.ACTIVITY_MANAGE, activity)
    now = timezone.now()
    if actor is None and not (activity.starts_at - SIGN_IN_OPENS <= now <= activity.ends_at):
        raise ValidationError(_("签到时间为活动开始前1小时至活动结束。"))
    if activity.status == Activity.Status.CANCELLED:
        raise ValidationError(_("该活动已取消。"))
    hashed = lookup_hash("mobile", mobile)
    registration = activity.registrations.filter(mobile_hash=hashed).exclude(
        status=Registration.Status.CANCELLED).first()
    try:
        # No look first: the unique constraint answers "already signed in" (the rare case) and
        # a hall scanning at once saves a query each.
        with transaction.atomic():
            record = SignIn.objects.create(
                activity=activity, registration=registration, name=name.strip()[:40], mobile=mobile,
                resident=registration.resident if registration else None, walk_in=registration is None, by=actor)
    except IntegrityError:  # signed in before, or scanned twice at once: the first one counts
        return activity.sign_ins.get(mobile_hash=hashed), False
    return record, True


def activity_close(*, actor, activity: Activity, summary: str, indirect_reach: int, indirect_basis: str,
                   needs_met=(), request=None) -> Activity:
    """结束并总结; ``needs_met`` (some of the activity's linked needs) are met by it."""
    check(actor, Action.ACTIVITY_MANAGE, activity)
    if not summary.strip():
        raise ValidationError({"summary": _("请填写活动总结。")})
    if indirect_reach and not indirect_basis.strip():
        raise ValidationError({"indirect_basis": _("填写间接惠及人数时请说明估算依据。")})
    linked = set(activity.needs.values_list("pk", flat=True))
    if any(n.pk not in linked for n in needs_met):
        raise ValidationError({"needs_met": _("只能选择本活动对接的需求。")})
    activity.summary, activity.status = summary.strip(), Activity.Status.DONE
    activity.indirect_reach, activity.indirect_basis = indirect_reach, indirect_basis.strip()
    with transaction.atomic():
        activity.save(update_fields=["summary", "status", "indirect_reach", "indirect_basis"])
        for need in needs_met:
            if need.status == Need.Status.MATCHED:
                need_transition(actor=actor, need=need, status=Need.Status.IN_SERVICE, request=request)
            if need.status == Need.Status.IN_SERVICE:
                need_transition(actor=actor, need=need, status=Need.Status.MET, request=request,
                                reason=_("通过社区活动“%(t)s”满足") % {"t": activity.title})
        audit.record(AuditEntry.Action.CLOSED, request=request, actor=actor, obj=activity,
                     detail={"needs_met": [n.pk for n in needs_met]})
    return activity


def need_link(*, actor, activity: Activity, need: Need, link: bool = True, request=None) -> None:
    """对接需求: an activity takes up a need of its station's communities (the need is then
    in service), or lets go of one it has not met."""
    check(actor, Action.ACTIVITY_MANAGE, activity)
    check(actor, Action.PERSON_VIEW, need)
    if not need.community_id.startswith(activity.station.division.prefix):
        raise ValidationError(_("该需求不在主办站点的服务范围内。"))
    with transaction.atomic():
        if link:
            if not need.is_open:
                raise ValidationError(_("该需求已满足或已关闭。"))
            activity.needs.add(need)
            if need.status in (Need.Status.OPEN, Need.Status.MATCHED):
                need_transition(actor=actor, need=need, status=Need.Status.IN_SERVICE, request=request)
        else:
            if need.status == Need.Status.MET and activity.needs.filter(pk=need.pk).exists():
                raise ValidationError(_("该需求已由本活动满足，不能取消对接。"))
            activity.needs.remove(need)
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=activity,
                     detail={"need": need.pk, "linked": link})


FEEDBACK_DAYS = 14  # how long after an activity its participants may still give feedback


def feedback_give(*, activity: Activity, mobile: str, rating: int, comment: str = "", request=None) -> Feedback:
    """活动反馈 from the phone page: only someone who signed in, once."""
    try:
        mobile = normalize_mobile(mobile or "")
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages[0]}) from exc
    if rating not in Feedback.Rating.values:
        raise ValidationError({"rating": _("请选择满意度。")})
    now = timezone.now()
    if not activity.starts_at <= now <= activity.ends_at + datetime.timedelta(days=FEEDBACK_DAYS):
        raise ValidationError(_("活动开始后%(n)s天内可以反馈。") % {"n": FEEDBACK_DAYS})
    record = activity.sign_ins.filter(mobile_hash=lookup_hash("mobile", mobile)).first()
    if record is None:
        raise ValidationError({"mobile": _("只有签到参加了本次活动的居民可以反馈，请用签到时的手机号。")})
    try:
        with transaction.atomic():
            return Feedback.objects.create(activity=activity, sign_in=record, rating=rating,
                                           comment=(comment or "").strip()[:300])
    except IntegrityError as exc:
        raise ValidationError(_("您已经反馈过了，谢谢！")) from exc



def activity_photos_add(*, actor, activity: Activity, photos, request=None) -> list:
    """活动照片: uploads already checked by ``core.attachments.prepare``."""
    check(actor, Action.ACTIVITY_MANAGE, activity)
    return attach(record=activity, station=activity.station, prepared=photos, actor=actor, request=request)
