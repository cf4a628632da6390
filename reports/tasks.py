from celery import shared_task
from django.db import InterfaceError, OperationalError

from reports import services

DB_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    name="reports.export_job",
    autoretry_for=DB_ERRORS,
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def export_job_task(job_id: int) -> str:
    return services.export_job_run(job_id=job_id)


@shared_task(name="reports.export_sweep", ignore_result=True)
def export_sweep_task() -> dict:
    return services.export_sweep()
