"""Bench: exporting ~100k filtered residents to xlsx against openpyxl's write-only mode
writing the same values from memory, in one run. Target: no slower than that baseline;
peak memory under 500 MB.

Uses the city-scale demo database; the exporter is the 站长 of a 成都 district's guidance
centre, whose scope holds on the order of 100,000 residents.
"""

import io
import resource
import statistics
import sys
import time

from common import setup

setup("bench.sqlite3")

from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.db.models.functions import Substr  # noqa: E402
from django.test import Client  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from wushe.accounts.models import RoleAssignment, User  # noqa: E402
from wushe.accounts.roles import Role  # noqa: E402
from wushe.core.divisions import within  # noqa: E402
from wushe.core.models import AuditEntry, Station  # noqa: E402
from wushe.people.models import Resident  # noqa: E402


def main() -> int:
    call_command("migrate", verbosity=0)
    if not Resident.objects.filter(within("community_id", "5101")).exists():
        call_command("seed_demo", scale="city", verbosity=2)
    # The county with the most residents (the grouping is per county, ties broken by code).
    county = (Resident.objects.filter(within("community_id", "5101")).annotate(county=Substr("community_id", 1, 6))
              .values("county").order_by().annotate(n=Count("id")).order_by("-n", "county").first()["county"])
    center = Station.objects.get(division_id=county.ljust(12, "0"), tier=Station.Tier.CENTER)
    user, _created = User.objects.get_or_create(username="bench_center_head", defaults={"is_demo": True})
    # An earlier run may have made the account head of another centre: it heads this one only.
    RoleAssignment.objects.filter(user=user).exclude(role=Role.HEAD, station=center).delete()
    RoleAssignment.objects.get_or_create(user=user, role=Role.HEAD, station=center)
    rows = Resident.objects.filter(within("community_id", county)).count()
    client = Client()
    client.force_login(user)

    # Baseline: the same cells, already in memory, through openpyxl write-only.
    values = [(r.name, r.get_sex_display(), r.age(), r.id_number.masked if r.id_number else "",
               r.mobile.masked if r.mobile else "", r.community_id, r.address, r.get_income_display(),
               r.get_risk_display(), "")
              for r in Resident.objects.filter(within("community_id", county)).iterator(chunk_size=5000)]
    start = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("服务对象")
    for row in values:
        ws.append(row)
    wb.save(io.BytesIO())
    baseline = time.perf_counter() - start
    del values

    times = []
    for _ in range(2):
        start = time.perf_counter()
        response = client.get("/people/", {"export": "xlsx"})
        body = b"".join(response) if response.streaming else response.content
        times.append(time.perf_counter() - start)
    assert response.status_code == 200 and len(body) > 1000
    # Both sides wrote the same residents (the export's audit entry counts its rows).
    exported = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).latest("id").detail["rows"]
    assert exported == rows, f"the export wrote {exported:,} rows, the baseline {rows:,}"
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    export = statistics.median(times)
    print(f"export of {rows:,} residents ({center.name}'s scope)")
    print(f"  openpyxl write-only, values in memory   {baseline:7.2f} s")
    print(f"  wushe export (query, stored masks, write) {export:7.2f} s")
    print(f"ratio export / baseline: {export / baseline:.2f}   (target ≤ 1)")
    print(f"peak memory: {peak_mb:.0f} MB   (target < 500 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
