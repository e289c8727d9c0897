"""Case work in the JSON API (case.work): scoped like the pages, content only for readers.

Anyone whose scope covers a case sees that it exists (number, stage, worker); its content
(the presenting problem, plan, sessions) goes only to those ``casework.access`` lets read
it, and a sensitive case's client name only to them. Sessions are recorded through the
same service as the page, with its stage guards.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from wushe.accounts.roles import Action
from wushe.api.people import _refuse_nul, _unprocessable
from wushe.api.urls import Page, api_requires
from wushe.casework import access, selectors, services
from wushe.casework.models import Case, Session

router = Router(tags=["casework"])


def _case(request, pk: int, *, reading: bool) -> Case:
    try:
        if reading:
            return selectors.case_get_for_reading(user=request.user, pk=pk)
        return selectors.case_get(user=request.user, pk=pk)
    except Http404 as exc:
        raise HttpError(404, _("记录不存在。")) from exc


def _readable(request, case: Case) -> bool:
    """May the caller read this case's content? Worked out once per case and request."""
    if not hasattr(case, "_api_readable"):
        case._api_readable = access.may_read(request.user, case)
    return case._api_readable


class CaseOut(Schema):
    id: int
    number: str
    stage: str
    station_id: int
    lead: str
    client_name: str
    opened_on: datetime.date
    closed_on: datetime.date | None
    sensitive: bool
    # Content: null for someone who may see the case exists but not read it.
    presenting_problem: str | None = None
    urgency: str | None = None
    risk: str | None = None
    closure_reason: str | None = None

    @staticmethod
    def resolve_lead(case, context):
        return case.lead.username

    @staticmethod
    def resolve_client_name(case, context):
        return case.resident.name if not case.sensitive or _readable(context["request"], case) else "（保密）"

    @staticmethod
    def resolve_presenting_problem(case, context):
        return case.presenting_problem if _readable(context["request"], case) else None

    @staticmethod
    def resolve_urgency(case, context):
        return case.urgency if _readable(context["request"], case) else None

    @staticmethod
    def resolve_risk(case, context):
        return case.risk if _readable(context["request"], case) else None

    @staticmethod
    def resolve_closure_reason(case, context):
        return case.closure_reason if _readable(context["request"], case) else None


@router.get("/cases", response=list[CaseOut], url_name="cases")
@api_requires(Action.CASE_WORK)
@paginate(Page)
def case_list(request, stage: str = "", mine: bool = False):
    """Cases in the caller's scope, newest first; ``mine=true`` for the caller's own team's.
    Only the page asked for is read and checked."""
    qs = selectors.my_cases(user=request.user) if mine else selectors.case_list(user=request.user)
    if stage:
        if stage not in Case.Stage.values:
            raise HttpError(422, _("未知的阶段：%(s)s") % {"s": stage})
        qs = qs.filter(stage=stage)
    return qs.order_by("-opened_on", "-id")


@router.get("/cases/{case_id}", response=CaseOut, url_name="case")
@api_requires(Action.CASE_WORK)
def case_detail(request, case_id: int):
    case = _case(request, case_id, reading=False)
    if _readable(request, case):
        services.case_opened(actor=request.user, case=case, request=request)
    return case


class GoalOut(Schema):
    order: int
    text: str
    indicator: str


class PlanOut(Schema):
    version: int
    aim: str
    sessions_planned: int
    note: str
    goals: list[GoalOut]


@router.get("/cases/{case_id}/plan", response={200: PlanOut, 404: dict}, url_name="case_plan")
@api_requires(Action.CASE_WORK)
def case_plan(request, case_id: int):
    """The current version of the service plan."""
    case = _case(request, case_id, reading=True)
    services.case_opened(actor=request.user, case=case, request=request)
    plan = case.current_plan()
    if plan is None:
        return Status(404, {"detail": _("尚未制定服务计划。")})
    return {"version": plan.version, "aim": plan.aim, "sessions_planned": plan.sessions_planned, "note": plan.note,
            "goals": [{"order": g.order, "text": g.text, "indicator": g.indicator} for g in plan.goals.all()]}


class SessionOut(Schema):
    id: int
    held_on: datetime.date
    minutes: int
    place: str
    method: str
    content: str
    progress: str
    next_step: str
    worker: str


class SessionIn(Schema):
    held_on: datetime.date
    minutes: int
    place: str
    method: str
    content: str
    approach: str = ""
    progress: str = ""
    next_step: str = ""


def _session_out(s: Session) -> dict:
    return {"id": s.pk, "held_on": s.held_on, "minutes": s.minutes, "place": s.place, "method": s.method,
            "content": s.content, "progress": s.progress, "next_step": s.next_step, "worker": s.worker.username}


@router.get("/cases/{case_id}/sessions", response=list[SessionOut], url_name="case_sessions")
@api_requires(Action.CASE_WORK)
@paginate(Page)
def case_sessions(request, case_id: int):
    case = _case(request, case_id, reading=True)
    services.case_opened(actor=request.user, case=case, request=request)
    return [_session_out(s) for s in case.sessions.select_related("worker")]


@router.post("/cases/{case_id}/sessions", response={201: SessionOut}, url_name="case_session_create")
@api_requires(Action.CASE_WORK)
def case_session_create(request, case_id: int, payload: SessionIn):
    _refuse_nul(payload.dict())
    case = _case(request, case_id, reading=True)
    try:
        session = services.session_record(actor=request.user, case=case, data=payload.dict(), request=request)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except DjangoValidationError as exc:
        raise _unprocessable(exc) from exc
    return Status(201, _session_out(session))


# --- referrals ------------------------------------------------------------------------------

class ReferralOut(Schema):
    id: int
    status: str
    from_station_id: int
    to_station_id: int | None
    to_agency: str
    consent: str
    created_on: datetime.date
    case_number: str | None
    # Content for those who may read it (the receiving side, the sending case's readers).
    reason: str | None = None
    outcome: str | None = None


def _referral_out(user, r) -> dict:
    out = {"id": r.pk, "status": r.status, "from_station_id": r.from_station_id, "to_station_id": r.to_station_id,
           "to_agency": r.to_agency, "consent": r.consent, "created_on": r.created_at.date(),
           "case_number": r.case.number if r.case_id else None}
    try:
        selectors.referral_get(user=user, pk=r.pk)
    except Http404:
        return out
    return out | {"reason": r.reason, "outcome": r.outcome}


@router.get("/referrals", response=list[ReferralOut], url_name="referrals")
@api_requires(Action.CASE_WORK)
@paginate(Page)
def referral_list(request, status: str = ""):
    qs = selectors.referral_list(user=request.user)
    if status:
        qs = qs.filter(status=status)
    return [_referral_out(request.user, r) for r in qs.order_by("-created_at")]


@router.get("/referrals/{referral_id}", response=ReferralOut, url_name="referral")
@api_requires(Action.CASE_WORK)
def referral_detail(request, referral_id: int):
    try:
        referral = selectors.referral_get(user=request.user, pk=referral_id)
    except Http404 as exc:
        raise HttpError(404, _("记录不存在。")) from exc
    return _referral_out(request.user, referral)
