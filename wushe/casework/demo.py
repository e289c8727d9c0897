"""Demo cases for `wushe seed_demo`: the demo 社工 of 西园街道's station holds cases in every
stage, written through the services (so every guard and audit entry is real), then dated
back over the last months so the lists and counts look like a station's year.

Skipped when the station already has cases, so a re-run adds nothing twice.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from wushe.accounts.models import User
from wushe.casework import services
from wushe.casework.models import Case, FollowUp, Session
from wushe.core.divisions import within
from wushe.people.models import Resident

# (stage reached, how the case ends, sensitive): the mix of a busy worker's caseload.
PLAN = [
    ("intake", None, False), ("intake", None, False),
    ("assessment", None, False), ("assessment", "submit", False),
    ("planning", None, False), ("planning", "submit", True),
    ("intervention", None, False), ("intervention", None, False), ("intervention", None, False),
    ("intervention", None, True),
    ("evaluation", None, False), ("evaluation", "submit", False),
    ("closed", "goals_met", False), ("closed", "goals_met", False), ("closed", "moved", False),
    ("declined", None, False),
]
GOALS = [
    [("改善情绪状态", "老年抑郁量表得分下降3分以上"), ("重建社区联结", "每月参加社区活动2次以上")],
    [("改善家庭沟通", "每周与家人通话或见面2次以上"), ("建立支持网络", "链接2名以上固定志愿者或邻里")],
    [("缓解经济压力", "完成临时救助申请并获批"), ("链接就业资源", "参加1次以上技能培训")],
]
# (presenting problem, which goals fit it)
PROBLEMS = [
    ("独居高龄，近期跌倒一次，子女在外地，情绪低落不愿出门", 0),
    ("空巢老人，与子女关系紧张，很少与人来往", 1),
    ("低保家庭，主要劳动力患病，家庭经济压力大", 2),
    ("肢体残疾，希望获得康复辅具和就业支持", 2),
    ("空巢老人，轻度认知障碍迹象，情绪不稳", 0),
    ("社区矫正对象，回归社区后缺少社会支持", 1),
    ("丧偶后长期哀伤，社会交往减少", 0),
    ("失业半年，家庭矛盾增多", 2),
]


def seed(*, seed_value: int) -> int:
    worker = User.objects.filter(username="shegong").first()
    supervisor = User.objects.filter(username="dudao").first()
    if worker is None or supervisor is None:
        return 0
    station = worker.assignments.get().station
    if Case.objects.filter(station=station).exists():
        return 0
    rng = random.Random(seed_value)
    residents = list(Resident.objects.filter(within("community_id", station.division.prefix))
                     .exclude(consent_on=None).exclude(birth_date=None).order_by("id")[:200])
    rng.shuffle(residents)
    adults = [r for r in residents if not r.is_minor]
    today = timezone.localdate()
    with transaction.atomic():
        for i, (stage, ending, sensitive) in enumerate(PLAN):
            _case(adults[i], stage, ending, sensitive, worker, supervisor, rng, today, i)
    return len(PLAN)


def _case(resident, stage, ending, sensitive, worker, supervisor, rng, today, i) -> Case:
    case = services.case_open(actor=worker, resident=resident, data={
        "source": rng.choice(Case.Source.values), "presenting_problem": PROBLEMS[i % len(PROBLEMS)][0],
        "urgency": rng.choice(["normal", "normal", "urgent"]), "risk": rng.choice(["low", "medium", "high"]),
        "supervisor": supervisor, "sensitive": sensitive})
    goals = GOALS[PROBLEMS[i % len(PROBLEMS)][1]]

    def approve():
        pending = case.pending_approval()
        if pending:
            services.approval_decide(actor=supervisor, approval=pending, approve=True, comment="同意")
            case.refresh_from_db()  # the approval moved the stage on a fresh copy

    if stage == "declined":
        services.case_decline(actor=worker, case=case, reason="属残联服务范围，已转介区残联康复中心")
    steps = ["assessment", "planning", "intervention", "evaluation", "closed"]
    reached = steps[:steps.index(stage) + 1] if stage in steps else []
    if reached:
        services.case_accept(actor=worker, case=case, consent_by="self", consent_on=today)
    if "assessment" in reached:
        services.assessment_add(actor=worker, case=case, data={
            "person": "身体状况一般，情绪低落，自理能力尚可", "family": "子女在外地工作，联系较少",
            "environment": "与邻里来往少，未参加社区活动", "strengths": "愿意沟通，有兴趣爱好（书法）",
            "risks": "独居，存在跌倒风险", "summary": PROBLEMS[i % len(PROBLEMS)][0],
            "need_analysis": "情绪支持、社会联结、居家安全"})
        if stage != "assessment" or ending == "submit":
            services.case_advance(actor=worker, case=case)
            if stage != "assessment":
                approve()
    if "planning" in reached:
        services.plan_save(actor=worker, case=case, aim="缓解当前困境，增强社会支持", goals=goals, sessions_planned=6)
        services.task_add(actor=worker, case=case, data={"text": "联系社区卫生服务中心上门评估", "owner": worker,
                                                        "due_on": today + datetime.timedelta(days=rng.randint(-3, 10))})
        if stage != "planning" or ending == "submit":
            services.case_advance(actor=worker, case=case)
            if stage != "planning":
                approve()
    if "intervention" in reached:
        for n in range(rng.randint(2, 6)):
            services.session_record(actor=worker, case=case, data={
                "held_on": today, "minutes": rng.choice([30, 45, 60, 90]), "place": "服务对象家中",
                "method": rng.choice(["home", "interview", "phone"]), "approach": "任务中心模式",
                "content": f"第{n + 1}次服务：了解近况，围绕目标开展会谈", "progress": "服务对象参与积极"})
        if stage != "intervention":
            services.case_advance(actor=worker, case=case)
    if stage == "evaluation" and ending == "submit" or stage == "closed":
        services.evaluation_record(actor=worker, case=case, data={
            "client_feedback": "感觉有人关心，心情好多了", "reflection": "目标基本达成，需持续关注"},
            ratings={g.pk: rng.choice([2, 3]) for g in case.current_plan().goals.all()})
        services.case_close(actor=worker, case=case, reason=ending if stage == "closed" else "goals_met",
                            summary="服务目标基本达成，服务对象社会支持网络有所改善")
        if stage == "closed":
            approve()
    _date_back(case, rng, today)
    return case


def _date_back(case, rng, today) -> None:
    """Spread the case over the past months: opened, accepted, sessions a week apart."""
    start = today - datetime.timedelta(days=rng.randint(20, 150))
    accepted = start + datetime.timedelta(days=2) if case.accepted_on else None
    Case.objects.filter(pk=case.pk).update(opened_on=start, accepted_on=accepted, consent_on=accepted)
    case.assessments.update(assessed_on=start + datetime.timedelta(days=4))
    for n, session in enumerate(case.sessions.order_by("id")):
        Session.objects.filter(pk=session.pk).update(
            held_on=min(today, start + datetime.timedelta(days=7 * (n + 1))))
    if case.closed_on:
        closed = min(today, start + datetime.timedelta(days=7 * (case.sessions.count() + 2)))
        Case.objects.filter(pk=case.pk).update(closed_on=closed)
        for follow_up, days in zip(case.follow_ups.order_by("due_on"), services.FOLLOW_UP_AFTER_DAYS, strict=False):
            FollowUp.objects.filter(pk=follow_up.pk).update(due_on=closed + datetime.timedelta(days=days))


def seed_referrals() -> int:
    """Two referrals out of 西园 (one to 三里庵 waiting for an answer, one to the 残联 with its
    outcome), so both sides of the referral pages have something to show."""
    from wushe.casework.models import Referral
    from wushe.core.models import Station

    worker = User.objects.filter(username="shegong").first()
    other = User.objects.filter(username="shegong_b").first()
    if worker is None or other is None or Referral.objects.exists():
        return 0
    cases = list(Case.objects.filter(lead=worker, stage="intervention", sensitive=False).order_by("id")[:2])
    if len(cases) < 2:
        return 0
    to_station = Station.objects.get(pk=other.assignments.get().station_id)
    services.referral_create(actor=worker, resident=cases[0].resident, case=cases[0], data={
        "to_station": to_station, "reason": "服务对象已搬至女儿家（三里庵街道）居住，需就近继续服务",
        "shared_info": "基本情况、预估摘要、已开展的3次服务", "consent": "agreed"})
    outside = services.referral_create(actor=worker, resident=cases[1].resident, case=cases[1], data={
        "to_agency": "蜀山区残疾人联合会", "to_kind": "disability", "reason": "需要康复辅具适配",
        "shared_info": "残疾类别与等级、居家环境", "consent": "agreed"})
    services.referral_outcome(actor=worker, referral=outside, outcome="已完成轮椅与助行器适配，残联将定期回访")
    return 2
