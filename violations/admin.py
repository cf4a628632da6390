"""The admin of the law as data (rule sets and their rules) and of the working-day
calendar's yearly swaps. National rules: only administrators of a top-level unit
(and superusers) change them; every change is a RuleChange row (before and after,
field by field). Cases are not in the admin: a reporter's identity never shows here."""

from django.contrib import admin

from core import calendar
from core.models import CalendarDay
from organization import permissions
from organization.admin import ReadOnlyForAdministrators
from organization.models import Role, Unit
from violations import rules
from violations.models import Clock, DeferralCase, Measure, RuleChange, RuleSet, Severity


def national_administrator(user) -> bool:
    if permissions.is_superuser(user):
        return True
    return any(permissions.covers(user, root, Role.ADMINISTRATOR) for root in Unit.objects.get_root_nodes())


class NationalAdminMixin:
    def has_module_permission(self, request):
        return permissions.has_role(request.user, Role.ADMINISTRATOR)

    def has_view_permission(self, request, obj=None):
        return permissions.has_role(request.user, Role.ADMINISTRATOR)

    def has_add_permission(self, request, obj=None):
        return national_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return national_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # a rule cited by cases is never deleted; it is retired by date


class MeasureInline(NationalAdminMixin, admin.TabularInline):
    model = Measure
    extra = 0
    fields = ("staff_kind", "code", "label", "is_discipline", "position", "requires_management_post", "article",
              "article_confirmed", "note")  # fmt: skip


class SeverityInline(NationalAdminMixin, admin.TabularInline):
    model = Severity
    extra = 0


class DeferralCaseInline(NationalAdminMixin, admin.TabularInline):
    model = DeferralCase
    extra = 0


class ClockInline(NationalAdminMixin, admin.TabularInline):
    model = Clock
    extra = 0


@admin.register(RuleSet)
class RuleSetAdmin(NationalAdminMixin, admin.ModelAdmin):
    list_display = ("title", "basis", "in_force_from", "in_force_until", "staff_kinds", "selectable", "confirmed")
    inlines = [MeasureInline, SeverityInline, DeferralCaseInline, ClockInline]

    def save_model(self, request, obj, form, change):
        before = rules.snapshot(obj)
        super().save_model(request, obj, form, change)
        rules.rule_change_record(
            rule_set=obj, obj=obj, by=request.user, action="changed" if change else "added", before=before
        )

    def save_formset(self, request, form, formset, change):
        befores = {id(item): rules.snapshot(item) for item in formset.save(commit=False)}
        for item in formset.new_objects + [pair[0] for pair in formset.changed_objects]:
            before = befores.get(id(item), {})
            item.save()
            rules.rule_change_record(
                rule_set=form.instance, obj=item, by=request.user, action="changed" if before else "added",
                before=before,
            )  # fmt: skip
        formset.save_m2m()


@admin.register(RuleChange)
class RuleChangeAdmin(ReadOnlyForAdministrators, admin.ModelAdmin):
    list_display = ("at", "rule_set", "actor", "action", "target")
    readonly_fields = ("at", "rule_set", "actor", "action", "target", "changes")


# core.CalendarDay is administered here because core imports no app of ours (and so
# cannot ask organization who is an administrator).
@admin.register(CalendarDay)
class CalendarDayAdmin(NationalAdminMixin, admin.ModelAdmin):
    list_display = ("day", "kind", "note", "entered_by", "entered_at")
    list_filter = ("kind",)
    fields = ("day", "kind", "note")

    def has_delete_permission(self, request, obj=None):
        return national_administrator(request.user)

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
        calendar.forget_overrides()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        calendar.forget_overrides()
