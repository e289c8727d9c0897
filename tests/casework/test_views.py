"""The case pages: work lists, intake by search, each step's form, approval, the PDFs."""

import io

import pytest
from pypdf import PdfReader

from tests.casework.factories import evaluate, fresh, open_case, to_stage, today
from tests.people import factories as people_factories
from wushe.casework.models import Case
from wushe.casework.record_forms import FORMS
from wushe.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_intake_finds_the_resident_by_search_then_opens_the_case(net, people, login):
    wang = people_factories.resident("王大爷", station=net.station_a)
    people_factories.resident("王小二", station=net.station_b)
    client = login(people["worker"])
    found = client.get("/cases/new/", {"q": "王"}).content.decode()
    assert f"?resident={wang.pk}" in found and "王小二" not in found
    form = client.get("/cases/new/", {"resident": wang.pk}).content.decode()
    assert "求助问题" in form and people["supervisor"].username in form
    response = client.post("/cases/new/", {"resident": wang.pk, "source": "visit", "presenting_problem": "独居，行动不便",
                                           "urgency": "urgent", "risk": "medium", "opened_on": today().isoformat(),
                                           "supervisor": people["supervisor"].pk})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert (case.resident, case.lead, case.supervisor, case.urgency) == (wang, people["worker"], people["supervisor"],
                                                                        "urgent")


def test_intake_form_errors_name_the_field(net, people, login):
    wang = people_factories.resident("王大爷", station=net.station_a)
    page = login(people["worker"]).post("/cases/new/", {"resident": wang.pk, "source": "", "presenting_problem": "",
                                                        "urgency": "normal", "risk": "low",
                                                        "opened_on": today().isoformat()}).content.decode()
    assert "这个字段是必填项" in page and not Case.objects.exists()


def test_a_case_taken_through_every_stage_in_the_pages(net, people, login):
    case = open_case(net, people)
    worker, supervisor = login(people["worker"]), None
    assert worker.post(f"/cases/{case.pk}/accept/", {"consent_by": "self",
                                                      "consent_on": today().isoformat()}).status_code == 302
    worker.post(f"/cases/{case.pk}/assessments/new/", {"assessed_on": today().isoformat(), "person": "情绪低落",
                                                        "summary": "孤独感强", "need_analysis": "需要陪伴"})
    worker.post(f"/cases/{case.pk}/advance/")
    pending = fresh(case).pending_approval()
    page = worker.get(f"/cases/{case.pk}/").content.decode()
    assert "等待 t_dudao" in page  # where the case waits, and for whom

    supervisor = login(people["supervisor"])
    assert f"/cases/{case.pk}/approvals/{pending.pk}/" in supervisor.get("/cases/", {"tab": "approvals"}).content.decode()
    supervisor.post(f"/cases/{case.pk}/approvals/{pending.pk}/", {"decision": "approve", "comment": ""})
    assert fresh(case).stage == "planning"

    worker = login(people["worker"])
    worker.post(f"/cases/{case.pk}/plan/", {"aim": "缓解孤独", "goals": "改善情绪 | 量表下降3分\n参与活动｜每月2次",
                                            "sessions_planned": "6", "note": ""})
    assert [(g.text, g.indicator) for g in fresh(case).current_plan().goals.all()] == [
        ("改善情绪", "量表下降3分"), ("参与活动", "每月2次")]
    worker.post(f"/cases/{case.pk}/advance/")
    login(people["supervisor"]).post(f"/cases/{case.pk}/approvals/{fresh(case).pending_approval().pk}/",
                                     {"decision": "approve"})
    worker = login(people["worker"])
    worker.post(f"/cases/{case.pk}/sessions/new/", {"held_on": today().isoformat(), "minutes": "50", "place": "家中",
                                                     "method": "home", "content": "倾听与情绪疏导"})
    worker.post(f"/cases/{case.pk}/advance/")
    case = fresh(case)
    assert case.stage == "evaluation"
    goals = case.current_plan().goals.all()
    worker.post(f"/cases/{case.pk}/evaluation/", {"evaluated_on": today().isoformat(), "client_feedback": "好多了",
                                                  "reflection": "达成", **{f"goal_{g.pk}": "3" for g in goals}})
    worker.post(f"/cases/{case.pk}/close/", {"closure_reason": "goals_met", "closure_summary": "目标达成"})
    login(people["supervisor"]).post(f"/cases/{case.pk}/approvals/{fresh(case).pending_approval().pk}/",
                                     {"decision": "approve"})
    case = fresh(case)
    assert case.stage == "closed" and case.follow_ups.count() == 2


def test_a_returned_step_shows_the_comment(net, people, login):
    case = to_stage(open_case(net, people), Case.Stage.ASSESSMENT, people)
    client = login(people["worker"])
    client.post(f"/cases/{case.pk}/assessments/new/", {"assessed_on": today().isoformat(), "person": "x",
                                                        "summary": "x", "need_analysis": "x"})
    client.post(f"/cases/{case.pk}/advance/")
    approval = fresh(case).pending_approval()
    refused = login(people["supervisor"]).post(f"/cases/{case.pk}/approvals/{approval.pk}/", {"decision": "return"})
    assert "退回时请写明意见" in refused.content.decode()
    login(people["supervisor"]).post(f"/cases/{case.pk}/approvals/{approval.pk}/",
                                     {"decision": "return", "comment": "请补充家庭系统"})
    assert "请补充家庭系统" in login(people["worker"]).get(f"/cases/{case.pk}/").content.decode()


def test_a_guard_refusal_is_shown_as_a_message(net, people, login):
    case = to_stage(open_case(net, people), Case.Stage.ASSESSMENT, people)
    response = login(people["worker"]).post(f"/cases/{case.pk}/advance/", follow=True)
    assert "请先完成至少一次预估" in response.content.decode()


def test_the_work_lists(net, people, login):
    case = to_stage(open_case(net, people), Case.Stage.PLANNING, people)
    from wushe.casework import services

    services.task_add(actor=people["worker"], case=case, data={"text": "联系社区医生", "owner": people["worker"],
                                                              "due_on": today()})
    client = login(people["worker"])
    assert "联系社区医生" in client.get("/cases/", {"tab": "tasks"}).content.decode()
    mine = client.get("/cases/").content.decode()
    assert case.number in mine
    assert case.number in client.get("/cases/", {"stage": "planning"}).content.decode()
    assert case.number not in client.get("/cases/", {"stage": "closed"}).content.decode()
    assert "没有等待您审批的事项" in client.get("/cases/", {"tab": "approvals"}).content.decode()


@pytest.mark.parametrize("form", list(FORMS))
def test_every_record_form_prints_the_records_fields(net, people, login, form):
    case = to_stage(open_case(net, people, presenting_problem="独居，近期情绪低落"), Case.Stage.EVALUATION, people)
    evaluate(case, people)
    text = pdf_text(login(people["worker"]).get(f"/cases/{case.pk}/forms/{form}.pdf"))
    name = FORMS[form][0]
    assert name in text and case.number in text and "王大爷" in text and "社工签名" in text
    expected = {"intake": ["独居，近期情绪低落", "主动求助"], "assessment": ["社会支持薄弱，孤独感强"],
                "plan": ["缓解孤独，重建社区联结", "老年抑郁量表得分下降3分"], "sessions": ["入户面谈，倾听近况"],
                "closure": ["基本达成", "感觉有人关心"]}[form]
    for value in expected:
        assert value in text.replace("\n", ""), value
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED, object_id=str(case.pk)).get()
    assert entry.detail == {"form": form}


@pytest.mark.parametrize("form", list(FORMS))
def test_every_blank_form_has_its_labels_and_no_data(net, people, login, form):
    open_case(net, people)
    text = pdf_text(login(people["worker"]).get(f"/cases/forms/{form}/blank.pdf"))
    assert FORMS[form][0] in text and "服务对象" in text and "王大爷" not in text


def test_an_unknown_form_is_404(net, people, login):
    case = open_case(net, people)
    client = login(people["worker"])
    assert client.get(f"/cases/{case.pk}/forms/nothing.pdf").status_code == 404
    assert client.get("/cases/forms/nothing/blank.pdf").status_code == 404


def test_the_residents_file_lists_their_cases_but_hides_a_sensitive_one_from_colleagues(net, people, login):
    from tests.factories import user
    from wushe.accounts.roles import Role

    resident = people_factories.resident("王大爷", station=net.station_a)
    plain = open_case(net, people, resident=resident)
    secret = open_case(net, people, resident=resident, sensitive=True)
    mine = login(people["worker"]).get(f"/people/{resident.pk}/").content.decode()
    assert plain.number in mine and secret.number in mine
    colleague = user("t_tongshi", Role.WORKER, station=net.station_a)
    theirs = login(colleague).get(f"/people/{resident.pk}/").content.decode()
    assert plain.number in theirs and secret.number not in theirs
    assert "个案与小组" not in login(people["street"]).get(f"/people/{resident.pk}/").content.decode()


def test_a_supervisor_lists_the_cases_they_supervise(net, people, login):
    case = open_case(net, people)
    other = open_case(net, people, supervisor=None, resident=people_factories.resident("李四", station=net.station_a))
    page = login(people["supervisor"]).get("/cases/", {"tab": "supervised"}).content.decode()
    assert case.number in page and other.number not in page
