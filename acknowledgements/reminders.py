"""Reminders before and after the due date, digests for unit heads, and nudges.

Every e-mail is claimed before it is sent, by inserting a `Notice` row whose unique
constraint names what is being sent: (assignment, step) for a reminder, (person, kind,
step) for a digest or a nudge. Inserts skip conflicts and a pass owns only the rows
that carry its own run id, so two passes racing on two workers send each step once.
Sending happens after commit, in Celery tasks of up to SEND_BATCH people each (`tasks.send_notices`).

Step keys:
- reminders: "d-7", "d-1" (days before the due date, REMINDER_DAYS_BEFORE), "d0" (the
  due date), then "o3", "o6", … "o15" (days overdue: every REMINDER_OVERDUE_EVERY_DAYS,
  at most REMINDER_OVERDUE_MAX times). A pass on another day sends nothing for that
  assignment: missed days are not caught up.
- digests: "p2024-09-02", the first day of the ESCALATION_EVERY_DAYS-long period
  containing today, counted from EPOCH. A head gets at most one digest per period, and
  one in every period in which someone of their subtree is late by at least
  ESCALATION_AFTER_DAYS. The first digest may come late in a period, so the second
  can follow it by less than a full period; after that they keep the period's rhythm.
- nudges: the ISO date, so at most one nudge per person a day.
"""

import bisect
import datetime
import logging
import smtplib
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, nullcontext
from dataclasses import dataclass
from functools import partial

from celery.exceptions import Retry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Case, Count, Min, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from acknowledgements import emails
from acknowledgements.models import Assignment, Notice
from acknowledgements.selectors import open_q
from organization import permissions
from organization.models import Person, Role, RoleGrant

logger = logging.getLogger(__name__)

# A Monday: with 7-day periods, digests after a head's first one go out on Mondays.
EPOCH = datetime.date(2024, 1, 1)
SEND_BATCH = 50  # people per send task, sharing one SMTP connection
BATCH = 2000
# A digest lists this many people, the longest overdue first, then says how many more.
DIGEST_LIMIT = 200
SEND_ERRORS = (smtplib.SMTPException, OSError)

SKIPPED = "skipped: nothing pending any more"
OUTSIDE_SCOPE = gettext_lazy("Một số người được chọn không thuộc phạm vi đơn vị đồng chí phụ trách.")
KIND_ORDER = (Notice.Kind.REMINDER, Notice.Kind.NUDGE, Notice.Kind.DIGEST)
# What a send reads with a notice: enough for a reminder, and never a version's full text.
NOTICE_FIELDS = (
    "kind",
    "person_id",
    "person__email",
    "person__full_name",
    "person__is_active",
    "assignment__due_on",
    "assignment__acknowledged_at",
    "assignment__closed_at",
    "assignment__version__directive__number",
    "assignment__version__directive__symbol",
    "assignment__version__directive__subject",
)


@dataclass(frozen=True)
class Cadence:
    days_before: tuple[int, ...] = (7, 1)
    overdue_every: int = 3
    overdue_max: int = 5
    escalate_after: int = 3
    escalate_every: int = 7

    @classmethod
    def from_settings(cls) -> "Cadence":
        return cls(
            days_before=tuple(settings.REMINDER_DAYS_BEFORE),
            overdue_every=settings.REMINDER_OVERDUE_EVERY_DAYS,
            overdue_max=settings.REMINDER_OVERDUE_MAX,
            escalate_after=settings.ESCALATION_AFTER_DAYS,
            escalate_every=settings.ESCALATION_EVERY_DAYS,
        )


def reminder_step(*, due_on: datetime.date, today: datetime.date, cadence: Cadence) -> str | None:
    """The step an open assignment due on `due_on` reaches today, or None."""
    days_left = (due_on - today).days
    if days_left > 0:
        return f"d-{days_left}" if days_left in cadence.days_before else None
    if days_left == 0:
        return "d0"
    late = -days_left
    if late % cadence.overdue_every == 0 and late // cadence.overdue_every <= cadence.overdue_max:
        return f"o{late}"
    return None


def due_dates_with_step(*, today: datetime.date, cadence: Cadence) -> dict[datetime.date, str]:
    """Every due date that reaches a step today, with its step: the inverse of
    `reminder_step`, so the pass selects assignments by a handful of dates."""
    offsets = [d for d in cadence.days_before if d > 0]
    offsets += [0] + [-cadence.overdue_every * k for k in range(1, cadence.overdue_max + 1)]
    dates = (today + datetime.timedelta(days=offset) for offset in offsets)
    return {due_on: reminder_step(due_on=due_on, today=today, cadence=cadence) for due_on in dates}


def digest_step(*, today: datetime.date, every: int) -> str:
    """The digest period containing today, named by its first day: "p2024-09-02"."""
    start = EPOCH + datetime.timedelta(days=(today - EPOCH).days // every * every)
    return f"p{start.isoformat()}"


@dataclass(frozen=True)
class PassResult:
    run: uuid.UUID
    today: datetime.date
    reminders: int  # reminder notices claimed: one per assignment reaching a step
    reminded: tuple[str, ...]  # addresses of the people reminded (one e-mail each)
    digests: int
    escalated: tuple[str, ...]  # addresses of the unit heads sent a digest
    sent: int  # notices of this run already sent when the pass returned (eager mode)

    @property
    def recipients(self) -> list[str]:
        return sorted({*self.reminded, *self.escalated})

    def as_dict(self) -> dict:
        return {
            "run": str(self.run),
            "today": self.today.isoformat(),
            "reminders": self.reminders,
            "reminded": len(self.reminded),
            "digests": self.digests,
            "sent": self.sent,
        }


def reminder_pass(*, today: datetime.date, cadence: Cadence | None = None) -> PassResult:
    """Claim today's reminders and digests and queue one send task per recipient.

    Guarantees: only open assignments of active people are reminded, only active unit
    heads with someone late in their subtree get a digest; no step is claimed twice,
    however many passes run at once; the claims commit together and the tasks are
    queued only after that commit. A fixed number of queries whatever the number of
    assignments: the reminders are claimed by one INSERT … SELECT.
    """
    cadence = cadence or Cadence.from_settings()
    run = uuid.uuid4()
    steps = due_dates_with_step(today=today, cadence=cadence)
    with transaction.atomic():
        _claim_reminders(run=run, steps=steps)
        step = digest_step(today=today, every=cadence.escalate_every)
        _claim(
            Notice(kind=Notice.Kind.DIGEST, person_id=head_id, step=step, run=run)
            for head_id in sorted(_heads_to_escalate(today=today, cadence=cadence))
        )
        claimed = list(
            Notice.objects.filter(run=run).values_list("pk", "kind", "person_id", "person__email", named=True)
        )
        transaction.on_commit(partial(_enqueue, claimed=claimed, today=today))
    reminded = [row for row in claimed if row.kind == Notice.Kind.REMINDER]
    escalated = [row for row in claimed if row.kind == Notice.Kind.DIGEST]
    return PassResult(
        run=run,
        today=today,
        reminders=len(reminded),
        reminded=tuple(sorted({row.person__email for row in reminded})),
        digests=len(escalated),
        escalated=tuple(sorted(row.person__email for row in escalated)),
        sent=Notice.objects.filter(run=run, sent_at__isnull=False).count(),
    )


def nudge(*, by: Person, people: Iterable[Person], today: datetime.date | None = None) -> int:
    """Unit head `by` nudges `people`: each gets one e-mail listing every directive they
    still have to acknowledge, at most once a day whoever nudges. Raises ValidationError,
    before claiming anything, if one of them is outside `by`'s unit-head scope. Inactive
    people and people with nothing pending are skipped. Returns how many were nudged."""
    today = today or timezone.localdate()
    ids = {person.pk for person in people}
    in_scope = set(
        Person.objects.filter(permissions.scope_q(by, Role.UNIT_HEAD, path_field="unit__path"), pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    if ids - in_scope:
        # Names (or how many) would tell a head who exists outside their scope.
        raise ValidationError(str(OUTSIDE_SCOPE))
    pending = Assignment.objects.filter(open_q(), person_id__in=ids, person__is_active=True)
    run = uuid.uuid4()
    with transaction.atomic():
        _claim(
            Notice(kind=Notice.Kind.NUDGE, person_id=person_id, step=today.isoformat(), run=run)
            for person_id in sorted(set(pending.values_list("person_id", flat=True)))
        )
        claimed = list(
            Notice.objects.filter(run=run).values_list("pk", "kind", "person_id", "person__email", named=True)
        )
        transaction.on_commit(partial(_enqueue, claimed=claimed, today=today, nudged_by_id=by.pk))
    return len(claimed)


def overdue_people(*, head: Person, today: datetime.date, min_days: int = 1) -> QuerySet[Person]:
    """Active people under `head`'s unit-head grants with an open assignment at least
    `min_days` past its due date. Built from the grants themselves, so a superuser
    who also heads a unit sees that unit, not the whole organisation."""
    return Person.objects.filter(
        pk__in=_late(head=head, today=today, min_days=min_days).values("person_id"),
    ).order_by("full_name")


def notices_send(*, notice_ids: list[int], today: datetime.date, nudged_by_id: int | None = None) -> int:
    """Send the e-mails these notices stand for, one per person and kind, and mark
    them sent. Guarantees: notices already sent (or locked by another worker sending
    them) are skipped, so a retried or redelivered task never sends twice; a notice
    is marked sent only once its e-mail went out; an SMTP or socket error is recorded
    on the notices, the other e-mails are still tried, and the first such error is
    raised after the others' marks are committed, for the caller to retry. Returns
    the number of e-mails sent."""
    sent, failure = 0, None
    connection = _open_connection()
    with transaction.atomic(), closing(connection):
        groups: dict[tuple[int, int], list[Notice]] = {}
        for notice in (
            Notice.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=notice_ids, sent_at__isnull=True)
            .select_related("person", "assignment__version__directive")
            .only(*NOTICE_FIELDS)
            .order_by("pk")
        ):
            groups.setdefault((notice.person_id, KIND_ORDER.index(notice.kind)), []).append(notice)
        for (_, kind), notices in sorted(groups.items()):
            try:
                sent += _deliver(
                    notices, kind=KIND_ORDER[kind], today=today, nudged_by_id=nudged_by_id, connection=connection
                )
            except SEND_ERRORS as exc:
                failure = failure or exc
    if failure is not None:
        raise failure
    return sent


def _open_connection():
    """One SMTP connection for every e-mail of a task (a batch of people). If it cannot
    be opened now, each send tries again by itself and records its own failure."""
    connection = get_connection()
    try:
        connection.open()
    except SEND_ERRORS:
        logger.warning("SMTP connection failed; each e-mail will retry it", exc_info=True)
    return connection


def assignment_url(pk: int) -> str:
    """The absolute link to an assignment's reading page."""
    return settings.SITE_URL + reverse("acknowledgements:read", args=[pk])


def _batched(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _claim_reminders(*, run: uuid.UUID, steps: dict[datetime.date, str]) -> None:
    """One INSERT … SELECT of a notice per open assignment of an active person due on
    one of `steps`' dates, skipping those already claimed: one statement, and no row
    through Python, whatever the number of assignments."""
    reaching = (
        Assignment.objects.filter(open_q(), person__is_active=True, due_on__in=list(steps))
        .annotate(step=Case(*(When(due_on=day, then=Value(step)) for day, step in steps.items())))
        .order_by("pk")  # racing passes insert, and so lock, in the same order
        .values_list("id", "person_id", "step")
    )
    select_sql, params = reaching.query.sql_with_params()
    fields = {name: Notice._meta.get_field(name) for name in ("run", "claimed_at")}
    sql = (
        f"INSERT INTO {Notice._meta.db_table} (kind, person_id, assignment_id, step, run, claimed_at, error) "
        f"SELECT %s, reaching.person_id, reaching.id, reaching.step, %s, %s, '' FROM ({select_sql}) AS reaching "
        "WHERE true ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                Notice.Kind.REMINDER.value,
                fields["run"].get_db_prep_value(run, connection),
                fields["claimed_at"].get_db_prep_value(timezone.now(), connection),
                *params,
            ],
        )


def _claim(notices: Iterable[Notice]) -> None:
    # A conflicting row (claimed by another run) is skipped; callers read back their own
    # rows by run id. Callers pass rows in key order so racing passes lock alike.
    for batch in _batched(notices, BATCH):
        Notice.objects.bulk_create(batch, ignore_conflicts=True)


def _heads_to_escalate(*, today: datetime.date, cadence: Cadence) -> set[int]:
    """Active unit heads with someone late in their subtree: two queries, then a
    prefix search of each grant's path among the sorted paths of late people's units."""
    cutoff = today - datetime.timedelta(days=cadence.escalate_after)
    late_paths = sorted(
        path
        for path in Assignment.objects.filter(open_q(), person__is_active=True, due_on__lte=cutoff)
        .values_list("person__unit__path", flat=True)
        .distinct()
        if path
    )
    grants = RoleGrant.objects.filter(role=Role.UNIT_HEAD, person__is_active=True).values_list(
        "person_id", "unit__path"
    )
    return {person_id for person_id, path in grants if _has_prefix(late_paths, path)}


def _has_prefix(sorted_paths: list[str], prefix: str) -> bool:
    at = bisect.bisect_left(sorted_paths, prefix)
    return at < len(sorted_paths) and sorted_paths[at].startswith(prefix)


def _late(*, head: Person, today: datetime.date, min_days: int) -> QuerySet[Assignment]:
    paths = RoleGrant.objects.filter(person=head, role=Role.UNIT_HEAD).values_list("unit__path", flat=True)
    subtree = Q(pk__in=[])
    for path in paths:
        subtree |= Q(person__unit__path__startswith=path)
    cutoff = today - datetime.timedelta(days=min_days)
    return Assignment.objects.filter(subtree, open_q(), person__is_active=True, due_on__lte=cutoff)


def _enqueue(*, claimed: list, today: datetime.date, nudged_by_id: int | None = None) -> None:
    """One send task per batch of SEND_BATCH people, given the ids of their notices:
    the task reads them by primary key (an index on the run would mislead the planner:
    a run can hold 100,000 rows, while the statistics say a run holds a few) and sends
    the batch's e-mails over one SMTP connection."""
    from acknowledgements.tasks import send_notices  # the tasks module imports this one

    per_person: dict[int, list[int]] = {}
    for row in claimed:
        per_person.setdefault(row.person_id, []).append(row.pk)
    app = send_notices.app
    # One producer (one broker connection) for all the messages of a run.
    with nullcontext() if app.conf.task_always_eager else app.producer_or_acquire() as producer:
        for batch in _batched(sorted(per_person.items()), SEND_BATCH):
            notice_ids = sorted(pk for _person, ids in batch for pk in ids)
            try:
                send_notices.apply_async((notice_ids, today.isoformat(), nudged_by_id), producer=producer)
            except (Retry, *SEND_ERRORS):
                # Only when tasks run eagerly (where a retry is raised, not scheduled): the
                # error is on the notices already, and the next recipients must still get theirs.
                logger.warning("Notices %s not all sent", notice_ids, exc_info=True)


def _mark(notices: list[Notice], **values) -> None:
    Notice.objects.filter(pk__in=[notice.pk for notice in notices]).update(**values)


def _deliver(notices: list[Notice], *, kind: str, today: datetime.date, nudged_by_id: int | None, connection) -> int:
    """Send the one e-mail standing for these notices (all of one person and kind)."""
    person = notices[0].person
    if not person.is_active:
        _mark(notices, error="skipped: the person is no longer active")
        return 0
    if kind == Notice.Kind.REMINDER:
        # Acknowledged or closed since the claim: nothing to remind of.
        if stale := [notice for notice in notices if not notice.assignment.is_open]:
            _mark(stale, error=SKIPPED)
            notices = [notice for notice in notices if notice.assignment.is_open]
        send = _reminder(person, [notice.assignment for notice in notices], today=today)
    elif kind == Notice.Kind.NUDGE:
        send = _nudge(person, today=today, nudged_by_id=nudged_by_id)
    else:
        send = _digest(person, today=today)
    if send is None:
        _mark(notices, error=SKIPPED)
        return 0
    try:
        send(connection=connection)
    except SEND_ERRORS as exc:
        _mark(notices, error=f"{timezone.now():%Y-%m-%d %H:%M} {type(exc).__name__}: {exc}"[:2000])
        raise
    _mark(notices, sent_at=timezone.now())
    return 1


Send = Callable[[], None] | None


def _reminder(person: Person, assignments: list[Assignment], *, today: datetime.date) -> Send:
    items = [_pending(assignment, today=today) for assignment in sorted(assignments, key=lambda a: (a.due_on, a.pk))]
    if not items:
        return None
    return partial(emails.reminder, to=person.email, full_name=person.full_name, items=items, today=today)


def _nudge(person: Person, *, today: datetime.date, nudged_by_id: int | None) -> Send:
    assignments = (
        Assignment.objects.filter(open_q(), person=person)
        .select_related("version__directive")
        .only("due_on", *(f"version__directive__{name}" for name in ("number", "symbol", "subject")))
        .order_by("due_on", "pk")
    )
    items = [_pending(assignment, today=today) for assignment in assignments]
    if not items:
        return None
    by = Person.objects.filter(pk=nudged_by_id).values_list("full_name", flat=True).first() or ""
    return partial(emails.nudge, to=person.email, full_name=person.full_name, items=items, today=today, by_name=by)


def _digest(head: Person, *, today: datetime.date) -> Send:
    rows, total = _digest_rows(head=head, today=today)
    if not total:
        return None
    return partial(emails.digest, to=head.email, full_name=head.full_name, people=rows, total=total, today=today)


def _pending(assignment: Assignment, *, today: datetime.date) -> emails.Pending:
    directive = assignment.version.directive
    return emails.Pending(
        code=directive.code,
        subject=directive.subject,
        due_on=assignment.due_on,
        days_overdue=max(0, (today - assignment.due_on).days),
        url=assignment_url(assignment.pk),
    )


def _digest_rows(*, head: Person, today: datetime.date) -> tuple[list[emails.Overdue], int]:
    late = _late(head=head, today=today, min_days=Cadence.from_settings().escalate_after)
    total = late.values("person_id").distinct().count()
    grouped = (
        late.values("person_id", "person__full_name", "person__email", "person__unit__name")
        .annotate(count=Count("pk"), oldest=Min("due_on"))
        .order_by("oldest", "person__full_name", "person_id")[:DIGEST_LIMIT]
    )
    rows = [
        emails.Overdue(
            full_name=row["person__full_name"],
            email=row["person__email"],
            unit=row["person__unit__name"],
            count=row["count"],
            oldest_due_on=row["oldest"],
            days_overdue=(today - row["oldest"]).days,
        )
        for row in grouped
    ]
    return rows, total
