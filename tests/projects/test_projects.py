"""Service projects: progress counted from the records linked to the project (never typed), a
lifecycle that moves one step at a time with its conditions, evaluations on a scoring sheet,
spending within the budget, and the buyer and the contractor each doing their own part."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from tests.people.factories import mobile
from tests.volunteers.factories import past, volunteer
from tests.volunteers.factories import project as volunteer_project
from wushe.activities import services as activity_services
from wushe.projects import indicators, selectors, services
from wushe.projects.models import ScoringSheet, ServiceProject

pytestmark = pytest.mark.django_db


def _project(net, people, *, stage="running", **extra):
    today = timezone.localdate()
    data = {"title": "西园购买服务", "kind": "purchase", "division": net.street_a, "funder": "西园街道办事处",
            "budget": Decimal("100000"), "starts_on": today - datetime.timedelta(days=60),
            "ends_on": today + datetime.timedelta(days=300), "target_groups": "老人", **extra}
    project = services.project_save(actor=people["street"], stations=[net.station_a], data=data)
    services.target_set(actor=people["street"], project=project, indicator="attendances", value=4)
    for step in ServiceProject.ORDER[1:ServiceProject.ORDER.index(stage) + 1]:
        services.project_advance(actor=people["street"], project=project, to=step)
    return project


def _activity(net, people, days_ago=5, title="游园会"):
    start = timezone.now() - datetime.timedelta(days=days_ago)
    activity = activity_services.activity_save(actor=people["worker"], station=net.station_a, data={
        "title": title, "category": "health", "starts_at": start, "ends_at": start + datetime.timedelta(hours=2),
        "capacity": 50, "place": "广场"})
    return activity


def test_progress_counts_only_linked_records_in_the_period(net, people, login):
    project = _project(net, people)
    counted, other = _activity(net, people), _activity(net, people, title="别的活动")
    before = _activity(net, people, days_ago=90, title="立项前的活动")  # before the project's period
    # Last four digits that cannot occur in a division code or a date on the page.
    numbers = ["13987658765", "13987659876", "13987656789"]
    for n in numbers:
        activity_services.sign_in(activity=counted, name="居民", mobile=n, actor=people["worker"])
    activity_services.sign_in(activity=other, name="居民", mobile=mobile(), actor=people["worker"])
    activity_services.sign_in(activity=before, name="居民", mobile=mobile(), actor=people["worker"])
    services.link(actor=people["worker"], project=project, kind="activity", record=counted)
    services.link(actor=people["worker"], project=project, kind="activity", record=before)
    values = {row["indicator"].key: row for row in selectors.progress(project)}
    assert values["activities"]["actual"] == 1 and values["attendances"]["actual"] == 3
    assert values["attendances"]["target"] == 4 and values["attendances"]["share"] == 75
    assert not values["attendances"]["met"]
    # Every number opens: the records behind it are the three sign-ins, nothing else.
    page = login(people["street"]).get(f"/projects/{project.pk}/indicators/attendances/").content.decode()
    assert page.count(counted.title) == 3 and "别的活动" not in page and "立项前的活动" not in page
    civil = login(people["civil"]).get(f"/projects/{project.pk}/indicators/attendances/").content.decode()
    assert "***" in civil and numbers[0][-4:] not in civil  # no personal data for the district


def test_volunteer_hours_count_from_the_linked_volunteer_project(net, people):
    project = _project(net, people)
    vp = volunteer_project(people["worker"], net.station_a)
    v = volunteer(people["worker"], net.station_a)
    from wushe.volunteers import services as volunteer_services

    volunteer_services.hours_enter(actor=people["worker"], project=vp, volunteer=v, data=past(30, 90))
    assert selectors.value(project, indicators.INDICATORS["volunteer_hours"]) == 0
    services.link(actor=people["worker"], project=project, kind="volunteer_project", record=vp)
    assert selectors.value(project, indicators.INDICATORS["volunteer_hours"]) == 1.5
    assert selectors.value(project, indicators.INDICATORS["volunteer_times"]) == 1


def test_links_are_records_of_the_projects_stations_the_user_manages(net, people):
    project = _project(net, people)
    elsewhere = activity_services.activity_save(actor=people["worker_b"], station=net.station_b, data={
        "title": "三里庵活动", "category": "health", "starts_at": timezone.now(),
        "ends_at": timezone.now() + datetime.timedelta(hours=1), "capacity": 5, "place": "广场"})
    with pytest.raises(Http404):
        services.link(actor=people["worker_b"], project=project, kind="activity", record=elsewhere)
    with pytest.raises(Http404):  # the street official does not manage activities
        services.link(actor=people["street"], project=project, kind="activity", record=_activity(net, people))
    applied = _project(net, people, stage="applied", title="申报中的项目")
    with pytest.raises(ValidationError, match="立项后"):
        services.link(actor=people["worker"], project=applied, kind="activity", record=_activity(net, people))
    assert selectors.candidates(user=people["worker"], project=project, kind="activity").count() == 2


def test_the_lifecycle_moves_one_step_at_a_time_on_its_conditions(net, people):
    street = people["street"]
    project = _project(net, people, stage="applied")
    with pytest.raises(ValidationError, match="下一阶段"):
        services.project_advance(actor=street, project=project, to="running")
    services.target_set(actor=street, project=project, indicator="attendances", value="")
    services.project_advance(actor=street, project=project, to="review")
    with pytest.raises(ValidationError, match="产出指标"):
        services.project_advance(actor=street, project=project, to="approved")
    with pytest.raises(ValidationError, match="理由"):
        services.project_advance(actor=street, project=project, to="rejected")
    services.project_advance(actor=street, project=project, to="rejected", note="预算超出年度额度")
    with pytest.raises(ValidationError, match="归档或未立项"):
        services.target_set(actor=street, project=project, indicator="cases", value=3)

    running = _project(net, people, title="执行中")
    with pytest.raises(ValidationError, match="立项后"):
        services.target_set(actor=street, project=running, indicator="cases", value=3)
    services.project_advance(actor=street, project=running, to="midterm")
    with pytest.raises(ValidationError, match="中期评估"):
        services.project_advance(actor=street, project=running, to="final")
    sheet = ScoringSheet.objects.get()
    full = {c.pk: c.points for c in sheet.criteria.all()}
    evaluation = services.evaluation_record(actor=street, project=running, kind="midterm", sheet=sheet, scores=full,
                                            data={"evaluator": "评估中心", "evaluated_on": timezone.localdate(),
                                                  "findings": "好"},
                                            rectifications=[("补签字", timezone.localdate())])
    assert services.total_of(evaluation) == 100 and services.grade_of(evaluation) == "优秀"
    services.project_advance(actor=street, project=running, to="final")
    services.evaluation_record(actor=street, project=running, kind="final", sheet=sheet, scores=full,
                               data={"evaluator": "评估中心", "evaluated_on": timezone.localdate(), "findings": "好"})
    with pytest.raises(ValidationError, match="整改"):
        services.project_advance(actor=street, project=running, to="archived")
    services.rectification_done(actor=people["worker"], item=evaluation.rectifications.get(), result="已补签")
    services.project_advance(actor=street, project=running, to="archived")
    with pytest.raises(ValidationError, match="归档"):
        services.link(actor=people["worker"], project=running, kind="activity", record=_activity(net, people))


def test_scores_stay_within_each_criterions_points(net, people):
    project = _project(net, people, stage="midterm")
    sheet = ScoringSheet.objects.get()
    scores = {c.pk: c.points + 1 for c in sheet.criteria.all()}
    with pytest.raises(ValidationError) as error:
        services.evaluation_record(actor=people["street"], project=project, kind="midterm", sheet=sheet,
                                   scores=scores, data={"evaluator": "x", "evaluated_on": timezone.localdate(),
                                                        "findings": "x"})
    assert len(error.value.message_dict) == sheet.criteria.count()


def test_a_sheet_from_lines_names_the_bad_line():
    with pytest.raises(ValidationError, match="第2行"):
        services.sheet_create(actor=None, name="街道评估表", lines="项目管理|进度|10\n服务质量|满意|10")
    sheet = services.sheet_create(actor=None, name="街道评估表", lines="项目管理|进度|10\n服务对象满意度|满意|20")
    assert sheet.criteria.count() == 2


def test_spending_never_goes_beyond_its_budget_line(net, people):
    project = _project(net, people)
    with pytest.raises(ValidationError, match="项目预算"):
        services.budget_line_add(actor=people["worker"], project=project, data={
            "category": "staff", "name": "薪酬", "amount": Decimal("100001")})
    line = services.budget_line_add(actor=people["worker"], project=project, data={
        "category": "service", "name": "物资", "amount": Decimal("1000")})
    today = timezone.localdate()
    services.expenditure_add(actor=people["worker"], line=line, data={
        "spent_on": today, "amount": Decimal("800"), "description": "采购"})
    with pytest.raises(ValidationError, match="尚余 200"):
        services.expenditure_add(actor=people["worker"], line=line, data={
            "spent_on": today, "amount": Decimal("201"), "description": "再采购"})
    assert selectors.budget(project)["spent"] == Decimal("800")


def test_the_buyer_sets_up_and_the_contractor_delivers(net, people, login):
    project = _project(net, people)
    worker = login(people["worker"])
    assert worker.get(f"/projects/{project.pk}/").status_code == 200  # their station is served
    assert worker.get(f"/projects/{project.pk}/edit/").status_code == 403
    assert worker.post(f"/projects/{project.pk}/advance/", {"to": "midterm"}).status_code == 403
    assert worker.get("/projects/new/").status_code == 403
    assert login(people["worker_b"]).get(f"/projects/{project.pk}/").status_code == 404
    assert login(people["street"]).get(f"/projects/{project.pk}/edit/").status_code == 200


def test_the_api_gives_the_same_numbers_as_the_page(net, people, client):
    from wushe.accounts.services import api_token_issue

    project = _project(net, people)
    activity = _activity(net, people)
    activity_services.sign_in(activity=activity, name="居民", mobile=mobile(), actor=people["worker"])
    services.link(actor=people["worker"], project=project, kind="activity", record=activity)
    token, _obj = api_token_issue(user=people["street"])
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/projects", headers=headers).json()["count"] == 1
    rows = {r["key"]: r for r in client.get(f"/api/v1/projects/{project.pk}/indicators", headers=headers).json()}
    assert rows["attendances"]["actual"] == 1 and float(rows["attendances"]["target"]) == 4
    assert rows["attendances"]["definition"] == str(indicators.INDICATORS["attendances"].definition)
    other, _obj = api_token_issue(user=people["worker_b"])
    assert client.get(f"/api/v1/projects/{project.pk}", headers={"Authorization": f"Bearer {other}"}
                      ).status_code == 404
