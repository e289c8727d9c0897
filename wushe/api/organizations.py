"""Community social organizations in the JSON API (organization.manage), scoped like the pages
by the division an organization is filed with. The responsible person's ID and mobile numbers
leave masked; what an organization has done is counted from the records linked to it."""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from wushe.accounts.roles import Action
from wushe.api.urls import Page, api_requires
from wushe.core import audit
from wushe.core.models import AuditEntry
from wushe.organizations import selectors

router = Router(tags=["organizations"])


class OrganizationOut(Schema):
    id: int
    name: str
    kind: str
    legal_form: str
    category: str
    category_label: str
    division_code: str
    division_name: str
    filing_number: str
    credit_code: str
    filed_on: datetime.date
    responsible_name: str
    responsible_id_number_masked: str
    responsible_mobile_masked: str
    headcount: int
    place: str
    status: str
    dissolved_on: datetime.date | None
    incubation_stage: str | None
    activities_joined: int

    @staticmethod
    def resolve_category_label(o, context):
        return o.get_category_display()

    @staticmethod
    def resolve_division_code(o, context):
        return o.division_id

    @staticmethod
    def resolve_division_name(o, context):
        return o.division.name

    @staticmethod
    def resolve_responsible_id_number_masked(o, context):
        return o.responsible_id_masked

    @staticmethod
    def resolve_responsible_mobile_masked(o, context):
        return o.responsible_mobile_masked

    @staticmethod
    def resolve_activities_joined(o, context):
        return o.activities_joined or 0


class StageOut(Schema):
    stage: str
    on: datetime.date
    reason: str


class AssessmentOut(Schema):
    on: datetime.date
    governance: int
    finance: int
    services: int
    volunteers: int
    total: int


class IncubationOut(Schema):
    id: int
    station_id: int
    mentor: str
    stage: str
    stage_on: datetime.date
    started_on: datetime.date
    ended_on: datetime.date | None
    end_reason: str
    stages: list[StageOut]
    mentoring: int
    trainings: int
    assessments: list[AssessmentOut]

    @staticmethod
    def resolve_stages(i, context):
        return list(i.stages.all())

    @staticmethod
    def resolve_mentoring(i, context):
        return i.mentoring.count()

    @staticmethod
    def resolve_trainings(i, context):
        return i.trainings.count()

    @staticmethod
    def resolve_assessments(i, context):
        return list(i.assessments.all())


class AnnualReportOut(Schema):
    year: int
    members: int
    activities_held: int
    income: float
    expenditure: float
    submitted_on: datetime.date


class TotalsOut(Schema):
    activities: int
    people: int
    attendances: int
    indirect: int
    projects: int
    volunteer_hours: float


class OrganizationDetailOut(OrganizationOut):
    business_scope: str
    guidance: str
    uses_membership: bool
    members: int
    dissolution_reason: str
    incubations: list[IncubationOut]
    annual_reports: list[AnnualReportOut]
    totals: TotalsOut

    @staticmethod
    def resolve_members(o, context):
        return o.members.filter(left_on__isnull=True).count()

    @staticmethod
    def resolve_incubations(o, context):
        return list(o.incubations.prefetch_related("stages", "assessments"))

    @staticmethod
    def resolve_annual_reports(o, context):
        return list(o.annual_reports.all())

    @staticmethod
    def resolve_totals(o, context):
        return selectors.organization_totals(o)


@router.get("/organizations", response=list[OrganizationOut], url_name="organizations")
@api_requires(Action.ORG_MANAGE)
@paginate(Page)
def organization_list(request, category: str = "", kind: str = "", status: str = "", q: str = ""):
    qs = selectors.organization_list(user=request.user)
    if category:
        qs = qs.filter(category=category)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(name__contains=q.replace("\x00", ""))
    return qs.order_by("-filed_on", "-id")


@router.get("/organizations/{organization_id}", response=OrganizationDetailOut, url_name="organization")
@api_requires(Action.ORG_MANAGE)
def organization_detail(request, organization_id: int):
    try:
        organization = selectors.organization_get(user=request.user, pk=organization_id)
    except Http404 as exc:
        raise HttpError(404, _("记录不存在。")) from exc
    audit.record(AuditEntry.Action.VIEWED, request=request, actor=request.user, obj=organization)
    return organization
