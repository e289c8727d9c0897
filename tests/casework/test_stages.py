"""The MZ/T 094 stages of a case and their guards, through ``wushe.casework.services``."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.casework.factories import approve_pending, evaluate, fresh, open_case, to_stage, today
from tests.people import factories as people_factories
from wushe.casework import services
from wushe.casework.models import Approval, Case, FollowUp
from wushe.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_intake_numbers_the_case_and_audits_it(net, people):
    first = open_case(net, people)
    second = open_case(net, people, resident=people_factories.resident("李奶奶", station=net.station_a))
    year = today().year
    assert (first.number, second.number) == (f"GA-340104005-{year}-0001", f"GA-340104005-{year}-0002")
    assert (first.stage, first.lead, first.community_id) == ("intake", people["worker"], first.resident.community_id)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATED, object_type="casework.case", object_id=str(first.pk))
    assert entry.object_label == first.number  # the number, never the client's name


def test_intake_needs_the_residents_consent(net, people):
    bare = people_factories.resident("无同意", station=net.station_a, with_consent=False)
    with pytest.raises(ValidationError, match="知情同意"):
        open_case(net, people, resident=bare)
    assert not Case.objects.exists()


def test_a_case_cannot_be_opened_for_someone_outside_the_scope(net, people):
    outsider = people_factories.resident("外站居民", station=net.station_b)
    from django.http import Http404

    with pytest.raises(Http404):
        open_case(net, people, resident=outsider)


def test_accepting_needs_the_signed_agreement_and_a_guardian_for_minors(net, people):
    case = open_case(net, people)
    with pytest.raises(ValidationError, match="签署"):
        services.case_accept(actor=people["worker"], case=case, consent_by="self", consent_on=None)
    child = people_factories.resident("小明", station=net.station_a, id_number=people_factories.id_number(
        people_factories.years_ago(10)), guardian_name="王妈妈", **people_factories.consent(by="guardian"))
    minor = open_case(net, people, resident=child)
    with pytest.raises(ValidationError, match="监护人"):
        services.case_accept(actor=people["worker"], case=minor, consent_by="self", consent_on=today())
    services.case_accept(actor=people["worker"], case=minor, consent_by="guardian", consent_on=today())
    assert fresh(minor).stage == "assessment"


def test_declining_records_the_reason_and_ends_the_case(net, people):
    case = open_case(net, people)
    with pytest.raises(ValidationError):
        services.case_decline(actor=people["worker"], case=case, reason=" ")
    services.case_decline(actor=people["worker"], case=case, reason="属残联服务范围，已转介区残联")
    case = fresh(case)
    assert (case.stage, case.is_open, case.closed_on) == ("declined", False, today())


def test_assessment_must_exist_before_planning_and_waits_for_approval(net, people):
    case = to_stage(open_case(net, people), Case.Stage.ASSESSMENT, people)
    with pytest.raises(ValidationError, match="预估"):
        services.case_advance(actor=people["worker"], case=case)
    services.assessment_add(actor=people["worker"], case=case, data={
        "person": "情绪低落", "summary": "孤独", "need_analysis": "情绪支持"})
    services.case_advance(actor=people["worker"], case=case)
    case = fresh(case)
    assert case.stage == "assessment"  # waiting, not moved
    pending = case.pending_approval()
    assert (pending.step, pending.submitted_by) == ("assessment", people["worker"])
    # Nothing more is written while it waits, and it cannot be submitted twice.
    with pytest.raises(ValidationError, match="待审批"):
        services.case_advance(actor=people["worker"], case=case)
    with pytest.raises(ValidationError, match="待审批"):
        services.assessment_add(actor=people["worker"], case=case, data={
            "person": "x", "summary": "x", "need_analysis": "x"})


def test_only_the_cases_approver_decides_and_a_return_needs_a_comment(net, people):
    case = to_stage(open_case(net, people), Case.Stage.ASSESSMENT, people)
    services.assessment_add(actor=people["worker"], case=case, data={"person": "x", "summary": "x", "need_analysis": "x"})
    services.case_advance(actor=people["worker"], case=case)
    pending = fresh(case).pending_approval()
    for who in ("worker", "head"):  # the lead never approves; the 站长 defers to the case's own supervisor
        with pytest.raises(PermissionDenied):
            services.approval_decide(actor=people[who], approval=pending, approve=True)
    with pytest.raises(ValidationError, match="意见"):
        services.approval_decide(actor=people["supervisor"], approval=pending, approve=False)
    services.approval_decide(actor=people["supervisor"], approval=pending, approve=False, comment="风险评估不充分")
    case = fresh(case)
    assert case.stage == "assessment" and case.pending_approval() is None
    with pytest.raises(ValidationError, match="已经审批"):
        services.approval_decide(actor=people["supervisor"], approval=pending, approve=True)
    services.case_advance(actor=people["worker"], case=case)
    approve_pending(fresh(case), people)
    assert fresh(case).stage == "planning"


def test_without_a_supervisor_the_station_head_approves(net, people):
    case = to_stage(open_case(net, people, supervisor=None), Case.Stage.ASSESSMENT, people)
    services.assessment_add(actor=people["worker"], case=case, data={"person": "x", "summary": "x", "need_analysis": "x"})
    services.case_advance(actor=people["worker"], case=case)
    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=people["supervisor"], approval=fresh(case).pending_approval(), approve=True)
    approve_pending(fresh(case), people, approver="head")
    assert fresh(case).stage == "planning"


def test_a_station_that_skips_approval_moves_at_once(net, people):
    services.policy_save(actor=people["head"], policy=services.policy_for(net.station_a),
                         data={"approve_assessment": False, "approve_plan": False, "approve_closure": False})
    case = to_stage(open_case(net, people), Case.Stage.ASSESSMENT, people)
    services.assessment_add(actor=people["worker"], case=case, data={"person": "x", "summary": "x", "need_analysis": "x"})
    services.case_advance(actor=people["worker"], case=case)
    assert fresh(case).stage == "planning" and not Approval.objects.exists()
    with pytest.raises(PermissionDenied):
        services.policy_save(actor=people["worker"], policy=services.policy_for(net.station_a), data={})


def test_a_plan_needs_measurable_goals_and_a_revision_says_why(net, people):
    case = to_stage(open_case(net, people), Case.Stage.PLANNING, people)
    with pytest.raises(ValidationError, match="请先制定"):
        services.case_advance(actor=people["worker"], case=case)
    with pytest.raises(ValidationError, match="可测量指标"):
        services.plan_save(actor=people["worker"], case=case, aim="x", goals=[("改善情绪", "")], sessions_planned=4)
    services.plan_save(actor=people["worker"], case=case, aim="缓解孤独", goals=[("改善情绪", "量表下降3分")],
                       sessions_planned=4)
    with pytest.raises(ValidationError, match="修订说明"):
        services.plan_save(actor=people["worker"], case=case, aim="缓解孤独", goals=[("改善情绪", "量表下降5分")],
                           sessions_planned=4)
    services.plan_save(actor=people["worker"], case=case, aim="缓解孤独", goals=[("改善情绪", "量表下降5分")],
                       sessions_planned=4, note="督导建议提高指标")
    assert [p.version for p in case.plans.all()] == [2, 1]
    assert case.current_plan().goals.get().indicator == "量表下降5分"
    assert case.plans.get(version=1).goals.get().indicator == "量表下降3分"  # the history stays


def test_evaluation_needs_a_session_first_and_every_goal_rated(net, people):
    case = to_stage(open_case(net, people), Case.Stage.PLANNING, people)
    services.plan_save(actor=people["worker"], case=case, aim="a", goals=[("g1", "i1"), ("g2", "i2")], sessions_planned=2)
    services.case_advance(actor=people["worker"], case=case)
    approve_pending(fresh(case), people)
    case = fresh(case)
    assert case.stage == "intervention"
    with pytest.raises(ValidationError, match="介入服务"):
        services.case_advance(actor=people["worker"], case=case)
    with pytest.raises(ValidationError, match="晚于今天"):
        services.session_record(actor=people["worker"], case=case, data={
            "held_on": today() + datetime.timedelta(days=1), "minutes": 30, "place": "站内", "method": "interview",
            "content": "面谈"})
    case = to_stage(case, Case.Stage.EVALUATION, people)
    g1, g2 = case.current_plan().goals.all()
    with pytest.raises(ValidationError, match="第 2 个"):
        services.evaluation_record(actor=people["worker"], case=case, data={"client_feedback": "好", "reflection": "好"},
                                   ratings={g1.pk: 3})


def test_a_case_cannot_close_without_its_evaluation(net, people):
    case = to_stage(open_case(net, people), Case.Stage.EVALUATION, people)
    with pytest.raises(ValidationError, match="评估"):
        services.case_close(actor=people["worker"], case=case, reason="goals_met", summary="目标达成")
    assert fresh(case).stage == "evaluation"


def test_closure_waits_for_approval_then_schedules_follow_ups(net, people):
    case = to_stage(open_case(net, people), Case.Stage.EVALUATION, people)
    evaluate(case, people)
    services.case_close(actor=people["worker"], case=case, reason="goals_met", summary="情绪好转，已融入手工小组")
    case = fresh(case)
    assert case.stage == "evaluation" and case.pending_approval().step == "closure"
    approve_pending(case, people)
    case = fresh(case)
    assert (case.stage, case.closed_on, case.closure_reason) == ("closed", today(), "goals_met")
    assert [f.due_on for f in case.follow_ups.all()] == [today() + datetime.timedelta(days=30),
                                                         today() + datetime.timedelta(days=90)]
    follow_up = case.follow_ups.first()
    services.follow_up_record(actor=people["worker"], follow_up=follow_up, notes="电话回访，状态稳定", done_on=today())
    assert FollowUp.objects.get(pk=follow_up.pk).done_by == people["worker"]


def test_early_closure_only_for_a_client_gone_or_served_elsewhere(net, people):
    case = to_stage(open_case(net, people), Case.Stage.INTERVENTION, people)
    with pytest.raises(ValidationError, match="转介、失联、迁出或死亡"):
        services.case_close(actor=people["worker"], case=case, reason="goals_met", summary="x")
    services.case_close(actor=people["worker"], case=case, reason="died", summary="服务对象病故")
    approve_pending(fresh(case), people)
    case = fresh(case)
    assert case.stage == "closed" and not case.follow_ups.exists()  # nobody to follow up


def test_only_the_team_records_and_a_task_owner_must_be_in_it(net, people):
    case = to_stage(open_case(net, people), Case.Stage.ASSESSMENT, people)
    colleague = people_factories.clerk(net.station_a)
    with pytest.raises(PermissionDenied):
        services.assessment_add(actor=colleague, case=case, data={"person": "x", "summary": "x", "need_analysis": "x"})
    with pytest.raises(ValidationError, match="团队成员"):
        services.task_add(actor=people["worker"], case=case, data={"text": "联系社区", "owner": colleague,
                                                                  "due_on": today()})
    task = services.task_add(actor=people["worker"], case=case, data={"text": "联系社区", "owner": people["worker"],
                                                                     "due_on": today()})
    services.task_done(actor=people["worker"], task=task)
    assert task.done_on == today()


def test_counts_for_the_dashboard(net, people):
    from wushe.casework import selectors

    closed = to_stage(open_case(net, people), Case.Stage.INTERVENTION, people)
    services.case_close(actor=people["worker"], case=closed, reason="moved", summary="迁出")
    approve_pending(fresh(closed), people)
    open_case(net, people)
    qs = Case.objects.all()
    totals = selectors.case_totals(qs)
    assert (totals["opened"], totals["active"], totals["closed"], totals["sessions"]) == (2, 1, 1, 0)
    assert selectors.closed_by_reason(qs) == {"moved": 1}
    days = selectors.days_per_stage(qs)
    assert set(days) >= {"intake", "assessment", "planning", "intervention"}
    assert all(0 <= d < 1 for d in days.values())  # everything happened just now


def test_linked_needs_move_with_the_case(net, people):
    from wushe.people import services as people_services
    from wushe.people.models import Need

    resident = people_factories.resident("王大爷", station=net.station_a)
    need = people_services.need_create(actor=people["worker"], data={
        "resident": resident, "category": Need.Category.COMFORT, "description": "情绪低落需要陪伴",
        "source": Need.Source.VISIT})
    case = services.case_open(actor=people["worker"], resident=resident, needs=[need], data={
        "source": "visit", "presenting_problem": "情绪低落", "supervisor": people["supervisor"]})
    case = to_stage(case, Case.Stage.ASSESSMENT, people)
    assert Need.objects.get(pk=need.pk).status == "in_service"
    case = to_stage(case, Case.Stage.EVALUATION, people)
    evaluate(case, people)
    services.case_close(actor=people["worker"], case=case, reason="goals_met", summary="目标达成")
    approve_pending(fresh(case), people)
    need = Need.objects.get(pk=need.pk)
    assert need.status == "met" and case.number in need.close_reason


def test_nobody_approves_their_own_work(net, people):
    from tests.factories import user as make_user
    from wushe.accounts.roles import Role

    with pytest.raises(ValidationError, match="不能担任本个案的督导"):
        open_case(net, people, lead=people["supervisor"])
    with pytest.raises(ValidationError, match="不在本站点"):
        services.case_open(actor=people["worker"], resident=people_factories.resident("李四", station=net.station_a),
                           team=[people["worker_b"]], data={"source": "self", "presenting_problem": "x"})
    # The 站长 on the case's team does not approve it, even without a supervisor.
    case = services.case_open(actor=people["worker"], resident=people_factories.resident("张三", station=net.station_a),
                              team=[people["head"]], data={"source": "self", "presenting_problem": "x"})
    case = to_stage(case, Case.Stage.ASSESSMENT, people)
    services.assessment_add(actor=people["head"], case=case, data={"person": "x", "summary": "x", "need_analysis": "x"})
    services.case_advance(actor=people["head"], case=case)
    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=people["head"], approval=fresh(case).pending_approval(), approve=True)
    other_head = make_user("t_zhanzhang2", Role.HEAD, station=net.station_a)
    services.approval_decide(actor=other_head, approval=fresh(case).pending_approval(), approve=True)
    assert fresh(case).stage == "planning"


def test_a_returned_closure_leaves_no_closure_reason_and_reading_writes_nothing(net, people):
    from wushe.casework.models import CasePolicy

    assert services.policy_for(net.station_a).pk is None and not CasePolicy.objects.exists()
    case = to_stage(open_case(net, people), Case.Stage.INTERVENTION, people)
    services.case_close(actor=people["worker"], case=case, reason="moved", summary="迁出")
    services.approval_decide(actor=people["supervisor"], approval=fresh(case).pending_approval(), approve=False,
                             comment="请先电话确认")
    case = fresh(case)
    assert (case.stage, case.closure_reason, case.closure_summary) == ("intervention", "", "")


def test_a_sensitive_case_is_not_named_in_the_needs_it_met(net, people):
    from wushe.people import services as people_services
    from wushe.people.models import Need

    resident = people_factories.resident("王大爷", station=net.station_a)
    need = people_services.need_create(actor=people["worker"], data={
        "resident": resident, "category": Need.Category.SAFETY, "description": "安全需要", "source": Need.Source.VISIT})
    case = services.case_open(actor=people["worker"], resident=resident, needs=[need], data={
        "source": "visit", "presenting_problem": "x", "supervisor": people["supervisor"], "sensitive": True})
    case = to_stage(case, Case.Stage.EVALUATION, people)
    evaluate(case, people)
    services.case_close(actor=people["worker"], case=case, reason="goals_met", summary="x")
    approve_pending(fresh(case), people)
    need = Need.objects.get(pk=need.pk)
    assert need.status == "met" and case.number not in need.close_reason
