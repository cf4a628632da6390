"""Password links: allauth's reset-key flow checks both kinds of token here.

A reset token (asked for on the log-in page) lives PASSWORD_RESET_TIMEOUT; an
invitation token (sent when a person is created) lives INVITATION_DAYS. Both hash
the password and the last log-in, so either dies as soon as a password is set, and
the address, so a changed address kills the links sent to the old one. Settings:
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR points at `ResetOrInvitationTokenGenerator`.

This module imports nothing from allauth: allauth imports it while loading its forms."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class _AddressAwareTokenGenerator(PasswordResetTokenGenerator):
    def _make_hash_value(self, user, timestamp) -> str:
        return super()._make_hash_value(user, timestamp) + "|" + (user.email or "").lower()

    def lifetime_seconds(self) -> int:
        return settings.PASSWORD_RESET_TIMEOUT

    def check_token(self, user, token) -> bool:
        # Django's check with the lifetime of this kind of link, and never for a
        # person who may not log in.
        if not (user and token) or not user.is_active:
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return 0 <= self._num_seconds(self._now()) - ts <= self.lifetime_seconds()


class InvitationTokenGenerator(_AddressAwareTokenGenerator):
    key_salt = "organization.tokens.InvitationTokenGenerator"

    def lifetime_seconds(self) -> int:
        return settings.INVITATION_DAYS * 24 * 3600


class ResetOrInvitationTokenGenerator(_AddressAwareTokenGenerator):
    """Makes reset tokens; accepts a reset token or an invitation token."""

    key_salt = "organization.tokens.ResetTokenGenerator"

    def check_token(self, user, token) -> bool:
        return super().check_token(user, token) or invitation_tokens.check_token(user, token)


invitation_tokens = InvitationTokenGenerator()
