"""Every e-mail of the acknowledgements app: one function per kind, each rendering a
subject / text / HTML trio from templates/emails/ (as healthchecks' hc/lib/emails.py).

The functions render and send synchronously and let SMTP and socket errors through:
the Celery task that calls them decides about retries.
"""

import datetime
import json
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

SEND_ERRORS = (smtplib.SMTPException, OSError)


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


def _message(kind: str, to: str, context: dict, connection=None) -> EmailMultiAlternatives:
    # E-mails go out in the site's language whatever the caller's request used.
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"emails/{kind}_subject.txt", context).split())
        text = render_to_string(f"emails/{kind}.txt", context)
        html = render_to_string(f"emails/{kind}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to], connection=connection)
    message.attach_alternative(html, "text/html")
    return message


def reminder(*, to: str, full_name: str, items: list[Pending], today: datetime.date, connection=None) -> None:
    """The scheduled reminder: the recipient's directives that reached a step today."""
    _message("reminder", to, {"full_name": full_name, "items": items, "today": today}, connection).send()


def nudge(
    *, to: str, full_name: str, items: list[Pending], today: datetime.date, by_name: str, connection=None
) -> None:
    """A unit head's direct nudge: every directive the recipient has still to acknowledge."""
    context = {"full_name": full_name, "items": items, "today": today, "by_name": by_name}
    _message("nudge", to, context, connection).send()


def digest(
    *, to: str, full_name: str, people: list[Overdue], total: int, today: datetime.date, connection=None
) -> None:
    """A unit head's digest of the people in their subtree who are late; `people` may be
    the first rows of `total`."""
    context = {"full_name": full_name, "people": people, "total": total, "more": total - len(people), "today": today}
    _message("digest", to, context, connection).send()


def checkpoint(*, to: str, full_name: str, checkpoint: dict | None, problems: list[str], connection=None) -> None:
    """The daily anchor of the acknowledgement chain for a root inspector: the signed
    checkpoint, attached as a file to keep and compare later (verify_acknowledgements
    --checkpoint FILE); or, when the chain failed verification, its problems."""
    context = {"full_name": full_name, "checkpoint": checkpoint, "problems": problems[:50], "total": len(problems)}
    message = _message("ack_checkpoint", to, context, connection)
    if checkpoint is not None:
        data = json.dumps(checkpoint, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        message.attach(f"moc-kiem-tra-{checkpoint['count']}.json", data, "application/json")
    message.send()
