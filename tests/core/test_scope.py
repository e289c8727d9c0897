"""Division codes (wushe.core.divisions) and the one permission function (wushe.accounts.scope)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connections, transaction
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import division, user
from wushe.accounts.models import RoleAssignment
from wushe.accounts.roles import Action, Role
from wushe.accounts.scope import can, check, code_of, may, prefixes_for
from wushe.core.divisions import (
    Level,
    collapse_prefixes,
    full_code,
    level_of,
    parent_code,
    prefix_of,
    within,
    within_any,
)
from wushe.core.models import Division, Station

# --- codes ------------------------------------------------------------------------


@pytest.mark.parametrize(("short", "full"), [
    ("34", "340000000000"),
    ("3401", "340100000000"),
    ("340104", "340104000000"),
    ("340104005", "340104005000"),
    ("340104005001", "340104005001"),
    ("", "000000000000"),
])
def test_full_code_pads_to_twelve_digits(short, full):
    assert full_code(short) == full


@pytest.mark.parametrize(("code", "level"), [
    ("34", Level.PROVINCE),
    ("340000000000", Level.PROVINCE),
    ("3401", Level.CITY),
    ("340100000000", Level.CITY),
    ("110100", Level.CITY),  # 北京 市辖区: city digits "01"
    ("340104", Level.COUNTY),
    ("340104000000", Level.COUNTY),
    ("110110", Level.COUNTY),  # county digits end in 0
    ("340104005", Level.TOWN),
    ("340104005000", Level.TOWN),
    ("110105010", Level.TOWN),  # town digits "010": ends in 0, still a town
    ("110105010000", Level.TOWN),
    ("110105100000", Level.TOWN),
    ("340104005001", Level.VILLAGE),
    ("110105010010", Level.VILLAGE),  # village digits "010"
    ("110105010100", Level.VILLAGE),
])
def test_level_of_reads_trailing_zeros(code, level):
    assert level_of(code) == level


@pytest.mark.parametrize(("code", "level", "prefix"), [
    ("340000000000", None, "34"),
    ("340100000000", None, "3401"),
    ("340104000000", None, "340104"),
    ("340104005000", None, "340104005"),
    ("110105010000", None, "110105010"),  # the trailing 0 of the town code is kept
    ("340104005001", None, "340104005001"),
    ("340104005001", Level.TOWN, "340104005"),
    ("340104005", Level.COUNTY, "340104"),
])
def test_prefix_of(code, level, prefix):
    assert prefix_of(code, level) == prefix


@pytest.mark.parametrize(("code", "parent"), [
    ("340000000000", None),
    ("340100000000", "340000000000"),
    ("340104000000", "340100000000"),
    ("340104005000", "340104000000"),
    ("110105010000", "110105000000"),
    ("340104005001", "340104005000"),
    ("110105010010", "110105010000"),
    ("340104005", "340104000000"),  # a short code is read as its 12-digit form
])
def test_parent_code(code, parent):
    assert parent_code(code) == parent


def test_parent_code_with_explicit_level():
    assert parent_code("340104005001", Level.TOWN) == "340104000000"


@pytest.mark.parametrize(("given_", "kept"), [
    ([], []),
    (["340104005"], ["340104005"]),
    (["340104005", "340104005"], ["340104005"]),
    (["340104005", "340104"], ["340104"]),
    (["340104005", "340104001"], ["340104001", "340104005"]),
    (["340104005", "340104", "3401", "340103"], ["3401"]),
    (["340104005001", "340103", "340104005"], ["340103", "340104005"]),
    (["34", ""], [""]),
])
def test_collapse_prefixes(given_, kept):
    assert sorted(collapse_prefixes(given_)) == sorted(kept)


def test_collapse_prefixes_accepts_a_generator():
    assert collapse_prefixes(p for p in ("340104", "340104005")) == ["340104"]


# --- within: range queries -----------------------------------------------------------


BOUNDARY_CODES = [
    "340104004999",  # just below 西园 (340104005)
    "340104005000",  # 西园 itself
    "340104005001",
    "340104005999",  # the last code under 西园
    "340104006000",  # just above
    "340103999999",  # just below 蜀山区
    "340105000000",  # just above 蜀山区
]


@pytest.fixture
def boundary_rows(db):
    Division.objects.bulk_create(Division(code=c, name=c, level=level_of(c)) for c in BOUNDARY_CODES)


def codes(q):
    return sorted(Division.objects.filter(q).values_list("code", flat=True))


def test_within_includes_both_ends_of_the_range_and_nothing_outside(boundary_rows):
    assert codes(within("code", "340104005")) == ["340104005000", "340104005001", "340104005999"]


def test_within_county(boundary_rows):
    assert codes(within("code", "340104")) == [
        "340104004999", "340104005000", "340104005001", "340104005999", "340104006000",
    ]


def test_within_a_full_code_is_that_code_only(boundary_rows):
    assert codes(within("code", "340104005001")) == ["340104005001"]


def test_within_empty_prefix_is_everything(boundary_rows):
    assert codes(within("code", "")) == sorted(BOUNDARY_CODES)


def test_within_any_of_nothing_matches_nothing(boundary_rows):
    assert codes(within_any("code", [])) == []
    assert not Station.objects.filter(within_any("division_id", [])).exists()


def test_within_any_unions_prefixes(boundary_rows):
    assert codes(within_any("code", ["340104005001", "340104006", "340105"])) == [
        "340104005001", "340104006000", "340105000000",
    ]


def test_within_any_collapses_nested_prefixes(boundary_rows):
    assert codes(within_any("code", ["340104005", "340104"])) == codes(within("code", "340104"))


def test_within_works_on_a_foreign_key_column(net):
    names = set(Station.objects.filter(within("division_id", "340104005")).values_list("name", flat=True))
    assert names == {"西园街道社会工作服务站", "西园新村社工室"}


def test_within_is_a_range_not_like():
    sql = str(Division.objects.filter(within("code", "3401")).query)
    assert ">=" in sql and "<=" in sql
    assert "LIKE" not in sql.upper()
    assert "340100000000" in sql and "340199999999" in sql


def test_within_compiles_to_a_range_on_postgresql():
    """The same query as PostgreSQL would receive it: a plain b-tree range, no LIKE."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    pg = DatabaseWrapper({**connections["default"].settings_dict, "ENGINE": "django.db.backends.postgresql",
                          "NAME": "unused", "OPTIONS": {}}, alias="pg_compile_only")
    for qs in (Division.objects.filter(within("code", "3401")),
               Station.objects.filter(within_any("division_id", ["3401", "340103"]))):
        sql, params = qs.query.get_compiler(connection=pg).as_sql()
        assert "LIKE" not in sql.upper()
        assert ">= %s" in sql and "<= %s" in sql
        assert "340100000000" in params and "340199999999" in params


digits = st.text(alphabet="0123456789", min_size=12, max_size=12)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), code_list=st.lists(digits, min_size=1, max_size=8, unique=True))
def test_within_equals_startswith(db, data, code_list):
    # Prefixes drawn both at random and from the codes themselves, so matches happen.
    prefix = data.draw(st.one_of(
        st.text(alphabet="0123456789", max_size=12),
        st.sampled_from(code_list).flatmap(lambda c: st.integers(0, 12).map(lambda n: c[:n])),
    ))
    with transaction.atomic():
        Division.objects.bulk_create(Division(code=c, name=c, level=Level.VILLAGE) for c in code_list)
        got = set(Division.objects.filter(within("code", prefix)).values_list("code", flat=True))
        assert got == {c for c in code_list if c.startswith(prefix)}
        transaction.set_rollback(True)


# --- scope: who may do what where ----------------------------------------------------------


EXPECTED_PREFIXES = {
    # role: {action: prefixes}
    "sysadmin": {Action.NETWORK_VIEW: [""], Action.USER_MANAGE: [""], Action.AUDIT_VIEW: [],
                 Action.PERSON_VIEW: [], Action.STATION_CREATE: []},
    "secadmin": {Action.ROLE_MANAGE: [""], Action.NETWORK_VIEW: [""], Action.USER_MANAGE: [],
                 Action.PERSON_VIEW: []},
    "auditor": {Action.AUDIT_VIEW: [""], Action.USER_VIEW: [""], Action.NETWORK_VIEW: [],
                Action.PERSON_VIEW: []},
    "civil": {Action.NETWORK_VIEW: ["340104"], Action.STATION_CREATE: ["340104"],
              Action.STATION_EDIT: ["340104"], Action.AUDIT_VIEW: ["340104"], Action.PERSON_VIEW: []},
    "street": {Action.NETWORK_VIEW: ["340104005"], Action.STATION_CREATE: ["340104005"],
               Action.USER_MANAGE: ["340104005"], Action.PERSON_VIEW: ["340104005"],
               Action.PERSON_REVEAL: []},
    "head": {Action.NETWORK_VIEW: ["340104005"], Action.STATION_EDIT: ["340104005"],
             Action.USER_MANAGE: ["340104005"], Action.PERSON_REVEAL: ["340104005"],
             Action.STATION_CREATE: [], Action.ROLE_MANAGE: ["340104005"]},
    "worker": {Action.NETWORK_VIEW: ["340104005"], Action.PERSON_REVEAL: ["340104005"],
               Action.STATION_EDIT: [], Action.USER_VIEW: [], Action.AUDIT_VIEW: []},
    "supervisor": {Action.NETWORK_VIEW: ["340104005"], Action.PERSON_VIEW: ["340104005"],
                   Action.STATION_EDIT: []},
    "worker_b": {Action.NETWORK_VIEW: ["340104001"], Action.STATION_EDIT: []},
    "worker_other": {Action.NETWORK_VIEW: ["340103001"]},
    "org_lead": {Action.NETWORK_VIEW: ["340104005001"], Action.PERSON_VIEW: [], Action.STATION_EDIT: []},
    "volunteer": {action: [] for action in Action.values},
}


@pytest.mark.parametrize("who", sorted(EXPECTED_PREFIXES))
def test_prefixes_for_each_role(people, who):
    for action, expected in EXPECTED_PREFIXES[who].items():
        assert prefixes_for(people[who], action) == expected, (who, action)
        assert may(people[who], action) is bool(expected), (who, action)
        assert can(people[who], action) is bool(expected), (who, action)


@pytest.mark.parametrize(("who", "obj", "allowed"), [
    ("sysadmin", "other_station", True),
    ("auditor", "station_a", False),  # no network.view anywhere
    ("civil", "station_a", True),
    ("civil", "county", True),
    ("civil", "city", False),  # above the county
    ("civil", "other_station", False),
    ("street", "station_a", True),
    ("street", "room_a1", True),
    ("street", "community_a2", True),
    ("street", "street_b", False),
    ("street", "county", False),
    ("head", "station_a", True),
    ("head", "station_b", False),
    ("worker", "community_a1", True),
    ("worker_b", "station_a", False),
    ("worker_b", "station_b", True),
    ("worker_other", "station_b", False),
    ("worker_other", "other_street", True),
    ("org_lead", "room_a1", True),
    ("org_lead", "station_a", False),  # a community's scope does not reach its street
    ("volunteer", "community_a1", False),
])
def test_can_and_check_network_view(net, people, who, obj, allowed):
    target = getattr(net, obj)
    assert can(people[who], Action.NETWORK_VIEW, target) is allowed
    if allowed:
        check(people[who], Action.NETWORK_VIEW, target)
    else:
        with pytest.raises(Http404):
            check(people[who], Action.NETWORK_VIEW, target)


@pytest.mark.parametrize(("who", "action", "allowed"), [
    ("civil", Action.STATION_CREATE, True),
    ("street", Action.STATION_CREATE, True),
    ("head", Action.STATION_CREATE, False),
    ("head", Action.STATION_EDIT, True),
    ("worker", Action.STATION_EDIT, False),
    ("sysadmin", Action.STATION_EDIT, False),
    ("civil", Action.PERSON_VIEW, False),  # aggregates, never personal files
    ("street", Action.PERSON_REVEAL, False),
    ("worker", Action.PERSON_REVEAL, True),
])
def test_can_other_actions_on_station_a(net, people, who, action, allowed):
    assert can(people[who], action, net.station_a) is allowed
    if not allowed:
        with pytest.raises(Http404):
            check(people[who], action, net.station_a)


def test_anonymous_and_inactive_users_may_nothing(net, people):
    assert prefixes_for(AnonymousUser(), Action.NETWORK_VIEW) == []
    assert not can(AnonymousUser(), Action.NETWORK_VIEW, net.station_a)
    worker = people["worker"]
    worker.is_active = False
    worker.save()
    assert prefixes_for(worker, Action.NETWORK_VIEW) == []
    with pytest.raises(Http404):
        check(worker, Action.NETWORK_VIEW, net.station_a)


def test_several_assignments_add_up_and_collapse(net):
    u = user("two_places", Role.WORKER, station=net.station_b)
    RoleAssignment.objects.create(user=u, role=Role.STREET, division=net.street_a)
    RoleAssignment.objects.create(user=u, role=Role.WORKER, station=net.room_a1)  # inside 西园 already
    assert sorted(prefixes_for(u, Action.NETWORK_VIEW)) == ["340104001", "340104005"]
    assert prefixes_for(u, Action.STATION_EDIT) == ["340104005"]  # only the street role edits
    assert can(u, Action.STATION_EDIT, net.room_a1)
    assert not can(u, Action.STATION_EDIT, net.station_b)


def test_code_of_reads_divisions_and_stations(net):
    assert code_of(net.street_a) == "340104005000"
    assert code_of(net.station_a) == "340104005000"
    with pytest.raises(TypeError):
        code_of(object())


def test_division_rows_prefix_property(net):
    assert net.street_a.prefix == "340104005"
    assert Division.objects.get(code="340104005001").prefix == "340104005001"
    assert division("110105010", "某街道", Level.TOWN).prefix == "110105010"
