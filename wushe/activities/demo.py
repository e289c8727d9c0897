"""Demo activities for `wushe seed_demo`: two held at 西园 (with sign-ins and summaries),
one open for sign-up next week; written through the services, the past ones dated back."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from wushe.accounts.models import User
from wushe.activities import services
from wushe.activities.models import Activity
from wushe.core.models import Room

PLAN = [
    # title, category, days from today, capacity, people registered, share signed in, indirect, basis
    ("重阳节敬老游园会", "health", -40, 60, 55, 0.85, 150, "参与老人家庭平均3人"),
    ("防范电信诈骗宣传讲座", "policy", -12, 80, 70, 0.8, 400, "宣传单发放至12栋楼约400户"),
    ("亲子手工课堂", "participation", 6, 20, 23, 0, 0, ""),
]


def seed(*, seed_value: int) -> int:
    worker = User.objects.filter(username="shegong").first()
    if worker is None:
        return 0
    station = worker.assignments.get().station
    if Activity.objects.filter(station=station).exists():
        return 0
    rng = random.Random(seed_value + 2)
    hall = Room.objects.filter(station=station, kind=Room.Kind.ACTIVITY).first()
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    made = 0
    with transaction.atomic():
        for title, category, days, capacity, registered, share, indirect, basis in PLAN:
            start = (now + datetime.timedelta(days=abs(days) + 30)).replace(hour=9)
            activity = services.activity_save(actor=worker, station=station, data={
                "title": title, "category": category, "starts_at": start, "ends_at": start + datetime.timedelta(hours=2),
                "capacity": capacity, "room": hall, "place": "" if hall else "社区广场",
                "description": "欢迎社区居民参加。", "partners": "社区居委会、辖区爱心企业"})
            people = [(f"居民{n + 1:02d}", f"139{rng.randrange(10**7, 10**8)}") for n in range(registered)]
            for name, number in people:
                services.register(activity=activity, name=name, mobile=number, actor=worker)
            if days < 0:
                held = (now + datetime.timedelta(days=days)).replace(hour=9)
                Activity.objects.filter(pk=activity.pk).update(starts_at=held, ends_at=held + datetime.timedelta(hours=2))
                if activity.booking_id:
                    type(activity.booking).objects.filter(pk=activity.booking_id).update(
                        starts_at=held, ends_at=held + datetime.timedelta(hours=2))
                activity.refresh_from_db()
                for name, number in people[:int(len(people) * share)]:
                    services.sign_in(activity=activity, name=name, mobile=number, actor=worker)
                services.sign_in(activity=activity, name="现场居民", mobile=f"138{rng.randrange(10**7, 10**8)}",
                                 actor=worker)
                # Signed in on the day, not when the demo was made.
                activity.sign_ins.update(at=held + datetime.timedelta(minutes=20))
                services.activity_close(actor=worker, activity=activity, summary="活动顺利开展，居民参与热情高。",
                                        indirect_reach=indirect, indirect_basis=basis)
            else:
                held = (now + datetime.timedelta(days=days)).replace(hour=15)
                Activity.objects.filter(pk=activity.pk).update(starts_at=held, ends_at=held + datetime.timedelta(hours=2))
                if activity.booking_id:
                    type(activity.booking).objects.filter(pk=activity.booking_id).update(
                        starts_at=held, ends_at=held + datetime.timedelta(hours=2))
            made += 1
    return made
