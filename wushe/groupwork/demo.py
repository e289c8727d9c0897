"""Demo groups for `wushe seed_demo`: three groups at 西园's station, one finished, one
running, one recruiting; written through the services, then dated back."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from wushe.accounts.models import User
from wushe.core.divisions import within
from wushe.core.models import Room
from wushe.groupwork import services
from wushe.groupwork.models import Group, Session
from wushe.people.models import Resident

GROUPS = [
    # name, kind, aims, target, sessions held, stage reached
    ("银龄互助支持小组", "support", "减轻独居老人的孤独感，建立邻里互助网络", "社区独居、空巢老人", 6, "closed"),
    ("四点半课堂成长小组", "growth", "提升留守儿童的学习习惯与自信", "7–12岁留守儿童", 4, "mature"),
    ("手工坊兴趣小组", "interest", "以手工促进老年人社会交往", "60岁以上老人", 0, "preparing"),
]
THEMES = ["相识与破冰", "建立小组契约", "分享生活故事", "互助技能练习", "回顾与巩固", "告别与展望"]


def seed(*, seed_value: int) -> int:
    worker = User.objects.filter(username="shegong").first()
    if worker is None:
        return 0
    station = worker.assignments.get().station
    if Group.objects.filter(station=station).exists():
        return 0
    rng = random.Random(seed_value + 1)
    room = Room.objects.filter(station=station, kind=Room.Kind.GROUP).first()
    people = list(Resident.objects.filter(within("community_id", station.division.prefix))
                  .exclude(consent_on=None).order_by("-id")[:60])
    today = timezone.localdate()
    with transaction.atomic():
        for i, (name, kind, aims, target, held, stage) in enumerate(GROUPS):
            start = today - datetime.timedelta(days=7 * held + 14)
            group = services.group_create(actor=worker, station=station, leaders=[], data={
                "name": name, "kind": kind, "aims": aims, "target": target, "sessions_planned": 6, "capacity": 12,
                "room": room, "starts_on": start, "budget": 1200})
            members = [services.member_add(actor=worker, group=group, resident=r,
                                           data={"joined_on": start, "pre_score": rng.randint(8, 20)})
                       for r in people[i * 15:i * 15 + rng.randint(6, 10)]] if stage != "preparing" or i else []
            for n in range(held):
                day = start + datetime.timedelta(days=7 * (n + 1))
                session = services.session_plan(actor=worker, group=group, data={
                    "held_on": day, "starts": datetime.time(9 + 2 * i), "ends": datetime.time(10 + 2 * i, 30), "room": room,
                    "place": "", "theme": THEMES[n % len(THEMES)], "stage": ""})
                services.session_record(actor=worker, session=session, data={
                    "content": f"{THEMES[n % len(THEMES)]}：暖身游戏、主题分享、总结", "observations": "组员参与积极",
                    "reflection": "下节需关注发言较少的组员"},
                    present=[m.pk for m in members if rng.random() < 0.85])
                if n in (0, 2, 4) and group.stage not in ("ending", "closed"):
                    services.group_advance(actor=worker, group=group)
            if stage == "closed":
                while group.stage != Group.Stage.ENDING:
                    services.group_advance(actor=worker, group=group)
                for m in members:
                    services.member_update(actor=worker, member=m, data={"post_score": (m.pre_score or 10) + 4})
                services.group_close(actor=worker, group=group, summary="组员孤独感量表平均下降4分，建立了2个互助对子")
                Group.objects.filter(pk=group.pk).update(closed_on=start + datetime.timedelta(days=7 * held + 1))
            # One upcoming session for the running group.
            if stage == "mature":
                services.session_plan(actor=worker, group=group, data={
                    "held_on": today + datetime.timedelta(days=3), "starts": datetime.time(15), "ends": datetime.time(16),
                    "room": room, "place": "", "theme": "回顾与巩固", "stage": ""})
    return Session.objects.filter(group__station=station).count()
