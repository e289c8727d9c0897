from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wushe.core.demo import SCALE_PREFIXES
from wushe.core.demo import seed as run_seed


class Command(BaseCommand):
    help = "生成演示数据（真实区划 + 生成的站点、功能室、人员与演示账号）。Generate demo data."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALE_PREFIXES), default="small")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子：相同种子生成相同数据")

    def handle(self, *args, scale, seed, **options):
        if not settings.WUSHE_DEMO:
            # Demo accounts have a known password and skip the second factor only on a demo
            # install; never create them on a real one by accident.
            raise CommandError("演示数据只能在演示环境生成：请设置 WUSHE_DEMO=1（make demo 会自动设置）。")
        report = run_seed(scale=scale, seed_value=seed,
                          stdout=self.stdout if options["verbosity"] > 1 else None)
        self.stdout.write(self.style.SUCCESS(
            f"演示数据（{scale}）：导入区划 {report.divisions} 条，新建站点 {report.stations} 个、"
            f"功能室 {report.rooms} 间、服务对象 {report.residents} 人、个案 {report.cases} 个；演示账号 {', '.join(report.accounts)}"
        ))
