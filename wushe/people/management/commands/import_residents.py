import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wushe.accounts.models import User
from wushe.core.models import Division, Station
from wushe.people.importing import ImportFileError, ImportOptions, apply_import, plan_import


class Command(BaseCommand):
    help = "从 Excel/CSV 台账导入服务对象。Import residents from a ledger file."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--station", type=int, required=True, help="建档站点编号")
        parser.add_argument("--user", required=True, help="以哪个账号的名义导入（须覆盖该站点，记入审计日志）")
        parser.add_argument("--community", help="行中未写社区时使用的默认社区/村区划代码")
        parser.add_argument("--consent-on", help="本批居民签署知情同意书的日期（如 2024-01-23）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--all-or-nothing", action="store_true", help="有任何问题行则全部不导入")

    def handle(self, *args, **o):
        actor = User.objects.filter(username=o["user"], is_active=True).first()
        station = Station.objects.filter(pk=o["station"]).first()
        if actor is None or station is None:
            raise CommandError("账号或站点不存在。")
        community = Division.objects.filter(code=o["community"].ljust(12, "0")).first() if o["community"] else None
        consent_on = datetime.date.fromisoformat(o["consent_on"]) if o["consent_on"] else None
        options = ImportOptions(station=station, community=community, consent_on=consent_on)
        try:
            plan = plan_import(actor=actor, path=Path(o["file"]), options=options)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        for issue in sorted(plan.issues, key=lambda i: i.row):
            self.stderr.write(f"第 {issue.row} 行 {issue.column}：{issue.reason}")
        self.stdout.write(f"读取 {plan.rows_read} 行：新建 {len(plan.creates)}，更新 {len(plan.updates)}，"
                          f"问题行 {len(plan.bad_rows)}")
        if o["dry_run"]:
            return
        try:
            result = apply_import(actor=actor, plan=plan, all_or_nothing=o["all_or_nothing"], source=o["file"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"已导入：新建 {result.created}，更新 {result.updated}，"
                                             f"跳过问题行 {result.skipped_rows}"))
        if result.created + result.updated == 0:
            raise CommandError("没有导入任何数据。")
