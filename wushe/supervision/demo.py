"""Demo supervision for `wushe seed_demo`: a small pool for 蜀山区 and a few months of
sessions at 西园's station, linked to its cases and groups."""

import datetime

from django.db import transaction
from django.utils import timezone

from wushe.accounts.models import User
from wushe.casework.models import Case
from wushe.groupwork.models import Group
from wushe.supervision import services
from wushe.supervision.models import SupervisionSession

EXPERTS = [
    ("周明华", "external", "安徽大学社会与政治学院", "副教授、高级社会工作师", "老年社会工作、个案管理"),
    ("陈静", "external", "合肥市社会工作协会", "高级社会工作师", "儿童青少年、小组工作"),
]
TOPICS = ["独居老人个案的风险评估", "小组动力与冲突处理", "服务计划目标的可测量化", "社工的情绪耗竭与自我照顾",
          "个案结案与跟进回访", "困境儿童个案的多方协同"]


def seed(*, seed_value: int) -> int:
    worker = User.objects.filter(username="shegong").first()
    head = User.objects.filter(username="zhanzhang").first()
    civil = User.objects.filter(username="minzheng").first()
    dudao = User.objects.filter(username="dudao").first()
    if not (worker and head and civil and dudao):
        return 0
    station = worker.assignments.get().station
    if SupervisionSession.objects.filter(station=station).exists():
        return 0
    county = civil.assignments.get().division
    today = timezone.localdate()
    with transaction.atomic():
        pool = [services.supervisor_save(actor=civil, data={
            "name": name, "kind": kind, "organization": org, "qualification": q, "specialties": sp, "division": county})
            for name, kind, org, q, sp in EXPERTS]
        pool.append(services.supervisor_save(actor=head, data={
            "name": dudao.full_name or dudao.username, "kind": "internal", "user": dudao,
            "qualification": "中级社会工作师", "specialties": "个案工作", "division": station.division}))
        cases = list(Case.objects.filter(station=station, stage__in=["intervention", "evaluation"])
                     .exclude(sensitive=True)[:4])
        groups = list(Group.objects.filter(station=station)[:2])
        for n, topic in enumerate(TOPICS):
            group_form = n % 2 == 0
            services.session_record(
                actor=worker, station=station, attendees=[worker, head] if group_form else [worker],
                cases=cases[n % len(cases):n % len(cases) + 1] if cases and not group_form else [],
                groups=groups[:1] if group_form and groups else [],
                data={"supervisor": pool[n % len(pool)], "kind": "group" if group_form else "individual",
                      "held_on": today - datetime.timedelta(days=14 * (len(TOPICS) - n)), "minutes": 90 if group_form
                      else 60, "topics": topic, "record": f"围绕“{topic}”进行讨论与示范，明确了改进方向。",
                      "actions": "两周内完成相关记录的修订"})
    return len(TOPICS)
