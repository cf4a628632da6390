"""Log-in, log-out, password and MFA events into the audit trail."""

from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import password_changed, password_reset
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from core.audit import audit_record
from core.models import AuditAction


def _unit_path(user) -> str:
    unit = getattr(user, "unit", None)
    return getattr(unit, "path", "") or ""


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(
        action=AuditAction.LOGIN, actor=user, target=user.get_username(), unit_path=_unit_path(user), request=request
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(
            action=AuditAction.LOGOUT,
            actor=user,
            target=user.get_username(),
            unit_path=_unit_path(user),
            request=request,
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    login = str(credentials.get("email") or credentials.get("username") or "")[:255].lower()
    person = get_user_model().objects.filter(email__iexact=login).select_related("unit").first() if login else None
    audit_record(action=AuditAction.LOGIN_FAILED, target=login, unit_path=_unit_path(person), request=request)


@receiver(authenticator_added)
def _mfa_added(sender, request, user, authenticator, **kwargs):
    # Enrolling means typing a valid code in this session: it has passed the second
    # factor, as allauth would record at log-in (pages that require MFA check this).
    if request is not None and authenticator.type == "totp":
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True)
    audit_record(
        action=AuditAction.MFA_ADDED, actor=user, target=user.get_username(), unit_path=_unit_path(user),
        request=request, data={"type": authenticator.type},
    )  # fmt: skip


@receiver(authenticator_removed)
def _mfa_removed(sender, request, user, authenticator, **kwargs):
    audit_record(
        action=AuditAction.MFA_REMOVED, actor=user, target=user.get_username(), unit_path=_unit_path(user),
        request=request, data={"type": authenticator.type},
    )  # fmt: skip


@receiver(password_changed)
def _password_changed(sender, request, user, **kwargs):
    audit_record(
        action=AuditAction.PASSWORD_CHANGED,
        actor=user,
        target=user.get_username(),
        unit_path=_unit_path(user),
        request=request,
    )


@receiver(password_reset)
def _password_reset(sender, request, user, **kwargs):
    audit_record(
        action=AuditAction.PASSWORD_RESET,
        actor=user,
        target=user.get_username(),
        unit_path=_unit_path(user),
        request=request,
    )
