"""Claiming a day's reminders and digests as outbox rows (core/outbox.py).

The reminders are claimed by one INSERT … SELECT into the outbox, whatever their
number: no row goes through Python on the way in; the ids come back (RETURNING) to
be handed to the send tasks after commit."""

import datetime
import uuid
from itertools import groupby

from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from acknowledgements import selectors
from acknowledgements.models import Assignment
from acknowledgements.reminders.cadence import Cadence, digest_step, due_dates_with_step
from core.models import OutboxMessage
from core.outbox import enqueue_after_commit, new_message, outbox_claim

REMINDER, DIGEST, NUDGE, CHECKPOINT = "ack_reminder", "ack_digest", "ack_nudge", "ack_checkpoint"
# Ids handed to outbox_enqueue at once, whole groups only: bounds its IN list.
ENQUEUE_CHUNK = 5000


def reminder_group(*, person_id: int, day: datetime.date) -> str:
    return f"ack-reminder:{person_id}:{day.isoformat()}"


def claim_reminders(*, today: datetime.date, cadence: Cadence) -> list[tuple[int, int]]:
    """Claim, in one INSERT … SELECT, a reminder row for each open assignment of an
    active person due on a date that reaches a step today, skipping keys already
    claimed; queue the rows after commit. Returns (row id, recipient id) of the rows
    this call claimed."""
    steps = due_dates_with_step(today=today, cadence=cadence)
    text = CharField()
    reaching = (
        Assignment.objects.open()
        .filter(person__is_active=True, person__email__isnull=False, due_on__in=list(steps))
        .annotate(step=Case(*(When(due_on=day, then=Value(step)) for day, step in steps.items()), output_field=text))
        .annotate(
            okey=Concat(Value("ack-reminder:"), Cast("id", text), Value(":"), F("step"), output_field=text),
            ogroup=Concat(
                Value("ack-reminder:"), Cast("person_id", text), Value(f":{today.isoformat()}"), output_field=text
            ),
        )
        .order_by("pk")  # racing passes insert, and so lock, in the same order
        .values_list("okey", "ogroup", "person_id", "id")
    )
    select_sql, params = reaching.query.sql_with_params()
    now = timezone.now()
    field = OutboxMessage._meta.get_field
    q = connection.ops.quote_name
    # Named through the model, so a misspelt (or upper-cased) name fails on every database.
    columns = ", ".join(
        q(field(name).column)
        for name in (
            "kind", "key", "group", "recipient_id", "ref", "data", "run", "state", "attempts",
            "created_at", "next_attempt_at", "give_up_at", "error",
        )
    )  # fmt: skip
    sql = (
        f"INSERT INTO {q(OutboxMessage._meta.db_table)} ({columns}) "
        "SELECT %s, r.okey, r.ogroup, r.person_id, r.id, %s, %s, %s, 0, %s, %s, %s, '' "
        f"FROM ({select_sql}) AS r WHERE true ON CONFLICT DO NOTHING RETURNING id, {q(field('group').column)}, recipient_id"
    )
    constants = [
        REMINDER,
        field("data").get_db_prep_value({"day": today.isoformat()}, connection),
        field("run").get_db_prep_value(uuid.uuid4(), connection),
        OutboxMessage.State.QUEUED.value,
        field("created_at").get_db_prep_value(now, connection),
        field("next_attempt_at").get_db_prep_value(now, connection),
        field("give_up_at").get_db_prep_value(
            now + datetime.timedelta(hours=settings.OUTBOX_GIVE_UP_HOURS), connection
        ),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*constants, *params])
        claimed = sorted(cursor.fetchall(), key=lambda row: (row[1], row[0]))
    _enqueue_whole_groups(claimed)
    return [(pk, recipient_id) for pk, _group, recipient_id in claimed]


def _enqueue_whole_groups(rows: list[tuple[int, str, int]]) -> None:
    """Queue the rows after commit, in chunks that never split a group (one e-mail)."""
    chunk: list[int] = []
    for _group, grouped in groupby(rows, key=lambda row: row[1]):
        chunk += [row[0] for row in grouped]
        if len(chunk) >= ENQUEUE_CHUNK:
            enqueue_after_commit(chunk)
            chunk = []
    enqueue_after_commit(chunk)


def claim_digests(*, today: datetime.date, cadence: Cadence) -> list[tuple[int, int]]:
    """Claim this period's digest for every active unit head with someone late by
    `cadence.escalate_after` days in their subtree. Returns (row id, head id)."""
    step = digest_step(today=today, every=cadence.escalate_every)
    heads = sorted(selectors.heads_with_late_people(today=today, min_days=cadence.escalate_after))
    messages = [
        new_message(kind=DIGEST, key=f"ack-digest:{head}:{step}", recipient_id=head, data={"day": today.isoformat()})
        for head in heads
    ]
    ids = outbox_claim(messages) if messages else []
    return list(OutboxMessage.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "recipient_id"))


def claim_nudges(*, person_ids: list[int], by_id: int, today: datetime.date) -> list[int]:
    """Claim today's nudge of each person (at most one a day, whoever nudges)."""
    data = {"day": today.isoformat(), "by": by_id}
    messages = [
        new_message(kind=NUDGE, key=f"ack-nudge:{pk}:{today.isoformat()}", recipient_id=pk, data=data)
        for pk in sorted(person_ids)
    ]
    return outbox_claim(messages) if messages else []


def claim_checkpoints(
    *, inspector_ids: list[int], today: datetime.date, checkpoint: dict | None, problems: list[str]
) -> list[int]:
    """Claim today's checkpoint e-mail (or broken-chain alert) of each inspector."""
    step = f"{'c' if checkpoint else 'x'}{today.isoformat()}"
    data = {"checkpoint": checkpoint, "problems": problems}
    messages = [
        new_message(kind=CHECKPOINT, key=f"ack-checkpoint:{pk}:{step}", recipient_id=pk, data=data)
        for pk in sorted(inspector_ids)
    ]
    return outbox_claim(messages) if messages else []
