import datetime

import pytest

from tests.people import factories
from wushe.people import selectors
from wushe.people.models import Resident

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["13910000001", "139-1000-0001", "+86 139 1000 0001", "0086 13910000001",
                                   "(139) 1000-0001"])
def test_phone_search_accepts_the_ways_numbers_are_typed(people, net, typed):
    wang = factories.resident("王大爷", station=net.station_a, community=net.community_a1, mobile="13910000001")
    found = selectors.search(selectors.resident_list(user=people["worker"]), typed)
    assert list(found) == [wang]


def test_a_resident_without_an_id_number_gets_an_age_from_the_entered_birth_date(people, net, login):
    client = login(people["worker"])
    response = client.post("/people/new/", {
        "station": net.station_a.pk, "community": net.community_a1.pk, "name": "小明",
        "birth_date": (factories.today() - datetime.timedelta(days=365 * 8)).isoformat(), "sex": "male",
        "guardian_name": "小明妈妈", "risk": "low", "consent_by": "guardian", "consent_method": "paper",
        "consent_on": factories.today().isoformat(),
    })
    assert response.status_code == 302, response.content.decode()[:500]
    xiaoming = Resident.objects.get(name="小明")
    assert xiaoming.age() in (7, 8)
    minors = selectors.resident_list(user=people["worker"]).filter(selectors.born_between("minor"))
    assert xiaoming in minors


def test_a_minor_without_an_id_still_needs_a_guardian(people, net, login):
    response = login(people["worker"]).post("/people/new/", {
        "station": net.station_a.pk, "community": net.community_a1.pk, "name": "小红",
        "birth_date": (factories.today() - datetime.timedelta(days=365 * 10)).isoformat(), "risk": "low"})
    assert response.status_code == 200
    assert "未成年人须登记监护人" in response.content.decode()


def test_managers_reach_who_opened_a_file(people, net, login):
    wang = factories.resident("王大爷", station=net.station_a, community=net.community_a1)
    login(people["worker"]).get(f"/people/{wang.pk}/")
    client = login(people["head"])
    page = client.get(f"/people/{wang.pk}/").content.decode()
    assert f"object_type=people.resident&amp;object_id={wang.pk}" in page
    audit = client.get(f"/audit/?object_type=people.resident&object_id={wang.pk}").content.decode()
    assert "t_shegong" in audit and "查看个人信息" in audit


def test_a_long_number_that_is_neither_phone_nor_id_finds_nobody(people, net):
    factories.resident("王大爷", station=net.station_a, community=net.community_a1, mobile="13910000001")
    qs = selectors.resident_list(user=people["worker"])
    assert not selectors.search(qs, "2391000000123").exists()
