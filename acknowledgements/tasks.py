"""Celery tasks of the acknowledgements app: thin wrappers around services.py. The
e-mails themselves are sent by the outbox's tasks (core/tasks.py)."""

from celery import shared_task

from acknowledgements import services


@shared_task(name="acknowledgements.reminder_pass")
def reminder_pass() -> dict | None:
    """The beat entry, every 15 minutes: the day's reminder pass, once, after REMINDER_HOUR."""
    return services.reminder_pass_daily()


@shared_task(name="acknowledgements.checkpoint")
def checkpoint() -> dict | None:
    """The beat entry, every 15 minutes: the day's checkpoint, once, after ACK_CHECKPOINT_HOUR."""
    return services.acknowledgements_checkpoint_daily()


@shared_task(name="acknowledgements.link")
def link() -> int:
    """The beat entry, every minute: link the sealed records a dead process left waiting."""
    return services.acknowledgements_link()
