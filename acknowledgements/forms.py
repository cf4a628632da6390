from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from acknowledgements.models import ImplementationReport
from organization.models import Unit

COMMITMENT = _("Tôi đã đọc, hiểu và cam kết thực hiện nghiêm túc các nội dung của văn bản này khi sử dụng mạng xã hội.")


class AcknowledgeForm(forms.Form):
    commitment = forms.BooleanField(label=COMMITMENT, error_messages={"required": _("Hãy đánh dấu cam kết.")})

    def __init__(self, *args, version, requires_password: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for question in version.questions.all():
            self.fields[f"q{question.position}"] = forms.TypedChoiceField(
                label=question.prompt,
                choices=list(enumerate(question.choices)),
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Hãy trả lời câu hỏi này.")},
            )
        if requires_password:
            self.fields["password"] = forms.CharField(
                label=_("Mật khẩu của bạn (chữ ký điện tử)"),
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            )

    def answers(self) -> dict[int, int]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items() if name.startswith("q")}


class LaunchForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(), label=_("Đơn vị áp dụng"), widget=forms.CheckboxSelectMultiple
    )
    include_subtree = forms.BooleanField(label=_("Gồm cả các đơn vị trực thuộc"), required=False, initial=True)
    due_on = forms.DateField(label=_("Hạn xác nhận"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    requires_password = forms.BooleanField(label=_("Yêu cầu xác nhận bằng mật khẩu"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("Hạn xác nhận không được ở quá khứ."))
        return due_on


class ImplementationReportForm(forms.ModelForm):
    class Meta:
        model = ImplementationReport
        fields = ["method", "held_on", "attendees", "notes", "attachment"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
            # Not the clearable input: it links the stored file's path, which is never served.
            "attachment": forms.FileInput,
        }
        help_texts = {"attachment": _("Ảnh PNG, JPEG, WebP, tệp PDF hoặc video MP4 (biên bản, danh sách ký tên).")}
