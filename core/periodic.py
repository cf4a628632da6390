"""Daily passes that cannot skip a day.

Beat ticks often (every OUTBOX_SWEEP_MINUTES … see settings); a daily pass runs at
the first tick at or after its hour whose day has no PeriodicRun row yet. The row
is inserted in the same transaction as the pass's own writes (its claims), so a
pass that fails leaves no row and runs again at the next tick, and two ticks racing
on two workers run it once."""

import datetime
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import PeriodicRun


def run_daily(*, name: str, hour: int, job: Callable[[datetime.date], dict], now: datetime.datetime | None = None):
    """Run `job(today)` once for today if the local time is past `hour`; returns its
    result, or None when it has already run today or it is too early."""
    local = timezone.localtime(now or timezone.now())
    today = local.date()
    if local.hour < hour or PeriodicRun.objects.filter(name=name, day=today).exists():
        return None
    try:
        with transaction.atomic():
            result = job(today)
            PeriodicRun.objects.create(name=name, day=today, result=result if isinstance(result, dict) else {})
    except IntegrityError:  # another worker ran it for today first; its claims won
        return None
    return result
