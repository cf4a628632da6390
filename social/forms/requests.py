from django import forms
from django.utils.translation import gettext_lazy as _

from organization.models import Person, Unit
from social.forms.fields import PLATFORM_CHOICES, ImagesField, LocalDateTimeField


class PostRequestForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung dự kiến đăng"), widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Hãy nhập nội dung dự kiến đăng.")},
    )  # fmt: skip
    platform = forms.ChoiceField(
        label=_("Nền tảng"), choices=PLATFORM_CHOICES, error_messages={"required": _("Hãy chọn nền tảng sẽ đăng.")}
    )
    account = forms.CharField(
        label=_("Tài khoản hoặc trang sẽ đăng"), max_length=255,
        help_text=_("Tên hoặc đường dẫn của tài khoản, ví dụ: Trang Facebook của Chi cục."),
        error_messages={"required": _("Hãy ghi tài khoản hoặc trang sẽ đăng.")},
    )  # fmt: skip
    planned_at = LocalDateTimeField(
        label=_("Thời điểm dự kiến đăng"),
        error_messages={
            "required": _("Hãy chọn ngày giờ dự kiến đăng."),
            "invalid": _("Ngày giờ chưa đúng; hãy chọn lại trên lịch."),
        },
    )
    images = ImagesField(label=_("Ảnh kèm theo (PNG, JPEG, WebP)"))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        widget=forms.RadioSelect,
        choices=[
            ("approve", _("Cho phép đăng")),
            ("changes", _("Đề nghị chỉnh sửa")),
            ("decline", _("Không cho phép")),
        ],
        error_messages={"required": _("Hãy chọn một quyết định.")},
    )
    edited_text = forms.CharField(
        label=_("Nội dung được phép đăng (nếu đồng chí sửa lại)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Để trống nếu cho phép đúng nội dung đề nghị."),
    )
    note = forms.CharField(
        label=_("Ý kiến"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("Bắt buộc khi đề nghị chỉnh sửa hoặc không cho phép."),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("decision") in ("changes", "decline") and not (data.get("note") or "").strip():
            self.add_error("note", _("Hãy ghi ý kiến: cần sửa gì, hoặc vì sao không cho phép."))
        return data


class DelegateForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"), queryset=Unit.objects.none(), empty_label=_("— Chọn đơn vị —"),
        error_messages={"required": _("Hãy chọn đơn vị được ủy quyền.")},
    )  # fmt: skip
    email = forms.EmailField(
        label=_("E-mail của người được ủy quyền"),
        error_messages={"required": _("Hãy nhập e-mail của người được ủy quyền."), "invalid": _("E-mail chưa đúng.")},
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        self.person = Person.objects.filter(email__iexact=email, is_active=True, unit__isnull=False).first()
        if self.person is None:
            raise forms.ValidationError(_("Không có cán bộ đang công tác với e-mail này."))
        return email
