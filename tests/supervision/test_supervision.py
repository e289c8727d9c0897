"""Supervision: the pool kept by managers for an area, sessions recorded by the station."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from pypdf import PdfReader

from tests.casework.factories import open_case
from tests.factories import user
from tests.people import factories as people_factories
from wushe.accounts.roles import Role
from wushe.supervision import selectors, services
from wushe.supervision.models import SupervisionSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert(net, people):
    """An external expert in the district's pool, added by the 民政 official."""
    return services.supervisor_save(actor=people["civil"], data={
        "name": "周教授", "kind": "external", "organization": "安徽大学社会与政治学院",
        "qualification": "高级社会工作师", "specialties": "老年社会工作", "division": net.county})


def _record(people, net, expert, **over):
    data = {"supervisor": expert, "kind": "group", "held_on": people_factories.today(), "minutes": 90,
            "topics": "独居老人个案的风险评估", "record": "讨论了跌倒风险评估工具的使用", "actions": "下周完成复评"}
    data |= over.pop("data", {})
    return services.session_record(actor=people["worker"], station=net.station_a, data=data,
                                   attendees=over.pop("attendees", [people["worker"], people["head"]]), **over)


def test_the_pool_is_kept_by_managers_of_the_area(net, people, expert):
    with pytest.raises(Http404):  # a 社工 keeps no pool
        services.supervisor_save(actor=people["worker"], data={
            "name": "x", "kind": "external", "qualification": "x", "division": net.street_a})
    with pytest.raises(Http404):  # nor does a street for the district above it
        services.supervisor_save(actor=people["street"], data={
            "name": "x", "kind": "external", "qualification": "x", "division": net.county})
    # A district's pool serves every station below it, and is seen there.
    assert list(selectors.supervisors_for(station=net.station_a)) == [expert]
    assert expert in selectors.supervisor_list(user=people["worker"])
    assert expert not in selectors.supervisor_list(user=people["worker_other"])


def test_a_session_links_readable_cases_and_is_counted(net, people, expert):
    case = open_case(net, people)
    session = _record(people, net, expert, cases=[case])
    assert list(session.cases.all()) == [case]
    totals = selectors.session_totals(SupervisionSession.objects.all())
    assert totals == {"sessions": 1, "hours": 1.5, "individual": 0, "group": 1}
    colleague = user("t_tongshi", Role.WORKER, station=net.station_a)
    with pytest.raises(ValidationError, match="您可查看"):
        services.session_record(actor=colleague, station=net.station_a, cases=[case], attendees=[colleague], data={
            "supervisor": expert, "kind": "individual", "held_on": people_factories.today(), "minutes": 30,
            "topics": "x", "record": "x"})


def test_session_rules_name_the_field(net, people, expert):
    with pytest.raises(ValidationError) as caught:
        _record(people, net, expert, attendees=[people["worker_b"]],
                data={"held_on": people_factories.today() + datetime.timedelta(days=1)})
    assert set(caught.value.message_dict) == {"held_on", "attendees"}
    with pytest.raises(ValidationError, match="个别督导只有一名"):
        _record(people, net, expert, data={"kind": "individual"})
    far = services.supervisor_save(actor=people["civil"], data={
        "name": "远方专家", "kind": "external", "qualification": "x", "division": net.street_b})
    with pytest.raises(ValidationError, match="不服务本站点"):
        _record(people, net, expert, data={"supervisor": far})


def test_pages_and_the_record_form(net, people, expert, login):
    client = login(people["worker"])
    response = client.post("/supervision/new/", {
        "station": net.station_a.pk, "supervisor": expert.pk, "kind": "individual",
        "held_on": people_factories.today().isoformat(), "minutes": "60", "attendees": [people["worker"].pk],
        "topics": "个案会谈技巧", "record": "示范了动机式访谈", "actions": ""})
    session = SupervisionSession.objects.get()
    assert response.status_code == 302
    page = client.get(f"/supervision/{session.pk}/").content.decode()
    assert "示范了动机式访谈" in page and "周教授" in page
    assert "1.0" in client.get("/supervision/").content.decode()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        client.get(f"/supervision/{session.pk}/record.pdf").content)).pages)
    assert "督导记录表" in text and "示范了动机式访谈" in text and "周教授" in text
    blank = client.get("/supervision/forms/session/blank.pdf")
    assert blank.status_code == 200 and "周教授" not in "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(blank.content)).pages)
    assert login(people["worker_b"]).get(f"/supervision/{session.pk}/").status_code == 404
    assert "周教授" in login(people["worker"]).get("/supervision/supervisors/").content.decode()


def test_a_station_head_cannot_take_over_the_districts_expert(net, people, expert, login):
    client = login(people["head"])
    url = f"/supervision/supervisors/{expert.pk}/edit/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "被改", "kind": "external", "qualification": "x",
                             "division": net.street_a.code, "active": ""}).status_code == 404
    from wushe.supervision.models import Supervisor

    stored = Supervisor.objects.get(pk=expert.pk)
    assert (stored.name, stored.active, stored.division_id) == ("周教授", True, net.county.code)
    stored.division = net.street_a  # a service call with the division already changed is refused too
    with pytest.raises(Http404):
        services.supervisor_save(actor=people["head"], supervisor=stored, data={"division": net.street_a})


def test_a_record_discussing_a_sensitive_case_is_for_those_present(net, people, expert, login, client):
    from wushe.accounts.services import api_token_issue

    case = open_case(net, people, sensitive=True)
    session = _record(people, net, expert, cases=[case], attendees=[people["worker"]],
                      data={"kind": "individual", "topics": "家暴个案的安全计划", "record": "讨论庇护安排"})
    colleague = user("t_tongshi", Role.WORKER, station=net.station_a)
    other = login(colleague)
    assert other.get(f"/supervision/{session.pk}/").status_code == 404
    assert other.get(f"/supervision/{session.pk}/record.pdf").status_code == 404
    listing = other.get("/supervision/").content.decode()
    assert "家暴个案的安全计划" not in listing and "涉及保密个案" in listing
    token, _obj = api_token_issue(user=colleague)
    item = client.get("/api/v1/supervisions", headers={"Authorization": f"Bearer {token}"}).json()["items"][0]
    assert item["topics"] is None
    assert "讨论庇护安排" in login(people["worker"]).get(f"/supervision/{session.pk}/").content.decode()
