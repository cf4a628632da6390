"""The password given as an electronic signature on an acknowledgement, limited like
the log-in: ACK_SIGNATURE_MAX_FAILURES wrong passwords per account within
ACK_SIGNATURE_WINDOW_MINUTES lock the signature until the oldest of them leaves the
window. The failures are rows in the database, so the limit holds across processes
and workers and when Redis is down."""

import datetime
import math

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from acknowledgements.models import SignatureFailure
from organization.models import Person


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.ACK_SIGNATURE_WINDOW_MINUTES)


def _locked_error(unlock_at: datetime.datetime, now: datetime.datetime) -> ValidationError:
    minutes = max(1, math.ceil((unlock_at - now).total_seconds() / 60))
    return ValidationError(
        _("Đồng chí đã nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.") % {"minutes": minutes},
        code="signature_locked",
    )


def signature_check(*, person: Person, password: str) -> None:
    """Accept `password` as `person`'s signature or raise ValidationError. Guarantees:
    while the account has ACK_SIGNATURE_MAX_FAILURES failures in the window, no
    password is checked at all (the message says how many minutes to wait); every
    wrong password is stored before the error is raised, and two requests at once
    are counted one after the other (the person's row is locked); a right password
    clears the count."""
    limit = settings.ACK_SIGNATURE_MAX_FAILURES
    error = None
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True).first()
        now = timezone.now()
        SignatureFailure.objects.filter(person=person, at__lte=now - _window()).delete()
        recent = list(SignatureFailure.objects.filter(person=person).order_by("at").values_list("at", flat=True))
        if len(recent) >= limit:
            # Free again once the count in the window drops below the limit.
            raise _locked_error(recent[len(recent) - limit] + _window(), now)
        stored = Person.objects.filter(pk=person.pk).values_list("password", flat=True).first() or ""
        if check_password(password or "", stored):
            SignatureFailure.objects.filter(person=person).delete()
            return
        SignatureFailure.objects.create(person=person, at=now)
        recent.append(now)
        if len(recent) >= limit:
            error = _locked_error(recent[len(recent) - limit] + _window(), now)
        else:
            error = ValidationError(_("Mật khẩu không đúng."), code="signature_wrong")
    # Raised outside the block, so the failure just stored is committed.
    raise error
