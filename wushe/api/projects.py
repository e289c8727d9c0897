"""Service projects in the JSON API (project.manage), scoped like the pages; progress comes
from the same indicator definitions and linked records as the project page."""

import datetime
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from wushe.accounts.roles import Action
from wushe.api.urls import Page, api_requires
from wushe.projects import selectors, services

router = Router(tags=["projects"])


def _project(request, pk):
    try:
        return selectors.project_get(user=request.user, pk=pk)
    except Http404 as exc:
        raise HttpError(404, _("记录不存在。")) from exc


class ProjectOut(Schema):
    id: int
    title: str
    kind: str
    stage: str
    division: str
    funder: str
    contractor: str | None
    budget: Decimal
    starts_on: datetime.date
    ends_on: datetime.date
    stations: list[int]

    @staticmethod
    def resolve_division(p, context):
        return p.division_id

    @staticmethod
    def resolve_contractor(p, context):
        return p.contractor.name if p.contractor_id else None

    @staticmethod
    def resolve_stations(p, context):
        return list(p.stations.values_list("pk", flat=True))


@router.get("/projects", response=list[ProjectOut], url_name="projects")
@api_requires(Action.PROJECT_MANAGE)
@paginate(Page)
def project_list(request, stage: str = "", kind: str = ""):
    qs = selectors.project_list(user=request.user)
    if stage:
        qs = qs.filter(stage=stage)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-starts_on", "-id")


@router.get("/projects/{project_id}", response=ProjectOut, url_name="project")
@api_requires(Action.PROJECT_MANAGE)
def project_detail(request, project_id: int):
    return _project(request, project_id)


class IndicatorOut(Schema):
    key: str
    name: str
    definition: str
    unit: str
    target: Decimal | None
    actual: float | None
    met: bool


@router.get("/projects/{project_id}/indicators", response=list[IndicatorOut], url_name="project_indicators")
@api_requires(Action.PROJECT_MANAGE)
def project_indicators(request, project_id: int):
    """Every indicator: its definition, the target, and the value counted from linked records."""
    return [{"key": row["indicator"].key, "name": str(row["indicator"].name),
             "definition": str(row["indicator"].definition), "unit": str(row["indicator"].unit),
             "target": row["target"], "actual": row["actual"], "met": row["met"]}
            for row in selectors.progress(_project(request, project_id))]


class ScoreOut(Schema):
    dimension: str
    item: str
    points: Decimal
    score: Decimal


class EvaluationOut(Schema):
    id: int
    kind: str
    evaluator: str
    evaluated_on: datetime.date
    findings: str
    total: Decimal
    grade: str
    scores: list[ScoreOut]
    open_rectifications: int


@router.get("/projects/{project_id}/evaluations", response=list[EvaluationOut], url_name="project_evaluations")
@api_requires(Action.PROJECT_MANAGE)
def project_evaluations(request, project_id: int):
    project = _project(request, project_id)
    return [{"id": e.pk, "kind": e.kind, "evaluator": e.evaluator, "evaluated_on": e.evaluated_on,
             "findings": e.findings, "total": services.total_of(e), "grade": services.grade_of(e),
             "scores": [{"dimension": s.criterion.dimension, "item": s.criterion.item, "points": s.criterion.points,
                         "score": s.score} for s in e.scores.select_related("criterion")],
             "open_rectifications": e.rectifications.filter(done_on__isnull=True).count()}
            for e in project.evaluations.select_related("sheet")]
