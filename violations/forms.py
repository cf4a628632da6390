from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.models import Directive, Obligation, Status
from directives.selectors import directives_visible_to
from organization.models import Person, Unit
from violations.models import Category, Outcome, Platform


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/png,image/jpeg,image/webp,application/pdf,video/mp4"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = [item for item in data if item] if isinstance(data, list | tuple) else [data] if data else []
        # Counted before any file is read; the service also counts the case's files.
        if len(items) > settings.EVIDENCE_MAX_FILES:
            raise forms.ValidationError(_("Gửi tối đa %(limit)s tệp mỗi lần.") % {"limit": settings.EVIDENCE_MAX_FILES})
        return [single(item, initial) for item in items]


class CaseFields(forms.Form):
    category = forms.ChoiceField(label=_("Loại vi phạm"), choices=Category.choices)
    platform = forms.ChoiceField(label=_("Nền tảng"), choices=Platform.choices)
    url = forms.URLField(label=_("Đường dẫn bài đăng"), required=False, max_length=500, assume_scheme="https")
    seen_at = forms.DateTimeField(
        label=_("Thời điểm phát hiện"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    description = forms.CharField(label=_("Mô tả"), widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label=_("Tệp chứng cứ (ảnh PNG/JPEG/WebP, PDF, video MP4)"))

    def clean_seen_at(self):
        seen_at = self.cleaned_data["seen_at"]
        if seen_at > timezone.now():
            raise forms.ValidationError(_("Thời điểm phát hiện không được ở tương lai."))
        return seen_at


class ObligationChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obligation):
        directive = obligation.version.directive
        return f"{directive.code or directive.subject[:40]} – {obligation.label}. {obligation.text[:90]}"


class ReportForm(CaseFields):
    subject_email = forms.EmailField(label=_("E-mail của người bị phản ánh"))
    directives = forms.ModelMultipleChoiceField(
        label=_("Văn bản bị vi phạm"),
        queryset=Directive.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    obligations = ObligationChoice(label=_("Nhiệm vụ bị vi phạm"), queryset=Obligation.objects.none(), required=False)
    confidential = forms.BooleanField(label=_("Đề nghị giữ bí mật danh tính của tôi"), required=False)

    field_order = [
        "subject_email", "category", "platform", "url", "seen_at", "description",
        "directives", "obligations", "files", "confidential",
    ]  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        published = directives_visible_to(user).filter(status=Status.PUBLISHED)
        self.fields["directives"].queryset = published
        self.fields["obligations"].queryset = (
            Obligation.objects.filter(version__directive__in=published, version__published_at__isnull=False)
            .select_related("version__directive")
            .order_by("version__directive_id", "version__number", "position")
        )

    def clean_subject_email(self):
        email = self.cleaned_data["subject_email"].strip().lower()
        person = Person.objects.filter(email__iexact=email, is_active=True, unit__isnull=False).first()
        if person is None:
            raise forms.ValidationError(_("Không có cán bộ đang công tác với e-mail này."))
        self.subject = person
        return email


class AnonymousReportForm(CaseFields):
    unit = forms.ModelChoiceField(label=_("Đơn vị của người bị phản ánh"), queryset=Unit.objects.order_by("path"))
    subject_description = forms.CharField(label=_("Họ tên, chức vụ của người bị phản ánh (nếu biết)"), max_length=255)
    subject_is_head = forms.BooleanField(
        label=_("Người bị phản ánh là thủ trưởng hoặc cấp phó của đơn vị này"),
        help_text=_("Khi đó phản ánh được chuyển lên thủ trưởng đơn vị cấp trên, không đến người bị phản ánh."),
        required=False,
    )

    field_order = [
        "unit", "subject_description", "subject_is_head", "category", "platform", "url", "seen_at", "description",
        "files",
    ]  # fmt: skip


class TransitionForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Ghi chú, lý do"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    outcome = forms.ChoiceField(label=_("Hình thức xử lý"), choices=[("", "—"), *Outcome.choices], required=False)


class TextForm(forms.Form):
    text = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Tệp đính kèm"))


class FollowUpForm(forms.Form):
    code = forms.CharField(label=_("Mã tiếp nhận"), max_length=16)
    secret = forms.CharField(label=_("Mã bí mật"), max_length=64, widget=forms.PasswordInput(render_value=False))
    text = forms.CharField(
        label=_("Gửi thêm thông tin (không bắt buộc)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
