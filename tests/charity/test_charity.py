"""Charity resources: a fund opens only under a committee that can govern it, its balance is
the ledger's and never goes below zero (also when two approvals race), spending is approved
by someone else holding fund.approve, goods are valued line by line, the public disclosure
page names only donors who agreed and shows nobody's phone or a resident's name, and every
record stays inside its station's scope."""

import threading
import time
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection
from django.db.models import Sum
from django.http import Http404

from tests.charity.factories import COMMITTEE, cash, donor, expense, fund, goods, line, project
from tests.factories import photo, user
from tests.people.factories import mobile, resident, today
from wushe.accounts.roles import Role
from wushe.accounts.services import api_token_issue
from wushe.charity import selectors, services
from wushe.charity.models import Donation, DonationItem, Fund, FundEntry
from wushe.core.attachments import attachments_of
from wushe.core.models import AuditEntry
from wushe.people import services as people_services
from wushe.people.models import Need

pytestmark = pytest.mark.django_db


def _ledger_balance(f: Fund) -> Decimal:
    """The balance straight from the rows, to hold the selectors to."""
    income = f.entries.filter(kind="income", status="confirmed").aggregate(n=Sum("amount"))["n"] or 0
    spent = f.entries.filter(kind="expense", status="approved").aggregate(n=Sum("amount"))["n"] or 0
    return income - spent


# --- the committee --------------------------------------------------------------------------

@pytest.mark.parametrize(("members", "message"), [
    (COMMITTEE[:4], "至少需要5名"),
    (COMMITTEE[:4] + [("委员己", "member")], "监事"),
    (COMMITTEE + [("委员己", "member")], "单数"),
])
def test_a_fund_opens_only_under_a_committee_that_can_govern_it(net, people, members, message):
    f = fund(people["worker"], net.station_a, members=members, open_it=False)
    with pytest.raises(ValidationError, match=message):
        services.fund_open(actor=people["worker"], fund=f)
    assert Fund.objects.get(pk=f.pk).status == "draft"
    giver = donor(people["worker"], net.station_a)
    with pytest.raises(ValidationError, match="尚未成立"):
        cash(people["worker"], giver, fund=f)
    assert not Donation.objects.exists()


def test_five_members_with_a_supervisor_open_it_and_keep_it_governed(net, people):
    f = fund(people["worker"], net.station_a, open_it=False)
    assert selectors.committee_problems(f.committee.all()) == []
    services.fund_open(actor=people["worker"], fund=f)
    f.refresh_from_db()
    assert f.status == "active" and f.opened_on == today()
    with pytest.raises(ValidationError, match="已有主任"):
        services.committee_add(actor=people["worker"], fund=f, data={"name": "又一个主任", "role": "chair"})
    supervisor = f.committee.get(role="supervisor")
    with pytest.raises(ValidationError, match="不能少于5名"):
        services.committee_remove(actor=people["worker"], fund=f, member=supervisor)
    services.committee_add(actor=people["worker"], fund=f, data={"name": "委员己", "role": "member"})
    assert "单数" in "".join(selectors.committee_problems(f.committee.all()))  # shown on the page until fixed
    with pytest.raises(ValidationError, match="监事"):
        services.committee_remove(actor=people["worker"], fund=f, member=supervisor)
    services.committee_remove(actor=people["worker"], fund=f, member=f.committee.get(name="委员己"))
    assert f.committee.count() == 5 and selectors.committee_problems(f.committee.all()) == []
    with pytest.raises(ValidationError, match="只有筹备中"):
        services.fund_open(actor=people["worker"], fund=f)


def test_committee_rule_through_the_pages(net, people, login):
    f = fund(people["worker"], net.station_a, members=COMMITTEE[:4], open_it=False)
    client = login(people["worker"])
    page = client.get(f"/charity/funds/{f.pk}/").content.decode()
    assert "至少需要5名" in page and "成立基金" not in page
    client.post(f"/charity/funds/{f.pk}/open/")
    assert Fund.objects.get(pk=f.pk).status == "draft"
    assert client.post(f"/charity/funds/{f.pk}/committee/new/", {
        "name": "监事己", "role": "supervisor", "joined_on": today().isoformat()}).status_code == 302
    assert "成立基金" in client.get(f"/charity/funds/{f.pk}/").content.decode()
    client.post(f"/charity/funds/{f.pk}/open/")
    assert Fund.objects.get(pk=f.pk).status == "active"


def test_a_fund_serves_an_area_of_its_own_station(net, people):
    with pytest.raises(ValidationError) as error:
        fund(people["worker"], net.station_a, serves=net.community_b1)
    assert "serves" in error.value.message_dict


# --- money in -------------------------------------------------------------------------------

def test_cash_into_a_fund_is_its_income_in_the_same_transaction(net, people):
    f = fund(people["worker"], net.station_a)
    giver = donor(people["worker"], net.station_a)
    d = cash(people["worker"], giver, fund=f, amount="1500.50")
    entry = FundEntry.objects.get(donation=d)
    assert (entry.kind, entry.status, entry.amount, entry.fund_id) == ("income", "confirmed", Decimal("1500.50"), f.pk)
    assert selectors.fund_totals(f)["balance"] == Decimal("1500.50") == _ledger_balance(f)
    # If the ledger line cannot be written, the donation is not kept either.
    with mock.patch.object(FundEntry.objects, "create", side_effect=RuntimeError("disk full")), \
            pytest.raises(RuntimeError):
        cash(people["worker"], giver, fund=f, amount="99")
    assert Donation.objects.count() == 1 and FundEntry.objects.count() == 1


def test_goods_are_valued_line_by_line_and_the_amount_is_their_sum(net, people):
    p = project(people["worker"], net.station_a)
    giver = donor(people["worker"], net.station_a)
    d = goods(people["worker"], giver, project=p, items=[
        line("书包", 100, "个", "8000"), line("文具套装", 120, "套", "4800.50"), line("课外读物", 55, "本", "2199.50")])
    assert d.amount == Decimal("15000.00") == sum(i.valuation for i in d.items.all())
    assert DonationItem.objects.filter(donation=d).count() == 3
    # An amount typed for goods is not what counts: the lines are.
    typed = services.donation_record(actor=people["worker"], station=net.station_a, data={
        "donor": giver, "kind": "goods", "amount": Decimal("1"), "received_on": today(), "purpose": "衣物",
        "project": p}, items=[line("棉衣", 10, "件", "1200")])
    assert typed.amount == Decimal("1200")
    assert selectors.project_get(user=people["worker"], pk=p.pk).raised == Decimal("16200.00")
    assert not FundEntry.objects.exists()  # goods never enter a fund's ledger


@pytest.mark.parametrize(("kind", "items", "field", "message"), [
    ("goods", [], "items", "至少填写一行"),
    ("goods", [{"item": "书包", "quantity": Decimal(2), "unit": "", "valuation": Decimal(50)}], "items", "第1行"),
    ("goods", [line("书包", 2, "个", "0.00")], "items", "大于0"),
    ("cash", [line("书包", 2, "个", "50")], "items", "现金捐赠不填写"),
])
def test_bad_donations_name_the_field_or_row(net, people, kind, items, field, message):
    p = project(people["worker"], net.station_a)
    giver = donor(people["worker"], net.station_a)
    with pytest.raises(ValidationError) as error:
        services.donation_record(actor=people["worker"], station=net.station_a, data={
            "donor": giver, "kind": kind, "amount": Decimal("10") if kind == "cash" else None,
            "received_on": today(), "purpose": "x", "project": p}, items=items)
    assert message in "".join(error.value.message_dict[field])
    assert not Donation.objects.exists()


def test_a_donation_has_exactly_one_destination_and_goods_stay_out_of_funds(net, people):
    f = fund(people["worker"], net.station_a)
    p = project(people["worker"], net.station_a)
    giver = donor(people["worker"], net.station_a)
    with pytest.raises(ValidationError, match="只选一项"):
        cash(people["worker"], giver, fund=f, project=p)
    with pytest.raises(ValidationError, match="只选一项"):
        cash(people["worker"], giver)
    with pytest.raises(ValidationError, match="物资不进入基金"):
        services.donation_record(actor=people["worker"], station=net.station_a, data={
            "donor": giver, "kind": "goods", "received_on": today(), "purpose": "x", "fund": f},
            items=[line("米", 10, "袋", "500")])


def test_a_gift_for_a_need_needs_the_need_in_scope(net, people):
    need_b = people_services.need_create(actor=people["worker_b"], data={
        "resident": resident("李奶奶", station=net.station_b, actor=people["worker_b"]), "category": "relief",
        "description": "冬衣", "source": Need.Source.HOTLINE})
    giver = donor(people["worker"], net.station_a)
    with pytest.raises(Http404):
        goods(people["worker"], giver, need=need_b, items=[line("棉衣", 1, "件", "200")])
    own = people_services.need_create(actor=people["worker"], data={
        "resident": resident("王爷爷", station=net.station_a, actor=people["worker"]), "category": "relief",
        "description": "冬衣", "source": Need.Source.HOTLINE})
    assert goods(people["worker"], giver, need=own, items=[line("棉衣", 1, "件", "200")]).need_id == own.pk


def test_the_receipt_is_the_host_charitys_and_recorded_later(net, people, login):
    f = fund(people["worker"], net.station_a)
    d = cash(people["worker"], donor(people["worker"], net.station_a), fund=f)
    client = login(people["worker"])
    page = client.get(f"/charity/donations/{d.pk}/").content.decode()
    assert "托管慈善组织" in page and "平台不开具票据" in page
    assert client.post(f"/charity/donations/{d.pk}/receipt/", {"receipt_number": "", "receipt_on": ""}).status_code \
        == 200
    client.post(f"/charity/donations/{d.pk}/receipt/", {"receipt_number": "皖慈票 0012345",
                                                         "receipt_on": today().isoformat()})
    d.refresh_from_db()
    assert d.receipt_number == "皖慈票 0012345" and d.receipt_on == today()


# --- money out ------------------------------------------------------------------------------

def test_spending_is_approved_by_someone_else_with_fund_approve(net, people):
    f = fund(people["worker"], net.station_a)
    cash(people["worker"], donor(people["worker"], net.station_a), fund=f, amount="1000")
    asked = expense(people["worker"], f, amount="400")
    other_worker = user("shegong2", Role.WORKER, station=net.station_a)
    with pytest.raises(PermissionDenied):  # a 社工 does not approve
        services.expense_decide(actor=other_worker, entry=asked, approve=True)
    with pytest.raises(Http404):  # another street's 站长: not theirs at all
        services.expense_decide(actor=user("head_b", Role.HEAD, station=net.station_b), entry=asked, approve=True)
    own = expense(people["head"], f, amount="100")
    with pytest.raises(ValidationError, match="不能审批自己"):
        services.expense_decide(actor=people["head"], entry=own, approve=True)
    with pytest.raises(ValidationError, match="驳回须填写理由"):
        services.expense_decide(actor=people["street"], entry=own, approve=False)
    services.expense_decide(actor=people["street"], entry=own, approve=False, reason="票据不全")
    services.expense_decide(actor=people["head"], entry=asked, approve=True)
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by) == ("approved", people["head"])
    with pytest.raises(ValidationError, match="已经处理过"):
        services.expense_decide(actor=people["street"], entry=asked, approve=True)
    assert selectors.fund_totals(f) == {"raised": Decimal("1000"), "spent": Decimal("400"), "waiting": Decimal("0"),
                                        "balance": Decimal("600")}
    assert _ledger_balance(f) == Decimal("600")


def test_the_balance_never_goes_negative(net, people):
    f = fund(people["worker"], net.station_a)
    cash(people["worker"], donor(people["worker"], net.station_a), fund=f, amount="500")
    with pytest.raises(ValidationError) as error:  # more than there is: refused when asked
        expense(people["worker"], f, amount="500.01")
    assert "amount" in error.value.message_dict
    first, second = expense(people["worker"], f, amount="300"), expense(people["worker"], f, amount="300")
    services.expense_decide(actor=people["head"], entry=first, approve=True)
    with pytest.raises(ValidationError, match="余额不足"):
        services.expense_decide(actor=people["head"], entry=second, approve=True)
    assert FundEntry.objects.get(pk=second.pk).status == "pending"
    assert selectors.balance_of(f) == Decimal("200") == _ledger_balance(f)
    assert selectors.fund_list(user=people["head"]).get(pk=f.pk).balance == Decimal("200")


@pytest.mark.django_db(transaction=True)
def test_approvals_racing_never_overdraw_the_fund(net, people):
    f = fund(people["worker"], net.station_a)
    cash(people["worker"], donor(people["worker"], net.station_a), fund=f, amount="1000")
    asked = [expense(people["worker"], f, amount="300") for _n in range(6)]
    approvers = [people["head"], people["street"]]
    outcomes, errors = [], []

    def approve(entry, approver):
        try:
            for _attempt in range(200):
                try:
                    services.expense_decide(actor=approver, entry=FundEntry.objects.get(pk=entry.pk), approve=True)
                    outcomes.append("approved")
                    return
                except OperationalError as exc:  # SQLite in shared memory answers "locked" at once
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
            errors.append("gave up")
        except ValidationError as exc:
            outcomes.append("short" if "余额不足" in str(exc) else repr(exc))
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(e, approvers[n % 2])) for n, e in enumerate(asked)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(outcomes) == ["approved"] * 3 + ["short"] * 3
    assert FundEntry.objects.filter(kind="expense", status="approved").count() == 3
    assert selectors.balance_of(f) == Decimal("100") == _ledger_balance(f)


def test_spending_through_the_pages_with_an_attachment(net, people, login):
    f = fund(people["worker"], net.station_a)
    cash(people["worker"], donor(people["worker"], net.station_a), fund=f, amount="800")
    worker = login(people["worker"])
    response = worker.post(f"/charity/funds/{f.pk}/expenses/new/", {
        "amount": "260", "on": today().isoformat(), "purpose": "困境儿童助学", "payee": "新华书店", "photos": photo()})
    assert response.status_code == 302
    entry = FundEntry.objects.get(kind="expense")
    assert entry.status == "pending" and attachments_of(entry).count() == 1
    page = worker.get(f"/charity/funds/{f.pk}/").content.decode()
    assert "困境儿童助学" in page and "须由站长或街道审批" in page and "decision" not in page
    assert worker.post(f"/charity/expenses/{entry.pk}/decide/", {"decision": "approve"}).status_code == 403
    attachment = attachments_of(entry).get()
    assert worker.get(f"/attachments/{attachment.pk}/").status_code == 200
    assert login(people["worker_b"]).get(f"/attachments/{attachment.pk}/").status_code == 404
    head = login(people["head"])
    assert 'name="decision" value="approve"' in head.get(f"/charity/funds/{f.pk}/").content.decode()
    head.post(f"/charity/expenses/{entry.pk}/decide/", {"decision": "reject", "reason": ""})
    assert FundEntry.objects.get(pk=entry.pk).status == "pending"  # a rejection without a reason is refused
    head.post(f"/charity/expenses/{entry.pk}/decide/", {"decision": "approve"})
    assert FundEntry.objects.get(pk=entry.pk).status == "approved"
    assert selectors.balance_of(f) == Decimal("540")


def test_the_ledger_exports_to_xlsx_and_is_audited(net, people, login):
    from io import BytesIO

    from openpyxl import load_workbook

    f = fund(people["worker"], net.station_a)
    cash(people["worker"], donor(people["worker"], net.station_a), fund=f, amount="800")
    services.expense_decide(actor=people["head"], entry=expense(people["worker"], f, amount="300"), approve=True)
    response = login(people["worker"]).get(f"/charity/funds/{f.pk}/?export=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][0] == "日期" and len(rows) == 3
    assert [r[-1] for r in rows[1:]] == [800, 500]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED, object_type="charity.fund").exists()


# --- the public disclosure page -------------------------------------------------------------

def test_the_disclosure_page_names_only_consenting_donors_and_leaks_nothing(net, people, client):
    f = fund(people["worker"], net.station_a)
    named = donor(people["worker"], net.station_a, name="徽商银行西园支行", kind="unit", named=True,
                  contact_name="周行长", mobile=mobile())
    quiet_person = donor(people["worker"], net.station_a, name="张淑芬", kind="individual", named=False,
                         mobile="13912345678")
    quiet_firm = donor(people["worker"], net.station_a, name="某不愿具名建材公司", named=False)
    for giver, amount in ((named, "5000"), (quiet_person, "200"), (quiet_firm, "3000")):
        cash(people["worker"], giver, fund=f, amount=amount)
    elder = resident("孙秀英", station=net.station_a, actor=people["worker"], mobile=mobile())
    need = people_services.need_create(actor=people["worker"], data={
        "resident": elder, "category": "relief", "description": "孙秀英家中困难", "source": Need.Source.VISIT})
    p = project(people["worker"], net.station_a, title="困境老人暖冬")
    services.beneficiary_add(actor=people["worker"], project=p, resident=elder)
    spent = expense(people["worker"], f, amount="1200", purpose="暖冬慰问", need=need, project=p)
    services.expense_decide(actor=people["head"], entry=spent, approve=True)
    expense(people["worker"], f, amount="100", purpose="尚未批准的支出")

    url = f"/p/funds/{selectors.fund_page_key(f)}/"
    body = client.get(url).content.decode()
    assert "徽商银行西园支行" in body and "爱心人士" in body and "爱心企业" in body
    assert "8200.00" in body and "1200.00" in body and "7000.00" in body
    assert "暖冬慰问" in body and "受益 1 人" in body and "尚未批准的支出" not in body
    for secret in ("张淑芬", "某不愿具名建材公司", "周行长", "孙秀英", "13912345678", quiet_person.mobile_masked,
                   named.mobile_masked, "主任甲", "监事戊", people["worker"].username):
        assert secret not in body, secret
    assert client.get(f"/p/funds/{f.pk}/").status_code == 404  # the bare id is no key
    assert client.get(url[:-3] + "xx/").status_code == 404
    draft = fund(people["worker"], net.station_a, name="筹备中的基金", open_it=False)
    assert client.get(f"/p/funds/{selectors.fund_page_key(draft)}/").status_code == 404


# --- projects, points, resource links ---------------------------------------------------------

def test_beneficiaries_are_listed_only_to_those_who_see_their_files(net, people, login):
    p = project(people["worker"], net.station_a)
    services.beneficiary_add(actor=people["worker"], project=p, resident=resident(
        "赵小宝", station=net.station_a, actor=people["worker"]))
    with pytest.raises(Http404):  # another street's resident
        services.beneficiary_add(actor=people["worker"], project=p, resident=resident(
            "钱小花", station=net.station_b, actor=people["worker_b"]))
    assert "赵小宝" in login(people["worker"]).get(f"/charity/projects/{p.pk}/").content.decode()
    civil = login(people["civil"]).get(f"/charity/projects/{p.pk}/").content.decode()
    assert "赵小宝" not in civil and "另有 1 名受益人" in civil
    assert login(people["civil"]).get(f"/charity/projects/{p.pk}/beneficiaries/new/").status_code == 403


def test_providers_linked_are_counted_once_each(net, people, login):
    bank = donor(people["worker"], net.station_a, name="徽商银行", kind="unit")
    for data in ({"donor": bank}, {"donor": bank}, {"provider_name": "区人民医院"}, {"provider_name": " 区人民医院 "},
                 {"provider_name": "明德律师事务所"}):
        services.link_save(actor=people["worker"], station=net.station_a, data={
            "kind": "service", "description": "义诊", "linked_on": today(), **data})
    services.link_save(actor=people["worker_b"], station=net.station_b, data={
        "kind": "venue", "description": "活动场地", "provider_name": "另一街道的物业", "linked_on": today()})
    assert selectors.providers_linked(selectors.link_list(user=people["worker"])) == 3
    page = login(people["worker"]).get("/charity/links/").content.decode()
    assert "3 家" in page and "另一街道的物业" not in page
    with pytest.raises(ValidationError) as error:
        services.link_save(actor=people["worker"], station=net.station_a, data={
            "kind": "goods", "description": "米面油", "linked_on": today()})
    assert "provider_name" in error.value.message_dict


def test_a_case_is_linked_only_by_someone_who_may_read_it(net, people):
    from tests.casework.factories import open_case

    case = open_case(net, people, resident=resident("周大伯", station=net.station_a, actor=people["worker"]))
    colleague = user("shegong3", Role.WORKER, station=net.station_a)
    data = {"kind": "funds", "description": "医疗救助金", "provider_name": "区慈善会", "linked_on": today(), "case": case}
    with pytest.raises(ValidationError) as error:
        services.link_save(actor=colleague, station=net.station_a, data=data)
    assert "case" in error.value.message_dict
    link = services.link_save(actor=people["worker"], station=net.station_a, data=data)
    assert selectors.case_label(colleague, link.case) == "已对接一个个案（无权查看详情）"
    assert "周大伯" in selectors.case_label(people["worker"], link.case)


# --- scope ----------------------------------------------------------------------------------

def test_records_of_another_station_do_not_exist(net, people, login):
    f = fund(people["worker"], net.station_a)
    giver = donor(people["worker"], net.station_a, kind="individual", name="陈建国", mobile=mobile())
    d = cash(people["worker"], giver, fund=f)
    p = project(people["worker"], net.station_a)
    outsider = login(people["worker_b"])
    for url in (f"/charity/funds/{f.pk}/", f"/charity/donors/{giver.pk}/", f"/charity/donations/{d.pk}/",
                f"/charity/projects/{p.pk}/", f"/charity/funds/{f.pk}/?export=xlsx"):
        assert outsider.get(url).status_code == 404, url
    for url in ("/charity/", "/charity/donors/", "/charity/donations/", "/charity/projects/"):
        body = outsider.get(url).content.decode()
        assert "陈建国" not in body and "西园社区微基金" not in body and "西园慈善幸福家园" not in body, url
    mine = login(people["worker"]).get("/charity/donors/").content.decode()
    assert "陈建国" in mine and giver.mobile_masked in mine and "****" in giver.mobile_masked


def test_viewing_a_donor_is_audited_and_the_phone_masked(net, people, login):
    number = mobile()
    giver = donor(people["worker"], net.station_a, kind="individual", name="刘爱华", mobile=number, named=False)
    page = login(people["worker"]).get(f"/charity/donors/{giver.pk}/").content.decode()
    assert number not in page and giver.mobile_masked in page and "爱心人士" in page
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VIEWED, object_type="charity.donor").exists()
    found = login(people["worker"]).get("/charity/donors/", {"q": number}).content.decode()
    assert "刘爱华" in found


def test_pages_open_with_empty_states(net, people, login):
    client = login(people["worker"])
    for url, text in (("/charity/", "还没有社区基金"), ("/charity/donors/", "没有符合条件的捐赠方"),
                      ("/charity/donations/", "没有符合条件的捐赠"), ("/charity/projects/", "还没有慈善项目"),
                      ("/charity/points/", "还没有慈善捐赠点"), ("/charity/links/", "还没有资源链接")):
        response = client.get(url)
        assert response.status_code == 200 and text in response.content.decode(), url
    for url in ("/charity/funds/new/", "/charity/donors/new/", "/charity/donations/new/", "/charity/projects/new/",
                "/charity/points/new/", "/charity/links/new/"):
        assert client.get(url).status_code == 200, url
    assert login(people["org_lead"]).get("/charity/").status_code == 403


def test_a_goods_donation_through_the_form_with_item_lines(net, people, login):
    p = project(people["worker"], net.station_a)
    giver = donor(people["worker"], net.station_a)
    client = login(people["worker"])
    form = {"station": net.station_a.pk, "donor": giver.pk, "kind": "goods", "amount": "", "received_on":
            today().isoformat(), "purpose": "困境儿童学习用品", "project": p.pk, "items-TOTAL_FORMS": "3",
            "items-INITIAL_FORMS": "0", "items-0-item": "书包", "items-0-quantity": "50", "items-0-unit": "个",
            "items-0-valuation": "4000", "items-1-item": "文具", "items-1-quantity": "50", "items-1-unit": "套",
            "items-1-valuation": "1000.5", "items-2-item": "", "items-2-quantity": "", "items-2-unit": "",
            "items-2-valuation": ""}
    more = client.post("/charity/donations/new/", {**form, "more": "1"})
    assert more.status_code == 200 and 'name="items-TOTAL_FORMS" value="8"' in more.content.decode()
    assert not Donation.objects.exists()
    assert client.post("/charity/donations/new/", form).status_code == 302
    d = Donation.objects.get()
    assert d.amount == Decimal("5000.50") and d.items.count() == 2
    bad = client.post("/charity/donations/new/", {**form, "items-1-unit": ""}).content.decode()
    assert "第2行" in bad and Donation.objects.count() == 1


# --- the API --------------------------------------------------------------------------------

def test_api_lists_funds_donations_and_entries_in_scope(net, people, client):
    f = fund(people["worker"], net.station_a)
    number = mobile()
    giver = donor(people["worker"], net.station_a, kind="individual", name="吴志强", mobile=number, named=False)
    d = cash(people["worker"], giver, fund=f, amount="1000")
    services.expense_decide(actor=people["head"], entry=expense(people["worker"], f, amount="250"), approve=True)
    key, _tok = api_token_issue(user=people["worker"])
    auth = {"Authorization": f"Bearer {key}"}
    funds = client.get("/api/v1/funds", headers=auth).json()
    assert funds["count"] == 1 and Decimal(funds["items"][0]["balance"]) == Decimal("750")
    detail = client.get(f"/api/v1/funds/{f.pk}", headers=auth).json()
    assert detail["committee_ok"] is True and len(detail["committee"]) == 5
    entries = client.get(f"/api/v1/funds/{f.pk}/entries", headers=auth).json()
    assert [e["kind"] for e in entries["items"]] == ["income", "expense"] and entries["count"] == 2
    donations = client.get("/api/v1/donations", headers=auth).json()
    assert donations["count"] == 1
    one = client.get(f"/api/v1/donations/{d.pk}", headers=auth)
    assert one.json()["donor"]["mobile_masked"] == giver.mobile_masked
    assert number not in one.content.decode() and "****" in giver.mobile_masked
    other, _tok = api_token_issue(user=people["worker_b"])
    outside = {"Authorization": f"Bearer {other}"}
    for url in (f"/api/v1/funds/{f.pk}", f"/api/v1/funds/{f.pk}/entries", f"/api/v1/donations/{d.pk}"):
        assert client.get(url, headers=outside).status_code == 404, url
    assert client.get("/api/v1/funds", headers=outside).json() == {"items": [], "count": 0}
    lead, _tok = api_token_issue(user=people["org_lead"])
    assert client.get("/api/v1/funds", headers={"Authorization": f"Bearer {lead}"}).status_code == 403
