"""Bench: the resident list at city scale (≈ 1,000,000 residents) against its raw SQL.

Uses the city-scale demo database (`seed_demo --scale city`, shared with the station
bench). A 街道 manager of 成都's largest street opens the list: the first page sorted,
filtered by category and by age band, and a name/pinyin search. Each page is timed
through Django's test client and compared with replaying the SQL it sent.
Targets: list p95 ≤ 100 ms and ≤ 3× its raw SQL; search p95 ≤ 150 ms.
"""

import os
import sys
import time

from common import p50, p95, replayer, setup, timed

setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from wushe.accounts.models import RoleAssignment, User  # noqa: E402
from wushe.accounts.roles import Role  # noqa: E402
from wushe.core.divisions import within  # noqa: E402
from wushe.core.models import Division  # noqa: E402
from wushe.people.models import Resident, Tag  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "40"))





def main() -> int:
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not Resident.objects.filter(within("community_id", "5101")).exists():
        call_command("seed_demo", scale="city", verbosity=2)
    print(f"数据准备 setup: {time.perf_counter() - start:.0f}s — residents {Resident.objects.count():,} "
          f"({connection.vendor})")

    street_code = (Resident.objects.filter(within("community_id", "5101")).values("community_id")
                   .order_by().annotate(n=Count("id")).order_by("-n", "community_id").first()["community_id"][:9])
    street = Division.objects.get(code=street_code.ljust(12, "0"))
    user, created = User.objects.get_or_create(username="bench_street", defaults={"is_demo": True})
    if created:
        RoleAssignment.objects.create(user=user, role=Role.STREET, division=street)
    in_scope = Resident.objects.filter(within("community_id", street.prefix)).count()
    client = Client()
    client.force_login(user)
    tag = Tag.objects.get(name="老年人")
    sample = Resident.objects.filter(within("community_id", street.prefix)).first()
    pages = [
        ("list, first page", "/people/"),
        ("list, category 老年人", f"/people/?tag={tag.pk}"),
        ("list, age 80+ sorted by name", "/people/?age=old_old&sort=name"),
        ("search, name", f"/people/?q={sample.name}"),
        ("search, pinyin initials", f"/people/?q={sample.name_pinyin.split()[0]}"),
    ]
    print(f"as 街道管理员 of {street.name}: {in_scope:,} residents in scope of {Resident.objects.count():,}")
    worst_ratio = 0.0
    for label, url in pages:
        assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        statements = [q["sql"] for q in ctx.captured_queries]

        raw = timed(replayer(statements), RUNS)
        page = timed(lambda url=url: client.get(url), RUNS)
        ratio = p50(page) / p50(raw)
        worst_ratio = max(worst_ratio, ratio)
        print(f"  {label:<30} page p50 {p50(page):6.1f} ms p95 {p95(page):6.1f} ms | "
              f"raw SQL ({len(statements)} statements) p50 {p50(raw):6.1f} ms | ratio {ratio:4.1f}×")
    print(f"worst ratio page / raw SQL: {worst_ratio:.1f}×   (target ≤ 3×; p95 targets 100 ms list, 150 ms search)")
    # What every signed-in page here pays before any list: session, user, roles, the menu and
    # the page shell. The password page is that and a three-field form, with no data query.
    floor = timed(lambda: client.get("/accounts/password/"), RUNS)
    print(f"floor: a signed-in page with no list (/accounts/password/) p50 {p50(floor):6.1f} ms p95 "
          f"{p95(floor):6.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
