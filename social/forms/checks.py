from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from social.forms.fields import LocalDateTimeField


class SelfCheckForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung bài viết dự định đăng"), widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Hãy dán nội dung bài viết cần kiểm tra.")},
    )  # fmt: skip
    at = LocalDateTimeField(
        label=_("Thời điểm dự định đăng (để trống nếu đăng ngay)"), required=False,
        error_messages={"invalid": _("Ngày giờ chưa đúng; hãy chọn lại trên lịch hoặc để trống.")},
    )  # fmt: skip

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text) > settings.SOCIAL_CHECK_MAX_CHARS:
            raise forms.ValidationError(
                _("Bài viết dài quá %(limit)s ký tự; hãy kiểm tra từng phần.")
                % {"limit": settings.SOCIAL_CHECK_MAX_CHARS}
            )
        return text
