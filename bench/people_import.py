"""Bench: importing a 100k-row ledger against openpyxl merely reading the same file.

In one run: write a realistic ledger (openpyxl write-only), then time
  1. openpyxl read-only mode iterating every cell (the baseline the issue names),
  2. wushe's plan (read with python-calamine, validate, hash) + apply (encrypt, write),
and print the ratio (target: the import takes at most half of openpyxl's read) and the
peak memory (target: under 500 MB).

    BENCH_ROWS=100000 make bench        # default 20000 rows to keep `make bench` short
"""

import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

from common import OUT, setup

setup("bench_people.sqlite3")

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from wushe.accounts.models import RoleAssignment, User  # noqa: E402
from wushe.accounts.roles import Role  # noqa: E402
from wushe.core.divisions import Level, within  # noqa: E402
from wushe.core.models import Division, Station  # noqa: E402
from wushe.core.pii import id_check_digit  # noqa: E402
from wushe.people.importing import ImportOptions, apply_import, plan_import  # noqa: E402
from wushe.people.models import Resident  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "20000"))
STREET = "340104102"  # 小庙镇: the largest street of the demo district


def write_ledger(path: Path, communities: list[str]) -> None:
    rng = random.Random(7)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["小庙镇服务对象台账"])
    ws.append(["序号", "姓名", "身份证号", "联系电话", "社区", "住址", "民族", "居住情况", "人员类别"])
    used = set()
    for i in range(ROWS):
        while True:
            first17 = f"340104{rng.randrange(1930, 2005)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}"
            if first17 not in used:
                used.add(first17)
                break
        ws.append([i + 1, rng.choice("王李张刘陈杨黄赵吴周") + rng.choice(["伟", "芳", "秀英", "建国", "桂兰", "明"]),
                   first17 + id_check_digit(first17), f"13{rng.randrange(10**8, 10**9)}",
                   rng.choice(communities), f"{rng.randrange(1, 99)}栋{rng.randrange(101, 1999)}室", "汉族",
                   rng.choice(["独居", "空巢", "与子女同住", ""]), rng.choice(["老年人", "", "老年人、独居老人"])])
    wb.save(path)


def openpyxl_read(path: str) -> None:
    """The baseline: openpyxl's read-only mode iterating every cell (prints seconds, cells)."""
    start = time.perf_counter()
    cells = 0
    wb = load_workbook(path, read_only=True)
    for row in wb.active.iter_rows(values_only=True):
        cells += len(row)
    wb.close()
    print(time.perf_counter() - start, cells)


def _station_and_user():
    station = Station.objects.get(division_id=STREET.ljust(12, "0"), tier=Station.Tier.STATION)
    user, created = User.objects.get_or_create(username="bench_worker")
    if created:
        RoleAssignment.objects.create(user=user, role=Role.WORKER, station=station)
    return station, user


def main() -> int:
    call_command("migrate", verbosity=0)
    if not Station.objects.filter(division_id=STREET.ljust(12, "0")).exists():
        call_command("seed_demo", verbosity=0)
    # Last run's residents go in a process of their own too: deleting 100k through the ORM
    # (history, links) takes more memory than the import.
    subprocess.run([sys.executable, __file__, "--clean"], check=True)  # noqa: S603 - this very script
    station, user = _station_and_user()
    communities = list(Division.objects.filter(within("code", STREET), level=Level.VILLAGE)
                       .values_list("name", flat=True))
    path = OUT / f"ledger_{ROWS}.xlsx"
    if not path.exists():
        write_ledger(path, communities)

    # The baseline and the floors run in processes of their own, so the peak memory printed
    # is the import's.
    baseline, cells = (float(v) for v in subprocess.run(  # noqa: S603 - this very script
        [sys.executable, __file__, "--openpyxl-read", str(path)], check=True, capture_output=True, text=True,
    ).stdout.split())
    calamine_s, write_s = (float(v) for v in subprocess.run(  # noqa: S603 - this very script
        [sys.executable, __file__, "--floors", str(path)], check=True, capture_output=True, text=True,
    ).stdout.split())
    start = time.perf_counter()
    plan = plan_import(actor=user, path=path, options=ImportOptions(station=station, consent_on=timezone.localdate()))
    planned = time.perf_counter() - start
    for issue in plan.issues[:3]:
        print(f"  row {issue.row} {issue.column}: {issue.reason}")
    result = apply_import(actor=user, plan=plan, all_or_nothing=False, source=path.name)
    total = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"ledger: {ROWS:,} rows × 9 columns ({int(cells):,} cells), {connection_vendor()}")
    print(f"  openpyxl read-only, reading only       {baseline:7.2f} s")
    print(f"  wushe plan (read + validate + hash)    {planned:7.2f} s")
    print(f"  wushe import (plan + encrypt + write)  {total:7.2f} s   created {result.created:,}")
    print(f"ratio import / openpyxl read: {total / baseline:.2f}   (target ≤ 0.5)")
    print(f"floors, for the ratio: python-calamine reading only {calamine_s:.2f} s ({calamine_s / baseline:.2f}); "
          f"storing the same rows, made and encrypted beforehand, {write_s:.2f} s ({write_s / baseline:.2f}); "
          f"together {(calamine_s + write_s) / baseline:.2f} of openpyxl's read, before any check")
    print(f"peak memory of the import: {peak_mb:.0f} MB   (target < 500 MB)")
    return 0


def floors(path: Path) -> None:
    """What no import of this file can go under (prints seconds of each): python-calamine
    reading every row, and the database storing the new residents' rows (made, encrypted and
    hashed beforehand) with the resident table's indexes, through the import's own writer;
    rolled back."""
    from django.db import transaction
    from python_calamine import CalamineWorkbook

    from wushe.core.rows import Sink, reserve_ids
    from wushe.people.importing import new_resident
    from wushe.people.rows import ResidentRows

    began = time.perf_counter()
    for _row in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows():
        pass
    calamine_s = time.perf_counter() - began

    class Held:  # the chunks, kept until they are written together
        def __init__(self):
            self.chunks = []

        def put(self, sql, rows):
            self.chunks.append((sql, rows))

    station, user = _station_and_user()
    plan = plan_import(actor=user, path=path, options=ImportOptions(station=station, consent_on=timezone.localdate()))
    held = Held()
    with transaction.atomic():
        residents = ResidentRows(held, ids=reserve_ids(Resident, len(plan.creates)))
        for row in plan.creates:
            residents.add(new_resident(row, user))
        residents.flush()
        began = time.perf_counter()
        sink = Sink()
        for sql, rows in held.chunks:
            sink.put(sql, rows)
        sink.drain()
        sink.close()
        write_s = time.perf_counter() - began
        transaction.set_rollback(True)
    vacuum()
    print(calamine_s, write_s)


def vacuum() -> None:
    """On PostgreSQL, clear the dead rows a run leaves (deleted, or rolled back): they would
    otherwise wait for autovacuum, and every ID the check looks up would walk their index
    entries (the check took 16 s, not 4.6)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Resident, Resident.tags.through):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    if sys.argv[1:2] == ["--openpyxl-read"]:
        sys.exit(openpyxl_read(sys.argv[2]))
    if sys.argv[1:2] == ["--floors"]:
        sys.exit(floors(Path(sys.argv[2])))
    if sys.argv[1:2] == ["--clean"]:
        Resident.objects.filter(within("community_id", STREET), created_by__username="bench_worker").delete()
        sys.exit(vacuum())
    sys.exit(main())
