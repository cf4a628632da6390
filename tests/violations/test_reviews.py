"""Review deadlines: the head is reminded before, the inspectors are told after, each
once per deadline; the pass only claims on the outbox, runs once a day from a beat
tick every 15 minutes, and makes up a tick that was missed."""

import datetime
import zoneinfo

import pytest
from celery.schedules import crontab
from django.core import mail
from django.utils import timezone

from core import outbox
from core.models import OutboxMessage, PeriodicRun
from organization.models import RoleGrant
from tests.acknowledgements.smtp import free_port, smtp_server
from violations import reviews
from violations.models import Report

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DUE = datetime.date(2026, 3, 20)  # the case's review deadline in these tests


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=HANOI)


@pytest.fixture
def due_case(case):
    """The confidential case about the staff member, due for review on 20 March 2026."""
    Report.objects.filter(pk=case.pk).update(review_due_on=DUE)
    OutboxMessage.objects.filter(kind="violation_new").delete()  # test_notices.py's concern
    case.refresh_from_db()
    return case


@pytest.fixture(autouse=True)
def cadence(settings):
    settings.VIOLATION_REMIND_DAYS_BEFORE = 3
    settings.REMINDER_HOUR = 8


def deadline_rows() -> list[tuple[str, str]]:
    rows = OutboxMessage.objects.filter(kind__in=["violation_reminder", "violation_escalation"])
    return sorted(rows.values_list("key", "state"))


@pytest.fixture
def tick(django_capture_on_commit_callbacks):
    """One beat tick at a given local time, its e-mails sent after commit."""

    def run(now: datetime.datetime):
        with django_capture_on_commit_callbacks(execute=True):
            return reviews.review_pass_tick(now=now)

    return run


# The pass


def test_the_head_is_reminded_three_days_before_the_review_deadline(cast, due_case, review_pass):
    result = review_pass(datetime.date(2026, 3, 17))

    assert result.reminders == [(due_case.pk, "truongphong@example.gov.vn")]
    assert result.escalations == []
    assert [m.to for m in mail.outbox] == [["truongphong@example.gov.vn"]]
    assert mail.outbox[0].subject == f"Hồ sơ vi phạm #{due_case.pk} sắp đến hạn xem xét (20/3/2026)"
    assert deadline_rows() == [(f"case-remind:{due_case.pk}:{cast.unit_head.pk}:2026-03-20", "sent")]


def test_the_reminder_is_claimed_once_and_not_again_on_the_days_up_to_the_deadline(due_case, review_pass):
    results = [review_pass(datetime.date(2026, 3, day)) for day in (16, 17, 18, 19, 20)]

    assert [len(result.reminders) for result in results] == [0, 1, 0, 0, 0]
    assert [len(result.escalations) for result in results] == [0, 0, 0, 0, 0]
    assert len(mail.outbox) == 1


def test_a_reminder_whose_day_had_no_pass_is_claimed_by_the_next_pass_before_the_deadline(due_case, review_pass):
    """Beat was down all of 17 March."""
    result = review_pass(datetime.date(2026, 3, 18))

    assert result.reminders == [(due_case.pk, "truongphong@example.gov.vn")]
    assert [m.to for m in mail.outbox] == [["truongphong@example.gov.vn"]]


def test_an_overdue_case_goes_to_the_inspectors_once(cast, due_case, review_pass):
    first = review_pass(datetime.date(2026, 3, 21))
    second = review_pass(datetime.date(2026, 3, 22))

    assert first.escalations == [(due_case.pk, "thanhtra@example.gov.vn")]
    assert second.escalations == []
    assert [m.to for m in mail.outbox] == [["thanhtra@example.gov.vn"]]
    assert mail.outbox[0].subject == f"Hồ sơ vi phạm #{due_case.pk} đã quá hạn xem xét"
    assert deadline_rows() == [(f"case-escalate:{due_case.pk}:{cast.inspector.pk}:2026-03-20", "sent")]


@pytest.mark.parametrize("state", ["dismissed", "confirmed"])
def test_cases_no_longer_open_are_left_alone(due_case, review_pass, state):
    Report.objects.filter(pk=due_case.pk).update(state=state)

    reminded = review_pass(datetime.date(2026, 3, 17))
    escalated = review_pass(datetime.date(2026, 3, 25))

    assert (reminded.reminders, escalated.escalations) == ([], [])
    assert mail.outbox == [] and deadline_rows() == []


def test_a_case_dismissed_after_the_claim_is_skipped_when_the_email_would_go(cast, due_case):
    reviews.review_pass(today=datetime.date(2026, 3, 17))  # claimed; not sent before commit
    Report.objects.filter(pk=due_case.pk).update(state="dismissed")

    outbox.outbox_sweep()

    assert mail.outbox == []
    assert deadline_rows() == [(f"case-remind:{due_case.pk}:{cast.unit_head.pk}:2026-03-20", "skipped")]


def test_a_head_who_lost_the_grant_before_the_email_went_gets_nothing(cast, due_case):
    reviews.review_pass(today=datetime.date(2026, 3, 17))
    RoleGrant.objects.filter(person=cast.unit_head).delete()

    outbox.outbox_sweep()

    assert [m.to for m in mail.outbox] == []
    assert deadline_rows() == [(f"case-remind:{due_case.pk}:{cast.unit_head.pk}:2026-03-20", "skipped")]


def test_a_deadline_moved_after_the_claim_voids_the_reminder_for_the_old_one(cast, due_case):
    reviews.review_pass(today=datetime.date(2026, 3, 17))
    Report.objects.filter(pk=due_case.pk).update(review_due_on=datetime.date(2026, 4, 3))

    outbox.outbox_sweep()

    assert mail.outbox == []
    assert deadline_rows() == [(f"case-remind:{due_case.pk}:{cast.unit_head.pk}:2026-03-20", "skipped")]


def test_smtp_down_during_the_pass_keeps_the_reminder_queued_and_the_sweep_delivers_it(
    cast, due_case, settings, review_pass
):
    settings.EMAIL_BACKEND = "core.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2

    result = review_pass(datetime.date(2026, 3, 17))

    row = OutboxMessage.objects.get(kind="violation_reminder")
    assert result.reminders == [(due_case.pk, "truongphong@example.gov.vn")]  # claimed, not sent
    assert (row.state, row.attempts, row.sent_at) == ("queued", 1, None)
    assert "ConnectionRefusedError" in row.error
    assert round((row.next_attempt_at - timezone.now()).total_seconds() / 60) == 1
    assert outbox.outbox_sweep()["enqueued"] == 0  # still backing off

    with smtp_server() as (inbox, port):
        settings.EMAIL_PORT = port
        OutboxMessage.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())  # the minute has passed
        outbox.outbox_sweep()
        outbox.outbox_sweep()

        assert [m["To"] for m in inbox.messages] == ["truongphong@example.gov.vn"]
    assert deadline_rows() == [(f"case-remind:{due_case.pk}:{cast.unit_head.pk}:2026-03-20", "sent")]


def test_the_review_deadline_is_fifteen_days_by_default(case):
    assert case.review_due_on - timezone.localdate() == datetime.timedelta(days=15)


# The daily tick


def test_beat_ticks_the_review_pass_every_fifteen_minutes():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["violation-review-pass"]

    assert entry["task"] == "violations.review_pass"
    assert entry["schedule"] == crontab(minute="*/15")


def test_before_the_reminder_hour_the_tick_does_nothing(due_case, tick):
    assert tick(at(17, 7, 45)) is None

    assert deadline_rows() == [] and not PeriodicRun.objects.exists()


def test_the_first_tick_after_the_hour_runs_the_pass_and_later_ticks_that_day_do_not(cast, due_case, tick):
    results = [tick(at(17, 8, 0)), tick(at(17, 8, 15)), tick(at(17, 23, 45))]

    assert results == [{"reminders": 1, "escalations": 0, "limit_reminders": 0, "limit_escalations": 0}, None, None]
    assert [m.to for m in mail.outbox] == [["truongphong@example.gov.vn"]]
    run = PeriodicRun.objects.get()
    assert (run.name, run.day, run.result) == (
        "violation-review-pass",
        datetime.date(2026, 3, 17),
        {"reminders": 1, "escalations": 0, "limit_reminders": 0, "limit_escalations": 0},
    )


def test_a_tick_missed_at_the_hour_is_made_up_at_the_next_one(cast, due_case, tick):
    """Redis was down from 07:50 to 09:40: the ticks of 08:00 … 09:30 never fired."""
    assert tick(at(17, 9, 45)) == {"reminders": 1, "escalations": 0, "limit_reminders": 0, "limit_escalations": 0}

    assert [m.to for m in mail.outbox] == [["truongphong@example.gov.vn"]]


def test_a_day_without_any_tick_is_made_up_the_next_day(cast, due_case, tick):
    """Beat was down all of 17 March and 21 March."""
    assert tick(at(18, 8, 0)) == {"reminders": 1, "escalations": 0, "limit_reminders": 0, "limit_escalations": 0}
    assert tick(at(22, 8, 0)) == {"reminders": 0, "escalations": 1, "limit_reminders": 0, "limit_escalations": 0}
    assert tick(at(23, 8, 0)) == {"reminders": 0, "escalations": 0, "limit_reminders": 0, "limit_escalations": 0}

    assert [m.to for m in mail.outbox] == [["truongphong@example.gov.vn"], ["thanhtra@example.gov.vn"]]


def test_the_task_runs_the_tick(monkeypatch, due_case):
    from violations import tasks

    monkeypatch.setattr(timezone, "now", lambda: at(17, 8, 30))

    assert tasks.review_pass.apply().get() == {
        "reminders": 1,
        "escalations": 0,
        "limit_reminders": 0,
        "limit_escalations": 0,
    }
    assert tasks.review_pass.apply().get() is None
