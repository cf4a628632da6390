from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from organization import permissions
from organization.models import Role
from organization.selectors import units_visible_to
from social import selectors, services
from social.forms.accounts import ContactsForm
from social.models import UnitContacts
from social.views.common import errors_to


@login_required
def contact_list(request):
    """The person's own unit's contacts, and those of every unit they may set."""
    user = request.user
    units = list(units_visible_to(user, Role.ADMINISTRATOR, Role.UNIT_HEAD)[:500])
    rows = [{"unit": unit, "contacts": selectors.effective_contacts(unit)} for unit in units]
    context = {"mine": selectors.effective_contacts(user.unit), "rows": rows}
    return render(request, "social/contact_list.html", context)


@login_required
def contact_edit(request, unit_pk):
    unit = selectors.get_contacts_unit_for(request.user, unit_pk)
    own = UnitContacts.objects.filter(unit=unit).first()
    initial = {name: getattr(own, name) for name in ("hotline", "email", "inspectorate")} if own else {}
    form = ContactsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contacts_set(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to(form, exc)
        else:
            messages.success(request, _("Đã lưu đầu mối tiếp nhận phản ánh."))
            return redirect("social:contacts")
    context = {
        "unit": unit,
        "form": form,
        "inherited": selectors.effective_contacts(unit),
        "is_admin": permissions.covers(request.user, unit, Role.ADMINISTRATOR),
    }
    return render(request, "social/contact_edit.html", context)
