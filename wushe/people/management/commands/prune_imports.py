import datetime
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from wushe.people.models import ImportJob


class Command(BaseCommand):
    help = "删除长期未确认的导入文件（含明文身份证号）。Delete uploaded ledgers of imports left unconfirmed."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="上传后超过多少天未确认即删除（默认 7）")

    def handle(self, *args, days, **options):
        cutoff = timezone.now() - datetime.timedelta(days=days)
        stale = ImportJob.objects.filter(created_at__lt=cutoff, status=ImportJob.Status.READY)
        count = 0
        for job in stale:
            Path(job.file_path).unlink(missing_ok=True)
            count += ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
                status=ImportJob.Status.FAILED, error=f"上传后 {days} 天未确认导入，文件已删除。",
                finished_at=timezone.now())
        self.stdout.write(self.style.SUCCESS(f"已删除 {count} 个过期的导入文件。"))
