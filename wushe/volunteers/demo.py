"""Demo volunteers for `wushe seed_demo` at 西园's station: a register of volunteers (one of
them the `zhiyuan` account's own), two teams, a project already served (hours entered and
one corrected, a proof issued, time-bank credits) and one recruiting for next week."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from wushe.accounts.models import User
from wushe.core.pii import id_check_digit
from wushe.volunteers import services
from wushe.volunteers.models import Volunteer

NAMES = ["陈静", "刘洋", "王芳", "李强", "赵敏", "孙磊", "周丽", "吴刚", "郑婷", "冯军", "何雪", "许涛"]
SKILLS = ["理发", "医护", "法律咨询", "摄影", "手机教学", "心理疏导", "书法", "维修家电"]


def _id_number(rng, county: str, age: int) -> str:
    birth = datetime.date(timezone.localdate().year - age, rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"{county}{birth:%Y%m%d}{rng.randint(100, 999)}"
    return first17 + id_check_digit(first17)


def seed(*, seed_value: int) -> int:
    worker = User.objects.filter(username="shegong").first()
    if worker is None:
        return 0
    station = worker.assignments.get().station
    if Volunteer.objects.filter(station=station).exists():
        return 0
    rng = random.Random(seed_value + 5)
    county = station.division_id[:6]
    today = timezone.localdate()
    with transaction.atomic():
        people = []
        for n, name in enumerate(NAMES):
            people.append(services.volunteer_save(actor=worker, station=station, data={
                "name": name, "id_number": _id_number(rng, county, rng.randint(19, 66)),
                "mobile": f"136{rng.randrange(10**7, 10**8)}", "emergency_name": name[0] + "家属",
                "emergency_mobile": f"135{rng.randrange(10**7, 10**8)}", "skills": "、".join(rng.sample(SKILLS, 2)),
                "availability": rng.choice(["weekday", "evening", "weekend", "any"]),
                "preferences": rng.choice(["助老", "助学", "环境保护", "文体活动"]),
                "consent_on": today - datetime.timedelta(days=90 - n)}))
        account = User.objects.filter(username="zhiyuan").first()
        if account is not None:
            Volunteer.objects.filter(pk=people[0].pk).update(user=account)
        elder = services.team_save(actor=worker, station=station, data={
            "name": "助老服务队", "description": "探访独居老人、助餐送餐"})
        green = services.team_save(actor=worker, station=station, data={
            "name": "绿色家园队", "description": "垃圾分类督导、楼道清理"})
        for v in people[:6]:
            services.team_member_set(actor=worker, team=elder, volunteer=v, leader=v is people[0])
        for v in people[6:]:
            services.team_member_set(actor=worker, team=green, volunteer=v, leader=v is people[6])

        served = services.project_save(actor=worker, station=station, data={
            "title": "独居老人周末探访", "category": "comfort", "description": "两人一组上门陪伴聊天、检查用电用气安全。",
            "requirements": "有耐心，会说本地话更好"})
        start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
        for week in range(6, 0, -1):
            day = start - datetime.timedelta(days=7 * week)
            shift = services.shift_save(actor=worker, project=served, data={
                "position": "入户探访", "starts_at": day, "ends_at": day + datetime.timedelta(hours=3),
                "place": "西园社区", "needed": 6})
            for v in rng.sample(people[:8], 4):
                minutes = rng.choice([150, 165, 180])
                services.hours_enter(actor=worker, project=served, volunteer=v, shift=shift, data={
                    "started_at": day, "ended_at": day + datetime.timedelta(minutes=minutes), "minutes": minutes,
                    "content": "入户探访独居老人"})
        first = served.hours.order_by("started_at").first()
        services.hours_correct(actor=worker, entry=first, reason="签退时忘记扫码，按探访记录更正", data={
            "started_at": first.started_at, "ended_at": first.started_at + datetime.timedelta(minutes=170),
            "minutes": 160, "content": first.content})
        services.proof_issue(actor=worker, volunteer=people[0], period_from=today - datetime.timedelta(days=60),
                             period_to=today, person=services.person_in_charge(station) or "站长")
        earned = services.counted_hours().filter(volunteer=people[1]).first()
        if earned:
            services.time_bank_post(actor=worker, volunteer=people[1], hours=earned, credits=(
                Decimal(earned.minutes) / 60).quantize(Decimal("0.1")), reason="志愿服务：入户探访独居老人")

        coming = services.project_save(actor=worker, station=station, data={
            "title": "垃圾分类桶边督导", "category": "environment", "description": "早晚投放时段在分类亭指导居民分类投放。",
            "requirements": "能站立2小时"})
        for days in (3, 4, 10):
            day = (start + datetime.timedelta(days=days)).replace(hour=7)
            shift = services.shift_save(actor=worker, project=coming, data={
                "position": "桶边督导", "starts_at": day, "ends_at": day + datetime.timedelta(hours=2),
                "place": "3号分类亭", "needed": 4})
            for v in people[6:8]:
                services.shift_sign_up(shift=shift, volunteer=v, actor=worker)
    return len(people)
