"""Requests (诉求): filed on the public page with a tracking code, triaged into needs."""

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404

from tests.people import factories as people_factories
from wushe.activities.selectors import station_page_key
from wushe.people.models import Need
from wushe.portal import services
from wushe.portal.models import Request

pytestmark = pytest.mark.django_db


def _post(net, **over):
    return {"community": net.community_a1.code, "category": "care", "description": "楼道灯坏了，老人夜里出门不便",
            "name": "赵大妈", "mobile": "13955550001", "consent": "on", "answer": "5",
            "challenge": signing.dumps(5, salt="public-form-question"), **over}


def test_a_resident_files_a_request_and_tracks_it_by_code(net, people, client):
    url = f"/p/s/{station_page_key(net.station_a)}/request/"
    assert "反映诉求" in client.get(url).content.decode()
    page = client.post(url, _post(net)).content.decode()
    req = Request.objects.get()
    assert req.code in page and req.status == "new" and req.mobile_masked == "139****0001"
    tracked = client.get("/p/track/", {"code": req.code.replace("-", "").lower()}).content.decode()
    assert "待处理" in tracked and "赵大妈" not in tracked and "楼道灯" not in tracked  # nothing personal
    assert "没有找到" in client.get("/p/track/", {"code": "AAAA-2222"}).content.decode()


def test_bad_input_is_named_and_files_nothing(net, client):
    url = f"/p/s/{station_page_key(net.station_a)}/request/"
    page = client.post(url, _post(net, mobile="123", answer="6")).content.decode()
    assert not Request.objects.exists()
    assert "验证答案不正确" in page or "手机号" in page
    other = client.post(url, _post(net, community=net.community_b1.code)).content.decode()
    assert not Request.objects.exists() and "选择" in other


def test_the_station_accepts_into_the_needs_list_linked_to_the_resident(net, people, login, client):
    zhao = people_factories.resident("赵大妈", station=net.station_a, community=net.community_a1,
                                     mobile="13955550001")
    req = services.request_file(station=net.station_a, community=net.community_a1, category="care",
                                description="需要助餐", name="赵大妈", mobile="139 5555 0001")
    with pytest.raises(Http404):
        services.request_accept(actor=people["worker_b"], req=req)
    worker = login(people["worker"])
    assert req.code in worker.get("/requests/").content.decode()
    worker.post(f"/requests/{req.pk}/decide/", {"decision": "accept", "reply": ""})
    req.refresh_from_db()
    need = Need.objects.get()
    assert (req.status, req.need, need.resident, need.source) == ("accepted", need, zhao, "reported")
    assert "已受理" in client.get("/p/track/", {"code": req.code}).content.decode()
    with pytest.raises(ValidationError, match="处理过"):
        services.request_decline(actor=people["worker"], req=Request.objects.get(), reply="x")


def test_declining_needs_a_reply(net, people):
    req = services.request_file(station=net.station_a, community=net.community_a1, category="legal",
                                description="邻里纠纷", name="钱某", mobile="13955550002")
    with pytest.raises(ValidationError, match="答复"):
        services.request_decline(actor=people["worker"], req=req, reply=" ")
    services.request_decline(actor=people["worker"], req=req, reply="已转交社区人民调解委员会")
    assert Request.objects.get().status == "declined" and not Need.objects.exists()


def test_a_request_just_filed_can_be_accepted_at_once_as_a_community_need(net, people):
    req = services.request_file(station=net.station_a, community=net.community_a1, category="safety",
                                description="楼道灯坏了", name="周先生", mobile="13955550009")
    need = services.request_accept(actor=people["worker"], req=req)
    assert need.resident is None and need.community == net.community_a1  # no file with that number


def test_the_api_lists_requests_in_scope_with_masked_numbers(net, people, client):
    from wushe.accounts.services import api_token_issue

    services.request_file(station=net.station_a, community=net.community_a1, category="care",
                          description="需要助餐", name="孙阿姨", mobile="13955550003")
    token, _obj = api_token_issue(user=people["worker"])
    items = client.get("/api/v1/requests", headers={"Authorization": f"Bearer {token}"}).json()["items"]
    assert [(i["name"], i["mobile_masked"]) for i in items] == [("孙阿姨", "139****0003")]
    assert "13955550003" not in str(items)
    other, _obj = api_token_issue(user=people["worker_b"])
    assert client.get("/api/v1/requests", headers={"Authorization": f"Bearer {other}"}).json()["count"] == 0
