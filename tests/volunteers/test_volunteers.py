"""Volunteer service: one registration per person platform-wide under a public number, shifts
never overfilled, hours that are actual time and never overwritten, proofs that state what
the national rules ask, a time bank apart from legal hours, public pages without personal data."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.http import Http404
from django.utils import timezone
from pypdf import PdfReader

from tests.people.factories import id_number, mobile, today
from tests.volunteers.factories import past, project, shift, volunteer
from wushe.core.models import AuditEntry
from wushe.core.pii import plaintext
from wushe.volunteers import proof as proof_pdf
from wushe.volunteers import selectors, services
from wushe.volunteers.models import Registration, ServiceHours, Shift, Volunteer

pytestmark = pytest.mark.django_db
CHALLENGE = {"answer": "7", "challenge": signing.dumps(7, salt="public-form-question")}


def test_a_volunteer_gets_a_public_number_and_the_id_number_stays_hidden(net, people):
    v = volunteer(people["worker"], net.station_a)
    assert v.number == f"ZY{v.pk:010d}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM volunteers_volunteer WHERE id = %s", [v.pk])
        stored = cursor.fetchone()[0]
    assert plaintext(v.id_number) not in stored and v.id_number_masked.count("*") == 8
    assert v.birth_date == datetime.date(1990, 5, 1)


def test_one_person_registers_once_and_another_station_learns_nothing(net, people):
    number = id_number(datetime.date(1985, 1, 2))
    v = volunteer(people["worker"], net.station_a, id_number=number)
    with pytest.raises(ValidationError, match=v.number):
        volunteer(people["worker"], net.station_a, id_number=number, name="重复")
    with pytest.raises(ValidationError) as outside:
        volunteer(people["worker_b"], net.station_b, id_number=number, name="重复")
    assert "其他站点" in str(outside.value) and v.number not in str(outside.value) and v.name not in str(outside.value)


@pytest.mark.parametrize(("field", "extra", "message"), [
    ("id_number", {"birth": None}, "未满14周岁"),
    ("consent_on", {"consent_on": None}, "同意"),
    ("mobile", {"mobile": "12345"}, "手机"),
])
def test_registration_names_the_field_in_error(net, people, field, extra, message):
    if extra.get("birth", 1) is None:
        extra = {"birth": today().replace(year=today().year - 10)}
    with pytest.raises(ValidationError) as error:
        volunteer(people["worker"], net.station_a, **extra)
    assert field in error.value.message_dict and message in "".join(error.value.message_dict[field])


def test_the_emergency_contact_is_someone_else(net, people):
    number = mobile()
    with pytest.raises(ValidationError, match="紧急联系人"):
        volunteer(people["worker"], net.station_a, mobile=number, emergency_mobile=number)


def test_shift_places_are_never_overfilled_and_rules_hold(net, people):
    p = project(people["worker"], net.station_a, min_age=18, max_age=60)
    s = shift(people["worker"], p, needed=2)
    a, b, c = (volunteer(people["worker"], net.station_a, name=n) for n in "甲乙丙")
    assert services.shift_sign_up(shift=s, volunteer=a).status == "pending"  # the volunteer's own: to confirm
    assert services.shift_sign_up(shift=s, volunteer=b, actor=people["worker"]).status == "confirmed"
    with pytest.raises(ValidationError, match="满员"):
        services.shift_sign_up(shift=s, volunteer=c)
    with pytest.raises(ValidationError, match="已经报名"):
        services.shift_sign_up(shift=s, volunteer=a, actor=people["worker"])
    with pytest.raises(ValidationError, match="时间冲突"):
        services.shift_sign_up(shift=shift(people["worker"], p, needed=5), volunteer=a)  # same time elsewhere
    old = volunteer(people["worker"], net.station_a, name="老", birth=datetime.date(1950, 1, 1))
    with pytest.raises(ValidationError, match="年龄"):
        services.shift_sign_up(shift=shift(people["worker"], p, starts_in=datetime.timedelta(days=3)), volunteer=old)
    with pytest.raises(Http404):
        services.shift_sign_up(shift=s, volunteer=c, actor=people["worker_b"])


def test_a_risky_project_states_its_insurance(net, people):
    with pytest.raises(ValidationError) as error:
        project(people["worker"], net.station_a, risky=True)
    assert "insurance" in error.value.message_dict
    assert project(people["worker"], net.station_a, risky=True, insurance="意外险 保单 P123").pk


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_never_exceed_the_places(net, people):
    p = project(people["worker"], net.station_a)
    s = shift(people["worker"], p, needed=3)
    crowd = [volunteer(people["worker"], net.station_a, name=f"志愿者{n}") for n in range(10)]
    outcomes, errors = [], []

    def sign_up(v):
        try:
            for _attempt in range(200):
                try:
                    services.shift_sign_up(shift=Shift.objects.get(pk=s.pk), volunteer=v)
                    outcomes.append("in")
                    return
                except OperationalError as exc:  # SQLite in shared memory answers "locked" at once
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
            errors.append("gave up")
        except ValidationError as exc:
            outcomes.append("full" if "满员" in str(exc) else repr(exc))
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(v,)) for v in crowd]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(outcomes) == ["full"] * 7 + ["in"] * 3
    assert s.registrations.count() == 3


def test_qr_check_in_then_out_counts_actual_time_on_the_shift(net, people, client):
    p = project(people["worker"], net.station_a)
    s = shift(people["worker"], p, starts_in=-datetime.timedelta(minutes=90))
    other = shift(people["worker"], p, starts_in=-datetime.timedelta(minutes=90), position="另一岗位")
    v = volunteer(people["worker"], net.station_a)
    services.shift_sign_up(shift=s, volunteer=v, actor=people["worker"])
    assert s.token != other.token and len(s.token) >= 20
    form = {"number": v.number, "mobile": plaintext(v.mobile)}
    page = client.post(f"/p/vs/{other.token}/", form).content.decode()  # another shift's code
    assert "没有报名" in page and not ServiceHours.objects.exists()
    assert "签到成功" in client.post(f"/p/vs/{s.token}/", form).content.decode()
    entry = ServiceHours.objects.get()
    assert "服务结束后再扫码签退" in client.post(f"/p/vs/{s.token}/", form).content.decode()  # a double tap
    # Checked in 40 minutes ago; the shift started 90 minutes ago: only the 40 count.
    forty = timezone.now() - datetime.timedelta(minutes=40)
    ServiceHours.objects.filter(pk=entry.pk).update(started_at=forty, scanned_in_at=forty)
    assert "签退成功" in client.post(f"/p/vs/{s.token}/", form).content.decode()
    entry.refresh_from_db()
    assert entry.status == "recorded" and 39 <= entry.minutes <= 41
    assert entry.scanned_in_at == forty and entry.scanned_out_at == entry.ended_at
    assert "已完成" in client.post(f"/p/vs/{s.token}/", form).content.decode()  # a third scan adds nothing
    wrong = client.post(f"/p/vs/{s.token}/", {"number": v.number, "mobile": mobile()}).content.decode()
    assert "不匹配" in wrong and ServiceHours.objects.count() == 1
    assert selectors.hours_of(v)["times"] == 0  # not counted before the organizer confirms
    services.hours_confirm(actor=people["worker"], entry=entry)
    assert selectors.hours_of(v)["times"] == 1


def test_check_in_is_open_only_around_the_shift(net, people):
    p = project(people["worker"], net.station_a)
    s = shift(people["worker"], p, starts_in=datetime.timedelta(hours=3))
    v = volunteer(people["worker"], net.station_a)
    services.shift_sign_up(shift=s, volunteer=v, actor=people["worker"])
    with pytest.raises(ValidationError, match="签到时间"):
        services.check_in_or_out(shift=s, volunteer=v)


def test_hours_end_after_they_start_and_never_overlap(net, people):
    p = project(people["worker"], net.station_a)
    v = volunteer(people["worker"], net.station_a)
    start = timezone.now() - datetime.timedelta(hours=5)
    with pytest.raises(ValidationError) as backwards:
        services.hours_enter(actor=people["worker"], project=p, volunteer=v, data={
            "started_at": start, "ended_at": start - datetime.timedelta(minutes=1), "minutes": 10, "content": "x"})
    assert "ended_at" in backwards.value.message_dict
    with pytest.raises(ValidationError) as too_long:
        services.hours_enter(actor=people["worker"], project=p, volunteer=v, data=past(5, 60) | {"minutes": 61})
    assert "minutes" in too_long.value.message_dict
    services.hours_enter(actor=people["worker"], project=p, volunteer=v, data=past(5, 120))
    with pytest.raises(ValidationError, match="重叠"):
        services.hours_enter(actor=people["worker"], project=p, volunteer=v, data=past(4, 120))
    services.hours_enter(actor=people["worker"], project=p, volunteer=v, data=past(3, 60))  # just after: fine
    assert selectors.hours_of(v) == {"hours": 3.0, "times": 2}


def test_a_correction_keeps_the_original_and_its_reason(net, people):
    p = project(people["worker"], net.station_a)
    v = volunteer(people["worker"], net.station_a)
    original = services.hours_enter(actor=people["worker"], project=p, volunteer=v, data=past(5, 120))
    with pytest.raises(ValidationError, match="原因"):
        services.hours_correct(actor=people["worker"], entry=original, data=past(5, 90), reason=" ")
    fixed = services.hours_correct(actor=people["worker"], entry=original, data=past(5, 90), reason="多算了路途")
    original.refresh_from_db()
    assert original.minutes == 120 and not original.live and fixed.corrects == original
    assert selectors.hours_of(v) == {"hours": 1.5, "times": 1}
    with pytest.raises(ValidationError, match="已被更正"):
        services.hours_correct(actor=people["worker"], entry=original, data=past(5, 60), reason="再改")
    assert AuditEntry.objects.filter(object_type="volunteers.hours", detail__corrected=original.pk).exists()


def test_the_proof_states_what_the_rules_ask_and_is_logged(net, people):
    p = project(people["worker"], net.station_a, title="助老探访")
    v = volunteer(people["worker"], net.station_a, name="陈静")
    with pytest.raises(ValidationError, match="没有已确认"):
        services.proof_issue(actor=people["worker"], volunteer=v, period_from=today(), period_to=today(), person="王站长")
    services.hours_enter(actor=people["worker"], project=p, volunteer=v, data=past(30, 150, "陪伴聊天"))
    issued = services.proof_issue(actor=people["worker"], volunteer=v, period_from=today() - datetime.timedelta(days=7),
                                  period_to=today(), person="王站长")
    assert issued.number.startswith("ZM") and issued.minutes == 150
    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(proof_pdf.response(issued).content)).pages)
    for expected in ("志愿服务证明", v.number, "陈静", v.id_number_masked, "2.5", "助老探访", "陪伴聊天",
                     net.station_a.name, "王站长", issued.number, "免费"):
        assert expected in text, expected
    assert plaintext(v.id_number) not in text
    assert AuditEntry.objects.filter(object_type="volunteers.proof", detail__proof=issued.number).exists()
    with pytest.raises(Http404):
        services.proof_issue(actor=people["worker_b"], volunteer=v, period_from=today(), period_to=today(), person="x")


def test_the_time_bank_is_a_ledger_apart_and_never_negative(net, people):
    p = project(people["worker"], net.station_a)
    v = volunteer(people["worker"], net.station_a)
    entry = services.hours_enter(actor=people["worker"], project=p, volunteer=v, data=past(5, 120))
    services.time_bank_post(actor=people["worker"], volunteer=v, hours=entry, credits=Decimal("2"), reason="探访")
    with pytest.raises(ValidationError, match="已经存入"):
        services.time_bank_post(actor=people["worker"], volunteer=v, hours=entry, credits=Decimal("2"), reason="再存")
    with pytest.raises(ValidationError, match="余额不足"):
        services.time_bank_post(actor=people["worker"], volunteer=v, credits=Decimal("-3"), reason="兑换理发")
    services.time_bank_post(actor=people["worker"], volunteer=v, credits=Decimal("-1.5"), reason="兑换理发")
    assert selectors.time_bank_balance(v) == Decimal("0.5")
    assert selectors.hours_of(v)["hours"] == 2.0  # spending credits leaves the legal hours alone


def test_public_registration_and_my_service_page(net, people, client):
    from wushe.activities.selectors import station_page_key

    key = station_page_key(net.station_a)
    number = mobile()
    form = {"name": "李娜", "id_number": id_number(datetime.date(1995, 6, 1)), "mobile": number,
            "availability": "weekend", "emergency_name": "李父", "emergency_mobile": mobile(), **CHALLENGE}
    refused = client.post(f"/p/s/{key}/volunteer/", form).content.decode()
    assert "请先勾选同意" in refused and not Volunteer.objects.exists()
    done = client.post(f"/p/s/{key}/volunteer/", form | {"consent": "on"}).content.decode()
    v = Volunteer.objects.get()
    assert v.number in done and v.source == "public" and v.consent_on == today()
    # A phone at the station's desk is shared: registering does not leave it signed in as her.
    assert "李娜" not in client.get("/p/v/me/").content.decode()
    wrong = client.post("/p/v/me/", {"number": v.number, "mobile": mobile(), **CHALLENGE}).content.decode()
    assert "不匹配" in wrong and "李娜" not in wrong
    client.post("/p/v/me/", {"number": v.number, "mobile": number, **CHALLENGE})
    assert "李娜" in client.get("/p/v/me/").content.decode()
    client.post("/p/v/me/", {"action": "leave"})
    assert "李娜" not in client.get("/p/v/me/").content.decode()


def test_public_recruitment_shows_no_one_and_signs_up_by_number_and_mobile(net, people, client):
    p = project(people["worker"], net.station_a, title="桶边督导")
    s = shift(people["worker"], p)
    v = volunteer(people["worker"], net.station_a, name="周丽")
    services.shift_sign_up(shift=s, volunteer=volunteer(people["worker"], net.station_a, name="吴刚"),
                           actor=people["worker"])
    page = client.get(f"/p/vp/{p.token}/").content.decode()
    assert "桶边督导" in page and "吴刚" not in page and "<script" not in page
    posted = {"number": v.number, "mobile": plaintext(v.mobile), "shift": s.pk}
    assert "验证答案" in client.post(f"/p/vp/{p.token}/", posted | {"answer": "1", "challenge": "x"},
                                     follow=True).content.decode()
    client.post(f"/p/vp/{p.token}/", posted | CHALLENGE)
    assert Registration.objects.get(volunteer=v).status == "pending"
    type(p).objects.filter(pk=p.pk).update(public=False)
    assert client.get(f"/p/vp/{p.token}/").status_code == 404


def test_another_stations_volunteer_serves_here_without_their_file_opening(net, people, login):
    v = volunteer(people["worker_b"], net.station_b, name="外站志愿者")
    p = project(people["worker"], net.station_a)
    s = shift(people["worker"], p)
    client = login(people["worker"])
    client.post(f"/volunteers/shifts/{s.pk}/sign-up/", {"number": v.number})  # number alone: not found
    assert not s.registrations.exists()
    client.post(f"/volunteers/shifts/{s.pk}/sign-up/", {"number": v.number, "mobile": plaintext(v.mobile)})
    assert s.registrations.get().volunteer == v
    assert "外站志愿者" in client.get(f"/volunteers/shifts/{s.pk}/").content.decode()
    assert client.get(f"/volunteers/{v.pk}/").status_code == 404  # their file stays their station's


def test_pages_render_with_their_counts(net, people, login):
    p = project(people["worker"], net.station_a, title="周末探访")
    v = volunteer(people["worker"], net.station_a, name="陈静")
    services.hours_enter(actor=people["worker"], project=p, volunteer=v, data=past(5, 90))
    client = login(people["worker"])
    listing = client.get("/volunteers/").content.decode()
    assert "陈静" in listing and "1.5" in listing
    assert "1.5" in client.get("/volunteers/projects/").content.decode()
    assert "周末探访" in client.get(f"/volunteers/{v.pk}/").content.decode()
    export = client.get("/volunteers/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEntry.objects.filter(action="exported", object_type="volunteers.volunteer").exists()
    assert login(people["worker_b"]).get("/volunteers/").content.decode().count("陈静") == 0


def test_the_api_keeps_to_the_scope_masks_numbers_and_counts_like_the_pages(net, people, client):
    from wushe.accounts.services import api_token_issue

    p = project(people["worker"], net.station_a, title="周末探访")
    s = shift(people["worker"], p)
    v = volunteer(people["worker"], net.station_a, name="陈静")
    services.shift_sign_up(shift=s, volunteer=v, actor=people["worker"])
    first = services.hours_enter(actor=people["worker"], project=p, volunteer=v, data=past(5, 120))
    services.hours_correct(actor=people["worker"], entry=first, data=past(5, 90), reason="多算了路途")
    token, _obj = api_token_issue(user=people["worker"])
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/volunteers", headers=headers).json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == v.number
    assert plaintext(v.id_number) not in str(listed) and plaintext(v.mobile) not in str(listed)
    one = client.get(f"/api/v1/volunteers/{v.pk}", headers=headers).json()
    assert (one["hours"], one["times"]) == (1.5, 1)
    assert client.get(f"/api/v1/volunteer-projects/{p.pk}", headers=headers).json()["hours"] == 1.5
    hours = client.get(f"/api/v1/volunteer-projects/{p.pk}/hours", headers=headers).json()["items"]
    assert [h["counted"] for h in hours] == [False, True] and hours[1]["corrects_id"] == first.pk
    shifts = client.get(f"/api/v1/volunteer-projects/{p.pk}/shifts", headers=headers).json()["items"]
    assert shifts[0]["signed_up"] == 1
    regs = client.get(f"/api/v1/volunteer-shifts/{s.pk}/registrations", headers=headers).json()["items"]
    assert regs[0]["volunteer_name"] == "陈静"
    other, _obj = api_token_issue(user=people["worker_b"])
    assert client.get(f"/api/v1/volunteers/{v.pk}", headers={"Authorization": f"Bearer {other}"}).status_code == 404
    assert client.get("/api/v1/volunteers", headers={"Authorization": f"Bearer {other}"}).json()["count"] == 0


def test_a_hall_signing_in_through_one_address_is_not_turned_away(net, people, client, settings):
    from wushe.core import public

    p = project(people["worker"], net.station_a)
    s = shift(people["worker"], p, starts_in=-datetime.timedelta(minutes=10), needed=40)
    crowd = [volunteer(people["worker"], net.station_a, name=f"志愿者{n}") for n in range(public.POSTS_PER_HOUR + 5)]
    for v in crowd:
        services.shift_sign_up(shift=s, volunteer=v, actor=people["worker"])
    for v in crowd:  # one Wi-Fi: every phone has the same address
        assert client.post(f"/p/vs/{s.token}/", {"number": v.number, "mobile": plaintext(v.mobile)}).status_code == 200
    assert s.hours.count() == len(crowd)
    # …while a form for one family at a time still stops a script.
    for _n in range(public.POSTS_PER_HOUR):
        client.post("/p/v/me/", {"number": "ZY0", "mobile": mobile()})
    assert client.post("/p/v/me/", {"number": "ZY0", "mobile": mobile()}).status_code == 429


def test_editing_a_volunteer_keeps_the_numbers_left_blank(net, people, login):
    v = volunteer(people["worker"], net.station_a, name="陈静")
    before = (plaintext(v.id_number), plaintext(v.mobile), plaintext(v.emergency_mobile))
    client = login(people["worker"])
    page = client.get(f"/volunteers/{v.pk}/edit/").content.decode()
    assert before[0] not in page and before[1] not in page  # stored numbers never go into the page
    response = client.post(f"/volunteers/{v.pk}/edit/", {
        "name": "陈静（改）", "id_number": "", "mobile": "", "emergency_mobile": "", "skills": "理发",
        "availability": "weekend", "emergency_name": "家属", "consent_on": today().isoformat()})
    assert response.status_code == 302
    v = Volunteer.objects.get(pk=v.pk)
    assert v.name == "陈静（改）" and (plaintext(v.id_number), plaintext(v.mobile),
                                     plaintext(v.emergency_mobile)) == before
    client.get(f"/volunteers/{v.pk}/")
    assert AuditEntry.objects.filter(action="viewed", object_type="volunteers.volunteer", object_id=str(v.pk)).exists()


def test_a_check_in_needs_an_open_project_and_staff_actions_are_explicit(net, people, login):
    p = project(people["worker"], net.station_a)
    s = shift(people["worker"], p, starts_in=-datetime.timedelta(minutes=10))
    v = volunteer(people["worker"], net.station_a)
    registration = services.shift_sign_up(shift=s, volunteer=v)
    client = login(people["worker"])
    client.post(f"/volunteers/shifts/{s.pk}/registrations/{registration.pk}/", {})  # no action: nothing happens
    assert Registration.objects.get(pk=registration.pk).status == "pending"
    services.project_close(actor=people["worker"], project=p)
    with pytest.raises(ValidationError, match="已结束"):
        services.check_in_or_out(shift=s, volunteer=v)
    with pytest.raises(ValidationError) as nobody:
        shift(people["worker"], project(people["worker"], net.station_a), needed=0)
    assert "needed" in nobody.value.message_dict


def test_time_bank_credits_for_service_are_positive_and_no_more_than_its_hours(net, people):
    p = project(people["worker"], net.station_a)
    v = volunteer(people["worker"], net.station_a)
    entry = services.hours_enter(actor=people["worker"], project=p, volunteer=v, data=past(5, 30))
    for credits in (Decimal("-1"), Decimal("999")):
        with pytest.raises(ValidationError, match="不超过"):
            services.time_bank_post(actor=people["worker"], volunteer=v, hours=entry, credits=credits, reason="x")
    services.time_bank_post(actor=people["worker"], volunteer=v, hours=entry, credits=Decimal("0.5"), reason="探访")


def test_hours_for_another_stations_volunteer_need_their_mobile(net, people, login):
    outsider = volunteer(people["worker_b"], net.station_b, name="外站志愿者")
    p = project(people["worker"], net.station_a)
    client = login(people["worker"])
    start, end = timezone.localtime() - datetime.timedelta(hours=5), timezone.localtime() - datetime.timedelta(hours=4)
    form = {"number": outsider.number, "started_at": f"{start:%Y-%m-%dT%H:%M}", "ended_at": f"{end:%Y-%m-%dT%H:%M}",
            "minutes": "50", "content": "帮忙布置会场"}
    assert "找不到该志愿者" in client.post(f"/volunteers/projects/{p.pk}/hours/new/", form).content.decode()
    client.post(f"/volunteers/projects/{p.pk}/hours/new/", form | {"mobile": plaintext(outsider.mobile)})
    assert selectors.hours_of(outsider) == {"hours": 0.8, "times": 1}


def test_the_project_page_does_not_say_whether_a_number_and_mobile_match(net, people, client):
    p = project(people["worker"], net.station_a)
    s = shift(people["worker"], p)
    v = volunteer(people["worker"], net.station_a)
    wrong_answer = {"shift": s.pk, "answer": "1", "challenge": CHALLENGE["challenge"]}
    right_pair = client.post(f"/p/vp/{p.token}/", wrong_answer | {"number": v.number, "mobile": plaintext(v.mobile)},
                             follow=True).content.decode()
    wrong_pair = client.post(f"/p/vp/{p.token}/", wrong_answer | {"number": v.number, "mobile": mobile()},
                             follow=True).content.decode()
    assert "验证答案" in right_pair and "验证答案" in wrong_pair and "不匹配" not in right_pair + wrong_pair


def test_a_volunteer_downloads_their_own_proof_only(net, people, client):
    p = project(people["worker"], net.station_a)
    v = volunteer(people["worker"], net.station_a)
    services.hours_enter(actor=people["worker"], project=p, volunteer=v, data=past(30, 60))
    issued = services.proof_issue(actor=people["worker"], volunteer=v, period_from=today() - datetime.timedelta(days=3),
                                  period_to=today(), person="站长")
    assert client.get(f"/p/v/me/proofs/{issued.pk}.pdf").status_code == 404
    client.post("/p/v/me/", {"number": v.number, "mobile": plaintext(v.mobile), **CHALLENGE})
    got = client.get(f"/p/v/me/proofs/{issued.pk}.pdf")
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"


def test_a_volunteer_with_an_account_finds_their_service_from_the_home_page(net, people, login):
    v = volunteer(people["worker"], net.station_a, name="陈静")
    Volunteer.objects.filter(pk=v.pk).update(user=people["volunteer"])
    client = login(people["volunteer"])
    assert "/p/v/me/" in client.get("/").content.decode()
    page = client.get("/p/v/me/").content.decode()
    assert "陈静" in page and 'value="leave"' not in page
