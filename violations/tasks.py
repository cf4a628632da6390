from celery import shared_task

from violations import reviews


@shared_task(name="violations.review_pass")
def review_pass() -> dict | None:
    """Beat, every 15 minutes: today's review pass, once, at the first tick after
    REMINDER_HOUR. The e-mails it claims are the outbox's to send."""
    return reviews.review_pass_tick()
