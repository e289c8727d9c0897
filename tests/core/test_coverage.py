"""社工站/社工室 coverage, counted from records: selectors and the division page."""

import datetime

import pytest

from tests.factories import division, station
from wushe.core import selectors, services
from wushe.core.divisions import Level
from wushe.core.models import Division, Station
from wushe.core.selectors import Coverage, children_with_coverage, coverage_by, coverage_of


def test_coverage_of_county(net):
    # 3 communities (西园新村 with an operating 社工室), 2 streets, both with a 社工站.
    assert coverage_of(division=net.county) == Coverage(
        villages=3, communities=3, villages_covered=1, towns=2, towns_covered=2,
    )


def test_coverage_of_street_and_rates(net):
    cov = coverage_of(division=net.street_a)
    assert cov == Coverage(villages=2, communities=2, villages_covered=1, towns=1, towns_covered=1)
    assert cov.village_rate == pytest.approx(50.0)
    assert cov.town_rate == pytest.approx(100.0)


def test_coverage_of_city_counts_across_districts(net):
    assert coverage_of(division=net.city) == Coverage(
        villages=3, communities=3, villages_covered=1, towns=3, towns_covered=3,
    )


def test_coverage_of_a_community_is_itself(net):
    cov = coverage_of(division=net.community_a1)
    assert cov == Coverage(villages=1, communities=1, villages_covered=1, towns=0, towns_covered=0)
    assert cov.town_rate is None


def test_no_villages_gives_no_rate(net):
    cov = coverage_of(division=net.other_county)  # 庐阳区 here has one street and no communities
    assert (cov.villages, cov.villages_covered, cov.village_rate) == (0, 0, None)
    assert (cov.towns, cov.towns_covered, cov.town_rate) == (1, 1, 100.0)


def test_nothing_below_gives_empty_coverage(db):
    lonely = division("3402", "芜湖市", Level.CITY)
    cov = coverage_of(division=lonely)
    assert (cov.villages, cov.towns, cov.village_rate, cov.town_rate) == (0, 0, None, None)


@pytest.mark.parametrize("status", [Station.Status.PREPARING, Station.Status.SUSPENDED])
def test_only_operating_rooms_count(net, status):
    Station.objects.filter(pk=net.room_a1.pk).update(status=status)
    assert coverage_of(division=net.street_a).villages_covered == 0


def test_closed_room_does_not_count(net):
    Station.objects.filter(pk=net.room_a1.pk).update(
        status=Station.Status.CLOSED, closed_on=datetime.date(2026, 1, 1))
    assert coverage_of(division=net.street_a).villages_covered == 0


@pytest.mark.parametrize("status", [Station.Status.PREPARING, Station.Status.SUSPENDED, Station.Status.CLOSED])
def test_only_operating_street_stations_count(net, status):
    Station.objects.filter(pk=net.station_b.pk).update(status=status)
    cov = coverage_of(division=net.county)
    assert (cov.towns, cov.towns_covered) == (2, 1)


def test_a_town_station_covers_towns_not_villages(net):
    # 三里庵 has a 社工站 and no 社工室: its one community stays uncovered.
    cov = coverage_of(division=net.street_b)
    assert cov == Coverage(villages=1, communities=1, villages_covered=0, towns=1, towns_covered=1)


def test_a_center_covers_nothing(net):
    Station.objects.filter(pk__in=[net.station_a.pk, net.station_b.pk, net.room_a1.pk]).delete()
    assert Station.objects.filter(division=net.county, tier=Station.Tier.CENTER).exists()
    cov = coverage_of(division=net.county)
    assert (cov.villages_covered, cov.towns_covered) == (0, 0)


def test_rural_villages_are_not_communities(net):
    village = division("340104005201", "大王村民委员会", Level.VILLAGE, Division.Kind.RURAL)
    station(village)
    cov = coverage_of(division=net.street_a)
    assert (cov.villages, cov.communities, cov.villages_covered) == (3, 2, 2)


def test_coverage_by_groups_by_child_prefix(net):
    by = coverage_by(prefix="340104", group_length=9)
    assert set(by) == {"340104001", "340104005"}
    assert by["340104005"] == Coverage(villages=2, communities=2, villages_covered=1, towns=1, towns_covered=1)
    assert by["340104001"] == Coverage(villages=1, communities=1, villages_covered=0, towns=1, towns_covered=1)


def test_coverage_by_without_group_is_one_total(net):
    assert coverage_by(prefix="340104") == {"": coverage_of(division=net.county)}


def test_children_with_coverage(net):
    Station.objects.filter(pk=net.station_b.pk).update(status=Station.Status.PREPARING)
    rows = children_with_coverage(division=net.county)
    assert [(child.code, n) for child, _cov, n in rows] == [
        ("340104001000", 1),  # 三里庵: the preparing station is open, so it is listed
        ("340104005000", 2),  # 西园: 社工站 and 社工室
    ]
    by_code = {child.code: cov for child, cov, _n in rows}
    assert by_code["340104001000"].towns_covered == 0  # preparing does not cover
    assert by_code["340104005000"].villages_covered == 1


def test_children_with_coverage_skips_closed_stations_in_counts(net):
    Station.objects.filter(pk=net.room_a1.pk).update(
        status=Station.Status.CLOSED, closed_on=datetime.date(2026, 1, 1))
    rows = {child.code: n for child, _cov, n in children_with_coverage(division=net.county)}
    assert rows["340104005000"] == 1


def test_children_with_coverage_of_street_lists_communities(net):
    rows = children_with_coverage(division=net.street_a)
    assert [(c.code, cov.villages_covered, cov.villages, n) for c, cov, n in rows] == [
        ("340104005001", 1, 1, 1),
        ("340104005002", 0, 1, 0),
    ]


def test_children_with_coverage_of_a_leaf_is_empty(net):
    assert children_with_coverage(division=net.community_a1) == []


def test_division_page_shows_the_figures(net, people, login):
    client = login(people["civil"])
    html = client.get("/divisions/340104005/").content.decode()
    assert "1 / 2 个村（社区）有运营中的社工室，其中社区 2 个" in html
    assert "1 / 1 个乡镇（街道）有运营中的社工站" in html
    assert "50.0%" in html and "100.0%" in html
    html = client.get("/divisions/340104/").content.decode()
    assert "1 / 3 个村（社区）" in html
    assert "2 / 2 个乡镇（街道）" in html
    # The children table: 西园 1/2 communities covered, 三里庵 0/1.
    assert "1/2 <span class=\"text-body-secondary\">(50.0%)</span>" in html
    assert "0/1 <span class=\"text-body-secondary\">(0.0%)</span>" in html


def test_division_page_without_villages_says_so(net, people, login):
    division("340104010", "笔架山街道", Level.TOWN, Division.Kind.URBAN)
    html = login(people["civil"]).get("/divisions/340104010/").content.decode()
    assert "辖区内没有村/社区级区划" in html
    assert "0 / 1 个乡镇（街道）有运营中的社工站" in html


def test_closing_lowers_and_reopening_restores_coverage(net, people):
    civil = people["civil"]
    before = coverage_of(division=net.county)
    services.station_close(actor=civil, station=net.room_a1, closed_on=datetime.date(2026, 3, 1),
                           reason="社区合并")
    assert coverage_of(division=net.county).villages_covered == before.villages_covered - 1
    services.station_close(actor=civil, station=net.station_a, closed_on=datetime.date(2026, 3, 1),
                           reason="场地收回")
    assert coverage_of(division=net.county).towns_covered == before.towns_covered - 1
    services.station_reopen(actor=civil, station=Station.objects.get(pk=net.room_a1.pk))
    services.station_reopen(actor=civil, station=Station.objects.get(pk=net.station_a.pk))
    assert coverage_of(division=net.county) == before


def test_home_shows_coverage_of_the_users_roots(net, people, login):
    html = login(people["street"]).get("/").content.decode()
    assert "西园街道" in html
    assert "1 / 2 个村（社区）" in html
    assert selectors.division_roots(user=people["street"]) == [net.street_a]
