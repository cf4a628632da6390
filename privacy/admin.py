"""The purge's trail, read-only for administrators: each pass and what it left of
what it deleted. Holds are placed on their page (privacy/views.holds)."""

from django.contrib import admin

from organization import permissions
from organization.models import Role
from privacy.models import PurgeRun, Tombstone


class ReadOnlyForAdministrators(admin.ModelAdmin):
    def has_module_permission(self, request):
        return permissions.has_role(request.user, Role.ADMINISTRATOR)

    def has_view_permission(self, request, obj=None):
        return permissions.has_role(request.user, Role.ADMINISTRATOR)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PurgeRun)
class PurgeRunAdmin(ReadOnlyForAdministrators):
    list_display = ("day", "at", "result")


@admin.register(Tombstone)
class TombstoneAdmin(ReadOnlyForAdministrators):
    list_display = ("deleted_at", "kind", "ref", "count", "ended_on", "reason")
    list_filter = ("kind",)
