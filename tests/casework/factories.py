"""Cases for tests, opened and moved through the MZ/T 094 stages by the services."""

import datetime

from django.utils import timezone

from tests.people import factories as people_factories
from wushe.casework import services
from wushe.casework.models import Approval, Case


def today() -> datetime.date:
    return timezone.localdate()


def open_case(net, people, *, resident=None, lead=None, supervisor="supervisor", **fields) -> Case:
    """A case at 西园 opened by the 社工, supervised by the 督导 unless told otherwise."""
    resident = resident or people_factories.resident("王大爷", station=net.station_a)
    data = {"source": Case.Source.SELF, "presenting_problem": "独居，近期情绪低落，不愿出门", **fields}
    if supervisor:
        data["supervisor"] = people[supervisor]
    return services.case_open(actor=lead or people["worker"], resident=resident, data=data)


def approve_pending(case, people, approver="supervisor") -> None:
    pending = case.pending_approval()
    if pending:
        services.approval_decide(actor=people[approver], approval=pending, approve=True)


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def to_stage(case, stage: str, people) -> Case:
    """Move ``case`` forward to ``stage`` the way a worker and their supervisor would."""
    worker = case.lead
    steps = {
        Case.Stage.INTAKE: lambda c: services.case_accept(actor=worker, case=c, consent_by="self", consent_on=today()),
        Case.Stage.ASSESSMENT: lambda c: (services.assessment_add(actor=worker, case=c, data={
            "person": "身体尚可，情绪低落", "summary": "社会支持薄弱，孤独感强", "need_analysis": "需要情绪支持和社区联结"}),
            services.case_advance(actor=worker, case=c)),
        Case.Stage.PLANNING: lambda c: (services.plan_save(actor=worker, case=c, aim="缓解孤独，重建社区联结",
                                                           goals=[("改善情绪", "老年抑郁量表得分下降3分"),
                                                                  ("参与社区活动", "每月参加2次以上")],
                                                           sessions_planned=6),
                                        services.case_advance(actor=worker, case=c)),
        Case.Stage.INTERVENTION: lambda c: (services.session_record(actor=worker, case=c, data={
            "held_on": today(), "minutes": 60, "place": "服务对象家中", "method": "home",
            "content": "入户面谈，倾听近况", "progress": "愿意参加下周的手工小组"}),
            services.case_advance(actor=worker, case=c)),
    }
    while case.stage != stage:
        steps[case.stage](case)
        case = fresh(case)
        approve_pending(case, people)
        case = fresh(case)
    return case


def evaluate(case, people) -> None:
    goals = case.current_plan().goals.all()
    services.evaluation_record(actor=case.lead, case=case, data={"client_feedback": "感觉有人关心", "reflection": "目标基本达成"},
                               ratings={g.pk: 2 for g in goals})


PENDING = Approval.Status.PENDING
