"""The workforce in the JSON API (workforce.manage), scoped like the pages: a worker by the
station they serve, a course by where it is organized. Mobiles leave masked; qualification,
continuing-education hours and subsidy are computed as the pages compute them."""

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
from wushe.workforce import selectors

router = Router(tags=["workforce"])


def _or_404(get, request, pk):
    try:
        return get(user=request.user, pk=pk)
    except Http404 as exc:
        raise HttpError(404, _("记录不存在。")) from exc


class WorkerOut(Schema):
    id: int
    name: str
    station_id: int
    station_name: str
    agency_id: int | None
    agency_name: str | None
    post: str
    grade: str | None
    education: str
    major: str
    mobile_masked: str
    qualification_level: int | None  # highest current: 1 助理社会工作师, 2 社会工作师, 3 高级社会工作师
    qualified: bool
    hours_this_year: float
    joined_on: datetime.date
    status: str

    @staticmethod
    def resolve_station_name(w):
        return w.station.name

    @staticmethod
    def resolve_agency_name(w):
        return w.agency.name if w.agency_id else None

    @staticmethod
    def resolve_grade(w):
        return f"{w.grade.ladder.name} {w.grade}" if w.grade_id else None

    @staticmethod
    def resolve_qualification_level(w):
        return w.top_level

    @staticmethod
    def resolve_qualified(w):
        return w.top_level is not None

    @staticmethod
    def resolve_hours_this_year(w):
        return float(w.hours_year)


class QualificationOut(Schema):
    id: int
    level: int
    level_label: str
    certificate_number: str
    obtained_on: datetime.date
    ended_on: datetime.date | None
    current: bool

    @staticmethod
    def resolve_level_label(q):
        return q.get_level_display()

    @staticmethod
    def resolve_current(q):
        return q.is_current


class ExamOut(Schema):
    id: int
    year: int
    level: int
    results_in: bool
    subjects_passed: list[str]
    passed: bool


class EducationOut(Schema):
    this_year: float
    period_hours: float
    required: float
    period_years: int
    met: bool


class WorkerDetailOut(WorkerOut):
    qualifications: list[QualificationOut]
    exams: list[ExamOut]
    continuing_education: EducationOut
    subsidy_per_month: float  # yuan

    @staticmethod
    def resolve_qualifications(w):
        return list(w.qualifications.all())

    @staticmethod
    def resolve_exams(w):
        return list(w.exams.all())

    @staticmethod
    def resolve_continuing_education(w):
        e = selectors.education_of(w)
        return {"this_year": float(e.this_year), "period_hours": float(e.period_hours), "required": float(e.required),
                "period_years": e.years, "met": e.met}

    @staticmethod
    def resolve_subsidy_per_month(w):
        return float(selectors.subsidy_of(w).amount)


@router.get("/workers", response=list[WorkerOut], url_name="workers")
@api_requires(Action.WORKFORCE_MANAGE)
@paginate(Page)
def worker_list(request, station: int | None = None, qualified: bool | None = None, status: str = ""):
    qs = selectors.worker_list(user=request.user)
    if station is not None:
        qs = qs.filter(station_id=station)
    if qualified is not None:
        qs = qs.filter(top_level__isnull=not qualified)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("station__division_id", "name", "id")


@router.get("/workers/{worker_id}", response=WorkerDetailOut, url_name="worker")
@api_requires(Action.WORKFORCE_MANAGE)
def worker_detail(request, worker_id: int):
    worker = _or_404(selectors.worker_get, request, worker_id)
    audit.record(AuditEntry.Action.VIEWED, request=request, actor=request.user, obj=worker)
    return worker


class SessionOut(Schema):
    id: int
    held_on: datetime.date
    hours: float
    topic: str
    trainer: str
    place: str
    attended: int


class TrainingOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    station_id: int | None
    division_code: str
    organizer: str
    audience: str
    sessions: int
    total_hours: float
    attendance: int  # 人次

    @staticmethod
    def resolve_kind_label(t):
        return t.get_kind_display()

    @staticmethod
    def resolve_division_code(t):
        return t.division_id

    @staticmethod
    def resolve_sessions(t):
        return t.session_count

    @staticmethod
    def resolve_attendance(t):
        return t.times


class TrainingDetailOut(TrainingOut):
    description: str
    people: int  # 人数: distinct people across the sessions
    session_list: list[SessionOut]

    @staticmethod
    def resolve_people(t):
        return selectors.people_trained(t)

    @staticmethod
    def resolve_session_list(t):
        return list(selectors.sessions_of(t))


@router.get("/trainings", response=list[TrainingOut], url_name="trainings")
@api_requires(Action.WORKFORCE_MANAGE)
@paginate(Page)
def training_list(request, kind: str = ""):
    qs = selectors.training_list(user=request.user)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


@router.get("/trainings/{training_id}", response=TrainingDetailOut, url_name="training")
@api_requires(Action.WORKFORCE_MANAGE)
def training_detail(request, training_id: int):
    return _or_404(selectors.training_get, request, training_id)
