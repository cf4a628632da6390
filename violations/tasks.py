from celery import shared_task
from django.utils import timezone

from violations import emails, reviews, selectors
from violations.models import Report

RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


@shared_task(name="violations.notify_new_report", **RETRY)
def notify_new_report(report_id: int) -> int:
    """To the case's reviewers; when nobody heads the unit above the person reported,
    to its inspectors, so that no case arrives unseen. Never to the person reported."""
    report = Report.objects.select_related("unit", "review_unit").get(pk=report_id)
    to = list(selectors.reviewers_of(report).values_list("email", flat=True))
    if not to:
        to = list(selectors.inspectors_of(report).values_list("email", flat=True))
    if to:
        emails.send_new_report(report, to)
    return len(to)


@shared_task(name="violations.notify_subject_confirmed", **RETRY)
def notify_subject_confirmed(report_id: int) -> int:
    report = Report.objects.select_related("subject").get(pk=report_id)
    if report.subject is None or not report.subject.is_active:
        return 0
    emails.send_confirmed(report, [report.subject.email])
    return 1


@shared_task(name="violations.review_pass")
def review_pass() -> dict:
    result = reviews.review_pass(today=timezone.localdate())
    return {"reminders": len(result.reminders), "escalations": len(result.escalations)}
