"""The purge's trail, read-only for administrators: each pass and what it left of
what it deleted. Holds are placed on their page (privacy/views.holds)."""

from django.contrib import admin

from organization.admin import ReadOnlyForAdministrators
from privacy.models import PurgeRun, Tombstone


@admin.register(PurgeRun)
class PurgeRunAdmin(ReadOnlyForAdministrators, admin.ModelAdmin):
    list_display = ("day", "at", "result")


@admin.register(Tombstone)
class TombstoneAdmin(ReadOnlyForAdministrators, admin.ModelAdmin):
    list_display = ("deleted_at", "kind", "ref", "count", "ended_on", "reason")
    list_filter = ("kind",)
