from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.db import DatabaseError
from django.utils.translation import gettext as _

from core.http import client_ip
from core.throttle import throttle_clear, throttle_failure, throttle_wait


def _login_key(credentials) -> str:
    return "login:" + str(credentials.get("email") or credentials.get("username") or "").strip().lower()


def wait_message(seconds: int) -> str:
    return _("Tài khoản này vừa nhập sai mật khẩu nhiều lần. Hãy thử lại sau %(seconds)d giây.") % {"seconds": seconds}


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from the organisation (admin or staff import), never from sign-up.
    Failed log-ins slow down the account they target (core/throttle.py) on top of
    allauth's generous per-address limit; the address is the client's, not a proxy's."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        return client_ip(request) or "0.0.0.0"

    def pre_authenticate(self, request, **credentials) -> None:
        super().pre_authenticate(request, **credentials)
        wait = throttle_wait(_login_key(credentials))
        if wait:
            self._rollback_login_failed_rl_usage()
            raise forms.ValidationError(wait_message(wait))

    def authenticate(self, request, **credentials):
        try:
            user = super().authenticate(request, **credentials)
        except DatabaseError:
            # An outage is not a wrong password: give back the attempt it cost.
            self._rollback_login_failed_rl_usage()
            raise
        if user is not None:
            throttle_clear(_login_key(credentials))
        return user

    def authentication_failed(self, request, **credentials) -> None:
        throttle_failure(
            _login_key(credentials),
            after=settings.LOGIN_DELAY_AFTER,
            base=settings.LOGIN_DELAY_SECONDS,
            maximum=settings.LOGIN_DELAY_MAX_SECONDS,
        )
