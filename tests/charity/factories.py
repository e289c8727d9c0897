from decimal import Decimal

from tests.people.factories import today
from wushe.charity import services

COMMITTEE = [("主任甲", "chair"), ("委员乙", "member"), ("委员丙", "member"), ("委员丁", "member"), ("监事戊", "supervisor")]


def donor(actor, station, *, name="安徽某科技有限公司", kind="enterprise", named=True, **extra):
    data = {"kind": kind, "name": name, "named_publicly": named, **extra}
    return services.donor_save(actor=actor, station=station, data=data)


def fund(actor, station, *, name="西园社区微基金", serves=None, members=COMMITTEE, open_it=True):
    f = services.fund_save(actor=actor, station=station, data={
        "name": name, "host_name": "合肥市蜀山区慈善协会", "sub_account": "SSCS-2024-018",
        "serves": serves or station.division})
    for member_name, role in members:
        services.committee_add(actor=actor, fund=f, data={"name": member_name, "role": role})
    if open_it:
        services.fund_open(actor=actor, fund=f)
    return f


def cash(actor, giver, *, amount="1000", fund=None, project=None, need=None, purpose="助老助困", **extra):
    return services.donation_record(actor=actor, station=giver.station, data={
        "donor": giver, "kind": "cash", "amount": Decimal(amount), "received_on": today(), "purpose": purpose,
        "fund": fund, "project": project, "need": need, **extra})


def goods(actor, giver, *, items, project=None, need=None, purpose="学习用品"):
    return services.donation_record(actor=actor, station=giver.station, data={
        "donor": giver, "kind": "goods", "received_on": today(), "purpose": purpose, "project": project,
        "need": need}, items=items)


def expense(actor, fund, *, amount="300", purpose="困难家庭慰问品", **extra):
    return services.expense_request(actor=actor, fund=fund, data={
        "amount": Decimal(amount), "on": today(), "purpose": purpose, "payee": "社区超市", **extra})


def project(actor, station, *, title="西园慈善幸福家园", target="20000"):
    return services.project_save(actor=actor, station=station, data={
        "title": title, "target_amount": Decimal(target), "starts_on": today(), "ends_on": today()})


def line(item, quantity, unit, valuation) -> dict:
    return {"item": item, "quantity": Decimal(str(quantity)), "unit": unit, "valuation": Decimal(str(valuation))}
