"""The date rules of reminders and digests: pure functions of dates and settings."""

import datetime
from dataclasses import dataclass

from django.conf import settings

# A Monday: with 7-day periods, digests after a head's first one go out on Mondays.
EPOCH = datetime.date(2024, 1, 1)


@dataclass(frozen=True)
class Cadence:
    days_before: tuple[int, ...] = (7, 1)
    overdue_every: int = 3
    overdue_max: int = 5
    escalate_after: int = 3
    escalate_every: int = 7

    @classmethod
    def from_settings(cls) -> "Cadence":
        return cls(
            days_before=tuple(settings.REMINDER_DAYS_BEFORE),
            overdue_every=settings.REMINDER_OVERDUE_EVERY_DAYS,
            overdue_max=settings.REMINDER_OVERDUE_MAX,
            escalate_after=settings.ESCALATION_AFTER_DAYS,
            escalate_every=settings.ESCALATION_EVERY_DAYS,
        )


def reminder_step(*, due_on: datetime.date, today: datetime.date, cadence: Cadence) -> str | None:
    """The step an open assignment due on `due_on` reaches today, or None."""
    days_left = (due_on - today).days
    if days_left > 0:
        return f"d-{days_left}" if days_left in cadence.days_before else None
    if days_left == 0:
        return "d0"
    late = -days_left
    if late % cadence.overdue_every == 0 and late // cadence.overdue_every <= cadence.overdue_max:
        return f"o{late}"
    return None


def due_dates_with_step(*, today: datetime.date, cadence: Cadence) -> dict[datetime.date, str]:
    """Every due date that reaches a step today, with its step: the inverse of
    `reminder_step`, so the pass selects assignments by a handful of dates."""
    offsets = [d for d in cadence.days_before if d > 0]
    offsets += [0] + [-cadence.overdue_every * k for k in range(1, cadence.overdue_max + 1)]
    dates = (today + datetime.timedelta(days=offset) for offset in offsets)
    return {due_on: reminder_step(due_on=due_on, today=today, cadence=cadence) for due_on in dates}


def digest_step(*, today: datetime.date, every: int) -> str:
    """The digest period containing today, named by its first day: "p2024-09-02"."""
    start = EPOCH + datetime.timedelta(days=(today - EPOCH).days // every * every)
    return f"p{start.isoformat()}"
