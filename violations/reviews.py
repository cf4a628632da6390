"""The daily pass over open cases: remind the reviewing heads before the review
deadline, escalate to the unit's inspectors after it.

The pass only claims outbox rows, keyed per (case, person, step, deadline), so a
second pass, the same day or the next, claims nothing it claimed before; the outbox
sends them after commit and retries them through an SMTP outage. Beat ticks every
15 minutes and `review_pass_tick` runs the pass once a day, at the first tick after
REMINDER_HOUR (core/periodic.py), so a tick lost while Redis was down is made up."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from core.periodic import run_daily
from violations import clocks, notices, workflow
from violations.models import Report

PASS_NAME = "violation-review-pass"


@dataclass
class ReviewPassResult:
    """What this pass claimed: (case id, recipient address) per e-mail."""

    reminders: list[tuple[int, str]] = field(default_factory=list)
    escalations: list[tuple[int, str]] = field(default_factory=list)
    limit_reminders: list[tuple[int, str, str]] = field(default_factory=list)
    limit_escalations: list[tuple[int, str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "reminders": len(self.reminders), "escalations": len(self.escalations),
            "limit_reminders": len(self.limit_reminders), "limit_escalations": len(self.limit_escalations),
        }  # fmt: skip


def review_pass(*, today: datetime.date) -> ReviewPassResult:
    """Claim the reminders of the open cases whose deadline falls between `today`
    and VIOLATION_REMIND_DAYS_BEFORE days after it, and the escalations of those past
    it. Guarantees: each (case, person, step, deadline) is claimed once whatever the
    number of passes, so a reminder is normally claimed exactly that many days
    before the deadline and, when that day's pass never ran, by the next one before
    the deadline; nothing is sent before the caller commits."""
    result = ReviewPassResult()
    remind_on = today + datetime.timedelta(days=settings.VIOLATION_REMIND_DAYS_BEFORE)
    open_cases = Report.objects.filter(state__in=workflow.REVIEW_STATES).select_related("unit", "review_unit")
    for report in open_cases.filter(review_due_on__gte=today, review_due_on__lte=remind_on).order_by("pk"):
        for row in notices.claim_reminders(report, due_on=report.review_due_on):
            result.reminders.append((report.pk, row.recipient.email))
    for report in open_cases.filter(review_due_on__lt=today).order_by("pk"):
        for row in notices.claim_escalations(report, due_on=report.review_due_on):
            result.escalations.append((report.pk, row.recipient.email))
    _legal_limits(today, result)
    return result


def _legal_limits(today: datetime.date, result: ReviewPassResult) -> None:
    """Every running legal clock (violations/clocks.py): reminders from
    VIOLATION_LIMIT_REMIND_DAYS before its last day, escalation to the unit above
    from the day after. Keyed by (case, clock, person, last day): a clock moved by a
    deferral or an extension is reminded again for its new day."""
    cases = Report.objects.filter(state__in=workflow.OPEN_STATES).select_related("unit", "review_unit", "rule_set")
    for report in cases.prefetch_related("deferrals", "extensions").order_by("pk"):
        for view in clocks.clocks_for(report, today):
            if view.paused:
                continue
            if view.overdue:
                for row in notices.claim_limit_escalations(report, clock=view.code, due_on=view.due_on):
                    result.limit_escalations.append((report.pk, view.code, row.recipient.email))
            elif view.days_left <= settings.VIOLATION_LIMIT_REMIND_DAYS:
                for row in notices.claim_limit_reminders(report, clock=view.code, due_on=view.due_on):
                    result.limit_reminders.append((report.pk, view.code, row.recipient.email))


def review_pass_tick(*, now: datetime.datetime | None = None) -> dict | None:
    """The beat task's service: run today's pass if it has not run yet and the local
    time is past REMINDER_HOUR. Returns the counts claimed, or None when there was
    nothing to do. The pass and its day mark commit together."""
    return run_daily(
        name=PASS_NAME,
        hour=settings.REMINDER_HOUR,
        job=lambda today: review_pass(today=today).as_dict(),
        now=now or timezone.now(),
    )
