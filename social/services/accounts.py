"""The register of units' official accounts and their security reviews."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organization import permissions
from organization.models import Person, Role, Unit
from social import notices, selectors
from social.models import AccountEvent, AccountReview, OfficialAccount, Platform
from social.services.common import clean_text, required

FIELDS = ("platform", "name", "url", "purpose", "two_factor", "recovery_contacts")


def _validated(*, platform, name, url, purpose, two_factor, recovery_contacts) -> dict:
    if platform not in Platform.values:
        raise ValidationError(_("Hãy chọn nền tảng."))
    return {
        "platform": platform,
        "name": required(name, _("Hãy nhập tên tài khoản hoặc trang.")),
        "url": required(url, _("Hãy nhập đường dẫn của tài khoản.")),
        "purpose": required(purpose, _("Hãy ghi mục đích sử dụng tài khoản.")),
        "two_factor": bool(two_factor),
        "recovery_contacts": required(recovery_contacts, _("Hãy ghi e-mail hoặc số điện thoại khôi phục tài khoản.")),
    }


def _check_admins(unit: Unit, admins) -> list[Person]:
    admins = list(admins)
    if not admins:
        raise ValidationError(_("Hãy chọn ít nhất một người quản trị tài khoản."))
    outside = [p for p in admins if p.unit is None or not p.unit.path.startswith(unit.path[: unit.steplen])]
    if outside:
        raise ValidationError(_("Người quản trị tài khoản phải là cán bộ của cơ quan."))
    return admins


@transaction.atomic
def account_create(*, by: Person, unit: Unit, admins, **fields) -> OfficialAccount:
    """Register a unit's account. Only heads and administrators over the unit."""
    if not selectors.may_manage_account(by, unit):
        raise PermissionDenied
    values = _validated(**fields)
    if OfficialAccount.objects.filter(platform=values["platform"], url=values["url"]).exists():
        raise ValidationError(_("Tài khoản có đường dẫn này đã được đăng ký."))
    account = OfficialAccount.objects.create(unit=unit, **values)
    account.admins.set(_check_admins(unit, admins))
    AccountEvent.objects.create(account=account, kind=AccountEvent.Kind.CREATED, actor=by)
    return account


@transaction.atomic
def account_update(*, account: OfficialAccount, by: Person, admins, active: bool = True, **fields) -> OfficialAccount:
    """Change an account's entry; the history keeps each field before and after."""
    if not selectors.may_manage_account(by, account.unit):
        raise PermissionDenied
    values = _validated(**fields)
    admins = _check_admins(account.unit, admins)
    changes = {
        name: [str(getattr(account, name)), str(value)]
        for name, value in values.items()
        if getattr(account, name) != value
    }
    before_admins = sorted(account.admins.values_list("email", flat=True))
    after_admins = sorted(p.email for p in admins)
    if before_admins != after_admins:
        changes["admins"] = [", ".join(before_admins), ", ".join(after_admins)]
    retiring = account.active and not active
    for name, value in values.items():
        setattr(account, name, value)
    account.active = active
    account.save()
    account.admins.set(admins)
    if changes:
        AccountEvent.objects.create(account=account, kind=AccountEvent.Kind.CHANGED, actor=by, changes=changes)
    if retiring:
        AccountEvent.objects.create(account=account, kind=AccountEvent.Kind.RETIRED, actor=by)
    return account


@transaction.atomic
def account_review(
    *, account: OfficialAccount, by: Person, two_factor: bool, admins_checked: bool, recovery_checked: bool,
    note: str = "", on: datetime.date | None = None,
) -> AccountReview:  # fmt: skip
    """A head records a security review. It restarts the cadence and sets the
    account's two-step flag to what was found."""
    if not permissions.covers(by, account.unit, Role.UNIT_HEAD):
        raise PermissionDenied
    on = on or timezone.localdate()
    review = AccountReview.objects.create(
        account=account, reviewed_by=by, reviewed_on=on, two_factor=two_factor, admins_checked=admins_checked,
        recovery_checked=recovery_checked, note=clean_text(note),
    )  # fmt: skip
    OfficialAccount.objects.filter(pk=account.pk).update(last_reviewed_on=on, two_factor=two_factor)
    AccountEvent.objects.create(
        account=account, kind=AccountEvent.Kind.REVIEWED, actor=by,
        changes={"two_factor": two_factor, "admins_checked": admins_checked, "recovery_checked": recovery_checked},
    )  # fmt: skip
    account.refresh_from_db()
    return review


def account_review_pass(*, today: datetime.date) -> dict:
    """Claim the review reminders: SOCIAL_ACCOUNT_REMIND_DAYS_BEFORE days before an
    account's review is due ("soon") and once it is due ("due"), to the heads over
    its unit. Keyed per (account, due date, step, head), so each is claimed once
    whatever the number of passes, and a pass missed is made up by the next."""
    soon = today + datetime.timedelta(days=settings.SOCIAL_ACCOUNT_REMIND_DAYS_BEFORE)
    claimed = 0
    for account in OfficialAccount.objects.filter(active=True).select_related("unit").order_by("pk"):
        due = selectors.next_review_on(account)
        if due > soon:
            continue
        step = "due" if due <= today else "soon"
        claimed += len(notices.claim_account_review(account, due=due, step=step))
    return {"reminders": claimed}
