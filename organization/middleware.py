from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from organization import permissions

# Pages a person must still reach while setting up or passing their second factor.
_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz")


def session_passed_mfa(request) -> bool:
    """Did this session pass a second factor (at log-in, at re-authentication, or by
    entering a code while enrolling)? allauth records each method in the session."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


class RequireMFAMiddleware:
    """For holders of the roles in MFA_REQUIRED_ROLES (and superusers): without an
    authenticator, every page sends them to the TOTP set-up; with one, every page
    needs a session that passed it. A password alone, from any log-in form, is never
    enough."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.MFA_REQUIRED_ROLES
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and request.user.is_authenticated
            and permissions.has_role(request.user, *settings.MFA_REQUIRED_ROLES)
            and not session_passed_mfa(request)
        ):
            if not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
                messages.warning(
                    request, _("Vai trò của bạn yêu cầu xác thực hai lớp. Hãy thiết lập ứng dụng xác thực để tiếp tục.")
                )
                return redirect("mfa_activate_totp")
            messages.warning(request, _("Hãy nhập mã xác thực hai lớp để tiếp tục."))
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
