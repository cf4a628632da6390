"""allauth's account forms with messages that say what to enter (the portal's error
summary lists them, so "Trường này là bắt buộc." would say nothing there)."""

from allauth.account import forms as allauth_forms
from django.utils.translation import gettext_lazy as _

REQUIRED = {
    "login": _("Nhập địa chỉ thư điện tử của đồng chí."),
    "email": _("Nhập địa chỉ thư điện tử của đồng chí."),
    "password": _("Nhập mật khẩu."),
    "oldpassword": _("Nhập mật khẩu hiện tại."),
    "password1": _("Nhập mật khẩu mới."),
    "password2": _("Nhập lại mật khẩu mới."),
}


class _SaysWhatToEnter:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in REQUIRED:
                field.error_messages = {**field.error_messages, "required": REQUIRED[name]}


class LoginForm(_SaysWhatToEnter, allauth_forms.LoginForm):
    pass


class ChangePasswordForm(_SaysWhatToEnter, allauth_forms.ChangePasswordForm):
    pass


class ResetPasswordForm(_SaysWhatToEnter, allauth_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(_SaysWhatToEnter, allauth_forms.ResetPasswordKeyForm):
    pass
