"""Celery tasks of the organization app: thin wrappers around its services."""

from celery import shared_task

from organization import directory


@shared_task(name="organization.directory_sync")
def directory_sync() -> dict | None:
    """The beat entry, every 15 minutes: the day's directory sync, once, after LDAP_SYNC_HOUR."""
    return directory.directory_sync_daily()
