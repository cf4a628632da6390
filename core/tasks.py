from celery import shared_task
from django.db import InterfaceError, OperationalError

from core import outbox

# A database that drops the connection mid-task is retried; the rows themselves say
# what is left to do, so a retry never sends what was marked sent. The rows the failed
# try had taken stay "sending" until the sweep hands them on (OUTBOX_STUCK_MINUTES).
DB_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    name="core.outbox_send",
    autoretry_for=DB_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=10,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def outbox_send_task(ids: list[int]) -> int:
    return outbox.outbox_send(ids)


@shared_task(name="core.outbox_sweep", autoretry_for=DB_ERRORS, retry_backoff=True, max_retries=3)
def outbox_sweep_task() -> dict:
    return outbox.outbox_sweep()
