"""Every figure equals a direct count of its records: at a district, a street and a community,
for a year and a span that cuts months in half, after records are added, edited, moved and
deleted one by one (the rollups follow each change) and after a rebuild from scratch."""

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.casework.factories import open_case
from tests.charity import factories as charity
from tests.factories import user
from tests.people.factories import mobile
from tests.volunteers.factories import past, volunteer
from tests.volunteers.factories import project as volunteer_project
from wushe.accounts.models import User
from wushe.accounts.roles import Role
from wushe.activities import services as activity_services
from wushe.activities.models import Activity, SignIn
from wushe.casework.models import Session as CaseSession
from wushe.people.models import Need
from wushe.portal.models import Request
from wushe.stats import rollups, selectors
from wushe.stats.indicators import MEASURES, ROLLED
from wushe.stats.models import DayRollup, MonthRollup
from wushe.stats.periods import Period
from wushe.volunteers import services as volunteer_services

pytestmark = pytest.mark.django_db


def _head(station):
    return User.objects.filter(username=f"head_{station.pk}").first() or user(
        f"head_{station.pk}", Role.HEAD, station=station)


def _activity(station, rng, days_ago, title):
    start = timezone.now() - datetime.timedelta(days=days_ago, hours=rng.randint(0, 20))
    return activity_services.activity_save(actor=_head(station), station=station, data={
        "title": title, "category": rng.choice(["health", "policy", "relief"]), "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2), "capacity": 80, "place": "广场"})


def _records(net, people, rng):
    """A mixed year of records at 西园 (street and community), 三里庵 and the district centre."""
    stations = [net.station_a, net.room_a1, net.station_b, net.center]
    activities = []
    for i in range(14):
        station = rng.choice(stations)
        activity = _activity(station, rng, rng.randint(0, 420), f"活动{i}")
        for _n in range(rng.randint(0, 6)):
            activity_services.sign_in(activity=activity, name="居民", mobile=mobile(), actor=_head(station))
        activities.append(activity)
    case = open_case(net, people)
    for _n in range(8):
        CaseSession.objects.create(case=case, held_on=timezone.localdate() - datetime.timedelta(days=rng.randint(0, 400)),
                                   minutes=rng.choice([30, 45, 60, 90]), place="家中", method="home", content="面谈",
                                   worker=people["worker"])
    vp = volunteer_project(people["worker"], net.station_a)
    v = volunteer(people["worker"], net.station_a)
    for n in range(4):
        volunteer_services.hours_enter(actor=people["worker"], project=vp, volunteer=v,
                                       data=past(24 * rng.randint(1, 300) + n, rng.choice([60, 90, 120])))
    giver = charity.donor(people["head"], net.station_a)
    goal = charity.project(people["head"], net.station_a)
    for _n in range(3):
        charity.cash(people["head"], giver, amount=str(Decimal(rng.randint(100, 5000)) + Decimal("0.37")),
                     project=goal)
    for community in (net.community_a1, net.community_a2, net.community_b1):
        for _n in range(rng.randint(1, 4)):
            Need.objects.create(community=community, category="care", description="助餐", source="visit",
                                raised_on=timezone.localdate() - datetime.timedelta(days=rng.randint(0, 400)))
    return activities, case


def _check(net, periods):
    # A city and a district read the street and county sums, a street and a community the
    # stations' own rows: every grain must agree with the records.
    # A record taken away leaves no row of nothing behind, as a recount would not write one.
    assert not DayRollup.objects.filter(value=0).exists() and not MonthRollup.objects.filter(value=0).exists()
    for prefix_division in (net.city, net.county, net.street_a, net.community_a1):
        for period in periods:
            figures = selectors.totals(division=prefix_division, period=period)
            # The summary reads the period and the one before it in one query per rollup table.
            summary = {f.measure.key: f for f in selectors.summary(division=prefix_division, period=period,
                                                                   keys=[m.key for m in ROLLED])}
            for m in ROLLED:
                if m.breakdown_of:
                    continue  # counted per 服务人群: see test_by_group_counts_under_each_group
                live = selectors.live_total(measure=m, prefix=prefix_division.prefix, period=period)
                before = selectors.live_total(measure=m, prefix=prefix_division.prefix, period=period.previous())
                assert figures[m.key] == live == summary[m.key].value, (m.key, prefix_division.name, period)
                assert summary[m.key].previous == before, (m.key, prefix_division.name, period)


def _periods():
    today = timezone.localdate()
    return [Period.containing("year", today), Period.containing("month", today),
            Period("custom", today - datetime.timedelta(days=400), today - datetime.timedelta(days=17)),
            Period.containing("quarter", today - datetime.timedelta(days=200))]


@pytest.mark.parametrize("seed", [1, 2])
def test_rollups_equal_live_counts_through_changes_and_rebuild(net, people, seed):
    rng = random.Random(seed)
    activities, case = _records(net, people, rng)
    periods = _periods()
    assert DayRollup.objects.exists() and MonthRollup.objects.exists()
    _check(net, periods)

    # Edits: an activity moves a month, another is cancelled, sign-ins and a session are
    # deleted, a need moves to another street's community, a session's minutes change.
    moved = activities[0]
    moved.starts_at -= datetime.timedelta(days=45)
    moved.save()
    activities[1].status = Activity.Status.CANCELLED
    activities[1].save()
    for s in SignIn.objects.order_by("?")[:3]:
        s.delete()
    CaseSession.objects.filter(case=case).first().delete()
    session = CaseSession.objects.filter(case=case).first()
    session.minutes += 15
    session.save()
    need = Need.objects.filter(community=net.community_a1).first()
    need.community = net.community_b1
    need.save()
    activities[2].delete() if not activities[2].sign_ins.exists() else None
    _check(net, periods)

    def everything():
        return {(m.key, p, part): value for m in ROLLED for p in periods
                for part, value in selectors.by_part(division=net.county, period=p, key=m.key) or
                [("", selectors.totals(division=net.county, period=p, keys=[m.breakdown_of or m.key])
                  [m.breakdown_of or m.key])]}

    before = everything()
    rollups.rebuild()
    assert before == everything()


def test_derived_figures_are_computed_from_their_parts(net, people):
    rng = random.Random(3)
    activity = _activity(net.station_a, rng, 3, "健康讲座")
    numbers = [mobile() for _ in range(4)]
    for n in numbers:
        activity_services.sign_in(activity=activity, name="居民", mobile=n, actor=people["head"])
    for n, rating in zip(numbers, [5, 4, 2, 5], strict=True):
        activity_services.feedback_give(activity=activity, mobile=n, rating=rating)
    period = Period("custom", timezone.localdate() - datetime.timedelta(days=10), timezone.localdate())
    figures = selectors.totals(division=net.street_a, period=period)
    assert figures["feedback"] == 4 and figures["feedback_happy"] == 3 and figures["satisfaction"] == 75.0
    # 直接参与人数: distinct people, counted from the records from a street down.
    activity_services.sign_in(activity=_activity(net.station_a, rng, 2, "第二场"), name="居民", mobile=numbers[0],
                              actor=_head(net.station_a))
    assert selectors.totals(division=net.street_a, period=period)["people"] == 4
    assert selectors.totals(division=net.street_a, period=period)["attendances"] == 5
    assert selectors.totals(division=net.county, period=period)["people"] is None
    request = Request.objects.create(station=net.station_a, community=net.community_a1, category="care",
                                     description="楼道灯坏了", name="李", mobile=mobile())
    # Submitted two days ago, so that five hours later is still inside the period at any time of day.
    request.created_at -= datetime.timedelta(days=2)
    request.handled_at = request.created_at + datetime.timedelta(hours=5)
    request.save()
    figures = selectors.totals(division=net.street_a, period=period)
    assert figures["requests_handled"] == 1 and figures["response_hours"] == 5.0
    assert MEASURES["service_hours"].derive(figures) == figures["case_hours"] + figures["volunteer_hours"]


def test_a_sum_is_exact_in_fen(net, people):
    giver = charity.donor(people["head"], net.station_a)
    goal = charity.project(people["head"], net.station_a)
    for amount in ("0.10", "0.20", "1000.05"):
        charity.cash(people["head"], giver, amount=amount, project=goal)
    period = Period.containing("month", timezone.localdate())
    assert selectors.totals(division=net.county, period=period)["donation_amount"] == 1000.35


def test_by_group_counts_under_each_group_and_never_in_a_total(net, people):
    from wushe.people.models import Tag

    old, young = Tag.objects.create(name="老年人"), Tag.objects.create(name="留守儿童")
    activity = _activity(net.station_a, random.Random(4), 1, "祖孙同乐")
    for _n in range(3):
        activity_services.sign_in(activity=activity, name="居民", mobile=mobile(), actor=_head(net.station_a))
    # The activity's own year: a day and some hours ago is last year on 1 January.
    period = Period.containing("year", timezone.localtime(activity.starts_at).date())
    assert selectors.by_group(division=net.street_a, period=period, key="attendances") == [("未指定", 3)]
    activity.target_tags.set([old, young])  # after the save: the by-group rows follow
    groups = dict(selectors.by_group(division=net.street_a, period=period, key="attendances"))
    assert groups == {"老年人": 3, "留守儿童": 3}
    assert selectors.totals(division=net.street_a, period=period)["attendances"] == 3
    assert "attendances_by_group" not in selectors.totals(division=net.street_a, period=period)
    activity.target_tags.remove(young)
    assert dict(selectors.by_group(division=net.street_a, period=period, key="activities")) == {"老年人": 1}


def test_a_renamed_group_is_renamed_in_the_breakdowns(net, people):
    from wushe.people.models import Tag

    old = Tag.objects.create(name="老年人")
    activity = _activity(net.station_a, random.Random(5), 1, "重阳敬老")
    activity.target_tags.set([old])
    for _n in range(2):
        activity_services.sign_in(activity=activity, name="居民", mobile=mobile(), actor=_head(net.station_a))
    period = Period.containing("year", timezone.localtime(activity.starts_at).date())
    old.name = "六十周岁及以上需要重点关注的老年人"  # longer than the 16 characters rollups once kept
    old.save()
    expected = {"六十周岁及以上需要重点关注的老年人": 2}
    assert dict(selectors.by_group(division=net.street_a, period=period, key="attendances")) == expected
    assert dict(selectors.by_group(division=net.county, period=period, key="attendances")) == expected
    rollups.rebuild()
    assert dict(selectors.by_group(division=net.street_a, period=period, key="attendances")) == expected
