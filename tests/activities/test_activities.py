"""Community activities: seats never overbooked, the waiting list promoted in order, QR
sign-in bound to its activity, counts from sign-ins, public pages without personal data."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.http import Http404
from django.utils import timezone

from tests.people.factories import mobile
from wushe.activities import selectors, services
from wushe.activities.models import Activity, Registration
from wushe.core.models import Room, RoomBooking
from wushe.core.pii import plaintext

pytestmark = pytest.mark.django_db


def _activity(net, people, *, capacity=2, starts_in=datetime.timedelta(days=2), **extra):
    start = timezone.now() + starts_in
    data = {"title": "重阳节敬老游园会", "category": "health", "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=2), "capacity": capacity, "place": "社区广场", **extra}
    return services.activity_save(actor=people["worker"], station=net.station_a, data=data)


def test_seats_fill_then_the_waiting_list_is_promoted_in_order(net, people):
    activity = _activity(net, people)
    a, b, c, d = (services.register(activity=activity, name=n, mobile=mobile()) for n in "甲乙丙丁")
    assert [r.status for r in (a, b, c, d)] == ["confirmed", "confirmed", "waiting", "waiting"]
    with pytest.raises(ValidationError, match="已经报名"):
        services.register(activity=activity, name="甲", mobile=plaintext(a.mobile))
    promoted = services.registration_cancel(registration=a)
    assert promoted == c and Registration.objects.get(pk=c.pk).status == "confirmed"
    assert Registration.objects.get(pk=d.pk).status == "waiting"
    assert services.registration_cancel(registration=d) is None  # a waiting one frees no seat
    assert selectors.seats_left(activity) == 0


def test_approval_keeps_public_sign_ups_pending(net, people):
    activity = _activity(net, people, needs_approval=True, capacity=1)
    pending = services.register(activity=activity, name="甲", mobile=mobile())
    assert pending.status == "pending"
    assert services.register(activity=activity, name="乙", mobile=mobile(), actor=people["worker"]).status == \
        "confirmed"  # staff registering someone needs no approval
    services.registration_approve(actor=people["worker"], registration=pending)
    assert Registration.objects.get(pk=pending.pk).status == "waiting"  # approved, but the seat is taken


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_never_exceed_the_seats(net, people):
    activity = _activity(net, people, capacity=3)
    numbers = [mobile() for _ in range(12)]
    errors = []

    def sign_up(number):
        # The test database is SQLite in shared memory, where a busy table answers "locked" at
        # once instead of waiting: such a sign-up is tried again, as a person would.
        try:
            for _attempt in range(200):
                try:
                    services.register(activity=Activity.objects.get(pk=activity.pk), name="居民", mobile=number)
                    return
                except OperationalError as exc:
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
            errors.append("gave up")
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            errors.append(repr(exc))
        finally:
            connection.close()  # each thread's own connection, or the test database cannot be dropped

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in numbers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = list(activity.registrations.values_list("status", flat=True))
    assert errors == []
    assert sorted(statuses) == ["confirmed"] * 3 + ["waiting"] * 9


def test_the_qr_sign_in_belongs_to_one_activity_and_counts_once(net, people, client):
    activity = _activity(net, people, starts_in=datetime.timedelta(minutes=30))
    other = _activity(net, people, title="另一场活动", starts_in=datetime.timedelta(minutes=30))
    registered = services.register(activity=activity, name="甲", mobile=mobile())
    assert activity.token != other.token and len(activity.token) >= 20
    url = f"/p/a/{activity.token}/"
    assert 'value="signup"' in client.get(url).content.decode()
    response = client.post(url, {"form": "signin", "name": "甲", "mobile": plaintext(registered.mobile)})
    assert "签到成功" in response.content.decode()
    # Who has just signed in is answered without the sign-up form; the next person can still sign in.
    assert 'value="signup"' not in response.content.decode() and 'value="signin"' in response.content.decode()
    assert 'name="name" value=""' in response.content.decode()
    again = client.post(url, {"form": "signin", "name": "甲", "mobile": plaintext(registered.mobile)})
    assert "已经签到过了" in again.content.decode()
    client.post(url, {"form": "signin", "name": "路过的", "mobile": mobile()})  # a walk-in
    assert activity.sign_ins.count() == 2 and activity.sign_ins.filter(walk_in=True).count() == 1
    assert activity.sign_ins.get(walk_in=False).registration == registered
    assert not other.sign_ins.exists()
    assert client.get(f"/p/a/{activity.token[:-1]}x/").status_code == 404  # a guessed code opens nothing
    totals = selectors.activity_totals(Activity.objects.filter(pk__in=[activity.pk, other.pk]))
    assert (totals["people"], totals["attendances"]) == (2, 2)


def test_sign_in_is_open_only_around_the_activity(net, people):
    activity = _activity(net, people, starts_in=datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="签到时间"):
        services.sign_in(activity=activity, name="甲", mobile=mobile())
    record, created = services.sign_in(activity=activity, name="甲", mobile=mobile(), actor=people["worker"])
    assert created and record.by == people["worker"]  # staff may check someone in at any time


def test_the_public_page_shows_no_personal_data_and_asks_a_question(net, people, client):
    activity = _activity(net, people)
    someone = services.register(activity=activity, name="王秀英", mobile=mobile())
    page = client.get(f"/p/a/{activity.token}/").content.decode()
    assert "重阳节敬老游园会" in page and "王秀英" not in page and someone.mobile_masked not in page
    assert "剩余 1 个名额" in page
    assert "<script" not in page  # a phone page: no scripts
    wrong = client.post(f"/p/a/{activity.token}/", {"form": "signup", "name": "李四", "mobile": mobile(),
                                                     "consent": "on", "answer": "999", "challenge": "forged"})
    assert "验证答案不正确" in wrong.content.decode() and activity.registrations.count() == 1
    from django.core import signing

    right = client.post(f"/p/a/{activity.token}/", {"form": "signup", "name": "李四", "mobile": mobile(),
                                                     "consent": "on", "answer": "7",
                                                     "challenge": signing.dumps(7, salt="public-form-question")})
    assert "报名成功" in right.content.decode() and activity.registrations.count() == 2
    assert "名额已满，可报名候补" in right.content.decode()  # the seat just taken shows on the answer
    Activity.objects.filter(pk=activity.pk).update(public=False)
    assert client.get(f"/p/a/{activity.token}/").status_code == 404


def test_a_room_is_booked_and_indirect_reach_needs_its_basis(net, people):
    room = Room.objects.create(station=net.station_a, name="多功能厅", kind=Room.Kind.ACTIVITY)
    activity = _activity(net, people, room=room, place="")
    assert RoomBooking.objects.get(room=room).purpose == "重阳节敬老游园会"
    with pytest.raises(ValidationError, match="已被预约"):
        _activity(net, people, room=room, place="", title="撞车的活动")
    with pytest.raises(ValidationError, match="估算依据"):
        services.activity_close(actor=people["worker"], activity=activity, summary="顺利", indirect_reach=100,
                                indirect_basis="")
    services.activity_close(actor=people["worker"], activity=activity, summary="顺利", indirect_reach=100,
                            indirect_basis="参与者家庭平均3人")
    assert selectors.activity_totals(Activity.objects.all())["indirect"] == 100


def test_staff_pages_keep_to_the_scope(net, people, login):
    activity = _activity(net, people)
    client = login(people["worker"])
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert "<svg" in page and activity.token in page
    client.post(f"/activities/{activity.pk}/register/", {"name": "张三", "mobile": mobile()})
    assert activity.registrations.count() == 1
    assert login(people["worker_b"]).get(f"/activities/{activity.pk}/").status_code == 404
    with pytest.raises(Http404):
        services.register(activity=activity, name="x", mobile=mobile(), actor=people["worker_b"])


def test_the_api_lists_activities_in_scope_with_masked_numbers(net, people, client):
    from wushe.accounts.services import api_token_issue

    activity = _activity(net, people)
    number = mobile()
    services.register(activity=activity, name="张三", mobile=number, actor=people["worker"])
    token, _obj = api_token_issue(user=people["worker"])
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/activities", headers=headers).json()
    assert listed["count"] == 1 and listed["items"][0]["registered"] == 1
    regs = client.get(f"/api/v1/activities/{activity.pk}/registrations", headers=headers).json()
    assert regs["items"][0]["mobile_masked"] == number[:3] + "****" + number[-4:]
    assert number not in str(regs)
    other, _obj = api_token_issue(user=people["worker_b"])
    assert client.get(f"/api/v1/activities/{activity.pk}", headers={"Authorization": f"Bearer {other}"}
                      ).status_code == 404


def test_the_station_page_lists_its_public_activities_and_cannot_be_guessed(net, people, client, login):
    shown = _activity(net, people)
    hidden = _activity(net, people, title="内部培训", public=False)
    key = selectors.station_page_key(net.station_a)
    page = client.get(f"/p/s/{key}/").content.decode()
    assert net.station_a.name in page and shown.title in page and hidden.title not in page
    assert f"/p/a/{shown.token}/" in page
    other_key = key.replace(str(net.station_a.pk), str(net.station_b.pk), 1)
    assert client.get(f"/p/s/{other_key}/").status_code == 404  # a changed id breaks the signature
    assert client.get(f"/p/s/{net.station_a.pk}/").status_code == 404
    qr = login(people["worker"]).get(f"/activities/stations/{net.station_a.pk}/qr/")
    assert qr.status_code == 200 and key in qr.content.decode()


def test_needs_taken_up_by_an_activity_are_met_when_it_closes(net, people, login):
    from tests.people import factories as people_factories
    from wushe.people import services as people_services
    from wushe.people.models import Need

    resident = people_factories.resident("孙阿姨", station=net.station_a, community=net.community_a1,
                                         actor=people["worker"])
    need = people_services.need_create(actor=people["worker"], data={
        "resident": resident, "category": "comfort", "description": "独居，想多和人说说话", "source": "visit"})
    other = people_services.need_create(actor=people["worker"], data={
        "resident": resident, "category": "care", "description": "助餐", "source": "visit"})
    activity = _activity(net, people)
    client = login(people["worker"])
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert "独居，想多和人说说话" in page  # offered to take up
    client.post(f"/activities/{activity.pk}/needs/", {"need": need.pk, "action": "link"})
    client.post(f"/activities/{activity.pk}/needs/", {"need": other.pk, "action": "link"})
    assert Need.objects.get(pk=need.pk).status == "in_service"
    with pytest.raises(ValidationError, match="只能选择"):
        services.activity_close(actor=people["worker"], activity=activity, summary="顺利", indirect_reach=0,
                                indirect_basis="", needs_met=[people_services.need_create(
                                    actor=people["worker"], data={"resident": resident, "category": "legal",
                                                                  "description": "咨询", "source": "visit"})])
    client.post(f"/activities/{activity.pk}/close/", {"summary": "老人们很开心", "indirect_reach": "0",
                                                       "needs_met": [need.pk]})
    need.refresh_from_db()
    assert need.status == "met" and "社区活动" in need.close_reason and activity.title in need.close_reason
    assert Need.objects.get(pk=other.pk).status == "in_service"  # not ticked: still in service
    assert login(people["worker_b"]).post(f"/activities/{activity.pk}/needs/", {"need": other.pk}).status_code == 404


def test_only_those_who_signed_in_give_feedback_once(net, people, client, login):
    from django.core import signing

    from wushe.activities.models import Feedback

    activity = _activity(net, people, starts_in=-datetime.timedelta(minutes=30))
    number = mobile()
    services.sign_in(activity=activity, name="甲", mobile=number, actor=people["worker"])
    answer = {"answer": "7", "challenge": signing.dumps(7, salt="public-form-question")}
    stranger = client.post(f"/p/a/{activity.token}/", {"form": "feedback", "mobile": mobile(), "rating": "5",
                                                        **answer}).content.decode()
    assert "只有签到参加" in stranger and not Feedback.objects.exists()
    done = client.post(f"/p/a/{activity.token}/", {"form": "feedback", "mobile": number, "rating": "4",
                                                    "comment": "希望多办几次", **answer}).content.decode()
    assert "感谢您的反馈" in done
    again = client.post(f"/p/a/{activity.token}/", {"form": "feedback", "mobile": number, "rating": "1",
                                                     **answer}).content.decode()
    assert "已经反馈过" in again and Feedback.objects.get().rating == 4
    assert selectors.feedback_summary(activity) == {"count": 1, "average": 4.0, "satisfied": 100}
    assert "希望多办几次" in login(people["worker"]).get(f"/activities/{activity.pk}/").content.decode()
    assert "希望多办几次" not in client.get(f"/p/a/{activity.token}/").content.decode()  # not shown publicly


def test_each_community_has_its_own_code_opening_the_station_page_for_it(net, people, client, login):
    key = selectors.station_page_key(net.station_a)
    qr = login(people["worker"]).get(f"/activities/stations/{net.station_a.pk}/qr/").content.decode()
    assert f"?c={net.community_a1.code}" in qr and net.community_a1.short_name in qr
    page = client.get(f"/p/s/{key}/?c={net.community_a1.code}").content.decode()
    assert net.community_a1.short_name in page and f"?community={net.community_a1.code}" in page
    request_form = client.get(f"/p/s/{key}/request/?community={net.community_a1.code}").content.decode()
    assert f'value="{net.community_a1.code}" selected' in request_form
    elsewhere = client.get(f"/p/s/{key}/?c={net.community_b1.code}").content.decode()  # not this station's
    assert net.community_b1.short_name not in elsewhere
