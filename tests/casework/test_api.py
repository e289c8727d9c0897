"""/api/v1/cases: existence for the scope, content for readers, sessions through the service."""

import pytest

from tests.casework.factories import open_case, to_stage, today
from tests.factories import user
from wushe.accounts.roles import Role
from wushe.accounts.services import api_token_issue
from wushe.casework.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def _call(method, url, who, body=None):
        token, _obj = api_token_issue(user=who)
        headers = {"Authorization": f"Bearer {token}"}
        if method == "get":
            return client.get(url, body or {}, headers=headers)
        return client.post(url, body, content_type="application/json", headers=headers)

    return _call


def test_a_colleague_sees_the_case_but_not_its_content(net, people, api):
    case = open_case(net, people, sensitive=True)
    colleague = user("t_tongshi", Role.WORKER, station=net.station_a)
    listed = api("get", "/api/v1/cases", colleague).json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert (item["number"], item["client_name"], item["presenting_problem"]) == (case.number, "（保密）", None)
    assert api("get", f"/api/v1/cases/{case.pk}/sessions", colleague).status_code == 404
    mine = api("get", f"/api/v1/cases/{case.pk}", people["worker"]).json()
    assert (mine["client_name"], mine["presenting_problem"]) == ("王大爷", case.presenting_problem)
    assert api("get", "/api/v1/cases", people["worker_b"]).json()["count"] == 0


def test_sessions_and_plan_follow_the_stage_rules(net, people, api):
    case = open_case(net, people)
    body = {"held_on": today().isoformat(), "minutes": 40, "place": "站内", "method": "interview", "content": "面谈"}
    refused = api("post", f"/api/v1/cases/{case.pk}/sessions", people["worker"], body)
    assert refused.status_code == 422 and "阶段" in refused.json()["detail"][0]["msg"]
    assert api("get", f"/api/v1/cases/{case.pk}/plan", people["worker"]).status_code == 404
    case = to_stage(case, Case.Stage.INTERVENTION, people)
    created = api("post", f"/api/v1/cases/{case.pk}/sessions", people["worker"], body)
    assert created.status_code == 201 and created.json()["minutes"] == 40
    assert api("get", f"/api/v1/cases/{case.pk}/sessions", people["worker"]).json()["count"] == 1
    plan = api("get", f"/api/v1/cases/{case.pk}/plan", people["worker"]).json()
    assert plan["version"] == 1 and [g["indicator"] for g in plan["goals"]] == ["老年抑郁量表得分下降3分", "每月参加2次以上"]
    # The supervisor reads, but only the team records.
    assert api("post", f"/api/v1/cases/{case.pk}/sessions", people["supervisor"], body).status_code == 403


def test_referrals_groups_and_supervisions_are_listed_in_scope(net, people, api):
    from wushe.casework import services
    from wushe.groupwork import services as group_services
    from wushe.supervision import services as supervision_services

    case = to_stage(open_case(net, people), Case.Stage.INTERVENTION, people)
    services.referral_create(actor=people["worker"], resident=case.resident, case=case, data={
        "to_station": net.station_b, "reason": "搬家", "shared_info": "基本情况", "consent": "agreed"})
    colleague = user("t_tongshi", Role.WORKER, station=net.station_a)
    assert api("get", "/api/v1/referrals", people["worker_b"]).json()["items"][0]["reason"] == "搬家"  # receiving
    assert api("get", "/api/v1/referrals", colleague).json()["items"][0]["reason"] is None  # not a case reader
    assert api("get", "/api/v1/referrals", people["worker_other"]).json()["count"] == 0

    group = group_services.group_create(actor=people["worker"], station=net.station_a, leaders=[], data={
        "name": "互助小组", "kind": "support", "aims": "互助", "target": "老人"})
    assert [g["name"] for g in api("get", "/api/v1/groups", people["worker"]).json()["items"]] == ["互助小组"]
    assert api("get", f"/api/v1/groups/{group.pk}", people["worker_b"]).status_code == 404
    assert api("get", f"/api/v1/groups/{group.pk}/sessions", people["worker"]).json()["count"] == 0

    expert = supervision_services.supervisor_save(actor=people["civil"], data={
        "name": "周教授", "kind": "external", "qualification": "高级社会工作师", "division": net.county})
    supervision_services.session_record(actor=people["worker"], station=net.station_a, attendees=[people["worker"]],
                                        data={"supervisor": expert, "kind": "individual", "held_on": today(),
                                              "minutes": 60, "topics": "会谈技巧", "record": "示范"})
    assert api("get", "/api/v1/supervisions", people["worker"]).json()["items"][0]["supervisor"] == "周教授"
    assert api("get", "/api/v1/supervisions", people["worker_b"]).json()["count"] == 0
