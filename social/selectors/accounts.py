import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from organization import permissions
from organization.models import Role, Unit
from social.models import OfficialAccount


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def next_review_on(account: OfficialAccount) -> datetime.date:
    """SOCIAL_ACCOUNT_REVIEW_MONTHS after the last review; an account never reviewed
    is due from the day it was registered."""
    if account.last_reviewed_on is None:
        return timezone.localdate(account.created_at)
    return add_months(account.last_reviewed_on, settings.SOCIAL_ACCOUNT_REVIEW_MONTHS)


def accounts_visible_to(user) -> QuerySet[OfficialAccount]:
    """Accounts of units under any of the user's roles, and those they administer."""
    if not user.is_authenticated:
        return OfficialAccount.objects.none()
    if permissions.is_superuser(user):  # scope_q gives Q() for them, which an OR would drop
        return OfficialAccount.objects.select_related("unit")
    scope = permissions.scope_q(user, path_field="unit__path") | Q(admins=user)
    return OfficialAccount.objects.filter(scope).distinct().select_related("unit")


def may_manage_account(user, unit: Unit) -> bool:
    return permissions.covers(user, unit, Role.UNIT_HEAD, Role.ADMINISTRATOR)


def may_review_account(user, unit: Unit) -> bool:
    return permissions.covers(user, unit, Role.UNIT_HEAD)


def get_account_for(user, pk: int, *, manage: bool = False, review: bool = False) -> OfficialAccount:
    account = accounts_visible_to(user).filter(pk=pk).first()
    if account is None:
        raise Http404
    if (manage and not may_manage_account(user, account.unit)) or (
        review and not may_review_account(user, account.unit)
    ):
        raise Http404
    return account


def with_review_status(accounts, *, today: datetime.date | None = None) -> list[OfficialAccount]:
    today = today or timezone.localdate()
    items = list(accounts)
    for account in items:
        account.next_review = next_review_on(account)
        account.review_overdue = account.next_review <= today
    return items


def oversight_for(user, *, today: datetime.date | None = None) -> list[dict]:
    """For inspectors: each unit in their scope with an active account that is due
    for review (never reviewed, or past the cadence) or has two-step verification
    off, with those accounts."""
    today = today or timezone.localdate()
    scope = permissions.scope_q(user, Role.INSPECTOR, path_field="unit__path")
    accounts = with_review_status(
        OfficialAccount.objects.filter(scope, active=True).select_related("unit").order_by("unit__path", "name"),
        today=today,
    )
    units: dict[int, dict] = {}
    for account in accounts:
        if account.review_overdue or not account.two_factor:
            entry = units.setdefault(account.unit_id, {"unit": account.unit, "accounts": []})
            entry["accounts"].append(account)
    return list(units.values())
