"""Demo charity resources for `wushe seed_demo` at 西园's station: five donors (two enterprises
named in public, a bank, two people who give anonymously), the 西园社区微基金 hosted by 合肥市
蜀山区慈善协会 under a committee of five with a 监事, cash given into it and spent (three
approved, one waiting for the head), 15000 yuan of school supplies for children in
difficulty through a charity project, a donation point and resources linked for needs and
cases. Everything goes through the services, so the ledger and counts are the real ones."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from wushe.accounts.models import User
from wushe.charity import services
from wushe.charity.models import Donor, Fund
from wushe.charity.selectors import open_needs, readable_cases
from wushe.core.divisions import within
from wushe.people.models import Need, Resident


def _line(item, quantity, unit, valuation) -> dict:
    return {"item": item, "quantity": Decimal(quantity), "unit": unit, "valuation": Decimal(valuation)}


def seed(*, seed_value: int) -> int:
    worker = User.objects.filter(username="shegong").first()
    head = User.objects.filter(username="zhanzhang").first()
    street = User.objects.filter(username="jiedao").first()
    if worker is None or head is None or street is None:
        return 0
    station = worker.assignments.get().station
    if Donor.objects.filter(station=station).exists() or Fund.objects.filter(station=station).exists():
        return 0
    today = timezone.localdate()

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    with transaction.atomic():
        def donor(kind, name, named, **extra):
            return services.donor_save(actor=worker, station=station, data={
                "kind": kind, "name": name, "named_publicly": named, **extra})

        food = donor("enterprise", "安徽徽园食品有限公司", True, credit_code="91340104MA2T8XK31B",
                     contact_name="程经理", mobile="13905510231", address="合肥市蜀山区黄山路318号")
        stationery = donor("enterprise", "合肥启明文具有限公司", True, contact_name="许总",
                           mobile="13805600417", note="长期资助辖区困境儿童学习用品")
        bank = donor("unit", "徽商银行合肥西园支行", True, contact_name="周行长", mobile="13955107788",
                     address="合肥市蜀山区长江西路")
        li = donor("individual", "李建华", False, mobile="13696512048", note="退休教师，每年重阳节捐款")
        wang = donor("individual", "王秀兰", False, mobile="15855163390")

        fund = services.fund_save(actor=worker, station=station, data={
            "name": "西园社区微基金", "host_name": "合肥市蜀山区慈善协会", "sub_account": "SSCS-ZX-2024-018",
            "serves": station.division, "purpose": "资助困境儿童助学、独居老人关爱和社区微更新，收支每季度公示。"})
        for name, role, affiliation in (
                ("陈立群", "chair", "西园街道社区党委书记"), ("刘德胜", "member", "居民代表"),
                ("程晓燕", "member", "爱心企业代表"), ("孙明", "member", "社工站站长"),
                ("赵玉梅", "supervisor", "居务监督委员会主任")):
            services.committee_add(actor=worker, fund=fund, data={
                "name": name, "role": role, "affiliation": affiliation, "joined_on": ago(160)})
        services.fund_open(actor=worker, fund=fund)
        Fund.objects.filter(pk=fund.pk).update(opened_on=ago(150))  # the fund was founded months ago

        def cash(giver, amount, days, purpose, restricted=False, receipt=""):
            return services.donation_record(actor=worker, station=station, data={
                "donor": giver, "kind": "cash", "amount": Decimal(amount), "received_on": ago(days),
                "purpose": purpose, "restricted": restricted, "fund": fund,
                "receipt_number": f"皖蜀慈 {ago(days - 3):%Y}-{receipt}" if receipt else "",
                "receipt_on": ago(days - 3) if receipt else None})

        cash(food, "20000", 140, "设立社区微基金首笔捐赠", receipt="0318")
        cash(bank, "10000", 120, "困境儿童助学", restricted=True, receipt="0402")
        cash(li, "2000", 95, "重阳节敬老", restricted=True, receipt="0521")
        cash(wang, "500", 60, "社区公益")
        cash(food, "5000", 30, "冬季暖心行动")

        project = services.project_save(actor=worker, station=station, data={
            "title": "困境儿童关爱·慈善幸福家园", "target_amount": Decimal("30000"), "starts_on": ago(130),
            "ends_on": ago(130) + datetime.timedelta(days=365),
            "description": "为辖区困境儿童、留守儿童提供学习用品、助学金和课后陪伴，链接爱心企业与志愿者共同参与。"})
        services.donation_record(actor=worker, station=station, data={
            "donor": stationery, "kind": "goods", "received_on": ago(100), "purpose": "辖区困境儿童学习用品",
            "restricted": True, "project": project, "receipt_number": f"皖蜀慈 {ago(95):%Y}-0430", "receipt_on": ago(95)},
            items=[_line("书包", "200", "个", "6000"), _line("文具套装", "200", "套", "5000"),
                   _line("课外读物", "400", "本", "4000")])
        children = (Resident.objects.filter(within("community_id", station.division.prefix),
                                            tags__name__in=["困境儿童", "留守儿童"]).distinct().order_by("pk")[:8])
        for child in children:
            services.beneficiary_add(actor=worker, project=project, resident=child, on=ago(98))

        def need(category):
            """An open need of this kind at the station, if the registry has one."""
            return (open_needs(user=worker).filter(within("community_id", station.division.prefix), category=category)
                    .order_by("raised_on", "id").first())

        relief, health, legal = need(Need.Category.RELIEF), need(Need.Category.HEALTH), need(Need.Category.LEGAL)
        if relief:
            services.donation_record(actor=worker, station=station, data={
                "donor": wang, "kind": "goods", "received_on": ago(40), "purpose": "冬衣", "need": relief},
                items=[_line("棉衣", "5", "件", "750"), _line("棉被", "2", "床", "400")])

        def spend(amount, days, purpose, payee, approver, **extra):
            entry = services.expense_request(actor=worker, fund=fund, data={
                "amount": Decimal(amount), "on": ago(days), "purpose": purpose, "payee": payee, **extra})
            if approver is not None:
                services.expense_decide(actor=approver, entry=entry, approve=True)
            return entry

        spend("6000", 90, "困境儿童春季助学金", "受助儿童监护人（按名册发放）", head, project=project)
        spend("3200", 25, "独居老人暖冬慰问品", "西园社区惠民超市", head)
        spend("4800", 15, "老旧小区楼道扶手微更新", "合肥安居物业服务有限公司", street)
        spend("1500", 3, "重阳节敬老活动物资", "西园社区惠民超市", None)

        services.point_save(actor=worker, station=station, data={
            "name": "西园街道社工站慈善捐赠点", "address": station.address or "西园街道社会工作服务站一楼",
            "hours": "周一至周五 8:30-17:30", "accepts": "衣物、书籍、学习用品、米面油、爱心款（由慈善协会开具票据）"})

        cases = list(readable_cases(user=worker)[:2])

        def link(kind, description, days, donor=None, provider="", need=None, case=None):
            services.link_save(actor=worker, station=station, data={
                "kind": kind, "description": description, "donor": donor, "provider_name": provider,
                "need": need, "case": case, "linked_on": ago(days)})

        link("goods", "困境儿童学习用品（书包、文具、课外读物）", 100, donor=stationery)
        link("funds", "冬季暖心行动慰问资金", 30, donor=food, need=relief)
        link("service", "金融知识进社区、防范电信诈骗讲座", 70, donor=bank)
        link("service", "上门义诊和慢病随访", 55, provider="西园社区卫生服务中心", need=health)
        link("service", "免费法律咨询与代写文书", 45, provider="安徽明德律师事务所", need=legal,
             case=cases[0] if cases and not legal else None)
        link("venue", "周末借用少儿阅览室开展课后陪伴", 80, provider="合肥市蜀山区图书馆")
        link("volunteer", "大学生志愿者课业辅导", 65, provider="安徽大学青年志愿者协会",
             case=cases[1] if len(cases) > 1 else None)
    return 5
