"""The pages of the people registry: file, reveal, registration and edit, history and restore,
needs, visits and the Excel export. Scope per route is checked in tests/test_scope_matrix.py."""

import datetime
import io
import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.people.factories import id_number, masked_id, masked_mobile, mobile, today
from wushe.core.models import AuditEntry
from wushe.people import services
from wushe.people.models import Need, Resident, Visit


@pytest.fixture
def zhang(make_resident):
    """张三 of 西园新村, with ID number and mobile."""
    return make_resident("张三", id_number=id_number(datetime.date(1950, 3, 7)), mobile=mobile(),
                         address="西园路 8 号")


def _entries(action, **kw):
    return AuditEntry.objects.filter(action=action, **kw)


# --- the file --------------------------------------------------------------------------------------


def test_opening_the_file_is_audited(people, login, zhang):
    client = login(people["worker"])
    assert client.get(f"/people/{zhang.pk}/").status_code == 200
    assert client.get(f"/people/{zhang.pk}/").status_code == 200
    entries = _entries(AuditEntry.Action.VIEWED, object_type="people.resident")
    assert entries.count() == 2
    entry = entries.first()
    assert (entry.object_id, entry.actor, entry.object_label, entry.division_code) == (
        str(zhang.pk), people["worker"], "张三", zhang.community_id)


def test_a_refused_file_is_not_audited_as_viewed(people, login, zhang):
    assert login(people["worker_b"]).get(f"/people/{zhang.pk}/").status_code == 404
    assert not _entries(AuditEntry.Action.VIEWED).exists()


def test_the_file_shows_numbers_masked(people, login, zhang):
    number, phone = zhang.id_number.reveal(), zhang.mobile.reveal()
    html = login(people["worker"]).get(f"/people/{zhang.pk}/").content.decode()
    assert f'<span id="id-number">{masked_id(number)}</span>' in html
    assert f'<span id="mobile">{masked_mobile(phone)}</span>' in html
    assert masked_id(number) == number[:6] + "********" + number[-4:]
    assert number not in html and phone not in html
    assert number[6:14] not in html  # the masked digits, not even together
    assert "张三" in html and "西园路 8 号" in html and "岁" in html
    assert f'action="/people/{zhang.pk}/reveal/id_number/"' in html
    assert f'action="/people/{zhang.pk}/reveal/mobile/"' in html


def test_the_list_shows_numbers_masked(people, login, zhang):
    html = login(people["worker"]).get("/people/").content.decode()
    assert masked_id(zhang.id_number.reveal()) in html
    assert zhang.id_number.reveal() not in html and zhang.mobile.reveal() not in html


def test_the_list_sorts_by_a_column_and_keeps_the_filter(people, login, make_resident):
    for name, born in (("阿大", 1940), ("赵二", 1990), ("钱三", 1960)):
        make_resident(name, birth_date=datetime.date(born, 5, 1), risk="high")
    client = login(people["worker"])
    for sort, expected in (("age", ["赵二", "钱三", "阿大"]), ("-age", ["阿大", "钱三", "赵二"]),
                           ("name", ["阿大", "钱三", "赵二"]), ("-name", ["赵二", "钱三", "阿大"])):
        rows = client.get("/people/", {"risk": "high", "sort": sort}).content.decode().split("<tbody>")[1]
        assert sorted(expected, key=rows.index) == expected, sort
    html = client.get("/people/", {"risk": "high", "sort": "age"}).content.decode()
    # The heading of the column in use reverses it, and every heading keeps the filter.
    assert 'href="?risk=high&amp;sort=-age"' in html and 'href="?risk=high&amp;sort=name"' in html
    assert client.get("/people/", {"sort": "password"}).status_code == 200  # an unknown column: the usual order


@pytest.mark.parametrize("field", ["id_number", "mobile"])
def test_reveal_shows_the_full_value_and_is_audited(people, login, zhang, field):
    value = getattr(zhang, field).reveal()
    response = login(people["worker"]).post(f"/people/{zhang.pk}/reveal/{field}/")
    assert response.status_code == 200
    assert response.content.decode() == f'<span class="font-monospace">{value}</span>'
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    entry = _entries(AuditEntry.Action.REVEALED).get()
    assert (entry.object_id, entry.actor, entry.detail) == (str(zhang.pk), people["worker"], {"field": field})


def test_reveals_stop_at_the_hourly_limit_and_the_refusal_is_audited(settings, people, login, zhang):
    settings.WUSHE_REVEALS_PER_HOUR = 2
    client = login(people["worker"])
    assert [client.post(f"/people/{zhang.pk}/reveal/mobile/").status_code for _ in range(2)] == [200, 200]

    refused = client.post(f"/people/{zhang.pk}/reveal/id_number/")

    assert refused.status_code == 429
    assert "2 次上限" in refused.content.decode() and zhang.id_number.reveal() not in refused.content.decode()
    assert _entries(AuditEntry.Action.REVEALED).count() == 2
    denied = _entries(AuditEntry.Action.DENIED).get()
    assert denied.detail == {"field": "id_number", "reason": "reveal_limit"}
    # An hour later the worker may reveal again.
    AuditEntry.objects.filter(action=AuditEntry.Action.REVEALED).update(
        at=timezone.now() - datetime.timedelta(minutes=61))
    assert client.post(f"/people/{zhang.pk}/reveal/id_number/").status_code == 200


def test_reveal_of_an_empty_number_shows_a_dash(people, login, make_resident):
    r = make_resident("李四")
    response = login(people["head"]).post(f"/people/{r.pk}/reveal/mobile/")
    assert response.content.decode() == '<span class="font-monospace">—</span>'


def test_reveal_without_the_permission_is_403(people, login, zhang):
    client = login(people["street"])  # 街道管理员: person.view, not person.reveal
    html = client.get(f"/people/{zhang.pk}/").content.decode()
    assert "/reveal/" not in html
    response = client.post(f"/people/{zhang.pk}/reveal/id_number/")
    assert response.status_code == 403
    assert zhang.id_number.reveal() not in response.content.decode()
    assert not _entries(AuditEntry.Action.REVEALED).exists()


def test_reveal_outside_the_scope_is_404(people, login, zhang):
    response = login(people["worker_b"]).post(f"/people/{zhang.pk}/reveal/id_number/")
    assert response.status_code == 404
    assert zhang.id_number.reveal() not in response.content.decode()
    assert not _entries(AuditEntry.Action.REVEALED).exists()


@pytest.mark.parametrize("field", ["address", "id_number_hash", "guardian_phone", "name"])
def test_reveal_of_another_field_is_400(people, login, zhang, field):
    response = login(people["worker"]).post(f"/people/{zhang.pk}/reveal/{field}/")
    assert response.status_code == 400
    assert response.content.decode() == '<span class="text-danger">只能显示身份证号或手机号。</span>'
    assert not _entries(AuditEntry.Action.REVEALED).exists()


def test_reveal_is_post_only(people, login, zhang):
    assert login(people["worker"]).get(f"/people/{zhang.pk}/reveal/id_number/").status_code == 405
    assert not _entries(AuditEntry.Action.REVEALED).exists()


def test_the_file_does_not_give_away_the_full_id_number(people, login, zhang):
    html = login(people["street"]).get(f"/people/{zhang.pk}/").content.decode()
    number = zhang.id_number.reveal()
    shown_birth = f"{zhang.birth_date:%Y-%m-%d}" in html
    shown_mask = masked_id(number) in html
    assert not (shown_birth and shown_mask), "region + birth date + last 4 = the whole number"


# --- registering and editing ------------------------------------------------------------------------


def test_the_registration_form_offers_only_the_scope(net, people, login):
    html = login(people["worker"]).get("/people/new/").content.decode()
    assert net.station_a.name in html and net.room_a1.name in html
    assert net.station_b.name not in html and net.other_station.name not in html
    assert "西园新村社区" in html and "滨湖社区" in html and "安居苑" not in html


def _form(r=None, **over):
    """The registration/edit form as posted, ID number and mobile blank."""
    data = {"station": r.station_id if r else "", "community": r.community_id if r else "",
            "name": r.name if r else "", "id_number": "", "mobile": "", "ethnicity": "",
            "address": r.address if r else "", "living": "", "guardian_name": "", "guardian_phone": "",
            "disability_type": "", "disability_grade": "", "income": "", "risk": r.risk if r else "low",
            "visit_every_days": "", "consent_by": r.consent_by if r else "",
            "consent_method": r.consent_method if r else "",
            "consent_on": r.consent_on.isoformat() if r and r.consent_on else "", "note": ""}
    return data | over


def test_register_through_the_form(net, people, login):
    number, phone = id_number(datetime.date(1940, 2, 2)), mobile()
    response = login(people["worker"]).post("/people/new/", _form(
        station=net.station_a.pk, community=net.community_a1.code, name="孙大娘", id_number=number, mobile=phone,
        consent_by="self", consent_method="paper", consent_on=today().isoformat(), visit_every_days="30"))
    r = Resident.objects.get(name="孙大娘")
    assert response.status_code == 302 and response["Location"] == f"/people/{r.pk}/"
    assert (r.id_number.reveal(), r.mobile.reveal(), r.birth_date, r.name_pinyin) == (
        number, phone, datetime.date(1940, 2, 2), "sdn sundaniang")
    assert r.created_by == people["worker"]
    assert r.visit_due_on == today() + datetime.timedelta(days=30)
    assert _entries(AuditEntry.Action.CREATED, object_type="people.resident").get().object_id == str(r.pk)


def test_the_edit_form_never_shows_the_numbers(people, login, zhang):
    html = login(people["worker"]).get(f"/people/{zhang.pk}/edit/").content.decode()
    number, phone = zhang.id_number.reveal(), zhang.mobile.reveal()
    assert number not in html and phone not in html
    assert f"当前：{masked_id(number)}。留空表示不修改。" in html
    assert f"当前：{masked_mobile(phone)}。留空表示不修改。" in html


def test_an_edit_with_blank_numbers_keeps_them(people, login, zhang):
    number, phone = zhang.id_number.reveal(), zhang.mobile.reveal()
    response = login(people["worker"]).post(f"/people/{zhang.pk}/edit/", _form(zhang, name="张叁", note="已核实"))
    assert response.status_code == 302 and response["Location"] == f"/people/{zhang.pk}/"
    stored = Resident.objects.get(pk=zhang.pk)
    assert (stored.name, stored.note, stored.id_number.reveal(), stored.mobile.reveal()) == (
        "张叁", "已核实", number, phone)
    entry = _entries(AuditEntry.Action.CHANGED, object_type="people.resident").get()
    assert entry.detail == {"name": "已修改", "note": "已修改"}


def test_an_edit_of_the_numbers_is_audited_without_them(people, login, zhang):
    old_number, old_phone = zhang.id_number.reveal(), zhang.mobile.reveal()
    number, phone = id_number(datetime.date(1951, 4, 5)), mobile()
    response = login(people["worker"]).post(f"/people/{zhang.pk}/edit/", _form(
        zhang, id_number=number.lower(), mobile=f"+86 {phone}"))
    assert response.status_code == 302
    stored = Resident.objects.get(pk=zhang.pk)
    assert (stored.id_number.reveal(), stored.mobile.reveal(), stored.birth_date) == (
        number, phone, datetime.date(1951, 4, 5))
    entry = _entries(AuditEntry.Action.CHANGED, object_type="people.resident").get()
    assert entry.detail == {"id_number": "已修改", "mobile": "已修改"}
    audit_page = login(people["head"]).get("/audit/").content.decode()
    for secret in (number, phone, old_number, old_phone):
        assert secret not in str(entry.detail) and secret not in audit_page


def test_an_edit_to_a_community_outside_the_scope_is_refused(net, people, login, zhang):
    client = login(people["worker"])
    response = client.post(f"/people/{zhang.pk}/edit/", _form(zhang, community=net.community_b1.code))
    assert response.status_code == 200  # the form again, with the error
    assert "is-invalid" in response.content.decode()
    response = client.post(f"/people/{zhang.pk}/edit/", _form(zhang, station=net.center.pk,
                                                              community=net.community_b1.code))
    assert response.status_code == 200
    stored = Resident.objects.get(pk=zhang.pk)
    assert (stored.station_id, stored.community_id) == (net.station_a.pk, net.community_a1.code)
    assert not _entries(AuditEntry.Action.CHANGED).exists()


def test_an_edit_that_drops_consent_is_refused_on_the_form(people, login, zhang):
    response = login(people["worker"]).post(f"/people/{zhang.pk}/edit/", _form(
        zhang, consent_by="", consent_method="", consent_on=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "未取得知情同意时只能保留最少信息" in html and "身份证号、手机号、住址" in html
    assert Resident.objects.get(pk=zhang.pk).consent_by == "self"


def test_an_edit_to_a_duplicate_number_links_to_the_other_file(people, login, zhang, make_resident):
    li = make_resident("李四")
    response = login(people["worker"]).post(f"/people/{li.pk}/edit/", _form(
        li, id_number=zhang.id_number.reveal()))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="/people/{zhang.pk}/">查看 张三 的档案</a>' in html  # a link, not escaped text
    assert Resident.objects.get(pk=li.pk).id_number == ""


def test_an_edit_to_a_number_registered_elsewhere_names_nobody(net, people, login, zhang, make_resident):
    wang = make_resident("王五", station=net.station_b, community=net.community_b1)
    response = login(people["worker_b"]).post(f"/people/{wang.pk}/edit/", _form(
        wang, id_number=zhang.id_number.reveal()))
    assert response.status_code == 200
    html = response.content.decode()
    assert "该居民已在其他站点登记" in html
    for secret in ("张三", f"/people/{zhang.pk}/", net.station_a.name, "西园路"):
        assert secret not in html, secret
    assert Resident.objects.get(pk=wang.pk).id_number == ""


# --- history and restore -------------------------------------------------------------------------


@pytest.fixture
def edited(people, zhang):
    """张三, then changed by a worker: a new ID number, a new note."""
    old = zhang.id_number.reveal()
    new = id_number(datetime.date(1950, 3, 8))
    services.resident_update(actor=people["worker"], resident=zhang,
                             data={"id_number": new, "note": "误改的备注", "name": "张山"})
    return Resident.objects.get(pk=zhang.pk), old, new


def test_a_manager_reads_the_history(people, login, edited):
    r, old, new = edited
    client = login(people["head"])
    assert f'href="/people/{r.pk}/history/"' in client.get(f"/people/{r.pk}/").content.decode()
    response = client.get(f"/people/{r.pk}/history/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "姓名：张三 → 张山" in html
    assert "备注：— → 误改的备注" in html
    assert "身份证号：*** → ***" in html
    assert "建档" in html
    for secret in (old, new, masked_id(old), masked_id(new), old[-4:], new[-4:], r.id_number_hash):
        assert secret not in html, secret
    first = r.history.order_by("history_date", "history_id").first()
    assert f'action="/people/{r.pk}/history/{first.history_id}/restore/"' in html


def test_a_worker_may_not_read_the_history(people, login, edited):
    r, _old, _new = edited
    client = login(people["worker"])
    assert "/history/" not in client.get(f"/people/{r.pk}/").content.decode()
    assert client.get(f"/people/{r.pk}/history/").status_code == 403


def test_a_manager_restores_an_older_version(people, login, edited):
    r, old, _new = edited
    first = r.history.order_by("history_date", "history_id").first()
    client = login(people["head"])
    response = client.post(f"/people/{r.pk}/history/{first.history_id}/restore/")
    assert response.status_code == 302 and response["Location"] == f"/people/{r.pk}/history/"
    stored = Resident.objects.get(pk=r.pk)
    assert (stored.name, stored.note, stored.id_number.reveal()) == ("张三", "", old)
    entry = _entries(AuditEntry.Action.CHANGED, actor=people["head"]).get()
    assert entry.object_id == str(r.pk)
    assert entry.detail["name"] == "已修改" and entry.detail["id_number"] == "已修改"
    assert "已恢复到所选版本" in client.get(response["Location"]).content.decode()


def test_a_worker_may_not_restore(people, login, edited):
    r, _old, new = edited
    first = r.history.order_by("history_date", "history_id").first()
    response = login(people["worker"]).post(f"/people/{r.pk}/history/{first.history_id}/restore/")
    assert response.status_code == 403
    stored = Resident.objects.get(pk=r.pk)
    assert (stored.name, stored.id_number.reveal()) == ("张山", new)


def test_restore_of_a_foreign_version_changes_nothing(people, login, edited, make_resident):
    r, _old, _new = edited
    other = make_resident("李四")
    version = other.history.get()
    client = login(people["head"])
    response = client.post(f"/people/{r.pk}/history/{version.history_id}/restore/", follow=True)
    assert "该历史版本不存在" in response.content.decode()
    assert Resident.objects.get(pk=r.pk).name == "张山"
    assert Resident.objects.get(pk=other.pk).name == "李四"


# --- needs ---------------------------------------------------------------------------------------


def _add_need(client, r, **over):
    return client.post(f"/people/{r.pk}/needs/", {"category": "care", "description": "需要助餐服务",
                                                 "source": "hotline", "urgency": "urgent", **over})


def _status(client, need, status, reason=""):
    return client.post(f"/people/needs/{need.pk}/status/", {"status": status, "reason": reason}, follow=True)


def test_a_need_is_added_from_the_file(people, login, zhang):
    client = login(people["worker"])
    response = _add_need(client, zhang)
    assert response.status_code == 302 and response["Location"] == f"/people/{zhang.pk}/#needs"
    need = Need.objects.get()
    assert (need.resident, need.community_id, need.category, need.source, need.urgency, need.status) == (
        zhang, zhang.community_id, "care", "hotline", "urgent", "open")
    html = client.get(f"/people/{zhang.pk}/").content.decode()
    assert "需要助餐服务" in html and f'action="/people/needs/{need.pk}/status/"' in html


def test_an_incomplete_need_is_refused(people, login, zhang):
    client = login(people["worker"])
    response = _add_need(client, zhang, description="")
    assert response.status_code == 302
    assert not Need.objects.exists()
    assert "需求描述" in client.get(response["Location"]).content.decode()


def test_the_status_flow_through_the_pages(people, login, zhang):
    client = login(people["worker"])
    _add_need(client, zhang)
    need = Need.objects.get()
    response = _status(client, need, "met", "已解决")
    assert "需求不能从“待对接”变为“已满足”。" in response.content.decode()
    assert Need.objects.get().status == "open"
    for status in ("matched", "in_service"):
        assert "需求状态已更新" in _status(client, need, status).content.decode()
        assert Need.objects.get().status == status
    response = _status(client, need, "met")
    assert "请说明需求如何满足或关闭的原因。" in response.content.decode()
    assert Need.objects.get().status == "in_service"
    _status(client, need, "met", "已安排每日助餐")
    need = Need.objects.get()
    assert (need.status, need.close_reason, need.closed_on, need.handler) == (
        "met", "已安排每日助餐", today(), people["worker"])
    html = client.get(f"/people/{zhang.pk}/").content.decode()
    assert f'action="/people/needs/{need.pk}/status/"' not in html  # final: no more changes offered
    response = _status(client, need, "open")
    assert "需求不能从“已满足”变为“待对接”。" in response.content.decode()
    assert Need.objects.get().status == "met"


def test_an_unknown_status_is_refused(people, login, zhang):
    client = login(people["worker"])
    _add_need(client, zhang)
    response = _status(client, Need.objects.get(), "done")
    assert response.status_code == 200
    assert "新状态" in response.content.decode()
    assert Need.objects.get().status == "open"


@pytest.fixture
def needs(net, people, make_resident):
    def add(r, status, description, actor):
        need = services.need_create(actor=actor, data={
            "resident": r, "category": Need.Category.CARE, "description": description,
            "source": Need.Source.HOTLINE})
        Need.objects.filter(pk=need.pk).update(status=status)

    zhang = make_resident("张三")
    li = make_resident("李四", community=net.community_a2)
    wang = make_resident("王五", station=net.station_b, community=net.community_b1)
    add(zhang, "open", "需求甲待对接", people["worker"])
    add(zhang, "in_service", "需求乙服务中", people["worker"])
    add(li, "met", "需求丙已满足", people["worker"])
    add(li, "closed", "需求丁已关闭", people["worker"])
    add(wang, "open", "需求戊三里庵", people["worker_b"])


def _need_texts(client, **params):
    response = client.get("/people/needs/", params)
    assert response.status_code == 200
    html = response.content.decode()
    return {t for t in ("需求甲待对接", "需求乙服务中", "需求丙已满足", "需求丁已关闭", "需求戊三里庵") if t in html}


@pytest.mark.parametrize(("status", "expected"), [
    (None, {"需求甲待对接", "需求乙服务中"}),
    ("open", {"需求甲待对接", "需求乙服务中"}),
    ("in_service", {"需求乙服务中"}),
    ("met", {"需求丙已满足"}),
    ("closed", {"需求丁已关闭"}),
    ("all", {"需求甲待对接", "需求乙服务中", "需求丙已满足", "需求丁已关闭"}),
])
def test_the_need_list_filters_by_status(people, login, needs, status, expected):
    params = {"status": status} if status else {}
    assert _need_texts(login(people["worker"]), **params) == expected


def test_the_need_list_is_scoped(people, login, needs):
    assert _need_texts(login(people["worker_b"]), status="all") == {"需求戊三里庵"}
    assert _need_texts(login(people["worker_other"]), status="all") == set()
    assert login(people["civil"]).get("/people/needs/").status_code == 403


# --- visits --------------------------------------------------------------------------------------


def _visit_form(**over):
    return {"visited_on": (today() - datetime.timedelta(days=2)).isoformat(), "kind": "home",
            "findings": "老人独自在家，身体尚可", "risk": "high", "need_category": "", "need_description": "", **over}


def test_a_visit_through_the_form(people, login, make_resident):
    r = make_resident("张三", visit_every_days=30)
    client = login(people["worker"])
    assert client.get(f"/people/{r.pk}/visits/new/").status_code == 200
    response = client.post(f"/people/{r.pk}/visits/new/", _visit_form())
    assert response.status_code == 302 and response["Location"] == f"/people/{r.pk}/#visits"
    stored = Resident.objects.get(pk=r.pk)
    day = today() - datetime.timedelta(days=2)
    assert (stored.last_visit_on, stored.risk, stored.visit_due_on) == (day, "high", day + datetime.timedelta(days=30))
    visit = Visit.objects.get()
    assert (visit.kind, visit.findings, list(visit.visitors.all())) == ("home", "老人独自在家，身体尚可",
                                                                        [people["worker"]])
    assert not Need.objects.exists()
    assert "老人独自在家，身体尚可" in client.get(f"/people/{r.pk}/").content.decode()


def test_a_visit_in_the_future_is_refused_on_the_form(people, login, make_resident):
    r = make_resident("张三", visit_every_days=30)
    response = login(people["worker"]).post(f"/people/{r.pk}/visits/new/", _visit_form(
        visited_on=(today() + datetime.timedelta(days=1)).isoformat()))
    assert response.status_code == 200
    assert "走访日期不能晚于今天。" in response.content.decode()
    assert not Visit.objects.exists()
    stored = Resident.objects.get(pk=r.pk)
    assert (stored.last_visit_on, stored.risk) == (None, "low")


def test_a_visit_that_finds_a_need_raises_it(people, login, make_resident):
    r = make_resident("张三")
    response = login(people["worker"]).post(f"/people/{r.pk}/visits/new/", _visit_form(
        need_category="health", need_description="需要定期测血压"))
    assert response.status_code == 302
    visit = Visit.objects.get()
    need = Need.objects.get()
    assert (need.visit, need.resident, need.source, need.category, need.description, need.community_id) == (
        visit, r, "visit", "health", "需要定期测血压", r.community_id)


def test_a_need_found_on_a_visit_needs_a_description(people, login, make_resident):
    r = make_resident("张三")
    response = login(people["worker"]).post(f"/people/{r.pk}/visits/new/", _visit_form(need_category="health"))
    assert response.status_code == 200
    assert "请描述发现的需求。" in response.content.decode()
    assert not Visit.objects.exists() and not Need.objects.exists()


def test_the_overdue_page_is_scoped(net, people, login, make_resident):
    mine = make_resident("张三", visit_every_days=7)
    theirs = make_resident("王五", station=net.station_b, community=net.community_b1, visit_every_days=7)
    Resident.objects.filter(pk__in=[mine.pk, theirs.pk]).update(visit_due_on=today() - datetime.timedelta(days=3))
    html = login(people["worker"]).get("/people/visits/overdue/").content.decode()
    assert "张三" in html and "王五" not in html
    html = login(people["worker_b"]).get("/people/visits/overdue/").content.decode()
    assert "王五" in html and "张三" not in html


# --- export --------------------------------------------------------------------------------------


@pytest.fixture
def registry(net, make_resident):
    return [
        make_resident("张三", id_number=id_number(datetime.date(1950, 3, 7)), mobile=mobile(), address="西园路 8 号",
                      income=Resident.Income.DIBAO),
        make_resident("李四", community=net.community_a2, id_number=id_number(datetime.date(1970, 1, 2)),
                      mobile=mobile()),
        make_resident("无证件", with_consent=False),
        make_resident("王五", station=net.station_b, community=net.community_b1, id_number=id_number(),
                      mobile=mobile()),
    ]


def _body(response) -> bytes:
    """The streamed file, read once and kept: a streamed body can be consumed only once."""
    if not hasattr(response, "_test_body"):
        response._test_body = response.getvalue()
    return response._test_body


def _workbook_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    sheet = load_workbook(io.BytesIO(_body(response))).active
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return header, [dict(zip(header, r, strict=True)) for r in rows]


def _all_text(response) -> str:
    with zipfile.ZipFile(io.BytesIO(_body(response))) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def test_export_masks_the_numbers_and_keeps_to_the_scope(people, login, registry):
    zhang, li, _bare, wang = registry
    response = login(people["worker"]).get("/people/", {"export": "xlsx"})
    header, rows = _workbook_rows(response)
    assert header[:5] == ["姓名", "性别", "年龄", "身份证号", "手机号"]
    by_name = {r["姓名"]: r for r in rows}
    assert set(by_name) == {"张三", "李四", "无证件"}
    assert by_name["张三"]["身份证号"] == masked_id(zhang.id_number.reveal())
    assert by_name["张三"]["手机号"] == masked_mobile(zhang.mobile.reveal())
    assert by_name["张三"]["困难类型"] == "低保" and by_name["张三"]["住址"] == "西园路 8 号"
    assert by_name["无证件"]["身份证号"] in ("", None)
    text = _all_text(response)
    for r in (zhang, li, wang):
        assert r.id_number.reveal() not in text and r.mobile.reveal() not in text
    assert "王五" not in text
    entry = _entries(AuditEntry.Action.EXPORTED).get()
    assert (entry.actor, entry.object_type, entry.detail["rows"]) == (people["worker"], "people.resident", 3)


def test_export_follows_the_filter(people, login, registry):
    response = login(people["worker"]).get("/people/", {"q": "zs", "export": "xlsx"})
    _header, rows = _workbook_rows(response)
    assert [r["姓名"] for r in rows] == ["张三"]
    entry = _entries(AuditEntry.Action.EXPORTED).get()
    assert entry.detail["rows"] == 1 and "q=zs" in entry.detail["query"]


def test_export_is_refused_without_person_view(people, login, registry):
    assert login(people["civil"]).get("/people/", {"export": "xlsx"}).status_code == 403
    assert not _entries(AuditEntry.Action.EXPORTED).exists()


def test_export_does_not_give_away_the_full_id_numbers(people, login, registry):
    zhang = registry[0]
    _header, rows = _workbook_rows(login(people["worker"]).get("/people/", {"export": "xlsx"}))
    row = next(r for r in rows if r["姓名"] == "张三")
    assert "出生日期" not in row  # the birth date is exactly what the mask hides
    assert zhang.id_number.reveal()[6:14] not in "".join(str(v) for v in row.values())


def test_export_does_not_write_a_searched_number_into_the_audit_log(people, login, registry):
    zhang = registry[0]
    number, phone = zhang.id_number.reveal(), zhang.mobile.reveal()
    client = login(people["worker"])
    client.get("/people/", {"q": number, "export": "xlsx"})
    client.get("/people/", {"q": phone, "export": "xlsx"})
    entries = list(_entries(AuditEntry.Action.EXPORTED))
    assert len(entries) == 2
    for entry in entries:
        assert number not in str(entry.detail) and phone not in str(entry.detail)


# --- who changed what, and who else lives there ----------------------------------------------------


def test_the_history_names_who_changed_the_file(people, login, zhang):
    login(people["worker"]).post(f"/people/{zhang.pk}/edit/", _form(zhang, note="电话回访"))
    html = login(people["head"]).get(f"/people/{zhang.pk}/history/").content.decode()
    assert "<td>t_shegong</td>" in html
    assert "备注：— → 电话回访" in html


def test_the_audit_page_labels_resident_changes_in_chinese(people, login, zhang):
    from wushe.core.audit import describe_detail

    services.resident_update(actor=people["worker"], resident=zhang, data={"name": "张山", "risk": "high"})
    entry = _entries(AuditEntry.Action.CHANGED, object_type="people.resident").get()
    text = str(describe_detail(entry))
    assert "姓名：已修改" in text and "张山" not in text
    assert "风险等级：低 → 高" in text


def test_household_members_outside_the_scope_stay_hidden(net, people, login, zhang, make_resident):
    from django.core.exceptions import ValidationError
    from django.http import Http404

    from wushe.people.models import Household

    household = Household.objects.create(community=net.community_a1, address="西园路 8 号")
    Resident.objects.filter(pk=zhang.pk).update(household=household, relation=Resident.Relation.HEAD)
    wang = make_resident("王五", station=net.station_b, community=net.community_b1)
    try:
        services.resident_update(actor=people["worker_b"], resident=wang,
                                 data={"household": household, "relation": Resident.Relation.SPOUSE})
    except (ValidationError, Http404):
        return  # refused: fixed at the source
    html = login(people["worker_b"]).get(f"/people/{wang.pk}/").content.decode()
    assert "张三" not in html and f"/people/{zhang.pk}/" not in html
