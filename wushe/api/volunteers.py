"""Volunteer service in the JSON API (volunteer.manage), scoped like the pages: volunteers by
their registering station, projects (shifts, hours) by the organizing one. ID and mobile
numbers leave masked; hours are counted as the pages count them (confirmed, not superseded)."""

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
from wushe.volunteers import selectors
from wushe.volunteers.models import Registration

router = Router(tags=["volunteers"])


def _or_404(get, request, pk):
    try:
        return get(user=request.user, pk=pk)
    except Http404 as exc:
        raise HttpError(404, _("记录不存在。")) from exc


class VolunteerOut(Schema):
    id: int
    number: str
    name: str
    id_number_masked: str
    mobile_masked: str
    skills: str
    availability: str
    preferences: str
    station_id: int
    status: str
    source: str
    created_at: datetime.datetime


class VolunteerDetailOut(VolunteerOut):
    hours: float
    times: int
    teams: list[str]

    @staticmethod
    def resolve_hours(v, context):
        return selectors.hours_of(v)["hours"]

    @staticmethod
    def resolve_times(v, context):
        return selectors.hours_of(v)["times"]

    @staticmethod
    def resolve_teams(v, context):
        return [m.team.name for m in v.memberships.select_related("team")]


@router.get("/volunteers", response=list[VolunteerOut], url_name="volunteers")
@api_requires(Action.VOLUNTEER_MANAGE)
@paginate(Page)
def volunteer_list(request, status: str = "", number: str = ""):
    qs = selectors.volunteer_list(user=request.user)
    if status:
        qs = qs.filter(status=status)
    if number:
        qs = qs.filter(number=number.strip().upper())
    return qs.order_by("-created_at", "-id")


@router.get("/volunteers/{volunteer_id}", response=VolunteerDetailOut, url_name="volunteer")
@api_requires(Action.VOLUNTEER_MANAGE)
def volunteer_detail(request, volunteer_id: int):
    volunteer = _or_404(selectors.volunteer_get, request, volunteer_id)
    audit.record(AuditEntry.Action.VIEWED, request=request, actor=request.user, obj=volunteer)
    return volunteer


class ProjectOut(Schema):
    id: int
    title: str
    category: str
    status: str
    station_id: int
    min_age: int
    max_age: int
    risky: bool
    insurance: str
    public: bool
    shifts: int
    hours: float

    @staticmethod
    def resolve_shifts(p, context):
        return p.shift_count

    @staticmethod
    def resolve_hours(p, context):
        return round((p.served or 0) / 60, 1)


@router.get("/volunteer-projects", response=list[ProjectOut], url_name="volunteer_projects")
@api_requires(Action.VOLUNTEER_MANAGE)
@paginate(Page)
def project_list(request, status: str = ""):
    qs = selectors.project_list(user=request.user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


@router.get("/volunteer-projects/{project_id}", response=ProjectOut, url_name="volunteer_project")
@api_requires(Action.VOLUNTEER_MANAGE)
def project_detail(request, project_id: int):
    return _or_404(selectors.project_get, request, project_id)


class ShiftOut(Schema):
    id: int
    position: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    needed: int
    signed_up: int
    checked_in: int

    @staticmethod
    def resolve_signed_up(s, context):
        return s.taken

    @staticmethod
    def resolve_checked_in(s, context):
        return s.served


@router.get("/volunteer-projects/{project_id}/shifts", response=list[ShiftOut], url_name="volunteer_project_shifts")
@api_requires(Action.VOLUNTEER_MANAGE)
@paginate(Page)
def project_shifts(request, project_id: int):
    return selectors.shifts_of(_or_404(selectors.project_get, request, project_id))


class HoursOut(Schema):
    id: int
    volunteer_number: str
    volunteer_name: str
    shift_id: int | None
    content: str
    started_at: datetime.datetime
    ended_at: datetime.datetime | None
    minutes: int
    status: str
    source: str
    counted: bool
    corrects_id: int | None
    correction_reason: str

    @staticmethod
    def resolve_volunteer_number(h, context):
        return h.volunteer.number

    @staticmethod
    def resolve_volunteer_name(h, context):
        return h.volunteer.name

    @staticmethod
    def resolve_counted(h, context):
        return h.status == "confirmed" and h.live


@router.get("/volunteer-projects/{project_id}/hours", response=list[HoursOut], url_name="volunteer_project_hours")
@api_requires(Action.VOLUNTEER_MANAGE)
@paginate(Page)
def project_hours(request, project_id: int):
    project = _or_404(selectors.project_get, request, project_id)
    return project.hours.select_related("volunteer", "corrected_by").order_by("started_at", "id")


class SignUpOut(Schema):
    id: int
    volunteer_number: str
    volunteer_name: str
    status: str
    source: str

    @staticmethod
    def resolve_volunteer_number(r, context):
        return r.volunteer.number

    @staticmethod
    def resolve_volunteer_name(r, context):
        return r.volunteer.name


@router.get("/volunteer-shifts/{shift_id}/registrations", response=list[SignUpOut],
            url_name="volunteer_shift_registrations")
@api_requires(Action.VOLUNTEER_MANAGE)
@paginate(Page)
def shift_registrations(request, shift_id: int):
    shift = _or_404(selectors.shift_get, request, shift_id)
    return shift.registrations.exclude(status=Registration.Status.CANCELLED).select_related("volunteer")
