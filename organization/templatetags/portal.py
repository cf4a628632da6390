"""The portal's name, contact and address for templates that have no view context
of ours (allauth's pages and e-mails)."""

from django import template
from django.conf import settings

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
