from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from organization import permissions

# Pages a person must still reach while setting up their second factor.
_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz")


class RequireMFAMiddleware:
    """Sends holders of the roles in MFA_REQUIRED_ROLES to the TOTP set-up page until
    they have an authenticator."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.MFA_REQUIRED_ROLES
            and user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and permissions.has_role(user, *settings.MFA_REQUIRED_ROLES)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request, _("Vai trò của bạn yêu cầu xác thực hai lớp. Hãy thiết lập ứng dụng xác thực để tiếp tục.")
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
