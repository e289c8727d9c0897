"""The people registry in the API: scope, masking, audit, validation, needs and visits."""

import datetime

import pytest
from django.utils import timezone

from tests.people import factories
from wushe.accounts.services import api_token_issue
from wushe.core.models import AuditEntry
from wushe.people.models import Need, Resident, Tag, Visit

ID_A = factories.id_number(datetime.date(1940, 5, 12))  # 王大爷, 西园新村
MOBILE_A = "13912340001"
ID_B = factories.id_number(datetime.date(2015, 8, 1), male=False)  # 李小妹, 三里庵
MOBILE_B = "13912340002"
SECRETS = (ID_A, MOBILE_A, ID_B, MOBILE_B)


class Caller:
    """Requests with one user's bearer token; every response is kept to check for leaks."""

    def __init__(self, client, user, seen):
        key, _tok = api_token_issue(user=user)
        self.client, self.headers, self.seen = client, {"Authorization": f"Bearer {key}"}, seen

    def _keep(self, response):
        self.seen.append(response.content.decode())
        return response

    def get(self, path, **params):
        return self._keep(self.client.get(path, params, headers=self.headers))

    def post(self, path, body):
        return self._keep(self.client.post(path, body, content_type="application/json", headers=self.headers))

    def patch(self, path, body):
        return self._keep(self.client.patch(path, body, content_type="application/json", headers=self.headers))


@pytest.fixture
def seen():
    """Every response body of the test; at the end none may hold a full ID or mobile number."""
    bodies = []
    yield bodies
    for body in bodies:
        for secret in SECRETS:
            assert secret not in body


@pytest.fixture
def api(client, seen):
    return lambda user: Caller(client, user, seen)


@pytest.fixture
def tag(db):
    return Tag.objects.create(name="独居老人")


@pytest.fixture
def wang(net, tag):
    return factories.resident("王大爷", station=net.station_a, community=net.community_a1, id_number=ID_A,
                              mobile=MOBILE_A, address="西园路1号", living=Resident.Living.ALONE,
                              visit_every_days=30, tags=[tag])


@pytest.fixture
def li(net):
    return factories.resident("李小妹", station=net.station_b, community=net.community_b1, id_number=ID_B,
                              mobile=MOBILE_B, guardian_name="李母",
                              **factories.consent(by=Resident.ConsentBy.GUARDIAN))


def need_of(resident, **extra):
    return Need.objects.create(resident=resident, community_id=resident.community_id,
                               category=Need.Category.CARE, description="需要助餐", source=Need.Source.VISIT,
                               **extra)


def new_resident(net, **extra):
    return {"station_id": net.station_a.pk, "community_code": net.community_a2.code, "name": "赵奶奶",
            "id_number": factories.id_number(datetime.date(1938, 1, 20), male=False),
            "mobile": "13912340009", "address": "滨湖路8号", "consent_by": "self", "consent_method": "paper",
            "consent_on": str(timezone.localdate()), **extra}


# --- access and scope ---------------------------------------------------------------------


def test_list_shape_and_masked_fields(api, people, wang, li, tag):
    response = api(people["worker"]).get("/api/v1/residents")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 1
    item = body["items"][0]
    assert item["name"] == "王大爷"
    assert item["community_code"] == "340104005001"
    assert item["community_name"] == "西园新村社区居委会"
    assert item["station_id"] == wang.station_id
    assert item["sex"] == "male"
    assert "birth_date" not in item  # with the masked ID it would be the full number
    assert item["age"] == wang.age()
    assert item["id_number_masked"] == ID_A[:6] + "********" + ID_A[-4:]
    assert item["mobile_masked"] == "139****0001"
    assert item["tags"] == ["独居老人"]
    assert item["has_consent"] is True
    assert "id_number" not in item and "mobile" not in item


def test_other_street_sees_only_its_own(api, people, wang, li):
    get = api(people["worker_b"]).get
    assert [i["name"] for i in get("/api/v1/residents").json()["items"]] == ["李小妹"]
    response = get(f"/api/v1/residents/{wang.pk}")
    assert response.status_code == 404
    assert "王大爷" not in str(response.json())
    assert get(f"/api/v1/residents/{wang.pk}/needs").status_code == 404
    assert get("/api/v1/residents/999999").status_code == 404
    # The view of a file it cannot see is not audited as a view.
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEWED).exists()


def test_other_street_cannot_write_to_a_file_outside_its_scope(api, people, wang):
    caller = api(people["worker_b"])
    assert caller.patch(f"/api/v1/residents/{wang.pk}", {"address": "x"}).status_code == 404
    assert caller.post(f"/api/v1/residents/{wang.pk}/needs", {
        "category": "care", "description": "x", "source": "visit"}).status_code == 404
    assert caller.post(f"/api/v1/residents/{wang.pk}/visits", {"findings": "x"}).status_code == 404
    wang.refresh_from_db()
    assert wang.address == "西园路1号"
    assert not wang.needs.exists() and not wang.visits.exists()


def test_needs_and_visits_are_scoped(api, people, wang, li):
    need = need_of(wang)
    need_of(li)
    Visit.objects.create(resident=wang, community_id=wang.community_id, findings="身体尚可")
    caller = api(people["worker_b"])
    assert [n["resident_name"] for n in caller.get("/api/v1/needs").json()["items"]] == ["李小妹"]
    assert caller.get("/api/v1/visits").json() == {"items": [], "count": 0}
    assert caller.get("/api/v1/visits", resident=wang.pk).status_code == 404
    response = caller.post(f"/api/v1/needs/{need.pk}/status", {"status": "matched"})
    assert response.status_code == 404
    need.refresh_from_db()
    assert need.status == Need.Status.OPEN


NEED = {"category": "care", "description": "x", "source": "visit"}


@pytest.mark.parametrize(("method", "path", "body"), [
    ("get", "/api/v1/residents", None), ("get", "/api/v1/residents/1", None), ("get", "/api/v1/needs", None),
    ("get", "/api/v1/visits", None), ("get", "/api/v1/residents/1/needs", None),
    ("post", "/api/v1/residents", {"station_id": 1, "community_code": "340104005001", "name": "x"}),
    ("patch", "/api/v1/residents/1", {"name": "x"}), ("post", "/api/v1/residents/1/needs", NEED),
    ("post", "/api/v1/needs/1/status", {"status": "matched"}), ("post", "/api/v1/residents/1/visits", {"findings": "x"}),
])
def test_roles_without_person_view_get_403(api, people, method, path, body):
    caller = api(people["civil"])
    response = caller.get(path) if body is None else getattr(caller, method)(path, body)
    assert response.status_code == 403
    assert response.json()["detail"] == "您的角色无权使用该接口。"


def test_no_token_is_401(client, wang):
    assert client.get("/api/v1/residents").status_code == 401
    assert client.get(f"/api/v1/residents/{wang.pk}").status_code == 401


# --- list filters and pagination ----------------------------------------------------------


def test_filters_narrow_the_list(api, people, net, wang, tag):
    young = factories.resident("张小明", station=net.station_a, community=net.community_a2,
                               id_number=factories.id_number(factories.years_ago(10)), guardian_name="张父",
                               **factories.consent(by=Resident.ConsentBy.GUARDIAN))
    get = api(people["street"]).get

    def names(**params):
        response = get("/api/v1/residents", **params)
        assert response.status_code == 200, response.content
        return sorted(i["name"] for i in response.json()["items"])

    assert names() == ["张小明", "王大爷"]
    assert names(age="old_old") == ["王大爷"]
    assert names(age="minor") == ["张小明"]
    assert names(tag=tag.pk) == ["王大爷"]
    assert names(community=net.community_a2.code) == ["张小明"]
    assert names(q=ID_A) == ["王大爷"]  # full ID number, looked up by its hash
    assert names(q=ID_A[-4:]) == ["王大爷"]
    assert names(q=MOBILE_A) == ["王大爷"]
    assert names(q="wdy") == ["王大爷"]
    assert names(q="张") == ["张小明"]
    assert young.pk


@pytest.mark.parametrize("params", [
    {"age": "ancient"}, {"risk": "extreme"}, {"income": "rich"}, {"tag": "999999"},
    {"community": "340104001001"},  # 三里庵: outside a 西园 worker's scope, never a wider answer
])
def test_invalid_filters_are_422(api, people, wang, params):
    response = api(people["worker"]).get("/api/v1/residents", **params)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", next(iter(params))]


def test_pagination(api, people, net, wang):
    for i in range(4):
        factories.resident(f"居民{i}", station=net.station_a, community=net.community_a1)
    get = api(people["worker"]).get
    everything = [i["id"] for i in get("/api/v1/residents").json()["items"]]
    assert len(everything) == 5
    page = get("/api/v1/residents", limit=2, offset=1).json()
    assert page["count"] == 5
    assert [i["id"] for i in page["items"]] == everything[1:3]
    assert get("/api/v1/residents", limit=2, offset=5).json()["items"] == []
    assert get("/api/v1/residents", limit=501).status_code == 422


# --- detail -------------------------------------------------------------------------------


def test_detail_is_masked_and_audited(api, people, wang):
    need_of(wang)
    need_of(wang, status=Need.Status.CLOSED)
    response = api(people["worker"]).get(f"/api/v1/residents/{wang.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["address"] == "西园路1号"
    assert body["living"] == "alone"
    assert body["visit_every_days"] == 30
    assert body["visit_due_on"] == str(timezone.localdate() + datetime.timedelta(days=30))
    assert body["needs_count"] == 2
    assert body["open_needs_count"] == 1
    assert body["household_id"] is None
    assert body["id_number_masked"].endswith(ID_A[-4:])
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEWED)
    assert (entry.actor, entry.object_type, entry.object_id) == (people["worker"], "people.resident", str(wang.pk))


# --- create ---------------------------------------------------------------------------------


def test_create(api, people, net, tag):
    payload = new_resident(net, tag_ids=[tag.pk], visit_every_days=14)
    response = api(people["worker"]).post("/api/v1/residents", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "赵奶奶"
    assert body["sex"] == "female"
    assert "birth_date" not in body and body["age"] > 80
    assert body["community_code"] == net.community_a2.code
    assert body["tags"] == ["独居老人"]
    assert body["mobile_masked"] == "139****0009"
    assert payload["id_number"] not in response.content.decode()
    assert "13912340009" not in response.content.decode()
    resident = Resident.objects.get(pk=body["id"])
    assert resident.id_number.reveal() == payload["id_number"]  # stored (encrypted), shown masked
    assert resident.created_by == people["worker"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATED, object_type="people.resident")
    assert (entry.actor, entry.object_id) == (people["worker"], str(resident.pk))


def test_create_with_a_bad_check_digit_is_422(api, people, net):
    good = new_resident(net)["id_number"]
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = api(people["worker"]).post("/api/v1/residents", new_resident(net, id_number=bad))
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "id_number"], "msg": "身份证号码校验位不正确，请核对"}]
    assert bad not in response.content.decode()
    assert not Resident.objects.exists()


def test_create_input_errors_name_the_field(api, people, net):
    caller = api(people["worker"])
    response = caller.post("/api/v1/residents", new_resident(net, mobile="12345"))
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "mobile"],
                                          "msg": "手机号码格式不正确（应为11位中国大陆手机号）"}]
    response = caller.post("/api/v1/residents", new_resident(net, community_code="3401"))
    assert response.json()["detail"] == [{"loc": ["body", "community_code"], "msg": "区划代码应为12位数字。"}]
    response = caller.post("/api/v1/residents", new_resident(net, tag_ids=[999999]))
    assert response.json()["detail"] == [{"loc": ["body", "tag_ids"], "msg": "人员类别不存在或已停用。"}]
    response = caller.post("/api/v1/residents", new_resident(net, name="a\x00b"))
    assert response.json()["detail"] == [{"loc": ["body", "name"], "msg": "请求中含有无效字符。"}]
    assert not Resident.objects.exists()


def test_create_model_errors_name_the_field(api, people, net):
    caller = api(people["worker"])
    response = caller.post("/api/v1/residents", new_resident(net, consent_by="", consent_method="",
                                                               consent_on=None))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "consent_by"]
    assert "知情同意" in error["msg"]
    response = caller.post("/api/v1/residents", new_resident(net, risk="extreme", name=""))
    assert response.status_code == 422
    assert {tuple(e["loc"]) for e in response.json()["detail"]} == {("body", "risk"), ("body", "name")}
    response = caller.post("/api/v1/residents", new_resident(net, community_code=net.street_a.code))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "community_code"]
    assert not Resident.objects.exists()


def test_create_outside_scope_is_404(api, people, net):
    caller = api(people["worker"])
    assert caller.post("/api/v1/residents", new_resident(net, station_id=net.station_b.pk)).status_code == 404
    assert caller.post("/api/v1/residents",
                       new_resident(net, community_code=net.community_b1.code)).status_code == 404
    assert caller.post("/api/v1/residents", new_resident(net, station_id=999999)).status_code == 404
    assert not Resident.objects.exists()


def test_duplicate_registered_elsewhere_tells_nothing_about_the_person(api, people, net, wang):
    payload = {**new_resident(net), "station_id": net.station_b.pk, "community_code": net.community_b1.code,
               "id_number": ID_A}
    response = api(people["worker_b"]).post("/api/v1/residents", payload)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "id_number"]
    assert "其他站点" in error["msg"]
    text = str(response.json())  # the body escapes non-ASCII; compare the decoded text
    for leak in ("王大爷", "西园", "wdy", ID_A[-4:]):
        assert leak not in text
    assert Resident.objects.count() == 1


def test_duplicate_in_scope_names_the_file_without_markup(api, people, net, wang):
    response = api(people["worker"]).post("/api/v1/residents", new_resident(net, id_number=ID_A))
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "id_number"]
    assert "王大爷" in error["msg"]
    assert "<a" not in error["msg"]


def test_duplicate_elsewhere_on_update_tells_nothing_about_the_person(api, people, wang, li):
    response = api(people["worker_b"]).patch(f"/api/v1/residents/{li.pk}", {"id_number": ID_A})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "id_number"]
    assert "其他站点" in error["msg"]
    text = str(response.json())  # the body escapes non-ASCII; compare the decoded text
    for leak in ("王大爷", "西园", "wdy", ID_A[-4:]):
        assert leak not in text
    li.refresh_from_db()
    assert li.id_number.reveal() == ID_B


def test_duplicate_in_scope_on_update_names_the_file_without_markup(api, people, net, wang):
    other = factories.resident("赵奶奶", station=net.station_a, community=net.community_a2)
    response = api(people["worker"]).patch(f"/api/v1/residents/{other.pk}", {"id_number": ID_A})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "id_number"]
    assert "王大爷" in error["msg"]
    assert "<a" not in error["msg"]


# --- update ---------------------------------------------------------------------------------


def test_patch_changes_only_what_is_sent(api, people, wang, tag):
    hashes = (wang.id_number_hash, wang.mobile_hash)
    caller = api(people["worker"])
    response = caller.patch(f"/api/v1/residents/{wang.pk}", {"address": "西园路2号", "risk": "high"})
    assert response.status_code == 200, response.content
    assert response.json()["address"] == "西园路2号"
    wang.refresh_from_db()
    assert (wang.address, wang.risk, wang.name, wang.living) == ("西园路2号", "high", "王大爷", "alone")
    assert (wang.id_number_hash, wang.mobile_hash) == hashes
    assert list(wang.tags.all()) == [tag]

    response = caller.patch(f"/api/v1/residents/{wang.pk}", {"mobile": "13912345678", "id_number": None,
                                                             "tag_ids": []})
    assert response.status_code == 200
    assert response.json()["mobile_masked"] == "139****5678"
    assert "13912345678" not in response.content.decode()
    wang.refresh_from_db()
    assert wang.mobile.reveal() == "13912345678"
    assert wang.id_number_hash == hashes[0]
    assert not wang.tags.exists()
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CHANGED, object_id=str(wang.pk)).latest("id")
    assert entry.detail["mobile"] == "已修改"
    assert "13912345678" not in str(entry.detail)


def test_patch_validation_error_is_422_and_keeps_the_file(api, people, wang):
    response = api(people["worker"]).patch(f"/api/v1/residents/{wang.pk}", {"consent_on": None})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "consent_on"]
    wang.refresh_from_db()
    assert wang.consent_on is not None


def test_patch_with_nulls(api, people, wang):
    caller = api(people["worker"])
    response = caller.patch(f"/api/v1/residents/{wang.pk}", {"address": None, "visit_every_days": None,
                                                             "mobile": None})
    assert response.status_code == 200, response.content
    wang.refresh_from_db()
    assert (wang.address, wang.visit_every_days, wang.visit_due_on) == ("", None, None)
    assert wang.mobile.reveal() == MOBILE_A  # null keeps a secret field
    response = caller.patch(f"/api/v1/residents/{wang.pk}", {"name": None})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]
    assert caller.patch(f"/api/v1/residents/{wang.pk}", {"station_id": None}).status_code == 422


def test_patch_cannot_move_a_file_out_of_scope(api, people, net, wang):
    caller = api(people["worker"])
    assert caller.patch(f"/api/v1/residents/{wang.pk}",
                        {"community_code": net.community_b1.code}).status_code == 404
    assert caller.patch(f"/api/v1/residents/{wang.pk}", {"station_id": net.center.pk}).status_code == 404
    wang.refresh_from_db()
    assert (wang.community_id, wang.station_id) == (net.community_a1.code, net.station_a.pk)


# --- needs ----------------------------------------------------------------------------------


def test_need_flow(api, people, wang):
    caller = api(people["worker"])
    response = caller.post(f"/api/v1/residents/{wang.pk}/needs",
                           {"category": "care", "description": "每日助餐", "source": "visit", "urgency": "urgent"})
    assert response.status_code == 201, response.content
    need = response.json()
    assert (need["status"], need["status_label"], need["resident_id"]) == ("open", "待对接", wang.pk)
    assert need["community_code"] == wang.community_id
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATED, object_type="people.need",
                                     object_id=str(need["id"])).exists()

    listed = caller.get(f"/api/v1/residents/{wang.pk}/needs").json()
    assert [n["id"] for n in listed["items"]] == [need["id"]] and listed["count"] == 1
    assert caller.get("/api/v1/needs", status="open", category="care").json()["count"] == 1
    assert caller.get("/api/v1/needs", category="legal").json()["count"] == 0

    status_url = f"/api/v1/needs/{need['id']}/status"
    response = caller.post(status_url, {"status": "matched"})
    assert response.status_code == 200
    assert response.json()["handler_name"] == people["worker"].full_name
    assert caller.post(status_url, {"status": "in_service"}).status_code == 200
    response = caller.post(status_url, {"status": "met"})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "reason"], "msg": "请说明需求如何满足或关闭的原因。"}]
    response = caller.post(status_url, {"status": "met", "reason": "已安排助餐"})
    assert response.status_code == 200
    assert response.json()["closed_on"] == str(timezone.localdate())

    response = caller.post(status_url, {"status": "open"})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "status"], "msg": "需求不能从“已满足”变为“待对接”。"}]
    assert caller.post(status_url, {"status": "bogus"}).status_code == 422
    assert Need.objects.get(pk=need["id"]).status == Need.Status.MET


def test_need_create_validation(api, people, wang):
    response = api(people["worker"]).post(f"/api/v1/residents/{wang.pk}/needs",
                                          {"category": "nonsense", "description": "x", "source": "visit"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "category"]
    assert not Need.objects.exists()


@pytest.mark.parametrize("params", [{"status": "pending"}, {"category": "x"}])
def test_invalid_need_filters_are_422(api, people, params):
    assert api(people["worker"]).get("/api/v1/needs", **params).status_code == 422


# --- visits ---------------------------------------------------------------------------------


def test_visit_updates_the_plan_and_raises_needs(api, people, wang):
    caller = api(people["worker"])
    visited = timezone.localdate() - datetime.timedelta(days=2)
    response = caller.post(f"/api/v1/residents/{wang.pk}/visits", {
        "visited_on": str(visited), "kind": "home", "findings": "独自在家，行动不便", "risk": "high",
        "needs": [{"category": "care", "description": "需要助餐"}],
    })
    assert response.status_code == 201, response.content
    visit = response.json()
    assert (visit["resident_id"], visit["risk"], visit["visitors"]) == (wang.pk, "high", [people["worker"].full_name])
    wang.refresh_from_db()
    assert wang.last_visit_on == visited
    assert wang.visit_due_on == visited + datetime.timedelta(days=30)
    assert wang.risk == "high"
    assert wang.needs.get().source == Need.Source.VISIT

    detail = caller.get(f"/api/v1/residents/{wang.pk}").json()
    assert detail["visit_due_on"] == str(visited + datetime.timedelta(days=30))
    listed = caller.get("/api/v1/visits", resident=wang.pk).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == visit["id"]


def test_visit_in_the_future_is_422(api, people, wang):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = api(people["worker"]).post(f"/api/v1/residents/{wang.pk}/visits",
                                          {"visited_on": str(tomorrow), "findings": "x"})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "visited_on"], "msg": "走访日期不能晚于今天。"}]
    assert not Visit.objects.exists()


def test_visit_defaults_to_today_and_the_current_risk(api, people, wang):
    response = api(people["worker"]).post(f"/api/v1/residents/{wang.pk}/visits", {"findings": "电话问候"})
    assert response.status_code == 201
    assert response.json()["visited_on"] == str(timezone.localdate())
    assert response.json()["risk"] == wang.risk


def test_a_child_without_an_id_number_is_registered_with_a_birth_date(api, people, net):
    payload = new_resident(net, id_number="", mobile="", name="小明", birth_date=str(factories.years_ago(8)),
                           sex="male", guardian_name="小明妈妈", consent_by="guardian")
    response = api(people["worker"]).post("/api/v1/residents", payload)
    assert response.status_code == 201, response.json()
    assert response.json()["age"] in (7, 8)
    assert "birth_date" not in response.json()
