"""Bench: 1,000 people scan an activity's QR code and sign in, served the way production
serves it: gunicorn with several worker processes, on SQLite (WAL) and on PostgreSQL.

Each simulated phone does what a phone does: opens the page (GET, which sets the CSRF
cookie) and posts its name and mobile (POST). All phones share one client address, as a
hall on one Wi-Fi does. Then 100 of them scan again at the same time, to prove nothing is
counted twice.

In the same run, the same client at the same concurrency requests /healthz (one database
query, no template) as the baseline; printed: sign-ins per second, p50/p95 of a sign-in
(GET + POST), the machine's busy CPU and the share of it the phones themselves took (so the
server's CPU per sign-in), the baseline's requests per second, the ratio, and the count check
(lost and duplicated sign-ins must both be 0). Target: 1,000 sign-ins within 10 s.

    make bench                            # both databases (PostgreSQL skipped if absent)
    BENCH_SIGN_INS=300 python bench/qr_sign_in.py
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from common import OUT, p50, p95

PEOPLE = int(os.environ.get("BENCH_SIGN_INS", "1000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "24"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://127.0.0.1/wushe_bench_qr")
ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 10.0


# --- the parent: one child process per database ----------------------------------------------

def main() -> int:
    OUT.mkdir(exist_ok=True)
    runs = [("SQLite WAL", _fresh_sqlite())]
    pg = _fresh_postgres()
    if pg:
        runs.append(("PostgreSQL", pg))
    else:
        print("PostgreSQL: 不可用，跳过 (skipped: no server at BENCH_PG_URL)")
    failed = False
    for label, url in runs:
        print(f"\n== {label} ==", flush=True)
        child = subprocess.run([sys.executable, __file__, "--child", url], cwd=ROOT, check=False)  # noqa: S603 - ourselves
        failed |= child.returncode != 0
    return 1 if failed else 0


def _fresh_sqlite() -> str:
    path = OUT / "qr.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _fresh_postgres() -> str | None:
    try:
        import psycopg

        name = PG_URL.rsplit("/", 1)[1]
        admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return PG_URL
    except Exception as exc:  # noqa: BLE001 - a machine without PostgreSQL benches SQLite only
        print(f"PostgreSQL: {exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        return None


# --- the child: one database ------------------------------------------------------------------

def child(url: str) -> int:
    os.environ["DATABASE_URL"] = url
    from common import setup

    setup()
    from django.core.cache import cache
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    activity = _activity()
    cache.clear()  # the rate limits of earlier runs
    print(f"数据准备 setup: {time.perf_counter() - started:.1f}s", flush=True)

    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "WUSHE_DEMO": "1", "WUSHE_ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(  # noqa: S603 - gunicorn from our own environment
        [sys.executable, "-m", "gunicorn", "wushe.wsgi", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--timeout", "60"], cwd=ROOT, env=env)
    try:
        _wait_for(port)
        return _measure(port, activity)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _activity():
    """One station, one of its workers, an activity under way with 300 people registered."""
    import datetime

    from django.utils import timezone

    from wushe.accounts.models import RoleAssignment, User
    from wushe.accounts.roles import Role
    from wushe.activities import services
    from wushe.core.divisions import Level
    from wushe.core.models import Division, Station

    chain = [("340000000000", "安徽省", Level.PROVINCE, None), ("340100000000", "合肥市", Level.CITY, "340000000000"),
             ("340104000000", "蜀山区", Level.COUNTY, "340100000000"),
             ("340104005000", "西园街道", Level.TOWN, "340104000000")]
    for code, name, level, parent in chain:
        Division.objects.create(code=code, name=name, level=level, parent_id=parent)
    station = Station.objects.create(name="西园街道社会工作服务站", tier=Station.Tier.STATION, division_id="340104005000")
    worker = User.objects.create(username="bench_worker", full_name="刘社工")
    RoleAssignment.objects.create(user=worker, role=Role.WORKER, station=station)
    start = timezone.now() - datetime.timedelta(minutes=10)
    activity = services.activity_save(actor=worker, station=station, data={
        "title": "社区邻里节", "category": "participation", "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=3), "capacity": PEOPLE, "place": "社区广场"})
    for n in range(300):
        services.register(activity=activity, name=f"居民{n}", mobile=_mobile(n), actor=worker)
    return activity


def _mobile(n: int) -> str:
    return f"139{n:08d}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int) -> None:
    for _ in range(300):
        try:
            if _get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def _get(port: int, path: str, cookie: str = "") -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read().decode()
    cookies = "; ".join(v.split(";", 1)[0] for k, v in response.getheaders() if k.lower() == "set-cookie")
    conn.close()
    return response.status, body, cookies


def _post(port: int, path: str, form: dict, cookie: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", path, body=urlencode(form), headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, body


_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _scan(port: int, token: str, n: int) -> tuple[float, bool]:
    """One phone: open the page, sign in. (seconds, signed in or already signed in)"""
    started = time.perf_counter()
    path = f"/p/a/{token}/"
    status, body, cookie = _get(port, path)
    match = _TOKEN.search(body)
    if status != 200 or not match:
        return time.perf_counter() - started, False
    status, body = _post(port, path, {"csrfmiddlewaretoken": match.group(1), "form": "signin",
                                      "name": f"居民{n}", "mobile": _mobile(n)}, cookie)
    ok = status == 200 and ("签到成功" in body or "已经签到过了" in body)
    return time.perf_counter() - started, ok


def _machine_busy() -> float:
    """Seconds every core of this machine spent busy so far (Linux's /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle and iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _run(jobs, fn) -> tuple[float, list]:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        results = list(pool.map(fn, jobs))
    return time.perf_counter() - started, results


def _measure(port: int, activity) -> int:
    from wushe.activities.models import SignIn

    lock = threading.Lock()
    baseline_times = []

    def health(_n):
        t = time.perf_counter()
        status = _get(port, "/healthz")[0]
        with lock:
            baseline_times.append(time.perf_counter() - t)
        return status == 200

    _run(range(50), health)  # warm every worker
    baseline_times.clear()
    base_wall, base_ok = _run(range(2 * PEOPLE), health)
    base_rate = 2 * PEOPLE / base_wall

    client_cpu, machine_cpu = time.process_time(), _machine_busy()
    wall, results = _run(range(PEOPLE), lambda n: _scan(port, activity.token, n))
    client_cpu, machine_cpu = time.process_time() - client_cpu, _machine_busy() - machine_cpu
    again_wall, again = _run(range(100), lambda n: _scan(port, activity.token, n))  # scanned twice
    times = [t * 1000 for t, _ok in results]
    signed = SignIn.objects.filter(activity=activity)
    count, distinct = signed.count(), signed.values("mobile_hash").distinct().count()
    failed = sum(1 for _t, ok in results + again if not ok)
    rate = PEOPLE / wall
    print(f"gunicorn {WORKERS} workers, {CONCURRENCY} phones at a time, {PEOPLE:,} sign-ins")
    print(f"  sign-ins      {wall:6.2f}s  {rate:7.1f}/s  sign-in p50 {p50(times):6.1f} ms  p95 {p95(times):6.1f} ms"
          f"  (GET + POST)")
    print(f"  CPU           {machine_cpu:6.2f}s busy of the {os.cpu_count()} cores' {os.cpu_count() * wall:.2f}s;"
          f" the phones (this bench's own clients) {client_cpu:.2f}s; the server and its database"
          f" {(machine_cpu - client_cpu) / PEOPLE * 1000:.1f} ms a sign-in")
    print(f"  baseline      {base_wall:6.2f}s  {base_rate:7.1f}/s  /healthz p95 "
          f"{p95([t * 1000 for t in baseline_times]):6.1f} ms  ({sum(base_ok)}/{2 * PEOPLE} ok)")
    print(f"  ratio         sign-in requests/s ÷ baseline requests/s = {2 * rate / base_rate:.2f}")
    print(f"  rescans       100 again in {again_wall:.2f}s")
    print(f"  count check   {count:,} sign-ins recorded, {distinct:,} distinct people: "
          f"lost {PEOPLE - distinct}, duplicated {count - distinct}, failed responses {failed}")
    met = wall <= TARGET_S and count == distinct == PEOPLE and failed == 0
    print(f"  target        {PEOPLE:,} in ≤ {TARGET_S:.0f}s with none lost or duplicated: {'met' if met else 'NOT met'}")
    return 0 if count == distinct == PEOPLE and failed == 0 else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        sys.exit(child(sys.argv[2]))
    sys.exit(main())
