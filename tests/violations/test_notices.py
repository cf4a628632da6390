"""The violations app's e-mails go through the outbox: one per recipient, claimed
with the change that owes it, re-checked when it goes out, delivered once by a real
worker over a real SMTP server, and never lost to an SMTP or beat outage."""

import ast
import datetime
import pathlib
import time
import zoneinfo

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from core import outbox
from core.models import OutboxMessage
from organization.models import Role
from tests.acknowledgements.smtp import free_port, smtp_server
from tests.factories import PersonFactory, RoleGrantFactory
from tests.violations.conftest import report_about
from violations import notices, reviews, services, workflow
from violations.models import Report

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=HANOI)


def rows(kind: str) -> list[tuple[str, str]]:
    return sorted(OutboxMessage.objects.filter(kind=kind).values_list("key", "state"))


def wait_until(condition, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


def received(inbox) -> list[tuple[str, str]]:
    return sorted((str(m["To"]).strip(), str(m["Subject"]).strip()) for m in inbox.messages)


@pytest.fixture
def deputy_head(org):
    """A second head of the department: a case about its staff has two reviewers."""
    deputy = PersonFactory(email="phophong@example.gov.vn", full_name="Bùi Phó Phòng", unit=org.department)
    RoleGrantFactory(person=deputy, role=Role.UNIT_HEAD, unit=org.department)
    return deputy


def confirm(report, head):
    for to in ("under_review", "hearing"):
        services.report_transition(report=report, to=to, by=head, role=workflow.REVIEWER)


# Claims and renderers, in-process


def test_a_new_case_is_owed_one_email_per_reviewer_and_claiming_again_claims_nothing(
    cast, colleague, deputy_head, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_about(cast.staff, by=colleague)

    assert sorted(m.to for m in mail.outbox) == [["phophong@example.gov.vn"], ["truongphong@example.gov.vn"]]
    assert {m.subject for m in mail.outbox} == {f"Phản ánh vi phạm mới #{report.pk} cần xem xét"}
    assert all("Ngô Đồng Nghiệp" not in m.body for m in mail.outbox)  # never who reported
    assert rows("violation_new") == sorted(
        [(f"case-new:{report.pk}:{cast.unit_head.pk}", "sent"), (f"case-new:{report.pk}:{deputy_head.pk}", "sent")]
    )
    assert notices.claim_new_case(report) == []


def test_a_case_nobody_heads_above_is_owed_to_the_inspectors(cast, org):
    top_head = PersonFactory(email="giamdoc@example.gov.vn", unit=org.agency)
    RoleGrantFactory(person=top_head, role=Role.UNIT_HEAD, unit=org.agency)

    report = report_about(top_head, by=cast.staff)

    claimed = OutboxMessage.objects.filter(kind="violation_new").values_list("key", "recipient__email", "data")
    assert list(claimed) == [
        (f"case-new:{report.pk}:{cast.inspector.pk}", "thanhtra@example.gov.vn", {"as": "inspector"})
    ]


def test_a_failed_intake_claims_nothing(cast, colleague):
    with pytest.raises(RuntimeError), transaction.atomic():
        report_about(cast.staff, by=colleague)
        raise RuntimeError("the request failed after the case was saved")

    assert not Report.objects.exists() and not OutboxMessage.objects.exists()


@pytest.mark.parametrize("change", ["dismissed", "reviewer_left"])
def test_a_new_case_email_no_longer_owed_when_it_goes_out_is_skipped(cast, colleague, change):
    report = report_about(cast.staff, by=colleague)  # claimed; sent only after commit
    if change == "dismissed":
        Report.objects.filter(pk=report.pk).update(state="dismissed")
    else:
        cast.unit_head.grants.all().delete()

    outbox.outbox_sweep()

    assert mail.outbox == []
    assert rows("violation_new") == [(f"case-new:{report.pk}:{cast.unit_head.pk}", "skipped")]


def test_the_person_reported_is_told_once_when_the_case_goes_to_the_hearing(
    cast, colleague, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        confirm(case, cast.unit_head)

    (message,) = mail.outbox
    assert message.to == ["canbo@example.gov.vn"]
    assert message.subject == f"Hồ sơ #{case.pk}: đề nghị giải trình"
    assert "Kính gửi đồng chí Lê Thị Cán Bộ," in message.body
    assert "Ngô Đồng Nghiệp" not in message.body
    assert rows("violation_confirmed") == [(f"case-confirmed:{case.pk}", "sent")]
    assert notices.claim_confirmed(case) == []


def test_the_hearing_email_is_skipped_when_the_case_is_dismissed_before_it_goes(cast, case):
    confirm(case, cast.unit_head)
    services.report_transition(
        report=case, to="dismissed", by=cast.unit_head, role=workflow.REVIEWER, note="Không đủ căn cứ"
    )

    outbox.outbox_sweep()

    assert mail.outbox == []  # nor the new-case e-mail, the case being no longer open
    assert rows("violation_confirmed") == [(f"case-confirmed:{case.pk}", "skipped")]


def test_an_anonymous_case_confirmed_owes_nobody_an_email(cast, org):
    report, _code, _secret = services.report_create_anonymous(
        unit=org.team, subject_description="Một cán bộ của tổ", category="insult", platform="zalo",
        seen_at=timezone.now(), description="Bình luận xúc phạm.",
    )  # fmt: skip

    confirm(report, cast.unit_head)

    assert rows("violation_confirmed") == []


def test_every_violation_email_kind_has_a_renderer():
    assert {
        "violation_new",
        "violation_confirmed",
        "violation_reminder",
        "violation_escalation",
        "violation_limit_reminder",
        "violation_limit_escalation",
    } <= set(  # fmt: skip
        outbox._renderers
    )


def test_the_violations_app_imports_neither_acknowledgements_nor_reports():
    imported = set()
    for path in pathlib.Path(notices.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)

    assert not imported & {"acknowledgements", "reports", "social"}


# Real services: Redis, a Celery worker, an SMTP server


@pytest.fixture
def due_cases(cast, colleague, deputy_head, settings):
    """Two cases about the staff member, made before the worker starts (their new-case
    e-mails go out in-process): one due on 20 March 2026, one overdue since 10 March."""
    settings.VIOLATION_REMIND_DAYS_BEFORE, settings.REMINDER_HOUR = 3, 8
    due, overdue = report_about(cast.staff, by=colleague), report_about(cast.staff, by=colleague)
    Report.objects.filter(pk=due.pk).update(review_due_on=datetime.date(2026, 3, 20))
    Report.objects.filter(pk=overdue.pk).update(review_due_on=datetime.date(2026, 3, 10))
    mail.outbox.clear()
    return due, overdue


def expected_deadline_emails(due, overdue) -> list[tuple[str, str]]:
    return sorted([
        ("phophong@example.gov.vn", f"Hồ sơ vi phạm #{due.pk} sắp đến hạn xem xét (20/3/2026)"),
        ("truongphong@example.gov.vn", f"Hồ sơ vi phạm #{due.pk} sắp đến hạn xem xét (20/3/2026)"),
        ("thanhtra@example.gov.vn", f"Hồ sơ vi phạm #{overdue.pk} đã quá hạn xem xét"),
    ])  # fmt: skip


def deadline_rows():
    return OutboxMessage.objects.filter(kind__in=["violation_reminder", "violation_escalation"])


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_a_new_case_to_each_reviewer_exactly_once(
    cast, colleague, deputy_head, smtp, celery_worker
):
    report = report_about(cast.staff, by=colleague)
    with transaction.atomic():
        assert notices.claim_new_case(report) == []  # a second claim, as a retried request would make

    assert len(smtp.wait_for(2)) == 2
    assert len(smtp.wait_for(3, timeout=2)) == 2
    subject = f"Phản ánh vi phạm mới #{report.pk} cần xem xét"
    assert received(smtp) == [("phophong@example.gov.vn", subject), ("truongphong@example.gov.vn", subject)]
    assert wait_until(lambda: set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"})


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_smtp_down_during_the_review_pass_sends_nothing_and_the_sweep_delivers_every_email_once(
    due_cases, settings, celery_worker
):
    settings.EMAIL_BACKEND = "core.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2

    assert reviews.review_pass_tick(now=at(17, 8, 0)) == {
        "reminders": 2,
        "escalations": 1,
        "limit_reminders": 0,
        "limit_escalations": 0,
    }

    assert wait_until(lambda: sorted(deadline_rows().values_list("attempts", flat=True)) == [1, 1, 1])
    for row in deadline_rows():
        assert (row.state, row.sent_at) == ("queued", None)
        assert "ConnectionRefusedError" in row.error
        assert round((row.next_attempt_at - timezone.now()).total_seconds() / 60) == 1
    assert outbox.outbox_sweep()["enqueued"] == 0  # each waits for its backoff

    with smtp_server() as (inbox, port):
        settings.EMAIL_PORT = port
        deadline_rows().update(next_attempt_at=timezone.now())  # the minute has passed
        assert outbox.outbox_sweep()["enqueued"] == 3

        assert len(inbox.wait_for(3)) == 3
        assert wait_until(lambda: set(deadline_rows().values_list("state", flat=True)) == {"sent"})
        assert outbox.outbox_sweep()["enqueued"] == 0
        assert len(inbox.wait_for(4, timeout=2)) == 3
        assert received(inbox) == expected_deadline_emails(*due_cases)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_review_pass_tick_missed_at_the_hour_is_made_up_and_a_second_pass_claims_nothing(
    due_cases, smtp, celery_worker
):
    """Redis was down from 07:50 to 09:40: the ticks of 08:00 … 09:30 never fired."""
    assert reviews.review_pass_tick(now=at(17, 7, 45)) is None

    assert reviews.review_pass_tick(now=at(17, 9, 45)) == {
        "reminders": 2,
        "escalations": 1,
        "limit_reminders": 0,
        "limit_escalations": 0,
    }
    assert reviews.review_pass_tick(now=at(17, 10, 0)) is None
    with transaction.atomic():
        again = reviews.review_pass(today=datetime.date(2026, 3, 17))

    assert (again.reminders, again.escalations) == ([], [])
    assert len(smtp.wait_for(3)) == 3
    assert len(smtp.wait_for(4, timeout=2)) == 3
    assert received(smtp) == expected_deadline_emails(*due_cases)
    assert deadline_rows().count() == 3
