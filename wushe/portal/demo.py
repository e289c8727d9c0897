"""Demo requests (诉求) for `wushe seed_demo`: three filed at 西园's station, one accepted."""

from wushe.accounts.models import User
from wushe.core.divisions import Level, within
from wushe.core.models import Division
from wushe.portal import services
from wushe.portal.models import Request

REQUESTS = [
    ("care", "家里老人行动不便，想了解助餐服务怎么申请", "孙阿姨", "13700000001"),
    ("safety", "3栋楼道灯坏了一周，老人夜里出门看不清", "周先生", "13700000002"),
    ("legal", "想咨询赡养费纠纷怎么处理", "吴女士", "13700000003"),
]


def seed() -> int:
    worker = User.objects.filter(username="shegong").first()
    if worker is None:
        return 0
    station = worker.assignments.get().station
    if Request.objects.filter(station=station).exists():
        return 0
    community = Division.objects.filter(within("code", station.division.prefix), level=Level.VILLAGE).order_by(
        "code").first()
    filed = [services.request_file(station=station, community=community, category=c, description=d, name=n, mobile=m)
             for c, d, n, m in REQUESTS]
    services.request_accept(actor=worker, req=filed[0], reply="已受理，社工会在三个工作日内上门了解情况。")
    return len(filed)
