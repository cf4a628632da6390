"""The outbox against a real SMTP server: claimed once, sent once, never forgotten."""

import datetime

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone

from core import outbox
from core.models import OutboxMessage
from tests.acknowledgements.smtp import free_port, smtp_server

State = OutboxMessage.State


def render_note(rows):
    """A test kind: one e-mail per group, listing the rows' refs; ref 0 is stale."""
    kept = [row for row in rows if row.ref]
    body = ", ".join(str(row.ref) for row in kept)
    return EmailMessage("Thư thử", body, "cong@example.gov.vn", [rows[0].recipient.email]), kept


@pytest.fixture(autouse=True)
def note_kind():
    outbox.register("note", render_note)


@pytest.fixture
def smtp(settings):
    with smtp_server() as (inbox, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
        yield inbox


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2


def claim(person, key, ref=1, group=""):
    return outbox.outbox_claim([outbox.new_message(kind="note", key=key, recipient_id=person.pk, ref=ref, group=group)])


def test_a_message_claimed_twice_is_sent_once_and_marked_sent(cast, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = claim(cast.staff, "note:1")
        second = claim(cast.staff, "note:1")

    assert (len(first), second) == (1, [])
    assert [m["To"] for m in smtp.wait_for(1)] == ["canbo@example.gov.vn"]
    row = OutboxMessage.objects.get()
    assert (row.state, row.attempts, row.sent_at is not None) == ("sent", 0, True)


def test_rows_of_one_group_go_out_as_one_email(cast, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        claim(cast.staff, "note:a", ref=11, group="g1")
        claim(cast.staff, "note:b", ref=12, group="g1")

    outbox.outbox_sweep()

    messages = smtp.wait_for(2, timeout=1)
    assert sorted(m.get_content().strip() for m in messages) == ["11", "12"]  # claimed apart, so sent apart


def test_a_stale_row_is_skipped_not_sent(cast, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        claim(cast.staff, "note:stale", ref=0)

    assert smtp.messages == []
    assert OutboxMessage.objects.get().state == "skipped"


def test_while_smtp_is_down_the_message_waits_with_a_growing_backoff(
    cast, smtp_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [pk] = claim(cast.staff, "note:down")
    waits = []
    for _ in range(4):
        row = OutboxMessage.objects.get(pk=pk)
        waits.append(round((row.next_attempt_at - timezone.now()).total_seconds() / 60))
        OutboxMessage.objects.filter(pk=pk).update(next_attempt_at=timezone.now())
        outbox.outbox_send([pk])

    row = OutboxMessage.objects.get(pk=pk)
    assert (row.state, row.attempts) == ("queued", 5)
    assert waits == [1, 2, 4, 8]
    assert "ConnectionRefusedError" in row.error


def test_a_message_that_failed_at_once_is_sent_by_the_sweep_as_soon_as_its_backoff_ends(
    cast, smtp_down, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # enqueued, sent and failed in-process
        [pk] = claim(cast.staff, "note:at-once")
    row = OutboxMessage.objects.get(pk=pk)
    assert (row.state, row.attempts, row.enqueued_at) == ("queued", 1, None)

    with smtp_server() as (inbox, port):
        settings.EMAIL_PORT = port
        OutboxMessage.objects.filter(pk=pk).update(next_attempt_at=timezone.now())  # a minute later
        assert outbox.outbox_sweep()["enqueued"] == 1
        assert len(inbox.wait_for(1)) == 1
    assert OutboxMessage.objects.get(pk=pk).state == "sent"


def test_the_backoff_stops_at_two_hours():
    assert [outbox._backoff(n).total_seconds() / 60 for n in (1, 2, 7, 8, 9, 20)] == [1, 2, 64, 120, 120, 120]


def test_a_message_that_cannot_go_for_a_day_fails_and_can_be_resent(cast, smtp_down, settings):
    [pk] = claim(cast.staff, "note:day")
    OutboxMessage.objects.filter(pk=pk).update(give_up_at=timezone.now() + datetime.timedelta(seconds=30))

    outbox.outbox_send([pk])

    assert OutboxMessage.objects.get(pk=pk).state == "failed"
    assert outbox.outbox_resend(ids=[pk]) == 1
    row = OutboxMessage.objects.get(pk=pk)
    assert (row.state, row.attempts) == ("queued", 0)
    assert row.give_up_at > timezone.now() + datetime.timedelta(hours=23)


def test_a_message_a_dead_worker_left_sending_is_sent_by_the_sweep(cast, smtp):
    [pk] = claim(cast.staff, "note:lost")
    OutboxMessage.objects.filter(pk=pk).update(
        state=State.SENDING, started_at=timezone.now() - datetime.timedelta(minutes=11)
    )

    result = outbox.outbox_sweep()

    assert result == {"requeued": 1, "failed": 0, "enqueued": 1}
    assert len(smtp.wait_for(1)) == 1
    assert OutboxMessage.objects.get(pk=pk).state == "sent"


def test_a_message_sending_for_less_than_the_stuck_time_is_left_alone(cast, smtp):
    [pk] = claim(cast.staff, "note:busy")
    OutboxMessage.objects.filter(pk=pk).update(state=State.SENDING, started_at=timezone.now())

    assert outbox.outbox_sweep() == {"requeued": 0, "failed": 0, "enqueued": 0}
    assert smtp.messages == []


def test_when_the_broker_is_down_the_claim_stays_queued_for_the_sweep(
    cast, smtp, monkeypatch, django_capture_on_commit_callbacks
):
    from core.tasks import outbox_send_task

    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(outbox_send_task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        [pk] = claim(cast.staff, "note:broker")
    row = OutboxMessage.objects.get(pk=pk)
    assert (row.state, row.enqueued_at) == ("queued", None)

    monkeypatch.undo()
    outbox.outbox_sweep()

    assert len(smtp.wait_for(1)) == 1
