from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import sends
from organization import permissions, selectors, services
from organization.invitations import INVITATION
from organization.models import Person, Role, RoleGrant, StaffKind, Unit


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


class ReadOnlyForAdministrators:
    """A trail that administrators read and nobody edits in the admin."""

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


class NamedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete box, named for screen readers: select2 labels its combobox
    with the box's own text, which is empty until a value is chosen, so the empty box
    shows (and is named by) "Chọn <field>"."""

    def __init__(self, *args, placeholder: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.placeholder = placeholder

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = str(self.placeholder)
        return attrs


class NamedFieldsMixin:
    """Every control of a grant named for screen readers (axe: label, select-name,
    aria-input-field-name): a tabular inline shows its labels only as column headers."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = NamedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using"),
                placeholder=_("Chọn %(field)s") % {"field": db_field.verbose_name},
            )  # fmt: skip
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(self, admin.options.InlineModelAdmin):
            widget = getattr(formfield.widget, "widget", formfield.widget)
            widget.attrs.setdefault("aria-label", str(db_field.verbose_name).capitalize())
        return formfield


class RoleGrantFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = _("Thu hồi vai trò này")


class RoleGrantInline(NamedFieldsMixin, admin.TabularInline):
    """The person's grants that the editor covers; others are not shown. The parent
    PersonAdmin writes them through the services (save_formset)."""

    model = RoleGrant
    formset = RoleGrantFormSet
    extra = 0
    fields = ["role", "unit", "granted_at"]
    readonly_fields = ["granted_at"]
    autocomplete_fields = ["unit"]

    def get_queryset(self, request):
        scope = permissions.scope_q(request.user, Role.ADMINISTRATOR, path_field="unit__path")
        return super().get_queryset(request).filter(scope)

    def has_add_permission(self, request, obj=None):
        return obj is None or permissions.may_change_person(request.user, obj)

    has_change_permission = has_delete_permission = has_add_permission

    def has_view_permission(self, request, obj=None):
        return permissions.has_role(request.user, Role.ADMINISTRATOR)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = selectors.units_visible_to(request.user, Role.ADMINISTRATOR)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp CSV"),
        error_messages={
            "required": gettext_lazy("Chọn tệp CSV danh sách cán bộ (có thể tải tệp mẫu ở trên)."),
            "empty": gettext_lazy("Tệp đã chọn trống; hãy chọn tệp CSV có danh sách cán bộ."),
        },
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "Tôi đã kiểm tra: những dòng trùng e-mail nhưng khác tên hoặc đơn vị đúng là cùng một người."
        ),
        required=False,
    )


def _write_grants(request, person: Person, formset) -> None:
    """Apply an inline formset of grants through the services, which check the unit
    and the person again and audit each change."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.forms:
        if not form.has_changed() and not (formset.can_delete and formset._should_delete_form(form)):
            continue
        old = RoleGrant.objects.filter(pk=form.instance.pk).first() if form.instance.pk else None
        if old is not None:
            services.role_revoke(person=person, role=old.role, unit=old.unit, by=request.user)
        if formset._should_delete_form(form):
            if old is not None:
                formset.deleted_objects.append(old)
            continue
        data = form.cleaned_data
        grant = services.role_grant(person=person, role=data["role"], unit=data["unit"], by=request.user)
        (formset.changed_objects.append((grant, form.changed_data)) if old else formset.new_objects.append(grant))


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
    actions = ["send_invitations"]

    @admin.action(description=gettext_lazy("Gửi lại thư mời đặt mật khẩu"), permissions=["change"])
    def send_invitations(self, request, queryset):
        result = services.invitations_send(people=queryset.select_related("unit"), by=request.user)
        if result.queued:
            messages.success(request, _("Đã xếp lịch gửi thư mời cho %(count)d người.") % {"count": len(result.queued)})
        if result.not_needed:
            messages.info(
                request,
                _("Không gửi cho %(count)d người đã đăng nhập, ngừng hoạt động hoặc không có e-mail: %(names)s.")
                % {"count": len(result.not_needed), "names": ", ".join(str(p) for p in result.not_needed)},
            )
        if result.refused:
            messages.error(
                request,
                _("Không gửi cho %(count)d người ngoài phạm vi quản lý của bạn: %(names)s.")
                % {"count": len(result.refused), "names": ", ".join(str(p) for p in result.refused)},
            )
        if result.queued:
            # The page that counts the invitations as they go out, then back to the list.
            run = sends.latest_run_of(kind=INVITATION, by=request.user)
            back = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('core:outbox_run', args=[run])}?{back}")

    def get_queryset(self, request):
        people = super().get_queryset(request)
        return people if permissions.is_superuser(request.user) else people.filter(is_superuser=False)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self._allowed(request)
        return permissions.may_change_person(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        # People are deactivated, never deleted: their history must stay.
        return False

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in self.fields if name in form.cleaned_data}
        if change:
            original = Person.objects.get(pk=obj.pk)
            changed = {name: values[name] for name in form.changed_data if name in values}
            services.person_update(person=original, by=request.user, **changed)
            return
        # New people choose a password through the reset e-mail.
        person = services.person_create(by=request.user, **values)
        obj.pk, obj.password, obj._state.adding, obj._state.db = person.pk, person.password, False, person._state.db

    def save_formset(self, request, form, formset, change):
        if formset.model is RoleGrant:
            _write_grants(request, form.instance, formset)
        else:
            super().save_formset(request, form, formset, change)

    def get_urls(self):
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="organization_person_import"),
            path(
                "import/sample.csv",
                self.admin_site.admin_view(self.import_sample),
                name="organization_person_import_sample",
            ),
        ]
        return extra + super().get_urls()

    def import_sample(self, request):
        """A file the import accepts as it is: the header and two people in the first
        unit this administrator manages, one per common staff kind."""
        if not self._allowed(request):
            return redirect("admin:index")
        unit = selectors.units_visible_to(request.user, Role.ADMINISTRATOR).order_by("path").first()
        code = unit.code if unit else "MA-DON-VI"
        rows = [
            ",".join(services.REQUIRED_COLUMNS) + ",active",
            f"nguyen.van.a@example.gov.vn,Nguyễn Văn A,Chuyên viên,{StaffKind.CIVIL_SERVANT.value},{code},1",
            f"tran.thi.b@example.gov.vn,Trần Thị B,Nhân viên hợp đồng,{StaffKind.WORKER.value},{code},1",
        ]
        # The byte-order mark lets Excel open the UTF-8 file with its accents intact.
        response = HttpResponse("\ufeff" + "\r\n".join(rows) + "\r\n", content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="mau-nhap-can-bo.csv"'
        return response

    def import_view(self, request):
        if not self._allowed(request):
            return redirect("admin:index")
        form = StaffImportForm(
            request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
        )
        result = None
        if request.method == "POST" and form.is_valid():
            result = services.staff_import_csv(
                content=form.cleaned_data["file"].read(), by=request.user, confirm=form.cleaned_data["confirm"]
            )
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
            "staff_kinds": StaffKind.choices,
            "opts": self.model._meta,
        }
        return render(request, "admin/organization/person/import.html", context)


class RoleGrantForm(forms.ModelForm):
    by: Person | None = None

    class Meta:
        model = RoleGrant
        fields = ["person", "role", "unit"]

    def clean(self):
        data = super().clean()
        person, unit = data.get("person"), data.get("unit")
        if person and unit and not permissions.may_grant(self.by, person, unit):
            raise forms.ValidationError(
                _(
                    "Không thể cấp vai trò: người này giữ vai trò ngoài phạm vi quản lý của bạn, hoặc đơn vị nằm ngoài phạm vi."
                )
            )
        return data


@admin.register(RoleGrant)
class RoleGrantAdmin(NamedFieldsMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Grants are written only through the services, which check both the unit and the
    person and write the audit trail."""

    path_field = "unit__path"
    form = RoleGrantForm
    list_display = ["person", "role", "unit", "granted_at"]
    list_filter = ["role"]
    search_fields = ["person__full_name", "person__email", "unit__name"]
    autocomplete_fields = ["person", "unit"]

    def _may_write(self, request, obj) -> bool:
        return (
            obj is None
            and self._allowed(request)
            or (obj is not None and permissions.may_grant(request.user, obj.person, obj.unit))
        )

    def has_change_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type("ScopedRoleGrantForm", (form,), {"by": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Person:
            kwargs["queryset"] = selectors.people_visible_to(request.user, Role.ADMINISTRATOR)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            old = RoleGrant.objects.get(pk=obj.pk)
            services.role_revoke(person=old.person, role=old.role, unit=old.unit, by=request.user)
        grant = services.role_grant(person=obj.person, role=obj.role, unit=obj.unit, by=request.user)
        obj.pk, obj.granted_at, obj._state.adding = grant.pk, grant.granted_at, False

    def delete_model(self, request, obj):
        services.role_revoke(person=obj.person, role=obj.role, unit=obj.unit, by=request.user)

    def delete_queryset(self, request, queryset):
        for grant in queryset.select_related("person", "unit"):
            services.role_revoke(person=grant.person, role=grant.role, unit=grant.unit, by=request.user)
