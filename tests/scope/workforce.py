"""The scope matrix's workforce section (see tests/scope/__init__.py): a place's worker
profiles (one attending a session, one spare), their certificate and exam entry, a course
its station organizes with one session, and the standards its street set."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from tests.factories import user
from tests.scope import Route
from wushe.accounts.roles import Action, Role
from wushe.workforce import services
from wushe.workforce.models import (
    Attendance,
    Exam,
    Policy,
    Qualification,
    StaffingRule,
    Training,
    TrainingRule,
    TrainingSession,
    Worker,
)

_numbers = itertools.count(1)


def _today():
    return timezone.localdate()


def _street(place):
    """A 街道管理员 of the place's street: builds everything (standards included)."""
    if "wf_street" not in place.extra:
        place.extra["wf_street"] = user(f"wf_street_{place.key}", Role.STREET, division=place.station.division)
    return place.extra["wf_street"]


def worker(place, part: str = "worker"):
    """``part``: worker (certified, attending the session), spare (not yet at the session),
    qualification, exam, training, session, staffing_rule, training_rule, policy."""
    if "wf_worker" not in place.extra:
        actor, today = _street(place), _today()
        extra = place.extra
        for key, name in (("wf_worker", f"{place.key}社工甲"), ("wf_spare", f"{place.key}社工乙")):
            extra[key] = services.worker_save(actor=actor, data={
                "name": name, "station": place.station, "post": "full_time", "education": "bachelor",
                "joined_on": today - datetime.timedelta(days=900)})
        extra["wf_qualification"] = services.qualification_add(actor=actor, worker=extra["wf_worker"], data={
            "level": 1, "certificate_number": f"SCOPE-{place.key}-{next(_numbers)}",
            "obtained_on": today - datetime.timedelta(days=700)})
        extra["wf_exam"] = services.exam_save(actor=actor, worker=extra["wf_worker"], data={
            "year": today.year - 1, "level": 2, "results_in": False, "subjects_passed": []})
        extra["wf_training"] = services.training_save(actor=actor, data={
            "kind": Training.Kind.CONTINUING, "title": f"{place.key}继续教育", "station": place.station})
        extra["wf_session"] = services.session_save(actor=actor, training=extra["wf_training"], data={
            "held_on": today - datetime.timedelta(days=1), "hours": Decimal("3"), "trainer": "王老师",
            "place": "会议室"})
        services.attendance_mark(actor=actor, session=extra["wf_session"], workers=[extra["wf_worker"]])
        street = place.station.division
        extra["wf_staffing_rule"] = services.staffing_rule_save(actor=actor, data={
            "division": street, "tier": "room", "kind": "", "minimum": 2})
        extra["wf_training_rule"] = services.training_rule_save(actor=actor, data={
            "division": street, "tier": "station", "kind": "", "minimum": 2})
        extra["wf_policy"] = services.policy_save(actor=actor, data={
            "division": street, "ce_hours": Decimal("72"), "ce_years": 3, "subsidy_assistant": Decimal("200")})
    return place.extra[f"wf_{part}"]


def _pk(part):
    return lambda p: {"pk": worker(p, part).pk}


def _rule(part, data):
    return {f"workforce:{part}_edit": Route(_pk(part), ("GET", "POST"), lambda p: data,
                                            own_needs=Action.STATION_CREATE),
            f"workforce:{part}_delete": Route(_pk(part), ("POST",), lambda p: {}, own_needs=Action.STATION_CREATE)}


ROUTES: dict = {
    "workforce:worker": Route(_pk("worker")),
    "workforce:worker_edit": Route(_pk("worker"), ("GET", "POST"), lambda p: {
        "name": "改过的名字", "station": p.station.pk, "agency": "", "post": "part_time", "grade": "",
        "education": "master", "major": "社会工作", "mobile": "", "joined_on": "2020-01-02", "username": ""}),
    "workforce:worker_leave": Route(_pk("worker"), ("POST",), lambda p: {"status": "left",
                                                                          "left_on": _today().isoformat()}),
    "workforce:qualification_add": Route(_pk("worker"), ("GET", "POST"), lambda p: {
        "level": "2", "certificate_number": f"NEW-{next(_numbers)}", "obtained_on": _today().isoformat()}),
    "workforce:exam_add": Route(_pk("worker"), ("GET", "POST"), lambda p: {"year": str(_today().year),
                                                                            "level": "1"}),
    "workforce:qualification_end": Route(_pk("qualification"), ("GET", "POST"), lambda p: {
        "ended_on": _today().isoformat(), "reason": "证书注销"}),
    "workforce:exam_edit": Route(_pk("exam"), ("GET", "POST"), lambda p: {
        "year": str(_today().year - 1), "level": "2", "results_in": "on", "subjects_passed": ["law_2"]}),
    "workforce:training": Route(_pk("training")),
    "workforce:training_edit": Route(_pk("training"), ("GET", "POST"), lambda p: {
        "kind": "continuing", "title": "改过的培训", "audience": "", "description": ""}),
    "workforce:session_new": Route(_pk("training"), ("GET", "POST"), lambda p: {
        "held_on": _today().isoformat(), "hours": "2", "topic": "", "trainer": "李老师", "place": "活动室"}),
    "workforce:session": Route(_pk("session"), ("GET", "POST"), lambda p: {
        "action": "mark", "workers": [worker(p, "spare").pk]}),
    "workforce:session_edit": Route(_pk("session"), ("GET", "POST"), lambda p: {
        "held_on": _today().isoformat(), "hours": "4", "topic": "改过的主题", "trainer": "李老师", "place": "活动室"}),
    **_rule("staffing_rule", {"tier": "room", "kind": "", "minimum": "3", "note": "改过"}),
    **_rule("training_rule", {"tier": "station", "kind": "", "minimum": "5", "note": "改过"}),
    **_rule("policy", {"ce_hours": "24", "ce_years": "1", "subsidy_assistant": "1", "subsidy_social": "2",
                       "subsidy_senior": "3", "note": "改过"}),
    "api:worker": Route(lambda p: {"worker_id": worker(p).pk}, api=True, action=Action.WORKFORCE_MANAGE),
    "api:training": Route(lambda p: {"training_id": worker(p, "training").pk}, api=True,
                          action=Action.WORKFORCE_MANAGE),
}


def snapshot(place) -> tuple:
    station, street = place.station, place.station.division
    return (
        sorted(Worker.objects.filter(station=station).values_list(
            "pk", "name", "status", "post", "education", "joined_on", "user_id")),
        sorted(Qualification.objects.filter(worker__station=station).values_list(
            "pk", "level", "certificate_number", "ended_on")),
        sorted((e.pk, e.year, e.level, e.results_in, tuple(e.subjects_passed))
               for e in Exam.objects.filter(worker__station=station)),
        sorted(Training.objects.filter(station=station).values_list("pk", "title", "kind")),
        sorted(TrainingSession.objects.filter(training__station=station).values_list(
            "pk", "held_on", "hours", "trainer", "topic")),
        sorted(Attendance.objects.filter(session__training__station=station).values_list("pk", "worker_id")),
        sorted(StaffingRule.objects.filter(division=street).values_list("pk", "tier", "kind", "minimum", "note")),
        sorted(TrainingRule.objects.filter(division=street).values_list("pk", "tier", "kind", "minimum", "note")),
        sorted(Policy.objects.filter(division=street).values_list("pk", "ce_hours", "ce_years", "subsidy_assistant")),
    )
