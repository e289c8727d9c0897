"""Resident deliberation (居民议事) in the JSON API (deliberation.manage), scoped like the pages;
the proposer's number leaves masked. The public board is a page, not an endpoint."""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from wushe.accounts.roles import Action
from wushe.api.urls import Page, api_requires
from wushe.deliberation import selectors

router = Router(tags=["deliberations"])


class DeliberationOut(Schema):
    id: int
    station_id: int
    community_code: str
    community_name: str
    title: str
    description: str
    category: str
    source: str
    status: str
    public: bool
    proposer_name: str
    proposer_mobile_masked: str
    reply: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_community_code(d, context):
        return d.community_id

    @staticmethod
    def resolve_community_name(d, context):
        return d.community.name


class MeetingOut(Schema):
    id: int
    held_at: datetime.datetime
    place: str
    host: str
    participants: int
    attendees: str
    minutes: str


class ActionItemOut(Schema):
    id: int
    what: str
    owner: str
    deadline: datetime.date
    status: str
    overdue: bool
    done_on: datetime.date | None
    evidence: str


class ResolutionOut(Schema):
    id: int
    meeting_id: int
    decision: str
    method: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    passed: bool
    action_items: list[ActionItemOut]

    @staticmethod
    def resolve_action_items(r, context):
        return list(r.action_items.all())


class DeliberationDetailOut(DeliberationOut):
    meetings: list[MeetingOut]
    resolutions: list[ResolutionOut]

    @staticmethod
    def resolve_meetings(d, context):
        return list(d.meetings.order_by("held_at", "id"))

    @staticmethod
    def resolve_resolutions(d, context):
        return list(d.resolutions.all())


@router.get("/deliberations", response=list[DeliberationOut], url_name="deliberations")
@api_requires(Action.DELIBERATION_MANAGE)
@paginate(Page)
def deliberation_list(request, status: str = "", community: str = ""):
    """Topics of the stations in the caller's scope, newest first; filter by status or community code."""
    qs = selectors.topic_list(user=request.user)
    if status:
        qs = qs.filter(status=status.replace("\x00", ""))
    if community:
        qs = qs.filter(community_id=community.replace("\x00", ""))
    return qs.order_by("-created_at", "-id")


@router.get("/deliberations/{deliberation_id}", response=DeliberationDetailOut, url_name="deliberation")
@api_requires(Action.DELIBERATION_MANAGE)
def deliberation_detail(request, deliberation_id: int):
    """One topic with its meetings, resolutions and their action items."""
    try:
        topic = selectors.topic_get(user=request.user, pk=deliberation_id)
    except Http404 as exc:
        raise HttpError(404, _("记录不存在。")) from exc
    return selectors.outcomes(type(topic).objects.filter(pk=topic.pk)).select_related("community").get()
