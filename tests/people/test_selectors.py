"""Reads of the people registry: search, filters, age bands, tag counts, overdue visits,
history, always narrowed to the user's scope. Mostly through the list page (``/people/?…``)."""

import datetime
import re

import pytest

from tests.people.factories import id_number, mobile, today, years_ago
from wushe.core.pii import id_check_digit
from wushe.people import selectors, services
from wushe.people.models import Resident, Tag, Visit


def names(client, **params) -> set[str]:
    """The residents the list page shows for these GET parameters."""
    response = client.get("/people/", params)
    assert response.status_code == 200
    return set(re.findall(r'<a href="/people/\d+/">([^<]+)</a>', response.content.decode()))


def id_ending_in_x(birth=datetime.date(1955, 8, 8)) -> str:
    for serial in range(1, 1000, 2):
        first17 = f"340104{birth:%Y%m%d}{serial:03d}"
        if id_check_digit(first17) == "X":
            return first17 + "X"
    raise AssertionError("no serial gives X")


@pytest.fixture
def pair(net, make_resident):
    """张三 and 李四 of 西园 (with ID and mobile), and 张三丰 of 三里庵 with his own numbers."""
    zhang = make_resident("张三", id_number=id_number(datetime.date(1950, 3, 7)), mobile=mobile())
    li = make_resident("李四", id_number=id_number(datetime.date(1970, 1, 2)), mobile=mobile(),
                       community=net.community_a2)
    other = make_resident("张三丰", station=net.station_b, community=net.community_b1,
                          id_number=id_number(datetime.date(1950, 3, 7)), mobile=mobile())
    return zhang, li, other


# --- search -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    ("张三", {"张三"}),
    ("三", {"张三"}),
    ("李", {"李四"}),
    ("zs", {"张三"}),
    ("ZS", {"张三"}),
    ("ls", {"李四"}),
    ("zhangsan", {"张三"}),
    ("zhang san", {"张三"}),
    ("lisi", {"李四"}),
    ("wangwu", set()),
    ("王", set()),
    ("", {"张三", "李四"}),
])
def test_search_by_name_and_pinyin(people, login, pair, query, expected):
    assert names(login(people["worker"]), q=query) == expected


def test_search_by_the_full_id_number(people, login, pair):
    zhang, li, _other = pair
    client = login(people["worker"])
    assert names(client, q=zhang.id_number.reveal()) == {"张三"}
    assert names(client, q=li.id_number.reveal()) == {"李四"}
    spaced = " ".join(re.findall(".{1,6}", zhang.id_number.reveal()))
    assert names(client, q=spaced) == {"张三"}


def test_search_by_a_wrong_id_number_finds_nobody(people, login, pair):
    zhang, _li, _other = pair
    number = zhang.id_number.reveal()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert names(login(people["worker"]), q=wrong) == set()


def test_search_by_the_15_digit_form_of_an_id_number(people, login, make_resident):
    make_resident("赵六", id_number="340104620504101")  # stored upgraded to 18 digits
    assert names(login(people["worker"]), q="340104620504101") == {"赵六"}


def test_search_by_the_last_4_id_digits(people, login, pair):
    zhang, li, _other = pair
    client = login(people["worker"])
    assert names(client, q=zhang.id_number.reveal()[-4:]) == {"张三"}
    assert names(client, q=li.id_number.reveal()[-4:]) == {"李四"}


def test_search_by_last_4_with_an_x(people, login, make_resident):
    number = id_ending_in_x()
    make_resident("钱七", id_number=number)
    client = login(people["worker"])
    assert names(client, q=number[-4:]) == {"钱七"}
    assert names(client, q=number[-4:].lower()) == {"钱七"}


def test_search_by_mobile(people, login, pair):
    zhang, li, _other = pair
    client = login(people["worker"])
    assert names(client, q=zhang.mobile.reveal()) == {"张三"}
    assert names(client, q=li.mobile.reveal()) == {"李四"}
    phone = li.mobile.reveal()
    assert names(client, q=f"{phone[:3]} {phone[3:7]} {phone[7:]}") == {"李四"}
    assert names(client, q=f"86{phone}") == {"李四"}
    assert names(client, q="13800000000") == set()


def test_search_stays_in_scope(people, login, pair):
    _zhang, _li, other = pair
    client = login(people["worker"])
    for query in ("zsf", "张三丰", "zhangsanfeng", other.id_number.reveal(), other.id_number.reveal()[-4:],
                  other.mobile.reveal()):
        assert "张三丰" not in names(client, q=query), query
    # and the other way round: 三里庵 finds only its own 张三丰
    client_b = login(people["worker_b"])
    assert names(client_b, q="zs") == {"张三丰"}
    assert names(client_b, q=pair[0].id_number.reveal()) == set()
    assert names(client_b, q=pair[0].mobile.reveal()) == set()


def test_search_selector_directly(pair):
    zhang, li, other = pair
    qs = Resident.objects.all()
    assert set(selectors.search(qs, "zs")) == {zhang, other}
    assert set(selectors.search(qs, zhang.id_number.reveal().lower())) == {zhang}
    assert list(selectors.search(qs, "1234567890123")) == []  # 13 digits: not a mobile, not an ID
    assert set(selectors.search(qs, "  ")) == {zhang, li, other}


# --- filters ------------------------------------------------------------------------------------


def test_filter_by_community(net, people, login, pair):
    client = login(people["worker"])
    assert names(client, community=net.community_a1.code) == {"张三"}
    assert names(client, community=net.community_a2.code) == {"李四"}
    # a community of another street is not a choice: the filter is ignored, the scope stays
    assert names(client, community=net.community_b1.code) == {"张三", "李四"}


@pytest.fixture
def tags(db):
    return {name: Tag.objects.create(name=name, sort_order=i) for i, name in enumerate(("独居老人", "低保", "留守儿童"))}


def test_filter_by_tag_and_tag_counts(net, people, login, make_resident, tags):
    make_resident("甲", tags=[tags["独居老人"], tags["低保"]])
    make_resident("乙", tags=[tags["独居老人"]])
    make_resident("丙")
    make_resident("丁", station=net.station_b, community=net.community_b1, tags=[tags["独居老人"], tags["留守儿童"]])
    client = login(people["worker"])
    assert names(client, tag=tags["独居老人"].pk) == {"甲", "乙"}
    assert names(client, tag=tags["低保"].pk) == {"甲"}
    assert names(client, tag=tags["留守儿童"].pk) == set()
    lonely, dibao = tags["独居老人"].pk, tags["低保"].pk
    html = client.get("/people/").content.decode()
    assert f'href="?tag={lonely}">独居老人 2</a>' in html
    assert f'href="?tag={dibao}">低保 1</a>' in html
    assert not re.search(r">留守儿童 \d+</a>", html)  # only 三里庵 has one: a zero count is not shown
    # counts follow the filter: among the 低保 residents
    html = client.get("/people/", {"tag": dibao}).content.decode()
    assert f'href="?tag={lonely}">独居老人 1</a>' in html and f'href="?tag={dibao}">低保 1</a>' in html


def test_tag_counts_count_records(net, make_resident, tags):
    make_resident("甲", tags=[tags["独居老人"]])
    make_resident("乙", tags=[tags["独居老人"], tags["低保"]])
    Tag.objects.create(name="停用类别", active=False)
    counts = {tc.tag.name: tc.count for tc in selectors.tag_counts(Resident.objects.all())}
    assert counts == {"独居老人": 2, "低保": 1, "留守儿童": 0}


@pytest.mark.parametrize(("income", "expected"), [("dibao", {"甲"}), ("tekun", {"乙"}), ("low", set())])
def test_filter_by_income(people, login, make_resident, income, expected):
    make_resident("甲", income=Resident.Income.DIBAO)
    make_resident("乙", income=Resident.Income.TEKUN)
    make_resident("丙")
    assert names(login(people["worker"]), income=income) == expected


def test_filter_by_risk(people, login, make_resident):
    make_resident("甲", risk=Resident.Risk.HIGH)
    make_resident("乙", risk=Resident.Risk.MEDIUM)
    make_resident("丙")
    client = login(people["worker"])
    assert names(client, risk="high") == {"甲"}
    assert names(client, risk="low") == {"丙"}


@pytest.fixture
def ages(make_resident):
    """Residents at the edges of the age bands, their birthdays counted from the app's today."""
    guardian = {"guardian_name": "监护人", "consent_by": Resident.ConsentBy.GUARDIAN}
    born = {
        "十岁": years_ago(10),
        "明天满18": years_ago(18, days=1),
        "今天满18": years_ago(18),
        "五十九": years_ago(59),
        "明天满60": years_ago(60, days=1),
        "今天满60": years_ago(60),
        "明天满80": years_ago(80, days=1),
        "今天满80": years_ago(80),
        "九十": years_ago(90),
    }
    for name, day in born.items():
        extra = guardian if day > years_ago(18) else {}
        make_resident(name, id_number=id_number(day), **extra)
    make_resident("无证件", with_consent=False)  # no birth date: in no band
    return born


@pytest.mark.parametrize(("band", "expected"), [
    ("minor", {"十岁", "明天满18"}),
    ("adult", {"今天满18", "五十九", "明天满60"}),
    ("elderly", {"今天满60", "明天满80", "今天满80", "九十"}),
    ("old_old", {"今天满80", "九十"}),
])
def test_filter_by_age_band_on_the_birthday(people, login, ages, band, expected):
    assert names(login(people["worker"]), age=band) == expected


def test_ages_shown_on_the_list_agree_with_the_bands(ages):
    r = Resident.objects.get(name="今天满60")
    assert r.age() == 60
    assert Resident.objects.get(name="明天满60").age() == 59
    assert Resident.objects.get(name="明天满18").is_minor


@pytest.mark.parametrize(("on", "birth", "band", "inside"), [
    # born on 29 February: 18 on 1 March of a common year, not on 28 February
    (datetime.date(2026, 2, 28), datetime.date(2008, 2, 29), "minor", True),
    (datetime.date(2026, 3, 1), datetime.date(2008, 2, 29), "minor", False),
    (datetime.date(2026, 3, 1), datetime.date(2008, 2, 29), "adult", True),
    # asked on 29 February
    (datetime.date(2028, 2, 29), datetime.date(1968, 2, 29), "elderly", True),
    (datetime.date(2028, 2, 29), datetime.date(1968, 3, 1), "elderly", False),
    (datetime.date(2028, 2, 29), datetime.date(2010, 3, 1), "minor", True),
    (datetime.date(2028, 2, 29), datetime.date(2010, 2, 28), "minor", False),
    (datetime.date(2028, 2, 29), datetime.date(1948, 2, 29), "old_old", True),
])
def test_born_between_agrees_with_age(net, on, birth, band, inside):
    r = Resident.objects.create(station=net.station_a, community=net.community_a1, name="边界", birth_date=birth)
    matched = Resident.objects.filter(selectors.born_between(band, on), pk=r.pk).exists()
    assert matched is inside
    _label, youngest, oldest = selectors.AGE_BANDS[band]
    age = r.age(on)
    assert (youngest <= age and (oldest is None or age <= oldest)) is inside


def test_filters_combine(net, people, login, make_resident, tags):
    make_resident("甲", risk=Resident.Risk.HIGH, tags=[tags["独居老人"]], id_number=id_number(years_ago(85)))
    make_resident("乙", risk=Resident.Risk.HIGH, tags=[tags["独居老人"]], id_number=id_number(years_ago(70)))
    make_resident("丙", risk=Resident.Risk.HIGH, community=net.community_a2, id_number=id_number(years_ago(85)))
    client = login(people["worker"])
    assert names(client, risk="high", age="old_old", tag=tags["独居老人"].pk) == {"甲"}
    assert names(client, risk="high", age="old_old", community=net.community_a2.code) == {"丙"}


# --- scope of the lists -------------------------------------------------------------------------


def test_list_shows_only_the_scope(net, people, login, pair):
    assert names(login(people["worker"])) == {"张三", "李四"}
    assert names(login(people["street"])) == {"张三", "李四"}
    assert names(login(people["worker_b"])) == {"张三丰"}
    assert names(login(people["worker_other"])) == set()
    assert login(people["civil"]).get("/people/").status_code == 403


def test_a_community_room_sees_its_community_only(net, pair):
    from tests.factories import user
    from wushe.accounts.roles import Role

    room_worker = user("room_worker", Role.WORKER, station=net.room_a1)
    assert {r.name for r in selectors.resident_list(user=room_worker)} == {"张三"}
    assert [d.code for d in selectors.communities_for(user=room_worker)] == [net.community_a1.code]
    assert list(selectors.stations_for(user=room_worker)) == [net.room_a1]


def test_registration_choices_follow_the_scope(net, people):
    assert [d.code for d in selectors.communities_for(user=people["worker"])] == [
        net.community_a1.code, net.community_a2.code]
    assert set(selectors.stations_for(user=people["worker"])) == {net.station_a, net.room_a1}
    assert list(selectors.communities_for(user=people["civil"])) == []
    assert list(selectors.stations_for(user=people["sysadmin"])) == []


def test_resident_get_is_404_outside_the_scope(people, pair):
    from django.http import Http404

    zhang, _li, other = pair
    assert selectors.resident_get(user=people["street"], pk=zhang.pk) == zhang
    for who, r in (("worker_b", zhang), ("worker", other), ("civil", zhang), ("auditor", zhang)):
        with pytest.raises(Http404):
            selectors.resident_get(user=people[who], pk=r.pk)
    with pytest.raises(Http404):
        selectors.resident_get(user=people["worker"], pk=999999)


# --- overdue visits -----------------------------------------------------------------------------


def _visited(actor, r, days_ago):
    services.visit_record(actor=actor, resident=r, data={
        "visited_on": today() - datetime.timedelta(days=days_ago), "kind": Visit.Kind.HOME,
        "findings": "情况稳定", "risk": Resident.Risk.MEDIUM})


@pytest.fixture
def plans(net, people, make_resident):
    worker = people["worker"]
    overdue = make_resident("逾期十天", visit_every_days=30)
    _visited(worker, overdue, 40)
    long_overdue = make_resident("逾期很久", visit_every_days=7)
    _visited(worker, long_overdue, 60)
    due_today = make_resident("今天到期", visit_every_days=30)
    _visited(worker, due_today, 30)
    recent = make_resident("最近走访", visit_every_days=30)
    _visited(worker, recent, 10)
    no_plan = make_resident("没有计划")
    _visited(worker, no_plan, 400)
    elsewhere = make_resident("三里庵逾期", station=net.station_b, community=net.community_b1, visit_every_days=7)
    _visited(people["worker_b"], elsewhere, 30)
    return overdue, long_overdue, due_today, recent, no_plan, elsewhere


def test_overdue_selector(people, plans):
    overdue, long_overdue, due_today, *_rest = plans
    assert list(selectors.overdue_visits(user=people["worker"])) == [long_overdue, overdue]
    assert due_today.visit_due_on == today()  # due today is not yet overdue
    assert [r.name for r in selectors.overdue_visits(user=people["worker_b"])] == ["三里庵逾期"]
    later = today() + datetime.timedelta(days=1)
    assert due_today in selectors.overdue_visits(user=people["worker"], on=later)


def test_overdue_page(people, login, plans):
    html = login(people["worker"]).get("/people/visits/overdue/").content.decode()
    listed = re.findall(r'<a href="/people/\d+/">([^<]+)</a>', html)
    assert listed == ["逾期很久", "逾期十天"]
    overdue = plans[0]
    assert f'href="/people/{overdue.pk}/visits/new/"' in html
    assert (today() - datetime.timedelta(days=10)).isoformat() in html
    assert "三里庵逾期" not in html


def test_a_new_plan_without_visits_falls_due_from_the_registration(people, make_resident):
    r = make_resident("新建档", visit_every_days=7)
    assert r.visit_due_on == today() + datetime.timedelta(days=7)
    Resident.objects.filter(pk=r.pk).update(visit_due_on=today() - datetime.timedelta(days=1))
    assert list(selectors.overdue_visits(user=people["worker"])) == [Resident.objects.get(pk=r.pk)]


# --- history ------------------------------------------------------------------------------------


def test_history_lists_changes_with_personal_numbers_hidden(people, make_resident):
    old_id, old_mobile = id_number(), mobile()
    r = make_resident("张三", id_number=old_id, mobile=old_mobile, note="旧备注")
    new_id, new_mobile = id_number(), mobile()
    services.resident_update(actor=people["worker"], resident=r, data={
        "id_number": new_id, "mobile": new_mobile, "note": "新备注", "guardian_phone": "13977778888"})
    newest, oldest = selectors.resident_history(resident=r)
    assert oldest.changes == [] and oldest.record.history_type == "+"
    changes = {label: (old, new) for label, old, new in newest.changes}
    assert changes["身份证号"] == ("***", "***")
    assert changes["手机号"] == ("***", "***")
    assert changes["监护人/紧急联系人电话"] == ("***", "***")
    assert changes["备注"] == ("旧备注", "新备注")
    text = repr(newest.changes)
    for secret in (old_id, new_id, old_mobile, new_mobile, old_id[-4:], new_id[-4:], "13977778888"):
        assert secret not in text, secret


def test_duplicate_owner_is_found_platform_wide(net, make_resident):
    r = make_resident("张三丰", station=net.station_b, community=net.community_b1, id_number=id_number())
    assert selectors.duplicate_owner(id_number_hash=r.id_number_hash) == r
    assert selectors.duplicate_owner(id_number_hash="") is None
