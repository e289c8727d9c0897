"""Who reads a case: the team, its supervisor, those granted, the 站长; colleagues see only
that it exists; a sensitive case hides the client's name too."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.casework.factories import open_case
from tests.factories import user
from tests.people import factories as people_factories
from wushe.accounts.roles import Role
from wushe.casework import access, selectors, services
from wushe.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PROBLEM = "遭受家庭暴力，需紧急庇护"


@pytest.fixture
def colleague(net):
    return user("t_tongshi", Role.WORKER, station=net.station_a)


@pytest.fixture
def other_supervisor(net):
    return user("t_dudao2", Role.SUPERVISOR, station=net.station_a)


@pytest.fixture
def case(net, people):
    return open_case(net, people, presenting_problem=PROBLEM)


def test_readers_of_an_ordinary_case(people, case, colleague, other_supervisor):
    readers = {name for name in ("worker", "supervisor", "head") if access.may_read(people[name], case)}
    assert readers == {"worker", "supervisor", "head"}
    assert not access.may_read(colleague, case)
    assert not access.may_read(other_supervisor, case)
    # Outside the scope nothing at all: not even that the case exists.
    for outsider in ("worker_b", "worker_other", "street", "civil", "sysadmin"):
        with pytest.raises(Http404):
            selectors.case_get(user=people[outsider], pk=case.pk)


def test_a_colleague_sees_the_case_exists_but_not_its_content(login, case, colleague):
    assert selectors.case_get(user=colleague, pk=case.pk) == case
    with pytest.raises(Http404):
        selectors.case_get_for_reading(user=colleague, pk=case.pk)
    page = login(colleague).get(f"/cases/{case.pk}/").content.decode()
    assert case.number in page and "王大爷" in page and PROBLEM not in page
    assert "个案内容仅对个案团队" in page
    for url in (f"/cases/{case.pk}/forms/intake.pdf", f"/cases/{case.pk}/assessments/new/"):
        assert login(colleague).get(url).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEWED, object_type="casework.case").exists()


def test_reading_a_case_is_audited(login, people, case):
    page = login(people["supervisor"]).get(f"/cases/{case.pk}/").content.decode()
    assert PROBLEM in page
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEWED, object_type="casework.case")
    assert (entry.actor, entry.object_id) == (people["supervisor"], str(case.pk))


def test_a_sensitive_case_hides_the_name_and_keeps_out_the_head(net, people, login, colleague):
    case = open_case(net, people, presenting_problem=PROBLEM, sensitive=True)
    assert access.client_label(colleague, case) == "（保密）"
    assert not access.may_read(people["head"], case)  # it has its own supervisor
    assert access.may_read(people["supervisor"], case)
    listing = login(colleague).get("/cases/", {"tab": "station"}).content.decode()
    assert case.number in listing and "王大爷" not in listing
    # Nor is it found by the client's name.
    found = login(colleague).get("/cases/", {"tab": "station", "q": "王大爷"}).content.decode()
    assert case.number not in found
    page = login(colleague).get(f"/cases/{case.pk}/").content.decode()
    assert "王大爷" not in page and PROBLEM not in page


def test_a_grant_lets_one_colleague_read(people, case, colleague, net):
    with pytest.raises(PermissionDenied):
        services.grant_read(actor=colleague, case=case, user=colleague, reason="自己给自己")
    with pytest.raises(ValidationError):
        services.grant_read(actor=people["worker"], case=case, user=people["worker_b"], reason="外站社工")
    services.grant_read(actor=people["worker"], case=case, user=colleague, reason="休假期间代班")
    assert access.may_read(colleague, case)
    assert not access.may_work(colleague, case)  # reading, not writing
    entry = AuditEntry.objects.get(object_type="casework.grant")
    assert entry.detail == {"user": "t_tongshi"}


def test_the_team_reads_and_works_together(net, people, colleague):
    resident = people_factories.resident("张三", station=net.station_a)
    case = services.case_open(actor=people["worker"], resident=resident, team=[colleague], data={
        "source": "referral", "presenting_problem": "多重问题", "managed": True, "partners": "区残联：康复辅具"})
    assert access.may_read(colleague, case) and access.may_work(colleague, case)
    assert list(selectors.my_cases(user=colleague)) == [case]
