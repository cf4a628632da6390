from celery import shared_task

from privacy import purge


@shared_task(name="privacy.purge_pass")
def purge_pass() -> dict | None:
    """Beat, every 15 minutes: today's purge, once, after PRIVACY_PURGE_HOUR."""
    return purge.purge_tick()
