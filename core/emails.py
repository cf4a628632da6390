"""Every e-mail the portal sends: one function per kind, each rendering a subject /
text / HTML trio from templates/emails/<kind>_subject.txt, <kind>.txt, <kind>.html
(as healthchecks' hc/lib/emails.py). They build the message and do not send it: the
outbox (core/outbox.py) sends, records and retries. Vietnamese first: e-mails go out
in the site's language whatever the request that caused them used."""

import dataclasses
import re
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape


def render(kind: str, context: dict) -> tuple[str, str, str]:
    """The kind's subject, text and HTML for `context`, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"emails/{kind}_subject.txt", context).split())
        text = render_to_string(f"emails/{kind}.txt", context)
        html = render_to_string(f"emails/{kind}.html", context)
    return subject, text, html


def message(to: list[str], subject: str, text: str, html: str) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    email.attach_alternative(html, "text/html")
    return email


def build(kind: str, to: list[str], context: dict) -> EmailMultiAlternatives:
    return message(to, *render(kind, context))


_SLOT = re.compile("\x1e([a-z0-9_]+)\x1f")


def slot(name: str) -> str:
    """A marker for a Stencil's context: two control characters no template writes."""
    return f"\x1e{name}\x1f"


class Stencil:
    """A kind's e-mails to many people that differ only in plain values (a name, the
    links): the templates are rendered once per `shape` of the rest of the context,
    with a slot(name) where each such value goes, and each e-mail is that rendering
    with the slots filled (HTML-escaped in the HTML). The same e-mail as `build`, at a
    fraction of the cost (bench/README.md, reminders). Keeps the last SHAPES renderings."""

    SHAPES = 256

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._renders: OrderedDict[Hashable, tuple[str, str, str]] = OrderedDict()

    def build(
        self, to: list[str], *, shape: Hashable, context: Callable[[], dict], values: dict[str, str]
    ) -> EmailMultiAlternatives:
        """`context()` holds slot(name) for each of `values`; e-mails of the same
        `shape` have the same context but for those. It is called only to render."""
        key = (settings.LANGUAGE_CODE, settings.SITE_URL, shape)
        if (parts := self._renders.get(key)) is None:
            parts = self._renders[key] = render(self.kind, context())
            if len(self._renders) > self.SHAPES:
                self._renders.popitem(last=False)
        subject, text, html = parts
        values = {name: value.replace("\x1e", "").replace("\x1f", "") for name, value in values.items()}
        plain = lambda match: values[match[1]]  # noqa: E731
        escaped = lambda match: escape(values[match[1]])  # noqa: E731
        return message(to, _SLOT.sub(plain, subject), _SLOT.sub(plain, text), _SLOT.sub(escaped, html))


# Acknowledgements


_reminders = Stencil("reminder")


def reminder(*, to: str, full_name: str, items: list, today) -> EmailMultiAlternatives:
    """The scheduled reminder: the recipient's directives that reached a step today.
    People reminded of the same directives on the same day get the same e-mail but for
    their name and their links (`item.url`), rendered once (Stencil)."""
    values = {"full_name": full_name, **{f"url{n}": item.url for n, item in enumerate(items)}}
    shape = (today, *((item.code, item.subject, item.due_on, item.days_overdue) for item in items))

    def context():
        slotted = [dataclasses.replace(item, url=slot(f"url{n}")) for n, item in enumerate(items)]
        return {"full_name": slot("full_name"), "items": slotted, "today": today}

    return _reminders.build([to], shape=shape, context=context, values=values)


def nudge(*, to: str, full_name: str, items: list, today, by_name: str) -> EmailMultiAlternatives:
    """A unit head's direct nudge: every directive the recipient has still to acknowledge."""
    return build("nudge", [to], {"full_name": full_name, "items": items, "today": today, "by_name": by_name})


def digest(*, to: str, full_name: str, people: list, total: int, today) -> EmailMultiAlternatives:
    """A unit head's digest of the late people of their subtree; `people` may be the
    first rows of `total`."""
    context = {"full_name": full_name, "people": people, "total": total, "more": total - len(people), "today": today}
    return build("digest", [to], context)


def ack_checkpoint(*, to: str, full_name: str, checkpoint, problems: list) -> EmailMultiAlternatives:
    """To the root's inspectors: the signed checkpoint of the acknowledgement chain."""
    return build("ack_checkpoint", [to], {"full_name": full_name, "checkpoint": checkpoint, "problems": problems})


# Violation cases. None of them says who reported.


def violation_new(*, to: list[str], report, link: str) -> EmailMultiAlternatives:
    """To the case's reviewers: a new case."""
    return build("violation_new", to, {"report": report, "link": link})


def violation_confirmed(*, to: list[str], report, link: str) -> EmailMultiAlternatives:
    """To the person reported: the case is confirmed and they may explain."""
    return build("violation_confirmed", to, {"report": report, "link": link})


def violation_reminder(*, to: list[str], report, link: str) -> EmailMultiAlternatives:
    """To the case's reviewers: the review deadline is near."""
    return build("violation_reminder", to, {"report": report, "link": link})


def violation_escalation(*, to: list[str], report, link: str) -> EmailMultiAlternatives:
    """To the case's inspectors: the review deadline has passed."""
    return build("violation_escalation", to, {"report": report, "link": link})


# Social media (the social app). None of them carries a self-check draft.


def social_request_new(*, to: str, request, escalated: bool, link: str) -> EmailMultiAlternatives:
    """To a head or delegate: a request for permission to post awaits their decision
    (escalated: it went unanswered at the unit below)."""
    return build("social_request_new", [to], {"request": request, "escalated": escalated, "link": link})


def social_request_decided(*, to: str, request, event, link: str) -> EmailMultiAlternatives:
    """To the author: the head's decision on their request, with the reference when approved."""
    return build("social_request_decided", [to], {"request": request, "event": event, "link": link})


# Reports


def export_ready(*, to: str, full_name: str, job, link: str) -> EmailMultiAlternatives:
    """To the person who asked for a background export: the file is ready, until when."""
    return build("export_ready", [to], {"full_name": full_name, "job": job, "link": link})


def social_account_review(*, to: str, account, due, overdue: bool, link: str) -> EmailMultiAlternatives:
    """To the heads over a unit: an official account's security review is due soon, or due."""
    return build("social_account_review", [to], {"account": account, "due": due, "overdue": overdue, "link": link})


def social_incident_new(*, to: str, incident, link: str) -> EmailMultiAlternatives:
    """To the heads and inspectors over a unit, at once: an account is compromised or impersonated."""
    return build("social_incident_new", [to], {"incident": incident, "link": link})


# Accounts


def invitation(*, to: str, full_name: str, unit: str, link: str, valid_until) -> EmailMultiAlternatives:
    """To a person just added (admin, staff file, directory): what the portal is, and a
    link to set their password, valid until `valid_until`."""
    context = {
        "full_name": full_name, "unit": unit, "link": link, "valid_until": valid_until,
        "portal_name": settings.PORTAL_NAME, "contact": settings.PORTAL_CONTACT,
    }  # fmt: skip
    return build("invitation", [to], context)
