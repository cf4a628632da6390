"""Template tags other apps' pages can use without importing the social app's code:
`{% load social_tags %}{% unit_contacts unit %}` and `{% social_pending_requests %}`."""

from django import template

from social import selectors

register = template.Library()


@register.inclusion_tag("social/includes/pending_requests.html", takes_context=True)
def social_pending_requests(context):
    """For the home page: the requests awaiting the signed-in head's decision, with their age."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"awaiting": []}
    return {"awaiting": selectors.with_age(selectors.awaiting_decision_by(user)[:20])}


@register.inclusion_tag("social/includes/unit_contacts.html")
def unit_contacts(unit):
    """The reporting contacts of `unit` (inherited from the units above where it sets
    none): `{% load social_tags %}{% unit_contacts unit %}`. Renders nothing when no
    unit above sets any. One query."""
    return {"contacts": selectors.effective_contacts(unit)}


@register.inclusion_tag("social/includes/unit_contacts.txt")
def unit_contacts_text(unit):
    """The same for plain-text e-mails: `{% unit_contacts_text unit %}`."""
    return {"contacts": selectors.effective_contacts(unit)}
