"""Stations and rooms: the services (scope, validation, audit) and the pages that use them."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from openpyxl import load_workbook

from tests.factories import division, station
from wushe.core import services
from wushe.core.divisions import Level
from wushe.core.models import Agency, AuditEntry, Division, Room, Station

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DAY = datetime.date(2026, 3, 1)


def audits(action, **filters):
    return AuditEntry.objects.filter(action=action, **filters)


def room_data(community, **extra):
    return {"name": "滨湖社工室", "tier": Station.Tier.ROOM, "division": community,
            "status": Station.Status.ACTIVE, **extra}


def alerts(response) -> list[str]:
    """The text of the flash messages on a page."""
    html = response.content.decode()
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'role="alert">(.*?)<button', html, re.S)]


# --- station_create -------------------------------------------------------------------------


def test_create_station(net, people):
    s = services.station_create(actor=people["street"], data=room_data(net.community_a2, address="滨湖路 1 号"))
    assert (s.division_id, s.tier, s.status, s.address) == ("340104005002", "room", "active", "滨湖路 1 号")
    entry = audits(AuditEntry.Action.CREATED, object_id=str(s.pk)).get()
    assert entry.actor == people["street"]
    assert entry.division_code == "340104005002"
    assert entry.object_type == "core.station"


def test_create_outside_scope_is_404(net, people):
    with pytest.raises(Http404):
        services.station_create(actor=people["street"], data=room_data(net.community_b1))
    with pytest.raises(Http404):  # 站长 edits stations but does not create them
        services.station_create(actor=people["head"], data=room_data(net.community_a2))
    assert not Station.objects.filter(name="滨湖社工室").exists()
    assert not audits(AuditEntry.Action.CREATED).exists()


@pytest.mark.parametrize(("tier", "where"), [
    (Station.Tier.ROOM, "street_a"),  # a 社工室 at a street
    (Station.Tier.STATION, "community_a2"),  # a 社工站 at a community
    (Station.Tier.CENTER, "street_a"),  # a 指导中心 at a street
])
def test_create_tier_must_match_division_level(net, people, tier, where):
    with pytest.raises(ValidationError) as exc:
        services.station_create(actor=people["civil"], data=room_data(getattr(net, where), tier=tier))
    assert set(exc.value.message_dict) == {"division"}
    assert "必须设在" in exc.value.message_dict["division"][0]


def test_create_second_open_station_of_a_tier_is_refused(net, people):
    with pytest.raises(ValidationError) as exc:
        services.station_create(actor=people["street"], data=room_data(net.community_a1, name="又一个社工室"))
    assert "该区划已有同一层级的站点（未撤销）。" in exc.value.messages
    assert Station.objects.filter(division=net.community_a1).count() == 1


def test_create_after_the_old_station_was_closed(net, people):
    services.station_close(actor=people["street"], station=net.room_a1, closed_on=DAY, reason="迁址")
    s = services.station_create(actor=people["street"], data=room_data(net.community_a1, name="新社工室"))
    assert s.status == Station.Status.ACTIVE


def test_create_closed_is_refused(net, people):
    with pytest.raises(ValidationError) as exc:
        services.station_create(actor=people["street"], data=room_data(net.community_a2, status="closed"))
    assert set(exc.value.message_dict) == {"status"}


# --- station_update -------------------------------------------------------------------------


def test_update_station_audits_what_changed(net, people):
    agency = Agency.objects.create(name="合肥市蜀山区社工服务中心")
    data = {"name": "西园街道社工站", "agency": agency, "contact_phone": "0551-65550000"}
    services.station_update(actor=people["head"], station=net.station_a, data=data)
    net.station_a.refresh_from_db()
    assert (net.station_a.name, net.station_a.agency) == ("西园街道社工站", agency)
    entry = audits(AuditEntry.Action.CHANGED, object_id=str(net.station_a.pk)).get()
    assert entry.detail["name"] == ["西园街道社会工作服务站", "西园街道社工站"]
    assert entry.detail["agency"] == ["", "合肥市蜀山区社工服务中心"]
    assert set(entry.detail) == {"name", "agency", "contact_phone"}


def test_update_without_change_writes_no_audit(net, people):
    services.station_update(actor=people["head"], station=net.station_a, data={"name": net.station_a.name})
    assert not audits(AuditEntry.Action.CHANGED).exists()


@pytest.mark.parametrize("who", ["worker", "worker_b", "org_lead"])
def test_update_without_edit_right_is_404(net, people, who):
    with pytest.raises(Http404):
        services.station_update(actor=people[who], station=net.station_a, data={"name": "x"})
    net.station_a.refresh_from_db()
    assert net.station_a.name == "西园街道社会工作服务站"


def test_update_cannot_move_a_station_out_of_scope(net, people):
    with pytest.raises(Http404):
        services.station_update(actor=people["street"], station=net.room_a1, data={"division": net.community_b1})
    with pytest.raises(Http404):  # a 站长 may not move stations at all
        services.station_update(actor=people["head"], station=net.room_a1, data={"division": net.community_a2})
    assert Station.objects.get(pk=net.room_a1.pk).division_id == "340104005001"


def test_update_may_move_inside_scope(net, people):
    services.station_update(actor=people["street"], station=net.room_a1, data={"division": net.community_a2})
    assert Station.objects.get(pk=net.room_a1.pk).division_id == "340104005002"


def test_update_cannot_close(net, people):
    with pytest.raises(ValidationError) as exc:
        services.station_update(actor=people["street"], station=net.station_a, data={"status": "closed"})
    assert set(exc.value.message_dict) == {"status"}
    assert Station.objects.get(pk=net.station_a.pk).status == Station.Status.ACTIVE


def test_update_tier_mismatch(net, people):
    with pytest.raises(ValidationError) as exc:
        services.station_update(actor=people["street"], station=net.station_a, data={"tier": "room"})
    assert set(exc.value.message_dict) == {"division"}


# --- station_close / station_reopen -------------------------------------------------------------


def test_close_station(net, people):
    services.station_close(actor=people["street"], station=net.room_a1, closed_on=DAY, reason="  社区合并  ")
    s = Station.objects.get(pk=net.room_a1.pk)
    assert (s.status, s.closed_on, s.closed_reason) == ("closed", DAY, "社区合并")
    entry = audits(AuditEntry.Action.CLOSED, object_id=str(s.pk)).get()
    assert entry.detail == {"closed_on": "2026-03-01", "reason": "社区合并"}
    assert entry.division_code == "340104005001"


def test_close_needs_a_reason(net, people):
    with pytest.raises(ValidationError) as exc:
        services.station_close(actor=people["street"], station=net.room_a1, closed_on=DAY, reason="  ")
    assert set(exc.value.message_dict) == {"closed_reason"}
    assert Station.objects.get(pk=net.room_a1.pk).status == Station.Status.ACTIVE


def test_close_not_before_opening(net, people):
    Station.objects.filter(pk=net.room_a1.pk).update(opened_on=DAY)
    s = Station.objects.get(pk=net.room_a1.pk)
    with pytest.raises(ValidationError) as exc:
        services.station_close(actor=people["street"], station=s, closed_on=DAY - datetime.timedelta(days=1),
                               reason="迁址")
    assert exc.value.message_dict == {"closed_on": ["撤销日期不能早于启用日期。"]}
    services.station_close(actor=people["street"], station=s, closed_on=DAY, reason="迁址")  # same day is fine
    assert not audits(AuditEntry.Action.CLOSED).exclude(object_id=str(s.pk)).exists()


def test_close_twice_is_refused(net, people):
    services.station_close(actor=people["street"], station=net.room_a1, closed_on=DAY, reason="迁址")
    with pytest.raises(ValidationError):
        services.station_close(actor=people["street"], station=net.room_a1, closed_on=DAY, reason="迁址")
    assert audits(AuditEntry.Action.CLOSED).count() == 1


@pytest.mark.parametrize("who", ["head", "worker", "worker_b"])
def test_close_without_create_right_is_404(net, people, who):
    with pytest.raises(Http404):
        services.station_close(actor=people[who], station=net.station_a, closed_on=DAY, reason="x")


def test_reopen(net, people):
    services.station_close(actor=people["street"], station=net.room_a1, closed_on=DAY, reason="迁址")
    s = services.station_reopen(actor=people["street"], station=Station.objects.get(pk=net.room_a1.pk))
    s.refresh_from_db()
    assert (s.status, s.closed_on, s.closed_reason) == ("active", None, "")
    assert audits(AuditEntry.Action.CHANGED, object_id=str(s.pk), detail__status="reopened").exists()


def test_reopen_refused_when_the_division_has_a_new_station(net, people):
    services.station_close(actor=people["street"], station=net.room_a1, closed_on=DAY, reason="迁址")
    station(net.community_a1, name="新社工室")
    with pytest.raises(ValidationError):
        services.station_reopen(actor=people["street"], station=Station.objects.get(pk=net.room_a1.pk))
    assert Station.objects.get(pk=net.room_a1.pk).status == Station.Status.CLOSED


@pytest.mark.parametrize("status", [Station.Status.SUSPENDED, Station.Status.PREPARING, Station.Status.ACTIVE])
def test_reopen_only_undoes_a_closure(net, people, status):
    # Regression: reopen used to turn a suspended or preparing station into an active one.
    Station.objects.filter(pk=net.room_a1.pk).update(status=status)
    with pytest.raises(ValidationError):
        services.station_reopen(actor=people["street"], station=Station.objects.get(pk=net.room_a1.pk))
    assert Station.objects.get(pk=net.room_a1.pk).status == status
    assert not audits(AuditEntry.Action.CHANGED).exists()


def test_reopen_page_on_a_suspended_station_changes_nothing(net, people, login):
    Station.objects.filter(pk=net.room_a1.pk).update(status=Station.Status.SUSPENDED)
    client = login(people["street"])
    url = f"/stations/{net.room_a1.pk}/"
    assert client.post(url + "reopen/").status_code == 302
    assert alerts(client.get(url)) == ["只有已撤销的站点可以恢复。"]
    assert Station.objects.get(pk=net.room_a1.pk).status == Station.Status.SUSPENDED


# --- room_save -----------------------------------------------------------------------------------


def test_room_save_creates_and_updates(net, people):
    room = services.room_save(actor=people["head"], station=net.station_a,
                              data={"name": "小组活动室", "kind": Room.Kind.GROUP, "capacity": 20})
    assert (room.station, room.capacity) == (net.station_a, 20)
    services.room_save(actor=people["head"], station=net.station_a, room=room,
                       data={"name": "小组活动室", "kind": Room.Kind.GROUP, "capacity": 25})
    assert Room.objects.get(pk=room.pk).capacity == 25
    assert audits(AuditEntry.Action.CREATED, object_type="core.room", division_code="340104005000").count() == 1
    assert audits(AuditEntry.Action.CHANGED, object_type="core.room").count() == 1


def test_room_names_unique_within_a_station(net, people):
    with pytest.raises(ValidationError) as exc:
        services.room_save(actor=people["head"], station=net.station_a,
                           data={"name": "个案工作室", "kind": Room.Kind.CASEWORK})
    assert exc.value.messages == ["本站点已有同名功能室。"]
    assert net.station_a.rooms.count() == 1
    # The same name at another station is fine.
    services.room_save(actor=people["street"], station=net.room_a1,
                       data={"name": "个案工作室", "kind": Room.Kind.CASEWORK})


def test_room_rename_onto_existing_name_is_refused(net, people):
    room = services.room_save(actor=people["head"], station=net.station_a,
                              data={"name": "议事室", "kind": Room.Kind.MEETING})
    with pytest.raises(ValidationError):
        services.room_save(actor=people["head"], station=net.station_a, room=room,
                           data={"name": "个案工作室"})
    assert Room.objects.get(pk=room.pk).name == "议事室"


@pytest.mark.parametrize("who", ["worker", "worker_b", "supervisor"])
def test_room_save_without_edit_right_is_404(net, people, who):
    with pytest.raises(Http404):
        services.room_save(actor=people[who], station=net.station_a, data={"name": "x", "kind": "other"})


# --- list page ---------------------------------------------------------------------------------


def test_list_shows_stations_in_scope(net, people, login):
    response = login(people["street"]).get("/stations/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "共 2 个站点" in html
    assert "西园街道社会工作服务站" in html and "西园新村社工室" in html
    assert "三里庵" not in html and "亳州路" not in html


@pytest.mark.parametrize(("query", "expected"), [
    ("q=社工室", {"西园新村社工室"}),
    ("q=三里庵", {"三里庵街道社会工作服务站"}),
    ("q=西园新村社区", {"西园新村社工室"}),  # by division name
    ("tier=center", {"蜀山区社会工作指导中心"}),
    ("status=suspended", {"三里庵街道社会工作服务站"}),
    ("under=340104005", {"西园街道社会工作服务站", "西园新村社工室"}),
    ("under=340103", set()),  # outside the civil servant's scope
])
def test_list_search_and_filters(net, people, login, query, expected):
    Station.objects.filter(pk=net.station_b.pk).update(status=Station.Status.SUSPENDED)
    html = login(people["civil"]).get(f"/stations/?{query}").content.decode()
    all_names = set(Station.objects.values_list("name", flat=True))
    assert {n for n in all_names if f">{n}</a>" in html} == expected
    assert f"共 {len(expected)} 个站点" in html


def test_list_search_by_agency(net, people, login):
    agency = Agency.objects.create(name="阳光社工")
    Station.objects.filter(pk=net.station_b.pk).update(agency=agency)
    html = login(people["civil"]).get("/stations/?q=阳光").content.decode()
    assert "共 1 个站点" in html and "三里庵街道社会工作服务站" in html


@pytest.fixture
def many_rooms(net):
    """30 more communities in 西园, each with a 社工室."""
    Division.objects.bulk_create(
        Division(code=f"340104005{n:03d}", name=f"第{n}社区居委会", level=Level.VILLAGE, parent=net.street_a,
                 kind=Division.Kind.URBAN) for n in range(100, 130))
    Station.objects.bulk_create(
        Station(name=f"第{n}社工室", tier=Station.Tier.ROOM, division_id=f"340104005{n:03d}")
        for n in range(100, 130))


def test_list_pagination(many_rooms, people, login):
    client = login(people["street"])
    first = client.get("/stations/").content.decode()
    second = client.get("/stations/?page=2").content.decode()
    assert "共 32 个站点" in first
    rows = lambda html: len(re.findall(r'href="/stations/\d+/"', html))  # noqa: E731
    assert (rows(first), rows(second)) == (25, 7)
    assert rows(client.get("/stations/?page=9").content.decode()) == 7  # past the end: the last page


def test_list_htmx_returns_the_results_fragment_only(net, people, login):
    response = login(people["civil"]).get("/stations/?tier=room", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<nav" not in html and "<form" not in html
    assert "共 1 个站点" in html
    assert "西园新村社工室" in html
    full = login(people["civil"]).get("/stations/?tier=room").content.decode()
    assert "<html" in full and "共 1 个站点" in full


def test_list_needs_network_view(net, people, login):
    assert login(people["auditor"]).get("/stations/").status_code == 403


# --- export ---------------------------------------------------------------------------------------


def read_xlsx(response):
    wb = load_workbook(io.BytesIO(response.getvalue()), read_only=True)
    return wb.sheetnames, [list(r) for r in wb.active.iter_rows(values_only=True)]


def test_export_xlsx(net, people, login):
    response = login(people["street"]).get("/stations/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert "%E7%AB%99%E7%82%B9%E5%90%8D%E5%BD%95" in response["Content-Disposition"]  # 站点名录
    sheets, rows = read_xlsx(response)
    assert sheets == ["站点名录"]
    assert rows[0] == ["名称", "层级", "区划代码", "所在区划", "地址", "运营机构", "启用日期", "联系人",
                       "联系电话", "状态"]
    assert [(r[0], r[1], r[2], r[9]) for r in rows[1:]] == [
        ("西园街道社会工作服务站", "街道/乡镇社工站", "340104005000", "运营中"),
        ("西园新村社工室", "社区/村社工室", "340104005001", "运营中"),
    ]
    entry = audits(AuditEntry.Action.EXPORTED).get()
    assert entry.actor == people["street"]
    assert entry.object_type == "core.station"
    assert entry.detail == {"query": "export=xlsx", "rows": 2}


def test_export_follows_the_filters(net, people, login):
    response = login(people["civil"]).get("/stations/?tier=room&export=xlsx")
    _sheets, rows = read_xlsx(response)
    assert [r[0] for r in rows[1:]] == ["西园新村社工室"]
    assert audits(AuditEntry.Action.EXPORTED).get().detail["rows"] == 1


@pytest.mark.parametrize(("who", "expected"), [
    ("worker_b", ["三里庵街道社会工作服务站"]),
    ("worker_other", ["亳州路街道社会工作服务站"]),
    ("org_lead", ["西园新村社工室"]),
])
def test_export_only_in_scope_rows(net, people, login, who, expected):
    _sheets, rows = read_xlsx(login(people[who]).get("/stations/?export=xlsx&under=34"))
    assert [r[0] for r in rows[1:]] == expected


# --- forms through POST -----------------------------------------------------------------------------


def station_post(**extra):
    return {"name": "滨湖社工室", "tier": "room", "division": "340104005002", "address": "", "opened_on": "",
            "agency": "", "contact_name": "", "contact_phone": "", "status": "active", **extra}


def test_create_page(net, people, login):
    client = login(people["street"])
    form = client.get("/stations/new/?division=340104005002")
    assert form.status_code == 200
    assert 'value="340104005002"' in form.content.decode()
    response = client.post("/stations/new/", station_post(opened_on="2026-01-15"))
    created = Station.objects.get(name="滨湖社工室")
    assert response.status_code == 302 and response["Location"] == f"/stations/{created.pk}/"
    assert created.opened_on == datetime.date(2026, 1, 15)
    page = client.get(response["Location"])
    assert "站点“滨湖社工室”已创建。" in alerts(page)


def test_create_accepts_the_short_code(net, people, login):
    division("340104010", "笔架山街道", Level.TOWN, "urban")
    response = login(people["civil"]).post("/stations/new/", station_post(
        tier="station", division="340104010", name="笔架山街道社工站"))
    assert response.status_code == 302
    assert Station.objects.get(name="笔架山街道社工站").division_id == "340104010000"


@pytest.mark.parametrize(("data", "message"), [
    ({"division": "999"}, "区划代码“999”不存在。"),
    ({"division": "abc"}, "区划代码“abc”不存在。"),
    ({"name": ""}, "这个字段是必填项。"),
    ({"tier": "station"}, "街道/乡镇社工站 必须设在“乡镇街道”级区划。"),
    ({"division": "340104005001", "name": "重复社工室"}, "该区划已有同一层级的站点（未撤销）。"),
    ({"status": "closed"}, "选择一个有效的选项。"),
])
def test_create_page_errors_in_chinese(net, people, login, data, message):
    response = login(people["street"]).post("/stations/new/", station_post(**data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Station.objects.count() == 5


def test_create_page_out_of_scope_division_is_404(net, people, login):
    response = login(people["street"]).post("/stations/new/", station_post(division="340104001001"))
    assert response.status_code == 404
    assert not Station.objects.filter(name="滨湖社工室").exists()


def test_create_page_needs_create_right(net, people, login):
    assert login(people["head"]).get("/stations/new/").status_code == 403


def test_edit_page(net, people, login):
    client = login(people["head"])
    form = client.get(f"/stations/{net.station_a.pk}/edit/")
    assert form.status_code == 200
    assert 'value="340104005000"' in form.content.decode()
    data = station_post(name="西园街道社工站", tier="station", division="340104005000", address="西园路 8 号")
    response = client.post(f"/stations/{net.station_a.pk}/edit/", data)
    assert response.status_code == 302
    s = Station.objects.get(pk=net.station_a.pk)
    assert (s.name, s.address) == ("西园街道社工站", "西园路 8 号")
    assert "站点信息已保存。" in alerts(client.get(response["Location"]))
    assert audits(AuditEntry.Action.CHANGED, object_id=str(s.pk)).exists()


def test_edit_page_errors_in_chinese(net, people, login):
    response = login(people["head"]).post(
        f"/stations/{net.station_a.pk}/edit/", station_post(tier="room", division="340104005000"))
    assert response.status_code == 200
    assert "社区/村社工室 必须设在“村/社区”级区划。" in response.content.decode()
    assert Station.objects.get(pk=net.station_a.pk).tier == "station"


def test_edit_page_head_cannot_move_the_station(net, people, login):
    response = login(people["head"]).post(
        f"/stations/{net.room_a1.pk}/edit/", station_post(name="西园新村社工室", division="340104005002"))
    assert response.status_code == 404
    assert Station.objects.get(pk=net.room_a1.pk).division_id == "340104005001"


def test_close_and_reopen_pages(net, people, login):
    client = login(people["street"])
    url = f"/stations/{net.room_a1.pk}/"
    response = client.post(url + "close/", {"closed_on": "2026-03-01", "reason": "社区合并"})
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url)
    assert any("站点已撤销" in a for a in alerts(page))
    assert "社区合并" in page.content.decode() and "恢复站点" in page.content.decode()
    assert Station.objects.get(pk=net.room_a1.pk).status == "closed"
    response = client.post(url + "reopen/")
    assert response.status_code == 302
    assert "站点已恢复运营。" in alerts(client.get(url))
    assert Station.objects.get(pk=net.room_a1.pk).status == "active"


def test_close_page_reports_errors(net, people, login):
    Station.objects.filter(pk=net.room_a1.pk).update(opened_on=DAY)
    client = login(people["street"])
    url = f"/stations/{net.room_a1.pk}/"
    client.post(url + "close/", {"closed_on": "2026-02-28", "reason": "迁址"})
    assert alerts(client.get(url)) == ["未能撤销：撤销日期不能早于启用日期。"]
    client.post(url + "close/", {"closed_on": "2026-03-01", "reason": ""})
    (message,) = alerts(client.get(url))
    assert message.startswith("未能撤销：") and "这个字段是必填项。" in message
    assert Station.objects.get(pk=net.room_a1.pk).status == "active"


def test_close_page_errors_name_fields_in_chinese(net, people, login):
    # Regression: the message used to read "* closed_on * 这个字段是必填项。* reason …".
    client = login(people["street"])
    url = f"/stations/{net.room_a1.pk}/"
    client.post(url + "close/", {"closed_on": "", "reason": ""})
    (message,) = alerts(client.get(url))
    assert message == "未能撤销：撤销日期：这个字段是必填项。；撤销原因：这个字段是必填项。"


def test_close_page_is_post_only(net, people, login):
    assert login(people["street"]).get(f"/stations/{net.room_a1.pk}/close/").status_code == 405


def test_room_pages(net, people, login):
    client = login(people["head"])
    url = f"/stations/{net.station_a.pk}/"
    assert client.get(url + "rooms/new/").status_code == 200
    response = client.post(url + "rooms/new/", {"name": "心理咨询室", "kind": "counseling", "capacity": "4",
                                                "area_m2": "12.5", "active": "on"})
    assert response.status_code == 302
    room = Room.objects.get(station=net.station_a, name="心理咨询室")
    assert (room.capacity, str(room.area_m2), room.active) == (4, "12.5", True)
    response = client.post(url + f"rooms/{room.pk}/", {"name": "个案工作室", "kind": "counseling"})
    assert response.status_code == 200
    assert "本站点已有同名功能室。" in response.content.decode()
    response = client.post(url + f"rooms/{room.pk}/", {"name": "心理咨询室", "kind": "counseling"})
    assert response.status_code == 302
    assert Room.objects.get(pk=room.pk).active is False
    assert "心理咨询室" in client.get(url).content.decode()


def test_room_page_errors_in_chinese(net, people, login):
    response = login(people["head"]).post(f"/stations/{net.station_a.pk}/rooms/new/",
                                          {"name": "", "kind": "nonsense", "capacity": "-1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "这个字段是必填项。" in html and "选择一个有效的选项。" in html


def test_station_detail_page(net, people, login):
    html = login(people["worker"]).get(f"/stations/{net.station_a.pk}/").content.decode()
    assert "西园街道社会工作服务站" in html and "个案工作室" in html and "t_shegong" in html
    assert "/edit/" not in html and "close-modal" not in html  # a 社工 sees no edit or close buttons
    html = login(people["street"]).get(f"/stations/{net.station_a.pk}/").content.decode()
    assert f"/stations/{net.station_a.pk}/edit/" in html and "close-modal" in html


def test_missing_station_is_404(net, people, login):
    assert login(people["civil"]).get("/stations/999999/").status_code == 404
