"""Community social organizations: filing with the responsible person's numbers encrypted and
only ever shown masked, a change log, unique filing numbers, incubation stages that move one
step at a time with 出壳 earned by records, dissolution that leaves a read-only record, totals
counted from the linked activities and projects, and nothing of another street's."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.organizations.factories import days_ago, organization
from tests.people.factories import id_number, mobile, today
from tests.scope import organizations as scope_organizations
from tests.test_scope_matrix import places  # noqa: F401 - the scope matrix's places, as a fixture
from tests.volunteers.factories import past, project, volunteer
from wushe.accounts.services import api_token_issue
from wushe.activities import services as activity_services
from wushe.activities.models import Activity
from wushe.core.models import AuditEntry
from wushe.core.pii import mask_id_number, mask_mobile, plaintext
from wushe.organizations import selectors, services
from wushe.organizations.models import (
    AnnualReport,
    Change,
    Incubation,
    Member,
    Organization,
    OrganizationActivity,
    Stage,
)
from wushe.volunteers import services as volunteer_services

pytestmark = pytest.mark.django_db


def _activity(people, station, title="重阳节敬老游园会", days=-3):
    start = timezone.now() + datetime.timedelta(days=days)
    return activity_services.activity_save(actor=people["worker"], station=station, data={
        "title": title, "category": "health", "starts_at": start, "ends_at": start + datetime.timedelta(hours=2),
        "capacity": 50, "place": "社区广场"})


def _incubate(people, net, org, on=None):
    return services.incubation_start(actor=people["worker"], organization=org, station=net.station_a, mentor="李娜",
                                     on=on or days_ago(100))


def _move(people, incubation, stage, days=0, reason=""):
    return services.incubation_move(actor=people["worker"], incubation=incubation, stage=stage, on=days_ago(days),
                                    reason=reason)


# --- filing, personal data and the change log -------------------------------------------------

def test_id_and_mobile_are_encrypted_and_shown_masked_everywhere(net, people, login, client):
    number, phone = id_number(datetime.date(1968, 4, 2)), mobile()
    org = organization(people["worker"], net.community_a1, responsible_id_number=number, responsible_mobile=phone)
    with connection.cursor() as cursor:
        cursor.execute("SELECT responsible_id_number, responsible_mobile FROM organizations_organization WHERE id = %s",
                       [org.pk])
        stored_id, stored_mobile = cursor.fetchone()
    assert number not in stored_id and phone not in stored_mobile
    assert org.responsible_id_masked == mask_id_number(number) and org.responsible_mobile_masked == mask_mobile(phone)

    login(people["worker"])
    pages = [client.get(f"/organizations/{org.pk}/"), client.get("/organizations/"),
             client.get(f"/organizations/{org.pk}/edit/")]
    for page in pages:
        body = page.content.decode()
        assert page.status_code == 200 and number not in body and phone not in body
    assert mask_id_number(number) in pages[0].content.decode()
    assert mask_mobile(phone) in pages[2].content.decode()  # the edit form says what is kept, masked

    export = client.get("/organizations/?export=xlsx")
    cells = [c for row in load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(
        values_only=True) for c in row]
    assert mask_id_number(number) in cells and mask_mobile(phone) in cells
    assert number not in cells and phone not in cells
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED,
                                     object_type="organizations.organization").exists()

    token, _tok = api_token_issue(user=people["worker"])
    auth = {"Authorization": f"Bearer {token}"}
    for url in ("/api/v1/organizations", f"/api/v1/organizations/{org.pk}"):
        body = client.get(url, headers=auth).content.decode()
        assert number not in body and phone not in body and mask_id_number(number) in body


def test_editing_keeps_numbers_left_blank_and_logs_each_change_masked(net, people, login):
    number, phone = id_number(), mobile()
    org = organization(people["worker"], net.community_a1, responsible_id_number=number, responsible_mobile=phone)
    client = login(people["worker"])
    new_phone = mobile()
    response = client.post(f"/organizations/{org.pk}/edit/", {
        "name": org.name, "kind": "filed", "category": "life", "division": net.community_a2.code,
        "filing_number": org.filing_number, "filed_on": org.filed_on.isoformat(), "responsible_name": "张建国",
        "responsible_id_number": "", "responsible_mobile": new_phone, "headcount": "25", "place": org.place,
        "business_scope": org.business_scope})
    assert response.status_code == 302
    org.refresh_from_db()
    assert plaintext(org.responsible_id_number) == number  # blank kept what was stored
    assert plaintext(org.responsible_mobile) == new_phone
    change = org.changes.first()
    log = {label: (old, new) for label, old, new in change.changes}
    assert change.by == people["worker"] and change.summary == "变更"
    assert log["负责人"] == ("王桂兰", "张建国") and log["成员人数"] == ("20", "25")
    assert log["组织类别"] == ("公益慈善类", "生活服务类")
    assert log["负责人手机号"] == (mask_mobile(phone), mask_mobile(new_phone))
    assert "负责人身份证号" not in log and phone not in str(change.changes)
    assert org.changes.count() == 2  # filed, then changed
    page = client.get(f"/organizations/{org.pk}/").content.decode()
    assert "张建国" in page and mask_mobile(new_phone) in page and new_phone not in page


@pytest.mark.parametrize(("extra", "field", "message"), [
    ({"responsible_id_number": "340104196804021235"}, "responsible_id_number", "校验"),
    ({"responsible_mobile": "12345"}, "responsible_mobile", "手机"),
    ({"filing_number": ""}, "filing_number", "备案编号"),
    ({"kind": "registered", "legal_form": "social_group", "filing_number": ""}, "credit_code", "统一社会信用代码"),
    ({"kind": "registered", "legal_form": "social_group", "credit_code": "51340104MJ00000010"}, "credit_code",
     "校验位"),
    ({"kind": "registered", "legal_form": "", "credit_code": ""}, "legal_form", "社会团体"),
    ({"filed_on": today() + datetime.timedelta(days=1)}, "filed_on", "晚于今天"),
])
def test_bad_filing_names_the_field(net, people, extra, field, message):
    with pytest.raises(ValidationError) as error:
        organization(people["worker"], net.community_a1, **extra)
    assert field in error.value.message_dict and message in "".join(error.value.message_dict[field])
    assert not Organization.objects.exists()


def test_a_registered_organization_keeps_its_credit_code(net, people):
    first17 = "52340104MJ0000001"
    code = first17 + services.credit_check_char(first17)
    org = organization(people["worker"], net.street_a, kind="registered", legal_form="non_enterprise",
                       credit_code=code.lower(), filing_number="")
    assert org.credit_code == code and org.number == code
    with pytest.raises(ValidationError, match="51"):  # a 社会团体's code is 51…, not 52…
        organization(people["worker"], net.street_a, kind="registered", legal_form="social_group", credit_code=code)
    with pytest.raises(ValidationError) as error:
        organization(people["worker"], net.street_a, kind="registered", legal_form="non_enterprise", credit_code=code,
                     name="另一个")
    assert "已被" in error.value.message_dict["credit_code"][0]


def test_filing_number_is_unique_and_another_streets_holder_is_not_named(net, people):
    org = organization(people["worker"], net.community_a1, filing_number="西园社备〔2024〕007号")
    with pytest.raises(ValidationError) as mine:
        organization(people["worker"], net.community_a2, filing_number=" 西园社备〔2024〕007号 ")
    assert org.name in mine.value.message_dict["filing_number"][0]
    with pytest.raises(ValidationError) as theirs:
        organization(people["worker_b"], net.community_b1, filing_number="西园社备〔2024〕007号")
    assert "其他组织" in theirs.value.message_dict["filing_number"][0] and org.name not in str(theirs.value)
    second = organization(people["worker"], net.community_a1)
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database says so too
        Organization.objects.filter(pk=second.pk).update(filing_number="西园社备〔2024〕007号")
    assert Organization.objects.count() == 2


def test_an_organization_is_filed_with_a_community_or_street_in_scope(net, people):
    with pytest.raises(Http404):
        organization(people["worker"], net.community_b1)
    with pytest.raises(Http404):
        organization(people["worker"], net.county)
    with pytest.raises(ValidationError, match="社区"):  # the district is in the 民政's scope, but not a place to file
        organization(people["civil"], net.county)
    assert organization(people["street"], net.street_a).division == net.street_a


# --- incubation -------------------------------------------------------------------------------

def test_stages_move_forward_one_step_at_a_time(net, people):
    org = organization(people["worker"], net.community_a1)
    incubation = _incubate(people, net, org)
    assert incubation.stage == Stage.INTENT and incubation.stages.count() == 1
    with pytest.raises(ValidationError, match="逐级推进") as skipped:
        _move(people, incubation, Stage.CULTIVATING, 90)
    assert "stage" in skipped.value.message_dict
    _move(people, incubation, Stage.INCUBATING, 90)
    with pytest.raises(ValidationError, match="逐级推进"):  # never backwards
        _move(people, incubation, Stage.INTENT, 80)
    with pytest.raises(ValidationError, match="逐级推进"):
        _move(people, incubation, Stage.GRADUATED, 80)
    with pytest.raises(ValidationError, match="早于"):  # not before the stage it follows began
        _move(people, incubation, Stage.CULTIVATING, 95)
    with pytest.raises(ValidationError, match="晚于今天"):
        services.incubation_move(actor=people["worker"], incubation=incubation, stage=Stage.CULTIVATING,
                                 on=today() + datetime.timedelta(days=1))
    _move(people, incubation, Stage.CULTIVATING, 60)
    incubation.refresh_from_db()
    assert incubation.stage == Stage.CULTIVATING and incubation.stage_on == days_ago(60)
    assert list(incubation.stages.values_list("stage", "on")) == [
        (Stage.INTENT, days_ago(100)), (Stage.INCUBATING, days_ago(90)), (Stage.CULTIVATING, days_ago(60))]


def test_graduating_needs_an_assessment_and_three_mentoring_records(net, people):
    org = organization(people["worker"], net.community_a1)
    incubation = _incubate(people, net, org)
    _move(people, incubation, Stage.INCUBATING, 90)
    _move(people, incubation, Stage.CULTIVATING, 60)
    with pytest.raises(ValidationError, match="能力评估"):
        _move(people, incubation, Stage.GRADUATED, 1)
    scores = {"governance": 2, "finance": 3, "services": 3, "volunteers": 2}
    services.assessment_add(actor=people["worker"], incubation=incubation, data={"on": days_ago(50), **scores})
    for n in range(services.MENTORING_TO_GRADUATE):
        with pytest.raises(ValidationError, match=f"现有 {n} 条"):
            _move(people, incubation, Stage.GRADUATED, 1)
        services.mentoring_add(actor=people["worker"], incubation=incubation, data={
            "on": days_ago(40 - n), "mentor": "", "content": "梳理章程"})
    assert incubation.mentoring.first().mentor == "李娜"  # blank: the incubation's mentor
    _move(people, incubation, Stage.GRADUATED, 1, reason="达标")
    incubation.refresh_from_db()
    assert incubation.stage == Stage.GRADUATED and incubation.ended_on == days_ago(1) and not incubation.is_open
    with pytest.raises(ValidationError, match="出壳"):
        _move(people, incubation, Stage.WITHDRAWN, 0, reason="想退出")
    with pytest.raises(ValidationError, match="不能再添加"):
        services.mentoring_add(actor=people["worker"], incubation=incubation, data={
            "on": today(), "mentor": "", "content": "回访"})
    counts = selectors.category_counts(Organization.objects.all())
    assert counts[0]["category"] == "charity" and (counts[0]["graduated"], counts[0]["incubated"]) == (1, 1)


def test_withdrawing_needs_a_reason_and_ends_it(net, people):
    org = organization(people["worker"], net.community_a1)
    incubation = _incubate(people, net, org)
    with pytest.raises(ValidationError) as error:
        _move(people, incubation, Stage.WITHDRAWN, 10)
    assert "reason" in error.value.message_dict
    _move(people, incubation, Stage.WITHDRAWN, 10, reason="负责人搬离社区")
    incubation.refresh_from_db()
    assert (incubation.stage, incubation.end_reason, incubation.ended_on) == (
        Stage.WITHDRAWN, "负责人搬离社区", days_ago(10))
    with pytest.raises(ValidationError, match="退出"):
        _move(people, incubation, Stage.INCUBATING, 0)
    again = _incubate(people, net, org, on=days_ago(5))  # a new start once it has ended
    assert again.pk != incubation.pk and again.is_open


def test_one_open_incubation_per_organization(net, people):
    org = organization(people["worker"], net.community_a1)
    first = _incubate(people, net, org)
    with pytest.raises(ValidationError, match="进行中"):
        _incubate(people, net, org)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incubation.objects.create(organization=org, station=net.station_a, mentor="x", stage=Stage.INCUBATING,
                                  stage_on=today(), started_on=today(), created_by=people["worker"])
    assert list(org.incubations.all()) == [first]


def test_records_need_valid_values_and_dates(net, people):
    incubation = _incubate(people, net, organization(people["worker"], net.community_a1))
    with pytest.raises(ValidationError) as error:
        services.assessment_add(actor=people["worker"], incubation=incubation, data={
            "on": today(), "governance": 6, "finance": 0, "services": 3, "volunteers": 3})
    assert {"governance", "finance"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError, match="早于孵化开始"):
        services.training_add(actor=people["worker"], incubation=incubation, data={
            "on": days_ago(200), "course": "财务", "hours": Decimal("2")})
    with pytest.raises(ValidationError) as hours:
        services.training_add(actor=people["worker"], incubation=incubation, data={
            "on": today(), "course": "财务", "hours": Decimal("0")})
    assert "hours" in hours.value.message_dict


def test_the_trend_compares_each_assessment_with_the_one_before(net, people):
    incubation = _incubate(people, net, organization(people["worker"], net.community_a1))
    for days, g in ((90, 2), (30, 4)):
        services.assessment_add(actor=people["worker"], incubation=incubation, data={
            "on": days_ago(days), "governance": g, "finance": 2, "services": 3, "volunteers": 1})
    first, second = selectors.assessment_trend(incubation)
    assert first["total"] == 8 and first["total_change"] == 0
    assert second["cells"][0] == (4, 2) and second["total_change"] == 2
    chart = selectors.trend_chart([first, second])
    assert chart["series"][0] == {"name": "治理", "data": [2, 4]}


# --- dissolution: read-only ---------------------------------------------------------------------

def test_dissolution_ends_the_incubation_and_leaves_the_record_read_only(net, people, login):
    worker = people["worker"]
    org = organization(worker, net.community_a1, uses_membership=True)
    incubation = _incubate(people, net, org)
    activity = _activity(people, net.station_a)
    with pytest.raises(ValidationError) as no_reason:
        services.organization_dissolve(actor=worker, organization=org, on=today(), reason=" ")
    assert "reason" in no_reason.value.message_dict
    services.organization_dissolve(actor=worker, organization=org, on=today(), reason="成员迁出")
    org.refresh_from_db()
    incubation.refresh_from_db()
    assert org.status == Organization.Status.DISSOLVED and org.dissolved_on == today()
    assert incubation.stage == Stage.WITHDRAWN and "成员迁出" in incubation.end_reason
    assert org.changes.first().summary == "注销"

    writes = [
        lambda: services.organization_save(actor=worker, organization=org, data={"name": "改名"}),
        lambda: services.organization_dissolve(actor=worker, organization=org, on=today(), reason="再注销"),
        lambda: services.annual_report_save(actor=worker, organization=org, data={
            "year": today().year - 1, "members": 1, "activities_held": 1, "income": 0, "expenditure": 0,
            "submitted_on": today()}),
        lambda: services.member_save(actor=worker, organization=org, data={"name": "甲", "joined_on": today()}),
        lambda: _incubate(people, net, org),
        lambda: services.mentoring_add(actor=worker, incubation=incubation, data={
            "on": today(), "mentor": "", "content": "x"}),
        lambda: services.activity_link(actor=worker, organization=org, activity=activity),
    ]
    for write in writes:
        with pytest.raises(ValidationError, match="只读|注销"):
            write()
    assert Organization.objects.get(pk=org.pk).name == org.name

    client = login(worker)
    for url in (f"/organizations/{org.pk}/edit/", f"/organizations/{org.pk}/reports/new/",
                f"/organizations/{org.pk}/members/new/", f"/organizations/{org.pk}/incubations/new/",
                f"/organizations/{org.pk}/dissolve/", f"/organizations/incubations/{incubation.pk}/stage/"):
        assert client.get(url).status_code == 302, url
        assert client.post(url, {"name": "改名", "year": "2020"}).status_code == 302, url
    assert not AnnualReport.objects.exists() and not Member.objects.exists()
    page = client.get(f"/organizations/{org.pk}/").content.decode()
    assert "记录只读" in page and f"/organizations/{org.pk}/edit/" not in page
    assert "已注销" in client.get("/organizations/?status=dissolved").content.decode()
    assert org.name not in client.get("/organizations/").content.decode()  # the list shows active ones first


def test_the_dissolve_page_asks_for_confirmation(net, people, login):
    org = organization(people["worker"], net.community_a1)
    page = login(people["worker"]).get(f"/organizations/{org.pk}/dissolve/").content.decode()
    assert "data-confirm=" in page and "注销原因" in page


# --- annual reports and members -----------------------------------------------------------------

def test_one_annual_report_per_year(net, people):
    org = organization(people["worker"], net.community_a1)
    data = {"year": today().year - 1, "members": 20, "activities_held": 12, "income": Decimal("3000"),
            "expenditure": Decimal("2800"), "submitted_on": today()}
    report = services.annual_report_save(actor=people["worker"], organization=org, data=data)
    with pytest.raises(ValidationError) as twice:
        services.annual_report_save(actor=people["worker"], organization=org, data=data)
    assert "year" in twice.value.message_dict
    services.annual_report_save(actor=people["worker"], organization=org, report=report, data={**data, "members": 22})
    assert AnnualReport.objects.get().members == 22 and report.balance == Decimal("200")
    with pytest.raises(ValidationError) as before_filing:
        services.annual_report_save(actor=people["worker"], organization=org, data={**data, "year": 2000})
    assert "year" in before_filing.value.message_dict


def test_members_only_where_membership_is_used(net, people):
    org = organization(people["worker"], net.community_a1)
    with pytest.raises(ValidationError, match="会员制"):
        services.member_save(actor=people["worker"], organization=org, data={"name": "甲", "joined_on": today()})
    org = organization(people["worker"], net.community_a1, uses_membership=True, name="广场舞队")
    member = services.member_save(actor=people["worker"], organization=org, data={
        "name": "陈秀英", "joined_on": days_ago(30), "fee_year": today().year})
    with pytest.raises(ValidationError) as error:
        services.member_save(actor=people["worker"], organization=org, member=member, data={"left_on": days_ago(40)})
    assert "left_on" in error.value.message_dict


# --- totals counted from linked records ---------------------------------------------------------

def test_totals_are_counted_from_the_linked_activities_and_projects(net, people):
    worker = people["worker"]
    a = organization(worker, net.community_a1)
    b = organization(worker, net.community_a2)
    held, shared, dropped, other = (_activity(people, net.station_a, title=t) for t in ("游园会", "讲座", "义诊", "无关"))
    phones = [mobile() for _n in range(5)]
    for activity, who in ((held, phones[:3]), (shared, phones[2:5]), (dropped, phones[:1]), (other, phones)):
        for phone in who:
            activity_services.sign_in(activity=activity, name="居民", mobile=phone, actor=worker)
    for org, activity in ((a, held), (a, shared), (a, dropped), (b, shared)):
        services.activity_link(actor=worker, organization=org, activity=activity)
    Activity.objects.filter(pk=dropped.pk).update(status=Activity.Status.CANCELLED)  # cancelled after linking
    with pytest.raises(ValidationError, match="已关联"):
        services.activity_link(actor=worker, organization=b, activity=shared)

    v = volunteer(worker, net.station_a)
    p = project(worker, net.station_a)
    volunteer_services.hours_enter(actor=worker, project=p, volunteer=v, data=past(5, 90))
    services.project_link(actor=worker, organization=a, project=p)

    mine = selectors.organization_totals(a)
    assert (mine["activities"], mine["projects"], mine["volunteer_hours"]) == (2, 1, 1.5)
    assert mine["people"] == 5 and mine["attendances"] == 7  # distinct people at the three linked activities
    theirs = selectors.organization_totals(b)
    assert (theirs["activities"], theirs["people"]) == (1, 3)
    both = selectors.service_totals(Organization.objects.filter(pk__in=[a.pk, b.pk]))
    assert (both["activities"], both["people"]) == (2, 5)  # an activity two joined counts once
    listed = selectors.organization_list(user=worker).get(pk=a.pk)
    assert listed.activities_joined == 2


def test_linking_needs_both_records_in_reach(net, people, login):
    org = organization(people["worker"], net.community_a1)
    theirs = _activity({"worker": people["worker_b"]}, net.station_b, title="三里庵活动")
    with pytest.raises(Http404):
        services.activity_link(actor=people["worker"], organization=org, activity=theirs)
    mine = _activity(people, net.station_a)
    with pytest.raises(Http404):  # the street manages organizations, not activities
        services.activity_link(actor=people["street"], organization=org, activity=mine)
    client = login(people["street"])
    assert client.post(f"/organizations/{org.pk}/activities/link/", {"activity": mine.pk}).status_code == 403
    client = login(people["worker"])
    assert client.post(f"/organizations/{org.pk}/activities/link/", {"activity": theirs.pk}).status_code == 404
    assert client.post(f"/organizations/{org.pk}/activities/link/", {"activity": mine.pk}).status_code == 302
    link = OrganizationActivity.objects.get()
    assert (link.organization, link.activity) == (org, mine)
    assert client.post(f"/organizations/{org.pk}/activities/{link.pk}/unlink/").status_code == 302
    assert not OrganizationActivity.objects.exists()


# --- scope, pages and the API --------------------------------------------------------------------

def test_another_streets_organization_is_404_on_pages_and_api(net, people, login, client):
    org = organization(people["worker"], net.community_a1)
    incubation = _incubate(people, net, org)
    outsider = login(people["worker_b"])
    for url in (f"/organizations/{org.pk}/", f"/organizations/{org.pk}/edit/",
                f"/organizations/incubations/{incubation.pk}/stage/"):
        assert outsider.get(url).status_code == 404
    assert org.name not in outsider.get("/organizations/").content.decode()
    with pytest.raises(Http404):
        selectors.organization_get(user=people["worker_b"], pk=org.pk)
    token, _tok = api_token_issue(user=people["worker_b"])
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/organizations/{org.pk}", headers=auth).status_code == 404
    assert client.get("/api/v1/organizations", headers=auth).json() == {"items": [], "count": 0}
    assert login(people["org_lead"]).get("/organizations/").status_code == 403
    assert login(people["street"]).get(f"/organizations/{org.pk}/").status_code == 200  # the street oversees


def test_the_list_searches_filters_and_counts_by_category(net, people, login):
    worker = people["worker"]
    charity = organization(worker, net.community_a1, name="夕阳红", filing_number="XY-001")
    culture = organization(worker, net.community_a2, name="广场舞队", category="culture", filing_number="XY-002")
    _incubate(people, net, culture)
    client = login(worker)
    assert "广场舞队" not in client.get("/organizations/?q=XY-001").content.decode()
    assert "夕阳红" in client.get("/organizations/?q=XY-001").content.decode()
    assert "夕阳红" not in client.get("/organizations/?category=culture").content.decode()
    staged = client.get("/organizations/?stage=intent").content.decode()
    assert "广场舞队" in staged and "夕阳红" not in staged
    assert "广场舞队" not in client.get("/organizations/?stage=none").content.decode()
    assert "广场舞队" not in client.get(f"/organizations/?community={net.community_a1.code}").content.decode()
    page = client.get("/organizations/")
    counts = {row["category"]: row for row in page.context["counts"]}
    assert (counts["charity"]["total"], counts["charity"]["incubated"]) == (1, 0)
    assert (counts["culture"]["incubating"], counts["culture"]["incubated"]) == (1, 1)
    assert page.context["overall"]["total"] == 2
    assert charity.pk != culture.pk


def test_every_page_and_form_opens(net, people, login):
    worker = people["worker"]
    org = organization(worker, net.community_a1, uses_membership=True)
    incubation = _incubate(people, net, org)
    services.assessment_add(actor=worker, incubation=incubation, data={
        "on": days_ago(50), "governance": 2, "finance": 2, "services": 2, "volunteers": 2})
    services.assessment_add(actor=worker, incubation=incubation, data={
        "on": days_ago(10), "governance": 3, "finance": 2, "services": 4, "volunteers": 2})
    report = services.annual_report_save(actor=worker, organization=org, data={
        "year": today().year - 1, "members": 20, "activities_held": 3, "income": 0, "expenditure": 0,
        "submitted_on": today()})
    member = services.member_save(actor=worker, organization=org, data={"name": "甲", "joined_on": today()})
    client = login(worker)
    for url in ("/organizations/", "/organizations/new/", f"/organizations/{org.pk}/",
                f"/organizations/{org.pk}/edit/", f"/organizations/{org.pk}/dissolve/",
                f"/organizations/{org.pk}/reports/new/", f"/organizations/{org.pk}/reports/{report.pk}/",
                f"/organizations/{org.pk}/members/new/", f"/organizations/{org.pk}/members/{member.pk}/",
                f"/organizations/{org.pk}/incubations/new/", f"/organizations/incubations/{incubation.pk}/stage/",
                f"/organizations/incubations/{incubation.pk}/mentoring/new/",
                f"/organizations/incubations/{incubation.pk}/assessments/new/",
                f"/organizations/incubations/{incubation.pk}/trainings/new/"):
        assert client.get(url).status_code == 200, url
    detail = client.get(f"/organizations/{org.pk}/").content.decode()
    assert f'id="trend-{incubation.pk}"' in detail and "↑2" in detail  # the trend, and the rise in 服务


def test_filing_through_the_page_with_a_charter_file(net, people, login):
    client = login(people["worker"])
    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    pdf.name = "章程.pdf"
    number = id_number()
    response = client.post("/organizations/new/", {
        "name": "邻里互助会", "kind": "filed", "category": "life", "division": net.community_a1.code,
        "filing_number": "西园社备〔2025〕009号", "filed_on": today().isoformat(), "responsible_name": "张建国",
        "responsible_id_number": number, "responsible_mobile": mobile(), "headcount": "12", "place": "睦邻中心",
        "business_scope": "邻里互助", "charter_files": pdf})
    org = Organization.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/organizations/{org.pk}/"
    assert org.created_by == people["worker"] and Change.objects.get().summary == "备案登记"
    page = client.get(f"/organizations/{org.pk}/").content.decode()
    assert "章程.pdf" in page and number not in page
    bad = client.post("/organizations/new/", {"name": "x", "kind": "filed", "category": "life",
                                              "division": net.community_a1.code, "filing_number": "",
                                              "filed_on": today().isoformat(), "responsible_name": "x",
                                              "responsible_id_number": "123", "responsible_mobile": "1",
                                              "headcount": "1", "place": "x", "business_scope": "x"})
    assert bad.status_code == 200 and Organization.objects.count() == 1
    errors = bad.context["form"].errors
    assert {"responsible_id_number", "responsible_mobile", "filing_number"} <= set(errors)


def test_the_api_lists_with_filters_and_counts(net, people, client):
    worker = people["worker"]
    org = organization(worker, net.community_a1)
    organization(worker, net.community_a2, category="culture", name="广场舞队")
    incubation = _incubate(people, net, org)
    activity = _activity(people, net.station_a)
    activity_services.sign_in(activity=activity, name="居民", mobile=mobile(), actor=worker)
    services.activity_link(actor=worker, organization=org, activity=activity)
    token, _tok = api_token_issue(user=worker)
    auth = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/organizations", {"category": "charity"}, headers=auth).json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == org.name
    assert listed["items"][0]["activities_joined"] == 1 and listed["items"][0]["incubation_stage"] == "intent"
    assert client.get("/api/v1/organizations", {"status": "dissolved"}, headers=auth).json()["count"] == 0
    one = client.get(f"/api/v1/organizations/{org.pk}", headers=auth).json()
    assert one["totals"]["activities"] == 1 and one["totals"]["people"] == 1
    assert one["incubations"][0]["id"] == incubation.pk and one["incubations"][0]["stages"][0]["stage"] == "intent"
    assert one["responsible_id_number_masked"] == org.responsible_id_masked
    org_lead, _tok = api_token_issue(user=people["org_lead"])
    assert client.get("/api/v1/organizations", headers={"Authorization": f"Bearer {org_lead}"}).status_code == 403


@pytest.mark.parametrize("name", sorted(n for n, r in scope_organizations.ROUTES.items()
                                         if "POST" in r.methods and not r.api))
def test_the_scope_matrix_posts_would_change_something(places, login, client, name):  # noqa: F811
    """The matrix's POST bodies are valid: from the place's own 社工 each changes the place's
    records, so a missing scope check could not hide behind a form error."""
    place = places["xiyuan"]
    route = scope_organizations.ROUTES[name]
    url = reverse(name, kwargs=route.kwargs(place))
    before = scope_organizations.snapshot(place)
    login(place.member)
    response = client.post(url, route.data(place))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert scope_organizations.snapshot(place) != before
