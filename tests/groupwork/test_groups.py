"""Group work (MZ/T 095): plan, recruit, sessions in booked rooms, attendance, stages, PDFs."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from pypdf import PdfReader

from tests.factories import user
from tests.people import factories as people_factories
from wushe.accounts.roles import Role
from wushe.core.models import Room, RoomBooking
from wushe.groupwork import selectors, services
from wushe.groupwork.models import Group

pytestmark = pytest.mark.django_db

T = datetime.time
NINE, HALF_TEN = T(9), T(10, 30)


def today():
    return people_factories.today()


@pytest.fixture
def room(net):
    return Room.objects.create(station=net.station_a, name="小组活动室", kind=Room.Kind.GROUP, capacity=20)


@pytest.fixture
def group(net, people, room):
    return services.group_create(actor=people["worker"], station=net.station_a, leaders=[], data={
        "name": "银龄互助支持小组", "kind": "support", "aims": "减轻孤独感，建立互助网络", "target": "社区独居老人",
        "sessions_planned": 6, "capacity": 2, "room": room})


def _session(people, group, day=None, starts=NINE, ends=HALF_TEN, **extra):
    return services.session_plan(actor=people["worker"], group=group, data={
        "held_on": day or today(), "starts": starts, "ends": ends, "room": extra.pop("room", group.room),
        "place": "", "theme": "相识与破冰", "stage": "", **extra})


def test_the_creator_leads_and_only_leaders_or_the_head_run_it(net, people, group):
    assert list(group.leaders.all()) == [people["worker"]]
    assert services.may_lead(people["head"], group)
    assert not services.may_lead(people["supervisor"], group)
    with pytest.raises(PermissionDenied):
        services.member_add(actor=people["supervisor"], group=group,
                            resident=people_factories.resident("张三", station=net.station_a))
    with pytest.raises(Http404):
        selectors.group_get(user=people["worker_b"], pk=group.pk)


def test_recruitment_keeps_to_the_scope_and_the_capacity(net, people, group):
    zhang, li, wang = (people_factories.resident(n, station=net.station_a) for n in ("张三", "李四", "王五"))
    services.member_add(actor=people["worker"], group=group, resident=zhang, data={"pre_score": 12})
    with pytest.raises(ValidationError, match="已是本小组组员"):
        services.member_add(actor=people["worker"], group=group, resident=zhang)
    services.member_add(actor=people["worker"], group=group, resident=li)
    with pytest.raises(ValidationError, match="名额"):
        services.member_add(actor=people["worker"], group=group, resident=wang)
    outsider = people_factories.resident("外站", station=net.station_b)
    Group.objects.filter(pk=group.pk).update(capacity=10)
    with pytest.raises(Http404):
        services.member_add(actor=people["worker"], group=Group.objects.get(pk=group.pk), resident=outsider)


def test_a_booked_room_is_refused_to_an_overlapping_session(net, people, group, room):
    first = _session(people, group)
    assert first.booking.room == room and first.number == 1
    other = services.group_create(actor=people["head"], station=net.station_a, leaders=[], data={
        "name": "亲子成长小组", "kind": "growth", "aims": "亲子沟通", "target": "留守儿童家庭", "room": room})
    with pytest.raises(ValidationError, match="已被预约"):
        _session(people | {"worker": people["head"]}, other, starts=T(10), ends=T(11))
    # Back to back is fine; so is the same time in another room.
    _session(people | {"worker": people["head"]}, other, starts=T(10, 30), ends=T(12))
    hall = Room.objects.create(station=net.station_a, name="多功能厅", kind=Room.Kind.ACTIVITY)
    _session(people | {"worker": people["head"]}, other, starts=T(9), ends=T(10), room=hall)
    assert RoomBooking.objects.filter(room=room).count() == 2
    # Moving a session moves its booking, and does not clash with itself.
    services.session_plan(actor=people["worker"], group=group, session=first, data={"starts": T(8), "ends": T(9, 30)})
    assert RoomBooking.objects.filter(room=room).count() == 2


def test_a_session_ends_after_it_starts_and_needs_a_place(people, group):
    with pytest.raises(ValidationError, match="结束时间"):
        _session(people, group, starts=T(10), ends=T(9))
    with pytest.raises(ValidationError, match="其他地点"):
        _session(people, group, room=None)


def test_attendance_is_recorded_for_held_sessions_only_and_counted(net, people, group):
    zhang, li = (people_factories.resident(n, station=net.station_a) for n in ("张三", "李四"))
    m1 = services.member_add(actor=people["worker"], group=group, resident=zhang)
    m2 = services.member_add(actor=people["worker"], group=group, resident=li)
    later = _session(people, group, day=today() + datetime.timedelta(days=7))
    with pytest.raises(ValidationError, match="尚未举行"):
        services.session_record(actor=people["worker"], session=later, data={"content": "x"}, present=[m1.pk])
    held = _session(people, group, starts=T(14), ends=T(15))
    with pytest.raises(ValidationError, match="活动内容"):
        services.session_record(actor=people["worker"], session=held, data={"content": ""}, present=[m1.pk])
    services.session_record(actor=people["worker"], session=held, data={"content": "破冰游戏，制定小组契约"},
                            present=[m1.pk])
    assert selectors.group_totals(Group.objects.filter(pk=group.pk)) == {"groups": 1, "sessions": 1, "attendances": 1}
    sessions, rows, counts = selectors.attendance_grid(group)
    assert [(m.resident.name, marks) for m, marks in rows] == [("张三", [True]), ("李四", [False])]
    assert m2.pk  # recorded absent, not missing


def test_stages_follow_mz_t_095(net, people, group):
    with pytest.raises(ValidationError, match="招募到组员"):
        services.group_advance(actor=people["worker"], group=group)
    member = services.member_add(actor=people["worker"], group=group,
                                 resident=people_factories.resident("张三", station=net.station_a))
    services.group_advance(actor=people["worker"], group=group)
    assert group.stage == "forming"
    with pytest.raises(ValidationError, match="至少一节"):
        services.group_advance(actor=people["worker"], group=group)
    held = _session(people, group)
    services.session_record(actor=people["worker"], session=held, data={"content": "破冰"}, present=[member.pk])
    for expected in ("transition", "mature", "ending"):
        services.group_advance(actor=people["worker"], group=group)
        assert group.stage == expected
    with pytest.raises(ValidationError, match="总结"):
        services.group_close(actor=people["worker"], group=group, summary="")
    _session(people, group, starts=T(15), ends=T(16))  # held today but not written up
    with pytest.raises(ValidationError, match="第 2 节已举行但未填写记录"):
        services.group_close(actor=people["worker"], group=group, summary="目标达成")
    services.session_record(actor=people["worker"], session=group.sessions.get(number=2),
                            data={"content": "回顾与告别"}, present=[member.pk])
    services.group_close(actor=people["worker"], group=group, summary="组员孤独感量表平均下降4分")
    assert (group.stage, group.closed_on) == ("closed", today())
    with pytest.raises(ValidationError, match="已结束"):
        _session(people, group, starts=T(17), ends=T(18))


def _pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


def test_the_plan_and_session_forms_print_the_records(net, people, group, login):
    member = services.member_add(actor=people["worker"], group=group, data={"pre_assessment": "独居五年，少与人来往"},
                                 resident=people_factories.resident("张三", station=net.station_a))
    held = _session(people, group)
    services.session_record(actor=people["worker"], session=held, present=[member.pk],
                            data={"content": "破冰游戏，制定小组契约", "observations": "组员逐渐放松"})
    client = login(people["worker"])
    plan = _pdf_text(client.get(f"/groups/{group.pk}/plan.pdf")).replace("\n", "")
    assert "小组计划书" in plan and "减轻孤独感，建立互助网络" in plan and "独居五年，少与人来往" in plan
    record = _pdf_text(client.get(f"/groups/{group.pk}/sessions/{held.pk}/record.pdf")).replace("\n", "")
    assert "小组每节记录表" in record and "破冰游戏，制定小组契约" in record and "张三" in record
    for form in ("plan", "session"):
        blank = _pdf_text(client.get(f"/groups/forms/{form}/blank.pdf"))
        assert "带领者签名" in blank and "张三" not in blank


def test_the_pages_take_a_group_from_plan_to_sessions(net, people, login, room):
    client = login(people["worker"])
    helper = user("t_xiezuo", Role.WORKER, station=net.station_a)
    response = client.post("/groups/new/", {
        "station": net.station_a.pk, "name": "手工坊兴趣小组", "kind": "interest", "aims": "以手工促交往",
        "target": "社区老人", "sessions_planned": "4", "capacity": "10", "starts_on": today().isoformat(),
        "room": room.pk, "budget": "800", "leaders": [helper.pk]})
    group = Group.objects.get(name="手工坊兴趣小组")
    assert response.status_code == 302 and set(group.leaders.all()) == {people["worker"], helper}
    zhang = people_factories.resident("张三", station=net.station_a)
    assert "?resident=" in client.get(f"/groups/{group.pk}/members/new/", {"q": "张"}).content.decode()
    client.post(f"/groups/{group.pk}/members/new/", {"resident": zhang.pk, "joined_on": today().isoformat(),
                                                      "pre_score": "10"})
    assert group.members.get().resident == zhang
    client.post(f"/groups/{group.pk}/sessions/new/", {"held_on": today().isoformat(), "starts": "09:00",
                                                       "ends": "10:00", "room": room.pk, "theme": "相识",
                                                       "stage": "forming"})
    session = group.sessions.get()
    clash = client.post(f"/groups/{group.pk}/sessions/new/", {"held_on": today().isoformat(), "starts": "09:30",
                                                               "ends": "10:30", "room": room.pk, "theme": "冲突"})
    assert "已被预约" in clash.content.decode()
    member = group.members.get()
    client.post(f"/groups/{group.pk}/sessions/{session.pk}/record/", {"present": [member.pk], "content": "破冰"})
    page = client.get(f"/groups/{group.pk}/").content.decode()
    assert "已记录" in page and "bi-check-lg" in page
    assert client.get("/groups/").status_code == 200
    assert login(people["worker_b"]).get(f"/groups/{group.pk}/").status_code == 404


def test_a_member_coming_back_respects_the_capacity_and_a_closed_group_is_frozen(net, people, group):
    a, b = (people_factories.resident(n, station=net.station_a) for n in ("张三", "李四"))
    Group.objects.filter(pk=group.pk).update(capacity=1)
    group.refresh_from_db()
    first = services.member_add(actor=people["worker"], group=group, resident=a)
    services.member_update(actor=people["worker"], member=first, data={"left_on": today()})
    services.member_add(actor=people["worker"], group=group, resident=b)
    with pytest.raises(ValidationError, match="名额"):
        services.member_update(actor=people["worker"], member=first, data={"left_on": None})

    held = _session(people, group)
    services.session_record(actor=people["worker"], session=held, data={"content": "破冰"}, present=[])
    with pytest.raises(ValidationError, match="已经记录"):
        services.session_plan(actor=people["worker"], group=group, session=held, data={"held_on": today()})
    later = _session(people, group, day=today() + datetime.timedelta(days=7))
    Group.objects.filter(pk=group.pk).update(stage=Group.Stage.ENDING)
    group.refresh_from_db()
    services.group_close(actor=people["worker"], group=group, summary="结束")
    assert not group.sessions.filter(pk=later.pk).exists()  # the session that will not happen is gone …
    assert not RoomBooking.objects.filter(starts_at__date=later.held_on).exists()  # … with its room
    with pytest.raises(ValidationError, match="已结束"):
        services.session_record(actor=people["worker"], session=held, data={"content": "改"}, present=[])
    with pytest.raises(ValidationError, match="已结束"):
        services.member_update(actor=people["worker"], member=first, data={"post_score": 5})


def test_odd_ids_in_the_address_are_not_a_crash(net, people, login):
    client = login(people["worker"])
    for url in ("/groups/new/?station=²", "/cases/new/?resident=²", "/cases/new/?referral=²",
                "/supervision/new/?station=²"):
        assert client.get(url).status_code == 200, url
    assert client.get("/cases/referrals/new/?case=²").status_code == 404
    assert client.get("/cases/referrals/new/?need=²").status_code == 404
