"""In a real browser: a 社工 files a community social organization, then records a cash
donation into the community fund and sees the fund's balance and its ledger line."""

import os

import pytest

from tests.browser import CHROMIUM
from tests.browser.test_people_and_cases import sign_in
from tests.people.factories import id_number, mobile

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")]


def test_file_an_organization_and_record_a_donation_into_a_fund(new_page, live_server, transactional_db):
    from tests.charity import factories as charity
    from tests.factories import Network
    from wushe.charity.models import Donation, Fund
    from wushe.organizations.models import Organization

    net = Network()
    people = net.users()
    fund = charity.fund(people["worker"], net.station_a)
    giver = charity.donor(people["worker"], net.station_a, name="徽园食品有限公司")
    page = new_page()
    sign_in(page, live_server.url, "t_shegong")

    page.goto(f"{live_server.url}/organizations/new/")
    page.fill("#id_name", "西园邻里互助会")
    page.select_option("#id_category", index=1)
    page.select_option("#id_division", net.community_a1.code)
    page.fill("#id_filing_number", "西园社备〔2026〕001号")
    page.fill("#id_filed_on", "2026-03-01")
    page.fill("#id_responsible_name", "王桂兰")
    page.fill("#id_responsible_id_number", id_number())
    page.fill("#id_responsible_mobile", mobile())
    page.fill("#id_headcount", "18")
    page.fill("#id_place", "西园新村活动室")
    page.fill("#id_business_scope", "邻里互助、探访独居老人")
    page.click("button.btn-primary[type=submit]")
    page.wait_for_load_state()
    organization = Organization.objects.get(name="西园邻里互助会")
    assert page.url.endswith(f"/organizations/{organization.pk}/")
    assert "西园邻里互助会" in page.content() and "王桂兰" in page.content()

    page.goto(f"{live_server.url}/charity/donations/new/")
    page.select_option("#id_donor", str(giver.pk))
    page.fill("#id_amount", "2000")
    page.fill("#id_purpose", "困境儿童助学")
    page.select_option("#id_fund", str(fund.pk))
    page.click("button.btn-primary[type=submit]")
    page.wait_for_load_state()
    donation = Donation.objects.get(purpose="困境儿童助学")
    assert donation.fund == fund and donation.amount == 2000
    page.goto(f"{live_server.url}/charity/funds/{fund.pk}/")
    assert "2000.00" in page.content() and "困境儿童助学" in page.content()
    assert Fund.objects.get(pk=fund.pk).pk == fund.pk
