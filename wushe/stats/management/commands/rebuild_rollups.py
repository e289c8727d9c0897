import time

from django.core.management.base import BaseCommand

from wushe.stats.indicators import ROLLED
from wushe.stats.rollups import rebuild


class Command(BaseCommand):
    help = "从业务记录重新生成全部统计汇总表（rollups）。Rebuild every rollup from the records."

    def add_arguments(self, parser):
        parser.add_argument("--indicator", action="append", choices=[m.key for m in ROLLED],
                            help="只重建这些指标（可重复）")

    def handle(self, *args, indicator=None, **options):
        started = time.perf_counter()
        written = rebuild(keys=indicator, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(
            f"已重建 {len(written)} 项指标，共 {sum(written.values())} 行日汇总，用时 {time.perf_counter() - started:.1f} 秒。"))
