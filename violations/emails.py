"""One function per e-mail the violations app sends; subject, text and HTML come
from templates/emails/violation_<kind>_*."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from violations.models import Report


def _send(kind: str, to: list[str], context: dict) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/violation_{kind}_subject.txt", context).split())
        text = render_to_string(f"emails/violation_{kind}.txt", context)
        html = render_to_string(f"emails/violation_{kind}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    message.send()


def _link(report: Report) -> str:
    return settings.SITE_URL + reverse("violations:detail", args=[report.pk])


def send_new_report(report: Report, to: list[str]) -> None:
    """To the reviewing heads. Says nothing of who reported."""
    _send("new", to, {"report": report, "link": _link(report)})


def send_confirmed(report: Report, to: list[str]) -> None:
    """To the person reported: the case is confirmed and they may explain."""
    _send("confirmed", to, {"report": report, "link": _link(report)})


def send_review_reminder(report: Report, to: list[str]) -> None:
    _send("reminder", to, {"report": report, "link": _link(report)})


def send_escalation(report: Report, to: list[str]) -> None:
    """To the inspectors of the unit: the review deadline has passed."""
    _send("escalation", to, {"report": report, "link": _link(report)})
