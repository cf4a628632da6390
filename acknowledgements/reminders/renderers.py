"""What each acknowledgements kind of the outbox sends, decided at send time.

Reminders and nudges, many a day, are prepared a send task at a time: what all the
task's e-mails of the kind need is read in a fixed number of queries, then each
e-mail is built from that. Digests and checkpoints, one per head or inspector, read
their own. Each re-checks what may have changed since the claim: the recipient is
still active; a reminder's assignments are still open (acknowledged or closed since
→ that row is skipped); a nudge still has something pending; a digest still has
someone late. The message is built by core/emails.py; core/outbox.py sends and
records it."""

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from acknowledgements import selectors
from acknowledgements.models import Assignment
from acknowledgements.reminders import claims
from core import emails, outbox
from core.models import OutboxMessage
from directives.models import Directive
from organization.models import Person

# A digest lists this many people, the longest overdue first, then says how many more.
DIGEST_LIMIT = 200
Rendered = tuple[EmailMessage | None, list[OutboxMessage]]
NOTHING: Rendered = (None, [])


@dataclass(frozen=True)
class Pending:
    """One directive still waiting for the recipient's acknowledgement."""

    code: str
    subject: str
    due_on: datetime.date
    days_overdue: int
    url: str

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


@dataclass(frozen=True)
class Overdue:
    """One person of a unit head's subtree who is late, for the digest."""

    full_name: str
    email: str
    unit: str
    count: int
    oldest_due_on: datetime.date
    days_overdue: int


def register() -> None:
    outbox.register_batch(claims.REMINDER, prepare_reminders)
    outbox.register_batch(claims.NUDGE, prepare_nudges)
    outbox.register(claims.DIGEST, render_digest)
    outbox.register(claims.CHECKPOINT, render_checkpoint)


def assignment_url(pk: int) -> str:
    """The absolute link to an assignment's reading page."""
    return _read_url(settings.SITE_URL).format(pk)


@cache
def _read_url(site_url: str) -> str:
    # Reversed once: a reminder task writes hundreds of these links.
    return site_url + reverse("acknowledgements:read", args=[_PK_MARK]).replace(str(_PK_MARK), "{}")


_PK_MARK = 9876543210123


class Recipient(NamedTuple):
    pk: int
    email: str
    full_name: str


class Open(NamedTuple):
    """An assignment still open, as the reminders and nudges list it."""

    pk: int
    person_id: int
    due_on: datetime.date
    code: str
    subject: str


def _reachable():
    """People who can still get e-mail: active, with an address (a person without one,
    such as a driver, acknowledges at meetings or on paper)."""
    return Person.objects.filter(is_active=True, email__isnull=False).exclude(email="")


def _recipients(rows: list[OutboxMessage]) -> dict[int, Recipient]:
    """The rows' recipients who can still get e-mail, by id."""
    people = _reachable().filter(pk__in={row.recipient_id for row in rows}).values_list("pk", "email", "full_name")
    return {pk: Recipient(pk, email, name) for pk, email, name in people}


def _recipient(rows: list[OutboxMessage]) -> Person | None:
    return _reachable().filter(pk=rows[0].recipient_id).first()


def _day(rows: list[OutboxMessage]) -> datetime.date:
    # The day of the claim: the step the e-mail speaks of, even if it leaves later.
    return datetime.date.fromisoformat(rows[0].data["day"])


def _pending(assignments: Iterable[Open], *, today: datetime.date) -> list[Pending]:
    return [
        Pending(
            code=assignment.code,
            subject=assignment.subject,
            due_on=assignment.due_on,
            days_overdue=max(0, (today - assignment.due_on).days),
            url=assignment_url(assignment.pk),
        )
        for assignment in sorted(assignments, key=lambda assignment: (assignment.due_on, assignment.pk))
    ]


def _open_assignments(**filters) -> list[Open]:
    """Read as plain rows: a send task reads hundreds, and model instances cost more
    than the e-mails' SMTP exchanges (bench/README.md, reminders)."""
    rows = (
        Assignment.objects.open()
        .filter(**filters)
        .values_list(
            "pk", "person_id", "due_on",
            "version__directive__number", "version__directive__symbol", "version__directive__subject",
        )
    )  # fmt: skip
    return [
        Open(pk, person, due, Directive.code_of(number, symbol), subject)
        for pk, person, due, number, symbol, subject in rows
    ]


def prepare_reminders(rows: list[OutboxMessage]) -> outbox.Render:
    """A send task's reminders, read in two queries: the recipients, and which of the
    rows' assignments are still open. Each e-mail lists one person's reminders of a
    day whose assignment is still open; the others are skipped."""
    people = _recipients(rows)
    still_open = {assignment.pk: assignment for assignment in _open_assignments(pk__in={r.ref for r in rows})}

    def render(group: list[OutboxMessage]) -> Rendered:
        person = people.get(group[0].recipient_id)
        if person is None:
            return NOTHING
        kept = [row for row in group if row.ref in still_open and still_open[row.ref].person_id == person.pk]
        if not kept:
            return NOTHING
        today = _day(group)
        items = _pending({still_open[row.ref] for row in kept}, today=today)
        return emails.reminder(to=person.email, full_name=person.full_name, items=items, today=today), kept

    return render


def prepare_nudges(rows: list[OutboxMessage]) -> outbox.Render:
    """A send task's nudges, read in three queries: the recipients, everything they
    still have to acknowledge now, and the names of the heads who nudged."""
    people = _recipients(rows)
    pending = defaultdict(list)
    for assignment in _open_assignments(person_id__in=list(people)):
        pending[assignment.person_id].append(assignment)
    heads = dict(Person.objects.filter(pk__in={row.data.get("by") for row in rows}).values_list("pk", "full_name"))

    def render(group: list[OutboxMessage]) -> Rendered:
        person = people.get(group[0].recipient_id)
        if person is None or not pending[person.pk]:
            return NOTHING
        today, by = _day(group), heads.get(group[0].data.get("by"), "")
        items = _pending(pending[person.pk], today=today)
        return emails.nudge(to=person.email, full_name=person.full_name, items=items, today=today, by_name=by), group

    return render


def render_digest(rows: list[OutboxMessage]) -> Rendered:
    """A head's digest of who is late in their subtree, as it is at send time."""
    head = _recipient(rows)
    if head is None:
        return NOTHING
    today = _day(rows)
    found, total = selectors.late_people_rows(
        head=head, today=today, min_days=settings.ESCALATION_AFTER_DAYS, limit=DIGEST_LIMIT
    )
    if not total:
        return NOTHING
    people = [
        Overdue(
            full_name=row["person__full_name"],
            email=row["person__email"] or "",
            unit=row["person__unit__name"],
            count=row["count"],
            oldest_due_on=row["oldest"],
            days_overdue=(today - row["oldest"]).days,
        )
        for row in found
    ]
    return emails.digest(to=head.email, full_name=head.full_name, people=people, total=total, today=today), rows


def render_checkpoint(rows: list[OutboxMessage]) -> Rendered:
    """The day's signed checkpoint, attached as a file to keep (verify_acknowledgements
    --checkpoint FILE), or the alert listing the problems of a broken chain."""
    inspector = _recipient(rows)
    if inspector is None:
        return NOTHING
    checkpoint, problems = rows[0].data.get("checkpoint"), rows[0].data.get("problems") or []
    message = emails.ack_checkpoint(
        to=inspector.email, full_name=inspector.full_name, checkpoint=checkpoint, problems=problems
    )
    if checkpoint is not None:
        data = json.dumps(checkpoint, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        message.attach(f"moc-kiem-tra-{checkpoint['count']}.json", data, "application/json")
    return message, rows
