"""Demo residents for `wushe seed_demo`: people in the networked communities, with the
age structure, living arrangements and hardship shares a station's ledger shows.

Deterministic per community (its own random stream), and skipped for communities that
already have residents, so a re-run adds nothing twice.
"""

import datetime
import functools
import random

from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from wushe.core.divisions import Level, within
from wushe.core.models import Division, Station
from wushe.core.pii import id_check_digit
from wushe.core.rows import Sink, Table, reset_sequences
from wushe.people.models import Household, Need, Resident, Tag, Visit
from wushe.people.rows import ResidentRows
from wushe.people.services import pinyin_of as _pinyin_of

pinyin_of = functools.lru_cache(maxsize=100_000)(_pinyin_of)

TAGS = ["老年人", "高龄", "独居老人", "空巢老人", "留守儿童", "困境儿童", "流动儿童", "残疾人", "低保对象",
        "特困人员", "社区矫正", "刑释人员", "计生特扶家庭", "优抚对象"]
# (share, youngest, oldest): a station's registry leans old — the elderly are most of its work.
AGE_MIX = [(0.20, 3, 17), (0.30, 18, 59), (0.38, 60, 79), (0.12, 80, 98)]


def seed(*, seed_value: int, sizes: dict[str, tuple[int, int]], stdout=None) -> int:
    """Residents for every community under each prefix, ``sizes[prefix]`` = (fewest, most)."""
    tags = _tags()
    today = timezone.localdate()
    ids = IdNumbers()
    created = 0
    first_versions = []
    rows = _Rows()
    try:
        for prefix, size in sizes.items():
            with transaction.atomic():
                try:
                    created += _prefix(prefix, size, rows, tags, seed_value, today, ids, first_versions, stdout)
                    rows.flush()
                except BaseException:
                    rows.sink.abandon()  # the connection is free before the rollback
                    raise
    finally:
        rows.sink.close()
    reset_sequences(t.model for t in rows.tables)
    if first_versions:
        # A first version in the change history, as a file registered by hand has; left out at
        # the city scale, where it would double the time of a million-row load.
        Resident.history.bulk_history_create(first_versions, default_date=timezone.now())
    return created


def _prefix(prefix, size, rows, tags, seed_value, today, ids, first_versions, stdout) -> int:
    created = 0
    communities = list(Division.objects.filter(within("code", prefix), level=Level.VILLAGE).order_by("code"))
    stations = {s.division_id: s for s in Station.objects.filter(within("division_id", prefix))
                .exclude(status=Station.Status.CLOSED)}
    done = set(Resident.objects.filter(within("community_id", prefix)).values_list("community_id", flat=True))
    for community in communities:
        station = stations.get(community.code) or stations.get(community.code[:9] + "000")
        if station is None or community.code in done:
            continue
        if community.code[:6] not in ids.used:
            rows.sink.drain()  # the writer lets go of the connection for the county's numbers in use
            ids.load(community.code[:6])
        residents = _community(community, station, tags, size, seed_value, today, ids, rows)
        created += len(residents)
        if size[1] <= 100:
            first_versions += residents
        if stdout is not None and created // 50_000 != (created - size[1]) // 50_000:
            stdout.write(f"服务对象 {created:,} 人 …")
    return created


def _tags() -> dict[str, Tag]:
    for i, name in enumerate(TAGS):
        Tag.objects.get_or_create(name=name, defaults={"sort_order": i})
    return {t.name: t for t in Tag.objects.all()}


class IdNumbers:
    """Valid, unique ID numbers for generated people: a person exists once on the platform,
    so a number already used (in the database or earlier in this run) is drawn again."""

    def __init__(self):
        self.used: dict[str, set[str]] = {}

    def load(self, county: str) -> None:
        rows = Resident.objects.filter(within("community_id", county)).exclude(id_suffix="")
        self.used[county] = {f"{r.id_number.reveal()[6:17]}" for r in rows.only("id_number")}

    def draw(self, rng, county: str, birth: datetime.date, sex: str) -> str:
        if county not in self.used:
            self.load(county)
        used = self.used[county]
        while True:
            seq = rng.randrange(0, 500) * 2 + (1 if sex == "male" else 0)  # odd 17th digit: male
            middle = f"{birth:%Y%m%d}{seq:03d}"
            if middle not in used:
                used.add(middle)
                first17 = county + middle
                return first17 + id_check_digit(first17)


def _community(community, station, tags, size, seed_value, today, ids, rows) -> list[Resident]:
    rng = random.Random(f"{seed_value}:people:{community.code}")
    fake = Faker("zh_CN")
    fake.seed_instance(rng.random())
    lo, hi = size
    residents = []
    for _ in range(rng.randrange(lo, hi)):
        _weight, youngest, oldest = rng.choices(AGE_MIX, weights=[m[0] for m in AGE_MIX])[0]
        age = rng.randrange(youngest, oldest + 1)
        birth = today.replace(year=today.year - age) - datetime.timedelta(days=rng.randrange(1, 365))
        sex = rng.choice(["male", "female"])
        name = fake.name_male() if sex == "male" else fake.name_female()
        consent = rng.random() < 0.92
        minor = age < 18
        living = ""
        if age >= 60:
            living = rng.choices(["alone", "empty_nest", "with_children"], [0.22, 0.38, 0.40])[0]
        income = rng.choices(["", "dibao", "tekun", "low"], [0.86, 0.08, 0.02, 0.04])[0] if consent else ""
        disabled = consent and rng.random() < 0.06
        r = Resident(
            station=station, community=community, name=name, name_pinyin=pinyin_of(name),
            birth_date=birth, sex=sex, ethnicity=rng.choices(["汉族", "回族", "壮族", "满族"], [0.94, 0.02, 0.02, 0.02])[0],
            living=living, income=income,
            disability_type=rng.choice(["肢体", "视力", "听力", "智力", "精神"]) if disabled else "",
            disability_grade=rng.choice(["一级", "二级", "三级", "四级"]) if disabled else "",
            guardian_name=fake.name() if minor or age >= 80 else "",
            guardian_phone=f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}" if consent and (minor or age >= 80) else "",
            risk="high" if (living == "alone" and age >= 80) else rng.choices(["low", "medium"], [0.8, 0.2])[0],
        )
        if consent:
            r.consent_by = "guardian" if age < 14 else "self"
            r.consent_method = rng.choice(["paper", "online"])
            r.consent_on = today - datetime.timedelta(days=rng.randrange(10, 900))
            r.id_number = ids.draw(rng, community.code[:6], birth, sex)
            r.id_suffix = r.id_number[-4:]
            if not minor:
                r.mobile = f"1{rng.choice('3578')}{rng.randrange(10**8, 10**9)}"
            r.address = f"{community.short_name}{fake.building_number()}栋{rng.randrange(1, 30)}0{rng.randrange(1, 4)}室"
        if r.risk == "high":
            r.visit_every_days = 7 if age >= 80 else 14
            r.last_visit_on = today - datetime.timedelta(days=rng.randrange(0, 25))
            r.visit_due_on = r.last_visit_on + datetime.timedelta(days=r.visit_every_days)
        residents.append(r)
    _households(residents, community, rng, rows)
    for r in residents:
        r.pk = rows.residents.add(r)
        age = r.age(today)
        names = []
        if age >= 60:
            names.append("老年人")
        if age >= 80:
            names.append("高龄")
        if r.living == "alone":
            names.append("独居老人")
        if r.living == "empty_nest":
            names.append("空巢老人")
        if age < 18 and rng.random() < 0.15:
            names.append(rng.choice(["留守儿童", "困境儿童", "流动儿童"]))
        if r.disability_type:
            names.append("残疾人")
        if r.income == "dibao":
            names.append("低保对象")
        if r.income == "tekun":
            names.append("特困人员")
        for n in names:
            rows.links.add(r.pk, tags[n].pk)
    _needs_and_visits(residents, community, rng, today, rows)
    return residents


def _households(residents, community, rng, rows) -> None:
    """Pair some adults into one 户 (head and spouse), before the residents are written."""
    # Ages once: the partner search compares them many times (a million residents at city scale).
    age = {id(r): r.age(rows.today) for r in residents if r.birth_date}
    adults = [r for r in residents if age.get(id(r), 0) >= 18]
    rng.shuffle(adults)
    heads = adults[: len(adults) // 4]
    single = {id(r) for r in adults}
    for head in heads:
        household = rows.households.add(community.code, head.address, rows.now)
        single.discard(id(head))
        head.household_id, head.relation = household, Resident.Relation.HEAD
        partner = next((r for r in adults if id(r) in single and abs(age[id(r)] - age[id(head)]) < 6
                        and r.sex != head.sex), None)
        if partner:
            single.discard(id(partner))
            partner.household_id, partner.relation = household, Resident.Relation.SPOUSE


FINDINGS = ["身体状况稳定，情绪良好。", "独自居住，行动不便，需要定期探访。", "反映家中老旧电器存在安全隐患。",
            "近期住院后回家，需要康复指导。"]
NEEDS = ["需要助餐服务", "希望有人定期陪伴聊天", "需要上门理发", "子女不在身边，需要就医陪诊", "孩子课后无人辅导",
         "申请临时救助"]


def _needs_and_visits(residents, community, rng, today, rows) -> None:
    categories = [c for c, _ in Need.Category.choices]
    date = rows.date
    for r in residents:
        if r.risk == "low" or rng.random() >= 0.5:
            continue
        visited_on = r.last_visit_on or today - datetime.timedelta(days=rng.randrange(1, 60))
        visit = rows.visits.add(r.pk, community.code, date(visited_on), Visit.Kind.HOME, rng.choice(FINDINGS),
                                r.risk, rows.now)
        if rng.random() < 0.6:
            status = rng.choices(["open", "matched", "in_service", "met"], [0.35, 0.2, 0.25, 0.2])[0]
            rows.needs.add(r.pk, community.code, visit, "visit", rng.choice(categories),
                           rng.choices(["normal", "urgent"], [0.8, 0.2])[0], rng.choice(NEEDS), status,
                           "已链接助餐点" if status == "met" else "", date(visited_on),
                           date(today) if status == "met" else None)


class _Rows:
    """The registry's tables written as plain rows (``wushe.core.rows``): a million residents
    through the ORM's bulk_create took most of the city seed's time. Values are stored as the
    fields would store them: encrypted, hashed and masked, dates as the database takes them."""

    def __init__(self):
        self.sink = Sink()
        self.today = timezone.localdate()
        self.now = Resident._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
        self.date = connection.ops.adapt_datefield_value
        self.households = Table(Household, ["community_id", "address", "created_at"], self.sink)
        self.residents = ResidentRows(self.sink)
        self.links = Table(Resident.tags.through, ["resident_id", "tag_id"], self.sink)
        self.visits = Table(Visit, ["resident_id", "community_id", "visited_on", "kind", "findings", "risk",
                                    "created_at"], self.sink)
        self.needs = Table(Need, ["resident_id", "community_id", "visit_id", "source", "category", "urgency",
                                  "description", "status", "close_reason", "raised_on", "closed_on"], self.sink)
        self.tables = [self.households, self.residents.table, self.links, self.visits, self.needs]

    def flush(self) -> None:
        for table in self.tables:
            table.flush()
        self.sink.drain()
