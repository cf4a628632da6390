from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from the organisation (admin or staff import), never from sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False
