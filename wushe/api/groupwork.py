"""Group work and supervision in the JSON API (group.work), scoped like the pages."""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from wushe.accounts.roles import Action
from wushe.api.urls import Page, api_requires
from wushe.groupwork import selectors as group_selectors
from wushe.supervision import selectors as supervision_selectors

router = Router(tags=["groupwork"])


class GroupOut(Schema):
    id: int
    name: str
    kind: str
    stage: str
    station_id: int
    sessions_planned: int
    members: int
    sessions: int
    starts_on: datetime.date


def _group_out(g) -> dict:
    return {"id": g.pk, "name": g.name, "kind": g.kind, "stage": g.stage, "station_id": g.station_id,
            "sessions_planned": g.sessions_planned, "members": g.member_count, "sessions": g.session_count,
            "starts_on": g.starts_on}


@router.get("/groups", response=list[GroupOut], url_name="groups")
@api_requires(Action.GROUP_WORK)
@paginate(Page)
def group_list(request, stage: str = ""):
    qs = group_selectors.group_list(user=request.user)
    if stage:
        qs = qs.filter(stage=stage)
    return [_group_out(g) for g in qs.order_by("-starts_on", "-id")]


def _group(request, pk):
    try:
        return group_selectors.group_get(user=request.user, pk=pk)
    except Http404 as exc:
        raise HttpError(404, _("记录不存在。")) from exc


@router.get("/groups/{group_id}", response=GroupOut, url_name="group")
@api_requires(Action.GROUP_WORK)
def group_detail(request, group_id: int):
    return _group_out(_group(request, group_id))


class GroupSessionOut(Schema):
    number: int
    held_on: datetime.date
    starts: datetime.time
    ends: datetime.time
    theme: str
    stage: str
    recorded: bool
    present: int


@router.get("/groups/{group_id}/sessions", response=list[GroupSessionOut], url_name="group_sessions")
@api_requires(Action.GROUP_WORK)
@paginate(Page)
def group_sessions(request, group_id: int):
    group = _group(request, group_id)
    return [{"number": s.number, "held_on": s.held_on, "starts": s.starts, "ends": s.ends, "theme": s.theme,
             "stage": s.stage, "recorded": s.recorded, "present": s.attendance.filter(present=True).count()}
            for s in group.sessions.all()]


class SupervisionOut(Schema):
    id: int
    station_id: int
    supervisor: str
    kind: str
    held_on: datetime.date
    minutes: int
    topics: str | None  # null when it discusses a case the caller may not read


def _supervision_out(user, s) -> dict:
    readable = supervision_selectors.may_read_session(user, s)
    return {"id": s.pk, "station_id": s.station_id, "supervisor": s.supervisor.name, "kind": s.kind,
            "held_on": s.held_on, "minutes": s.minutes, "topics": s.topics if readable else None}


@router.get("/supervisions", response=list[SupervisionOut], url_name="supervisions")
@api_requires(Action.GROUP_WORK)
@paginate(Page)
def supervision_list(request):
    return [_supervision_out(request.user, s)
            for s in supervision_selectors.session_list(user=request.user).order_by("-held_on", "-id")]


@router.get("/supervisions/{supervision_id}", response=SupervisionOut, url_name="supervision")
@api_requires(Action.GROUP_WORK)
def supervision_detail(request, supervision_id: int):
    try:
        s = supervision_selectors.session_get(user=request.user, pk=supervision_id)
    except Http404 as exc:
        raise HttpError(404, _("记录不存在。")) from exc
    return _supervision_out(request.user, s)
