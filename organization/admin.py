from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organization import permissions, selectors, services
from organization.models import Person, Role, RoleGrant, Unit
from organization.signals import membership_changed


class ScopedAdminMixin:
    """Administrators manage only what lies under their administrator grants."""

    path_field = "path"

    def get_queryset(self, request):
        scope = permissions.scope_q(request.user, Role.ADMINISTRATOR, path_field=self.path_field)
        return super().get_queryset(request).filter(scope)

    def unit_of(self, obj) -> Unit | None:
        return obj.unit

    def _allowed(self, request, obj=None) -> bool:
        if obj is None:
            return permissions.has_role(request.user, Role.ADMINISTRATOR)
        return permissions.covers(request.user, self.unit_of(obj), Role.ADMINISTRATOR)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Unit:
            kwargs["queryset"] = selectors.units_visible_to(request.user, Role.ADMINISTRATOR)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class UnitForm(forms.ModelForm):
    parent = forms.ModelChoiceField(queryset=Unit.objects.none(), label=gettext_lazy("đơn vị cấp trên"))

    class Meta:
        model = Unit
        fields = ["name", "code"]

    def clean_parent(self):
        parent = self.cleaned_data["parent"]
        if self.instance.pk and parent.path.startswith(self.instance.path):
            raise forms.ValidationError(_("Không thể đặt đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó."))
        return parent


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Units as an indented list in tree order. Administrators add and move units
    only inside their own subtree, so every unit they touch needs a parent there."""

    form = UnitForm
    list_display = ["indented_name", "code"]
    search_fields = ["name", "code"]
    ordering = ["path"]

    def unit_of(self, obj):
        return obj

    @admin.display(description=gettext_lazy("tên đơn vị"), ordering="path")
    def indented_name(self, obj):
        return "— " * (obj.depth - 1) + obj.name

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["parent"].queryset = selectors.units_visible_to(request.user, Role.ADMINISTRATOR)
        # Only a superuser may leave the parent empty and so create or keep a root.
        form.base_fields["parent"].required = not permissions.is_superuser(request.user)
        if obj is not None:
            form.base_fields["parent"].initial = Unit.objects.get_parent(obj)
        return form

    def save_model(self, request, obj, form, change):
        parent = form.cleaned_data.get("parent")
        if not change:
            created = services.unit_create(name=obj.name, code=obj.code, parent=parent)
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        obj.save()
        if parent and parent != Unit.objects.get_parent(obj):
            services.unit_move(unit=obj, parent=parent)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ["unit"]

    # The parent PersonAdmin has already checked the person is in scope.
    def has_add_permission(self, request, obj=None):
        return permissions.has_role(request.user, Role.ADMINISTRATOR)

    has_change_permission = has_delete_permission = has_view_permission = has_add_permission

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = selectors.units_visible_to(request.user, Role.ADMINISTRATOR)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StaffImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp CSV"))


@admin.register(Person)
class PersonAdmin(ScopedAdminMixin, admin.ModelAdmin):
    path_field = "unit__path"
    list_display = ["full_name", "email", "position", "staff_kind", "unit", "is_active"]
    list_filter = ["is_active", "staff_kind"]
    search_fields = ["full_name", "email"]
    list_select_related = ["unit"]
    fields = ["email", "full_name", "position", "staff_kind", "unit", "is_active"]
    inlines = [RoleGrantInline]
    change_list_template = "admin/organization/person/change_list.html"

    def has_delete_permission(self, request, obj=None):
        # People are deactivated, never deleted: their history must stay.
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()  # they choose one through the reset e-mail
        super().save_model(request, obj, form, change)
        if not change or {"unit", "is_active"} & set(form.changed_data):
            membership_changed.send(sender=Person, person=obj)

    def get_urls(self):
        extra = [path("import/", self.admin_site.admin_view(self.import_view), name="organization_person_import")]
        return extra + super().get_urls()

    def import_view(self, request):
        if not self._allowed(request):
            return redirect("admin:index")
        form = StaffImportForm(
            request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
        )
        result = None
        if request.method == "POST" and form.is_valid():
            result = services.staff_import_csv(content=form.cleaned_data["file"].read(), by=request.user)
            if result.ok:
                messages.success(
                    request,
                    _("Đã nhập: %(created)d cán bộ mới, %(updated)d cập nhật.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect("admin:organization_person_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "result": result,
            "title": _("Nhập cán bộ từ tệp CSV"),
            "opts": self.model._meta,
        }
        return render(request, "admin/organization/person/import.html", context)


@admin.register(RoleGrant)
class RoleGrantAdmin(ScopedAdminMixin, admin.ModelAdmin):
    path_field = "unit__path"
    list_display = ["person", "role", "unit", "granted_at"]
    list_filter = ["role"]
    search_fields = ["person__full_name", "person__email", "unit__name"]
    autocomplete_fields = ["person", "unit"]
