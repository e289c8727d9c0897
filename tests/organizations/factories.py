import datetime
import itertools

from tests.people.factories import id_number, mobile, today
from wushe.organizations import services

_numbers = itertools.count(1)


def organization(actor, division, **extra):
    """A filed organization (备案) through the service, with a fresh filing number."""
    n = next(_numbers)
    data = {"name": f"夕阳红志愿服务队{n}", "category": "charity", "kind": "filed", "division": division,
            "filing_number": f"西园社备〔2024〕{n:03d}号", "filed_on": today() - datetime.timedelta(days=500),
            "responsible_name": "王桂兰", "responsible_id_number": id_number(), "responsible_mobile": mobile(),
            "headcount": 20, "place": "社区活动室", "business_scope": "探访独居老人", **extra}
    return services.organization_save(actor=actor, data=data)


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)
