"""Writes of the stats app: asking for a report, regenerating it, downloading it (audited)."""

from functools import partial

from django.db import transaction
from django.utils import timezone

from wushe.core import audit
from wushe.core.models import AuditEntry
from wushe.stats.models import Report
from wushe.stats.periods import Period


def report_request(*, actor, request=None, division, period: Period, **_ignored) -> Report:
    report = Report.objects.create(division=division, kind=period.kind, start=period.start, end=period.end,
                                   requested_by=actor)
    audit.record(AuditEntry.Action.CREATED, request=request, actor=actor, obj=report)
    _enqueue(report)
    return report


def report_regenerate(*, actor, request=None, report: Report) -> Report:
    """Generate again (the records may have changed since): the old files are replaced."""
    Report.objects.filter(pk=report.pk).update(status=Report.Status.QUEUED, progress=0, error="",
                                               finished_at=None, requested_by=actor, created_at=timezone.now())
    audit.record(AuditEntry.Action.CHANGED, request=request, actor=actor, obj=report, detail={"regenerate": True})
    _enqueue(report)
    report.refresh_from_db()
    return report


def report_downloaded(*, actor, request=None, report: Report, kind: str) -> None:
    audit.record(AuditEntry.Action.EXPORTED, request=request, actor=actor, obj=report, detail={"file": kind})


def report_filename(report: Report, kind: str) -> str:
    return f"统计报表_{report.division.name}_{report.start:%Y%m%d}-{report.end:%Y%m%d}.{kind}"


def _enqueue(report: Report) -> None:
    from wushe.stats.tasks import generate_report_task

    transaction.on_commit(partial(generate_report_task.enqueue, report.pk))
