from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from directives.models import Obligation
from organization import permissions
from organization.admin import ReadOnlyForAdministrators, ScopedAdminMixin
from organization.models import Role
from social.models import CheckQuestion, FlagTerm, PostingDelegate, SelfCheckTally


@admin.register(PostingDelegate)
class PostingDelegateAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: delegations are made and ended by heads on their page (audited)."""

    path_field = "unit__path"
    list_display = ["person", "unit", "granted_by", "granted_at", "revoked_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ObligationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obligation):
        directive = obligation.version.directive
        return f"{directive.code or directive.subject[:40]} – {obligation.label}. {obligation.text[:100]}"


@admin.register(CheckQuestion)
class CheckQuestionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Administrators turn the obligations of directives issued in their scope into
    plain questions for the self-check."""

    path_field = "obligation__version__directive__owner_unit__path"
    list_display = ["question", "obligation", "forbids_working_hours", "active"]
    list_filter = ["active", "forbids_working_hours"]

    def unit_of(self, obj):
        return obj.obligation.version.directive.owner_unit

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "obligation":
            scope = permissions.scope_q(
                request.user, Role.ADMINISTRATOR, path_field="version__directive__owner_unit__path"
            )
            queryset = (
                Obligation.objects.filter(scope, version__published_at__isnull=False)
                .select_related("version__directive")
                .order_by("version__directive_id", "version__number", "position")
            )
            return ObligationChoice(queryset=queryset, label=_("nhiệm vụ trong văn bản"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(FlagTerm)
class FlagTermAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The terms the self-check flags, for the administrator's units and below."""

    path_field = "unit__path"
    list_display = ["term", "kind", "unit", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["term"]


@admin.register(SelfCheckTally)
class SelfCheckTallyAdmin(ReadOnlyForAdministrators, admin.ModelAdmin):
    """The only trace of self-checks: a count per day, read-only."""

    list_display = ["day", "checks"]
