"""Progressive delays per key instead of lock-outs per address.

A hard lock-out keyed on an address shuts out a whole office behind one proxy, and
one keyed on an account lets anyone lock a colleague out. Here each failure past
`after` doubles the wait (base, 2×base, … up to `maximum` seconds); the right answer
after the wait always works, and a success clears the count."""

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone

from core.models import Throttle


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def throttle_wait(key: str) -> int:
    """Seconds left before `key` may try again; 0 when it may now."""
    until = Throttle.objects.filter(key=_digest(key)).values_list("wait_until", flat=True).first()
    if until is None:
        return 0
    return max(0, int((until - timezone.now()).total_seconds() + 0.999))


@transaction.atomic
def throttle_failure(key: str, *, after: int, base: int, maximum: int) -> int:
    """Count one failure for `key` and return the wait it now imposes (seconds)."""
    row, _ = Throttle.objects.select_for_update().get_or_create(key=_digest(key))
    row.failures += 1
    wait = 0 if row.failures < after else min(maximum, base * 2 ** min(row.failures - after, 30))
    row.wait_until = timezone.now() + datetime.timedelta(seconds=wait) if wait else None
    row.save(update_fields=["failures", "wait_until", "updated_at"])
    return wait


def throttle_clear(key: str) -> None:
    Throttle.objects.filter(key=_digest(key)).delete()
