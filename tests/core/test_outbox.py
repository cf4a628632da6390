"""The outbox against a real SMTP server: claimed once, sent once, never forgotten."""

import datetime
import threading
from contextlib import contextmanager

import pytest
from django.core.mail import EmailMessage
from django.db import DatabaseError, connection, connections, transaction
from django.db.backends.signals import connection_created
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import outbox
from core.models import OutboxMessage
from organization.models import Person
from tests.acknowledgements.smtp import free_port, smtp_server
from tests.factories import PersonFactory

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
def smtp_down(settings):
    settings.EMAIL_BACKEND = "core.smtp.EmailBackend"
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
    row = OutboxMessage.objects.get()
    assert (row.state, row.error) == ("skipped", "không cần gửi nữa")


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
    row = OutboxMessage.objects.get(pk=pk)
    assert (row.state, row.error) == ("sent", "")  # the earlier failure is no longer shown


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
    cast, smtp, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from core.tasks import outbox_send_task

    monkeypatch.setattr(outbox_send_task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        [pk] = claim(cast.staff, "note:broker")
    row = OutboxMessage.objects.get(pk=pk)
    assert (row.state, row.enqueued_at) == ("queued", None)
    assert [(r.getMessage(), bool(r.exc_info)) for r in caplog.records if r.name == "core.outbox"] == [
        ("outbox: 1 of 1 messages not handed to a worker; the sweep retries", True)
    ]

    monkeypatch.undo()
    outbox.outbox_sweep()

    assert len(smtp.wait_for(1)) == 1


def broker_down(*args, **kwargs):
    raise ConnectionError("Redis is down")


def test_a_long_error_is_kept_to_its_first_2000_characters(cast, caplog):
    def broken(rows):
        raise ValueError("x" * 3000)

    outbox.register("broken", broken)
    [pk] = outbox.outbox_claim([outbox.new_message(kind="broken", key="broken:1", recipient_id=cast.staff.pk)])

    assert outbox.outbox_send([pk]) == 0

    row = OutboxMessage.objects.get(pk=pk)
    assert [(r.getMessage(), bool(r.exc_info)) for r in caplog.records if r.name == "core.outbox"] == [
        ("outbox: rendering broken failed", True)
    ]
    assert (row.state, row.error[17:]) == ("queued", "ValueError: " + "x" * 1971)  # after "YYYY-MM-DD HH:MM "


def test_a_retry_due_exactly_at_the_give_up_time_is_still_made(cast, smtp_down, monkeypatch):
    now = timezone.now()
    [pk] = claim(cast.staff, "note:edge")
    OutboxMessage.objects.filter(pk=pk).update(next_attempt_at=now, give_up_at=now + datetime.timedelta(minutes=1))
    monkeypatch.setattr(outbox.timezone, "now", lambda: now)

    assert outbox.outbox_send([pk]) == 0

    row = OutboxMessage.objects.get(pk=pk)
    assert (row.state, row.attempts, row.next_attempt_at) == ("queued", 1, now + datetime.timedelta(minutes=1))


def test_a_failed_send_leaves_the_rows_another_worker_is_sending_alone(cast, smtp_down):
    [mine] = claim(cast.staff, "note:mine")
    [theirs] = claim(cast.unit_head, "note:theirs")
    OutboxMessage.objects.filter(pk=theirs).update(state=State.SENDING, started_at=timezone.now())

    outbox.outbox_send([mine])

    rows = OutboxMessage.objects.order_by("key").values_list("key", "state", "attempts", "error")
    assert [row[:3] for row in rows] == [("note:mine", "queued", 1), ("note:theirs", "sending", 0)]
    assert rows[1][3] == ""


def test_a_late_failure_does_not_undo_a_delivery_another_worker_made_meanwhile(cast, smtp_down):
    def delivered_meanwhile(rows):
        # The sweep gave the row to another worker, which sent it while this one hung.
        OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).update(state=State.SENT, sent_at=timezone.now())
        return render_note(rows)

    outbox.register("raced", delivered_meanwhile)
    [pk] = outbox.outbox_claim([outbox.new_message(kind="raced", key="raced:1", recipient_id=cast.staff.pk, ref=1)])

    assert outbox.outbox_send([pk]) == 0

    row = OutboxMessage.objects.get(pk=pk)
    assert (row.state, row.attempts, row.error) == ("sent", 0, "")


def test_a_message_the_sweep_takes_back_from_a_dead_worker_says_why(cast, monkeypatch):
    from core.tasks import outbox_send_task

    monkeypatch.setattr(outbox_send_task, "apply_async", broker_down)
    [pk] = claim(cast.staff, "note:lost")
    OutboxMessage.objects.filter(pk=pk).update(
        state=State.SENDING, started_at=timezone.now() - datetime.timedelta(minutes=11)
    )

    assert outbox.outbox_sweep() == {"requeued": 1, "failed": 0, "enqueued": 0}

    row = OutboxMessage.objects.get(pk=pk)
    assert (row.state, row.enqueued_at, row.error) == ("queued", None, "worker lost while sending")


def test_the_sweep_leaves_sent_messages_alone_however_old(cast, smtp):
    [pk] = claim(cast.staff, "note:done")
    long_ago = timezone.now() - datetime.timedelta(days=2)
    OutboxMessage.objects.filter(pk=pk).update(
        state=State.SENT, started_at=long_ago, sent_at=long_ago, give_up_at=long_ago
    )

    assert outbox.outbox_sweep() == {"requeued": 0, "failed": 0, "enqueued": 0}
    assert smtp.messages == []
    assert OutboxMessage.objects.get(pk=pk).state == "sent"


def test_the_sweep_fails_a_queued_message_past_its_give_up_time(cast, smtp):
    [pk] = claim(cast.staff, "note:too-late")
    OutboxMessage.objects.filter(pk=pk).update(give_up_at=timezone.now() - datetime.timedelta(minutes=1))

    assert outbox.outbox_sweep() == {"requeued": 0, "failed": 1, "enqueued": 0}
    assert smtp.messages == []
    assert OutboxMessage.objects.get(pk=pk).state == "failed"


def test_only_the_failed_messages_chosen_are_resent_and_they_go_out_at_the_next_sweep(cast, smtp):
    [chosen] = claim(cast.staff, "note:chosen")
    [other] = claim(cast.unit_head, "note:other")
    [sent] = claim(cast.inspector, "note:sent")
    # Failed after a long backoff, and enqueued a moment before the last try failed.
    OutboxMessage.objects.filter(pk__in=[chosen, other]).update(
        state=State.FAILED, attempts=9, next_attempt_at=timezone.now() + datetime.timedelta(hours=2),
        enqueued_at=timezone.now(),
    )  # fmt: skip
    OutboxMessage.objects.filter(pk=sent).update(state=State.SENT, sent_at=timezone.now())

    assert outbox.outbox_resend(ids=[chosen, sent]) == 1
    assert outbox.outbox_sweep()["enqueued"] == 1

    assert [m["To"] for m in smtp.wait_for(1)] == ["canbo@example.gov.vn"]
    assert dict(OutboxMessage.objects.values_list("key", "state")) == {
        "note:chosen": "sent",
        "note:other": "failed",
        "note:sent": "sent",
    }


def note(key, ref, group=""):
    return outbox.new_message(
        kind="note", key=key, recipient_id=Person.objects.get(email="canbo@example.gov.vn").pk, ref=ref, group=group
    )


def test_messages_claimed_together_go_out_one_email_per_group_over_one_connection(cast, smtp, caplog):
    ids = outbox.outbox_claim(
        [note("a1", 11, "g-a"), note("b1", 12, "g-b"), note("a2", 13, "g-a"), note("c", 14), note("d", 15)]
    )

    assert outbox.outbox_send(ids) == 4

    assert sorted(m.get_content().strip() for m in smtp.wait_for(4)) == ["11, 13", "12", "14", "15"]
    assert smtp.sessions == 1
    assert not [r for r in caplog.records if r.name == "core.outbox"]


def test_a_message_keeps_the_data_it_was_claimed_with(cast):
    [pk] = outbox.outbox_claim(
        [outbox.new_message(kind="note", key="k", recipient_id=cast.staff.pk, ref=1, data={"day": "2026-12-01"})]
    )

    row = OutboxMessage.objects.get(pk=pk)
    assert (row.group, row.data) == ("k", {"day": "2026-12-01"})


def test_the_send_tasks_get_whole_groups_a_few_at_a_time(cast, monkeypatch):
    from core.tasks import outbox_send_task

    tasks = []
    monkeypatch.setattr(outbox, "GROUPS_PER_TASK", 2)
    monkeypatch.setattr(outbox_send_task, "apply_async", lambda args, producer=None: tasks.append(args[0]))
    ids = outbox.outbox_claim(
        [note("a1", 1, "g-a"), note("b1", 2, "g-b"), note("a2", 3, "g-a"), note("c1", 4, "g-c"), note("d1", 5, "g-d")]
    )
    [elsewhere] = outbox.outbox_claim([note("e1", 6, "g-e")])
    OutboxMessage.objects.filter(key="d1").update(state=State.SENT, sent_at=timezone.now())

    assert outbox.outbox_enqueue(ids) == 4

    keys_of = dict(OutboxMessage.objects.values_list("pk", "key"))
    assert [[keys_of[pk] for pk in task] for task in tasks] == [["a1", "b1", "a2"], ["c1"]]
    marked = dict(OutboxMessage.objects.values_list("key", "enqueued_at"))
    assert sorted(key for key, at in marked.items() if at is not None) == ["a1", "a2", "b1", "c1"]


def test_an_email_of_a_kind_nobody_renders_any_more_fails_its_try(cast, smtp):
    [pk] = outbox.outbox_claim([outbox.new_message(kind="gone", key="gone:1", recipient_id=cast.staff.pk)])

    assert outbox.outbox_send([pk]) == 0

    row = OutboxMessage.objects.get(pk=pk)
    assert (row.state, row.attempts, row.error[17:]) == ("queued", 1, "LookupError: no renderer for 'gone'")
    assert smtp.messages == []


def test_a_renderer_with_nothing_to_send_skips_every_row(cast, smtp):
    outbox.register("nothing", lambda rows: (None, rows))
    [pk] = outbox.outbox_claim([outbox.new_message(kind="nothing", key="nothing:1", recipient_id=cast.staff.pk)])

    assert outbox.outbox_send([pk]) == 0

    assert OutboxMessage.objects.get(pk=pk).state == "skipped"
    assert smtp.messages == []


def test_a_message_not_due_yet_is_neither_sent_nor_enqueued(cast, smtp):
    [pk] = claim(cast.staff, "note:later")
    OutboxMessage.objects.filter(pk=pk).update(next_attempt_at=timezone.now() + datetime.timedelta(minutes=30))

    assert outbox.outbox_send([pk]) == 0
    assert outbox.outbox_sweep() == {"requeued": 0, "failed": 0, "enqueued": 0}
    assert smtp.messages == []
    assert OutboxMessage.objects.get(pk=pk).state == "queued"


def test_a_message_another_worker_took_is_not_taken_again(cast):
    [pk] = claim(cast.staff, "note:taken")

    assert [row.pk for row in outbox._take([pk])] == [pk]
    assert outbox._take([pk]) == []


def test_a_worker_that_dies_after_taking_a_message_leaves_it_to_the_sweep(cast, smtp, monkeypatch):
    [pk] = claim(cast.staff, "note:died")
    then = timezone.now() - datetime.timedelta(minutes=11)
    OutboxMessage.objects.filter(pk=pk).update(next_attempt_at=then)  # claimed 11 minutes ago
    with monkeypatch.context() as frozen:
        frozen.setattr(outbox.timezone, "now", lambda: then)
        outbox._take([pk])  # and the worker is killed here

    assert outbox.outbox_sweep() == {"requeued": 1, "failed": 0, "enqueued": 1}
    assert len(smtp.wait_for(1)) == 1


def test_when_the_smtp_server_is_down_the_log_says_so_once(cast, smtp_down, caplog):
    [pk] = claim(cast.staff, "note:log")

    outbox.outbox_send([pk])

    assert [(r.getMessage(), bool(r.exc_info)) for r in caplog.records if r.name == "core.outbox"] == [
        ("outbox: SMTP connection failed; each e-mail tries again", True)
    ]


def test_when_the_broker_fails_half_way_the_log_counts_what_was_not_handed(cast, monkeypatch, caplog):
    from core.tasks import outbox_send_task

    handed = []

    def fails_second(args, producer=None):
        if handed:
            raise ConnectionError("Redis went away")
        handed.append(args[0])

    monkeypatch.setattr(outbox, "GROUPS_PER_TASK", 1)
    monkeypatch.setattr(outbox_send_task, "apply_async", fails_second)
    ids = outbox.outbox_claim([note("a", 1, "g-a"), note("b", 2, "g-b")])

    assert outbox.outbox_enqueue(ids) == 1
    assert [r.getMessage() for r in caplog.records if r.name == "core.outbox"] == [
        "outbox: 1 of 2 messages not handed to a worker; the sweep retries"
    ]


# A send task at scale: its e-mails read at once, each marked sent by one small commit


def prepare_notes(rows):
    """A test kind prepared a task at a time: every recipient's address in one query."""
    addresses = dict(Person.objects.filter(pk__in={row.recipient_id for row in rows}).values_list("pk", "email"))

    def render(group):
        body = ", ".join(str(row.ref) for row in group)
        return EmailMessage("Thư thử", body, "cong@example.gov.vn", [addresses[group[0].recipient_id]]), group

    return render


def unsent(kind, people):
    """One queued row of `kind` for each person, not handed to any task yet."""
    rows = [
        outbox.new_message(kind=kind, key=f"{kind}:{n}", recipient_id=p.pk, ref=n + 1) for n, p in enumerate(people)
    ]
    return [row.pk for row in OutboxMessage.objects.bulk_create(rows)]


def the_cast(cast):
    return [cast.staff, cast.unit_head, cast.inspector]


def states_by_address():
    return dict(OutboxMessage.objects.values_list("recipient__email", "state"))


@pytest.mark.parametrize(("count", "queries"), [(2, 7), (20, 25)])
def test_a_send_task_reads_its_emails_at_once_and_marks_each_sent_with_one_statement(
    cast, smtp, django_assert_num_queries, count, queries
):
    outbox.register_batch("notes", prepare_notes)
    ids = unsent("notes", [PersonFactory(email=f"nguoi{n}@example.gov.vn") for n in range(count)])

    # Taking the rows (a savepoint, the locking read, the update, its release), the
    # addresses, then one statement per e-mail sent.
    with django_assert_num_queries(queries):
        assert outbox.outbox_send(ids) == count

    assert len(smtp.wait_for(count)) == count
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}


@contextmanager
def statements_of_new_connections():
    """The SQL of every connection opened meanwhile, by thread (the marks thread's own)."""
    seen: list[tuple[str, str]] = []

    def record(sender, connection, **kwargs):
        def wrapper(execute, sql, params, many, context):
            seen.append((threading.current_thread().name, sql))
            return execute(sql, params, many, context)

        connection.execute_wrappers.append(wrapper)

    connection_created.connect(record)
    try:
        yield seen
    finally:
        connection_created.disconnect(record)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_each_email_is_marked_sent_in_a_commit_of_its_own_that_does_not_wait_for_the_disk(cast, smtp):
    outbox.register_batch("notes", prepare_notes)
    ids = unsent("notes", the_cast(cast))

    with CaptureQueriesContext(connection) as captured, statements_of_new_connections() as elsewhere:
        assert outbox.outbox_send(ids) == 3

    # On the task's connection: the take (its BEGIN, the locking read, the update, its
    # COMMIT) and the addresses. The marks go on a connection of their own, one
    # statement and commit each, while the next e-mail is sent.
    assert len(captured) == 5
    assert not [query for query in captured if "'sent'" in query["sql"]]
    assert [(thread, sql.startswith("SET LOCAL synchronous_commit TO OFF; UPDATE")) for thread, sql in elsewhere] == [
        ("outbox-marks", True)
    ] * 3
    assert set(states_by_address().values()) == {"sent"}
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)  # for that commit only, never the session's next ones


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_mark_the_database_refuses_stops_the_task_and_leaves_that_email_to_the_sweep(cast, smtp, monkeypatch, caplog):
    outbox.register_batch("notes", prepare_notes)
    ids = unsent("notes", the_cast(cast))  # the inspector's e-mail goes last
    mark_sent = outbox._mark_sent

    def refused_for_the_inspector(pks, cursor=None):
        if OutboxMessage.objects.filter(pk__in=pks, recipient=cast.inspector).exists():
            raise DatabaseError("the server closed the connection unexpectedly")
        mark_sent(pks, cursor)

    monkeypatch.setattr(outbox, "_mark_sent", refused_for_the_inspector)
    with pytest.raises(DatabaseError):  # the task fails, as Celery retries it
        outbox.outbox_send(ids)
    monkeypatch.undo()
    assert "marking e-mails sent failed" in caplog.text
    assert states_by_address() == {
        "canbo@example.gov.vn": "sent",
        "truongphong@example.gov.vn": "sent",
        "thanhtra@example.gov.vn": "sending",
    }

    eleven_minutes_ago = timezone.now() - datetime.timedelta(minutes=11)
    OutboxMessage.objects.filter(state=State.SENDING).update(started_at=eleven_minutes_ago)
    assert outbox.outbox_sweep() == {"requeued": 1, "failed": 0, "enqueued": 1}
    smtp.wait_for(4)
    assert smtp.count_to() == {
        "canbo@example.gov.vn": 1,
        "thanhtra@example.gov.vn": 2,  # accepted, its mark refused
        "truongphong@example.gov.vn": 1,
    }
    assert set(states_by_address().values()) == {"sent"}


def test_a_worker_killed_right_after_the_server_accepted_an_email_repeats_that_one_only(cast, smtp, monkeypatch):
    outbox.register_batch("notes", prepare_notes)
    ids = unsent("notes", the_cast(cast))
    mark_sent, marks = outbox._mark_sent, []

    def killed_at_the_second(pks):
        if marks:
            raise KeyboardInterrupt  # the worker dies before recording the second
        marks.append(pks)
        mark_sent(pks)

    monkeypatch.setattr(outbox, "_mark_sent", killed_at_the_second)
    with pytest.raises(KeyboardInterrupt):
        outbox.outbox_send(ids)
    monkeypatch.undo()
    assert states_by_address() == {
        "canbo@example.gov.vn": "sent",
        "truongphong@example.gov.vn": "sending",
        "thanhtra@example.gov.vn": "sending",
    }

    eleven_minutes_ago = timezone.now() - datetime.timedelta(minutes=11)
    OutboxMessage.objects.filter(state=State.SENDING).update(started_at=eleven_minutes_ago)  # the stuck time passes
    assert outbox.outbox_sweep() == {"requeued": 2, "failed": 0, "enqueued": 2}

    smtp.wait_for(4)
    assert smtp.count_to() == {
        "canbo@example.gov.vn": 1,
        "thanhtra@example.gov.vn": 1,
        "truongphong@example.gov.vn": 2,  # the one in flight when the worker died
    }
    assert set(states_by_address().values()) == {"sent"}


def test_a_task_still_busy_after_half_the_stuck_time_gives_back_what_it_has_not_reached(
    cast, smtp, settings, monkeypatch
):
    settings.OUTBOX_STUCK_MINUTES = 10
    ids = unsent("slow", [cast.staff, cast.unit_head, cast.inspector, cast.administrator])
    OutboxMessage.objects.update(enqueued_at=timezone.now())  # handed to this task
    clock = [timezone.now()]
    monkeypatch.setattr(outbox.timezone, "now", lambda: clock[0])

    def prepare_slow(rows):
        render = prepare_notes(rows)

        def slow(group):
            clock[0] += datetime.timedelta(minutes=5)  # each e-mail takes five minutes
            if group[0].recipient_id != cast.unit_head.pk:
                return render(group)
            # Nothing to send to the head any more; meanwhile the sweep gave the
            # administrator's row to another worker.
            OutboxMessage.objects.filter(recipient=cast.administrator).update(started_at=clock[0])
            return None, []

        return slow

    outbox.register_batch("slow", prepare_slow)

    # At five minutes the task goes on to the head's e-mail (half the stuck time is not
    # past yet); at ten it gives the rest back.
    assert outbox.outbox_send(ids) == 1

    assert states_by_address() == {
        "canbo@example.gov.vn": "sent",
        "truongphong@example.gov.vn": "skipped",
        "thanhtra@example.gov.vn": "queued",
        "quantri@example.gov.vn": "sending",  # the other worker's
    }
    assert OutboxMessage.objects.get(recipient=cast.inspector).enqueued_at is None
    monkeypatch.undo()
    outbox.register_batch("slow", prepare_notes)
    assert outbox.outbox_sweep() == {"requeued": 0, "failed": 0, "enqueued": 1}
    smtp.wait_for(3, timeout=1)
    assert smtp.count_to() == {"canbo@example.gov.vn": 1, "thanhtra@example.gov.vn": 1}


def test_a_late_skip_does_not_undo_a_delivery_another_worker_made_meanwhile(cast, smtp):
    def delivered_meanwhile(rows):
        OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).update(state=State.SENT, sent_at=timezone.now())
        return None, []

    outbox.register("raced-skip", delivered_meanwhile)
    [pk] = unsent("raced-skip", [cast.staff])

    assert outbox.outbox_send([pk]) == 0

    assert OutboxMessage.objects.get(pk=pk).state == "sent"


@pytest.mark.postgres
def test_inside_a_callers_transaction_the_marks_leave_its_commit_waiting_for_the_disk(cast, smtp):
    outbox.register_batch("notes", prepare_notes)
    ids = unsent("notes", [cast.staff])

    assert outbox.outbox_send(ids) == 1  # inside the test's transaction

    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


def test_a_kind_that_cannot_prepare_its_emails_fails_their_try_and_the_other_kinds_still_go(cast, smtp, caplog):
    def unreadable(rows):
        raise ValueError("the directory is unreachable")

    outbox.register_batch("unreadable", unreadable)
    outbox.register_batch("notes", prepare_notes)
    [broken] = unsent("unreadable", [cast.staff])
    [fine] = unsent("notes", [cast.unit_head])

    assert outbox.outbox_send([broken, fine]) == 1

    row = OutboxMessage.objects.get(pk=broken)
    assert (row.state, row.attempts, row.error[17:]) == ("queued", 1, "ValueError: the directory is unreachable")
    assert [m["To"] for m in smtp.wait_for(1)] == ["truongphong@example.gov.vn"]
    assert [(r.getMessage(), bool(r.exc_info)) for r in caplog.records if r.name == "core.outbox"] == [
        ("outbox: rendering unreadable failed", True)
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rows_another_worker_is_taking_at_this_moment_are_left_to_it_without_waiting(cast, smtp):
    outbox.register_batch("notes", prepare_notes)
    ids = unsent("notes", the_cast(cast))
    locked, release = threading.Event(), threading.Event()

    def another_worker_taking_the_first_two():
        try:
            with transaction.atomic():
                list(OutboxMessage.objects.select_for_update().filter(pk__in=ids[:2]))
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    other = threading.Thread(target=another_worker_taking_the_first_two)
    other.start()
    assert locked.wait(10)
    try:
        assert outbox.outbox_send(ids) == 1
    finally:
        release.set()
        other.join()

    assert states_by_address() == {
        "canbo@example.gov.vn": "queued",
        "truongphong@example.gov.vn": "queued",
        "thanhtra@example.gov.vn": "sent",
    }
    assert [m["To"] for m in smtp.wait_for(1)] == ["thanhtra@example.gov.vn"]
