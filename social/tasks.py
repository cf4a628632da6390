from celery import shared_task

from social import passes


@shared_task(name="social.daily_pass")
def daily_pass() -> dict:
    """Beat, every 15 minutes: today's escalations and review reminders, once each."""
    return passes.daily_tick()
