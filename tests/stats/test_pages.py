"""The dashboard, an indicator's drill-down, the chart data, the ad-hoc export, the reports and
the API: each shows the registry's numbers for a division the user oversees, and nothing of a
division they do not (404), nor a person's details."""

import datetime
import io

import openpyxl
import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.people.factories import mobile
from wushe.accounts.services import api_token_issue
from wushe.activities import services as activity_services
from wushe.core.models import AuditEntry
from wushe.stats.models import Report
from wushe.stats.periods import Period, PeriodError

pytestmark = pytest.mark.django_db


def _activity(net, people, *, station=None, title="健康讲座", days_ago=2, sign_ins=3, numbers=None):
    # Two days ago, but never before this month's 1st: the tests read this month (and this year),
    # which on the 1st and 2nd would not hold an activity of two days ago.
    first = timezone.make_aware(datetime.datetime.combine(timezone.localdate().replace(day=1), datetime.time.min))
    start = max(timezone.now() - datetime.timedelta(days=days_ago), first)
    actor = people["head"] if station in (None, net.station_a) else people["worker_b"]
    activity = activity_services.activity_save(actor=actor, station=station or net.station_a, data={
        "title": title, "category": "health", "starts_at": start, "ends_at": start + datetime.timedelta(hours=2),
        "capacity": 50, "place": "广场"})
    numbers = numbers or [mobile() for _ in range(sign_ins)]
    for n in numbers:
        activity_services.sign_in(activity=activity, name="居民", mobile=n, actor=actor)
    return activity, numbers


def _month() -> str:
    return timezone.localdate().isoformat()


# --- periods ----------------------------------------------------------------------------------

def test_periods_and_the_one_before():
    p = Period.parse({"period": "quarter", "at": "2026-05-17"})
    assert (p.start, p.end) == (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    assert p.previous() == Period("quarter", datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert Period.parse({"period": "month", "at": "2024-02"}).end == datetime.date(2024, 2, 29)
    assert Period.parse({"period": "year", "at": "2025"}).previous().start == datetime.date(2024, 1, 1)
    custom = Period.parse({"period": "custom", "from": "2026-01-15", "to": "2026-03-10"})
    assert custom.previous() == Period("custom", datetime.date(2025, 11, 21), datetime.date(2026, 1, 14))
    # The edges are read by day, the whole month between from the month table.
    assert custom.split() == ([(datetime.date(2026, 1, 15), datetime.date(2026, 1, 31)),
                               (datetime.date(2026, 3, 1), datetime.date(2026, 3, 10))],
                              (datetime.date(2026, 2, 1), datetime.date(2026, 2, 1)))
    for bad in ({"period": "week"}, {"period": "month", "at": "2026-13"}, {"period": "custom", "from": "2026-02-01",
                                                                          "to": "2026-01-01"},
                {"period": "custom", "from": "2000-01-01", "to": "2026-01-01"}, {"period": "year", "at": "1066"}):
        with pytest.raises(PeriodError):
            Period.parse(bad)


# --- the dashboard ------------------------------------------------------------------------------

def test_the_dashboard_counts_the_scope_and_drills_down(net, people, login):
    _activity(net, people, sign_ins=3)
    _activity(net, people, station=net.station_b, title="三里庵的活动", sign_ins=2)
    client = login(people["civil"])
    page = client.get(f"/stats/?division={net.county.code}&period=month&at={_month()}").content.decode()
    assert "数据看板 · 蜀山区" in page and "期内社区活动的签到人次" in page  # the definition is the help text
    assert "西园街道" in page and "三里庵街道" in page  # the level below, ranked
    street = client.get(f"/stats/?division={net.street_a.code}&period=month&at={_month()}").content.decode()
    assert "三里庵" not in street.split("下级区划排名")[-1]
    # The figure opens: by the level below and, from a street down, the records behind it.
    drill = client.get(f"/stats/i/attendances/?division={net.county.code}&period=month&at={_month()}")
    assert "请先在上表中选择一个街道" in drill.content.decode()
    drill = client.get(f"/stats/i/attendances/?division={net.street_a.code}&period=month&at={_month()}").content.decode()
    assert drill.count("健康讲座") >= 3 and "三里庵的活动" not in drill
    assert 'href="/activities/' not in drill  # the district may not open an activity: no link


def test_the_records_list_names_no_one(net, people, login):
    # Numbers whose last four digits cannot occur in a division code or a date on the page.
    _activity_obj, numbers = _activity(net, people, numbers=["13987658765", "13987659876", "13987656789"])
    page = login(people["head"]).get(f"/stats/i/attendances/?division={net.street_a.code}").content.decode()
    for n in numbers:
        assert n[-4:] not in page and n not in page
    assert 'href="/activities/' in page  # the head may open the activity


def test_roles_without_stats_and_divisions_outside_are_refused(net, people, login):
    assert login(people["worker"]).get("/stats/").status_code == 403
    street = login(people["street"])
    assert street.get("/stats/").status_code == 200
    for url in (f"/stats/?division={net.street_b.code}", f"/stats/?division={net.county.code}",
                f"/stats/i/activities/?division={net.street_b.code}", "/stats/?division=²",
                f"/stats/series.json?division={net.street_b.code}&indicator=activities",
                f"/stats/export.xlsx?division={net.street_b.code}&indicator=activities",
                f"/stats/?division={net.other_county.code}", "/stats/i/nonsense/"):
        assert street.get(url).status_code == 404, url
    assert street.get("/stats/?period=week").status_code == 200  # a bad period says so and shows this month


def test_chart_data_and_the_ad_hoc_export(net, people, login):
    _activity(net, people, sign_ins=4)
    client = login(people["street"])
    data = client.get(f"/stats/series.json?division={net.street_a.code}&period=year&at={_month()}"
                      "&indicator=attendances").json()
    assert data["unit"] == "人次" and sum(v or 0 for v in data["values"]) == 4
    assert data["labels"][0].endswith("-01") and len(data["labels"]) == 12
    by_child = client.get(f"/stats/series.json?division={net.street_a.code}&indicator=attendances&by=child").json()
    assert "西园街道（本级）" in by_child["labels"]
    assert client.get("/stats/series.json?indicator=nope").status_code == 400
    response = client.get(f"/stats/export.xlsx?division={net.street_a.code}&period=year&at={_month()}"
                          "&indicator=attendances")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.values)
    assert rows[0][0] == "站点" and rows[0][-1] == "合计"
    station_row = next(r for r in rows if r[0] == net.station_a.name)
    assert station_row[-1] == 4 and sum(v or 0 for v in station_row[2:-1]) == 4


# --- reports ------------------------------------------------------------------------------------

def test_a_report_is_generated_kept_and_read_back(net, people, login, django_capture_on_commit_callbacks):
    _activity(net, people, sign_ins=5)
    client = login(people["street"])
    assert client.get("/stats/reports/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/stats/reports/", {"division": net.street_a.code, "kind": "month", "at": _month()})
    report = Report.objects.get()
    assert response.url == report.get_absolute_url() and report.status == Report.Status.DONE
    page = client.get(report.get_absolute_url()).content.decode()
    assert "下载 xlsx" in page and "下载 PDF" in page
    book = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(f"/stats/reports/{report.pk}/xlsx/")
                                                      .streaming_content)))
    assert {"总览", "站点与队伍", "按月", "按下级区划", "按站点", "分类"} <= set(book.sheetnames)
    overview = {row[1]: row[2] for row in book["总览"].iter_rows(min_row=4, values_only=True)}
    assert overview["活动参与人次"] == 5 and overview["社区活动场次"] == 1
    pdf = PdfReader(io.BytesIO(b"".join(client.get(f"/stats/reports/{report.pk}/pdf/").streaming_content)))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "西园街道社会工作服务统计报表" in text and "活动参与人次" in text
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED, object_id=str(report.pk)).count() == 2
    # Regenerated after more records: the new number, the same report.
    _activity(net, people, sign_ins=2, title="第二场")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/stats/reports/{report.pk}/regenerate/")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(f"/stats/reports/{report.pk}/xlsx/")
                                                      .streaming_content)))
    assert {row[1]: row[2] for row in book["总览"].iter_rows(min_row=4, values_only=True)}["活动参与人次"] == 7
    assert Report.objects.count() == 1


def test_a_report_form_names_its_mistakes(net, people, login):
    client = login(people["street"])
    page = client.post("/stats/reports/", {"division": net.street_b.code, "kind": "custom"}).content.decode()
    assert "不在您的管辖范围内" in page
    page = client.post("/stats/reports/", {"division": net.street_a.code, "kind": "custom",
                                           "start": "2026-03-01"}).content.decode()
    assert "须填写开始日期和结束日期" in page and not Report.objects.exists()


# --- API ----------------------------------------------------------------------------------------

def test_the_api_gives_the_dashboards_numbers_inside_scope_only(net, people, client):
    _activity(net, people, sign_ins=3)
    key, _tok = api_token_issue(user=people["street"])
    headers = {"Authorization": f"Bearer {key}"}
    definitions = client.get("/api/v1/stats/indicators", headers=headers).json()
    assert any(d["key"] == "indirect" and d["estimate"] for d in definitions)
    summary = client.get(f"/api/v1/stats/summary?division={net.street_a.code}&period=month&at={_month()}",
                         headers=headers).json()
    figures = {f["key"]: f["value"] for f in summary["figures"]}
    assert figures["attendances"] == 3 and figures["activities"] == 1
    custom = client.get(f"/api/v1/stats/summary?division={net.street_a.code}&from={_month()}&to={_month()}",
                        headers=headers).json()
    assert custom["period"] == "custom"
    series = client.get(f"/api/v1/stats/series?indicator=attendances&division={net.street_a.code}&by=station",
                        headers=headers).json()
    assert "西园街道（本级）" in series["labels"]
    assert client.get(f"/api/v1/stats/summary?division={net.street_b.code}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/stats/series?indicator=attendances&division={net.county.code}",
                      headers=headers).status_code == 404
    assert client.get("/api/v1/stats/series?indicator=x", headers=headers).status_code == 400
    worker, _tok = api_token_issue(user=people["worker"])
    assert client.get("/api/v1/stats/summary", headers={"Authorization": f"Bearer {worker}"}).status_code == 403
