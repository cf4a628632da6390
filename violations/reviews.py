"""The daily pass over open cases: remind the reviewing heads before the review
deadline, escalate to the unit's inspectors after it. Each (case, person, step) is
claimed by inserting a CaseNotice before sending, so a second pass sends nothing."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction

from violations import emails, selectors, workflow
from violations.models import CaseNotice, Report


@dataclass
class ReviewPassResult:
    reminders: list[tuple[int, str]] = field(default_factory=list)
    escalations: list[tuple[int, str]] = field(default_factory=list)


def _claim(report: Report, person, step: str) -> CaseNotice | None:
    """Insert the notice row; if it exists and its send failed, take it back with a
    conditional update so the next pass retries it, once."""
    try:
        with transaction.atomic():
            return CaseNotice.objects.create(report=report, recipient=person, step=step)
    except IntegrityError:
        failed = CaseNotice.objects.filter(report=report, recipient=person, step=step, sent_at=None).exclude(error="")
        notice = failed.first()
        if notice and CaseNotice.objects.filter(pk=notice.pk, error=notice.error).update(error=""):
            return notice
        return None


def _send(report: Report, people, step: str, send) -> list[str]:
    claimed = [n for person in people if (n := _claim(report, person, step))]
    if not claimed:
        return []
    recipients = [notice.recipient.email for notice in claimed]
    try:
        send(report, recipients)
    except Exception as exc:  # recorded, and the pass goes on with the other cases
        CaseNotice.objects.filter(pk__in=[n.pk for n in claimed]).update(error=str(exc)[:500])
        return []
    CaseNotice.objects.filter(pk__in=[n.pk for n in claimed]).update(sent_at=datetime.datetime.now(datetime.UTC))
    return recipients


def review_pass(*, today: datetime.date) -> ReviewPassResult:
    result = ReviewPassResult()
    remind_on = today + datetime.timedelta(days=settings.VIOLATION_REMIND_DAYS_BEFORE)
    open_cases = Report.objects.filter(state__in=workflow.OPEN_STATES).select_related("unit", "review_unit")
    # Recipients come from the selectors, which never name the person reported.
    for report in open_cases.filter(review_due_on=remind_on):
        for email in _send(report, selectors.reviewers_of(report), "remind", emails.send_review_reminder):
            result.reminders.append((report.pk, email))
    for report in open_cases.filter(review_due_on__lt=today):
        for email in _send(report, selectors.inspectors_of(report), "escalate", emails.send_escalation):
            result.escalations.append((report.pk, email))
    return result
