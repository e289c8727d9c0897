from django.core.management.base import BaseCommand

from wushe.people.importing import UNCONFIRMED_DAYS, prune_stale_imports


class Command(BaseCommand):
    help = "删除长期未确认的导入文件（含明文身份证号）。Delete uploaded ledgers of imports left unconfirmed."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=UNCONFIRMED_DAYS,
                            help=f"上传后超过多少天未确认即删除（默认 {UNCONFIRMED_DAYS}）")

    def handle(self, *args, days, **options):
        count = prune_stale_imports(days)
        self.stdout.write(self.style.SUCCESS(f"已删除 {count} 个过期的导入文件。"))
