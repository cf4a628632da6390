"""How every form of the portal is rendered (settings.FORM_RENDERER): an error
summary at the top of the form linking to each field in error (the GOV.UK
pattern), each message tied to its field, and no autofocus once there are errors
so the focus can go to the summary."""

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

CHOOSE = _("— Chọn —")


class PortalBoundField(BoundField):
    @property
    def error_anchor(self) -> str:
        """The id the summary links to: the input itself, or the first choice of a
        radio or checkbox group (whose label points nowhere)."""
        if not self.auto_id:
            return ""
        return self.id_for_label or f"{self.auto_id}_0"

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.form.is_bound and self.form._errors:
            # An autofocused field would take the focus the summary needs.
            attrs["autofocus"] = False
        return attrs


class PortalFormRenderer(DjangoTemplates):
    form_template_name = "forms/div.html"
    bound_field_class = PortalBoundField
    # form.as_div and form.as_p (allauth's pages use it) name Django's templates
    # directly: they get the portal's too, so no form goes without its summary.
    aliases = {"django/forms/div.html": "forms/div.html", "django/forms/p.html": "forms/div.html"}

    def get_template(self, template_name):
        return super().get_template(self.aliases.get(template_name, template_name))


def with_blank(choices, label=None) -> list:
    """Choices the user must make, headed by an empty "— Chọn —": nothing is
    preselected, and leaving it is an error that names the field."""
    return [("", label or CHOOSE), *choices]
