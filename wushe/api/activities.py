"""Community activities in the JSON API (activity.manage), scoped like the pages; numbers
leave masked. The public phone page has no API of its own: it is a page, not an endpoint."""

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from wushe.accounts.roles import Action
from wushe.activities import selectors
from wushe.api.urls import Page, api_requires

router = Router(tags=["activities"])


class ActivityOut(Schema):
    id: int
    title: str
    category: str
    status: str
    station_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    capacity: int
    registered: int
    signed_in: int
    indirect_reach: int
    indirect_basis: str

    @staticmethod
    def resolve_place(a, context):
        return a.where

    @staticmethod
    def resolve_registered(a, context):
        return a.confirmed

    @staticmethod
    def resolve_signed_in(a, context):
        return a.signed


@router.get("/activities", response=list[ActivityOut], url_name="activities")
@api_requires(Action.ACTIVITY_MANAGE)
@paginate(Page)
def activity_list(request, category: str = ""):
    qs = selectors.activity_list(user=request.user)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-starts_at", "-id")


def _activity(request, pk):
    try:
        return selectors.activity_get(user=request.user, pk=pk)
    except Http404 as exc:
        raise HttpError(404, _("记录不存在。")) from exc


@router.get("/activities/{activity_id}", response=ActivityOut, url_name="activity")
@api_requires(Action.ACTIVITY_MANAGE)
def activity_detail(request, activity_id: int):
    return _activity(request, activity_id)


class RegistrationOut(Schema):
    id: int
    name: str
    mobile_masked: str
    status: str
    source: str
    created_at: datetime.datetime


@router.get("/activities/{activity_id}/registrations", response=list[RegistrationOut],
            url_name="activity_registrations")
@api_requires(Action.ACTIVITY_MANAGE)
@paginate(Page)
def activity_registrations(request, activity_id: int):
    return _activity(request, activity_id).registrations.order_by("created_at", "id")


class SignInOut(Schema):
    id: int
    name: str
    mobile_masked: str
    walk_in: bool
    at: datetime.datetime


@router.get("/activities/{activity_id}/sign-ins", response=list[SignInOut], url_name="activity_sign_ins")
@api_requires(Action.ACTIVITY_MANAGE)
@paginate(Page)
def activity_sign_ins(request, activity_id: int):
    return _activity(request, activity_id).sign_ins.order_by("at", "id")
