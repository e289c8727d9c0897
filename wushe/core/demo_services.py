"""A year of service records for the demo (`wushe seed_demo`): at city scale about ten
million rows over 成都's ≈ 3,000 stations (at the small scale, about 300,000 over the
demo district's) — community activities with their sign-ins and
feedback, cases with their sessions, groups with their sessions and attendance, volunteers
with their projects, shifts and confirmed hours — spread over the last twelve months.

The rows are what the app's own services would have written (the stages, statuses and
dates they allow, and what ``wushe.projects.indicators`` counts), but they are written as
plain rows, not through the services: ten million service calls would take a day.

* Rows are tuples in the table's column order, written in chunks with ``executemany`` on
  SQLite and with COPY on PostgreSQL, one transaction per county. A thread of its own writes
  each chunk on Django's connection, in its transaction, while the next chunk is made.
  Primary keys are handed out here (after the table's current maximum), so children are
  written without reading their parents back; PostgreSQL's sequences are moved past them
  at the end.
* Nothing is encrypted: a sign-in, a volunteer or an emergency contact takes the resident's
  mobile and ID number as stored (the ciphertext, its keyed hash and its masked form), so
  they decrypt and look up like any other. People from outside the registry are a small
  pool per county, encrypted once.
* Signals, ``full_clean``, audit entries and change history are not written (as for the
  residents at this scale); the dashboard's rollups are rebuilt after the seed (by
  ``wushe.core.demo.seed``, or ``wushe rebuild_rollups``).
* Each county has its own random stream (deterministic for ``seed_value``; only the QR
  tokens are drawn from ``secrets``), and a county whose generated 社工 already organized
  activities is skipped, so a re-run adds nothing twice and an interrupted one finishes
  the rest.
* Every station gets one 社工 account (``sg`` + its division code, no usable password) who
  leads its cases and groups and organizes its activities and projects.
"""

import bisect
import datetime
import itertools
import random
import secrets
import time
from collections import defaultdict

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from wushe.accounts.models import RoleAssignment, User
from wushe.accounts.roles import Role
from wushe.activities.models import Activity, Feedback, SignIn
from wushe.casework.models import Assessment, Case, Evaluation, FollowUp, Goal, GoalRating, Plan
from wushe.casework.models import Session as CaseSession
from wushe.core.divisions import within
from wushe.core.models import Division, Room, RoomBooking, Station
from wushe.core.pii import encrypt, lookup_hash, mask_mobile
from wushe.core.rows import Sink, Table, reset_sequences
from wushe.groupwork.models import Attendance, Group, Member
from wushe.groupwork.models import Session as GroupSession
from wushe.people.models import Resident, Tag
from wushe.volunteers.models import Project, Registration, ServiceHours, Shift, Volunteer

# Shares of ``total`` for the four kinds the others hang on; the rest (activities, feedback,
# cases, plans, groups, members, volunteers, shifts, registrations, bookings …) make up the
# remaining fifth.
SHARE = {"sign_ins": 0.578, "case_sessions": 0.085, "group_attendances": 0.075, "service_hours": 0.080}
# How much of the work each tier of station does (a street's 社工站 runs the bigger events).
TIER_WEIGHT = {Station.Tier.ROOM: 1.0, Station.Tier.STATION: 3.0, Station.Tier.CENTER: 3.0}
DAYS = 365  # the window: the last twelve months, up to yesterday
OUTSIDERS = 1500  # people from outside the registry who sign in, per county
MINUTES_PER_DAY = 1440

# --- the words ------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国春梅海燕晓东文雪婷宇浩"

ACTIVITY_TITLES = {
    "policy": ["防范电信诈骗宣传讲座", "民法典进社区", "养老政策解读会", "医保政策宣讲", "垃圾分类政策宣传"],
    "relief": ["困难家庭物资发放", "冬季送温暖活动", "临时救助政策咨询日", "爱心义卖助困"],
    "comfort": ["银龄茶话会", "中秋邻里团圆宴", "重阳敬老游园会", "生日会：为长者庆生", "心灵驿站减压沙龙"],
    "skills": ["智能手机使用课堂", "老年人防跌倒训练", "家庭急救知识培训", "求职技能工作坊", "亲子沟通课堂"],
    "support": ["邻里互助结对仪式", "照护者喘息服务日", "四点半课堂", "暑期托管开班", "助餐点开放日"],
    "crisis": ["心理危机识别讲座", "防汛应急演练", "消防安全疏散演练"],
    "rights": ["法律咨询进社区", "妇女儿童权益宣传", "残疾人就业权益讲座"],
    "inclusion": ["新市民融入茶话会", "流动儿童城市探索营", "社区矫正对象公益劳动"],
    "participation": ["院落微更新议事会", "社区志愿者招募日", "楼栋长见面会", "社区跳蚤市场", "亲子手工课堂"],
    "health": ["广场舞展演", "健康讲座：高血压防治", "中医义诊", "太极拳晨练", "老年人健康体检"],
    "environment": ["河道清洁志愿行动", "旧衣回收日", "阳台种植分享会", "垃圾分类桶边督导启动"],
}
# Whom an activity of a category is for (服务人群), when it is for someone in particular: the
# categories not named here are for every resident.
ACTIVITY_GROUPS = {
    "health": ["老年人", "高龄"], "comfort": ["老年人", "独居老人", "空巢老人"], "relief": ["低保对象", "特困人员"],
    "support": ["留守儿童", "困境儿童", "独居老人"], "rights": ["残疾人", "优抚对象"],
    "inclusion": ["流动儿童", "社区矫正", "刑释人员"], "skills": ["老年人", "残疾人"], "crisis": ["独居老人"],
}
# (category, weight): the mix a year of a station's activities shows.
ACTIVITY_MIX = [("health", 18), ("comfort", 14), ("policy", 12), ("participation", 12), ("skills", 10),
                ("support", 10), ("environment", 7), ("relief", 5), ("rights", 5), ("inclusion", 4),
                ("crisis", 3)]
OUTDOORS = ["社区广场", "小区院坝", "社区文化广场", "党群服务中心门前", "社区公园"]
SUMMARIES = ["活动按计划开展，居民参与积极，现场秩序良好。", "活动顺利完成，收集居民意见建议若干条。",
             "参与居民以老年人为主，反响良好，拟定期开展。", "活动形式新颖，吸引了不少新面孔参与。"]
INDIRECT_BASIS = ["参与居民家庭平均3人", "宣传单发放至辖区楼栋约{n}户", "社区公众号推送阅读约{n}次",
                  "活动视频在居民群转发约{n}人次"]
FEEDBACK_COMMENTS = ["希望多举办这样的活动", "讲得很实用", "时间可以再长一点", "场地有点小", "工作人员很热情",
                     "希望周末也能办", "内容对老年人很有帮助"]

CASE_PROBLEMS = {
    "elder": ["独居高龄，近期跌倒一次，子女在外地，情绪低落不愿出门", "空巢老人，与子女关系紧张，很少与人来往",
              "轻度认知障碍迹象，情绪不稳，家属照护压力大", "丧偶后长期哀伤，社会交往减少", "慢性病多，就医不便，需要陪诊"],
    "adult": ["低保家庭，主要劳动力患病，家庭经济压力大", "肢体残疾，希望获得康复辅具和就业支持", "失业半年，家庭矛盾增多",
              "社区矫正对象，回归社区后缺少社会支持", "家庭暴力求助，需要安全计划与法律支持"],
    "child": ["留守儿童，学习动力不足，与父母沟通少", "困境儿童，监护照料不到位", "厌学情绪明显，亲子冲突频繁"],
}
CASE_GOALS = {
    "elder": [("改善情绪状态", "老年抑郁量表得分下降3分以上"), ("重建社区联结", "每月参加社区活动2次以上"),
              ("提升居家安全", "完成适老化改造并掌握紧急呼叫方法")],
    "adult": [("缓解经济压力", "完成救助申请并获批"), ("链接就业资源", "参加1次以上技能培训"),
              ("改善家庭沟通", "每周家庭沟通2次以上")],
    "child": [("提升学习习惯", "每周完成作业天数达到5天"), ("改善亲子关系", "每周与父母视频通话2次以上"),
              ("增强自信心", "自尊量表得分提高")],
}
SESSION_CONTENT = ["面谈了解近况，倾听情绪困扰并给予支持", "家访评估居家环境，讲解防跌倒要点", "电话回访，确认服务计划执行情况",
                   "陪同就医并协助办理相关手续", "链接社区助餐资源，协调送餐服务", "与家属沟通照护安排，明确分工"]
APPROACHES = ["优势视角", "任务中心模式", "危机介入", "认知行为", "人在情境中", ""]
SESSION_METHODS = [("interview", 35), ("home", 35), ("phone", 20), ("escort", 5), ("linkage", 5)]

GROUP_PLANS = [
    # kind, name, aims, target, who
    ("support", "银龄互助支持小组", "减轻独居老人的孤独感，建立邻里互助网络", "社区独居、空巢老人", "elder"),
    ("growth", "四点半课堂成长小组", "提升儿童的学习习惯与自信", "7–12岁儿童", "child"),
    ("interest", "手工坊兴趣小组", "以手工促进老年人社会交往", "60岁以上老人", "elder"),
    ("education", "家庭教育家长小组", "提升家长的亲子沟通能力", "小学生家长", "adult"),
    ("therapy", "慢病自我管理小组", "提升慢病老人的自我管理能力", "患高血压、糖尿病的老人", "elder"),
    ("task", "楼栋自治骨干小组", "培育楼栋自治骨干，推动院落议事", "热心居民、楼栋长", "adult"),
    ("support", "照护者支持小组", "缓解失能老人家属的照护压力", "失能老人的照护者", "adult"),
]
GROUP_THEMES = ["相识与破冰", "建立小组契约", "分享生活故事", "互助技能练习", "情绪与压力", "资源与支持",
                "回顾与巩固", "告别与展望"]

PROJECT_PLANS = [
    ("comfort", "独居老人探访", "入户探访", "两人一组上门陪伴聊天、检查用电用气安全。"),
    ("environment", "垃圾分类桶边督导", "桶边督导", "早晚投放时段在分类亭指导居民分类投放。"),
    ("support", "社区助餐送餐", "送餐员", "为行动不便的老人送餐上门。"),
    ("health", "健康义诊服务", "义诊助理", "协助医生测血压、登记、引导。"),
    ("participation", "社区文明劝导", "文明劝导", "劝导乱停车、乱扔垃圾，维护公共秩序。"),
    ("support", "四点半课堂辅导", "课业辅导", "放学后陪伴孩子完成作业。"),
    ("policy", "反诈宣传入户", "宣传员", "入户发放反诈宣传资料并讲解。"),
]
SKILLS = ["理发", "医护", "法律咨询", "摄影", "手机教学", "心理疏导", "书法", "维修家电", "厨艺", "驾驶"]
PREFERENCES = ["助老", "助学", "环境保护", "文体活动", "助残", "社区治理"]
SHIFT_SLOTS = [(8 * 60 + 30, 180), (14 * 60, 180), (18 * 60 + 30, 120)]
# (start, minutes) of the rooms' time slots: two events of one room never share a slot.
ROOM_SLOTS = [(9 * 60, 120), (14 * 60 + 30, 120), (19 * 60, 90)]


def seed_service_records(*, prefix: str, total: int = 10_000_000, seed_value: int = 2026,
                         stdout=None) -> dict[str, int]:
    """Service records for the stations under ``prefix``, about ``total`` rows in all; returns
    the rows written per kind (nothing for counties that already have them)."""
    stations = list(Station.objects.filter(within("division_id", prefix))
                    .exclude(status=Station.Status.CLOSED).order_by("division_id", "tier"))
    if not stations:
        return {}
    started = time.monotonic()
    with transaction.atomic():
        workers = _workers(stations, seed_value)
    # A county is done when its generated 社工 organized activities there: the hand-made demo
    # activities of the small demo's district do not count.
    done = set(Activity.objects.filter(station__in=stations, created_by_id__in=workers.by_station.values())
               .values_list("station__division_id", flat=True).distinct())
    done_counties = {code[:6] for code in done}
    todo = [s for s in stations if s.division_id[:6] not in done_counties]
    if not todo:
        return {}
    counties = defaultdict(list)
    for s in todo:
        counties[s.division_id[:6]].append(s)
    names = dict(Division.objects.filter(code__in=[c.ljust(12, "0") for c in counties])
                 .values_list("code", "name"))
    gen = _Generator(stations=stations, total=total, seed_value=seed_value, workers=workers)
    try:
        for county, county_stations in counties.items():
            with transaction.atomic():
                try:
                    gen.county(county, county_stations)
                    gen.flush()
                except BaseException:
                    gen.sink.abandon()  # the connection is free before the rollback
                    raise
            if stdout is not None:
                stdout.write(f"服务记录 {gen.written():,} 条（{names.get(county.ljust(12, '0'), county)}，"
                             f"{time.monotonic() - started:.0f} 秒）…")
    finally:
        gen.sink.close()
    gen.reset_sequences()
    counts = gen.counts()
    counts["users"] = len(workers.created)
    return counts


class _Clock:
    """Times as whole minutes from local midnight of ``origin`` (Asia/Shanghai), turned into
    the value the database column takes (SQLite: Django's UTC text; PostgreSQL: aware)."""

    def __init__(self, origin: datetime.date):
        self.origin = origin
        self.tz = timezone.get_current_timezone()
        self.sqlite = connection.vendor == "sqlite"
        self.utc_origin = datetime.datetime.combine(origin, datetime.time(), datetime.UTC)
        self._shift: dict[int, int] = {}  # day → minutes from UTC midnight of origin to its local midnight
        self._days: dict[int, object] = {}
        self._utc_days: dict[int, str] = {}
        self._hhmm = [f" {h:02d}:{m:02d}:00" for h in range(24) for m in range(60)]

    def at(self, minute: int):
        d = minute // MINUTES_PER_DAY
        shift = self._shift.get(d)
        if shift is None:
            local = datetime.datetime.combine(self.origin + datetime.timedelta(days=d), datetime.time(), self.tz)
            shift = int((local - self.utc_origin).total_seconds()) // 60 - d * MINUTES_PER_DAY
            self._shift[d] = shift
        utc = minute + shift
        if not self.sqlite:
            return self.utc_origin + datetime.timedelta(minutes=utc)
        # Django's SQLite form of an aware datetime: UTC, as text (built from cached parts).
        ud, um = divmod(utc, MINUTES_PER_DAY)
        day = self._utc_days.get(ud)
        if day is None:
            day = self._utc_days[ud] = (self.origin + datetime.timedelta(days=ud)).isoformat()
        return day + self._hhmm[um]

    def day(self, d: int):
        """The date column value of day ``d``."""
        value = self._days.get(d)
        if value is None:
            value = self.origin + datetime.timedelta(days=d)
            if self.sqlite:
                value = value.isoformat()
            self._days[d] = value
        return value

    def time(self, minute: int):
        value = datetime.time(minute // 60, minute % 60)
        return value.isoformat() if self.sqlite else value


class _Workers:
    def __init__(self, by_station: dict[int, int], created: list[int]):
        self.by_station = by_station
        self.created = created


def _workers(stations, seed_value) -> _Workers:
    """One 社工 account per station (``sg`` + the station's division code), created once."""
    names = {f"sg{s.division_id}": s for s in stations}
    existing = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
    rng = random.Random(f"{seed_value}:services:workers")  # noqa: S311 - demo data
    now = timezone.now()
    unusable = make_password(None)
    new = [User(username=u, full_name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
                password=unusable, is_demo=True, password_changed_at=now)
           for u in names if u not in existing]
    created = User.objects.bulk_create(new, batch_size=2000)
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=Role.WORKER, station=names[u.username])
                                        for u in created], batch_size=2000)
    ids = existing | {u.username: u.pk for u in created}
    return _Workers({s.pk: ids[u] for u, s in names.items()}, [u.pk for u in created])


class _Person:
    __slots__ = ("age", "birth", "community", "id_hash", "id_masked", "id_token", "income", "living", "mobile",
                 "mobile_hash", "mobile_masked", "name", "pk", "risk")


class _Generator:
    def __init__(self, *, stations, total, seed_value, workers):
        self.seed_value = seed_value
        self.workers = workers
        self.today = timezone.localdate()
        # Day 0 is three years back (volunteers registered before the window); the window is
        # the last DAYS days up to yesterday.
        self.origin = self.today - datetime.timedelta(days=3 * 365)
        self.first_day = (self.today - self.origin).days - DAYS
        self.last_day = (self.today - self.origin).days - 1
        now = timezone.localtime()
        self.now = (self.today - self.origin).days * MINUTES_PER_DAY + now.hour * 60 + now.minute
        self.clock = _Clock(self.origin)
        weight = sum(TIER_WEIGHT[s.tier] for s in stations)
        self.per_weight = {k: total * share / weight for k, share in SHARE.items()}
        self.rooms = defaultdict(dict)
        for room_id, station_id, kind, capacity in (Room.objects.filter(station__in=stations, active=True)
                                                    .order_by("id").values_list("id", "station_id", "kind",
                                                                                "capacity")):
            self.rooms[station_id].setdefault(kind, (room_id, capacity or 0))
        self.case_serials = self._case_serials(stations)
        self.volunteer_ids = set(Volunteer.objects.values_list("id_number_hash", flat=True))
        self.case_holders: set[int] = set()  # residents given a case (one each), per county
        self.sink = Sink()

        def table(model, fields):
            return Table(model, fields, self.sink)

        t = self.tables = {}
        t["activities"] = table(Activity, [
            "station_id", "title", "category", "description", "starts_at", "ends_at", "room_id", "place",
            "booking_id", "capacity", "status", "summary", "indirect_reach", "indirect_basis", "token",
            "created_by_id", "created_at"])
        t["room_bookings"] = table(RoomBooking, [
            "room_id", "starts_at", "ends_at", "purpose", "source", "booked_by_id", "created_at"])
        t["sign_ins"] = table(SignIn, ["activity_id", "name", "mobile", "mobile_hash", "mobile_masked", "walk_in",
                                        "by_id", "at"])
        t["feedback"] = table(Feedback, ["activity_id", "sign_in_id", "rating", "comment", "at"])
        t["activity_groups"] = table(Activity.target_tags.through, ["activity_id", "tag_id"])
        self.tag_ids = dict(Tag.objects.values_list("name", "pk"))
        t["cases"] = table(Case, [
            "number", "station_id", "resident_id", "community_id", "source", "presenting_problem", "urgency",
            "risk", "consent_by", "consent_on", "stage", "lead_id", "opened_on", "accepted_on", "decline_reason",
            "closure_reason", "closure_summary", "closed_on", "created_by_id", "created_at"])
        t["case_assessments"] = table(Assessment, [
            "case_id", "assessed_on", "person", "family", "environment", "strengths", "risks", "summary",
            "need_analysis", "author_id", "created_at"])
        t["case_plans"] = table(Plan, ["case_id", "version", "aim", "sessions_planned", "author_id", "created_at"])
        t["case_goals"] = table(Goal, ["plan_id", "order", "text", "indicator"])
        t["case_sessions"] = table(CaseSession, [
            "case_id", "held_on", "minutes", "place", "method", "approach", "content", "progress", "next_step",
            "worker_id", "created_at"])
        t["case_evaluations"] = table(Evaluation, [
            "case_id", "evaluated_on", "client_feedback", "reflection", "author_id", "created_at"])
        t["case_goal_ratings"] = table(GoalRating, ["evaluation_id", "goal_id", "attainment"])
        t["case_follow_ups"] = table(FollowUp, ["case_id", "due_on", "done_on", "notes", "done_by_id"])
        t["groups"] = table(Group, [
            "station_id", "name", "kind", "aims", "target", "sessions_planned", "capacity", "room_id", "stage",
            "summary", "starts_on", "closed_on", "created_by_id", "created_at"])
        t["group_leaders"] = table(Group.leaders.through, ["group_id", "user_id"])
        t["group_members"] = table(Member, ["group_id", "resident_id", "joined_on", "pre_score", "post_score"])
        t["group_sessions"] = table(GroupSession, [
            "group_id", "number", "held_on", "starts", "ends", "room_id", "place", "booking_id", "theme", "stage",
            "content", "observations", "reflection", "recorded"])
        t["group_attendances"] = table(Attendance, ["session_id", "member_id", "present"])
        t["volunteers"] = table(Volunteer, [
            "station_id", "number", "name", "id_number", "id_number_hash", "id_number_masked", "birth_date",
            "mobile", "mobile_hash", "mobile_masked", "skills", "availability", "preferences", "emergency_name",
            "emergency_mobile", "emergency_hash", "emergency_masked", "consent_on", "source", "status",
            "created_at"])
        t["volunteer_projects"] = table(Project, [
            "station_id", "title", "category", "description", "requirements", "min_age", "max_age", "organizer_id",
            "status", "token", "created_at"])
        t["volunteer_shifts"] = table(Shift, ["project_id", "position", "starts_at", "ends_at", "place", "needed",
                                               "token"])
        t["volunteer_registrations"] = table(Registration, ["shift_id", "volunteer_id", "status", "source",
                                                             "created_at"])
        t["service_hours"] = table(ServiceHours, [
            "volunteer_id", "project_id", "shift_id", "content", "started_at", "ended_at", "minutes",
            "scanned_in_at", "scanned_out_at", "status", "source", "entered_by_id", "confirmed_by_id",
            "confirmed_at", "created_at"])

    # --- bookkeeping ---------------------------------------------------------------------------

    def flush(self) -> None:
        """Everything made so far written (before the transaction commits)."""
        for table in self.tables.values():
            table.flush()
        self.sink.drain()

    def written(self) -> int:
        return sum(t.count for t in self.tables.values())

    def counts(self) -> dict[str, int]:
        return {k: t.count for k, t in self.tables.items()}

    def reset_sequences(self) -> None:
        reset_sequences(t.model for t in self.tables.values())

    def _case_serials(self, stations) -> dict[str, int]:
        """The last serial used per GA-<street>-<year>- prefix (a re-run continues after it)."""
        serials: dict[str, int] = {}
        streets = sorted({s.division_id[:9] for s in stations})
        for number in (Case.objects.filter(number__gte=f"GA-{streets[0]}", number__lt=f"GA-{streets[-1]}~")
                       .values_list("number", flat=True).iterator()):
            head, _, serial = number.rpartition("-")
            if serial.isdigit():
                serials[head + "-"] = max(serials.get(head + "-", 0), int(serial))
        return serials

    def _people(self, county: str) -> list[_Person]:
        """The county's residents with consent, as stored (nothing decrypted)."""
        f = {n: Resident._meta.get_field(n).column for n in (
            "id", "community", "name", "birth_date", "mobile", "mobile_hash", "mobile_masked", "id_number",
            "id_number_hash", "id_number_masked", "risk", "living", "income", "consent_by")}
        table = connection.ops.quote_name(Resident._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f[n]) for n in list(f)[:-1])
        q = connection.ops.quote_name
        people = []
        with connection.cursor() as cursor:
            sql = (f"SELECT {columns} FROM {table} WHERE {q(f['community'])} >= %s "  # noqa: S608 - names from the model
                   f"AND {q(f['community'])} <= %s AND {q(f['consent_by'])} <> '' ORDER BY {q(f['id'])}")
            cursor.execute(sql, [county.ljust(12, "0"), county.ljust(12, "9")])
            for row in cursor.fetchall():
                p = _Person()
                (p.pk, p.community, p.name, birth, p.mobile, p.mobile_hash, p.mobile_masked, p.id_token, p.id_hash,
                 p.id_masked, p.risk, p.living, p.income) = row
                if isinstance(birth, str):
                    birth = datetime.date.fromisoformat(birth)
                p.birth = birth
                p.age = None if birth is None else (
                    self.today.year - birth.year - ((self.today.month, self.today.day) < (birth.month, birth.day)))
                people.append(p)
        return people

    def _outsiders(self, rng, taken: set[str]) -> list[tuple]:
        """People from outside the registry (visitors, new arrivals): name and mobile, encrypted once."""
        out = []
        while len(out) < OUTSIDERS:
            number = f"1{rng.choice('35789')}{rng.randrange(10**8, 10**9)}"
            hashed = lookup_hash("mobile", number)
            if hashed in taken:
                continue
            taken.add(hashed)
            out.append((_name(rng), encrypt(number), hashed, mask_mobile(number)))
        return out

    # --- one county ----------------------------------------------------------------------------

    def county(self, county: str, stations) -> None:
        rng = random.Random(f"{self.seed_value}:services:{county}")  # noqa: S311 - demo data
        people = self._people(county)
        if not people:
            return
        by_street = defaultdict(list)
        by_community = defaultdict(list)
        for p in people:
            by_street[p.community[:9]].append(p)
            by_community[p.community].append(p)
        # One mobile hash is one person to a sign-in: numbers shared by two residents count once.
        seen, callers = set(), []
        for p in people:
            if p.mobile and p.mobile_hash not in seen:
                seen.add(p.mobile_hash)
                callers.append(p)
        outsiders = self._outsiders(rng, seen)
        caller_ids = {id(p) for p in callers}
        self.case_holders: set[int] = set()
        for station in stations:
            code = station.division_id
            if station.tier == Station.Tier.ROOM:
                catchment = by_community.get(code, [])
            elif station.tier == Station.Tier.STATION:
                catchment = by_street.get(code[:9], [])
            else:
                catchment = people
            if not catchment:
                continue
            srng = random.Random(f"{self.seed_value}:services:{code}:{station.tier}")  # noqa: S311 - demo data
            ctx = _Station(station, self.workers.by_station[station.pk], self.rooms.get(station.pk, {}),
                           catchment, [p for p in catchment if id(p) in caller_ids], outsiders,
                           TIER_WEIGHT[station.tier])
            self._activities(srng, ctx)
            self._cases(srng, ctx)
            self._groups(srng, ctx)
            self._volunteers(srng, ctx)

    # --- 社区活动 ------------------------------------------------------------------------------

    def _book(self, ctx, kind, day, slot, purpose, source) -> tuple[int | None, int | None]:
        """The station's room of ``kind`` in ``slot`` of ``day``, if free: (room, booking)."""
        room = ctx.rooms.get(kind)
        if room is None or (room[0], day, slot) in ctx.booked:
            return None, None
        ctx.booked.add((room[0], day, slot))
        start, length = ROOM_SLOTS[slot]
        begin = day * MINUTES_PER_DAY + start
        booking = self.tables["room_bookings"].add(
            room[0], self.clock.at(begin), self.clock.at(begin + length), purpose[:120], source, ctx.worker,
            self.clock.at(begin - 7 * MINUTES_PER_DAY))
        return room[0], booking

    def _activities(self, rng, ctx) -> None:
        t, clock = self.tables, self.clock
        quota = self.per_weight["sign_ins"] * ctx.weight
        # Typical turnout: a room's event draws a few dozen of its community; a street's more.
        mean = min(rng.uniform(28, 48) * (1.6 if ctx.weight > 1 else 1.0), 0.5 * len(ctx.callers) + 5)
        n = max(1, round(quota / mean))
        categories, weights = zip(*ACTIVITY_MIX, strict=True)
        hall_kind = Room.Kind.MEETING if ctx.station.tier == Station.Tier.ROOM else Room.Kind.ACTIVITY
        hall = ctx.rooms.get(hall_kind)
        for _ in range(n):
            day = rng.randint(self.first_day, self.last_day)
            slot = rng.choices((0, 1, 2), (35, 50, 15))[0]
            category = rng.choices(categories, weights)[0]
            title = rng.choice(ACTIVITY_TITLES[category])
            size = max(3, min(int(rng.gauss(mean, mean * 0.35)), len(ctx.callers) + len(ctx.outsiders)))
            cancelled = rng.random() < 0.02
            room = booking = None
            if not cancelled and hall and size <= (hall[1] or 60) and rng.random() < 0.75:
                room, booking = self._book(ctx, hall_kind, day, slot, title, "activities.activity")
            start, length = ROOM_SLOTS[slot]
            begin = day * MINUTES_PER_DAY + start
            end = begin + length
            if cancelled:
                status, summary, reach, basis = Activity.Status.CANCELLED, "", 0, ""
            else:
                status, summary = Activity.Status.DONE, rng.choice(SUMMARIES)
                reach, basis = 0, ""
                if rng.random() < 0.7:
                    reach = size * rng.choice((2, 3, 5, 8))
                    basis = rng.choice(INDIRECT_BASIS).format(n=reach)
            activity = t["activities"].add(
                ctx.station.pk, title, category, "欢迎社区居民参加。", clock.at(begin), clock.at(end), room,
                "" if room else rng.choice(OUTDOORS), booking, max(size, (size * 6 // 5 + 9) // 10 * 10), status,
                summary, reach, basis, secrets.token_urlsafe(16), ctx.worker,
                clock.at(begin - rng.randint(5, 20) * MINUTES_PER_DAY))
            groups = [self.tag_ids[g] for g in ACTIVITY_GROUPS.get(category, ()) if g in self.tag_ids]
            if groups and rng.random() < 0.8:
                for tag_id in rng.sample(groups, rng.randint(1, min(2, len(groups)))):
                    t["activity_groups"].add(activity, tag_id)
            if cancelled:
                continue
            outsiders = min(round(size * rng.uniform(0.03, 0.15)), len(ctx.outsiders))
            residents = min(size - outsiders, len(ctx.callers))
            signed = []
            sign_ins = t["sign_ins"]
            for p in rng.sample(ctx.callers, residents):
                at = clock.at(begin - rng.randint(-20, 40))
                signed.append((sign_ins.add(activity, p.name, p.mobile, p.mobile_hash, p.mobile_masked, True,
                                            ctx.worker if rng.random() < 0.15 else None, at), at))
            for name, token, hashed, masked in rng.sample(ctx.outsiders, outsiders):
                at = clock.at(begin - rng.randint(-20, 40))
                signed.append((sign_ins.add(activity, name, token, hashed, masked, True, None, at), at))
            if signed and rng.random() < 0.45:
                for sign_in, _at in rng.sample(signed, max(1, round(len(signed) * rng.uniform(0.05, 0.25)))):
                    rating = rng.choices((5, 4, 3, 2, 1), (52, 36, 8, 3, 1))[0]
                    comment = rng.choice(FEEDBACK_COMMENTS) if rng.random() < 0.2 else ""
                    t["feedback"].add(activity, sign_in, rating, comment,
                                      clock.at(min(end + rng.randint(10, 2 * MINUTES_PER_DAY), self.now)))

    # --- 个案 ----------------------------------------------------------------------------------

    def _cases(self, rng, ctx) -> None:
        t, clock = self.tables, self.clock
        quota = self.per_weight["case_sessions"] * ctx.weight
        n = max(1, round(quota / 10.5))
        # Those a worker's caseload is made of: the frail and the poor first.
        weights = [1 + (p.risk == "high") * 4 + (p.risk == "medium") + (p.income != "") * 3
                   + (p.age is not None and p.age >= 60) for p in ctx.people]
        cum = list(itertools.accumulate(weights))
        chosen = []
        for _ in range(n * 3):
            if len(chosen) >= n:
                break
            p = ctx.people[bisect.bisect(cum, rng.random() * cum[-1])]
            if p.pk not in self.case_holders and p.age is not None:
                self.case_holders.add(p.pk)
                chosen.append(p)
        skeletons = []
        for p in chosen:
            skeletons.append(self._case_skeleton(rng, p))
        span = sum(s["span"] for s in skeletons) or 1
        for p, s in zip(chosen, skeletons, strict=True):
            who = "child" if p.age < 18 else "elder" if p.age >= 60 else "adult"
            opened, stage = s["opened"], s["stage"]
            year = (self.origin + datetime.timedelta(days=opened)).year
            head = f"GA-{ctx.station.division_id[:9]}-{year}-"
            serial = self.case_serials.get(head, 0) + 1
            self.case_serials[head] = serial
            accepted = s.get("accepted")
            closed = s.get("closed")
            reason = s.get("reason", "")
            case = t["cases"].add(
                f"{head}{serial:04d}", ctx.station.pk, p.pk, p.community,
                rng.choices(("self", "outreach", "referral", "visit"), (30, 20, 15, 35))[0],
                rng.choice(CASE_PROBLEMS[who]), rng.choices(("normal", "urgent", "critical"), (80, 17, 3))[0],
                p.risk if p.risk in ("low", "medium", "high") else "low",
                "" if accepted is None else ("guardian" if p.age < 18 else "self"),
                None if accepted is None else clock.day(accepted), stage, ctx.worker, clock.day(opened),
                None if accepted is None else clock.day(accepted),
                "属残联服务范围，已转介区残联康复中心" if stage == Case.Stage.DECLINED else "",
                reason, _closure_summary(reason), None if closed is None else clock.day(closed), ctx.worker,
                clock.at(opened * MINUTES_PER_DAY + 10 * 60))
            if accepted is None:
                continue
            if stage != Case.Stage.ASSESSMENT or rng.random() < 0.5:
                on = min(accepted + rng.randint(2, 7), self.last_day)
                t["case_assessments"].add(
                    case, clock.day(on), "身体状况一般，情绪低落，自理能力尚可", "子女在外地工作，联系较少",
                    "与邻里来往少，未参加社区活动", "愿意沟通，有兴趣爱好", "独居，存在跌倒风险",
                    CASE_PROBLEMS[who][0], "情绪支持、社会联结、居家安全", ctx.worker,
                    clock.at(on * MINUTES_PER_DAY + 16 * 60))
            if stage in (Case.Stage.ASSESSMENT,) or (stage == Case.Stage.PLANNING and rng.random() < 0.5):
                continue
            plan_on = s["plan"]
            plan = t["case_plans"].add(case, 1, "缓解当前困境，增强社会支持", rng.choice((6, 8, 10, 12)), ctx.worker,
                                       clock.at(plan_on * MINUTES_PER_DAY + 15 * 60))
            goals = [t["case_goals"].add(plan, i, text, indicator)
                     for i, (text, indicator) in enumerate(rng.sample(CASE_GOALS[who], 2), start=1)]
            if stage == Case.Stage.PLANNING:
                continue
            # The station's sessions shared out by how long each case has been in service; a
            # case that left 介入 has at least one.
            sessions = min(round(quota * s["span"] / span), s["span"] // 3 + 1)
            if stage != Case.Stage.INTERVENTION:
                sessions = max(sessions, 1)
            for _ in range(sessions):
                held = min(plan_on + 1 + rng.randrange(max(1, s["span"])), self.last_day)
                method = rng.choices(*zip(*SESSION_METHODS, strict=True))[0]
                t["case_sessions"].add(
                    case, clock.day(held), rng.choice((30, 45, 60, 60, 90, 120)),
                    "服务对象家中" if method == "home" else "社工站个案工作室" if method == "interview" else "电话",
                    method, rng.choice(APPROACHES), rng.choice(SESSION_CONTENT), "目标逐步推进", "按计划继续跟进",
                    ctx.worker, clock.at(held * MINUTES_PER_DAY + 17 * 60))
            evaluated = s.get("evaluated")
            if evaluated is not None:
                evaluation = t["case_evaluations"].add(
                    case, clock.day(evaluated), "服务对象表示情绪好转，愿意继续参加社区活动", "目标基本达成，需关注后续支持",
                    ctx.worker, clock.at(evaluated * MINUTES_PER_DAY + 16 * 60))
                for goal in goals:
                    t["case_goal_ratings"].add(evaluation, goal, rng.choices((3, 2, 1, 0), (40, 40, 15, 5))[0])
            if closed is not None and reason in Case.FOLLOWED_UP:
                for after in (30, 90):
                    due = closed + after
                    finished = due + rng.randint(0, 5)
                    done = finished <= self.last_day
                    t["case_follow_ups"].add(case, clock.day(due), clock.day(finished) if done else None,
                                             "回访：状况稳定" if done else "", ctx.worker if done else None)

    def _case_skeleton(self, rng, p) -> dict:
        """When a case opened and how far it got; ``span`` the days its sessions spread over."""
        opened = rng.randint(self.first_day, self.last_day - 2)
        s = {"opened": opened, "span": 0}
        if rng.random() < 0.03:
            s["stage"] = Case.Stage.DECLINED
            s["closed"] = min(opened + rng.randint(1, 5), self.last_day)
            return s
        age = self.last_day - opened
        if age < 5 and rng.random() < 0.7:
            s["stage"] = Case.Stage.INTAKE
            return s
        accepted = min(opened + rng.randint(0, 5), self.last_day)
        s["accepted"] = accepted
        s["plan"] = plan = min(accepted + rng.randint(8, 20), self.last_day)
        length = rng.randint(45, 240)
        if rng.random() < min(0.85, age / 250) and accepted + length < self.last_day:
            reason = rng.choices(Case.ClosureReason.values, (62, 10, 10, 8, 6, 4))[0]
            s.update(stage=Case.Stage.CLOSED, closed=accepted + length, reason=reason)
            end = accepted + length - 3
            if reason in (Case.ClosureReason.GOALS_MET, Case.ClosureReason.CLIENT_REQUEST):
                s["evaluated"] = end - rng.randint(0, 5)
                end = s["evaluated"] - 2
        else:
            since = self.last_day - accepted
            if since < 8:
                s["stage"] = Case.Stage.ASSESSMENT
                return s
            if since < 20:
                s["stage"] = Case.Stage.PLANNING
                return s
            s["stage"] = Case.Stage.INTERVENTION if rng.random() < 0.85 else Case.Stage.EVALUATION
            end = self.last_day
            if s["stage"] == Case.Stage.EVALUATION and rng.random() < 0.5 and plan + 6 < self.last_day:
                s["evaluated"] = self.last_day - rng.randint(0, 3)
                end = s["evaluated"] - 2
        s["span"] = max(0, end - plan)
        return s

    # --- 小组 ----------------------------------------------------------------------------------

    def _groups(self, rng, ctx) -> None:
        t, clock = self.tables, self.clock
        quota = self.per_weight["group_attendances"] * ctx.weight
        n = max(1, round(quota / 65))  # a group's attendance rows: members × sessions held
        pools = {"elder": [p for p in ctx.people if p.age is not None and p.age >= 60],
                 "child": [p for p in ctx.people if p.age is not None and 6 <= p.age < 18],
                 "adult": [p for p in ctx.people if p.age is not None and 18 <= p.age < 70]}
        kind = Room.Kind.MEETING if ctx.station.tier == Station.Tier.ROOM else Room.Kind.GROUP
        room = ctx.rooms.get(kind)
        for g in range(n):
            group_kind, name, aims, target, who = rng.choice(GROUP_PLANS)
            pool = pools[who] if len(pools[who]) >= 6 else ctx.people
            planned = rng.choice((6, 6, 8, 8, 10))
            capacity = rng.choice((10, 12, 12, 15))
            size = min(rng.randint(7, capacity), len(pool))
            if size < 3:
                continue
            # Groups start through the year (and a few run into the weeks ahead).
            starts = rng.randint(self.first_day - 7, self.last_day + 10)
            days = [starts + 7 * (i + 1) for i in range(planned)]
            held = sum(1 for d in days if d <= self.last_day)
            if held == 0 and starts > self.last_day:
                stage = Group.Stage.PREPARING
            elif held < planned:
                stage = _group_stage(held / planned)
            else:
                stage = Group.Stage.CLOSED if rng.random() < 0.85 else Group.Stage.ENDING
            closed = None
            if stage == Group.Stage.CLOSED:
                closed = min(days[-1] + rng.randint(1, 7), self.last_day)
            summary = "组员孤独感量表平均下降，建立了互助对子" if closed is not None else ""
            group = t["groups"].add(
                ctx.station.pk, name, group_kind, aims, target, planned, capacity, room[0] if room else None, stage,
                summary, clock.day(starts), None if closed is None else clock.day(closed), ctx.worker,
                clock.at((starts - 14) * MINUTES_PER_DAY + 11 * 60))
            t["group_leaders"].add(group, ctx.worker)
            members = []
            joined = starts - rng.randint(0, 7)
            for p in rng.sample(pool, size):
                pre = rng.randint(8, 20)
                members.append((t["group_members"].add(
                    group, p.pk, clock.day(joined), pre, pre + rng.randint(1, 6) if closed is not None else None),
                    rng.uniform(0.6, 0.98)))  # how reliably this member comes
            slot = (g + rng.randrange(3)) % 3
            start, length = ROOM_SLOTS[slot]
            if stage == Group.Stage.PREPARING:
                days = days[:2]  # planned so far
            for number, day in enumerate(days, start=1):
                recorded = day <= self.last_day
                if not recorded and closed is not None:
                    break
                theme = GROUP_THEMES[min(number - 1, len(GROUP_THEMES) - 1) if number < planned else -1]
                used_room, booking = (None, None)
                if room:
                    used_room, booking = self._book(ctx, kind, day, slot, f"{name} 第{number}节",
                                                    f"groupwork.session:{group}")
                session = t["group_sessions"].add(
                    group, number, clock.day(day), clock.time(start), clock.time(start + length), used_room,
                    "" if used_room else rng.choice(OUTDOORS), booking, theme,
                    _group_stage(number / planned, last=number == planned),
                    f"{theme}：暖身游戏、主题分享、总结" if recorded else "", "组员参与积极" if recorded else "",
                    "下节需关注发言较少的组员" if recorded else "", recorded)
                if recorded:
                    for member, reliability in members:
                        t["group_attendances"].add(session, member, rng.random() < reliability)

    # --- 志愿服务 ------------------------------------------------------------------------------

    def _volunteers(self, rng, ctx) -> None:
        t, clock = self.tables, self.clock
        quota = self.per_weight["service_hours"] * ctx.weight
        candidates = [p for p in ctx.callers if p.id_hash and p.age is not None and 18 <= p.age <= 68
                      and p.id_hash not in self.volunteer_ids]
        if len(candidates) < 4:
            return
        n = min(max(3, round(quota / 13)), len(candidates))
        crew = []  # (volunteer pk, registered day, busy slots)
        for p in rng.sample(candidates, n):
            self.volunteer_ids.add(p.id_hash)
            contact = rng.choice(ctx.callers)
            if contact is p:
                continue
            registered = rng.randint(self.first_day - 2 * DAYS, self.last_day - 20)
            status = Volunteer.Status.LEFT if rng.random() < 0.04 else Volunteer.Status.ACTIVE
            pk = t["volunteers"].next_id
            t["volunteers"].add(
                ctx.station.pk, f"ZY{pk:010d}", p.name, p.id_token, p.id_hash, p.id_masked, clock.day(
                    (p.birth - self.origin).days), p.mobile, p.mobile_hash, p.mobile_masked,
                "、".join(rng.sample(SKILLS, 2)), rng.choice(("weekday", "evening", "weekend", "any")),
                rng.choice(PREFERENCES), contact.name, contact.mobile, contact.mobile_hash, contact.mobile_masked,
                clock.day(registered), rng.choices(("staff", "public"), (70, 30))[0], status,
                clock.at(registered * MINUTES_PER_DAY + 10 * 60 + rng.randrange(480)))
            if status == Volunteer.Status.ACTIVE:
                crew.append((pk, registered, set()))
        if not crew:
            return
        # Projects by quarter; the current quarter's is still recruiting.
        projects = []
        for q in range(4):
            first = self.first_day + q * (DAYS // 4)
            last = min(first + DAYS // 4 - 1, self.last_day)
            for _ in range(rng.choice((1, 1, 2))):
                category, title, position, description = rng.choice(PROJECT_PLANS)
                current = q == 3
                project = t["volunteer_projects"].add(
                    ctx.station.pk, title, category, description, "有耐心，会说本地话更好", 18, 70, ctx.worker,
                    Project.Status.RECRUITING if current else Project.Status.CLOSED, secrets.token_urlsafe(16),
                    clock.at((first - 10) * MINUTES_PER_DAY + 9 * 60))
                projects.append((project, position, first, last))
        shifts = max(1, round(quota / 4.95))  # volunteers who turn up per shift
        for _ in range(shifts):
            project, position, first, last = rng.choice(projects)
            day = rng.randint(first, last)
            slot = rng.randrange(len(SHIFT_SLOTS))
            start, length = SHIFT_SLOTS[slot]
            begin = day * MINUTES_PER_DAY + start
            end = begin + length
            needed = rng.randint(3, 8)
            shift = t["volunteer_shifts"].add(project, position, clock.at(begin), clock.at(end),
                                              rng.choice(OUTDOORS), needed, secrets.token_urlsafe(16))
            served = 0
            for pk, registered, busy in rng.sample(crew, min(len(crew), needed + 3)):
                if served >= needed - rng.randint(0, 2) or registered > day or (day, slot) in busy:
                    continue
                busy.add((day, slot))
                served += 1
                self._hours(rng, ctx, pk, project, shift, position, begin, end)

    def _hours(self, rng, ctx, volunteer, project, shift, position, begin, end) -> None:
        t, clock = self.tables, self.clock
        recent = end + 3 * MINUTES_PER_DAY > self.now
        if rng.random() < 0.55:
            # Scanned in and out at the shift's QR code: only the time on the shift counts.
            t["volunteer_registrations"].add(shift, volunteer, Registration.Status.CONFIRMED,
                                             rng.choice(("public", "public", "staff")),
                                             clock.at(begin - rng.randint(1, 10) * MINUTES_PER_DAY))
            scanned_in = begin - rng.randint(0, 25)
            scanned_out = end + rng.randint(-30, 15)
            stop = min(scanned_out, end)
            confirmed = not recent or rng.random() < 0.3
            t["service_hours"].add(
                volunteer, project, shift, position, clock.at(begin), clock.at(stop), stop - begin,
                clock.at(scanned_in), clock.at(scanned_out),
                ServiceHours.Status.CONFIRMED if confirmed else ServiceHours.Status.RECORDED, ServiceHours.Source.QR,
                None, ctx.worker if confirmed else None,
                clock.at(min(scanned_out + rng.randint(60, 3 * MINUTES_PER_DAY), self.now)) if confirmed else None,
                clock.at(scanned_in))
        else:
            # Entered by the organizer from the sign-in sheet: confirmed as entered.
            start = begin + rng.randint(0, 10)
            stop = end - rng.randint(0, 15)
            entered = min(stop + rng.randint(30, 2 * MINUTES_PER_DAY), self.now)
            t["service_hours"].add(
                volunteer, project, shift, position, clock.at(start), clock.at(stop), stop - start, None, None,
                ServiceHours.Status.CONFIRMED, ServiceHours.Source.ORGANIZER, ctx.worker, ctx.worker,
                clock.at(entered), clock.at(entered))


class _Station:
    """What one station's records are drawn from."""

    def __init__(self, station, worker, rooms, people, callers, outsiders, weight):
        self.station = station
        self.worker = worker
        self.rooms = rooms
        self.people = people  # residents with consent in its catchment
        self.callers = callers  # those of them with a mobile (one per number)
        self.outsiders = outsiders
        self.weight = weight
        self.booked: set[tuple] = set()


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))


def _closure_summary(reason: str) -> str:
    return {
        "goals_met": "服务目标基本达成，服务对象社会支持增强，经评估结案。",
        "client_request": "服务对象表示暂不需要继续服务，经沟通后结案。",
        "referred": "已转介至专业机构继续跟进。",
        "moved": "服务对象迁出本辖区。",
        "lost": "多次联系未果，按失联结案。",
        "died": "服务对象因病去世，已协助家属办理后续事宜。",
    }.get(reason, "")


def _group_stage(progress: float, *, last: bool = False) -> str:
    """The MZ/T 095 stage a group is in after ``progress`` of its sessions."""
    if last:
        return Group.Stage.ENDING
    if progress <= 0.25:
        return Group.Stage.FORMING
    if progress <= 0.6:
        return Group.Stage.TRANSITION
    return Group.Stage.MATURE
