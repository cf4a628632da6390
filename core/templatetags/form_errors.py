"""The error summary of a form and the "Lỗi: " prefix of the page title, for forms
rendered by the portal's renderer (core/forms.py) and forms laid out by hand."""

from django import template
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.utils.translation import gettext as _

register = template.Library()


def _has_errors(value) -> bool:
    # `_errors` is None until the form was validated: never validate from a template.
    if isinstance(value, BaseForm):
        return bool(value.is_bound and value._errors)
    if isinstance(value, BaseFormSet):
        return bool(value.is_bound and value._errors is not None and not value.is_valid())
    return False


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """ "Lỗi: " when a form on the page was submitted with errors, so the title says
    the submission did not go through."""
    if any(_has_errors(value) for value in context.flatten().values()):
        return _("Lỗi: ")
    return ""


@register.inclusion_tag("forms/error_notice.html", takes_context=True)
def error_notice(context):
    """At the top of the page, a link to the error summary: without JavaScript the
    page opens at its top, which may be a long letter above the form."""
    return {"shown": any(_has_errors(value) for value in context.flatten().values())}


def summary_items(form: BaseForm) -> list[tuple[str, str]]:
    """(anchor, message) for each error, the form's own first, then by field order;
    an anchor is empty for errors that belong to no visible field."""
    items = [("", str(message)) for message in form.non_field_errors()]
    for field in form.hidden_fields():
        items += [("", str(message)) for message in field.errors]
    for field in form.visible_fields():
        anchor = getattr(field, "error_anchor", field.id_for_label)
        items += [(anchor, str(message)) for message in field.errors]
    return items


@register.inclusion_tag("forms/error_summary.html")
def error_summary(form):
    if not _has_errors(form):
        return {"items": []}
    return {"items": summary_items(form)}
