"""The violations app's e-mails on the outbox (core/outbox.py): who is owed which
e-mail, claimed inside the service's transaction, and the renderers that decide at
send time whether it is still owed.

Four kinds, each one e-mail per recipient, keyed so that claiming twice claims once:

- violation_new          case-new:<report>:<person>             to each reviewer (or,
                         when the case has none, each inspector)
- violation_confirmed    case-confirmed:<report>                to the person reported,
                         when the case goes to the hearing (giải trình)
- violation_reminder     case-remind:<report>:<person>:<due>    to each reviewer
- violation_escalation   case-escalate:<report>:<person>:<due>  to each inspector
- violation_limit_reminder    case-limit:<report>:<clock>:<person>:<due>     to each
                         reviewer, VIOLATION_LIMIT_REMIND_DAYS before a legal time limit
- violation_limit_escalation  case-limit-over:<report>:<clock>:<person>:<due> to each
                         head of the unit above the review unit (its inspectors when
                         there is none), once the legal time limit has passed

Recipients come from the selectors, which never name the person reported; the
renderers ask the selectors again when the e-mail goes out, so a head who lost the
grant, a case closed meanwhile or a deadline moved turns the row into "skipped".
None of the e-mails says who reported."""

import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from core import emails, outbox
from core.models import OutboxMessage
from organization.models import Person
from violations import selectors, workflow
from violations.models import Report, State

NEW = "violation_new"
CONFIRMED = "violation_confirmed"
REMINDER = "violation_reminder"
ESCALATION = "violation_escalation"
LIMIT_REMINDER = "violation_limit_reminder"
LIMIT_ESCALATION = "violation_limit_escalation"

# Which selector a row's recipient must still be in when it is sent.
AS_REVIEWER = "reviewer"
AS_INSPECTOR = "inspector"
AS_ABOVE = "above"  # heads of the unit above the review unit (inspectors when none)


def _link(report: Report) -> str:
    return settings.SITE_URL + reverse("violations:detail", args=[report.pk])


def _people(report: Report, as_: str) -> QuerySet[Person]:
    if as_ == AS_ABOVE:
        return selectors.heads_above(report)
    return selectors.reviewers_of(report) if as_ == AS_REVIEWER else selectors.inspectors_of(report)


def _claim_each(*, kind: str, report: Report, people, as_: str, key: str, data=None) -> list[int]:
    return outbox.outbox_claim(
        outbox.new_message(
            kind=kind, key=key.format(person=person.pk), recipient_id=person.pk, ref=report.pk,
            data={"as": as_, **(data or {})},
        )
        for person in people
    )  # fmt: skip


# Claims: called inside the services' transactions; the rows are enqueued after commit.


def claim_new_case(report: Report) -> list[int]:
    """One new-case e-mail per reviewer of the case; when nobody heads a unit above
    the person reported, one per inspector, so that no case arrives unseen."""
    as_ = AS_REVIEWER
    people = list(selectors.reviewers_of(report))
    if not people:
        as_, people = AS_INSPECTOR, list(selectors.inspectors_of(report))
    return _claim_each(kind=NEW, report=report, people=people, as_=as_, key=f"case-new:{report.pk}:{{person}}")


def claim_confirmed(report: Report) -> list[int]:
    """The person reported hears that the case is confirmed and that they may explain."""
    if report.subject_id is None:
        return []
    message = outbox.new_message(
        kind=CONFIRMED, key=f"case-confirmed:{report.pk}", recipient_id=report.subject_id, ref=report.pk
    )
    return outbox.outbox_claim([message])


def claim_reminders(report: Report, *, due_on: datetime.date) -> list[OutboxMessage]:
    """The reviewers are reminded that the review deadline `due_on` is near."""
    key = f"case-remind:{report.pk}:{{person}}:{due_on.isoformat()}"
    return _claimed_rows(
        _claim_each(
            kind=REMINDER, report=report, people=selectors.reviewers_of(report), as_=AS_REVIEWER, key=key,
            data={"due_on": due_on.isoformat()},
        )
    )  # fmt: skip


def claim_escalations(report: Report, *, due_on: datetime.date) -> list[OutboxMessage]:
    """The inspectors are told that the review deadline `due_on` has passed."""
    key = f"case-escalate:{report.pk}:{{person}}:{due_on.isoformat()}"
    return _claimed_rows(
        _claim_each(
            kind=ESCALATION, report=report, people=selectors.inspectors_of(report), as_=AS_INSPECTOR, key=key,
            data={"due_on": due_on.isoformat()},
        )
    )  # fmt: skip


def claim_limit_reminders(report: Report, *, clock: str, due_on: datetime.date) -> list[OutboxMessage]:
    """The reviewers are reminded that a legal time limit (`clock`) ends on `due_on`."""
    key = f"case-limit:{report.pk}:{clock}:{{person}}:{due_on.isoformat()}"
    return _claimed_rows(
        _claim_each(
            kind=LIMIT_REMINDER, report=report, people=selectors.reviewers_of(report), as_=AS_REVIEWER, key=key,
            data={"due_on": due_on.isoformat(), "clock": clock},
        )
    )  # fmt: skip


def claim_limit_escalations(report: Report, *, clock: str, due_on: datetime.date) -> list[OutboxMessage]:
    """The heads of the unit above are told that a legal time limit has passed."""
    key = f"case-limit-over:{report.pk}:{clock}:{{person}}:{due_on.isoformat()}"
    return _claimed_rows(
        _claim_each(
            kind=LIMIT_ESCALATION, report=report, people=selectors.heads_above(report), as_=AS_ABOVE, key=key,
            data={"due_on": due_on.isoformat(), "clock": clock},
        )
    )  # fmt: skip


def _claimed_rows(ids: list[int]) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(pk__in=ids).select_related("recipient").order_by("pk"))


# Renderers: the rows of one group (here always one row: one recipient, one case).


def _case(row: OutboxMessage) -> Report | None:
    return Report.objects.select_related("unit", "review_unit", "subject").filter(pk=row.ref).first()


def _still_theirs(report: Report, row: OutboxMessage) -> bool:
    """The recipient is still a reviewer (or inspector) of the case, never its subject."""
    if row.recipient_id == report.subject_id:
        return False
    return _people(report, row.data.get("as", AS_REVIEWER)).filter(pk=row.recipient_id).exists()


def _render_for_case(rows: list[OutboxMessage], *, build, still_owed):
    report = _case(rows[0])
    if report is None or not still_owed(report, rows[0]):
        return None, []
    return build(to=[rows[0].recipient.email], report=report, link=_link(report)), rows


def _new_owed(report: Report, row: OutboxMessage) -> bool:
    return report.state in workflow.REVIEW_STATES and _still_theirs(report, row)


def _confirmed_owed(report: Report, row: OutboxMessage) -> bool:
    # The e-mail invites an explanation, which is taken only while the case is confirmed.
    subject = report.subject
    return report.state == State.HEARING and subject is not None and subject.is_active


def _deadline_owed(report: Report, row: OutboxMessage) -> bool:
    same_deadline = report.review_due_on.isoformat() == row.data.get("due_on")
    return report.state in workflow.REVIEW_STATES and same_deadline and _still_theirs(report, row)


def _limit_owed(report: Report, row: OutboxMessage) -> bool:
    from violations import clocks

    running = {view.code: view for view in clocks.clocks_for(report)}
    view = running.get(row.data.get("clock"))
    return view is not None and view.due_on.isoformat() == row.data.get("due_on") and _still_theirs(report, row)


def _build_limit(kind: str):
    def build(*, to, report, link, row):
        from violations import clocks

        running = {view.code: view for view in clocks.clocks_for(report)}
        return emails.build(kind, to, {"report": report, "link": link, "clock": running[row.data["clock"]]})

    return build


def render_limit_reminder(rows):
    return _render_limit(rows, LIMIT_REMINDER)


def render_limit_escalation(rows):
    return _render_limit(rows, LIMIT_ESCALATION)


def _render_limit(rows, kind: str):
    report = _case(rows[0])
    if report is None or not _limit_owed(report, rows[0]):
        return None, []
    return _build_limit(kind)(to=[rows[0].recipient.email], report=report, link=_link(report), row=rows[0]), rows


def render_new(rows):
    return _render_for_case(rows, build=emails.violation_new, still_owed=_new_owed)


def render_confirmed(rows):
    return _render_for_case(rows, build=emails.violation_confirmed, still_owed=_confirmed_owed)


def render_reminder(rows):
    return _render_for_case(rows, build=emails.violation_reminder, still_owed=_deadline_owed)


def render_escalation(rows):
    return _render_for_case(rows, build=emails.violation_escalation, still_owed=_deadline_owed)


def register() -> None:
    """Called from ViolationsConfig.ready()."""
    outbox.register(NEW, render_new)
    outbox.register(CONFIRMED, render_confirmed)
    outbox.register(REMINDER, render_reminder)
    outbox.register(ESCALATION, render_escalation)
    outbox.register(LIMIT_REMINDER, render_limit_reminder)
    outbox.register(LIMIT_ESCALATION, render_limit_escalation)
