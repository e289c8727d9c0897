"""社工机构: listed for everyone who sees the network, changed only by those who cover it."""

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import user
from wushe.accounts.roles import Role
from wushe.core import services
from wushe.core.models import Agency, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(net):
    a = Agency.objects.create(name="同心社会工作服务中心")
    net.station_a.agency = a
    net.station_a.save()
    return a


def test_list_counts_only_stations_in_scope(login, people, agency, net):
    net.other_station.agency = agency
    net.other_station.save()

    page = login(people["street"]).get("/agencies/").content.decode()

    assert "同心社会工作服务中心" in page
    # 西园's street manager sees one station of the agency, not 庐阳's.
    assert '<td class="text-end">1</td>' in page


def test_detail_lists_only_stations_in_scope(login, people, agency, net):
    net.other_station.agency = agency
    net.other_station.save()

    page = login(people["worker"]).get(f"/agencies/{agency.pk}/").content.decode()

    assert net.station_a.name in page
    assert net.other_station.name not in page


def test_street_manager_registers_an_agency(login, people):
    response = login(people["street"]).post("/agencies/new/", {
        "name": "启航社会工作服务中心", "credit_code": "52340104mj1234567x", "contact_name": "王芳",
        "phone": "0551-62345678", "address": "西园街道"})

    agency = Agency.objects.get(name="启航社会工作服务中心")
    assert response.status_code == 302
    assert agency.credit_code == "52340104MJ1234567X"
    assert AuditEntry.objects.filter(action="created", object_type="core.agency").exists()


def test_bad_credit_code_is_named(login, people):
    response = login(people["street"]).post("/agencies/new/", {"name": "某机构", "credit_code": "123"})

    assert response.status_code == 200
    assert "统一社会信用代码应为18位字母或数字。" in response.content.decode()


def test_duplicate_name_is_refused(login, people, agency):
    response = login(people["street"]).post("/agencies/new/", {"name": agency.name})

    assert "已有同名的社工机构。" in response.content.decode() or "已存在" in response.content.decode()
    assert Agency.objects.filter(name=agency.name).count() == 1


def test_another_district_cannot_change_an_agency_running_stations_here(net, agency):
    luyang_civil = user("luyang_civil", Role.CIVIL, division=net.other_county)

    with pytest.raises(PermissionDenied):
        services.agency_save(actor=luyang_civil, agency=agency, data={"name": "改名"})
    agency.refresh_from_db()
    assert agency.name == "同心社会工作服务中心"


def test_the_district_covering_all_its_stations_may_change_it(people, agency):
    services.agency_save(actor=people["civil"], agency=agency, data={"name": "同心社工中心"})

    agency.refresh_from_db()
    assert agency.name == "同心社工中心"


def test_a_worker_cannot_register_agencies(login, people):
    assert login(people["worker"]).get("/agencies/new/").status_code == 403
