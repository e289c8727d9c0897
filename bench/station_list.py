"""Bench: the scoped station list page against the raw SQL of the same queries.

Generates city-scale demo data (四川 divisions, ≈ 3,000 stations) into its own database,
then, in the same run:
  1. replays the SQL the page sends for its station list (count + one page) on a bare
     cursor: the floor no page can beat;
  2. replays *every* statement the page sends (session, user, scope, count, page);
  3. requests the page through Django's test client, as a 民政管理 user of 成都.
Prints p50/p95 of each and the ratios page / raw. Targets: page ≤ 3× its raw query,
p95 ≤ 100 ms.

    make bench                       # SQLite file under bench/out/
    DATABASE_URL=postgres://… make bench
"""

import os
import sys
import time

from common import p50, p95, replayer, setup, timed

setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from wushe.accounts.models import RoleAssignment, User  # noqa: E402
from wushe.accounts.roles import Role  # noqa: E402
from wushe.core.divisions import within  # noqa: E402
from wushe.core.models import Division, Station  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "60"))
SCOPE = "510100000000"  # 成都市





def main() -> int:
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not Station.objects.filter(within("division_id", "5101")).exists():
        call_command("seed_demo", scale="city", verbosity=0)
    setup_s = time.perf_counter() - start
    print(f"数据准备 setup: {setup_s:.1f}s — divisions {Division.objects.count():,}, "
          f"stations {Station.objects.count():,} ({connection.vendor})")

    user, created = User.objects.get_or_create(username="bench_civil", defaults={"is_demo": True})
    if created:
        RoleAssignment.objects.create(user=user, role=Role.CIVIL, division_id=SCOPE)
    client = Client()
    client.force_login(user)

    url = "/stations/?page=3"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    all_sql = [q["sql"] for q in ctx.captured_queries]
    station_sql = [s for s in all_sql if "core_station" in s]
    in_scope = Station.objects.filter(within("division_id", "5101")).count()
    print(f"页面 page: {url} as 民政管理 of 成都 — {in_scope:,} stations in scope, "
          f"{len(all_sql)} statements, {len(station_sql)} on stations")

    raw_list = timed(replayer(station_sql), RUNS)
    raw_all = timed(replayer(all_sql), RUNS)
    page = timed(lambda: client.get(url), RUNS)

    rows = [("raw SQL: station list (count + page)", raw_list), ("raw SQL: every statement of the page", raw_all),
            ("page through Django", page)]
    for label, s in rows:
        print(f"  {label:<42} p50 {p50(s):7.2f} ms   p95 {p95(s):7.2f} ms")
    ratio_list = p50(page) / p50(raw_list)
    ratio_all = p50(page) / p50(raw_all)
    print(f"ratio page / raw station SQL (p50): {ratio_list:.1f}×")
    print(f"ratio page / raw SQL of all its statements (p50): {ratio_all:.1f}×   (target ≤ 3×)")
    print(f"page p95: {p95(page):.1f} ms   (target ≤ 100 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
