"""The 人员类别 list: kept by the 系统管理员 for the whole platform, never deleted, only stopped."""

import pytest
from django.urls import reverse

from tests.people import factories
from wushe.core.models import AuditEntry
from wushe.people.forms import ResidentForm
from wushe.people.models import Resident, Tag

pytestmark = pytest.mark.django_db


def test_the_system_administrator_adds_renames_and_stops_a_category(login, people):
    client = login(people["sysadmin"])
    assert client.get(reverse("people:tags")).status_code == 200
    assert "清单中还没有人员类别" in client.get(reverse("people:tags")).content.decode()

    response = client.post(reverse("people:tag_create"), {"name": "独居老人", "description": "", "sort_order": 3,
                                                          "active": "on"})
    assert response.status_code == 302
    tag = Tag.objects.get(name="独居老人")
    response = client.post(reverse("people:tag_edit", args=[tag.pk]), {"name": "独居高龄老人", "description": "80岁以上",
                                                                        "sort_order": 3})
    assert response.status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.active) == ("独居高龄老人", False)
    page = client.get(reverse("people:tags")).content.decode()
    assert "独居高龄老人" in page and "已停用" in page
    entries = AuditEntry.objects.filter(object_type="people.tag", object_id=str(tag.pk)).order_by("id")
    assert [e.action for e in entries] == [AuditEntry.Action.CREATED, AuditEntry.Action.CHANGED]
    assert entries[1].detail["changed"]["name"] == "独居高龄老人"


def test_a_name_already_on_the_list_is_refused_by_name(login, people):
    Tag.objects.create(name="残疾人")
    client = login(people["sysadmin"])
    response = client.post(reverse("people:tag_create"), {"name": "残疾人", "sort_order": 1, "active": "on"})
    assert response.status_code == 200
    assert "清单中已有这个名称的人员类别" in response.content.decode()
    assert Tag.objects.filter(name="残疾人").count() == 1


@pytest.mark.parametrize("role", ["civil", "street", "head", "worker", "secadmin", "auditor"])
def test_only_the_system_administrator_keeps_the_list(login, people, role):
    tag = Tag.objects.create(name="低保对象")
    client = login(people[role])
    assert client.get(reverse("people:tags")).status_code == 403
    response = client.post(reverse("people:tag_edit", args=[tag.pk]), {"name": "改掉", "sort_order": 1})
    assert response.status_code == 403
    tag.refresh_from_db()
    assert tag.name == "低保对象"


def test_a_stopped_category_is_not_offered_but_stays_on_the_files_that_have_it(net, people):
    stopped, kept = Tag.objects.create(name="刑释人员", active=False), Tag.objects.create(name="老年人")
    resident = Resident.objects.create(station=net.station_a, community=net.community_a1, name="张三",
                                       **factories.consent())
    resident.tags.set([stopped, kept])
    stations, communities = net.station_a.__class__.objects.all(), net.community_a1.__class__.objects.all()

    new = ResidentForm(stations=stations, communities=communities)
    assert list(new.fields["tags"].queryset) == [kept]
    edit = ResidentForm(instance=resident, stations=stations, communities=communities)
    assert set(edit.fields["tags"].queryset) == {stopped, kept}
