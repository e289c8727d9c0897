from django.core.management.base import BaseCommand, CommandError

from wushe.core.audit import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链：任何被修改或删除的记录都会被检出。Verify the audit log hash chain."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            where = f"第 {report.broken_at} 号记录" if report.broken_at else "链尾"
            raise CommandError(f"审计日志校验失败：{where}，{report.reason}（已校验 {report.checked} 条）。")
        self.stdout.write(self.style.SUCCESS(f"审计日志完整：已校验 {report.checked} 条记录。"))
        if report.old_key:
            self.stdout.write(self.style.WARNING(
                f"其中 {report.old_key} 条由 SECRET_KEY_FALLBACKS 中的旧密钥校验通过，"
                "删除该旧密钥后这些记录将无法校验。"
            ))
