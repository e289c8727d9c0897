"""The JSON API under /api/v1/: token sign-in with lockout, scoped lists and details, schema."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import PASSWORD, station, user
from wushe.accounts.models import ApiToken
from wushe.accounts.roles import Role
from wushe.accounts.services import api_token_issue
from wushe.core.models import AuditEntry, Room, Station

TOKEN_URL = "/api/v1/auth/token"


def post_token(client, username, password):
    return client.post(TOKEN_URL, {"username": username, "password": password},
                       content_type="application/json")


@pytest.fixture
def api(client):
    """``api(user)`` → a function doing GET requests with that user's bearer token."""

    def _for(u):
        key, _tok = api_token_issue(user=u)

        def get(path, **params):
            return client.get(path, params, headers={"Authorization": f"Bearer {key}"})

        return get

    return _for


# --- token ------------------------------------------------------------------------------


def test_token_issued_for_right_password(client, people):
    response = post_token(client, "t_shegong", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert len(body["token"]) >= 32
    expires = datetime.datetime.fromisoformat(body["expires_at"])
    assert timezone.now() < expires <= timezone.now() + datetime.timedelta(hours=12, minutes=1)
    tok = ApiToken.objects.get(user=people["worker"])
    assert tok.key_hash == ApiToken.hash_key(body["token"])  # only the hash is stored
    assert body["token"] not in tok.key_hash
    assert AuditEntry.objects.filter(action=AuditEntry.Action.API_TOKEN, actor=people["worker"]).exists()


def test_issued_token_works(client, people):
    key = post_token(client, "t_shegong", PASSWORD).json()["token"]
    response = client.get("/api/v1/stations", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


def test_wrong_password_is_401(client, people):
    response = post_token(client, "t_shegong", "Wrong@Pass2026")
    assert response.status_code == 401
    assert response.json()["detail"] == "用户名/手机号或密码不正确。"
    assert not ApiToken.objects.exists()


def test_unknown_user_is_401(client, people):
    assert post_token(client, "nobody", PASSWORD).status_code == 401


def test_inactive_user_gets_no_token(client, people):
    people["worker"].is_active = False
    people["worker"].save()
    assert post_token(client, "t_shegong", PASSWORD).status_code == 401


def test_missing_fields_are_422(client, people):
    response = client.post(TOKEN_URL, {"username": "t_shegong"}, content_type="application/json")
    assert response.status_code == 422


def _five_wrong(client):
    statuses = [post_token(client, "t_shegong", f"Wrong@Pass{i}").status_code for i in range(5)]
    assert statuses[:4] == [401] * 4
    return statuses[4]


def test_lockout_after_five_failures_even_with_right_password(client, people):
    fifth = _five_wrong(client)
    assert fifth == 403
    response = post_token(client, "t_shegong", PASSWORD)
    assert response.status_code == 403
    # JSON from the API itself, not axes' HTML lockout page (it used to answer 429 HTML).
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "连续登录失败次数过多，账号已锁定 15 分钟。"}
    assert not ApiToken.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOCKED_OUT).exists()


def test_no_token_before_the_forced_password_change(client, people):
    people["worker"].must_change_password = True
    people["worker"].save()
    response = post_token(client, "t_shegong", PASSWORD)
    assert response.status_code == 403
    assert "修改密码" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_no_token_with_an_expired_password(client, people, settings):
    settings.WUSHE_PASSWORD_EXPIRY_DAYS = 90
    people["worker"].password_changed_at = timezone.now() - datetime.timedelta(days=91)
    people["worker"].save()
    assert post_token(client, "t_shegong", PASSWORD).status_code == 403
    assert not ApiToken.objects.exists()


def current_totp(u) -> str:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=u, name="phone", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.mark.parametrize(("who", "username"), [("sysadmin", "t_admin"), ("civil", "t_minzheng")])
def test_second_factor_roles_need_the_otp_code(client, people, who, username):
    response = post_token(client, username, PASSWORD)  # password alone
    assert response.status_code == 403
    assert "otp" in response.json()["detail"]
    code = current_totp(people[who])

    def with_otp(otp):
        return client.post(TOKEN_URL, {"username": username, "password": PASSWORD, "otp": otp},
                           content_type="application/json")

    assert with_otp(code).status_code == 200
    assert ApiToken.objects.filter(user=people[who]).count() == 1
    assert with_otp(code).status_code == 403  # a code is good once
    assert with_otp(f"{(int(code) + 1) % 1_000_000:06d}").status_code == 403
    assert with_otp("abcdef").status_code == 403
    assert ApiToken.objects.filter(user=people[who]).count() == 1


def test_roles_without_second_factor_need_no_otp(client, people):
    assert post_token(client, "t_zhanzhang", PASSWORD).status_code == 200


def test_lockout_is_per_account(client, people):
    _five_wrong(client)
    assert post_token(client, "t_zhanzhang", PASSWORD).status_code == 200


# --- bearer auth ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/stations", "/api/v1/divisions", "/api/v1/stations/1",
                                  "/api/v1/divisions/340104000000"])
def test_no_token_is_401(client, net, path):
    assert client.get(path).status_code == 401


def test_bad_token_is_401(client, people):
    response = client.get("/api/v1/stations", headers={"Authorization": "Bearer not-a-real-token"})
    assert response.status_code == 401


def test_wrong_scheme_is_401(client, people):
    key, _tok = api_token_issue(user=people["civil"])
    assert client.get("/api/v1/stations", headers={"Authorization": f"Token {key}"}).status_code == 401


def test_expired_token_is_401(client, people):
    key, tok = api_token_issue(user=people["civil"])
    ApiToken.objects.filter(pk=tok.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/stations", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_token_of_deactivated_user_is_401(client, people):
    key, _tok = api_token_issue(user=people["civil"])
    people["civil"].is_active = False
    people["civil"].save()
    assert client.get("/api/v1/stations", headers={"Authorization": f"Bearer {key}"}).status_code == 401


def test_session_is_not_enough(people, login):
    client = login(people["civil"])
    assert client.get("/api/v1/stations").status_code == 401


def test_token_use_is_stamped(api, people):
    api(people["civil"])("/api/v1/stations")
    assert ApiToken.objects.get(user=people["civil"]).last_used_at is not None


# --- stations ---------------------------------------------------------------------------------


def names(response):
    return [item["name"] for item in response.json()["items"]]


def test_station_list_shape_and_scope(api, net, people):
    response = api(people["street"])("/api/v1/stations")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 2
    assert names(response) == ["西园街道社会工作服务站", "西园新村社工室"]
    first = body["items"][0]
    assert first["tier"] == "station"
    assert first["tier_label"] == "街道/乡镇社工站"
    assert first["division_code"] == "340104005000"
    assert first["division_name"] == "西园街道"
    assert first["status"] == "active"


@pytest.mark.parametrize(("who", "expected"), [
    ("civil", {"蜀山区社会工作指导中心", "西园街道社会工作服务站", "三里庵街道社会工作服务站", "西园新村社工室"}),
    ("worker_b", {"三里庵街道社会工作服务站"}),
    ("worker_other", {"亳州路街道社会工作服务站"}),
    ("org_lead", {"西园新村社工室"}),
])
def test_station_list_only_in_scope(api, net, people, who, expected):
    body = api(people[who])("/api/v1/stations").json()
    assert {item["name"] for item in body["items"]} == expected
    assert body["count"] == len(expected)


@pytest.mark.parametrize("who", ["auditor", "volunteer"])
def test_station_list_refused_to_roles_without_network_view(api, people, who):
    """No network.view anywhere: refused outright (deny by default), not an empty list."""
    assert api(people[who])("/api/v1/stations").status_code == 403


def test_platform_admin_sees_all_stations(api, net, people):
    assert api(people["sysadmin"])("/api/v1/stations").json()["count"] == Station.objects.count()


def test_station_list_pagination(api, net, people):
    get = api(people["civil"])
    everything = names(get("/api/v1/stations"))
    assert len(everything) == 4
    page = get("/api/v1/stations", limit=2, offset=1).json()
    assert page["count"] == 4
    assert [i["name"] for i in page["items"]] == everything[1:3]
    assert get("/api/v1/stations", limit=2, offset=4).json()["items"] == []


@pytest.mark.parametrize(("params", "expected"), [
    ({"tier": "room"}, ["西园新村社工室"]),
    ({"tier": "center"}, ["蜀山区社会工作指导中心"]),
    ({"status": "suspended"}, ["三里庵街道社会工作服务站"]),
    ({"q": "西园"}, ["西园街道社会工作服务站", "西园新村社工室"]),
    ({"q": "三里庵"}, ["三里庵街道社会工作服务站"]),
    ({"under": "340104005"}, ["西园街道社会工作服务站", "西园新村社工室"]),
    ({"under": "340104005001"}, ["西园新村社工室"]),
    ({"under": "340104001000"}, ["三里庵街道社会工作服务站"]),
    ({"under": "340103"}, []),  # outside the civil servant's scope: narrows, never widens
    ({"tier": "station", "status": "active"}, ["西园街道社会工作服务站"]),
])
def test_station_list_filters(api, net, people, params, expected):
    Station.objects.filter(pk=net.station_b.pk).update(status=Station.Status.SUSPENDED)
    response = api(people["civil"])("/api/v1/stations", **params)
    assert response.status_code == 200
    assert sorted(names(response)) == sorted(expected)


def test_station_detail_includes_rooms(api, net, people):
    Room.objects.create(station=net.station_a, name="小组活动室", kind=Room.Kind.GROUP, capacity=20,
                        active=False)
    response = api(people["worker"])(f"/api/v1/stations/{net.station_a.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "西园街道社会工作服务站"
    assert body["contact_name"] == ""
    assert sorted((r["name"], r["kind"], r["capacity"], r["active"]) for r in body["rooms"]) == [
        ("个案工作室", "casework", 6, True),
        ("小组活动室", "group", 20, False),
    ]


def test_station_detail_out_of_scope_is_404(api, net, people):
    response = api(people["worker_b"])(f"/api/v1/stations/{net.station_a.pk}")
    assert response.status_code == 404
    assert "西园" not in response.content.decode()


def test_station_detail_missing_is_404(api, net, people):
    assert api(people["sysadmin"])("/api/v1/stations/999999").status_code == 404


# --- divisions ---------------------------------------------------------------------------------


def test_division_children(api, net, people):
    response = api(people["civil"])("/api/v1/divisions", parent="340104000000")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(d["code"], d["name"], d["level"], d["parent_code"]) for d in body["items"]] == [
        ("340104001000", "三里庵街道", 4, "340104000000"),
        ("340104005000", "西园街道", 4, "340104000000"),
    ]
    assert body["items"][0]["level_label"] == "乡镇街道"


def test_division_children_by_short_code(api, net, people):
    body = api(people["civil"])("/api/v1/divisions", parent="340104005").json()
    assert [d["code"] for d in body["items"]] == ["340104005001", "340104005002"]


def test_division_children_outside_scope_is_404(api, net, people):
    assert api(people["worker_b"])("/api/v1/divisions", parent="340104005000").status_code == 404
    assert api(people["worker_b"])("/api/v1/divisions", parent="340104000000").status_code == 404


def test_division_list_is_scoped(api, net, people):
    body = api(people["worker_b"])("/api/v1/divisions").json()
    assert [d["code"] for d in body["items"]] == ["340104001000", "340104001001"]


def test_division_list_filters(api, net, people):
    get = api(people["civil"])
    assert get("/api/v1/divisions", level=5).json()["count"] == 3
    assert [d["name"] for d in get("/api/v1/divisions", q="滨湖").json()["items"]] == ["滨湖社区居委会"]


def test_division_detail(api, net, people):
    response = api(people["worker"])("/api/v1/divisions/340104005001")
    assert response.status_code == 200
    assert response.json() == {
        "code": "340104005001", "name": "西园新村社区居委会", "level": 5, "level_label": "村/社区",
        "parent_code": "340104005000", "kind": "urban",
    }


def test_division_detail_out_of_scope_is_404(api, net, people):
    assert api(people["worker_b"])("/api/v1/divisions/340104005001").status_code == 404
    assert api(people["worker_b"])("/api/v1/divisions/340104005").status_code == 404
    assert api(people["worker_b"])("/api/v1/divisions/999999999999").status_code == 404


# --- schema -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_openapi_json(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "wushe 五社 API"
    assert {"/api/v1/auth/token", "/api/v1/divisions", "/api/v1/divisions/{code}", "/api/v1/stations",
            "/api/v1/stations/{station_id}"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"] == {"TokenAuth": {"type": "http", "scheme": "bearer"}}
    assert schema["paths"]["/api/v1/stations"]["get"]["security"] == [{"TokenAuth": []}]
    assert "security" not in schema["paths"]["/api/v1/auth/token"]["post"]  # the one open route


def test_new_station_appears_in_the_list(api, net, people):
    station(net.community_a2, name="滨湖社工室")
    get = api(people["street"])
    assert "滨湖社工室" in names(get("/api/v1/stations", tier="room"))


def test_user_without_role_sees_nothing(api, net):
    nobody = user("no_role")
    assert api(nobody)("/api/v1/stations").status_code == 403
    assert api(nobody)("/api/v1/divisions").status_code == 403
    assert api(nobody)(f"/api/v1/stations/{net.station_a.pk}").status_code == 403


def test_a_malformed_division_filter_is_an_error(api, people):
    response = api(people["civil"])("/api/v1/stations", under="abc")
    assert response.status_code == 422
    assert "区划代码应为不超过12位的数字。" in str(response.json())


def test_closed_station_stays_listed_with_its_status(api, net, people):
    Station.objects.filter(pk=net.room_a1.pk).update(status=Station.Status.CLOSED,
                                                     closed_on=datetime.date(2026, 2, 1))
    body = api(people["street"])("/api/v1/stations", status="closed").json()
    assert [(i["name"], i["closed_on"]) for i in body["items"]] == [("西园新村社工室", "2026-02-01")]


def test_second_role_widens_the_api_scope(api, net, people):
    from wushe.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=people["worker_b"], role=Role.WORKER, station=net.station_a)
    assert api(people["worker_b"])(f"/api/v1/stations/{net.station_a.pk}").status_code == 200
