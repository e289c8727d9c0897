"""Writes on the people registry: consent rules, ID numbers and duplicates, edits, needs,
visits, reveals and restores, through ``wushe.people.services``."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404

from tests.people.factories import (
    consent,
    first_community,
    id_15,
    id_number,
    masked_id,
    masked_mobile,
    mobile,
    today,
    years_ago,
)
from wushe.core.models import AuditEntry
from wushe.people import services
from wushe.people.models import Need, Resident, Tag, Visit

# --- registering: the same rules as a new file (create) or when a file is completed (update) ---------


@pytest.fixture(params=["create", "update"])
def save(request, net, people, make_resident):
    """Save a resident's data through the service, as a new file or as an edit of a minimal one.

    Returns the saved resident; raises what the service raises. ``save.existing`` is the
    minimal file being completed (None for a new one), to check that a refusal left it as it was.
    """

    def _save(*, actor=None, station=None, community=None, **fields):
        actor = actor or people["worker"]
        station = station or net.station_a
        community = community or net.community_a1
        data = {"station": station, "community": community, "name": "张三", "id_number": "", "mobile": "",
                "consent_by": "", "consent_method": "", "consent_on": None, **fields}
        if request.param == "create":
            return services.resident_create(actor=actor, data=data)
        _save.existing = make_resident("待完善", station=station, community=first_community(station),
                                       with_consent=False)
        return services.resident_update(actor=actor, resident=_save.existing, data=data)

    _save.existing = None
    _save.mode = request.param
    return _save


def _messages(exc: ValidationError, field: str) -> str:
    return "；".join(str(m) for e in exc.error_dict[field] for m in e.messages)


def _unchanged(save) -> None:
    """A refused save wrote nothing: no new file, the minimal one still minimal."""
    if save.existing is None:
        assert not Resident.objects.exists()
    else:
        stored = Resident.objects.get(pk=save.existing.pk)
        assert (stored.name, stored.id_number_hash, stored.mobile_hash, stored.address, stored.consent_by) == (
            "待完善", "", "", "", "")


CONSENT_FIELDS = [
    ("id_number", lambda: id_number(), "身份证号"),
    ("mobile", mobile, "手机号"),
    ("address", lambda: "西园路 8 号 3 栋", "住址"),
    ("disability_type", lambda: "肢体残疾", "残疾类别"),
    ("disability_grade", lambda: "二级", "残疾等级"),
    ("income", lambda: Resident.Income.DIBAO, "困难类型"),
    ("guardian_phone", lambda: "13955556666", "监护人/紧急联系人电话"),
]


@pytest.mark.parametrize(("field", "value", "label"), CONSENT_FIELDS, ids=[f for f, _v, _l in CONSENT_FIELDS])
def test_without_consent_each_personal_field_is_refused_by_name(save, field, value, label):
    with pytest.raises(ValidationError) as caught:
        save(**{field: value()})
    text = _messages(caught.value, "consent_by")
    assert "未取得知情同意" in text
    assert label in text
    _unchanged(save)


def test_without_consent_the_message_names_every_filled_field_and_only_those(save):
    with pytest.raises(ValidationError) as caught:
        save(id_number=id_number(), mobile=mobile(), address="西园路 8 号", income=Resident.Income.TEKUN)
    text = _messages(caught.value, "consent_by")
    for label in ("身份证号", "手机号", "住址", "困难类型"):
        assert label in text
    for label in ("残疾类别", "残疾等级", "监护人/紧急联系人电话"):
        assert label not in text


def test_without_consent_a_minimal_record_is_kept(save, net):
    r = save(name="李四", living=Resident.Living.ALONE, risk=Resident.Risk.HIGH)
    stored = Resident.objects.get(pk=r.pk)
    assert (stored.name, stored.community_id, stored.living, stored.risk) == (
        "李四", net.community_a1.code, "alone", "high")
    assert not stored.has_consent
    assert stored.id_number == "" and stored.id_number_hash == ""


def test_with_consent_the_date_and_the_method_are_required(save):
    with pytest.raises(ValidationError) as caught:
        save(consent_by=Resident.ConsentBy.SELF, id_number=id_number())
    errors = caught.value.error_dict
    assert _messages(caught.value, "consent_on") == "请填写知情同意的日期。"
    assert _messages(caught.value, "consent_method") == "请选择知情同意的方式。"
    assert "consent_by" not in errors
    _unchanged(save)


def test_with_complete_consent_the_personal_fields_are_kept(save):
    number, phone = id_number(), mobile()
    r = save(id_number=number, mobile=phone, address="西园路 8 号", income=Resident.Income.LOW, **consent())
    stored = Resident.objects.get(pk=r.pk)
    assert stored.id_number.reveal() == number
    assert stored.mobile.reveal() == phone
    assert (stored.address, stored.income, stored.consent_by, stored.consent_method) == (
        "西园路 8 号", "low", "self", "paper")


def test_under_14_self_consent_is_refused(save):
    child = id_number(years_ago(10))
    with pytest.raises(ValidationError) as caught:
        save(name="小明", id_number=child, guardian_name="张妈妈", **consent(by=Resident.ConsentBy.SELF))
    assert _messages(caught.value, "consent_by") == "未满14周岁的服务对象须由监护人作出知情同意。"
    _unchanged(save)


def test_under_14_guardian_consent_is_accepted(save):
    r = save(name="小明", id_number=id_number(years_ago(10)), guardian_name="张妈妈",
             **consent(by=Resident.ConsentBy.GUARDIAN))
    assert Resident.objects.get(pk=r.pk).consent_by == "guardian"


@pytest.mark.parametrize(("birth_days", "refused"), [(1, True), (0, False)], ids=["14-tomorrow", "14-today"])
def test_the_age_of_14_counts_from_the_birthday(save, birth_days, refused):
    number = id_number(years_ago(14, days=birth_days))
    kwargs = {"name": "小红", "id_number": number, "guardian_name": "王爸爸", **consent(by=Resident.ConsentBy.SELF)}
    if refused:
        with pytest.raises(ValidationError) as caught:
            save(**kwargs)
        assert "未满14周岁" in _messages(caught.value, "consent_by")
    else:
        assert save(**kwargs).age() == 14


def test_a_minor_needs_a_guardian(save):
    with pytest.raises(ValidationError) as caught:
        save(name="小刚", id_number=id_number(years_ago(16)), **consent())
    assert _messages(caught.value, "guardian_name") == "未成年人须登记监护人。"
    _unchanged(save)


def test_an_adult_since_today_needs_no_guardian(save):
    r = save(name="小刚", id_number=id_number(years_ago(18)), **consent())
    assert r.age() == 18 and not r.is_minor


def test_the_community_must_be_a_village(save, net):
    with pytest.raises(ValidationError) as caught:
        save(community=net.street_a)
    assert _messages(caught.value, "community") == "请选择社区或村（村/社区级区划）。"
    _unchanged(save)


def test_the_community_must_lie_inside_the_stations_division(save, net, people):
    with pytest.raises(ValidationError) as caught:
        save(community=net.community_b1, actor=people["street"])
    assert _messages(caught.value, "community") == "该社区不在建档站点的服务范围内。"
    _unchanged(save)


def test_a_community_room_keeps_files_of_its_own_community_only(save, net):
    with pytest.raises(ValidationError) as caught:
        save(station=net.room_a1, community=net.community_a2)
    assert "该社区不在建档站点的服务范围内" in _messages(caught.value, "community")


# --- ID numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("male", [True, False], ids=["male", "female"])
def test_birth_date_and_sex_come_from_the_id_number(save, male):
    number = id_number(datetime.date(1948, 11, 30), male=male)
    r = save(id_number=number, **consent())
    stored = Resident.objects.get(pk=r.pk)
    assert stored.birth_date == datetime.date(1948, 11, 30)
    assert stored.sex == ("male" if male else "female")
    assert stored.id_suffix == number[-4:]
    assert stored.id_number_hash and stored.id_number_hash != number


def test_the_id_number_is_encrypted_at_rest(save):
    number, phone = id_number(), mobile()
    r = save(id_number=number, mobile=phone, **consent())
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, mobile FROM people_resident WHERE id = %s", [r.pk])
        raw_id, raw_mobile = cursor.fetchone()
    assert raw_id and number not in raw_id and number[-8:] not in raw_id
    assert raw_mobile and phone not in raw_mobile


def test_a_15_digit_id_number_is_upgraded(save):
    old = id_15(datetime.date(1962, 5, 4))
    r = save(id_number=old, **consent())
    stored = Resident.objects.get(pk=r.pk).id_number.reveal()
    assert len(stored) == 18
    assert stored[:6] == old[:6] and stored[6:8] == "19" and stored[8:17] == old[6:]
    assert Resident.objects.get(pk=r.pk).birth_date == datetime.date(1962, 5, 4)


def test_a_wrong_check_digit_is_refused(save):
    number = id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        save(id_number=wrong, **consent())
    assert "校验位" in _messages(caught.value, "id_number")
    _unchanged(save)


def test_a_duplicate_in_scope_links_to_the_existing_file(save, make_resident):
    number = id_number()
    first = make_resident("王秀英", id_number=number)
    with pytest.raises(ValidationError) as caught:
        save(name="王秀英（重复）", id_number=number, **consent())
    text = _messages(caught.value, "id_number")
    assert "该身份证号已经登记" in text
    assert f'href="/people/{first.pk}/"' in text
    assert "王秀英" in text
    assert Resident.objects.filter(id_number_hash=first.id_number_hash).count() == 1


def test_a_15_digit_duplicate_is_a_duplicate(save, make_resident):
    old = id_15()
    first = make_resident("周建国", id_number=old)
    with pytest.raises(ValidationError) as caught:
        save(id_number=old, **consent())
    assert f"/people/{first.pk}/" in _messages(caught.value, "id_number")


def test_a_duplicate_registered_elsewhere_says_nothing_about_that_person(save, net, people, make_resident):
    number = id_number()
    first = make_resident("钱淑芬", id_number=number, address="西园路 99 号")
    with pytest.raises(services.RegisteredElsewhere) as caught:
        save(actor=people["worker_b"], station=net.station_b, community=net.community_b1, id_number=number,
             **consent())
    assert isinstance(caught.value, ValidationError)  # shown on the form like any other refusal
    text = _messages(caught.value, "id_number")
    assert "已在其他站点登记" in text
    # The only link is to the transfer request form, which carries nothing of this person.
    assert "/people/transfers/new/" in text
    text = text.replace("/people/transfers/new/", "")
    for secret in ("钱淑芬", "西园", net.station_a.name, net.community_a1.name, "/people/", str(first.pk),
                   "99", number[-4:]):
        assert secret not in text, secret
    assert Resident.objects.filter(id_number_hash=first.id_number_hash).get().pk == first.pk


def test_the_database_refuses_a_second_file_with_the_same_id_number(make_resident, net):
    number = id_number()
    make_resident("甲", id_number=number)
    twin = Resident(station=net.station_b, community=net.community_b1, name="乙", id_number=number,
                    **consent())
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    assert Resident.objects.count() == 1


def test_the_database_allows_many_files_without_id_number(make_resident):
    make_resident("甲", with_consent=False)
    make_resident("乙", with_consent=False)
    assert Resident.objects.filter(id_number_hash="").count() == 2


def test_create_turns_a_lost_race_into_a_validation_error(monkeypatch, net, people, make_resident):
    number = id_number()
    make_resident("甲", id_number=number)
    monkeypatch.setattr(services, "duplicate_owner", lambda **kw: None)  # as if registered a moment ago
    with pytest.raises(ValidationError) as caught:
        services.resident_create(actor=people["worker"], data={
            "station": net.station_a, "community": net.community_a1, "name": "乙", "id_number": number,
            **consent()})
    assert _messages(caught.value, "id_number") == "该身份证号已经登记。"


def test_update_turns_a_lost_race_into_a_validation_error(monkeypatch, people, make_resident):
    number = id_number()
    make_resident("甲", id_number=number)
    other = make_resident("乙")
    monkeypatch.setattr(services, "duplicate_owner", lambda **kw: None)
    with pytest.raises(ValidationError) as caught:
        services.resident_update(actor=people["worker"], resident=other, data={"id_number": number})
    assert _messages(caught.value, "id_number") == "该身份证号已经登记。"


# --- editing ----------------------------------------------------------------------------------


def test_fields_left_out_keep_their_values(people, make_resident):
    number, phone = id_number(), mobile()
    r = make_resident("张三", id_number=number, mobile=phone)
    services.resident_update(actor=people["worker"], resident=r, data={"note": "新备注"})
    stored = Resident.objects.get(pk=r.pk)
    assert (stored.id_number.reveal(), stored.mobile.reveal(), stored.note) == (number, phone, "新备注")


def test_moving_to_a_community_of_another_street_is_refused(net, people, make_resident):
    r = make_resident("张三")
    with pytest.raises(ValidationError):
        services.resident_update(actor=people["worker"], resident=r, data={"community": net.community_b1})
    # Together with a station above both streets the model is satisfied; the scope is not.
    with pytest.raises(Http404):
        services.resident_update(actor=people["worker"], resident=Resident.objects.get(pk=r.pk),
                                 data={"station": net.center, "community": net.community_b1})
    stored = Resident.objects.get(pk=r.pk)
    assert (stored.station_id, stored.community_id) == (net.station_a.pk, net.community_a1.code)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CHANGED).exists()


def test_moving_within_the_street_is_allowed(net, people, make_resident):
    r = make_resident("张三")
    services.resident_update(actor=people["worker"], resident=r, data={"community": net.community_a2})
    assert Resident.objects.get(pk=r.pk).community_id == net.community_a2.code


def test_a_file_cannot_be_moved_to_a_station_outside_the_scope(net, people, make_resident):
    r = make_resident("张三")
    # 蜀山区's centre: the community would still be theirs, the station is not
    with pytest.raises(Http404):
        services.resident_update(actor=people["worker"], resident=r, data={"station": net.center})
    assert Resident.objects.get(pk=r.pk).station_id == net.station_a.pk


def test_an_edit_is_audited_without_the_plaintext(people, make_resident):
    old_id, old_mobile, new_id, new_mobile = id_number(), mobile(), id_number(), mobile()
    r = make_resident("张三", id_number=old_id, mobile=old_mobile, guardian_phone="13911112222")
    services.resident_update(actor=people["worker"], resident=r, data={
        "name": "张叁", "id_number": new_id, "mobile": new_mobile, "guardian_phone": "13933334444",
        "risk": Resident.Risk.HIGH})
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CHANGED, object_type="people.resident")
    assert entry.object_id == str(r.pk) and entry.actor == people["worker"]
    assert entry.division_code == r.community_id
    # Personal values stay out of the audit log (auditors read no personal data).
    assert entry.detail["name"] == "已修改" and "张叁" not in str(entry.detail)
    assert entry.detail["risk"] == ["low", "high"]
    assert entry.detail["id_number"] == entry.detail["mobile"] == entry.detail["guardian_phone"] == "已修改"
    dumped = json.dumps(entry.detail, ensure_ascii=False)
    for secret in (old_id, new_id, old_mobile, new_mobile, old_id[-4:], new_id[-4:], "13911112222", "13933334444",
                   masked_id(new_id)):
        assert secret not in dumped, secret
    assert Resident.objects.get(pk=r.pk).id_number.reveal() == new_id


def test_an_edit_that_changes_nothing_is_not_audited(people, make_resident):
    number = id_number()
    r = make_resident("张三", id_number=number)
    services.resident_update(actor=people["worker"], resident=r, data={"name": "张三", "id_number": number})
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CHANGED).exists()


def test_a_changed_id_number_moves_birth_date_sex_and_suffix(people, make_resident):
    r = make_resident("张三", id_number=id_number(datetime.date(1950, 1, 1), male=True))
    new = id_number(datetime.date(1961, 6, 15), male=False)
    services.resident_update(actor=people["worker"], resident=r, data={"id_number": new})
    stored = Resident.objects.get(pk=r.pk)
    assert (stored.birth_date, stored.sex, stored.id_suffix) == (datetime.date(1961, 6, 15), "female", new[-4:])


def test_a_plan_set_later_schedules_the_next_visit(people, make_resident):
    r = make_resident("张三")
    assert r.visit_due_on is None
    services.resident_update(actor=people["worker"], resident=r, data={"visit_every_days": 14})
    assert Resident.objects.get(pk=r.pk).visit_due_on == today() + datetime.timedelta(days=14)
    services.resident_update(actor=people["worker"], resident=Resident.objects.get(pk=r.pk),
                             data={"visit_every_days": None})
    assert Resident.objects.get(pk=r.pk).visit_due_on is None


def test_out_of_scope_edit_is_404(people, make_resident):
    r = make_resident("张三")
    with pytest.raises(Http404):
        services.resident_update(actor=people["worker_b"], resident=r, data={"note": "x"})
    assert Resident.objects.get(pk=r.pk).note == ""


# --- reveal --------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["id_number", "mobile"])
def test_reveal_returns_the_full_value_and_is_audited(people, make_resident, field):
    values = {"id_number": id_number(), "mobile": mobile()}
    r = make_resident("张三", **values)
    assert services.resident_reveal(actor=people["worker"], resident=r, field=field) == values[field]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REVEALED)
    assert (entry.object_id, entry.actor, entry.detail) == (str(r.pk), people["worker"], {"field": field})
    assert values[field] not in json.dumps(entry.detail)


def test_reveal_of_another_field_is_refused(people, make_resident):
    r = make_resident("张三", address="西园路 1 号")
    with pytest.raises(ValidationError):
        services.resident_reveal(actor=people["worker"], resident=r, field="address")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVEALED).exists()


def test_reveal_needs_the_reveal_permission(people, make_resident):
    r = make_resident("张三", id_number=id_number())
    with pytest.raises(PermissionDenied):
        services.resident_reveal(actor=people["street"], resident=r, field="id_number")  # person.view only
    with pytest.raises(PermissionDenied):
        services.resident_reveal(actor=people["worker_b"], resident=r, field="id_number")  # elsewhere
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REVEALED).exists()


def test_opening_a_file_is_audited(people, make_resident):
    r = make_resident("张三")
    services.resident_file_opened(actor=people["head"], resident=r)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEWED)
    assert (entry.object_type, entry.object_id, entry.actor) == ("people.resident", str(r.pk), people["head"])


# --- restore -------------------------------------------------------------------------------------


def _versions(r):
    return list(r.history.order_by("history_date", "history_id"))


def test_a_manager_restores_an_older_version(people, make_resident):
    r = make_resident("张三", note="原始备注", risk=Resident.Risk.LOW)
    services.resident_update(actor=people["worker"], resident=r, data={"name": "张冠李戴", "note": "改错了",
                                                                     "risk": Resident.Risk.HIGH})
    first = _versions(r)[0]
    services.resident_restore(actor=people["head"], resident=Resident.objects.get(pk=r.pk),
                              history_id=first.history_id)
    stored = Resident.objects.get(pk=r.pk)
    assert (stored.name, stored.note, stored.risk) == ("张三", "原始备注", "low")
    assert stored.name_pinyin.startswith("zs ")  # derived columns follow
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CHANGED, actor=people["head"]).get()
    assert entry.object_id == str(r.pk)
    assert entry.detail["name"] == "已修改"
    assert len(_versions(r)) == 3  # the restore is a new version; nothing is lost


def test_restore_brings_back_the_tags_but_not_a_later_visits_risk(people, make_resident, net):
    old_tags, new_tags = [Tag.objects.create(name="独居老人"), Tag.objects.create(name="高龄")], [
        Tag.objects.create(name="残疾人")]
    r = make_resident("张三")
    services.resident_update(actor=people["worker"], resident=r, data={"note": "有类别"}, tags=old_tags)
    version = _versions(r)[-1]
    services.resident_update(actor=people["worker"], resident=Resident.objects.get(pk=r.pk), data={}, tags=new_tags)
    services.visit_record(actor=people["worker"], resident=Resident.objects.get(pk=r.pk), data=_visit(risk="high"))

    services.resident_restore(actor=people["head"], resident=Resident.objects.get(pk=r.pk),
                              history_id=version.history_id)

    stored = Resident.objects.get(pk=r.pk)
    assert sorted(t.name for t in stored.tags.all()) == ["独居老人", "高龄"]
    assert stored.risk == "high"
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CHANGED, actor=people["head"]).get()
    assert entry.detail["tags"] == ["残疾人", "独居老人、高龄"]


def test_restore_brings_back_an_old_id_number(people, make_resident):
    old = id_number()
    r = make_resident("张三", id_number=old)
    services.resident_update(actor=people["worker"], resident=r, data={"id_number": id_number()})
    services.resident_restore(actor=people["head"], resident=Resident.objects.get(pk=r.pk),
                              history_id=_versions(r)[0].history_id)
    stored = Resident.objects.get(pk=r.pk)
    assert stored.id_number.reveal() == old and stored.id_suffix == old[-4:]


def test_a_worker_may_not_restore(people, make_resident):
    r = make_resident("张三")
    services.resident_update(actor=people["worker"], resident=r, data={"name": "张冠李戴"})
    with pytest.raises(PermissionDenied):
        services.resident_restore(actor=people["worker"], resident=Resident.objects.get(pk=r.pk),
                                  history_id=_versions(r)[0].history_id)
    assert Resident.objects.get(pk=r.pk).name == "张冠李戴"


def test_restore_takes_only_the_residents_own_versions(people, make_resident):
    r = make_resident("张三")
    other = make_resident("李四")
    with pytest.raises(ValidationError) as caught:
        services.resident_restore(actor=people["head"], resident=r, history_id=_versions(other)[0].history_id)
    assert "该历史版本不存在" in "".join(caught.value.messages)
    assert Resident.objects.get(pk=r.pk).name == "张三"


# --- needs ---------------------------------------------------------------------------------------


@pytest.fixture
def need(people, make_resident):
    r = make_resident("张三")
    return services.need_create(actor=people["worker"], data={
        "resident": r, "category": Need.Category.CARE, "description": "需要助餐服务", "source": Need.Source.HOTLINE})


def _fresh(need) -> Need:
    return Need.objects.get(pk=need.pk)


def test_a_need_belongs_to_the_residents_community_and_is_audited(need, net, people):
    stored = _fresh(need)
    assert (stored.community_id, stored.status, stored.raised_on) == (net.community_a1.code, "open", today())
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATED, object_type="people.need")
    assert entry.object_id == str(need.pk) and entry.division_code == net.community_a1.code


def test_the_status_flow_to_met(need, people):
    worker = people["worker"]
    services.need_transition(actor=worker, need=_fresh(need), status=Need.Status.MATCHED)
    assert (_fresh(need).status, _fresh(need).handler) == ("matched", worker)
    services.need_transition(actor=people["head"], need=_fresh(need), status=Need.Status.IN_SERVICE)
    assert _fresh(need).handler == worker  # the first handler stays
    services.need_transition(actor=worker, need=_fresh(need), status=Need.Status.MET, reason="  已安排助餐  ")
    stored = _fresh(need)
    assert (stored.status, stored.close_reason, stored.closed_on, stored.is_open) == ("met", "已安排助餐", today(),
                                                                                       False)
    statuses = [e.detail["status"] for e in AuditEntry.objects.filter(
        action=AuditEntry.Action.CHANGED, object_type="people.need").order_by("id")]
    assert statuses == [["open", "matched"], ["matched", "in_service"], ["in_service", "met"]]


ALLOWED = {  # the flow as the registry's users were promised it
    "open": {"matched", "in_service", "closed"},
    "matched": {"in_service", "open", "closed"},
    "in_service": {"met", "closed"},
    "met": set(),
    "closed": set(),
}
REFUSED = [(a, b) for a in ALLOWED for b in ALLOWED if b not in ALLOWED[a]]
ACCEPTED = [(a, b) for a in ALLOWED for b in sorted(ALLOWED[a])]


@pytest.mark.parametrize(("before", "after"), REFUSED, ids=[f"{a}-{b}" for a, b in REFUSED])
def test_transitions_outside_the_flow_are_refused_in_chinese(need, people, before, after):
    Need.objects.filter(pk=need.pk).update(status=before)
    with pytest.raises(ValidationError) as caught:
        services.need_transition(actor=people["worker"], need=_fresh(need), status=after, reason="理由")
    labels = dict(Need.Status.choices)
    assert "".join(caught.value.messages) == f"需求不能从“{labels[before]}”变为“{labels[after]}”。"
    assert _fresh(need).status == before


@pytest.mark.parametrize(("before", "after"), ACCEPTED, ids=[f"{a}-{b}" for a, b in ACCEPTED])
def test_transitions_inside_the_flow_are_accepted(need, people, before, after):
    Need.objects.filter(pk=need.pk).update(status=before)
    services.need_transition(actor=people["worker"], need=_fresh(need), status=after, reason="说明")
    assert _fresh(need).status == after


@pytest.mark.parametrize(("before", "after"), [("in_service", "met"), ("open", "closed"), ("matched", "closed")])
@pytest.mark.parametrize("reason", ["", "   "])
def test_ending_a_need_needs_a_reason(need, people, before, after, reason):
    Need.objects.filter(pk=need.pk).update(status=before)
    with pytest.raises(ValidationError) as caught:
        services.need_transition(actor=people["worker"], need=_fresh(need), status=after, reason=reason)
    assert _messages(caught.value, "close_reason") == "请说明需求如何满足或关闭的原因。"
    assert (_fresh(need).status, _fresh(need).closed_on) == (before, None)


def test_needs_are_scoped(need, people):
    with pytest.raises(Http404):
        services.need_transition(actor=people["worker_b"], need=_fresh(need), status=Need.Status.MATCHED)
    with pytest.raises(Http404):
        services.need_create(actor=people["worker_other"], data={
            "resident": need.resident, "category": Need.Category.OTHER, "description": "x",
            "source": Need.Source.HOTLINE})
    assert _fresh(need).status == "open" and Need.objects.count() == 1


# --- visits --------------------------------------------------------------------------------------


def _visit(**over):
    return {"visited_on": today(), "kind": Visit.Kind.HOME, "findings": "老人身体尚可", "risk": Resident.Risk.MEDIUM,
            **over}


def test_a_visit_updates_the_file_and_the_plan(people, make_resident):
    r = make_resident("张三", visit_every_days=30)
    day = today() - datetime.timedelta(days=3)
    visit = services.visit_record(actor=people["worker"], resident=r, data=_visit(visited_on=day, risk="high"))
    stored = Resident.objects.get(pk=r.pk)
    assert (stored.last_visit_on, stored.risk) == (day, "high")
    assert stored.visit_due_on == day + datetime.timedelta(days=30)
    assert list(visit.visitors.all()) == [people["worker"]]
    assert visit.community_id == r.community_id
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATED, object_type="people.visit").count() == 1


def test_a_visit_without_a_plan_sets_no_due_date(people, make_resident):
    r = make_resident("张三")
    services.visit_record(actor=people["worker"], resident=r, data=_visit())
    stored = Resident.objects.get(pk=r.pk)
    assert (stored.last_visit_on, stored.visit_due_on) == (today(), None)


def test_an_older_visit_does_not_move_the_file_back(people, make_resident):
    r = make_resident("张三", visit_every_days=10)
    services.visit_record(actor=people["worker"], resident=r, data=_visit(risk="high"))
    services.visit_record(actor=people["worker"], resident=Resident.objects.get(pk=r.pk),
                          data=_visit(visited_on=today() - datetime.timedelta(days=20), risk="low"))
    stored = Resident.objects.get(pk=r.pk)
    assert (stored.last_visit_on, stored.risk, stored.visit_due_on) == (
        today(), "high", today() + datetime.timedelta(days=10))
    assert Visit.objects.filter(resident=r).count() == 2


def test_a_visit_in_the_future_is_refused(people, make_resident):
    r = make_resident("张三", visit_every_days=30)
    with pytest.raises(ValidationError) as caught:
        services.visit_record(actor=people["worker"], resident=r,
                              data=_visit(visited_on=today() + datetime.timedelta(days=1)))
    assert _messages(caught.value, "visited_on") == "走访日期不能晚于今天。"
    assert not Visit.objects.exists()
    assert Resident.objects.get(pk=r.pk).last_visit_on is None


def test_a_visit_raises_needs(people, make_resident):
    r = make_resident("张三")
    visit = services.visit_record(actor=people["worker"], resident=r, data=_visit(), needs=[
        {"category": Need.Category.HEALTH, "description": "需要定期测血压"}])
    need = Need.objects.get()
    assert (need.resident, need.visit, need.source, need.category, need.community_id, need.status) == (
        r, visit, "visit", "health", r.community_id, "open")
    assert list(visit.needs_raised.all()) == [need]


def test_visits_are_scoped(people, make_resident):
    r = make_resident("张三")
    with pytest.raises(Http404):
        services.visit_record(actor=people["worker_b"], resident=r, data=_visit())
    assert not Visit.objects.exists()


def test_pinyin_of_a_name():
    assert services.pinyin_of("张三") == "zs zhangsan"
    assert services.pinyin_of("李四") == "ls lisi"


def test_the_stored_masked_forms_follow_every_change_of_the_numbers(save, people):
    number, phone = id_number(), mobile()
    r = save(id_number=number, mobile=phone, **consent())
    stored = Resident.objects.get(pk=r.pk)
    assert (stored.id_number_masked, stored.mobile_masked) == (masked_id(number), masked_mobile(phone))

    new_phone = mobile()
    services.resident_update(actor=people["worker"], resident=stored, data={"mobile": new_phone})
    services.resident_update(actor=people["worker"], resident=Resident.objects.get(pk=r.pk), data={"mobile": ""})
    stored = Resident.objects.get(pk=r.pk)
    assert (stored.id_number_masked, stored.mobile_masked) == (masked_id(number), "")
