"""Background tasks of the people registry: thin, idempotent, they call the import steps.

Each task first claims its job by moving it from the state the view left it in to the
working state in one UPDATE; a task run twice finds nothing to claim and does nothing.
"""

from django_tasks import task

from wushe.people.importing import apply_job, plan_job, prune_stale_imports
from wushe.people.models import ImportJob


def _claim(job_id: int, from_status: str, to_status: str) -> ImportJob | None:
    if not ImportJob.objects.filter(pk=job_id, status=from_status).update(status=to_status):
        return None
    return ImportJob.objects.select_related("user", "station__division", "community").get(pk=job_id)


@task()
def plan_import_task(job_id: int) -> None:
    job = _claim(job_id, ImportJob.Status.QUEUED, ImportJob.Status.PLANNING)
    if job is not None:
        plan_job(job)
    # Every upload also sweeps away ledgers others left unconfirmed: no cron job needed.
    prune_stale_imports()


@task()
def apply_import_task(job_id: int) -> None:
    job = _claim(job_id, ImportJob.Status.CONFIRMED, ImportJob.Status.IMPORTING)
    if job is not None:
        apply_job(job)
