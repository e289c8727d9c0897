"""In a real browser: a street official opens the dashboard, sees the trend chart drawn from
the JSON endpoint and its table, opens a figure, and goes down to a community."""

import datetime
import os

import pytest

from tests.browser import CHROMIUM
from tests.browser.test_people_and_cases import sign_in
from tests.people.factories import mobile

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed")]


def test_dashboard_chart_and_drill_down(new_page, live_server, transactional_db):
    from django.utils import timezone

    from tests.factories import Network
    from wushe.activities import services

    net = Network()
    people = net.users()
    # Three hours ago, but not before this month's 1st: the dashboard opens on this month.
    first = timezone.make_aware(datetime.datetime.combine(timezone.localdate().replace(day=1), datetime.time.min))
    start = max(timezone.now() - datetime.timedelta(hours=3), first)
    activity = services.activity_save(actor=people["head"], station=net.room_a1, data={
        "title": "重阳敬老活动", "category": "health", "starts_at": start, "ends_at": start + datetime.timedelta(hours=2),
        "capacity": 50, "place": "社区广场"})
    for _n in range(6):
        services.sign_in(activity=activity, name="居民", mobile=mobile(), actor=people["head"])

    page = new_page()
    sign_in(page, live_server.url, "t_jiedao")
    page.click("text=数据看板")
    page.wait_for_selector(".stats-chart canvas")  # ECharts drew from /stats/series.json
    assert "数据看板 · 西园街道" in page.content()
    page.click("a.stats-card:has-text('活动参与人次')")
    page.wait_for_load_state()
    assert "/stats/i/attendances/" in page.url and "期内社区活动的签到人次" in page.content()
    page.click("a:has-text('西园新村社区')")
    page.wait_for_load_state()
    assert "活动参与人次 · 西园新村社区居委会" in page.content()
    assert page.content().count("重阳敬老活动") == 6  # the six sign-ins behind the number
