"""Celery tasks of the directives app: thin wrappers around services."""

from celery import shared_task
from django.conf import settings

from directives import services


@shared_task(
    name="directives.import_job_run",
    ignore_result=True,
    # The child process is killed at DIRECTIVE_IMPORT_TIMEOUT_S; this only stops a
    # task stuck elsewhere (storage, database).
    soft_time_limit=settings.DIRECTIVE_IMPORT_TIMEOUT_S + 60,
)
def import_job_run(job_id: str) -> bool:
    """Read one uploaded file in the background (services.import_job_run)."""
    return services.import_job_run(job_id=job_id)


@shared_task(name="directives.import_jobs_sweep", ignore_result=True)
def import_jobs_sweep() -> int:
    """Beat: jobs whose message was lost or whose worker died go to a worker again."""
    return services.import_jobs_sweep()
