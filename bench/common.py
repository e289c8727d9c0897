"""What every bench shares: its own database under bench/out/, Django set up for a demo
install, timing in milliseconds, and replaying the SQL a page sent."""

import os
import statistics
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def setup(database: str = "bench.sqlite3") -> None:
    """Point Django at the bench database (unless DATABASE_URL is given) and start it."""
    OUT.mkdir(exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / database}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wushe.settings")
    os.environ["WUSHE_DEMO"] = "1"
    import django

    django.setup()


def timed(fn, runs: int) -> list[float]:
    """Milliseconds of ``runs`` calls, after one warm-up call."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p50(samples) -> float:
    return statistics.median(samples)


def p95(samples) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def replayer(statements: list[str]):
    """A function running these SQL statements on a bare cursor: a page's floor."""
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    return run
