"""Legal holds: placed and released by inspectors or administrators over the case's
unit (and superusers); each is a row that keeps who, when and why."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organization import permissions
from organization.models import Person, Role
from privacy.models import LegalHold
from violations.models import Report


def may_hold(user, report: Report) -> bool:
    return permissions.covers(user, report.unit, Role.INSPECTOR, Role.ADMINISTRATOR)


def hold_place(*, report: Report, by: Person, reason: str) -> LegalHold:
    """Keep the case (its files and audit rows too) from the purge until released.
    One open hold per case, which the database enforces."""
    if not may_hold(by, report):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Hãy ghi lý do giữ lại hồ sơ (thanh tra, khiếu nại, vụ án…)."))
    try:
        with transaction.atomic():
            return LegalHold.objects.create(
                report=report, target=f"violations.report:{report.pk}", reason=reason.strip(), placed_by=by
            )
    except IntegrityError:
        raise ValidationError(_("Hồ sơ #%(id)s đang được giữ lại.") % {"id": report.pk}) from None


def hold_release(*, hold: LegalHold, by: Person) -> LegalHold:
    """Release an open hold; the purge may then delete the case when its period ends."""
    if hold.report is None or not may_hold(by, hold.report):
        raise PermissionDenied
    released = LegalHold.objects.filter(pk=hold.pk, released_at__isnull=True).update(
        released_at=timezone.now(), released_by=by
    )
    if not released:
        raise ValidationError(_("Lệnh giữ lại này đã được gỡ."))
    hold.refresh_from_db()
    return hold
