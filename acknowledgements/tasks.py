"""Celery tasks of the acknowledgements app: thin wrappers around reminders.py."""

import datetime

from celery import shared_task
from django.utils import timezone

from acknowledgements import reminders, services


@shared_task(name="acknowledgements.reminder_pass")
def reminder_pass() -> dict:
    """The daily beat entry: claim today's reminders and digests and queue their sends."""
    return reminders.reminder_pass(today=timezone.localdate()).as_dict()


@shared_task(
    name="acknowledgements.send_notices",
    autoretry_for=reminders.SEND_ERRORS,
    retry_backoff=True,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=5,
    ignore_result=True,  # nobody waits for it, and a result would cost a Redis subscription per task
)
def send_notices(notice_ids: list[int], today: str, nudged_by_id: int | None = None) -> int:
    """Send the e-mails of one person's claimed notices; safe to retry (sent ones are skipped)."""
    return reminders.notices_send(
        notice_ids=notice_ids, today=datetime.date.fromisoformat(today), nudged_by_id=nudged_by_id
    )


@shared_task(name="acknowledgements.checkpoint")
def checkpoint() -> dict:
    """The daily beat entry: verify the chain, write a signed checkpoint and e-mail it."""
    return services.acknowledgements_checkpoint_pass(today=timezone.localdate())
