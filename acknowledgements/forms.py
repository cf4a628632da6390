from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from acknowledgements.models import ImplementationReport
from core.forms import with_blank
from organization.models import Person, Unit

COMMITMENT = _("Tôi đã đọc, hiểu và cam kết thực hiện nghiêm túc các nội dung của văn bản này khi sử dụng mạng xã hội.")


class AcknowledgeForm(forms.Form):
    commitment = forms.BooleanField(
        label=COMMITMENT, error_messages={"required": _("Hãy đánh dấu cam kết: tôi đã đọc, hiểu và cam kết thực hiện.")}
    )

    def __init__(self, *args, version, requires_password: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for question in version.questions.all():
            self.fields[f"q{question.position}"] = forms.TypedChoiceField(
                label=question.prompt,
                choices=list(enumerate(question.choices)),
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Chọn câu trả lời cho câu hỏi: %(question)s") % {"question": question.prompt}
                },
            )
        if requires_password:
            self.fields["password"] = forms.CharField(
                label=_("Mật khẩu của bạn (chữ ký điện tử)"),
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                error_messages={"required": _("Nhập mật khẩu đăng nhập của bạn để ký xác nhận.")},
            )
        # The commitment comes last on the page: so it does in the error summary.
        self.fields["commitment"] = self.fields.pop("commitment")

    def mark_wrong(self, positions) -> None:
        """Tie "wrong answer" to each question answered wrongly, naming it."""
        for position in positions:
            name = f"q{position}"
            if name in self.fields:
                message = _("Câu trả lời cho câu hỏi “%(question)s” chưa đúng. Hãy đọc lại văn bản và chọn lại.")
                self.add_error(name, message % {"question": self.fields[name].label})

    def answers(self) -> dict[int, int]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items() if name.startswith("q")}


class UnitTreeChoice(forms.ModelMultipleChoiceField):
    """Units in tree order, each indented under its parent."""

    def label_from_instance(self, unit):
        return "— " * (unit.depth - self.top) + unit.name


class LaunchForm(forms.Form):
    units = UnitTreeChoice(
        queryset=Unit.objects.none(),
        label=_("Đơn vị áp dụng"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Chọn ít nhất một đơn vị áp dụng.")},
    )
    include_subtree = forms.BooleanField(label=_("Gồm cả các đơn vị trực thuộc"), required=False, initial=True)
    due_on = forms.DateField(
        label=_("Hạn xác nhận"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Nhập hạn xác nhận."),
            "invalid": _("Hạn xác nhận chưa đúng; hãy chọn lại trên lịch."),
        },
    )
    requires_password = forms.BooleanField(label=_("Yêu cầu xác nhận bằng mật khẩu"), required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units.order_by("path")
        self.fields["units"].top = min((unit.depth for unit in units), default=1)

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("Hạn xác nhận không được ở quá khứ."))
        return due_on


class ImplementationReportForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = with_blank(ImplementationReport.Method.choices)

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
        error_messages = {
            "method": {"required": _("Chọn hình thức triển khai.")},
            "held_on": {
                "required": _("Nhập ngày triển khai."),
                "invalid": _("Ngày chưa đúng; hãy chọn lại trên lịch."),
            },
        }


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, person):
        parts = [person.full_name, person.position, person.unit.name if person.unit else ""]
        return " – ".join(part for part in parts if part)


class MeetingForm(forms.Form):
    """Plan a session. The roster shown is that of the units in the query string
    (a GET form picks them, with a search box), so no script is needed."""

    campaigns = forms.MultipleChoiceField(
        label=_("Văn bản quán triệt"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Chọn ít nhất một văn bản quán triệt.")},
    )
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(), label=_("Đơn vị tham dự"), widget=forms.MultipleHiddenInput
    )
    held_at = forms.DateTimeField(
        label=_("Thời gian"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Nhập ngày giờ buổi quán triệt."),
            "invalid": _("Ngày giờ chưa đúng; hãy chọn lại trên lịch."),
        },
    )
    place = forms.CharField(
        label=_("Địa điểm"), max_length=200, error_messages={"required": _("Nhập địa điểm buổi quán triệt.")}
    )
    chair = forms.CharField(
        label=_("Người chủ trì"), max_length=150, error_messages={"required": _("Nhập họ tên người chủ trì.")}
    )
    people = PersonChoiceField(
        queryset=Person.objects.none(), label=_("Người tham dự"), required=False, widget=forms.CheckboxSelectMultiple
    )
    select_all = forms.BooleanField(label=_("Chọn tất cả cán bộ của các đơn vị đã chọn"), required=False)
    guests = forms.CharField(
        label=_("Khách mời (mỗi dòng một người: Họ và tên – chức vụ)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, campaigns, units, roster, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign_objects = {str(c.pk): c for c in campaigns}
        self.fields["campaigns"].choices = [
            (str(c.pk), f"{c.directive.code or ''} {c.directive.subject}".strip()) for c in campaigns
        ]
        self.fields["units"].queryset = units
        self.fields["people"].queryset = roster

    def clean_campaigns(self):
        return [self.campaign_objects[pk] for pk in self.cleaned_data["campaigns"]]

    def guest_list(self) -> list[tuple[str, str]]:
        found = []
        for line in self.cleaned_data.get("guests", "").splitlines():
            name, _sep, title = line.replace("–", "-").partition(" - ")
            if name.strip():
                found.append((name.strip(), title.strip()))
        return found


class MeetingRecordForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Người có mặt (theo danh sách ký tên)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    sheet = forms.FileField(
        label=_("Danh sách ký tên đã ký (bản chụp, ảnh hoặc PDF)"),
        widget=forms.FileInput,
        error_messages={"required": _("Hãy tải lên bản chụp danh sách ký tên.")},
    )
    minutes = forms.FileField(label=_("Biên bản hội nghị (không bắt buộc)"), required=False, widget=forms.FileInput)

    def __init__(self, *args, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (str(a.pk), a.person.full_name if a.person_id else f"{a.guest_name} ({_('khách mời')})") for a in attendees
        ]
        self.fields["present"].initial = [str(a.pk) for a in attendees if a.checked_in_at]

    def present_ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["present"]]


class CheckinOpenForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Mở điểm danh trong (phút)"),
        min_value=1,
        max_value=24 * 60,
        initial=30,
        error_messages={"required": _("Nhập số phút mở điểm danh."), "invalid": _("Nhập một số phút, ví dụ: 30.")},
    )


class OnBehalfForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do xác nhận thay"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Hãy ghi lý do xác nhận thay.")},
    )
    paper = forms.FileField(
        label=_("Bản chụp giấy xác nhận có chữ ký (ảnh hoặc PDF)"),
        widget=forms.FileInput,
        error_messages={"required": _("Hãy tải lên bản chụp giấy xác nhận có chữ ký của người này.")},
    )
