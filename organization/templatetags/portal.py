"""The portal's name, contact and address for templates that have no view context
of ours (allauth's pages and e-mails)."""

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def portal_name() -> str:
    return settings.PORTAL_NAME


@register.simple_tag
def portal_contact() -> str:
    return settings.PORTAL_CONTACT


@register.simple_tag
def site_url() -> str:
    return settings.SITE_URL


@register.simple_tag(takes_context=True)
def aria_current(context, view_name: str) -> str:
    """` aria-current="page"` on the navigation link to the page being shown, so a
    screen reader says which page this is and the link is drawn as the current one."""
    match = getattr(context.get("request"), "resolver_match", None)
    return mark_safe(' aria-current="page"') if match is not None and match.view_name == view_name else ""
