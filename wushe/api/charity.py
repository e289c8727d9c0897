"""Charity resources in the JSON API (charity.manage), scoped like the pages: donations and
funds by the station that keeps them. A donor's phone leaves masked; a fund's sums come from
its ledger, as the pages compute them."""

import datetime
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from wushe.accounts.roles import Action
from wushe.api.urls import Page, api_requires
from wushe.charity import selectors

router = Router(tags=["charity"])


def _or_404(get, request, pk):
    try:
        return get(user=request.user, pk=pk)
    except Http404 as exc:
        raise HttpError(404, _("记录不存在。")) from exc


class DonorOut(Schema):
    id: int
    kind: str
    name: str
    contact_name: str
    mobile_masked: str
    named_publicly: bool


class DonationItemOut(Schema):
    item: str
    quantity: Decimal
    unit: str
    valuation: Decimal


class DonationOut(Schema):
    id: int
    station_id: int
    donor: DonorOut
    kind: str
    amount: Decimal
    received_on: datetime.date
    purpose: str
    restricted: bool
    fund_id: int | None
    project_id: int | None
    need_id: int | None
    receipt_number: str
    receipt_on: datetime.date | None


class DonationDetailOut(DonationOut):
    items: list[DonationItemOut]

    @staticmethod
    def resolve_items(d, context):
        return list(d.items.all())


@router.get("/donations", response=list[DonationOut], url_name="donations")
@api_requires(Action.CHARITY_MANAGE)
@paginate(Page)
def donation_list(request, kind: str = "", fund_id: int | None = None, project_id: int | None = None,
                  since: datetime.date | None = None, until: datetime.date | None = None):
    qs = selectors.donation_list(user=request.user)
    if kind:
        qs = qs.filter(kind=kind)
    if fund_id:
        qs = qs.filter(fund_id=fund_id)
    if project_id:
        qs = qs.filter(project_id=project_id)
    if since:
        qs = qs.filter(received_on__gte=since)
    if until:
        qs = qs.filter(received_on__lte=until)
    return qs.order_by("-received_on", "-id")


@router.get("/donations/{donation_id}", response=DonationDetailOut, url_name="donation")
@api_requires(Action.CHARITY_MANAGE)
def donation_detail(request, donation_id: int):
    return _or_404(selectors.donation_get, request, donation_id)


class CommitteeOut(Schema):
    name: str
    role: str
    affiliation: str


class FundOut(Schema):
    id: int
    station_id: int
    name: str
    host_name: str
    sub_account: str
    serves: str
    status: str
    opened_on: datetime.date | None
    raised: Decimal
    spent: Decimal
    pending: Decimal
    balance: Decimal

    @staticmethod
    def resolve_serves(f, context):
        return f.serves_id

    @staticmethod
    def resolve_pending(f, context):
        return f.waiting


class FundDetailOut(FundOut):
    committee: list[CommitteeOut]
    committee_ok: bool

    @staticmethod
    def resolve_committee(f, context):
        return list(f.committee.all())

    @staticmethod
    def resolve_committee_ok(f, context):
        return not selectors.committee_problems(f.committee.all())


@router.get("/funds", response=list[FundOut], url_name="funds")
@api_requires(Action.CHARITY_MANAGE)
@paginate(Page)
def fund_list(request, status: str = ""):
    qs = selectors.fund_list(user=request.user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("name", "id")


@router.get("/funds/{fund_id}", response=FundDetailOut, url_name="fund")
@api_requires(Action.CHARITY_MANAGE)
def fund_detail(request, fund_id: int):
    return _or_404(selectors.fund_get, request, fund_id)


class EntryOut(Schema):
    id: int
    kind: str
    amount: Decimal
    on: datetime.date
    purpose: str
    payee: str
    status: str
    donation_id: int | None
    project_id: int | None
    need_id: int | None
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None
    reject_reason: str
    counted: bool

    @staticmethod
    def resolve_counted(e, context):
        return e.status in ("confirmed", "approved")


@router.get("/funds/{fund_id}/entries", response=list[EntryOut], url_name="fund_entries")
@api_requires(Action.CHARITY_MANAGE)
@paginate(Page)
def fund_entries(request, fund_id: int, kind: str = "", status: str = ""):
    fund = _or_404(selectors.fund_get, request, fund_id)
    qs = fund.entries.all()
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("on", "id")
