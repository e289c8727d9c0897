"""Background tasks: generating a report, rebuilding the rollups."""

from django_tasks import task

from wushe.stats.models import Report


@task()
def generate_report_task(report_id: int) -> None:
    from wushe.stats.reports import generate

    # Claimed in one UPDATE: a task delivered twice finds nothing queued and does nothing.
    if not Report.objects.filter(pk=report_id, status=Report.Status.QUEUED).update(status=Report.Status.RUNNING):
        return
    generate(Report.objects.select_related("division", "requested_by").get(pk=report_id))


@task()
def rebuild_rollups_task() -> None:
    from wushe.stats.rollups import rebuild

    rebuild()
