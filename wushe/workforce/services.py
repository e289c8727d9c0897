"""Writes of the workforce: profiles, qualifications, exams, training and attendance, and the
standards. Each checks the actor's scope for ``workforce.manage`` on the record; standards
are set by those who run the network (街道/民政, who hold ``station.create``), so a station
never lowers the standard it is measured by."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wushe.accounts.models import User
from wushe.accounts.roles import Action
from wushe.accounts.scope import can, check
from wushe.core import audit
from wushe.core.models import AuditEntry, Division, Station
from wushe.core.pii import normalize_mobile, plaintext
from wushe.workforce.models import (
    SUBJECTS,
    Attendance,
    Exam,
    Grade,
    Ladder,
    Level,
    Policy,
    Qualification,
    StaffingRule,
    Training,
    TrainingRule,
    TrainingSession,
    Worker,
)

WF = Action.WORKFORCE_MANAGE


def _errors_if_any(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- workers ------------------------------------------------------------------------------------

def ladder_applies(ladder: Ladder, station: Station) -> bool:
    return not ladder.division_id or station.division_id.startswith(ladder.prefix)


def worker_save(*, actor, data: dict, worker: Worker | None = None, request=None) -> Worker:
    """Create or change a profile. ``data["username"]`` (optional) links the worker's own
    platform account, which must hold a role at the worker's station."""
    creating = worker is None
    if worker is not None:
        check(actor, WF, worker)  # the station it is at now
    worker = worker or Worker()
    data = dict(data)
    linking = "username" in data
    username = (data.pop("username", None) or "").strip()
    for field, value in data.items():
        setattr(worker, field, value)
    if not worker.station_id:
        raise ValidationError({"station": _("请选择服务站点。")})
    check(actor, WF, worker)  # and the station it goes to
    errors = {}
    if worker.station.status == Station.Status.CLOSED:
        errors["station"] = _("该站点已撤销，请选择运营中的站点。")
    if worker.grade_id and not ladder_applies(worker.grade.ladder, worker.station):
        errors["grade"] = _("所选职级体系不适用于该站点所在区划。")
    if worker.joined_on and worker.joined_on > timezone.localdate():
        errors["joined_on"] = _("入职日期不能晚于今天。")
    try:
        worker.mobile = normalize_mobile(plaintext(worker.mobile)) if plaintext(worker.mobile) else ""
    except ValidationError as exc:
        errors["mobile"] = exc.messages[0]
    if linking and not username:
        worker.user = None
    elif username:
        account = User.objects.filter(username=username).first()
        if account is None or not account.assignments.filter(station=worker.station).exists():
            errors["username"] = _("账号“%(u)s”不存在，或在该站点没有角色，不能关联。") % {"u": username}
        elif Worker.objects.filter(user=account).exclude(pk=worker.pk).exists():
            errors["username"] = _("账号“%(u)s”已关联了其他社工档案。") % {"u": username}
        else:
            worker.user = account
    _errors_if_any(errors)
    worker.full_clean(exclude=["mobile", "user"])
    try:
        with transaction.atomic():
            worker.save()
            audit.record(AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED, request=request,
                         actor=actor, obj=worker)
    except IntegrityError as exc:  # the account linked by someone else a moment ago
        raise ValidationError({"username": _("该账号已关联了其他社工档案。")}) from exc
    return worker


def worker_set_status(*, actor, worker: Worker, status: str, left_on=None, request=None) -> Worker:
    """离岗 (the profile, its certificates and hours stay) or back 在岗."""
    check(actor, WF, worker)
    if status not in Worker.Status.values:
        raise ValidationError(_("未知的状态。"))
    if worker.status == status:
        return worker
    if status == Worker.Status.LEFT:
        left_on = left_on or timezone.localdate()
        if left_on < worker.joined_on:
            raise ValidationError({"left_on": _("离岗日期不能早于入职日期。")})
        if left_on > timezone.localdate():
            raise ValidationError({"left_on": _("离岗日期不能晚于今天。")})
        worker.left_on = left_on
    else:
        worker.left_on = None
    worker.status = status
    worker.save(update_fields=["status", "left_on"])
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=worker, detail={"status": status})
    return worker


# --- qualifications and exams ------------------------------------------------------------------

def qualification_add(*, actor, worker: Worker, data: dict, request=None) -> Qualification:
    check(actor, WF, worker)
    number = (data.get("certificate_number") or "").strip().upper()
    errors = {}
    if not number:
        errors["certificate_number"] = _("请填写证书编号。")
    elif Qualification.objects.filter(certificate_number=number).exists():
        errors["certificate_number"] = _("证书编号 %(n)s 已登记过，请核对。") % {"n": number}
    if data.get("obtained_on") and data["obtained_on"] > timezone.localdate():
        errors["obtained_on"] = _("取得日期不能晚于今天。")
    if data.get("level") not in Level.values:
        errors["level"] = _("请选择资格等级。")
    _errors_if_any(errors)
    try:
        with transaction.atomic():
            q = Qualification.objects.create(worker=worker, level=data["level"], certificate_number=number,
                                             obtained_on=data["obtained_on"])
            audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=worker,
                         object_type="workforce.qualification",
                         detail={"qualification": q.pk, "level": q.level, "certificate": number})
    except IntegrityError as exc:
        raise ValidationError({"certificate_number": _("证书编号 %(n)s 已登记过，请核对。") % {"n": number}}) from exc
    return q


def qualification_end(*, actor, qualification: Qualification, ended_on, reason: str, request=None) -> Qualification:
    """A certificate lapses or is revoked: it stays in the record, no longer current."""
    check(actor, WF, qualification)
    errors = {}
    if qualification.ended_on:
        raise ValidationError(_("该证书已于 %(d)s 失效。") % {"d": qualification.ended_on.isoformat()})
    if not ended_on or ended_on <= qualification.obtained_on:
        errors["ended_on"] = _("失效日期须晚于取得日期（%(d)s）。") % {"d": qualification.obtained_on.isoformat()}
    if not (reason or "").strip():
        errors["reason"] = _("请填写失效原因。")
    _errors_if_any(errors)
    qualification.ended_on, qualification.end_reason = ended_on, reason.strip()[:100]
    qualification.save(update_fields=["ended_on", "end_reason"])
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=qualification.worker,
                 object_type="workforce.qualification", detail={"ended": qualification.pk})
    return qualification


def exam_save(*, actor, worker: Worker, data: dict, exam: Exam | None = None, request=None) -> Exam:
    """A registration (year, level) and, once results are out, the subjects passed."""
    check(actor, WF, worker)
    creating = exam is None
    exam = exam or Exam(worker=worker)
    if exam.worker_id != worker.pk:
        raise ValidationError(_("考试记录不属于该社工。"))
    for field in ("year", "level", "results_in", "subjects_passed"):
        if field in data:
            setattr(exam, field, data[field])
    errors = {}
    if exam.level not in Level.values:
        errors["level"] = _("请选择报考级别。")
    else:
        allowed = {c for c, _label in SUBJECTS[Level(exam.level)]}
        passed = list(dict.fromkeys(exam.subjects_passed or []))
        if set(passed) - allowed:
            errors["subjects_passed"] = _("所选科目不属于%(l)s考试。") % {"l": Level(exam.level).label}
        elif passed and not exam.results_in:
            errors["subjects_passed"] = _("尚未出成绩，不能填写通过科目；请勾选“已出成绩”。")
        exam.subjects_passed = passed
    if exam.year and exam.year > timezone.localdate().year + 1:
        errors["year"] = _("考试年度不能晚于明年。")
    if exam.results_in and exam.year and exam.year > timezone.localdate().year:
        errors["results_in"] = _("该年度考试尚未举行，不能登记成绩。")
    _errors_if_any(errors)
    if Exam.objects.filter(worker=worker, year=exam.year, level=exam.level).exclude(pk=exam.pk).exists():
        raise ValidationError({"level": _("%(y)s年已登记过该级别的报名。") % {"y": exam.year}})
    exam.full_clean()
    exam.save()
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=worker, object_type="workforce.exam",
                 detail={"exam": exam.pk, "created": creating, "passed": exam.subjects_passed})
    return exam


# --- training -----------------------------------------------------------------------------------

def training_save(*, actor, data: dict, training: Training | None = None, request=None) -> Training:
    """A course organized by a station (``station``) or by a street/district (``division``)."""
    creating = training is None
    if training is not None:
        check(actor, WF, training)
    training = training or Training(created_by=actor)
    data = dict(data)
    station, division = data.pop("station", None), data.pop("division", None)
    for field, value in data.items():
        setattr(training, field, value)
    if creating:
        if station is not None:
            training.station, training.division = station, station.division
        elif division is not None:
            if not can(actor, WF, division):
                raise ValidationError({"division": _("区划“%(d)s”不在您的管理范围内。") % {"d": division.name}})
            training.station, training.division = None, division
        else:
            raise ValidationError({"station": _("请选择主办站点，或填写主办区划代码。")})
    check(actor, WF, training)
    if creating and training.station_id and training.station.status == Station.Status.CLOSED:
        raise ValidationError({"station": _("该站点已撤销。")})
    if not creating and training.kind in Training.PROFILE_ONLY and \
            Attendance.objects.filter(session__training=training, worker__isnull=True).exists():
        raise ValidationError({"kind": _("本培训已有非社工的签到，不能改为考前培训或继续教育。")})
    training.full_clean()
    training.save()
    audit.record(AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED, request=request, actor=actor,
                 obj=training)
    return training


def session_save(*, actor, training: Training, data: dict, session: TrainingSession | None = None,
                 request=None) -> TrainingSession:
    check(actor, WF, training)
    session = session or TrainingSession(training=training)
    for field, value in data.items():
        setattr(session, field, value)
    session.full_clean()
    session.save()
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=training,
                 detail={"session": session.pk, "hours": str(session.hours)})
    return session


def attendance_mark(*, actor, session: TrainingSession, workers=(), names=(), request=None) -> int:
    """Mark who attended: workers of the course's stations (their hours count as continuing
    education) and, for organization, project and resident trainings, people by name
    (``names``: (name, unit) pairs). Someone already marked is not counted twice."""
    training = session.training
    check(actor, WF, training)
    if session.held_on > timezone.localdate():
        raise ValidationError(_("课次尚未举行（%(d)s），不能签到。") % {"d": session.held_on.isoformat()})
    names = [(n.strip()[:40], u.strip()[:100]) for n, u in names if n and n.strip()]
    if names and training.profile_only:
        raise ValidationError({"names": _("%(k)s只登记有社工档案的人员。") % {"k": training.get_kind_display()}})
    for worker in workers:
        check(actor, WF, worker)
        if not worker.station.division_id.startswith(training.division.prefix):
            raise ValidationError({"workers": _("%(n)s 不在本培训主办范围内的站点。") % {"n": worker.name}})
    added = 0
    with transaction.atomic():
        TrainingSession.objects.select_for_update().get(pk=session.pk)  # one roll call at a time
        present = set(session.attendances.filter(worker__isnull=False).values_list("worker_id", flat=True))
        for worker in workers:
            if worker.pk not in present:
                Attendance.objects.create(session=session, worker=worker, marked_by=actor)
                present.add(worker.pk)
                added += 1
        named = set(session.attendances.filter(worker__isnull=True).values_list("name", "unit"))
        for name, unit in names:
            if (name, unit) not in named:
                Attendance.objects.create(session=session, name=name, unit=unit, marked_by=actor)
                named.add((name, unit))
                added += 1
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=training,
                     detail={"session": session.pk, "attendance_added": added})
    return added


def attendance_remove(*, actor, attendance: Attendance, request=None) -> None:
    training = attendance.session.training
    check(actor, WF, training)
    detail = {"session": attendance.session_id, "attendance_removed": str(attendance)}
    attendance.delete()
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=training, detail=detail)


# --- standards ----------------------------------------------------------------------------------

def may_set_standards(actor, obj) -> bool:
    """Standards are the network's: 街道 and 民政 set them for what they oversee."""
    return can(actor, WF, obj) and can(actor, Action.STATION_CREATE, obj)


def _guard_standard(actor, rule) -> None:
    check(actor, WF, rule)  # outside the scope: it does not exist
    if not may_set_standards(actor, rule):
        raise PermissionDenied


def _rule_save(model, *, actor, data: dict, rule=None, request=None, unique_error: str):
    creating = rule is None
    if rule is not None:
        _guard_standard(actor, rule)
    rule = rule or model(set_by=actor)
    for field, value in data.items():
        setattr(rule, field, value)
    if not rule.division_id:
        raise ValidationError({"division": _("请填写适用区划代码。")})
    if creating and not can(actor, WF, rule):
        raise ValidationError({"division": _("区划“%(d)s”不在您的管理范围内。") % {"d": rule.division.name}})
    _guard_standard(actor, rule)
    rule.set_by, rule.updated_at = actor, timezone.now()
    try:
        rule.validate_unique()
        rule.validate_constraints()
    except ValidationError as exc:
        raise ValidationError({"division": unique_error}) from exc
    rule.full_clean(validate_unique=False, validate_constraints=False)
    rule.save()
    audit.record(AuditEntry.Action.CREATED if creating else AuditEntry.Action.CHANGED, request=request, actor=actor,
                 obj=rule, detail={"standard": str(rule)})
    return rule


def staffing_rule_save(*, actor, data: dict, rule: StaffingRule | None = None, request=None) -> StaffingRule:
    return _rule_save(StaffingRule, actor=actor, data=data, rule=rule, request=request,
                      unique_error=_("该区划已有同一层级、同一城乡类别的配备标准，请直接修改那一条。"))


def training_rule_save(*, actor, data: dict, rule: TrainingRule | None = None, request=None) -> TrainingRule:
    return _rule_save(TrainingRule, actor=actor, data=data, rule=rule, request=request,
                      unique_error=_("该区划已有同一层级站点的培训频次标准，请直接修改那一条。"))


def policy_save(*, actor, data: dict, rule: Policy | None = None, request=None) -> Policy:
    return _rule_save(Policy, actor=actor, data=data, rule=rule, request=request,
                      unique_error=_("该区划已有人才政策，请直接修改那一条。"))


def rule_delete(*, actor, rule, request=None) -> None:
    _guard_standard(actor, rule)
    label = str(rule)
    audit.record(AuditEntry.Action.CLOSED, request=request, actor=actor, obj=rule, detail={"deleted": label})
    rule.delete()


def ladder_create(*, actor, name: str, division: Division, posts: list[str], levels: int, note: str = "",
                  request=None) -> Ladder:
    """A ladder of ``posts`` × ``levels`` grades (三岗七级 is 3 × 7) for stations under ``division``."""
    errors = {}
    name = (name or "").strip()
    posts = list(dict.fromkeys(p.strip()[:20] for p in posts if p and p.strip()))
    if not name:
        errors["name"] = _("请填写职级体系名称。")
    elif Ladder.objects.filter(name=name).exists():
        errors["name"] = _("已有同名的职级体系。")
    if not posts:
        errors["posts"] = _("请至少填写一个岗位。")
    elif len(posts) > 10:
        errors["posts"] = _("岗位不超过10个。")
    if not 1 <= (levels or 0) <= 30:
        errors["levels"] = _("级数应在1到30之间。")
    if division is None:
        errors["division"] = _("请填写适用区划代码。")
    _errors_if_any(errors)
    if not may_set_standards(actor, division):
        if not can(actor, WF, division):
            raise ValidationError({"division": _("该区划不在您的管理范围内。")})
        raise PermissionDenied
    with transaction.atomic():
        ladder = Ladder.objects.create(name=name, division=division, note=(note or "").strip()[:200])
        Grade.objects.bulk_create([Grade(ladder=ladder, post=post, level=level, order=i)
                                   for i, post in enumerate(posts) for level in range(1, levels + 1)])
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, object_type="workforce.ladder",
                     object_id=str(ladder.pk), object_label=name, division_code=division.code)
    return ladder
