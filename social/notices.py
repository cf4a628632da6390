"""The social app's e-mails on the outbox (core/outbox.py): claimed inside the
services' transactions, rendered when they go out, and skipped when no longer owed.

- social_request_new       social-req:<event>:<person>        to each decider of a request
                            (submitted, resubmitted, or escalated to them)
- social_request_decided   social-req-decided:<event>          to the author
- social_account_review    social-acct:<account>:<due>:<step>:<person>  to the heads of the
                            account's unit: a review is due soon / overdue
- social_incident_new      social-inc:<incident>:<person>      to the heads and inspectors
                            over the unit of a compromised-account report

The renderers ask the selectors again at send time: a head who lost the grant, a
request decided meanwhile, an account reviewed meanwhile turns the row "skipped".
No e-mail carries a self-check draft: the self-check writes nothing at all."""

from django.conf import settings
from django.urls import reverse

from core import emails, outbox
from social import selectors
from social.models import PostRequest, PostRequestEvent, RequestState

REQUEST_NEW = "social_request_new"
REQUEST_DECIDED = "social_request_decided"
ACCOUNT_REVIEW = "social_account_review"
INCIDENT_NEW = "social_incident_new"


def link(name: str, pk: int) -> str:
    return settings.SITE_URL + reverse(name, args=[pk])


# Claims


def claim_request_new(request: PostRequest, *, event: PostRequestEvent) -> list[int]:
    """One e-mail per person who may decide the request now."""
    return outbox.outbox_claim(
        outbox.new_message(
            kind=REQUEST_NEW, key=f"social-req:{event.pk}:{person.pk}", recipient_id=person.pk, ref=request.pk,
            data={"unit": request.decider_unit_id, "escalated": event.kind == PostRequestEvent.Kind.ESCALATED},
        )
        for person in selectors.deciders_of(request)
    )  # fmt: skip


def claim_request_decided(request: PostRequest, *, event: PostRequestEvent) -> list[int]:
    message = outbox.new_message(
        kind=REQUEST_DECIDED,
        key=f"social-req-decided:{event.pk}",
        recipient_id=request.author_id,
        ref=request.pk,
        data={"event": event.pk},
    )
    return outbox.outbox_claim([message])


def claim_account_review(account, *, due, step: str) -> list[int]:
    """One reminder per head over the account's unit for this due date and step."""
    from organization.models import Role
    from organization.selectors import holders_over

    return outbox.outbox_claim(
        outbox.new_message(
            kind=ACCOUNT_REVIEW, key=f"social-acct:{account.pk}:{due.isoformat()}:{step}:{person.pk}",
            recipient_id=person.pk, ref=account.pk, data={"due": due.isoformat(), "step": step},
        )
        for person in holders_over(account.unit, Role.UNIT_HEAD)
    )  # fmt: skip


def claim_incident_new(incident) -> list[int]:
    """At once, to each head and inspector over the report's unit."""
    return outbox.outbox_claim(
        outbox.new_message(
            kind=INCIDENT_NEW, key=f"social-inc:{incident.pk}:{person.pk}", recipient_id=person.pk, ref=incident.pk
        )
        for person in selectors.told_of_incident(incident)
    )


# Renderers: one row per group (one recipient, one thing).


def render_request_new(rows):
    row = rows[0]
    request = PostRequest.objects.select_related("author", "unit", "decider_unit").filter(pk=row.ref).first()
    if (
        request is None
        or request.state != RequestState.PENDING
        or request.decider_unit_id != row.data.get("unit")
        or not selectors.deciders_of(request).filter(pk=row.recipient_id).exists()
    ):
        return None, []
    email = emails.social_request_new(
        to=row.recipient.email, request=request, escalated=bool(row.data.get("escalated")),
        link=link("social:request", request.pk),
    )  # fmt: skip
    return email, rows


def render_request_decided(rows):
    row = rows[0]
    # The decision as it was made, even if the author has resubmitted since.
    event = PostRequestEvent.objects.select_related("request", "actor").filter(pk=row.data.get("event")).first()
    if event is None or not row.recipient.is_active:
        return None, []
    request = event.request
    email = emails.social_request_decided(
        to=row.recipient.email, request=request, event=event, link=link("social:request", request.pk)
    )
    return email, rows


def render_account_review(rows):
    from organization import permissions
    from organization.models import Role
    from social.models import OfficialAccount

    row = rows[0]
    account = OfficialAccount.objects.select_related("unit").filter(pk=row.ref, active=True).first()
    # Skipped when reviewed meanwhile (the due date moved) or the head left.
    if (
        account is None
        or selectors.next_review_on(account).isoformat() != row.data.get("due")
        or not permissions.covers(row.recipient, account.unit, Role.UNIT_HEAD)
    ):
        return None, []
    email = emails.social_account_review(
        to=row.recipient.email, account=account, due=selectors.next_review_on(account),
        overdue=row.data.get("step") == "due", link=link("social:account", account.pk),
    )  # fmt: skip
    return email, rows


def render_incident_new(rows):
    from social.models import AccountIncident

    row = rows[0]
    incident = AccountIncident.objects.select_related("reporter", "unit").filter(pk=row.ref).first()
    if incident is None or not selectors.told_of_incident(incident).filter(pk=row.recipient_id).exists():
        return None, []
    return emails.social_incident_new(
        to=row.recipient.email, incident=incident, link=link("social:incident", incident.pk)
    ), rows


def register() -> None:
    """Called from SocialConfig.ready()."""
    outbox.register(REQUEST_NEW, render_request_new)
    outbox.register(REQUEST_DECIDED, render_request_decided)
    outbox.register(ACCOUNT_REVIEW, render_account_review)
    outbox.register(INCIDENT_NEW, render_incident_new)
