"""Bench: the dashboard at city scale (≈ 3,000 stations, 1,000,000 residents, 10,000,000
service records; `seed_demo --scale city`, shared with the other city benches).

Measured in one run, on this machine:
- the city-scope summary (`/api/v1/stats/summary`, this year and last year for comparison)
  against a hand-written SQL aggregate over the same month rollup: target p95 ≤ 200 ms and
  ≤ 2× the SQL;
- the whole dashboard page of the city, for information;
- the drill-down (an indicator's page of a street: by community, by month, the records behind
  it, first page): target p95 ≤ 100 ms;
- generating the city's monthly report (xlsx + PDF);
- rebuilding every rollup from the records.
"""

import datetime
import os
import platform
import sys
import time

from common import p50, p95, setup, timed

setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.db.models.functions import Substr  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from wushe.accounts.models import RoleAssignment, User  # noqa: E402
from wushe.accounts.roles import Role  # noqa: E402
from wushe.activities.models import SignIn  # noqa: E402
from wushe.core.divisions import within  # noqa: E402
from wushe.core.models import Division, Station  # noqa: E402
from wushe.stats import rollups  # noqa: E402
from wushe.stats.indicators import ROLLED  # noqa: E402
from wushe.stats.models import DayRollup, MonthRollup, Report  # noqa: E402
from wushe.stats.reports import generate  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "40"))
CITY = os.environ.get("BENCH_CITY", "5101")  # 成都


def _user(name, role, division):
    user, _created = User.objects.get_or_create(username=name, defaults={"is_demo": True})
    # An earlier run may have given the account another division: it gets this one only.
    RoleAssignment.objects.filter(user=user).exclude(role=role, division=division).delete()
    RoleAssignment.objects.get_or_create(user=user, role=role, division=division)
    return user


def _machine() -> str:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    return f"{platform.node()} · {os.cpu_count()} cores · {cpu or platform.processor()} · {connection.vendor}"


def _sql_summary(prefix: str, year: int) -> str:
    """What the summary must at least do: sum this year's and last year's month rows of the
    counties under the prefix (the same rollup rows the selector reads), per indicator."""
    low, high = prefix.ljust(12, "0"), prefix.ljust(12, "9")
    table = MonthRollup._meta.db_table
    # Naming the indicators, as the summary does, lets the planner take the (grain, key, month)
    # index instead of every grain's rows of the city (0.3 s once SQLite has statistics).
    keys = ", ".join(f"'{m.key}'" for m in ROLLED)
    return (f"SELECT key, SUM(CASE WHEN month >= '{year}-01-01' THEN value ELSE 0 END), "
            f"SUM(CASE WHEN month < '{year}-01-01' THEN value ELSE 0 END) FROM {table} "
            f"WHERE grain = 'c' AND key IN ({keys}) AND month BETWEEN '{year - 1}-01-01' AND '{year}-12-01' "
            f"AND division >= '{low}' AND division <= '{high}' GROUP BY key")


def main() -> int:
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not SignIn.objects.filter(within("activity__station__division_id", CITY)).exists():
        call_command("seed_demo", scale="city", verbosity=2)
    if not DayRollup.objects.exists():
        rollups.rebuild()
    print(f"数据准备 setup: {time.perf_counter() - start:.0f}s")
    print(f"machine: {_machine()}")
    city = Division.objects.get(code=CITY.ljust(12, "0"))
    stations = Station.objects.filter(within("division_id", CITY)).count()
    print(f"{city.name}: {stations:,} stations · sign-ins {SignIn.objects.count():,} · "
          f"rollup rows day {DayRollup.objects.count():,} / month {MonthRollup.objects.count():,}")

    year = timezone.localdate().year
    civil = Client()
    civil.force_login(_user("bench_city", Role.CIVIL, city))
    from wushe.accounts.services import api_token_issue

    token, _tok = api_token_issue(user=User.objects.get(username="bench_city"))
    headers = {"Authorization": f"Bearer {token}"}
    summary_url = f"/api/v1/stats/summary?division={CITY}&period=year&at={year}"
    assert civil.get(summary_url, headers=headers).status_code == 200

    sql = _sql_summary(CITY, year)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()

    api = timed(lambda: civil.get(summary_url, headers=headers), RUNS)
    base = timed(raw, RUNS)
    ratio = p50(api) / p50(base)
    print(f"  city summary (API, year + previous year)  p50 {p50(api):6.1f} ms  p95 {p95(api):6.1f} ms | "
          f"hand-written SQL p50 {p50(base):6.1f} ms | ratio {ratio:4.1f}×   (targets p95 ≤ 200 ms, ≤ 2×)")
    # What the request is made of: the selector's own aggregate (same two periods, one query),
    # and the floor of any API request here (token, roles, middleware; no aggregate at all).
    from wushe.stats import selectors
    from wushe.stats.periods import Period

    year_period = Period.parse({"period": "year", "at": str(year)})
    own = timed(lambda: selectors.summary(division=city, period=year_period), RUNS)
    floor = timed(lambda: civil.get("/api/v1/stats/indicators", headers=headers), RUNS)
    print(f"    of which the selector (both periods' sums) p50 {p50(own):6.1f} ms | ratio to the SQL "
          f"{p50(own) / p50(base):4.1f}× ; an API request with no aggregate (/stats/indicators) p50 "
          f"{p50(floor):6.1f} ms")
    month_url = f"/api/v1/stats/summary?division={CITY}&period=month"
    api_month = timed(lambda: civil.get(month_url, headers=headers), RUNS)
    print(f"  city summary (API, this month)             p50 {p50(api_month):6.1f} ms  p95 {p95(api_month):6.1f} ms")
    page = timed(lambda: civil.get(f"/stats/?division={CITY}"), max(5, RUNS // 4))
    print(f"  city dashboard page (all sections, ranking, trend) p50 {p50(page):6.1f} ms  p95 {p95(page):6.1f} ms")

    # The street with the most 社工室 (ties broken by code, so every run opens the same one).
    street_code = (Station.objects.filter(within("division_id", CITY), tier="room")
                   .annotate(street=Substr("division_id", 1, 9)).values("street")
                   .order_by().annotate(n=Count("id")).order_by("-n", "street").first()["street"])
    street = Division.objects.get(code=street_code.ljust(12, "0"))
    drill_client = Client()
    drill_client.force_login(_user("bench_street_stats", Role.STREET, street))
    drill_url = f"/stats/i/attendances/?division={street.code}&period=month"
    assert drill_client.get(drill_url).status_code == 200
    drill = timed(lambda: drill_client.get(drill_url), RUNS)
    print(f"  drill-down, {street.name} 活动参与人次 (by community, by month, records page) "
          f"p50 {p50(drill):6.1f} ms  p95 {p95(drill):6.1f} ms   (target p95 ≤ 100 ms)")

    today = timezone.localdate()
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    report = Report.objects.create(division=city, kind="month", start=last_month_end.replace(day=1),
                                   end=last_month_end, requested_by=User.objects.get(username="bench_city"))
    began = time.perf_counter()
    generate(report)
    report.refresh_from_db()
    print(f"  city monthly report (xlsx + PDF): {time.perf_counter() - began:.1f} s, status {report.status}, "
          f"xlsx {report.xlsx.size // 1024} KB, PDF {report.pdf.size // 1024} KB")

    if os.environ.get("BENCH_REBUILD", "1") == "1":
        began = time.perf_counter()
        rollups.rebuild()
        print(f"  rebuild every rollup from the records: {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
