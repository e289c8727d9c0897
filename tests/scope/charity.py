"""The scope matrix's charity section (see tests/scope/__init__.py): donors, donations, community
funds (their committees and spending), charity projects, donation points and resource links,
each built for a place by its own 社工 and kept in ``place.extra["charity"]``."""

from decimal import Decimal

from django.utils import timezone

from tests.scope import Route
from wushe.accounts.roles import Action


def charity(place, part: str):
    """The place's charity records: a donor; an open fund with a valid committee, 1000 yuan
    given into it and a pending request to spend 200; a fund still being set up whose
    committee is ready; a charity project with goods given and one beneficiary; a donation
    point; a resource link for the place's need."""
    if "charity" not in place.extra:
        from tests.people.factories import resident
        from wushe.charity import services

        member, station, today = place.member, place.station, timezone.localdate()
        donor = services.donor_save(actor=member, station=station, data={
            "kind": "enterprise", "name": f"{place.key}爱心企业", "contact_name": "联系人", "mobile": "13900001111",
            "named_publicly": True})

        def fund(name, open_it):
            f = services.fund_save(actor=member, station=station, data={
                "name": name, "host_name": "区慈善协会", "sub_account": "ZX-001", "serves": place.community})
            for n, role in enumerate(["chair", "member", "member", "member", "supervisor"]):
                services.committee_add(actor=member, fund=f, data={"name": f"委员{n}", "role": role})
            if open_it:
                services.fund_open(actor=member, fund=f)
            return f

        active, draft = fund(f"{place.key}社区基金", True), fund(f"{place.key}筹备基金", False)
        donation = services.donation_record(actor=member, station=station, data={
            "donor": donor, "kind": "cash", "amount": Decimal("1000"), "received_on": today, "purpose": "助老",
            "fund": active})
        expense = services.expense_request(actor=member, fund=active, data={
            "amount": Decimal("200"), "on": today, "purpose": "助老慰问品", "payee": "社区超市"})
        project = services.project_save(actor=member, station=station, data={
            "title": f"{place.key}慈善幸福家园", "target_amount": Decimal("5000"), "starts_on": today,
            "ends_on": today})
        services.donation_record(actor=member, station=station, data={
            "donor": donor, "kind": "goods", "received_on": today, "purpose": "学习用品", "project": project},
            items=[{"item": "书包", "quantity": Decimal("10"), "unit": "个", "valuation": Decimal("500")}])
        helped = resident(f"受助{place.key}", station=station, community=place.community, actor=member)
        beneficiary = services.beneficiary_add(actor=member, project=project, resident=helped)
        point = services.point_save(actor=member, station=station, data={
            "name": f"{place.key}捐赠点", "address": "站内一楼", "hours": "工作日", "accepts": "衣物"})
        link = services.link_save(actor=member, station=station, data={
            "kind": "service", "description": "上门理发", "provider_name": "爱心理发店", "need": place.need,
            "linked_on": today})
        place.extra["charity"] = {"donor": donor, "fund": active, "draft": draft, "donation": donation,
                                  "expense": expense, "project": project, "beneficiary": beneficiary,
                                  "point": point, "link": link}
    return place.extra["charity"][part]


def _pk(part):
    return lambda p: {"pk": charity(p, part).pk}


def _today() -> str:
    return timezone.localdate().isoformat()


ROUTES = {
    "charity:fund": Route(_pk("fund")),
    "charity:fund_edit": Route(_pk("fund"), ("GET", "POST"), lambda p: {
        "name": "改过的基金", "host_name": "改过的慈善会", "sub_account": "ZX-002", "serves": p.community.code,
        "purpose": ""}),
    "charity:fund_open": Route(_pk("draft"), ("POST",), lambda p: {}),
    "charity:committee_add": Route(_pk("fund"), ("GET", "POST"), lambda p: {
        "name": "新委员", "role": "member", "affiliation": "居民代表", "joined_on": _today()}),
    "charity:committee_remove": Route(lambda p: {"pk": charity(p, "draft").pk,
                                                 "member_pk": charity(p, "draft").committee.first().pk},
                                      ("POST",), lambda p: {}),
    "charity:expense_new": Route(_pk("fund"), ("GET", "POST"), lambda p: {
        "amount": "50", "on": _today(), "purpose": "购买慰问品", "payee": "社区超市"}),
    "charity:expense_decide": Route(_pk("expense"), ("POST",), lambda p: {"decision": "approve"}),
    "charity:donor": Route(_pk("donor")),
    "charity:donor_edit": Route(_pk("donor"), ("GET", "POST"), lambda p: {
        "kind": "enterprise", "name": "改过的企业", "contact_name": "改", "mobile": "", "named_publicly": ""}),
    "charity:donation": Route(_pk("donation")),
    "charity:donation_receipt": Route(_pk("donation"), ("GET", "POST"), lambda p: {
        "receipt_number": "PJ0001", "receipt_on": _today()}),
    "charity:project": Route(_pk("project")),
    "charity:project_edit": Route(_pk("project"), ("GET", "POST"), lambda p: {
        "title": "改过的项目", "target_amount": "1", "starts_on": _today(), "ends_on": _today(), "status": "closed"}),
    "charity:beneficiary_add": Route(_pk("project"), ("GET", "POST"), lambda p: {
        "resident": p.resident.pk, "added_on": _today()}, own_needs=Action.PERSON_VIEW),
    "charity:beneficiary_remove": Route(lambda p: {"pk": charity(p, "project").pk,
                                                   "beneficiary_pk": charity(p, "beneficiary").pk},
                                        ("POST",), lambda p: {}, own_needs=Action.PERSON_VIEW),
    "charity:point_edit": Route(_pk("point"), ("GET", "POST"), lambda p: {
        "name": "改过的捐赠点", "address": "改", "hours": "周末", "accepts": "书籍", "active": ""}),
    "charity:link_edit": Route(_pk("link"), ("GET", "POST"), lambda p: {
        "kind": "venue", "description": "改过的资源", "provider_name": "改过的提供方", "linked_on": _today()}),
    "charity_public:fund": Route(lambda p: {"key": "x"}, public=True),
    "api:donation": Route(lambda p: {"donation_id": charity(p, "donation").pk}, api=True,
                          action=Action.CHARITY_MANAGE),
    "api:fund": Route(lambda p: {"fund_id": charity(p, "fund").pk}, api=True, action=Action.CHARITY_MANAGE),
    "api:fund_entries": Route(lambda p: {"fund_id": charity(p, "fund").pk}, api=True, action=Action.CHARITY_MANAGE),
}


def snapshot(place) -> tuple:
    from wushe.charity.models import (
        Beneficiary,
        CharityProject,
        CommitteeMember,
        Donation,
        DonationPoint,
        Donor,
        Fund,
        FundEntry,
        ResourceLink,
    )

    station = place.station
    return (
        sorted(Donor.objects.filter(station=station).values_list("pk", "name", "kind", "named_publicly",
                                                                 "mobile_hash", "contact_name")),
        sorted(Fund.objects.filter(station=station).values_list("pk", "name", "status", "host_name", "serves_id")),
        sorted(CommitteeMember.objects.filter(fund__station=station).values_list("pk", "name", "role")),
        sorted(FundEntry.objects.filter(fund__station=station).values_list("pk", "kind", "status", "amount",
                                                                           "decided_by_id")),
        sorted(Donation.objects.filter(station=station).values_list("pk", "amount", "receipt_number")),
        sorted(CharityProject.objects.filter(station=station).values_list("pk", "title", "status", "target_amount")),
        sorted(Beneficiary.objects.filter(project__station=station).values_list("pk", "resident_id")),
        sorted(DonationPoint.objects.filter(station=station).values_list("pk", "name", "active")),
        sorted(ResourceLink.objects.filter(station=station).values_list("pk", "kind", "description", "need_id")),
    )
