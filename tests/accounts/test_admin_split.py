"""三员分立: the three platform administrators read no personal files; who reads the audit log."""

import pytest

from tests import factories
from wushe.accounts.roles import Action
from wushe.accounts.scope import may
from wushe.core import audit
from wushe.core.models import AuditEntry

AUDIT = "/audit/"
PLATFORM_ADMINS = ["sysadmin", "secadmin", "auditor"]


def _visible_ids(response) -> set[int]:
    return set(response.context["filter"].qs.values_list("id", flat=True))


@pytest.fixture
def scoped_entries(net):
    """One entry in 西园街道 (street A), one in 三里庵街道 (street B), one in 庐阳区, one platform-wide."""
    return {
        "street_a": audit.record(AuditEntry.Action.CHANGED, division_code=net.community_a1.code),
        "street_b": audit.record(AuditEntry.Action.CHANGED, division_code=net.street_b.code),
        "other_county": audit.record(AuditEntry.Action.CHANGED, division_code=net.other_street.code),
        "platform": audit.record(AuditEntry.Action.POLICY_CHANGED),
    }


@pytest.mark.parametrize("role", PLATFORM_ADMINS)
def test_platform_admins_cannot_view_person_files(people, role):
    assert may(people[role], Action.PERSON_VIEW) is False
    assert may(people[role], Action.PERSON_REVEAL) is False



def test_civil_official_cannot_view_person_files(people):
    assert may(people["civil"], Action.PERSON_VIEW) is False


@pytest.mark.parametrize("role", ["street", "head", "worker", "supervisor"])
def test_station_staff_can_view_person_files(people, role):
    assert may(people[role], Action.PERSON_VIEW) is True


def test_duties_do_not_overlap(people):
    sysadmin, secadmin, auditor = (people[r] for r in PLATFORM_ADMINS)

    assert (may(sysadmin, Action.USER_MANAGE), may(sysadmin, Action.ROLE_MANAGE),
            may(sysadmin, Action.AUDIT_VIEW)) == (True, False, False)
    assert (may(secadmin, Action.USER_MANAGE), may(secadmin, Action.ROLE_MANAGE),
            may(secadmin, Action.AUDIT_VIEW)) == (False, True, False)
    assert (may(auditor, Action.USER_MANAGE), may(auditor, Action.ROLE_MANAGE),
            may(auditor, Action.AUDIT_VIEW)) == (False, False, True)


def test_inactive_user_may_nothing(people):
    auditor = people["auditor"]
    auditor.is_active = False

    assert may(auditor, Action.AUDIT_VIEW) is False


@pytest.mark.parametrize("role", ["auditor", "civil", "street", "head"])
def test_auditor_and_managers_reach_audit_log(login, people, role):
    assert login(people[role]).get(AUDIT).status_code == 200


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "worker", "supervisor", "org_lead",
                                  "volunteer"])
def test_others_are_refused_the_audit_log(login, people, role):
    assert login(people[role]).get(AUDIT).status_code == 403


def test_auditor_sees_every_entry(login, people, scoped_entries):
    response = login(people["auditor"]).get(AUDIT)

    assert _visible_ids(response) == set(AuditEntry.objects.values_list("id", flat=True))
    assert {e.id for e in scoped_entries.values()} <= _visible_ids(response)


def test_street_manager_sees_only_own_street_entries(login, people, scoped_entries):
    response = login(people["street"]).get(AUDIT)

    visible = AuditEntry.objects.filter(id__in=_visible_ids(response))
    assert scoped_entries["street_a"] in visible
    assert not {scoped_entries[k] for k in ("street_b", "other_county", "platform")} & set(visible)
    assert visible.exists()
    assert all(e.division_code.startswith("340104005") for e in visible)


def test_civil_official_sees_own_county_entries(login, people, scoped_entries):
    response = login(people["civil"]).get(AUDIT)

    visible = _visible_ids(response)
    assert {scoped_entries["street_a"].id, scoped_entries["street_b"].id} <= visible
    assert not {scoped_entries["other_county"].id, scoped_entries["platform"].id} & visible


def test_street_manager_sees_sign_ins_of_own_street_only(client, sign_in, login, people):
    sign_in("t_shegong", factories.PASSWORD)
    client.logout()
    sign_in("t_shegong_b", factories.PASSWORD)
    client.logout()
    logins = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN)
    own = logins.get(actor=people["worker"])
    other = logins.get(actor=people["worker_b"])

    response = login(people["street"]).get(AUDIT)

    assert own.id in _visible_ids(response)
    assert other.id not in _visible_ids(response)


def test_platform_admin_sign_in_is_platform_scope(login, people):
    login(people["sysadmin"])
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN, actor=people["sysadmin"])

    assert entry.division_code == ""
    assert entry.id not in _visible_ids(login(people["civil"]).get(AUDIT))


def test_audit_log_filter_by_action(login, people, scoped_entries):
    response = login(people["auditor"]).get(AUDIT, {"action": AuditEntry.Action.POLICY_CHANGED})

    assert _visible_ids(response) == {scoped_entries["platform"].id}
