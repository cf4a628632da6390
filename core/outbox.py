"""The outbox: every e-mail the portal owes, from claim to delivery, never lost.

1. Claim: a service inserts OutboxMessage rows (`outbox_claim`, or its own
   INSERT … SELECT for large passes) inside its transaction. A row's unique `key`
   names what is being sent, so claiming twice, or on two workers, claims once.
2. Enqueue, after commit: send tasks get the ids. If the broker is down the rows
   simply stay queued: the sweep enqueues them later.
3. Send (`outbox_send`, in a task): the task's due rows are taken at once with a
   conditional update queued → sending (rows another worker holds are skipped), each
   kind reads what its e-mails need in a fixed number of queries, and each group (one
   e-mail) is rendered, sent, and marked sent in its own small commit right after the
   SMTP server accepted it (on a thread of the task, while the next e-mail goes out:
   Marks). SMTP offers no exactly-once: a worker killed between the server's
   acceptance and that commit leaves the row "sending", and the sweep sends it again.
   That message, the one in flight, and the one whose mark was still on its way are
   the only ones that can arrive twice; the rows the killed task had taken and not
   reached are sent once, by the sweep.
   The "sent" commit does not wait for the WAL flush (synchronous_commit off for that
   commit only): a database crash can lose the last few such marks, and the sweep
   then sends those e-mails again, the same duplicate as the one in flight. A task
   still busy after half of OUTBOX_STUCK_MINUTES gives back what it has not reached,
   rather than let the sweep hand it to a second worker while this one could send it.
4. Fail: an SMTP or socket error puts the group back in the queue with a backoff
   that spans hours (outages last hours), until `give_up_at` (OUTBOX_GIVE_UP_HOURS
   after the claim); then it is "failed", shown to administrators, who can resend.
5. Sweep (beat, every few minutes): rows stuck "sending" past OUTBOX_STUCK_MINUTES go
   back to the queue; queued rows that are due and not enqueued recently are
   enqueued; queued rows past their give-up time fail.

Kinds register a renderer: `register(kind, render)`, where `render(messages)` gets
the claimed rows of one group and returns `(email, kept)`: the EmailMessage to send
(or None) and the rows it stands for; rows not kept are skipped (nothing to send any
more: the assignment was acknowledged, the case closed). A kind with many e-mails a
day registers `register_batch(kind, prepare)` instead: `prepare(messages)` gets all
the task's rows of that kind, reads what they need at once, and returns the `render`
of one group."""

import datetime
import logging
import queue
import smtplib
import threading
import uuid
from collections.abc import Callable, Iterable
from contextlib import closing, nullcontext
from functools import cache, partial
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.utils import timezone

from core.models import OutboxMessage

logger = logging.getLogger(__name__)

State = OutboxMessage.State
SEND_ERRORS = (smtplib.SMTPException, OSError)
GROUPS_PER_TASK = 50  # e-mails per send task, sharing one SMTP connection
Render = Callable[[list[OutboxMessage]], tuple[EmailMessage | None, list[OutboxMessage]]]
Prepare = Callable[[list[OutboxMessage]], Render]
_renderers: dict[str, Prepare] = {}


def register(kind: str, render: Render) -> None:
    """A kind whose `render(group)` reads what it needs itself."""
    _renderers[kind] = lambda rows: render


def register_batch(kind: str, prepare: Prepare) -> None:
    """A kind whose `prepare(rows)` reads, in a fixed number of queries, what all the
    rows of this kind in a send task need, and returns the `render` of one group."""
    _renderers[kind] = prepare


def new_message(*, kind: str, key: str, recipient_id: int, group: str = "", ref: int | None = None, data=None):
    """An unsaved row for `outbox_claim`; `group` defaults to the key (one e-mail)."""
    now = timezone.now()
    return OutboxMessage(
        kind=kind, key=key, group=group or key, recipient_id=recipient_id, ref=ref, data=data or {},
        next_attempt_at=now, give_up_at=now + datetime.timedelta(hours=settings.OUTBOX_GIVE_UP_HOURS),
    )  # fmt: skip


def outbox_claim(messages: Iterable[OutboxMessage]) -> list[int]:
    """Insert the rows whose key is not claimed yet and queue them after commit.
    Returns the ids of the rows this call claimed (not those claimed before)."""
    run = uuid.uuid4()
    messages = list(messages)
    for message in messages:
        message.run = run
    OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True, batch_size=2000)
    ids = list(
        OutboxMessage.objects.filter(key__in=[m.key for m in messages], run=run)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    enqueue_after_commit(ids)
    return ids


def enqueue_after_commit(ids: list[int]) -> None:
    if ids:
        transaction.on_commit(lambda: outbox_enqueue(ids))


def outbox_enqueue(ids: list[int]) -> int:
    """Hand the rows to send tasks, GROUPS_PER_TASK e-mails each, whole groups only.
    A broker that does not answer leaves them for the sweep; nothing is lost."""
    from core.tasks import outbox_send_task  # the tasks module imports this one

    rows = OutboxMessage.objects.filter(pk__in=ids, state=State.QUEUED).order_by("group", "pk")
    groups = [
        [pk for pk, _group in grouped] for _key, grouped in groupby(rows.values_list("pk", "group"), lambda r: r[1])
    ]
    app = outbox_send_task.app
    handed = 0
    try:
        with nullcontext() if app.conf.task_always_eager else app.producer_or_acquire() as producer:
            for start in range(0, len(groups), GROUPS_PER_TASK):
                chunk = sorted(pk for group in groups[start : start + GROUPS_PER_TASK] for pk in group)
                # Marked before it is handed over: a worker (or the eager send) that fails
                # the rows at once clears the mark, and a mark set after that would hide
                # them from the sweep for OUTBOX_STUCK_MINUTES past their backoff.
                marked = OutboxMessage.objects.filter(pk__in=chunk, state=State.QUEUED)
                marked.update(enqueued_at=timezone.now())
                try:
                    outbox_send_task.apply_async((chunk,), producer=producer)
                except Exception:
                    marked.update(enqueued_at=None)
                    raise
                handed += len(chunk)
    except Exception:  # the broker, or the eager send itself: the rows stay queued
        logger.warning("outbox: %d of %d messages not handed to a worker; the sweep retries", len(ids) - handed, len(ids), exc_info=True)  # fmt: skip
    return handed


def _take(ids: list[int]) -> list[OutboxMessage]:
    """Move the due rows among `ids` from queued to sending, all at once; rows another
    worker holds are left to it. Ordered by group, then pk: the e-mails in order."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, state=State.QUEUED, next_attempt_at__lte=now)
            .order_by("group", "pk")
        )
        OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).update(state=State.SENDING, started_at=now)
    for row in rows:
        row.state, row.started_at = State.SENDING, now
    return rows


def _backoff(attempts: int) -> datetime.timedelta:
    minutes = min(settings.OUTBOX_RETRY_MAX_MINUTES, 2 ** max(0, attempts - 1))
    return datetime.timedelta(minutes=minutes)


def _failed(rows: list[OutboxMessage], exc: Exception) -> None:
    now = timezone.now()
    error = f"{now:%Y-%m-%d %H:%M} {type(exc).__name__}: {exc}"[:2000]
    for row in rows:
        attempts = row.attempts + 1
        gave_up = now + _backoff(attempts) > row.give_up_at
        OutboxMessage.objects.filter(pk=row.pk, state=State.SENDING).update(
            state=State.FAILED if gave_up else State.QUEUED,
            attempts=attempts,
            next_attempt_at=now + _backoff(attempts),
            enqueued_at=None,
            error=error,
        )


def _mark_sent(ids: list[int], cursor=None) -> None:
    """Record an e-mail the SMTP server accepted: one statement, committed at once
    without waiting for the WAL flush (on PostgreSQL, outside a caller's transaction:
    SET LOCAL lasts for this statement's own transaction). A database crash can lose
    the last such marks; the sweep then sends those e-mails again, the duplicate a
    killed worker leaves of the one in flight."""
    sql = _mark_sql(connection.vendor, len(ids), connection.in_atomic_block)
    params = [State.SENT.value, connection.ops.adapt_datetimefield_value(timezone.now()), *ids]
    if cursor is not None:
        cursor.execute(sql, params)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@cache
def _mark_sql(vendor: str, count: int, in_atomic_block: bool) -> str:
    column, q = OutboxMessage._meta.get_field, connection.ops.quote_name
    sql = (
        f"UPDATE {q(OutboxMessage._meta.db_table)} SET {q(column('state').column)} = %s, "
        f"{q(column('sent_at').column)} = %s, {q(column('error').column)} = '' "
        f"WHERE {q(column('id').column)} IN ({', '.join(['%s'] * count)})"
    )
    if vendor == "postgresql" and not in_atomic_block:
        sql = f"SET LOCAL synchronous_commit TO OFF; {sql}"
    return sql


class Marks:
    """Where a send task records each e-mail the SMTP server accepted. On PostgreSQL,
    outside a caller's transaction, a thread of the task with a database connection
    of its own writes each mark (_mark_sent) while the next e-mail goes out: the
    commit and the next SMTP exchange overlap instead of taking turns. The task waits
    for the last mark before it ends. A worker killed meanwhile loses the marks not
    written yet (at most the last one or two: a mark takes a fraction of an SMTP
    exchange); the sweep sends those e-mails again, as it does the one in flight. A
    mark that fails stops the task before its next e-mail (`check`) with that error,
    as a mark failing in the task itself would. Elsewhere (SQLite, inside a
    transaction) each mark is written at once."""

    def __init__(self) -> None:
        self.error: Exception | None = None
        self._queue: queue.SimpleQueue | None = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self._queue = queue.SimpleQueue()
            self._thread = threading.Thread(target=self._write, name="outbox-marks", daemon=True)

    def __enter__(self) -> "Marks":
        if self._queue is not None:
            self._thread.start()
        return self

    def __call__(self, ids: list[int]) -> None:
        if self._queue is None:
            _mark_sent(ids)
        else:
            self._queue.put(ids)

    def check(self) -> None:
        if self.error is not None:
            raise self.error

    def __exit__(self, exc_type, *exc) -> None:
        if self._queue is not None:
            self._queue.put(None)
            self._thread.join()
        if exc_type is None:
            self.check()

    def _write(self) -> None:
        try:
            with connection.cursor() as cursor:
                while (ids := self._queue.get()) is not None:
                    _mark_sent(ids, cursor)
        except Exception as exc:  # the rows stay "sending": the sweep sends them again
            logger.warning("outbox: marking e-mails sent failed; the task stops", exc_info=True)
            self.error = exc
            while self._queue.get() is not None:
                pass
        finally:
            connection.close()  # this thread's own


def _prepare(kind: str, rows: list[OutboxMessage]) -> Render:
    """The `render` of this kind for these rows; if it cannot be had, one that fails
    each group with the reason (the groups of other kinds still go)."""
    try:
        if kind not in _renderers:
            raise LookupError(f"no renderer for {kind!r}")
        return _renderers[kind](rows)
    except Exception as exc:
        return partial(_raise, exc)


def _raise(exc: Exception, rows: list[OutboxMessage]):
    raise exc


def outbox_send(ids: list[int]) -> int:
    """Send the e-mails these rows stand for, one per group, over one SMTP connection.
    Guarantees: a row is sent by one worker at a time; it is marked sent, in its own
    commit, only after the SMTP server accepted it; an error leaves it queued with a
    backoff, or failed past its give-up time. A fixed number of queries per task, and
    one small commit per e-mail sent. Returns the number of e-mails sent."""
    rows = _take(ids)
    if not rows:
        return 0
    renders = {kind: _prepare(kind, [row for row in rows if row.kind == kind]) for kind in {row.kind for row in rows}}
    groups = [list(group) for _key, group in groupby(rows, key=lambda row: row.group)]
    held_since, skipped, sent = rows[0].started_at, [], 0
    smtp = get_connection()
    try:
        smtp.open()
    except SEND_ERRORS:
        logger.warning("outbox: SMTP connection failed; each e-mail tries again", exc_info=True)
    with closing(smtp), Marks() as marks:
        for n, group in enumerate(groups):
            if timezone.now() - held_since > datetime.timedelta(minutes=settings.OUTBOX_STUCK_MINUTES) / 2:
                _give_back([row.pk for rest in groups[n:] for row in rest], held_since)
                break
            marks.check()
            sent += _deliver(group, renders[group[0].kind], smtp, skipped, marks)
    if skipped:
        OutboxMessage.objects.filter(pk__in=skipped, state=State.SENDING).update(
            state=State.SKIPPED, error="không cần gửi nữa"
        )
    return sent


def _give_back(ids: list[int], held_since: datetime.datetime) -> None:
    """A slow task hands back what it has not sent before the sweep would take it as
    lost and give it to another worker while this one still could send it."""
    OutboxMessage.objects.filter(pk__in=ids, state=State.SENDING, started_at=held_since).update(
        state=State.QUEUED, enqueued_at=None
    )


def _deliver(rows: list[OutboxMessage], render: Render, smtp, skipped: list[int], marks) -> int:
    try:
        email, kept = render(rows)
    except Exception as exc:  # a renderer bug must not stop the other e-mails
        logger.exception("outbox: rendering %s failed", rows[0].kind)
        _failed(rows, exc)
        return 0
    kept_ids = {row.pk for row in kept} if email is not None else set()
    skipped += [row.pk for row in rows if row.pk not in kept_ids]
    if not kept_ids:
        return 0
    email.connection = smtp
    try:
        email.send()
    except SEND_ERRORS as exc:
        _failed([row for row in rows if row.pk in kept_ids], exc)
        return 0
    marks(list(kept_ids))
    return 1


def outbox_sweep() -> dict:
    """Requeue rows a dead worker left "sending", enqueue due rows nobody holds, fail
    rows past their give-up time. Safe to run at any moment, on several workers."""
    now = timezone.now()
    stuck_before = now - datetime.timedelta(minutes=settings.OUTBOX_STUCK_MINUTES)
    requeued = OutboxMessage.objects.filter(state=State.SENDING, started_at__lt=stuck_before).update(
        state=State.QUEUED, enqueued_at=None, error="worker lost while sending"
    )
    failed = OutboxMessage.objects.filter(state=State.QUEUED, give_up_at__lt=now).update(state=State.FAILED)
    due = list(
        OutboxMessage.objects.filter(state=State.QUEUED, next_attempt_at__lte=now)
        .exclude(enqueued_at__gte=stuck_before)
        .order_by("pk")
        .values_list("pk", flat=True)[:20000]
    )
    return {"requeued": requeued, "failed": failed, "enqueued": outbox_enqueue(due) if due else 0}


def outbox_resend(*, ids: Iterable[int]) -> int:
    """Give failed e-mails a new day of tries (an administrator's action)."""
    now = timezone.now()
    return OutboxMessage.objects.filter(pk__in=list(ids), state=State.FAILED).update(
        state=State.QUEUED, attempts=0, next_attempt_at=now, enqueued_at=None,
        give_up_at=now + datetime.timedelta(hours=settings.OUTBOX_GIVE_UP_HOURS),
    )  # fmt: skip
