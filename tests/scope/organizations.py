"""The scope matrix's organizations section (see tests/scope/__init__.py): an organization filed
with the place's community, with an open incubation (at 意向), an annual report, a member, the
place's activity and volunteer project linked to it; a second organization not yet incubated;
an activity and a project of the place not yet linked."""

import datetime

from django.utils import timezone

from tests.people.factories import id_number
from tests.scope import Route
from tests.volunteers import factories as volunteer_factories
from wushe.accounts.roles import Action
from wushe.activities import services as activity_services
from wushe.core.divisions import within
from wushe.organizations import services
from wushe.organizations.models import (
    AnnualReport,
    CapacityAssessment,
    Change,
    Incubation,
    Member,
    Mentoring,
    Organization,
    OrganizationActivity,
    OrganizationProject,
    StageEntry,
    TrainingRecord,
)


def _today() -> str:
    return timezone.localdate().isoformat()


def _filed(place, n: int, name: str) -> Organization:
    return services.organization_save(actor=place.member, data={
        "name": f"{place.key}{name}", "category": "charity", "kind": "filed", "division": place.community,
        "filing_number": f"{place.key}备〔2024〕{n:03d}号", "filed_on": timezone.localdate() - datetime.timedelta(days=400),
        "responsible_name": f"{place.key}负责人", "responsible_id_number": id_number(),
        "responsible_mobile": "13900001111", "headcount": 20, "place": "活动室", "business_scope": "助老",
        "uses_membership": True})


def organization(place) -> Organization:
    """The place's organization, with everything the routes ask for; a second one not yet
    incubated, and an activity and a volunteer project of the place not yet linked."""
    if "organization" not in place.extra:
        today = timezone.localdate()
        org = _filed(place, 1, "夕阳红志愿服务队")
        incubation = services.incubation_start(actor=place.member, organization=org, station=place.station,
                                               mentor="导师", on=today - datetime.timedelta(days=30))
        report = services.annual_report_save(actor=place.member, organization=org, data={
            "year": today.year - 1, "members": 20, "activities_held": 5, "income": 100, "expenditure": 80,
            "submitted_on": today})
        member = services.member_save(actor=place.member, organization=org, data={
            "name": "会员甲", "joined_on": today - datetime.timedelta(days=100)})
        activity_link = services.activity_link(actor=place.member, organization=org, activity=place.activity())
        project_link = services.project_link(actor=place.member, organization=org,
                                             project=place.volunteering("project"))
        start = timezone.now() + datetime.timedelta(days=2)
        spare_activity = activity_services.activity_save(actor=place.member, station=place.station, data={
            "title": f"{place.key}义诊", "category": "health", "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=2), "capacity": 10, "place": "广场"})
        spare_project = volunteer_factories.project(place.member, place.station, title=f"{place.key}助老")
        place.extra.update({"organization": org, "incubation": incubation, "report": report, "member": member,
                            "activity_link": activity_link, "project_link": project_link,
                            "bare": _filed(place, 2, "书画社"), "spare_activity": spare_activity,
                            "spare_project": spare_project})
    return place.extra["organization"]


def part(name: str):
    def get(place):
        organization(place)
        return place.extra[name]
    return get


def _org(p):
    return {"pk": organization(p).pk}


def _incubation(p):
    return {"pk": part("incubation")(p).pk}


ROUTES: dict = {
    "organizations:organization": Route(_org),
    "organizations:organization_edit": Route(_org, ("GET", "POST"), lambda p: {
        "name": "改过的名字", "kind": "filed", "category": "culture", "division": p.community.code,
        "filing_number": organization(p).filing_number, "filed_on": organization(p).filed_on.isoformat(),
        "responsible_name": "改过的负责人", "responsible_id_number": "", "responsible_mobile": "", "headcount": "9",
        "place": "改过的场所", "business_scope": "改过的范围"}),
    "organizations:organization_dissolve": Route(_org, ("GET", "POST"), lambda p: {
        "on": _today(), "reason": "成员迁出"}),
    "organizations:annual_report_new": Route(_org, ("GET", "POST"), lambda p: {
        "year": str(timezone.localdate().year), "members": "10", "activities_held": "3", "income": "0",
        "expenditure": "0", "submitted_on": _today()}),
    "organizations:annual_report_edit": Route(lambda p: {"pk": organization(p).pk, "report_pk": part("report")(p).pk},
                                              ("GET", "POST"), lambda p: {
        "year": str(timezone.localdate().year - 1), "members": "99", "activities_held": "9", "income": "1",
        "expenditure": "1", "submitted_on": _today()}),
    "organizations:member_new": Route(_org, ("GET", "POST"), lambda p: {"name": "会员乙", "joined_on": _today()}),
    "organizations:member_edit": Route(lambda p: {"pk": organization(p).pk, "member_pk": part("member")(p).pk},
                                       ("GET", "POST"), lambda p: {"name": "会员甲", "joined_on": _today(),
                                                                   "left_on": _today()}),
    "organizations:incubation_new": Route(lambda p: {"pk": part("bare")(p).pk}, ("GET", "POST"), lambda p: {
        "station": p.station.pk, "mentor": "新导师", "on": _today()}),
    "organizations:activity_link": Route(_org, ("POST",), lambda p: {"activity": part("spare_activity")(p).pk},
                                         own_needs=Action.ACTIVITY_MANAGE),
    "organizations:activity_unlink": Route(lambda p: {"pk": organization(p).pk,
                                                      "link_pk": part("activity_link")(p).pk},
                                           ("POST",), lambda p: {}, own_needs=Action.ACTIVITY_MANAGE),
    "organizations:project_link": Route(_org, ("POST",), lambda p: {"project": part("spare_project")(p).pk},
                                        own_needs=Action.VOLUNTEER_MANAGE),
    "organizations:project_unlink": Route(lambda p: {"pk": organization(p).pk, "link_pk": part("project_link")(p).pk},
                                          ("POST",), lambda p: {}, own_needs=Action.VOLUNTEER_MANAGE),
    "organizations:incubation_stage": Route(_incubation, ("GET", "POST"), lambda p: {
        "stage": "incubating", "on": _today()}),
    "organizations:mentoring_new": Route(_incubation, ("GET", "POST"), lambda p: {
        "on": _today(), "mentor": "导师", "content": "辅导"}),
    "organizations:assessment_new": Route(_incubation, ("GET", "POST"), lambda p: {
        "on": _today(), "governance": "3", "finance": "3", "services": "3", "volunteers": "3"}),
    "organizations:training_new": Route(_incubation, ("GET", "POST"), lambda p: {
        "on": _today(), "course": "财务管理", "hours": "2"}),
    "api:organization": Route(lambda p: {"organization_id": organization(p).pk}, api=True,
                              action=Action.ORG_MANAGE),
}


def snapshot(place) -> tuple:
    orgs = Organization.objects.filter(within("division_id", place.station.division.prefix))
    incubations = Incubation.objects.filter(organization__in=orgs)
    return (
        sorted(orgs.values_list("pk", "name", "category", "status", "headcount", "responsible_name",
                                "responsible_id_hash", "responsible_mobile_hash", "place")),
        Change.objects.filter(organization__in=orgs).count(),
        sorted(AnnualReport.objects.filter(organization__in=orgs).values_list("pk", "year", "members")),
        sorted(Member.objects.filter(organization__in=orgs).values_list("pk", "name", "left_on")),
        sorted(incubations.values_list("pk", "stage", "ended_on")),
        StageEntry.objects.filter(incubation__in=incubations).count(),
        Mentoring.objects.filter(incubation__in=incubations).count(),
        CapacityAssessment.objects.filter(incubation__in=incubations).count(),
        TrainingRecord.objects.filter(incubation__in=incubations).count(),
        sorted(OrganizationActivity.objects.filter(organization__in=orgs).values_list("pk", "activity_id")),
        sorted(OrganizationProject.objects.filter(organization__in=orgs).values_list("pk", "project_id")),
    )
