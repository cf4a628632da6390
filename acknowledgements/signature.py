"""The password given as an electronic signature on an acknowledgement, limited like
the log-in by core/throttle.py: after ACK_SIGNATURE_MAX_FAILURES wrong passwords
the account waits ACK_SIGNATURE_WINDOW_MINUTES before the next try, and each
further wrong one doubles the wait (up to a day). The count is in the database, so
the limit holds across processes and workers and when Redis is down."""

import math

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.throttle import throttle_clear, throttle_failure, throttle_wait
from organization.models import Person

MAX_WAIT_SECONDS = 24 * 3600


def _key(person: Person) -> str:
    return f"ack-signature:{person.pk}"


def _locked_error(seconds: int) -> ValidationError:
    minutes = max(1, math.ceil(seconds / 60))
    return ValidationError(
        _("Đồng chí đã nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.") % {"minutes": minutes},
        code="signature_locked",
    )


def signature_check(*, person: Person, password: str) -> None:
    """Accept `password` as `person`'s signature or raise ValidationError. Guarantees:
    while the account has to wait, no password is checked at all (the message says
    how many minutes are left); every wrong password is counted, in its own commit,
    before the error is raised, and two at once are counted one after the other
    (core.throttle locks the account's row); a right password clears the count."""
    key = _key(person)
    if wait := throttle_wait(key):
        raise _locked_error(wait)
    stored = Person.objects.filter(pk=person.pk).values_list("password", flat=True).first() or ""
    if check_password(password or "", stored):
        throttle_clear(key)
        return
    wait = throttle_failure(
        key,
        after=settings.ACK_SIGNATURE_MAX_FAILURES,
        base=settings.ACK_SIGNATURE_WINDOW_MINUTES * 60,
        maximum=MAX_WAIT_SECONDS,
    )
    if wait:
        raise _locked_error(wait)
    raise ValidationError(_("Mật khẩu không đúng."), code="signature_wrong")
