"""Demo community social organizations for `wushe seed_demo` at 西园: eight organizations in
its communities across the four categories (six filed, two registered), three incubated by
the street's station (one already 出壳, one in 培育, one just 入孵) with mentoring, capacity
assessments and trainings, annual reports, members of the two that use membership, and the
activities and volunteer projects they took part in."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from wushe.accounts.models import User
from wushe.activities.models import Activity
from wushe.activities.selectors import station_communities
from wushe.core.divisions import within
from wushe.core.pii import id_check_digit
from wushe.organizations import services
from wushe.organizations.models import Organization, Stage

# name, category, kind, legal form, headcount, place, business scope, uses membership, responsible person
ORGANIZATIONS = [
    ("夕阳红志愿服务队", "charity", "filed", "", 36, "社区党群服务中心一楼",
     "探访独居、空巢老人，助餐送餐，节日慰问。", False, "王桂兰"),
    ("邻里互助会", "life", "filed", "", 28, "社区睦邻中心",
     "邻里代购、小家电维修、便民理发，搭建邻里互助平台。", False, "张建国"),
    ("楼道议事小组", "affairs", "filed", "", 15, "社区议事厅",
     "收集楼道公共事务问题，组织居民协商，跟进办理。", False, "刘晓燕"),
    ("和美广场舞队", "culture", "filed", "", 42, "社区文化广场",
     "组织广场舞日常练习、社区文艺演出和健身比赛。", True, "陈秀英"),
    ("墨香书画社", "culture", "filed", "", 18, "社区老年活动室",
     "书法、国画学习交流，春节义写春联。", True, "李文华"),
    ("平安巡逻队", "affairs", "filed", "", 24, "社区警务室",
     "夜间治安巡逻、防诈骗宣传、消防隐患排查。", False, "赵志刚"),
    ("西园助老服务中心", "life", "registered", "non_enterprise", 12, "西园路88号",
     "居家养老上门服务、老年餐桌、康复护理指导。", False, "孙丽"),
    ("西园慈善义工协会", "charity", "registered", "social_group", 65, "街道社会组织服务中心",
     "募集社区慈善资源，组织义工开展扶老、助残、济困服务。", False, "周明"),
]


def _id_number(rng, county: str, age: int) -> str:
    birth = datetime.date(timezone.localdate().year - age, rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"{county}{birth:%Y%m%d}{rng.randint(100, 999)}"
    return first17 + id_check_digit(first17)


def _credit_code(legal_form: str, county: str, n: int) -> str:
    first17 = {"social_group": "51", "non_enterprise": "52"}[legal_form] + county + f"MJ{n:07d}"
    return first17 + services.credit_check_char(first17)


def seed(*, seed_value: int) -> int:
    worker = User.objects.filter(username="shegong").first()
    if worker is None:
        return 0
    station = worker.assignments.get().station
    if Organization.objects.filter(within("division_id", station.division.prefix)).exists():
        return 0
    communities = list(station_communities(station=station)[:4]) or [station.division]
    rng = random.Random(seed_value + 11)
    county = station.division_id[:6]
    today = timezone.localdate()
    ago = lambda days: today - datetime.timedelta(days=days)  # noqa: E731
    made = {}
    with transaction.atomic():
        for n, (name, category, kind, legal_form, headcount, place, scope, membership, person) in enumerate(
                ORGANIZATIONS):
            division = station.division if kind == "registered" else communities[n % len(communities)]
            filed_on = ago(900 - n * 70)
            short = division.short_name.removesuffix("社区").removesuffix("街道")
            data = {
                "name": name if name.startswith("西园") else f"{short}{name}", "category": category, "kind": kind,
                "legal_form": legal_form, "division": division, "filed_on": filed_on,
                "filing_number": f"西园社备〔{filed_on.year}〕{n + 1:03d}号" if kind == "filed" else "",
                "credit_code": _credit_code(legal_form, county, n + 1) if kind == "registered" else "",
                "responsible_name": person, "responsible_id_number": _id_number(rng, county, rng.randint(35, 68)),
                "responsible_mobile": f"139{rng.randrange(10**7, 10**8)}", "headcount": headcount, "place": place,
                "business_scope": scope, "uses_membership": membership,
                "core_members": f"{person}（负责人）\n{rng.choice('王李张刘陈杨')}{rng.choice('芳强敏磊')}（联络员）",
                "charter": f"第一条 本组织名称为{name}。\n第二条 本组织是社区居民自愿组成的非营利性社区社会组织。\n"
                           f"第三条 业务范围：{scope}",
                "guidance": "经社区党委审核，同意备案，纳入社区社会组织管理。" if kind == "filed" else "",
            }
            made[n] = services.organization_save(actor=worker, data=data)
        # A change of responsible person, so the change log shows one.
        services.organization_save(actor=worker, organization=Organization.objects.get(pk=made[5].pk), data={
            "responsible_name": "钱卫东", "responsible_mobile": f"138{rng.randrange(10**7, 10**8)}",
            "headcount": 27})

        # 出壳: a full incubation, from 意向 to 出壳.
        graduated = services.incubation_start(actor=worker, organization=made[0], station=station, mentor="李娜（社工）",
                                              on=ago(320))
        for stage, days in ((Stage.INCUBATING, 290), (Stage.CULTIVATING, 200)):
            services.incubation_move(actor=worker, incubation=graduated, stage=stage, on=ago(days))
        for days, content in ((280, "梳理服务队章程和值班制度，明确队长、联络员分工。"),
                              (230, "指导建立服务台账和志愿者签到制度。"),
                              (150, "协助链接辖区爱心餐企，设计助餐送餐服务流程。"),
                              (80, "指导开展服务成效总结，准备出壳评估材料。")):
            services.mentoring_add(actor=worker, incubation=graduated, data={
                "on": ago(days), "mentor": "李娜（社工）", "content": content})
        for days, scores, note in ((285, (2, 1, 2, 2), "初始评估：制度不健全，无独立账目。"),
                                   (170, (3, 3, 3, 3), "制度建立，开始记账。"),
                                   (45, (4, 4, 5, 4), "能独立策划并开展服务，志愿者稳定。")):
            services.assessment_add(actor=worker, incubation=graduated, data={
                "on": ago(days), "governance": scores[0], "finance": scores[1], "services": scores[2],
                "volunteers": scores[3], "note": note})
        for days, course, hours in ((260, "社区社会组织财务管理基础", Decimal("3")),
                                    (120, "志愿者招募与激励", Decimal("2.5"))):
            services.training_add(actor=worker, incubation=graduated, data={
                "on": ago(days), "course": course, "hours": hours, "attendees": "队长、联络员"})
        services.incubation_move(actor=worker, incubation=graduated, stage=Stage.GRADUATED, on=ago(30),
                                 reason="能力评估达标，独立运作。")

        # 培育: halfway.
        growing = services.incubation_start(actor=worker, organization=made[1], station=station, mentor="王磊（社工）",
                                            on=ago(150))
        services.incubation_move(actor=worker, incubation=growing, stage=Stage.INCUBATING, on=ago(130))
        services.incubation_move(actor=worker, incubation=growing, stage=Stage.CULTIVATING, on=ago(60))
        for days, content in ((120, "讨论互助会的服务清单和轮值安排。"), (50, "指导设计居民需求登记表。")):
            services.mentoring_add(actor=worker, incubation=growing, data={"on": ago(days), "mentor": "王磊（社工）",
                                                                          "content": content})
        services.assessment_add(actor=worker, incubation=growing, data={
            "on": ago(125), "governance": 2, "finance": 2, "services": 3, "volunteers": 2, "note": "入孵评估。"})
        services.training_add(actor=worker, incubation=growing, data={
            "on": ago(40), "course": "社区社会组织项目设计", "hours": Decimal("3"), "attendees": "负责人"})

        # 入孵: just begun.
        starting = services.incubation_start(actor=worker, organization=made[2], station=station, mentor="李娜（社工）",
                                             on=ago(40))
        services.incubation_move(actor=worker, incubation=starting, stage=Stage.INCUBATING, on=ago(20))
        services.mentoring_add(actor=worker, incubation=starting, data={
            "on": ago(15), "mentor": "", "content": "介绍居民议事规则，协助制定小组议事流程。"})

        last_year = today.year - 1
        for n, activities, income, spent in ((3, 24, "3600", "3150"), (6, 52, "186000", "172400")):
            if made[n].filed_on.year <= last_year:
                services.annual_report_save(actor=worker, organization=made[n], data={
                    "year": last_year, "members": made[n].headcount, "activities_held": activities,
                    "income": Decimal(income), "expenditure": Decimal(spent),
                    "finance_note": "收入主要为社区公益金资助和会费，支出为活动物资与场地。",
                    "summary": "全年活动正常开展，居民参与积极。", "submitted_on": datetime.date(today.year, 3, 20)
                    if datetime.date(today.year, 3, 20) <= today else today})
        for n in (3, 4):
            for k in range(8 if n == 3 else 5):
                services.member_save(actor=worker, organization=made[n], data={
                    "name": rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(["秀英", "桂兰", "建华", "玉梅", "志强", "丽", "军", "芳"]),
                    "joined_on": made[n].filed_on + datetime.timedelta(days=10 * k),
                    "fee_year": today.year if k % 3 else last_year})

        # What they took part in: the demo activities and volunteer project of this station.
        by_title = {a.title: a for a in Activity.objects.filter(station=station)}
        for title, organizations in (("重阳节敬老游园会", (0, 6)), ("防范电信诈骗宣传讲座", (5, 7)),
                                     ("亲子手工课堂", (3,))):
            if title in by_title:
                for n in organizations:
                    services.activity_link(actor=worker, organization=made[n], activity=by_title[title])
        from wushe.volunteers.models import Project

        for project in Project.objects.filter(station=station, title="独居老人周末探访"):
            services.project_link(actor=worker, organization=made[0], project=project)
    return len(made)
