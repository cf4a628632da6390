from django import template

from privacy.retention import RULES

register = template.Library()


@register.inclusion_tag("privacy/_retention_table.html")
def retention_table():
    """The retention periods in force (settings), for the privacy notice."""
    return {"rules": RULES}
