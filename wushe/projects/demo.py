"""Demo service projects for `wushe seed_demo`: 西园街道's yearly purchased-service contract for
its station, under way with targets, linked records, budget and a mid-term evaluation; and a
venture-philanthropy project still under review."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from wushe.accounts.models import User
from wushe.projects import selectors, services
from wushe.projects.models import ScoringSheet, ServiceProject

TARGETS = {"cases": 7, "groups": 5, "group_sessions": 30, "activities": 25, "attendances": 2125, "people": 800,
           "volunteer_hours": 500, "satisfaction": 90}


def seed(*, seed_value: int) -> int:
    street_user = User.objects.filter(username="jiedao").first()
    worker = User.objects.filter(username="shegong").first()
    if street_user is None or worker is None:
        return 0
    station = worker.assignments.get().station
    if ServiceProject.objects.filter(stations=station).exists():
        return 0
    today = timezone.localdate()
    with transaction.atomic():
        contract = services.project_save(actor=street_user, stations=[station], data={
            "title": f"{station.name}{today.year}年度社会工作服务项目", "kind": ServiceProject.Kind.PURCHASE,
            "division": station.division, "funder": "西园街道办事处", "funding_source": "街道财政专项",
            "contractor": station.agency, "budget": Decimal("300000"), "starts_on": today - datetime.timedelta(days=200),
            "ends_on": today + datetime.timedelta(days=165), "target_groups": "独居老人、困境儿童、残疾人及其家庭",
            "summary": "以社工站为平台，围绕“一老一小”开展个案、小组和社区活动，培育志愿服务力量。",
            "outcomes": "服务对象满意度不低于90%；独居高龄老人探访全覆盖。"})
        for key, value in TARGETS.items():
            services.target_set(actor=street_user, project=contract, indicator=key, value=value)
        for stage in ("review", "approved", "running"):
            services.project_advance(actor=street_user, project=contract, to=stage)
        for kind in ("case", "group", "activity", "volunteer_project"):
            services.link_all(actor=worker, project=contract, kind=kind,
                              records=selectors.candidates(user=worker, project=contract, kind=kind))
        for category, name, amount in [("staff", "社工人员薪酬", "180000"), ("service", "活动物资与场地", "80000"),
                                       ("admin", "督导与培训", "30000"), ("other", "宣传与档案", "10000")]:
            services.budget_line_add(actor=worker, project=contract, data={
                "category": category, "name": name, "amount": Decimal(amount)})
        lines = {line.category: line for line in contract.budget_lines.all()}
        for line, days, amount, what in [("staff", 150, "75000", "1—5月社工薪酬"), ("service", 60, "3200", "重阳节游园会物资"),
                                         ("admin", 30, "4800", "外请督导两次")]:
            services.expenditure_add(actor=worker, line=lines[line], data={
                "spent_on": today - datetime.timedelta(days=days), "amount": Decimal(amount), "description": what})
        services.project_advance(actor=street_user, project=contract, to="midterm", note="按合同进行中期评估")
        sheet = ScoringSheet.objects.first()
        scores = {c.pk: (c.points * Decimal("0.86")).quantize(Decimal("0.1")) for c in sheet.criteria.all()}
        services.evaluation_record(actor=street_user, project=contract, kind="midterm", sheet=sheet, scores=scores, data={
            "evaluator": "合肥市蜀山区社会工作评估中心", "evaluated_on": today - datetime.timedelta(days=5),
            "findings": "个案和社区活动进度良好；小组节数偏少，服务档案签字不全。"},
            rectifications=[("补齐个案服务对象签字", today + datetime.timedelta(days=30)),
                            ("下半年增加小组节数", today + datetime.timedelta(days=90))])

        venture = services.project_save(actor=street_user, stations=[station], data={
            "title": "银龄互助·时间银行公益创投项目", "kind": ServiceProject.Kind.VENTURE, "division": station.division,
            "funder": "蜀山区民政局", "funding_source": "福彩公益金", "contractor": station.agency,
            "budget": Decimal("50000"), "starts_on": today + datetime.timedelta(days=30),
            "ends_on": today + datetime.timedelta(days=395), "target_groups": "低龄健康老人、高龄独居老人",
            "summary": "组织低龄老人为高龄老人提供陪伴与助餐服务，服务时长存入时间银行。"})
        services.target_set(actor=street_user, project=venture, indicator="volunteer_hours", value=1000)
        services.project_advance(actor=street_user, project=venture, to="review")
    return 2
