"""Review deadlines: the head is reminded before, the inspectors are told after."""

import datetime

from django.core import mail
from django.utils import timezone

from violations.models import CaseNotice, Report
from violations.reviews import review_pass


def test_the_head_is_reminded_three_days_before_the_review_deadline(cast, case, settings):
    today = case.review_due_on - datetime.timedelta(days=settings.VIOLATION_REMIND_DAYS_BEFORE)

    result = review_pass(today=today)

    assert result.reminders == [(case.pk, "truongphong@example.gov.vn")]
    assert mail.outbox[0].to == ["truongphong@example.gov.vn"]
    assert "sắp đến hạn xem xét" in mail.outbox[0].subject


def test_an_overdue_case_goes_to_the_inspectors_once(cast, case):
    today = case.review_due_on + datetime.timedelta(days=1)

    first = review_pass(today=today)
    second = review_pass(today=today + datetime.timedelta(days=1))

    assert first.escalations == [(case.pk, "thanhtra@example.gov.vn")]
    assert second.escalations == []
    assert "đã quá hạn xem xét" in mail.outbox[0].subject
    assert CaseNotice.objects.get().sent_at is not None


def test_closed_or_dismissed_cases_are_left_alone(cast, case):
    Report.objects.filter(pk=case.pk).update(state="dismissed")

    result = review_pass(today=case.review_due_on + datetime.timedelta(days=5))

    assert result.escalations == [] and mail.outbox == []


def test_a_failed_send_is_recorded_and_retried_by_the_next_pass(cast, case, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    overdue = case.review_due_on + datetime.timedelta(days=1)

    failed = review_pass(today=overdue)
    notice = CaseNotice.objects.get()
    assert failed.escalations == [] and notice.error and notice.sent_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    retried = review_pass(today=overdue + datetime.timedelta(days=1))

    assert retried.escalations == [(case.pk, "thanhtra@example.gov.vn")]
    assert CaseNotice.objects.get().sent_at is not None


def test_the_review_deadline_is_fifteen_days_by_default(case):
    assert case.review_due_on == timezone.localdate() + datetime.timedelta(days=15)
