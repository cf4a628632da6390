"""The invitation e-mail, rendered by the outbox when it is sent (core/outbox.py).

The row claimed for it holds no secret: the link is made here, at send time, so the
token is never stored, and its lifetime (INVITATION_DAYS) runs from the sending. The
link is allauth's password-reset-from-key page, which moves the key out of the
address bar before the form is shown; setting the password kills the link."""

import datetime

from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from core import emails, outbox
from core.models import OutboxMessage
from organization.models import Person
from organization.tokens import invitation_tokens

INVITATION = "invitation"


def invitation_link(person: Person) -> str:
    """An absolute link that lets `person` set their password, valid INVITATION_DAYS."""
    key = f"{user_pk_to_url_str(person)}-{invitation_tokens.make_token(person)}"
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    return settings.SITE_URL + path.replace("UID-KEY", key)


def needs_invitation(person: Person) -> bool:
    """Only an active person with an address who never logged in is invited: someone
    who already got in uses "forgot password" instead."""
    return bool(person.is_active and person.email and person.last_login is None)


def render_invitation(rows: list[OutboxMessage]) -> tuple[EmailMessage | None, list[OutboxMessage]]:
    person = Person.objects.filter(pk=rows[0].recipient_id).select_related("unit").first()
    if person is None or not needs_invitation(person):
        return None, []
    valid_until = timezone.localtime() + datetime.timedelta(days=settings.INVITATION_DAYS)
    message = emails.invitation(
        to=person.email,
        full_name=person.full_name,
        unit=str(person.unit or ""),
        link=invitation_link(person),
        valid_until=valid_until,
    )
    return message, rows


def register() -> None:
    outbox.register(INVITATION, render_invitation)
