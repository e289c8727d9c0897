"""Residents' requests (诉求) in the JSON API (person.view), scoped to the communities of the
caller; numbers leave masked."""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from wushe.accounts.roles import Action
from wushe.api.urls import Page, api_requires
from wushe.portal import selectors

router = Router(tags=["requests"])


class RequestOut(Schema):
    id: int
    code: str
    station_id: int
    community_code: str
    category: str
    description: str
    name: str
    mobile_masked: str
    status: str
    reply: str
    need_id: int | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_community_code(r, context):
        return r.community_id


@router.get("/requests", response=list[RequestOut], url_name="requests")
@api_requires(Action.PERSON_VIEW)
@paginate(Page)
def request_list(request, status: str = ""):
    qs = selectors.request_list(user=request.user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


@router.get("/requests/{request_id}", response=RequestOut, url_name="request")
@api_requires(Action.PERSON_VIEW)
def request_detail(request, request_id: int):
    try:
        return selectors.request_get(user=request.user, pk=request_id)
    except Http404 as exc:
        raise HttpError(404, _("记录不存在。")) from exc
