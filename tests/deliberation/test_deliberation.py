"""Resident deliberation (居民议事): a vote cannot outnumber those present and passes by a
majority of them, a declined topic has a reply, a done item has evidence and counts as one
办实事, a topic is done when all its items are; the public board shows outcomes and nobody's
name or number; the proposal form asks a question and stops at the rate limit; the pages
and the API keep to the scope."""

import datetime

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from tests.factories import user
from tests.people.factories import mobile, today
from wushe.accounts.roles import Role
from wushe.activities.selectors import station_page_key
from wushe.deliberation import selectors, services
from wushe.deliberation.models import ActionItem, Deliberation, Meeting, Resolution

pytestmark = pytest.mark.django_db


def _topic(net, people, *, station=None, community=None, **over) -> Deliberation:
    data = {"community": community or net.community_a1, "title": "3栋楼道灯长期不亮", "category": "facilities",
            "description": "楼道灯坏了一个多月", "public": True, "source": "staff", "proposer_name": "",
            "proposer_mobile": "", **over}
    return services.topic_create(actor=people["worker"], station=station or net.station_a, data=data)


def _meeting(people, station, topics, *, participants=20, days_ago=1) -> Meeting:
    return services.meeting_record(actor=people["worker"], station=station, topics=topics, data={
        "held_at": timezone.now() - datetime.timedelta(days=days_ago), "place": "社区议事厅", "host": "王书记",
        "participants": participants, "attendees": "居民代表12人、党员4人、社工2人、物业2人",
        "minutes": "逐一发言，协商形成决议。"})


def _decided(net, people, **over):
    """A topic decided by consensus at yesterday's meeting: (topic, meeting, resolution)."""
    topic = _topic(net, people, **over)
    meeting = _meeting(people, net.station_a, [topic])
    resolution = services.resolution_add(actor=people["worker"], meeting=meeting, deliberation=topic,
                                         decision="物业两周内更换楼道灯", method="consensus")
    return Deliberation.objects.get(pk=topic.pk), meeting, resolution


def _propose_post(net, **over):
    return {"community": net.community_a1.code, "category": "traffic", "title": "东门消防通道被占",
            "description": "晚上私家车堵住消防通道", "name": "赵大妈", "mobile": "13955550001", "consent": "on",
            "answer": "5", "challenge": signing.dumps(5, salt="public-form-question"), **over}


# --- the rules ------------------------------------------------------------------------------------


def test_a_vote_cannot_outnumber_those_present_and_passes_by_a_majority_of_them(net, people):
    topic = _topic(net, people)
    meeting = _meeting(people, net.station_a, [topic], participants=20)
    add = lambda **votes: services.resolution_add(  # noqa: E731
        actor=people["worker"], meeting=meeting, deliberation=topic, decision="施划禁停线", method="vote", **votes)
    with pytest.raises(ValidationError, match="超过了到会人数 20 人"):
        add(votes_for=15, votes_against=5, votes_abstain=1)
    with pytest.raises(ValidationError, match="票数"):
        add()
    failed = add(votes_for=10, votes_against=2, votes_abstain=8)  # half of those present is not a majority
    assert not failed.passed and Deliberation.objects.get(pk=topic.pk).status == "accepted"
    passed = add(votes_for=11, votes_against=9, votes_abstain=0)
    assert passed.passed and Deliberation.objects.get(pk=topic.pk).status == "decided"
    with pytest.raises(ValidationError, match="协商一致的决议不填写票数"):
        services.resolution_add(actor=people["worker"], meeting=meeting, deliberation=topic, decision="x",
                                method="consensus", votes_for=3)
    with pytest.raises(ValidationError, match="未通过的决议不能安排办理事项"):
        services.item_add(actor=people["worker"], resolution=failed, what="x", owner="物业", deadline=today())


def test_a_resolution_is_only_on_a_topic_the_meeting_took_up(net, people):
    topic, other = _topic(net, people), _topic(net, people, title="另一个议题")
    meeting = _meeting(people, net.station_a, [topic])
    with pytest.raises(ValidationError) as caught:
        services.resolution_add(actor=people["worker"], meeting=meeting, deliberation=other, decision="x",
                                method="consensus")
    assert "讨论过的议题" in caught.value.message_dict["deliberation"][0]


def test_a_meeting_takes_up_only_this_stations_accepted_topics_and_is_recorded_after_it(net, people):
    proposed = services.topic_propose(station=net.station_a, community=net.community_a1, title="x", description="y",
                                      category="other", name="甲", mobile=mobile())
    theirs = services.topic_create(actor=people["worker_b"], station=net.station_b, data={
        "community": net.community_b1, "title": "x", "description": "y", "category": "other", "public": True,
        "source": "staff", "proposer_name": "", "proposer_mobile": ""})
    for topics, message in (([proposed], "已受理"), ([theirs], "本站点"), ([], "请选择")):
        with pytest.raises(ValidationError) as caught:
            _meeting(people, net.station_a, topics)
        assert message in caught.value.message_dict["topics"][0]
    with pytest.raises(ValidationError) as caught:
        _meeting(people, net.station_a, [_topic(net, people)], days_ago=-1)
    assert "召开时间" in caught.value.message_dict["held_at"][0]
    assert not Meeting.objects.exists()


def test_rejecting_needs_a_reply_and_a_topic_is_decided_once(net, people):
    topic = services.topic_propose(station=net.station_a, community=net.community_a1, title="砍掉楼前大树",
                                   description="遮挡阳光", category="environment", name="郑先生", mobile=mobile())
    assert (topic.status, topic.source, topic.created_by) == ("proposed", "resident", None)
    with pytest.raises(ValidationError) as caught:
        services.topic_reject(actor=people["worker"], topic=topic, reply="  ")
    assert "答复" in caught.value.message_dict["reply"][0]
    with pytest.raises(Http404):
        services.topic_reject(actor=people["worker_b"], topic=topic, reply="不归我管")
    services.topic_reject(actor=people["worker"], topic=topic, reply="已转交街道城管科")
    assert Deliberation.objects.get(pk=topic.pk).status == "rejected"
    with pytest.raises(ValidationError, match="处理过"):
        services.topic_accept(actor=people["worker"], topic=topic)


def test_done_needs_evidence_and_the_topic_is_done_when_all_its_items_are(net, people):
    topic, meeting, resolution = _decided(net, people)
    deadline = today() + datetime.timedelta(days=14)
    first = services.item_add(actor=people["worker"], resolution=resolution, what="更换楼道灯", owner="物业公司",
                              deadline=deadline)
    second = services.item_add(actor=people["worker"], resolution=resolution, what="纳入巡检", owner="物业公司",
                               deadline=deadline)
    with pytest.raises(ValidationError) as caught:
        services.item_done(actor=people["worker"], item=first, done_on=today(), evidence=" ")
    assert "办结情况" in caught.value.message_dict["evidence"][0]
    with pytest.raises(ValidationError) as caught:
        services.item_done(actor=people["worker"], item=first, done_on=today() + datetime.timedelta(days=1),
                           evidence="已更换")
    assert "晚于今天" in caught.value.message_dict["done_on"][0]
    with pytest.raises(ValidationError, match="不能早于议事会"):
        services.item_add(actor=people["worker"], resolution=resolution, what="x", owner="y",
                          deadline=today() - datetime.timedelta(days=5))
    services.item_done(actor=people["worker"], item=first, done_on=today(), evidence="已更换声控灯12盏")
    assert Deliberation.objects.get(pk=topic.pk).status == "decided"  # one item still open
    with pytest.raises(ValidationError, match="已经办结"):
        services.item_done(actor=people["worker"], item=first, done_on=today(), evidence="再办一次")
    services.item_done(actor=people["worker"], item=second, done_on=today(), evidence="巡检表已增加")
    assert Deliberation.objects.get(pk=topic.pk).status == "done"
    # A new item opens the topic again until it too is done.
    services.item_add(actor=people["worker"], resolution=resolution, what="加装应急灯", owner="物业公司",
                      deadline=deadline)
    assert Deliberation.objects.get(pk=topic.pk).status == "decided"
    # The database keeps the rule too: a done item without evidence cannot be written.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.filter(pk=first.pk).update(evidence="")


def test_done_items_are_counted_as_ban_shi_shi_and_overdue_items_listed(net, people):
    topic, meeting, resolution = _decided(net, people)
    Meeting.objects.filter(pk=meeting.pk).update(held_at=timezone.now() - datetime.timedelta(days=30))
    resolution.meeting.refresh_from_db()
    late = services.item_add(actor=people["worker"], resolution=resolution, what="晚间巡查", owner="居委会",
                             deadline=today() - datetime.timedelta(days=3))
    for n in range(3):
        item = services.item_add(actor=people["worker"], resolution=resolution, what=f"事项{n}", owner="居委会",
                                 deadline=today())
        services.item_done(actor=people["worker"], item=item, done_on=today(), evidence=f"已办结{n}")
    _topic(net, people, title="待议的议题")
    totals = selectors.totals(selectors.topic_list(user=people["worker"]))
    assert totals == {"topics": 2, "decided": 1, "done_topics": 0, "done_items": 3, "overdue": 1}
    assert list(selectors.overdue(selectors.item_list(user=people["worker"]))) == [late]
    assert selectors.totals(selectors.topic_list(user=people["worker_b"]))["done_items"] == 0


def test_a_proposal_names_the_field_when_the_community_is_not_the_stations(net, people):
    with pytest.raises(ValidationError) as caught:
        services.topic_propose(station=net.station_a, community=net.community_b1, title="x", description="y",
                               category="other", name="甲", mobile="123")
    assert set(caught.value.message_dict) == {"community", "proposer_mobile"}
    with pytest.raises(ValidationError) as caught:
        _topic(net, people, source="grid")
    assert "提议人" in caught.value.message_dict["proposer_name"][0]


# --- the public pages -----------------------------------------------------------------------------


def test_the_public_board_shows_outcomes_but_never_who_proposed(net, people, client):
    key = station_page_key(net.station_a)
    number = "13955550001"
    client.post(f"/p/s/{key}/deliberation/propose/", _propose_post(net, mobile=number))
    topic = Deliberation.objects.get()
    assert (topic.status, topic.proposer_name, topic.proposer_mobile_masked) == ("proposed", "赵大妈", "139****0001")
    board = f"/p/s/{key}/deliberation/"
    assert "东门消防通道被占" not in client.get(board).content.decode()  # not before it is accepted
    services.topic_accept(actor=people["worker"], topic=topic)
    meeting = _meeting(people, net.station_a, [topic])
    resolution = services.resolution_add(actor=people["worker"], meeting=meeting, deliberation=topic,
                                         decision="施划禁停黄线并设提示牌", method="vote", votes_for=15,
                                         votes_against=3, votes_abstain=2)
    item = services.item_add(actor=people["worker"], resolution=resolution, what="施划黄线", owner="社区居委会",
                             deadline=today())
    services.item_done(actor=people["worker"], item=item, done_on=today(), evidence="已施划黄线45米")
    hidden = _topic(net, people, title="内部研究的议题", public=False)
    rejected = services.topic_propose(station=net.station_a, community=net.community_a1, title="被驳回的议题",
                                      description="y", category="other", name="钱某", mobile=mobile())
    services.topic_reject(actor=people["worker"], topic=rejected, reply="已转交")
    page = client.get(board).content.decode()
    for shown in ("东门消防通道被占", "施划禁停黄线并设提示牌", "已施划黄线45米", "赞成 15", "西园新村社区"):
        assert shown in page, shown
    for secret in ("赵大妈", number, "139****0001", hidden.title, "被驳回的议题", "钱某", "王书记",
                   "居民代表12人"):
        assert secret not in page, secret
    assert "<script" not in page
    assert "办实事" in page
    other = station_page_key(net.station_b)
    assert "东门消防通道被占" not in client.get(f"/p/s/{other}/deliberation/").content.decode()
    assert client.get(f"/p/s/{net.station_a.pk}/deliberation/").status_code == 404
    filtered = client.get(board, {"community": net.community_a2.code}).content.decode()
    assert "东门消防通道被占" not in filtered and "暂无公示" in filtered
    station_page = client.get(f"/p/s/{key}/").content.decode()
    assert board in station_page and f"{board}propose/" in station_page


def test_the_proposal_form_asks_a_question_and_stops_at_the_rate_limit(net, client, monkeypatch):
    cache.clear()
    url = f"/p/s/{station_page_key(net.station_a)}/deliberation/propose/"
    page = client.get(url).content.decode()
    assert "提出议题" in page and "西园新村社区" in page and "安居苑" not in page and "<script" not in page
    wrong = client.post(url, _propose_post(net, answer="6")).content.decode()
    assert "验证答案不正确" in wrong and not Deliberation.objects.exists()
    forged = client.post(url, _propose_post(net, challenge="forged")).content.decode()
    assert "验证答案不正确" in forged and not Deliberation.objects.exists()
    bad = client.post(url, _propose_post(net, mobile="123", community=net.community_b1.code)).content.decode()
    assert "手机号" in bad and "选择" in bad and not Deliberation.objects.exists()
    no_consent = _propose_post(net)
    del no_consent["consent"]
    assert "请先勾选同意" in client.post(url, no_consent).content.decode()
    done = client.post(url, _propose_post(net)).content.decode()
    assert "议题已提交" in done and Deliberation.objects.count() == 1
    monkeypatch.setattr("wushe.core.public.POSTS_PER_HOUR", 5)  # five posts so far: the sixth is one too many
    refused = client.post(url, _propose_post(net, title="第六次"))
    assert refused.status_code == 429 and "过于频繁" in refused.content.decode()
    assert not Deliberation.objects.filter(title="第六次").exists()
    cache.clear()


# --- the staff pages ------------------------------------------------------------------------------


def test_staff_pages_walk_a_topic_from_proposal_to_done(net, people, login):
    client = login(people["worker"])
    assert "还没有议题" in client.get("/deliberation/").content.decode()
    assert "登记议题" in client.get("/deliberation/new/").content.decode()
    response = client.post("/deliberation/new/", {
        "station": net.station_a.pk, "community": net.community_a1.code, "title": "广场舞音量过大",
        "category": "neighbours", "description": "临街住户休息受影响", "source": "grid", "proposer_name": "",
        "proposer_mobile": "", "public": "on"})
    assert "居民提出或网格员上报的议题，请填写提议人" in response.content.decode()
    response = client.post("/deliberation/new/", {
        "station": net.station_a.pk, "community": net.community_a1.code, "title": "广场舞音量过大",
        "category": "neighbours", "description": "临街住户休息受影响", "source": "grid", "proposer_name": "网格员李敏",
        "proposer_mobile": "13955550002", "public": "on"})
    topic = Deliberation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/deliberation/{topic.pk}/"
    detail = client.get(f"/deliberation/{topic.pk}/").content.decode()
    assert "网格员李敏" in detail and "139****0002" in detail and "13955550002" not in detail
    assert "尚未上会讨论" in detail and "尚无决议" in detail
    form = client.get(f"/deliberation/meetings/new/?topic={topic.pk}").content.decode()
    assert "广场舞音量过大" in form and "checked" in form
    held = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/deliberation/meetings/new/?topic={topic.pk}", {
        "station": net.station_a.pk, "held_at": held, "place": "社区议事厅", "host": "王书记", "participants": "12",
        "attendees": "居民代表8人、社工2人、舞蹈队2人", "minutes": "协商约定时间和音量", "topics": [topic.pk]})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/deliberation/meetings/{meeting.pk}/"
    assert "尚未录入决议" in client.get(f"/deliberation/meetings/{meeting.pk}/").content.decode()
    url = f"/deliberation/meetings/{meeting.pk}/resolutions/new/"
    assert "录入决议" in client.get(url).content.decode()
    refused = client.post(url, {"deliberation": topic.pk, "decision": "晚8点半前结束", "method": "vote",
                                "votes_for": "10", "votes_against": "2", "votes_abstain": "1"})
    assert "超过了到会人数 12 人" in refused.content.decode()
    client.post(url, {"deliberation": topic.pk, "decision": "晚8点半前结束，音量不超过60分贝", "method": "vote",
                      "votes_for": "9", "votes_against": "2", "votes_abstain": "1"})
    resolution = Resolution.objects.get()
    assert resolution.passed and Deliberation.objects.get().status == "decided"
    url = f"/deliberation/resolutions/{resolution.pk}/items/new/"
    assert "添加办理事项" in client.get(url).content.decode()
    client.post(url, {"what": "张贴广场舞公约", "owner": "社区居委会", "deadline": today().isoformat()})
    item = ActionItem.objects.get()
    assert "没有逾期的办理事项" in client.get("/deliberation/items/").content.decode()
    assert "张贴广场舞公约" in client.get("/deliberation/items/?show=open").content.decode()
    url = f"/deliberation/items/{item.pk}/done/"
    assert "标记办结" in client.get(url).content.decode()
    refused = client.post(url, {"done_on": today().isoformat(), "evidence": ""}).content.decode()
    assert "没有办结情况不能标记办结" in refused
    client.post(url, {"done_on": today().isoformat(), "evidence": "公约已张贴于广场入口"})
    assert Deliberation.objects.get().status == "done"
    assert "公约已张贴于广场入口" in client.get("/deliberation/items/?show=done").content.decode()
    listing = client.get("/deliberation/").content.decode()
    assert "广场舞音量过大" in listing and "为群众办实事" in listing
    assert "广场舞" not in client.get("/deliberation/", {"status": "proposed"}).content.decode()
    assert "广场舞" in client.get("/deliberation/", {"q": "广场", "community": net.community_a1.code}).content.decode()
    assert "没有符合条件" in client.get("/deliberation/", {"q": "停车"}).content.decode()
    edit = client.post(f"/deliberation/{topic.pk}/edit/", {
        "community": net.community_a2.code, "title": "广场舞音量约定", "category": "neighbours",
        "description": "已形成公约"})
    assert edit.status_code == 302
    assert (Deliberation.objects.get().title, Deliberation.objects.get().public) == ("广场舞音量约定", False)
    assert 'href="/deliberation/"' in client.get("/").content.decode()  # the menu entry


def test_staff_accept_and_reject_from_the_topic_page(net, people, login):
    client = login(people["worker"])
    first, second = (services.topic_propose(station=net.station_a, community=net.community_a1, title=t,
                                            description="y", category="other", name="甲", mobile=mobile())
                     for t in ("议题一", "议题二"))
    page = client.get(f"/deliberation/{first.pk}/").content.decode()
    assert "不予受理" in page and "data-confirm" in page
    client.post(f"/deliberation/{first.pk}/decide/", {"decision": "accept", "reply": ""})
    assert Deliberation.objects.get(pk=first.pk).status == "accepted"
    response = client.post(f"/deliberation/{second.pk}/decide/", {"decision": "reject", "reply": ""}, follow=True)
    assert "不予受理时请填写答复" in response.content.decode()
    assert Deliberation.objects.get(pk=second.pk).status == "proposed"
    client.post(f"/deliberation/{second.pk}/decide/", {"decision": "reject", "reply": "属物业合同范围"})
    assert Deliberation.objects.get(pk=second.pk).status == "rejected"


def test_staff_pages_keep_to_the_scope(net, people, login):
    topic, meeting, resolution = _decided(net, people)
    item = services.item_add(actor=people["worker"], resolution=resolution, what="x", owner="y", deadline=today())
    client = login(people["worker_b"])
    for url in (f"/deliberation/{topic.pk}/", f"/deliberation/meetings/{meeting.pk}/",
                f"/deliberation/resolutions/{resolution.pk}/items/new/", f"/deliberation/items/{item.pk}/done/",
                f"/deliberation/meetings/new/?topic={topic.pk}"):
        assert client.get(url).status_code == 404, url
    assert topic.title not in client.get("/deliberation/").content.decode()
    assert "没有办理中的事项" in client.get("/deliberation/items/?show=open").content.decode()
    assert login(people["street"]).get("/deliberation/").status_code == 403  # 街道管理员 holds no deliberation.manage


# --- the API --------------------------------------------------------------------------------------


def test_the_api_lists_topics_in_scope_with_masked_numbers(net, people, client):
    from wushe.accounts.services import api_token_issue

    number = "13955550003"
    topic = services.topic_propose(station=net.station_a, community=net.community_a1, title="助餐点",
                                   description="想要助餐", category="care", name="孙阿姨", mobile=number)
    services.topic_accept(actor=people["worker"], topic=topic)
    meeting = _meeting(people, net.station_a, [topic])
    resolution = services.resolution_add(actor=people["worker"], meeting=meeting, deliberation=topic,
                                         decision="开设助餐点", method="consensus")
    services.item_add(actor=people["worker"], resolution=resolution, what="签订协议", owner="居委会", deadline=today())
    token, _obj = api_token_issue(user=people["worker"])
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/deliberations", headers=headers).json()
    assert listed["count"] == 1 and listed["items"][0]["proposer_mobile_masked"] == "139****0003"
    assert client.get("/api/v1/deliberations", {"status": "proposed"}, headers=headers).json()["count"] == 0
    assert client.get("/api/v1/deliberations", {"community": net.community_a2.code}, headers=headers
                      ).json()["count"] == 0
    detail = client.get(f"/api/v1/deliberations/{topic.pk}", headers=headers).json()
    assert detail["status"] == "decided" and detail["meetings"][0]["participants"] == 20
    assert detail["resolutions"][0]["passed"] and detail["resolutions"][0]["action_items"][0]["what"] == "签订协议"
    assert number not in str(listed) + str(detail)
    other, _obj = api_token_issue(user=people["worker_b"])
    assert client.get(f"/api/v1/deliberations/{topic.pk}", headers={"Authorization": f"Bearer {other}"}
                      ).status_code == 404
    assert client.get("/api/v1/deliberations", headers={"Authorization": f"Bearer {other}"}).json()["count"] == 0
    street, _obj = api_token_issue(user=people["street"])
    assert client.get("/api/v1/deliberations", headers={"Authorization": f"Bearer {street}"}).status_code == 403


# --- the demo -------------------------------------------------------------------------------------


def test_the_demo_records_count_their_ban_shi_shi(net):
    from wushe.deliberation.demo import seed

    worker = user("shegong", Role.WORKER, station=net.station_a)
    assert seed(seed_value=2026) == 5
    assert seed(seed_value=2026) == 0  # a second run adds nothing
    totals = selectors.totals(selectors.topic_list(user=worker))
    assert totals == {"topics": 4, "decided": 3, "done_topics": 1, "done_items": 3, "overdue": 1}
