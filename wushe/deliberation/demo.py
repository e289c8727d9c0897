"""Demo resident deliberation for `wushe seed_demo` at 西园's station: five topics (one done,
two decided with items open and done, one waiting to be accepted, one declined), two
meetings with their resolutions; written through the services."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from wushe.accounts.models import User
from wushe.deliberation import selectors, services
from wushe.deliberation.models import Deliberation

TOPICS = [
    # key, title, category, source, proposer, description
    ("light", "3栋楼道灯长期不亮", "facilities", "resident", "周先生",
     "3栋1至6层楼道灯坏了一个多月，老人晚上上下楼看不清，希望尽快修好，并商量以后谁来管。"),
    ("parking", "小区夜间乱停车堵塞消防通道", "traffic", "staff", "",
     "晚上8点后东门消防通道常被私家车占用，救护车曾进不来。建议施划禁停线并规范停车。"),
    ("meals", "在社区建一个老年助餐点", "care", "grid", "网格员李敏",
     "网格走访中20多户独居老人反映做饭困难，希望在社区活动中心开设老年助餐点。"),
    ("dance", "广场舞音响音量过大", "neighbours", "resident", "吴女士",
     "每晚广场舞音响太响，临街住户休息受影响，希望商量一个时间和音量的约定。"),
    ("tree", "要求砍掉楼前的大树", "environment", "resident", "郑先生",
     "楼前香樟树遮挡阳光，希望砍掉。"),
]

MEETINGS = [
    # days ago, place, host, participants, attendees, minutes, [(topic, decision, method, for, against, abstain,
    #   [(what, owner, deadline days after the meeting, done days after the meeting or None, evidence)])]
    (30, "社区议事厅", "社区党委书记 王建国", 28, "居民代表15人、党员5人、楼栋长4人、社工2人、物业代表2人",
     "主持人介绍议题来源；居民代表逐一发言；物业说明维修费用和消防通道管理现状；经充分协商形成决议。",
     [("light", "由物业在两周内更换3栋全部楼道灯，改用声控LED灯；此后楼道照明纳入物业月度巡检。", "consensus", 0, 0, 0,
       [("更换3栋1-6层楼道灯为声控LED灯", "物业公司", 14, 9, "已更换声控LED灯12盏，楼栋长和居民代表验收，夜间照明正常。"),
        ("楼道照明纳入物业月度巡检表", "物业公司", 20, 15, "巡检表已增加“楼道照明”一项，每月由楼栋长签字确认。")]),
      ("parking", "在东门消防通道施划禁停黄线并设立提示牌；晚间由志愿者和物业联合巡查一个月。", "vote", 23, 3, 2,
       [("施划消防通道禁停黄线、设立提示牌", "社区居委会", 10, 8, "已施划黄线45米，设立提示牌2块，并在业主群发布通知。"),
        ("组织志愿者与物业晚间联合巡查", "社区居委会", 25, None, "")])]),
    (10, "社区活动中心二楼会议室", "社区居委会主任 陈丽", 21, "居民代表12人、党员3人、社工2人、辖区餐饮企业代表1人、老人代表3人",
     "社工通报助餐需求摸底情况（独居老人26户有意愿）；讨论选址、价格和补贴；投票表决。",
     [("meals", "在社区活动中心一楼开设老年助餐点，先试运行三个月，60岁以上老人每餐补贴3元。", "vote", 17, 2, 2,
       [("与辖区餐饮企业签订助餐合作协议", "社区居委会", 20, None, ""),
        ("改造活动中心一楼为就餐区", "街道社工站", 45, None, "")])]),
]


def seed(*, seed_value: int) -> int:
    worker = User.objects.filter(username="shegong").first()
    if worker is None:
        return 0
    station = worker.assignments.get().station
    if Deliberation.objects.filter(station=station).exists():
        return 0
    rng = random.Random(seed_value + 7)
    communities = list(selectors.communities_of(station)[:2])
    if not communities:
        return 0
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    topics = {}
    with transaction.atomic():
        for n, (key, title, category, source, proposer, description) in enumerate(TOPICS):
            community = communities[n % len(communities)]
            mobile = f"137{rng.randrange(10**7, 10**8)}"
            if source == "resident":
                topic = services.topic_propose(station=station, community=community, title=title,
                                               description=description, category=category, name=proposer,
                                               mobile=mobile)
            else:
                topic = services.topic_create(actor=worker, station=station, data={
                    "community": community, "title": title, "description": description, "category": category,
                    "public": True, "source": source, "proposer_name": proposer, "proposer_mobile": ""})
            Deliberation.objects.filter(pk=topic.pk).update(created_at=now - datetime.timedelta(days=40 - n * 5))
            topics[key] = topic
        services.topic_accept(actor=worker, topic=topics["light"])  # the others entered by staff start accepted
        services.topic_reject(actor=worker, topic=topics["tree"],
                              reply="树木属园林绿化部门管理，不宜由居民议事决定；已转交街道城管科评估修剪。")
        for days, place, host, participants, attendees, minutes, outcomes in MEETINGS:
            held = (now - datetime.timedelta(days=days)).replace(hour=19)
            meeting = services.meeting_record(actor=worker, station=station, topics=[topics[o[0]] for o in outcomes],
                                              data={"held_at": held, "place": place, "host": host,
                                                    "participants": participants, "attendees": attendees,
                                                    "minutes": minutes})
            for key, decision, method, votes_for, against, abstain, items in outcomes:
                resolution = services.resolution_add(
                    actor=worker, meeting=meeting, deliberation=Deliberation.objects.get(pk=topics[key].pk),
                    decision=decision, method=method, votes_for=votes_for, votes_against=against,
                    votes_abstain=abstain)
                for what, owner, deadline, done, evidence in items:
                    item = services.item_add(actor=worker, resolution=resolution, what=what, owner=owner,
                                             deadline=held.date() + datetime.timedelta(days=deadline))
                    if done is not None:
                        services.item_done(actor=worker, item=item, evidence=evidence,
                                           done_on=held.date() + datetime.timedelta(days=done))
    return len(topics)
