from django.contrib import admin

from organization.admin import ScopedAdminMixin
from social.models import PostingDelegate


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
