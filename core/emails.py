"""Every e-mail the portal sends: one function per kind, each rendering a subject /
text / HTML trio from templates/emails/<kind>_subject.txt, <kind>.txt, <kind>.html
(as healthchecks' hc/lib/emails.py). They build the message and do not send it: the
outbox (core/outbox.py) sends, records and retries. Vietnamese first: e-mails go out
in the site's language whatever the request that caused them used."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def build(kind: str, to: list[str], context: dict) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"emails/{kind}_subject.txt", context).split())
        text = render_to_string(f"emails/{kind}.txt", context)
        html = render_to_string(f"emails/{kind}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    return message


# Acknowledgements


def reminder(*, to: str, full_name: str, items: list, today) -> EmailMultiAlternatives:
    """The scheduled reminder: the recipient's directives that reached a step today."""
    return build("reminder", [to], {"full_name": full_name, "items": items, "today": today})


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
