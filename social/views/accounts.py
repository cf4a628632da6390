from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organization import permissions
from organization.models import Role
from organization.selectors import units_visible_to
from social import selectors, services
from social.forms.accounts import AccountForm, ReviewForm
from social.views.common import errors_to, no_store

# The review form shares field names with the edit form on the same page: its own ids.
REVIEW_IDS = "id_review_%s"


def _managed_units(user):
    return units_visible_to(user, Role.UNIT_HEAD, Role.ADMINISTRATOR)


@login_required
def account_list(request):
    accounts = selectors.with_review_status(selectors.accounts_visible_to(request.user).order_by("unit__path", "name"))
    context = {
        "accounts": accounts,
        "may_add": permissions.has_role(request.user, Role.UNIT_HEAD, Role.ADMINISTRATOR),
        "is_inspector": permissions.has_role(request.user, Role.INSPECTOR),
    }
    return no_store(render(request, "social/account_list.html", context))


def _fields(data):
    return {name: value for name, value in data.items() if name not in ("unit", "admins", "active")}


@login_required
def account_new(request):
    if not permissions.has_role(request.user, Role.UNIT_HEAD, Role.ADMINISTRATOR):
        raise PermissionDenied
    form = AccountForm(request.POST if request.method == "POST" else None, units=_managed_units(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.account_create(
                by=request.user, unit=data["unit"], admins=data["admins"], **_fields(data)
            )
        except ValidationError as exc:
            errors_to(form, exc)
        else:
            messages.success(request, _("Đã đăng ký tài khoản."))
            return redirect("social:account", pk=account.pk)
    return no_store(render(request, "social/account_form.html", {"form": form}))


def _detail(request, account, *, form=None, review_form=None, status=200):
    user = request.user
    may_manage = selectors.may_manage_account(user, account.unit)
    may_review = selectors.may_review_account(user, account.unit)
    [account] = selectors.with_review_status([account])
    context = {
        "account": account,
        "admins": account.admins.order_by("full_name"),
        "reviews": account.reviews.select_related("reviewed_by")[:20],
        "events": account.events.select_related("actor").order_by("-id")[:50],
        "form": form or (AccountForm(units=_managed_units(user), account=account) if may_manage else None),
        "review_form": review_form or (ReviewForm(auto_id=REVIEW_IDS) if may_review else None),
    }
    return no_store(render(request, "social/account_detail.html", context, status=status))


@login_required
def account_detail(request, pk):
    account = selectors.get_account_for(request.user, pk)
    if request.method == "POST":
        account = selectors.get_account_for(request.user, pk, manage=True)
        form = AccountForm(request.POST, units=_managed_units(request.user), account=account)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.account_update(
                    account=account, by=request.user, admins=data["admins"], active=data["active"], **_fields(data)
                )
            except ValidationError as exc:
                errors_to(form, exc)
            else:
                messages.success(request, _("Đã lưu thay đổi."))
                return redirect("social:account", pk=pk)
        return _detail(request, account, form=form, status=400)
    return _detail(request, account)


@login_required
@require_POST
def account_review(request, pk):
    account = selectors.get_account_for(request.user, pk, review=True)
    form = ReviewForm(request.POST, auto_id=REVIEW_IDS)
    if form.is_valid():
        services.account_review(account=account, by=request.user, **form.cleaned_data)
        messages.success(request, _("Đã ghi kết quả rà soát."))
        return redirect("social:account", pk=pk)
    return _detail(request, account, review_form=form, status=400)


@login_required
def oversight(request):
    if not permissions.has_role(request.user, Role.INSPECTOR):
        raise PermissionDenied
    return no_store(render(request, "social/oversight.html", {"units": selectors.oversight_for(request.user)}))
