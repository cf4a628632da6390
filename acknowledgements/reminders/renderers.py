"""What each acknowledgements kind of the outbox sends, decided at send time.

A renderer gets the claimed rows of one group and re-checks what may have changed
since the claim: the recipient is still active; a reminder's assignments are still
open (acknowledged or closed since → that row is skipped); a nudge still has
something pending; a digest still has someone late. It returns the message built by
core/emails.py and the rows it stands for (core/outbox.py sends and records)."""

import datetime
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from acknowledgements import selectors
from acknowledgements.models import Assignment
from acknowledgements.reminders import claims
from core import emails, outbox
from core.models import OutboxMessage
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
    outbox.register(claims.REMINDER, render_reminder)
    outbox.register(claims.NUDGE, render_nudge)
    outbox.register(claims.DIGEST, render_digest)
    outbox.register(claims.CHECKPOINT, render_checkpoint)


def assignment_url(pk: int) -> str:
    """The absolute link to an assignment's reading page."""
    return settings.SITE_URL + reverse("acknowledgements:read", args=[pk])


def _recipient(rows: list[OutboxMessage]) -> Person | None:
    """The row's recipient if they can still get e-mail: active, with an address (a
    person without one, such as a driver, acknowledges at meetings or on paper)."""
    return (
        Person.objects.filter(pk=rows[0].recipient_id, is_active=True, email__isnull=False)
        .exclude(email="")
        .only("email", "full_name")
        .first()
    )


def _day(rows: list[OutboxMessage]) -> datetime.date:
    # The day of the claim: the step the e-mail speaks of, even if it leaves later.
    return datetime.date.fromisoformat(rows[0].data["day"])


def _pending(assignments, *, today: datetime.date) -> list[Pending]:
    return [
        Pending(
            code=assignment.version.directive.code,
            subject=assignment.version.directive.subject,
            due_on=assignment.due_on,
            days_overdue=max(0, (today - assignment.due_on).days),
            url=assignment_url(assignment.pk),
        )
        for assignment in assignments
    ]


def _open_assignments():
    fields = ("number", "symbol", "subject")
    return (
        Assignment.objects.open()
        .select_related("version__directive")
        .only("due_on", *(f"version__directive__{name}" for name in fields))
        .order_by("due_on", "pk")
    )


def render_reminder(rows: list[OutboxMessage]) -> Rendered:
    """One person's reminders of a day: the assignments still open among them."""
    person = _recipient(rows)
    if person is None:
        return NOTHING
    still_open = list(_open_assignments().filter(pk__in=[row.ref for row in rows], person_id=person.pk))
    kept = [row for row in rows if row.ref in {assignment.pk for assignment in still_open}]
    if not kept:
        return NOTHING
    items = _pending(still_open, today=_day(rows))
    return emails.reminder(to=person.email, full_name=person.full_name, items=items, today=_day(rows)), kept


def render_nudge(rows: list[OutboxMessage]) -> Rendered:
    """A head's nudge: every directive the person still has to acknowledge now."""
    person = _recipient(rows)
    if person is None:
        return NOTHING
    items = _pending(_open_assignments().filter(person_id=person.pk), today=_day(rows))
    if not items:
        return NOTHING
    by = Person.objects.filter(pk=rows[0].data.get("by")).values_list("full_name", flat=True).first() or ""
    message = emails.nudge(to=person.email, full_name=person.full_name, items=items, today=_day(rows), by_name=by)
    return message, rows


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
