from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organization.models import Person, Unit
from social.forms.fields import PLATFORM_CHOICES, LocalDateTimeField
from social.models import IncidentKind, IncidentState, IncidentStep, OfficialAccount

YES_NO = [("", _("— Chọn —")), ("yes", _("Có")), ("no", _("Không"))]


class YesNoField(forms.TypedChoiceField):
    """A yes/no the user must answer: nothing preselected."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", YES_NO)
        kwargs.setdefault("coerce", lambda value: value == "yes")
        kwargs.setdefault("error_messages", {"required": _("Hãy chọn Có hoặc Không.")})
        super().__init__(*args, **kwargs)


class PersonEmailsField(forms.CharField):
    """People named by their e-mail addresses, one a line or separated by commas."""

    def clean(self, value):
        value = super().clean(value)
        emails = [item.strip().lower() for item in value.replace(",", "\n").splitlines() if item.strip()]
        people = list(Person.objects.filter(email__in=emails, is_active=True))
        unknown = sorted(set(emails) - {p.email.lower() for p in people})
        if unknown:
            raise forms.ValidationError(
                _("Không có cán bộ đang công tác với e-mail: %(emails)s.") % {"emails": ", ".join(unknown)}
            )
        return people


class AccountForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"), queryset=Unit.objects.none(), empty_label=_("— Chọn đơn vị —"),
        error_messages={"required": _("Hãy chọn đơn vị sở hữu tài khoản.")},
    )  # fmt: skip
    platform = forms.ChoiceField(
        label=_("Nền tảng"), choices=PLATFORM_CHOICES, error_messages={"required": _("Hãy chọn nền tảng.")}
    )
    name = forms.CharField(
        label=_("Tên tài khoản, trang"),
        max_length=255,
        error_messages={"required": _("Hãy nhập tên tài khoản hoặc trang.")},
    )
    url = forms.URLField(
        label=_("Đường dẫn"), max_length=500, assume_scheme="https",
        error_messages={"required": _("Hãy nhập đường dẫn của tài khoản."), "invalid": _("Đường dẫn chưa đúng, ví dụ: https://www.facebook.com/tencoquan")},
    )  # fmt: skip
    purpose = forms.CharField(
        label=_("Mục đích sử dụng"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi mục đích sử dụng tài khoản.")},
    )
    admins = PersonEmailsField(
        label=_("Người quản trị tài khoản (e-mail, mỗi dòng một người)"), widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi e-mail của ít nhất một người quản trị tài khoản.")},
    )  # fmt: skip
    two_factor = YesNoField(label=_("Đã bật xác thực hai lớp?"))
    recovery_contacts = forms.CharField(
        label=_("Thông tin khôi phục (e-mail, số điện thoại khôi phục)"), widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi e-mail hoặc số điện thoại khôi phục tài khoản.")},
    )  # fmt: skip
    active = forms.BooleanField(label=_("Đang sử dụng"), required=False, initial=True)

    def __init__(self, *args, units, account: OfficialAccount | None = None, **kwargs):
        if account is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "unit": account.unit_id, "platform": account.platform, "name": account.name, "url": account.url,
                "purpose": account.purpose, "admins": "\n".join(account.admins.values_list("email", flat=True)),
                "two_factor": "yes" if account.two_factor else "no", "recovery_contacts": account.recovery_contacts,
                "active": account.active,
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if account is not None:
            self.fields["unit"].disabled = True
        else:
            del self.fields["active"]


class ReviewForm(forms.Form):
    two_factor = YesNoField(label=_("Xác thực hai lớp đang bật?"))
    admins_checked = YesNoField(label=_("Danh sách người quản trị còn đúng?"))
    recovery_checked = YesNoField(label=_("E-mail, số điện thoại khôi phục còn đúng và do đơn vị quản lý?"))
    note = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Sự việc"), choices=[("", _("— Chọn sự việc —")), *IncidentKind.choices],
        error_messages={"required": _("Hãy chọn sự việc.")},
    )  # fmt: skip
    official_account = forms.ModelChoiceField(
        label=_("Tài khoản chính thức của đơn vị (khi báo về tài khoản của đơn vị)"), queryset=OfficialAccount.objects.none(),
        required=False, empty_label=_("— Không phải tài khoản của đơn vị —"),
    )  # fmt: skip
    platform = forms.ChoiceField(
        label=_("Nền tảng"), choices=PLATFORM_CHOICES, error_messages={"required": _("Hãy chọn nền tảng.")}
    )
    account_name = forms.CharField(
        label=_("Tài khoản bị ảnh hưởng (tên hoặc đường dẫn)"), max_length=500,
        error_messages={"required": _("Hãy ghi tên hoặc đường dẫn của tài khoản.")},
    )  # fmt: skip
    what_happened = forms.CharField(
        label=_("Chuyện gì đã xảy ra"), widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Hãy kể ngắn gọn chuyện gì đã xảy ra.")},
    )  # fmt: skip
    noticed_at = LocalDateTimeField(
        label=_("Thời điểm phát hiện"),
        error_messages={
            "required": _("Hãy chọn thời điểm phát hiện."),
            "invalid": _("Ngày giờ chưa đúng; hãy chọn lại trên lịch."),
        },
    )
    links = forms.CharField(
        label=_("Đường dẫn liên quan (mỗi dòng một đường dẫn)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    breaks_law = forms.BooleanField(label=_("Tài khoản đã đăng nội dung vi phạm pháp luật"), required=False)

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["official_account"].queryset = accounts
        if not accounts.exists():
            del self.fields["official_account"]

    def clean_noticed_at(self):
        noticed_at = self.cleaned_data["noticed_at"]
        if noticed_at > timezone.now():
            raise forms.ValidationError(_("Thời điểm phát hiện không được ở tương lai."))
        return noticed_at

    def clean(self):
        data = super().clean()
        if data.get("kind", "").startswith("official") and not data.get("official_account"):
            self.add_error(
                "official_account" if "official_account" in self.fields else "kind",
                _("Hãy chọn tài khoản chính thức của đơn vị."),
            )
        return data


class StepForm(forms.Form):
    step = forms.ChoiceField(choices=IncidentStep.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class ResolveForm(forms.Form):
    to = forms.ChoiceField(
        label=_("Kết quả"),
        choices=[("", _("— Chọn kết quả —")), *[(v, label) for v, label in IncidentState.choices if v != "open"]],
        error_messages={"required": _("Hãy chọn kết quả.")},
    )
    note = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ContactsForm(forms.Form):
    hotline = forms.CharField(label=_("Đường dây nóng"), max_length=40, required=False)
    email = forms.EmailField(
        label=_("E-mail tiếp nhận phản ánh"),
        required=False,
        error_messages={"invalid": _("E-mail chưa đúng; hãy kiểm tra lại.")},
    )
    inspectorate = forms.CharField(label=_("Cơ quan thanh tra, tổ kiểm tra tiếp nhận"), max_length=255, required=False)
