from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.forms import CHOOSE, with_blank
from directives.models import Directive, Obligation, Status
from directives.selectors import directives_visible_to
from organization import permissions
from organization.models import Person, Role, StaffKind, Unit
from organization.selectors import people_visible_to
from violations import selectors
from violations.models import Category, DeferralCase, Extension, Measure, Platform, Severity, State


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


URL_INVALID = _("Đường dẫn chưa đúng; hãy sao chép đường dẫn của bài đăng, ví dụ: facebook.com/…")


class CaseFields(forms.Form):
    category = forms.ChoiceField(
        label=_("Loại vi phạm"),
        choices=with_blank(Category.choices, _("— Chọn loại vi phạm —")),
        error_messages={"required": _("Chọn loại vi phạm.")},
    )
    platform = forms.ChoiceField(
        label=_("Nền tảng"),
        choices=with_blank(Platform.choices, _("— Chọn nền tảng —")),
        error_messages={"required": _("Chọn nền tảng.")},
    )
    url = forms.URLField(
        label=_("Đường dẫn bài đăng"), required=False, max_length=500, assume_scheme="https",
        error_messages={"invalid": URL_INVALID},
    )  # fmt: skip
    seen_at = forms.DateTimeField(
        label=_("Thời điểm phát hiện"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Nhập thời điểm phát hiện vi phạm."),
            "invalid": _("Thời điểm phát hiện chưa đúng; hãy chọn lại ngày giờ."),
        },
    )
    description = forms.CharField(
        label=_("Mô tả"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Mô tả vi phạm: ai, đăng gì, ở đâu.")},
    )
    files = MultipleFileField(label=_("Tệp chứng cứ (ảnh PNG/JPEG/WebP, PDF, video MP4)"))

    def clean_seen_at(self):
        seen_at = self.cleaned_data["seen_at"]
        if seen_at > timezone.now():
            raise forms.ValidationError(_("Thời điểm phát hiện không được ở tương lai."))
        return seen_at


class ObligationChoice(forms.ModelMultipleChoiceField):
    """A checklist grouped by directive, each obligation cut at a word, not mid-word."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obligation):
        return f"{obligation.label}. {Truncator(obligation.text).words(40)}"

    def group(self) -> None:
        groups: dict[tuple, list] = {}
        for obligation in self.queryset:
            version = obligation.version
            directive = version.directive
            title = f"{directive.code or directive.get_doc_type_display()} – {Truncator(directive.subject).words(16)}"
            if version.number > 1:
                title += " " + _("(phiên bản %(number)s)") % {"number": version.number}
            groups.setdefault((directive.pk, version.number, title), []).append(
                (obligation.pk, self.label_from_instance(obligation))
            )
        self.choices = [(title, items) for (_pk, _number, title), items in groups.items()]


class PersonPicker(forms.ModelChoiceField):
    """The people of a head's units, grouped by unit and sorted by name."""

    def label_from_instance(self, person):
        return " – ".join(part for part in (person.full_name, person.position) if part)

    def group(self) -> None:
        groups: dict[str, list] = {}
        for person in self.queryset:
            groups.setdefault(person.unit.name, []).append((person.pk, self.label_from_instance(person)))
        self.choices = [("", self.empty_label), *groups.items()]


class ReportForm(CaseFields):
    subject_email = forms.EmailField(
        label=_("E-mail của người bị phản ánh"),
        error_messages={
            "required": _("Nhập e-mail của người bị phản ánh."),
            "invalid": _("E-mail chưa đúng, ví dụ: nguyenvana@coquan.gov.vn."),
        },
    )
    directives = forms.ModelMultipleChoiceField(
        label=_("Văn bản bị vi phạm"),
        queryset=Directive.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    obligations = ObligationChoice(
        label=_("Nhiệm vụ bị vi phạm (đánh dấu các nhiệm vụ liên quan)"),
        queryset=Obligation.objects.none(),
        required=False,
    )
    confidential = forms.BooleanField(label=_("Đề nghị giữ bí mật danh tính của tôi"), required=False)

    field_order = [
        "person", "subject_email", "category", "platform", "url", "seen_at", "description",
        "directives", "obligations", "files", "confidential",
    ]  # fmt: skip
    # A unit head picks the person from their units (MonitoringForm has its own way).
    offers_people = True

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        published = directives_visible_to(user).filter(status=Status.PUBLISHED)
        self.fields["directives"].queryset = published
        self.fields["obligations"].queryset = (
            Obligation.objects.filter(version__directive__in=published, version__published_at__isnull=False)
            .select_related("version__directive")
            .order_by("version__directive_id", "version__number", "position")
        )
        self.fields["obligations"].group()
        self.subject = None
        if self.offers_people and permissions.has_role(user, Role.UNIT_HEAD):
            self._offer_people(user)

    def _offer_people(self, user) -> None:
        """A head reports as the reviewer: the person is picked from their units, an
        e-mail only for someone elsewhere, and there is no identity to keep secret."""
        people = (
            people_visible_to(user, Role.UNIT_HEAD)
            .filter(is_active=True, unit__isnull=False)
            .exclude(pk=user.pk)
            .select_related("unit")
            .order_by("unit__path", "full_name")
        )
        self.fields["person"] = PersonPicker(
            label=_("Người bị phản ánh (trong các đơn vị đồng chí phụ trách)"),
            queryset=people,
            required=False,
            empty_label=_("— Chọn người —"),
            error_messages={
                "invalid_choice": _(
                    "Người này không thuộc các đơn vị đồng chí phụ trách: chọn người trong danh sách, "
                    "hoặc nhập e-mail nếu người đó ở đơn vị khác."
                )
            },
            # static/js/select-filter.js adds a box above the list that narrows it
            # to the names containing what is typed; without it the list is whole.
            widget=forms.Select(
                attrs={
                    "data-filter": _("Lọc danh sách theo tên (gõ một phần của tên)"),
                    "data-filter-count": _("Số người khớp: {count}"),
                }
            ),
        )
        self.fields["person"].group()
        email = self.fields["subject_email"]
        email.required = False
        email.label = _("Hoặc e-mail của người bị phản ánh ở đơn vị khác")
        del self.fields["confidential"]
        self.order_fields(self.field_order)

    def clean_subject_email(self):
        email = self.cleaned_data["subject_email"].strip().lower()
        if not email and "person" in self.fields:
            return ""
        person = Person.objects.filter(email__iexact=email, is_active=True, unit__isnull=False).first()
        if person is None:
            raise forms.ValidationError(_("Không có cán bộ đang công tác với e-mail này."))
        self.subject = person
        return email

    def clean(self):
        cleaned = super().clean()
        if "person" in self.fields:
            picked = cleaned.pop("person", None)
            if picked is not None:
                self.subject = picked
            elif not cleaned.get("subject_email") and "subject_email" not in self.errors:
                self.add_error("person", _("Chọn người bị phản ánh, hoặc nhập e-mail nếu người đó ở đơn vị khác."))
        return cleaned


class AnonymousReportForm(CaseFields):
    unit = forms.ModelChoiceField(
        label=_("Đơn vị của người bị phản ánh"),
        queryset=Unit.objects.order_by("path"),
        empty_label=_("— Chọn đơn vị —"),
        error_messages={"required": _("Chọn đơn vị của người bị phản ánh.")},
    )
    subject_description = forms.CharField(
        label=_("Họ tên, chức vụ của người bị phản ánh (nếu biết)"), max_length=255, required=False
    )
    subject_is_head = forms.BooleanField(
        label=_("Người bị phản ánh là thủ trưởng hoặc cấp phó của đơn vị này"),
        help_text=_("Khi đó phản ánh được chuyển lên thủ trưởng đơn vị cấp trên, không đến người bị phản ánh."),
        required=False,
    )

    field_order = [
        "unit", "subject_description", "subject_is_head", "category", "platform", "url", "seen_at", "description",
        "files",
    ]  # fmt: skip


class MonitoringForm(ReportForm):
    """An inspector's case from their monitoring: the person by e-mail when known,
    otherwise described with their unit; only units under the inspector's grants."""

    subject_email = forms.EmailField(
        label=_("E-mail của người bị phản ánh (nếu biết)"),
        required=False,
        help_text=_("Khi có e-mail, đơn vị được lấy theo tài khoản của người đó."),
        error_messages={"invalid": _("E-mail chưa đúng, ví dụ: nguyenvana@coquan.gov.vn.")},
    )
    unit = forms.ModelChoiceField(
        label=_("Đơn vị của người bị phản ánh"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— Chọn đơn vị —"),
    )
    subject_description = forms.CharField(
        label=_("Họ tên, chức vụ của người bị phản ánh (khi không có e-mail)"), max_length=255, required=False
    )
    subject_is_head = forms.BooleanField(
        label=_("Người bị phản ánh là thủ trưởng hoặc cấp phó của đơn vị này"),
        help_text=_("Khi đó hồ sơ được chuyển lên thủ trưởng đơn vị cấp trên, không đến người bị phản ánh."),
        required=False,
    )
    confidential = None
    offers_people = False
    files = MultipleFileField(label=_("Ảnh chụp màn hình, tệp chứng cứ (PNG/JPEG/WebP, PDF, video MP4)"))

    field_order = [
        "subject_email", "unit", "subject_description", "subject_is_head", "category", "platform", "url",
        "seen_at", "description", "directives", "obligations", "files",
    ]  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.user = user
        self.subject = None
        self.fields["unit"].queryset = selectors.monitoring_units_for(user)

    def clean_subject_email(self):
        email = self.cleaned_data["subject_email"].strip().lower()
        if not email:
            return ""
        person = Person.objects.filter(email__iexact=email, is_active=True, unit__isnull=False).first()
        # Someone outside the inspector's units reads as unknown: no probing of addresses.
        if person is None or not selectors.may_monitor(self.user, person.unit):
            raise forms.ValidationError(
                _("Không có cán bộ đang công tác với e-mail này trong phạm vi giám sát của bạn.")
            )
        self.subject = person
        return email

    def clean(self):
        cleaned = super().clean()
        described = cleaned.get("unit") and cleaned.get("subject_description", "").strip()
        if "subject_email" in cleaned and self.subject is None and not described:
            raise forms.ValidationError(
                _("Hãy ghi e-mail của người bị phản ánh, hoặc mô tả người đó và chọn đơn vị của họ.")
            )
        return cleaned


class MoveForm(forms.Form):
    """One move of the case (`state` is where it goes), with ids of its own: the
    dismissal asks for its reason, the closing for a measure that is not discipline
    (which measures exist is the rule sets' business, violations/rules.py)."""

    to = forms.CharField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Biện pháp không phải kỷ luật"),
        error_messages={
            "required": _("Chọn biện pháp không phải kỷ luật; nếu cần xét kỷ luật, hãy họp kiểm điểm."),
            "invalid_choice": _("Chọn một biện pháp trong danh sách."),
        },
    )
    note = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, data=None, *, state: str, measures=()):
        super().__init__(data, initial={"to": state}, auto_id=f"id_move_{state}_%s")
        self.state = state
        if state == State.CLOSED:
            self.fields["outcome"].choices = with_blank([(m.code, m.label) for m in measures])
        else:
            del self.fields["outcome"]
        if state == State.DISMISSED:
            note = self.fields["note"]
            note.label, note.required = _("Lý do"), True
            note.error_messages["required"] = _("Ghi lý do hủy hồ sơ hoặc kết luận không có vi phạm.")


def _not_in_future(day) -> None:
    # The services refuse it too; here the message sits on its field.
    if day > timezone.localdate():
        raise forms.ValidationError(_("Ngày này ở tương lai; hãy chọn hôm nay hoặc một ngày đã qua."))


def _date(label, required):
    """A day of the procedure: one that has happened."""
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[_not_in_future],
        error_messages={"required": required, "invalid": _("Ngày chưa đúng; hãy chọn lại trên lịch.")},
    )


def _document(label, required):
    return forms.FileField(
        label=label,
        error_messages={"required": required},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.docx,image/png,image/jpeg,image/webp"}),
    )


class ClassifyForm(forms.Form):
    staff_kind = forms.ChoiceField(
        label=_("Loại cán bộ"),
        choices=with_blank(StaffKind.choices),
        error_messages={"required": _("Chọn loại cán bộ của người bị phản ánh.")},
    )
    holds_management_post = forms.BooleanField(label=_("Giữ chức vụ lãnh đạo, quản lý"), required=False)
    violated_on = _date(_("Ngày vi phạm"), _("Nhập ngày vi phạm."))
    severity = forms.ModelChoiceField(
        label=_("Mức độ vi phạm"), queryset=Severity.objects.none(), required=False, empty_label=CHOOSE
    )

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        if report is not None:
            self.fields["severity"].queryset = Severity.objects.filter(
                rule_set__selectable=True, rule_set__staff_kinds__contains=report.staff_kind or "cc"
            ).select_related("rule_set")


class MeetingForm(forms.Form):
    held_on = _date(_("Ngày họp kiểm điểm"), _("Nhập ngày họp kiểm điểm."))
    chair = forms.CharField(
        label=_("Người chủ trì"), max_length=255, error_messages={"required": _("Nhập họ tên người chủ trì cuộc họp.")}
    )
    attendees = forms.CharField(
        label=_("Thành phần tham dự"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Ghi thành phần tham dự cuộc họp.")},
    )
    conclusion = forms.CharField(
        label=_("Kết luận, kiến nghị"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    minutes = _document(_("Biên bản họp (PDF, Word hoặc ảnh)"), _("Tải lên biên bản họp kiểm điểm."))


class _MeasureChoice(forms.ModelChoiceField):
    def label_from_instance(self, measure):
        return measure.label


class CouncilForm(forms.Form):
    held_on = _date(_("Ngày họp Hội đồng"), _("Nhập ngày họp Hội đồng."))
    members = forms.CharField(
        label=_("Thành viên Hội đồng"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Ghi các thành viên Hội đồng.")},
    )
    recommendation = _MeasureChoice(
        label=_("Kiến nghị hình thức kỷ luật"),
        queryset=Measure.objects.none(),
        empty_label=CHOOSE,
        error_messages={"required": _("Chọn hình thức kỷ luật Hội đồng kiến nghị.")},
    )
    votes_for = forms.IntegerField(
        label=_("Số phiếu đồng ý"), min_value=0, error_messages={"required": _("Nhập số phiếu đồng ý.")}
    )
    votes_against = forms.IntegerField(
        label=_("Số phiếu không đồng ý"), min_value=0, error_messages={"required": _("Nhập số phiếu không đồng ý.")}
    )
    minutes = _document(_("Biên bản họp Hội đồng"), _("Tải lên biên bản họp Hội đồng."))

    def __init__(self, *args, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].queryset = Measure.objects.filter(pk__in=[m.pk for m in measures])


class DecisionForm(forms.Form):
    number = forms.CharField(
        label=_("Số quyết định"), max_length=60, error_messages={"required": _("Nhập số của quyết định kỷ luật.")}
    )
    signed_on = _date(_("Ngày ký"), _("Nhập ngày ký quyết định."))
    signer = forms.CharField(
        label=_("Người ký"), max_length=255, error_messages={"required": _("Nhập họ tên người ký quyết định.")}
    )
    measure = _MeasureChoice(
        label=_("Hình thức kỷ luật"),
        queryset=Measure.objects.none(),
        empty_label=CHOOSE,
        error_messages={"required": _("Chọn hình thức kỷ luật.")},
    )
    document = _document(_("Quyết định đã ký"), _("Tải lên quyết định đã ký."))

    def __init__(self, *args, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = Measure.objects.filter(pk__in=[m.pk for m in measures]).order_by("position")


class NotifyForm(forms.Form):
    notified_on = _date(_("Ngày thông báo"), _("Nhập ngày thông báo quyết định."))


class DenouncerNotifyForm(forms.Form):
    notified_on = _date(_("Ngày thông báo"), _("Nhập ngày đã thông báo thụ lý cho người tố cáo."))


class DeferralForm(forms.Form):
    case = forms.ModelChoiceField(
        label=_("Trường hợp"),
        queryset=DeferralCase.objects.none(),
        empty_label=CHOOSE,
        error_messages={"required": _("Chọn trường hợp chưa xem xét kỷ luật.")},
    )
    started_on = _date(_("Từ ngày"), _("Nhập ngày bắt đầu."))
    note = forms.CharField(label=_("Căn cứ, giấy tờ"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        if report is not None and report.rule_set_id:
            self.fields["case"].queryset = DeferralCase.objects.filter(rule_set_id=report.rule_set_id)


class DeferralEndForm(forms.Form):
    ended_on = _date(_("Đến ngày"), _("Nhập ngày tiếp tục xem xét."))


class ExtensionForm(forms.Form):
    clock = forms.ChoiceField(
        label=_("Thời hạn"),
        choices=with_blank(Extension.Clock.choices),
        error_messages={"required": _("Chọn thời hạn được gia hạn.")},
    )
    decided_on = _date(_("Ngày văn bản gia hạn"), _("Nhập ngày của văn bản gia hạn."))
    document = forms.CharField(
        label=_("Số văn bản gia hạn"), max_length=80, error_messages={"required": _("Nhập số của văn bản gia hạn.")}
    )
    reason = forms.CharField(
        label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": _("Ghi lý do gia hạn.")}
    )


class DenunciationForm(forms.Form):
    subject_email = forms.EmailField(
        label=_("E-mail của người bị tố cáo"),
        error_messages={
            "required": _("Nhập e-mail của người bị tố cáo."),
            "invalid": _("E-mail chưa đúng, ví dụ: nguyenvana@coquan.gov.vn."),
        },
    )
    denouncer_name = forms.CharField(
        label=_("Họ tên người tố cáo"), max_length=255, error_messages={"required": _("Nhập họ tên người tố cáo.")}
    )
    denouncer_address = forms.CharField(
        label=_("Địa chỉ người tố cáo"), max_length=500, error_messages={"required": _("Nhập địa chỉ người tố cáo.")}
    )
    denouncer_contact = forms.CharField(label=_("Điện thoại, e-mail người tố cáo"), max_length=255, required=False)
    received_on = _date(_("Ngày nhận tố cáo"), _("Nhập ngày nhận tố cáo."))
    category = CaseFields.base_fields["category"]
    platform = CaseFields.base_fields["platform"]
    url = CaseFields.base_fields["url"]
    description = forms.CharField(
        label=_("Nội dung tố cáo"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Nhập nội dung tố cáo.")},
    )

    def clean_subject_email(self):
        email = self.cleaned_data["subject_email"].strip().lower()
        person = Person.objects.filter(email__iexact=email, is_active=True, unit__isnull=False).first()
        if person is None:
            raise forms.ValidationError(_("Không có cán bộ đang công tác với e-mail này."))
        self.subject = person
        return email


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": _("Nhập nội dung.")}
    )
    files = MultipleFileField(label=_("Tệp đính kèm"))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label


class FollowUpForm(forms.Form):
    code = forms.CharField(
        label=_("Mã tiếp nhận"), max_length=20, error_messages={"required": _("Nhập mã tiếp nhận ghi trên biên nhận.")}
    )
    secret = forms.CharField(
        label=_("Mã bí mật"),
        max_length=64,
        help_text=_("Gõ cả dấu gạch hay không đều được; không phân biệt chữ hoa, chữ thường."),
        widget=forms.PasswordInput(render_value=False),
        error_messages={"required": _("Nhập mã bí mật ghi trên biên nhận.")},
    )
    text = forms.CharField(
        label=_("Thông tin gửi thêm (khi bấm “Gửi thông tin”)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    # Two buttons, "view" and "send" (the page's `action`); a post without one sends
    # the text if there is any, as the page did before.
    def clean(self):
        data = super().clean()
        if self.data.get("action") == "send" and not (data.get("text") or "").strip():
            self.add_error("text", _("Nhập thông tin cần gửi thêm, hoặc bấm “Xem phản ánh”."))
        return data

    def sends(self) -> bool:
        return self.data.get("action") != "view" and bool(self.cleaned_data["text"].strip())
