"""Writes of case work. Each checks who may act, enforces the stage guards of MZ/T 094,
audits, and runs in a transaction; a stage that needs approval waits in an ``Approval``."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wushe.accounts.roles import CAPABILITIES, Action
from wushe.accounts.scope import assignments_of, can, check
from wushe.casework import access
from wushe.casework.models import (
    Approval,
    Assessment,
    Case,
    CasePolicy,
    Evaluation,
    FollowUp,
    Goal,
    GoalRating,
    Grant,
    Plan,
    Referral,
    Session,
    Task,
)
from wushe.core import audit
from wushe.core.models import AuditEntry
from wushe.people import selectors as people_selectors
from wushe.people import services as people_services
from wushe.people.models import Need, ResidentShare

FOLLOW_UP_AFTER_DAYS = (30, 90)  # 跟进回访: one and three months after closure


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_stage(case: Case, *stages) -> None:
    if case.stage not in stages:
        raise ValidationError(_("个案当前处于“%(s)s”阶段，不能进行此操作。") % {"s": case.get_stage_display()})


def _require_no_pending(case: Case) -> None:
    if case.pending_approval():
        raise ValidationError(_("该个案有待审批的事项，审批完成前不能修改。"))


def policy_for(station) -> CasePolicy:
    """The station's approval settings; the defaults (every step approved) until a manager
    saves them. Reading writes nothing."""
    return CasePolicy.objects.filter(station=station).first() or CasePolicy(station=station)


def policy_save(*, actor, policy: CasePolicy, data: dict, request=None) -> CasePolicy:
    _require(can(actor, Action.STATION_EDIT, policy.station), _("只有站点的管理人员可以修改审批设置。"))
    for field, value in data.items():
        setattr(policy, field, bool(value))
    policy.save()
    audit.record(AuditEntry.Action.POLICY_CHANGED, request=request, actor=actor, obj=policy.station,
                 object_type="casework.policy", detail={k: bool(v) for k, v in data.items()})
    return policy


def _next_number(station) -> str:
    """GA-<station division>-<year>-<serial>: readable on a paper form, unique."""
    year = timezone.localdate().year
    prefix = f"GA-{station.division_id[:9]}-{year}-"
    last = (Case.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:04d}"


# --- 接案 -----------------------------------------------------------------------------------

def opening_station(actor, resident):
    """The case belongs to the station of the worker who takes it (承接站点): the one serving
    the resident's community, or else (a file shared on referral) the worker's own."""
    mine = [a for a in assignments_of(actor) if a.station_id and Action.CASE_WORK in CAPABILITIES[a.role]]
    for a in mine:
        if resident.community_id.startswith(a.scope_prefix):
            return a.station
    return mine[0].station if mine else resident.station


def case_open(*, actor, resident, data: dict, needs=(), team=(), referral: Referral | None = None,
              request=None) -> Case:
    """Intake: a case for a registered resident, taken by the worker's station; ``referral``
    when it comes from another station's accepted referral (the case is linked to it)."""
    people_selectors.resident_get_for_reading(user=actor, pk=resident.pk)  # in scope, or shared: else 404
    case = Case(resident=resident, station=opening_station(actor, resident), community_id=resident.community_id,
                lead=actor, created_by=actor, **data)
    check(actor, Action.CASE_WORK, case)
    if referral is not None:
        if (referral.status != Referral.Status.ACCEPTED or referral.resident_id != resident.pk
                or referral.to_station_id != case.station_id or referral.received_case_id):
            raise ValidationError(_("该转介不是本站已接收、尚未建案的转介。"))
        case.source = Case.Source.REFERRAL
    if not resident.has_consent:
        raise ValidationError({"resident": _("该服务对象尚未记录知情同意，只有最少信息，请先在档案中记录知情同意。")})
    if case.supervisor_id and not can(case.supervisor, Action.CASE_WORK, case):
        raise ValidationError({"supervisor": _("所选督导不负责该站点。")})
    if case.supervisor_id == actor.pk:
        raise ValidationError({"supervisor": _("责任社工不能担任本个案的督导，请选择其他督导或由站长审批。")})
    strangers = [u for u in team if not can(u, Action.CASE_WORK, case)]
    if strangers:
        raise ValidationError({"team": _("团队成员 %(u)s 不在本站点。") % {"u": "、".join(map(str, strangers))}})
    case.full_clean(exclude=["number", "needs", "team"])
    for _attempt in range(3):
        case.number = _next_number(case.station)
        try:
            with transaction.atomic():
                case.save()
                case.needs.set([n for n in needs if n.resident_id == resident.pk])
                case.team.set(team)
                if referral is not None:
                    Referral.objects.filter(pk=referral.pk).update(received_case=case)
                audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=case)
            return case
        except IntegrityError:
            case.pk = None  # another case took the number a moment ago: take the next one
    raise ValidationError(_("个案编号生成冲突，请重试。"))


def case_accept(*, actor, case: Case, consent_by: str, consent_on: datetime.date, request=None) -> Case:
    """接案 accepted: the client (or a guardian, for minors) signed the service agreement."""
    _require(access.may_work(actor, case), _("只有个案团队成员可以受理。"))
    _require_stage(case, Case.Stage.INTAKE)
    if not consent_by or not consent_on:
        raise ValidationError({"consent_on": _("受理前须记录服务对象（或监护人）签署服务协议/知情同意书的日期。")})
    if case.resident.is_minor and consent_by != Case.ConsentBy.GUARDIAN:
        raise ValidationError({"consent_by": _("未成年服务对象须由监护人签署知情同意。")})
    if consent_on > timezone.localdate():
        raise ValidationError({"consent_on": _("签署日期不能晚于今天。")})
    case.consent_by, case.consent_on = consent_by, consent_on
    case.accepted_on = timezone.localdate()
    with transaction.atomic():
        _move(actor, case, Case.Stage.ASSESSMENT, request)
        _needs_follow(actor, case, Need.Status.IN_SERVICE, request)
    return case


def _needs_follow(actor, case: Case, status: str, request) -> None:
    """The needs a case answers move with it: in service once accepted, met when its goals
    are (the needs list then shows what met them)."""
    # A sensitive case is not named next to its client, not even in the needs list.
    met = _("个案服务目标达成") if case.sensitive else _("个案 %(n)s 结案：目标达成") % {"n": case.number}
    reason = met if status == Need.Status.MET else ""
    for need in case.needs.all():
        if status in Need.FLOW[need.status] and can(actor, Action.PERSON_VIEW, need):
            people_services.need_transition(actor=actor, need=need, status=status, reason=reason, request=request)


def case_decline(*, actor, case: Case, reason: str, request=None) -> Case:
    """Not accepted: referred elsewhere or outside the station's service, with the reason."""
    _require(access.may_work(actor, case), _("只有个案团队成员可以作出不予接案的决定。"))
    _require_stage(case, Case.Stage.INTAKE)
    if not reason.strip():
        raise ValidationError({"decline_reason": _("请写明不予接案的原因或转介去向。")})
    case.decline_reason = reason.strip()
    case.closed_on = timezone.localdate()
    return _move(actor, case, Case.Stage.DECLINED, request)


# --- 预估 · 计划 · 介入 · 评估: records ------------------------------------------------------

def _record(actor, case: Case, obj, stages, request, **audit_detail):
    _require(access.may_work(actor, case), _("只有个案团队成员可以填写个案记录。"))
    _require_stage(case, *stages)
    obj.full_clean()
    with transaction.atomic():
        obj.save()
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=case,
                     object_type=obj._meta.label_lower, detail=audit_detail or None)
    return obj


_WORKING = (Case.Stage.ASSESSMENT, Case.Stage.PLANNING, Case.Stage.INTERVENTION, Case.Stage.EVALUATION)


def assessment_add(*, actor, case: Case, data: dict, request=None) -> Assessment:
    _require_no_pending(case)
    return _record(actor, case, Assessment(case=case, author=actor, **data), _WORKING, request)


def plan_save(*, actor, case: Case, aim: str, goals: list[tuple[str, str]], sessions_planned: int,
              note: str = "", request=None) -> Plan:
    """A new version of the plan; earlier versions stay as its history."""
    _require(access.may_work(actor, case), _("只有个案团队成员可以制定服务计划。"))
    _require_stage(case, Case.Stage.PLANNING, Case.Stage.INTERVENTION, Case.Stage.EVALUATION)
    _require_no_pending(case)
    goals = [(t.strip(), i.strip()) for t, i in goals if t.strip() or i.strip()]
    if not goals:
        raise ValidationError({"goals": _("服务计划至少需要一个具体目标。")})
    for n, (text, indicator) in enumerate(goals, start=1):
        if not text or not indicator:
            raise ValidationError({"goals": _("第 %(n)d 个目标须同时写明目标和可测量指标。") % {"n": n}})
    current = case.current_plan()
    if current and not note.strip():
        raise ValidationError({"note": _("修订服务计划时请写明修订说明。")})
    plan = Plan(case=case, version=(current.version + 1) if current else 1, aim=aim, note=note.strip(),
                sessions_planned=sessions_planned, author=actor)
    plan.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            plan.save()
            Goal.objects.bulk_create([Goal(plan=plan, order=n, text=t, indicator=i)
                                      for n, (t, i) in enumerate(goals, start=1)])
            audit.record(AuditEntry.Action.CREATED if not current else AuditEntry.Action.CHANGED, request=request,
                         actor=actor, obj=case, object_type="casework.plan", detail={"version": plan.version})
    except IntegrityError as exc:  # a colleague saved a version a moment ago
        raise ValidationError(_("刚有人修订了服务计划，请刷新后在最新版本上修改。")) from exc
    return plan


def task_add(*, actor, case: Case, data: dict, request=None) -> Task:
    task = Task(case=case, **data)
    if task.owner_id and not access.in_team(task.owner, case) and task.owner_id != case.supervisor_id:
        raise ValidationError({"owner": _("任务负责人须是个案团队成员。")})
    return _record(actor, case, task, _WORKING, request)


def task_done(*, actor, task: Task, request=None) -> Task:
    _require(access.may_work(actor, task.case) or actor.pk == task.owner_id, _("只有个案团队成员可以更新任务。"))
    if task.done_on is None:
        task.done_on = timezone.localdate()
        task.save(update_fields=["done_on"])
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=task.case,
                     object_type="casework.task", detail={"task": task.pk, "done": True})
    return task


def session_record(*, actor, case: Case, data: dict, request=None) -> Session:
    session = Session(case=case, worker=actor, **data)
    if session.held_on and session.held_on > timezone.localdate():
        raise ValidationError({"held_on": _("服务日期不能晚于今天。")})
    if session.held_on and case.accepted_on and session.held_on < case.accepted_on:
        raise ValidationError({"held_on": _("服务日期不能早于受理日期。")})
    return _record(actor, case, session, (Case.Stage.INTERVENTION, Case.Stage.EVALUATION), request)


def evaluation_record(*, actor, case: Case, data: dict, ratings: dict[int, int], request=None) -> Evaluation:
    """评估: every goal of the current plan rated, with the client's feedback."""
    _require(access.may_work(actor, case), _("只有个案团队成员可以填写评估。"))
    _require_stage(case, Case.Stage.EVALUATION)
    _require_no_pending(case)
    goals = list(case.current_plan().goals.all())
    missing = [g.order for g in goals if ratings.get(g.pk) is None]
    if missing:
        raise ValidationError({"ratings": _("请评定每个目标的达成程度（缺第 %(n)s 个）。") % {
            "n": "、".join(map(str, missing))}})
    evaluation = Evaluation(case=case, author=actor, **data)
    evaluation.full_clean()
    with transaction.atomic():
        evaluation.save()
        GoalRating.objects.bulk_create([GoalRating(evaluation=evaluation, goal=g, attainment=ratings[g.pk])
                                        for g in goals])
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=case,
                     object_type="casework.evaluation")
    return evaluation


# --- moving between stages, with approvals ---------------------------------------------

def _guard_leaving(case: Case) -> None:
    """What a stage must hold before the case moves on (MZ/T 094's order of work)."""
    if case.stage == Case.Stage.ASSESSMENT and not case.assessments.exists():
        raise ValidationError(_("请先完成至少一次预估。"))
    if case.stage == Case.Stage.PLANNING:
        plan = case.current_plan()
        if plan is None or not plan.goals.exists():
            raise ValidationError(_("请先制定包含具体目标的服务计划。"))
    if case.stage == Case.Stage.INTERVENTION and not case.sessions.exists():
        raise ValidationError(_("请先记录至少一次介入服务。"))


STEP_OF = {Case.Stage.ASSESSMENT: Approval.Step.ASSESSMENT, Case.Stage.PLANNING: Approval.Step.PLAN}


def case_advance(*, actor, case: Case, request=None) -> Case:
    """Move to the next stage, or submit for approval when the station requires it."""
    _require(access.may_work(actor, case), _("只有个案团队成员可以推进个案。"))
    _require_stage(case, Case.Stage.ASSESSMENT, Case.Stage.PLANNING, Case.Stage.INTERVENTION)
    _require_no_pending(case)
    _guard_leaving(case)
    step = STEP_OF.get(case.stage)
    if step and policy_for(case.station).requires(step):
        return _submit(actor, case, step, request)
    return _move(actor, case, case.next_stage(), request)


def case_close(*, actor, case: Case, reason: str, summary: str, request=None) -> Case:
    """结案: after the evaluation, or earlier when the client is gone or served elsewhere."""
    _require(access.may_work(actor, case), _("只有个案团队成员可以结案。"))
    _require_no_pending(case)
    if reason not in Case.ClosureReason.values:
        raise ValidationError({"closure_reason": _("请选择结案原因。")})
    if not summary.strip():
        raise ValidationError({"closure_summary": _("请填写结案小结。")})
    if case.stage == Case.Stage.EVALUATION:
        if not case.evaluations.exists():
            raise ValidationError(_("结案前须完成评估：评定各目标的达成程度并记录服务对象反馈。"))
    elif case.stage in _WORKING and reason in Case.EARLY_CLOSURE:
        pass
    elif case.stage in _WORKING:
        raise ValidationError({"closure_reason": _(
            "评估完成前只能因转介、失联、迁出或死亡结案。")})
    else:
        _require_stage(case, *_WORKING)
    case.closure_reason, case.closure_summary = reason, summary.strip()
    if policy_for(case.station).requires(Approval.Step.CLOSURE):
        case.save(update_fields=["closure_reason", "closure_summary"])
        return _submit(actor, case, Approval.Step.CLOSURE, request)
    return _finish_closure(actor, case, request)


def _finish_closure(actor, case: Case, request) -> Case:
    case.closed_on = timezone.localdate()
    with transaction.atomic():
        _move(actor, case, Case.Stage.CLOSED, request)
        if case.closure_reason == Case.ClosureReason.GOALS_MET:
            _needs_follow(actor, case, Need.Status.MET, request)
        if case.closure_reason in Case.FOLLOWED_UP:
            FollowUp.objects.bulk_create([FollowUp(case=case, due_on=case.closed_on + datetime.timedelta(days=d))
                                          for d in FOLLOW_UP_AFTER_DAYS])
    return case


def _submit(actor, case: Case, step: str, request) -> Case:
    try:
        with transaction.atomic():
            approval = Approval.objects.create(case=case, step=step, submitted_by=actor)
            audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=case,
                         object_type="casework.approval", detail={"step": step, "approval": approval.pk})
    except IntegrityError as exc:
        raise ValidationError(_("该个案已有待审批的事项。")) from exc
    return case


def approval_decide(*, actor, approval: Approval, approve: bool, comment: str = "", request=None) -> Approval:
    case = approval.case
    _require(access.may_approve(actor, case), _("您不是该个案的审批人。"))
    _require(actor.pk != approval.submitted_by_id, _("不能审批自己提交的事项。"))
    if approval.status != Approval.Status.PENDING:
        raise ValidationError(_("该事项已经审批过了。"))
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("退回时请写明意见，方便社工修改。")})
    with transaction.atomic():
        # Decided once, even when two approvers press at the same moment.
        updated = Approval.objects.filter(pk=approval.pk, status=Approval.Status.PENDING).update(
            status=Approval.Status.APPROVED if approve else Approval.Status.RETURNED, decided_by=actor,
            decided_at=timezone.now(), comment=comment.strip())
        if not updated:
            raise ValidationError(_("该事项已经审批过了。"))
        approval.refresh_from_db()
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=case,
                     object_type="casework.approval", detail={"step": approval.step, "status": approval.status})
        case = Case.objects.get(pk=case.pk)
        if approve and approval.step == Approval.Step.CLOSURE:
            _finish_closure(actor, case, request)
        elif approve:
            _move(actor, case, case.next_stage(), request)
        elif approval.step == Approval.Step.CLOSURE:
            # Returned: the case is not closing, so it carries no closure reason.
            Case.objects.filter(pk=case.pk).update(closure_reason="", closure_summary="")
    return approval


def _move(actor, case: Case, stage: str, request) -> Case:
    before = case.stage
    with transaction.atomic():
        # Two people moving one case at the same moment: the second finds it moved and stops.
        stored = Case.objects.select_for_update().filter(pk=case.pk).values_list("stage", flat=True).get()
        if stored != before:
            raise ValidationError(_("该个案刚被他人更新，请刷新页面后重试。"))
        case.stage = stage
        case.save()
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=case,
                     detail={"stage": [before, stage]})
    return case


# --- after closure, and access -----------------------------------------------------------

def follow_up_record(*, actor, follow_up: FollowUp, notes: str, done_on: datetime.date, request=None) -> FollowUp:
    _require(access.may_work(actor, follow_up.case), _("只有个案团队成员可以记录回访。"))
    if not notes.strip():
        raise ValidationError({"notes": _("请填写回访情况。")})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("回访日期不能晚于今天。")})
    follow_up.notes, follow_up.done_on, follow_up.done_by = notes.strip(), done_on, actor
    follow_up.save()
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=follow_up.case,
                 object_type="casework.followup", detail={"follow_up": follow_up.pk})
    return follow_up


def grant_read(*, actor, case: Case, user, reason: str, request=None) -> Grant:
    """The lead or an approver lets one more colleague read the case, with a reason."""
    _require(actor.pk == case.lead_id or access.may_approve(actor, case), _("只有责任社工或审批人可以授权查看。"))
    if not can(user, Action.CASE_WORK, case):
        raise ValidationError({"user": _("该账号不在本个案所在站点的服务范围内。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请写明授权原因。")})
    grant, _created = Grant.objects.get_or_create(case=case, user=user,
                                                  defaults={"reason": reason.strip(), "granted_by": actor})
    audit.record(AuditEntry.Action.ROLE_GRANTED, request=request, actor=actor, obj=case,
                 object_type="casework.grant", detail={"user": user.username})
    return grant


def case_opened(*, actor, case: Case, request=None) -> None:
    """Every read of a case's content is audited."""
    audit.record(AuditEntry.Action.VIEWED, request=request, actor=actor, obj=case)


# --- 转介 ---------------------------------------------------------------------------------

def referral_create(*, actor, resident, data: dict, case: Case | None = None, need=None, request=None) -> Referral:
    """Refer a client from a case (its team) or a need (the station's workers). The client's
    refusal blocks it unless a manager of the station overrides, with a reason, audited."""
    if case is not None:
        _require(access.may_work(actor, case), _("只有个案团队成员可以从个案发起转介。"))
        from_station = case.station
    else:
        people_selectors.resident_get(user=actor, pk=resident.pk)
        from_station = opening_station(actor, resident)
    referral = Referral(resident=resident, case=case, need=need, from_station=from_station, created_by=actor, **data)
    check(actor, Action.CASE_WORK, referral)
    errors = {}
    if bool(referral.to_station_id) == bool(referral.to_agency.strip()):
        errors["to_station"] = _("请选择平台内的接收站点，或填写平台外的接收机构（二选一）。")
    elif referral.to_station_id == from_station.pk:
        errors["to_station"] = _("不能转介给本站点。")
    elif referral.to_agency and not referral.to_kind:
        errors["to_kind"] = _("请选择平台外接收机构的类别。")
    if need is not None and need.resident_id != resident.pk:
        errors["need"] = _("该需求不属于此服务对象。")
    if referral.consent == Referral.Consent.REFUSED:
        if not referral.override_reason.strip():
            errors["consent"] = _("服务对象不同意转介时不能转介；确需转介（如危及人身安全）请由站长填写理由。")
        elif not can(actor, Action.STATION_EDIT, from_station):
            errors["override_reason"] = _("只有站长或上级管理人员可以在未获同意时决定转介。")
        else:
            referral.overridden_by = actor
    elif referral.override_reason:
        referral.override_reason = ""
    if errors:
        raise ValidationError(errors)
    referral.status = Referral.Status.PENDING if referral.internal else Referral.Status.SENT
    referral.full_clean()
    with transaction.atomic():
        referral.save()
        detail = {"to": referral.destination}
        if referral.overridden_by_id:
            detail["consent_overridden"] = True
        audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=referral, detail=detail)
    return referral


def referral_respond(*, actor, referral: Referral, accept: bool, note: str = "", request=None) -> Referral:
    """The receiving station accepts (its workers may then read the file and open a case) or
    declines with a reason."""
    if not referral.internal or not can(actor, Action.CASE_WORK, referral.to_station):
        raise PermissionDenied(_("只有接收站点的社工可以处理该转介。"))
    if referral.status != Referral.Status.PENDING:
        raise ValidationError(_("该转介已经处理过了。"))
    if not accept and not note.strip():
        raise ValidationError({"response_note": _("拒绝接收时请写明原因。")})
    with transaction.atomic():
        updated = Referral.objects.filter(pk=referral.pk, status=Referral.Status.PENDING).update(
            status=Referral.Status.ACCEPTED if accept else Referral.Status.DECLINED, response_note=note.strip(),
            responded_by=actor, responded_at=timezone.now())
        if not updated:
            raise ValidationError(_("该转介已经处理过了。"))
        referral.refresh_from_db()
        if accept and not can(actor, Action.PERSON_VIEW, referral.resident):
            # The file stays with its station; the receiving one may read it.
            ResidentShare.objects.get_or_create(resident=referral.resident, station=referral.to_station,
                                                defaults={"granted_by": referral.created_by})
        audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=referral,
                     division_code=referral.to_station.division_id, detail={"status": referral.status})
    return referral


def referral_outcome(*, actor, referral: Referral, outcome: str, request=None) -> Referral:
    """An outside agency's answer, recorded by the referring station."""
    check(actor, Action.CASE_WORK, referral)
    if referral.internal or referral.status not in (Referral.Status.SENT, Referral.Status.DONE):
        raise ValidationError(_("只有转往平台外机构的转介需要记录结果。"))
    if not outcome.strip():
        raise ValidationError({"outcome": _("请填写转介结果。")})
    referral.outcome, referral.status = outcome.strip(), Referral.Status.DONE
    referral.save(update_fields=["outcome", "status"])
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=referral, detail={"status": "done"})
    return referral
