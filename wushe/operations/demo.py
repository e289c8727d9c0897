"""Demo plans and rules for `wushe seed_demo` at 西园's station."""

import datetime

from django.db import transaction
from django.utils import timezone

from wushe.accounts.models import User
from wushe.operations import services
from wushe.operations.models import Plan

RULES = [
    ("confidentiality", "服务对象信息保密制度", "一、服务对象的身份证号、电话、个案记录属于个人信息，仅限经办社工和督导查阅。\n"
                                            "二、查阅、导出须经平台留痕，不得拍照、转发。\n三、离职人员须交回全部资料。"),
    ("premises", "功能室使用管理制度", "一、功能室通过平台预约，先约先用。\n二、使用后恢复原状，关闭水电。"),
    ("volunteers", "志愿者管理办法", "一、志愿者须实名注册，取得志愿者编号。\n二、服务时长以签到签退和组织者确认为准，不计往返路途。"),
]


def seed(*, seed_value: int) -> int:
    worker = User.objects.filter(username="shegong").first()
    if worker is None:
        return 0
    station = worker.assignments.get().station
    if Plan.objects.filter(station=station).exists():
        return 0
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    with transaction.atomic():
        year = services.plan_save(actor=worker, station=station, data={
            "kind": "annual", "title": f"{today.year}年度工作计划", "starts_on": today.replace(month=1, day=1),
            "ends_on": today.replace(month=12, day=31), "notes": "围绕“一老一小”，完成购买服务合同的各项产出指标。"})
        for what, owner, month, done in [("完成辖区独居老人建档与探访", "刘春梅", 3, "建档86人"),
                                         ("开展重阳节敬老系列活动", "刘春梅", 10, "游园会1场，上门探访40户"),
                                         ("培育2家社区社会组织", "站长", 12, "")]:
            task = services.task_add(actor=worker, plan=year, data={
                "what": what, "owner": owner, "due_on": today.replace(month=month, day=28)})
            if done:
                services.task_done(actor=worker, task=task, result=done)
        week = services.plan_save(actor=worker, station=station, data={
            "kind": "weekly", "title": f"第{today.isocalendar().week}周工作计划", "starts_on": monday,
            "ends_on": monday + datetime.timedelta(days=6)})
        for what, days in [("高龄独居老人电话问候", 0), ("亲子手工课堂物资准备", 2), ("周五个案督导", 4)]:
            services.task_add(actor=worker, plan=week, data={
                "what": what, "owner": "刘春梅", "due_on": monday + datetime.timedelta(days=days)})
        for kind, title, text in RULES:
            services.document_create(actor=worker, station=station, kind=kind, title=title, text=text,
                                     effective_on=today.replace(month=1, day=1))
    return 2
