"""Demo workforce for `wushe seed_demo`: profiles for the demo station accounts (zhanzhang,
shegong, dudao at 西园's station, shegong_b at 三里庵's) and about twenty more across 蜀山区's
stations, on the 三岗七级 ladder; certificates, exam entries, a continuing-education course
and an exam-preparation course with sessions and attendance, an organization leaders'
training with attendees by name; 蜀山区's staffing rules (西园's “4+1” for its communities),
training rule and policy (72 hours per 3 years, subsidies per qualification)."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from wushe.accounts.models import User
from wushe.core.divisions import within
from wushe.core.models import Division, Station
from wushe.workforce import services
from wushe.workforce.models import Grade, Ladder, Training, Worker

NAMES = ["张丽娟", "王海燕", "李文静", "刘晓东", "陈思远", "杨雪梅", "黄志强", "周婷婷", "吴俊杰", "徐慧敏",
         "孙晓琳", "马国庆", "朱红梅", "胡建华", "郭佳怡", "何明辉", "高雅琴", "林志伟", "罗小芳", "郑凯文",
         "梁秀兰", "宋晨阳"]
MAJORS = ["社会工作", "社会工作", "社会学", "心理学", "行政管理", "汉语言文学", "护理学", ""]


def _months_back(first: datetime.date, n: int) -> datetime.date:
    months = first.year * 12 + first.month - 1 - n
    return datetime.date(months // 12, months % 12 + 1, 1)


def _grade(ladder, post: str, level: int):
    return Grade.objects.get(ladder=ladder, post=post, level=level)


def seed(*, seed_value: int) -> int:
    worker_account = User.objects.filter(username="shegong").first()
    civil = User.objects.filter(username="minzheng").first()
    if worker_account is None or civil is None:
        return 0
    station = worker_account.assignments.get().station
    if Worker.objects.filter(station=station).exists():
        return 0
    rng = random.Random(seed_value + 6)
    today = timezone.localdate()
    district = Division.objects.get(code=station.division_id[:6].ljust(12, "0"))
    street = station.division
    ladder = Ladder.objects.get(name="三岗七级")
    serial = iter(range(1, 10_000))

    def certificate(level: int, on: datetime.date) -> dict:
        return {"level": level, "certificate_number": f"S{on.year}{district.code[:6]}{level}{next(serial):05d}",
                "obtained_on": on}

    def profile(name, at, *, post, grade=None, education="bachelor", major="社会工作", username="", agency=None,
                years=3, levels=()):
        w = services.worker_save(actor=civil, data={
            "name": name, "station": at, "agency": agency, "post": post, "grade": grade, "education": education,
            "major": major, "mobile": f"139{rng.randrange(10**7, 10**8)}", "username": username,
            "joined_on": today - datetime.timedelta(days=365 * years + rng.randrange(200))})
        for level, years_ago in levels:
            services.qualification_add(actor=civil, worker=w, data=certificate(
                level, today.replace(month=6, day=20) - datetime.timedelta(days=365 * years_ago)))
        return w

    with transaction.atomic():
        # The standards first: a street's rule overrides the district's for its stations.
        services.policy_save(actor=civil, data={
            "division": district, "ce_hours": Decimal("72"), "ce_years": 3, "subsidy_assistant": Decimal("200"),
            "subsidy_social": Decimal("400"), "subsidy_senior": Decimal("600"), "full_time_only": True,
            "note": "持证社工每月发放定额岗位补贴；继续教育每3年不少于72学时"})
        for tier, minimum, note in (("station", 2, "街道社工站不少于2名持证专职社工"),
                                    ("room", 1, "社区/村社工室不少于1名持证专职社工")):
            services.staffing_rule_save(actor=civil, data={"division": district, "tier": tier, "kind": "",
                                                           "minimum": minimum, "note": note})
        services.staffing_rule_save(actor=civil, data={
            "division": street, "tier": "room", "kind": "urban", "minimum": 4,
            "note": "西园街道“4+1”标准：社区党组织、自治组织、行政组织、服务组织各配备1名社会工作师"})
        services.training_rule_save(actor=civil, data={"division": district, "tier": "station", "kind": "",
                                                       "minimum": 1, "note": "街道社工站每月至少开展1次培训"})
        services.training_rule_save(actor=civil, data={
            "division": street, "tier": "station", "kind": Training.Kind.CONTINUING, "minimum": 2,
            "note": "每月开展不低于2次的政策法规、专业理论和实务等技能培训"})

        # The demo accounts' own profiles.
        head = profile(User.objects.get(username="zhanzhang").full_name, station, post="full_time",
                       grade=_grade(ladder, "正职岗", 3), username="zhanzhang", years=9,
                       levels=[(1, 10), (2, 7)])
        me = profile(worker_account.full_name, station, post="full_time", grade=_grade(ladder, "专职工作者岗", 5),
                     username="shegong", years=4, levels=[(1, 3)])
        supervisor = profile(User.objects.get(username="dudao").full_name, station, post="full_time",
                             grade=_grade(ladder, "副职岗", 2), education="master", username="dudao", years=12,
                             levels=[(2, 11), (3, 2)])
        other = User.objects.filter(username="shegong_b").first()
        if other is not None and other.assignments.filter(station__isnull=False).exists():
            profile(other.full_name, other.assignments.get().station, post="full_time",
                    grade=_grade(ladder, "专职工作者岗", 6), education="college", major="社会学", username="shegong_b",
                    years=2, levels=[(1, 1)])
        services.exam_save(actor=civil, worker=me, data={
            "year": today.year - 1, "level": 2, "results_in": True, "subjects_passed": ["comprehensive_2", "law_2"]})
        services.exam_save(actor=civil, worker=me, data={"year": today.year, "level": 2, "results_in": False,
                                                         "subjects_passed": []})

        # About twenty more across 蜀山区: 西园 first (one community fully staffed), then elsewhere.
        rooms = list(Station.objects.filter(within("division_id", street.prefix), tier=Station.Tier.ROOM,
                                            status=Station.Status.ACTIVE).order_by("division_id"))
        elsewhere = list(Station.objects.filter(within("division_id", district.prefix), status=Station.Status.ACTIVE)
                         .exclude(within("division_id", street.prefix)).order_by("division_id"))
        places = [station] * 2 + (rooms[:1] * 5) + rooms[1:4] + rng.sample(elsewhere, min(10, len(elsewhere)))
        staff = []
        for n, (name, at) in enumerate(zip(NAMES, places, strict=False)):
            certified = n < 7 or rng.random() < 0.25
            post = "full_time" if n < 6 or rng.random() < 0.4 else rng.choice(["part_time", "community", "purchased"])
            top = rng.choices([1, 2, 3], weights=[6, 3, 1])[0] if certified else 0
            levels = [(lvl, rng.randint(1, 4) + 3 * (top - lvl)) for lvl in range(1, top + 1)]
            staff.append(profile(
                name, at, post=post, levels=levels,
                grade=_grade(ladder, "专职工作者岗", rng.randint(3, 7)) if post in ("full_time", "community") else None,
                education=rng.choice(["college", "bachelor", "bachelor", "master"]), major=rng.choice(MAJORS),
                agency=at.agency if post == "purchased" else None, years=rng.randint(1, 8)))
        if len(staff) > 8:  # one lapsed certificate: the record stays, it no longer counts
            lapsed = staff[8].qualifications.first()
            if lapsed is not None:
                services.qualification_end(actor=civil, qualification=lapsed, ended_on=today - datetime.timedelta(
                    days=30), reason="登记有效期满未延续")
            services.exam_save(actor=civil, worker=staff[8], data={"year": today.year, "level": 1,
                                                                   "results_in": False, "subjects_passed": []})

        # 继续教育 at 西园's station: two sessions a month for the last three months and this one.
        certified_here = [head, me, supervisor] + [w for w in staff if w.station.division_id.startswith(street.prefix)
                                                   and w.qualifications.exists()]
        ce = services.training_save(actor=civil, data={
            "kind": Training.Kind.CONTINUING, "title": "社会工作师继续教育：政策法规与专业实务", "station": station,
            "audience": "已取得职业资格证书的社会工作者",
            "description": "每月两次，政策法规、专业理论和实务技能轮换。"})
        topics = ["社会救助政策解读", "个案工作方法", "小组工作带领技巧", "社区工作与居民议事", "督导与自我照顾",
                  "服务记录与档案规范", "儿童保护实务", "老年社会工作"]
        for back in (3, 2, 1, 0):
            first = _months_back(today.replace(day=1), back)
            days = [first.replace(day=5), first.replace(day=20)] if back else [
                first.replace(day=min(5, today.day)), first.replace(day=min(20, today.day))]
            for day in days:
                s = services.session_save(actor=civil, training=ce, data={
                    "held_on": day, "hours": Decimal(rng.choice(["3", "3.5", "4"])), "topic": rng.choice(topics),
                    "trainer": rng.choice(["安徽省社会工作协会 王老师", "西园社区教育学院 李老师", "督导 " + supervisor.name]),
                    "place": "西园街道社区教育学院"})
                services.attendance_mark(actor=civil, session=s, workers=rng.sample(
                    certified_here, max(1, len(certified_here) - rng.randint(0, 2))))

        # 考前培训, organized by the street (no one station): those preparing for the exam.
        prep = services.training_save(actor=civil, data={
            "kind": Training.Kind.EXAM_PREP, "title": f"{today.year}年社会工作者职业水平考试考前培训",
            "division": street, "audience": "符合报考条件的街道社区在岗工作人员",
            "description": "双休日上课；凡通过考试者报销报名费、书本费。"})
        candidates = [w for w in [me, *staff] if w.station.division_id.startswith(street.prefix)
                      and not w.qualifications.filter(level__gte=2).exists()]
        for weeks in (10, 8, 6):
            day = today - datetime.timedelta(weeks=weeks)
            day -= datetime.timedelta(days=(day.weekday() - 5) % 7)  # the Saturday before
            s = services.session_save(actor=civil, training=prep, data={
                "held_on": day, "hours": Decimal("6"), "topic": rng.choice(["综合能力", "实务", "法规与政策"]),
                "trainer": "安徽省社会工作协会讲师团", "place": "西园街道社区教育学院"})
            services.attendance_mark(actor=civil, session=s, workers=candidates)

        # 社区社会组织负责人培训: attendees by name and organization.
        leads = services.training_save(actor=civil, data={
            "kind": Training.Kind.ORG_LEAD, "title": "社区社会组织负责人季度培训", "station": station,
            "audience": "辖区各类社区社会组织主要负责人",
            "description": "政策法规、组织建设、财务管理和社会公益。"})
        s = services.session_save(actor=civil, training=leads, data={
            "held_on": today - datetime.timedelta(days=40), "hours": Decimal("2.5"), "topic": "组织建设与财务管理",
            "trainer": "西园社区教育学院 周老师", "place": "西园街道社会工作服务站 多功能活动室"})
        services.attendance_mark(actor=civil, session=s, names=[
            ("陈桂英", "西园新村夕阳红舞蹈队"), ("赵建国", "滨湖社区邻里互助会"), ("钱玉兰", "西园读书会"),
            ("孙德明", "绿色家园环保队")], workers=[head])
    return 3 + len(staff)
