import os
import re

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import with_blank
from directives.importer.reading import text_too_long
from directives.importer.sniffing import EXTENSIONS
from directives.models import Directive, DocType
from directives.services import Draft
from directives.templatetags.directive_tags import issued_on

_OBLIGATION_START = re.compile(r"^\s*([0-9]{1,2}|[IVXLC]{1,5})[.)]\s+(.*)$")
_ISSUED_ON = [
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), lambda m: f"{m[1]}-{m[2]}-{m[3]}"),
    (re.compile(r"^(\d{4})-(\d{2})$"), lambda m: f"{m[1]}-{m[2]}"),
    (re.compile(r"^(\d{4})$"), lambda m: m[1]),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), lambda m: f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"),
    (re.compile(r"^(\d{1,2})/(\d{4})$"), lambda m: f"{m[2]}-{int(m[1]):02d}"),
]


def obligations_to_text(obligations: list[dict]) -> str:
    return "\n".join(f"{item['label']}. {item['text']}" for item in obligations)


def obligations_from_text(text: str) -> list[dict]:
    """ "1. text" starts an obligation; the lines after it (sub-items) belong to it."""
    items: list[dict] = []
    for line in text.splitlines():
        match = _OBLIGATION_START.match(line)
        if match:
            items.append({"label": match[1], "text": match[2].strip()})
        elif line.strip() and items:
            items[-1]["text"] += "\n" + line.strip()
        elif line.strip():
            items.append({"label": str(len(items) + 1), "text": line.strip()})
    return items


class LinesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


def check_text_length(text: str) -> None:
    """Pasted or typed text over DIRECTIVE_MAX_TEXT_CHARS is refused before any parsing."""
    if len(text) > settings.DIRECTIVE_MAX_TEXT_CHARS:
        raise forms.ValidationError(text_too_long(len(text), settings.DIRECTIVE_MAX_TEXT_CHARS))


def name_length_errors(form: forms.Form) -> None:
    """Replace Django's anonymous "at most N characters" with a message naming the
    field, so a value read from a letter that is too long says where it is."""
    for field in form.fields.values():
        limit = getattr(field, "max_length", None)
        if not limit:
            continue
        label = str(field.label or "").rstrip(":").replace("%", "%%")
        message = gettext("%(field)s dài %%(show_value)d ký tự, vượt quá giới hạn %%(limit_value)d ký tự.") % {
            "field": label
        }
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        field.validators.append(MaxLengthValidator(limit, message=message))


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp văn bản (.txt, .docx, .pdf)"),
        help_text=_("Cũng nhận tệp Word cũ (.doc), .odt, .rtf và bản quét (PDF ảnh, ảnh chụp .jpg, .png, .tif)."),
        required=False,
    )
    text = forms.CharField(
        label=_("Hoặc dán nội dung văn bản"), widget=forms.Textarea(attrs={"rows": 10}), required=False
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Hãy chọn một tệp hoặc dán nội dung văn bản."))
        upload = data.get("file")
        if upload and upload.size > settings.DIRECTIVE_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("Tệp vượt quá giới hạn %(limit)s MB.") % {"limit": settings.DIRECTIVE_MAX_UPLOAD_MB}
            )
        if upload and os.path.splitext(upload.name or "")[1].lower() not in EXTENSIONS:
            raise forms.ValidationError(
                _(
                    "Chỉ nhận tệp văn bản .txt, .docx, .doc, .odt, .rtf, .pdf hoặc ảnh chụp trang văn bản "
                    "(.jpg, .png, .tif)."
                )
            )
        if not upload:
            check_text_length(data.get("text") or "")
        return data


REVIEW_REQUIRED = {
    "owner_unit": _("Chọn đơn vị quản lý."),
    "doc_type": _("Chọn loại văn bản."),
    "subject": _("Nhập trích yếu (tiêu đề) của văn bản."),
    "text": _("Dán hoặc nhập toàn văn của văn bản."),
}


class DirectiveForm(forms.ModelForm):
    """The review form: every field the importer read, for a person to check."""

    recipients = LinesField(label=_("Kính gửi (mỗi dòng một nơi)"), required=False)
    distribution = LinesField(label=_("Nơi nhận (mỗi dòng một nơi)"), required=False)
    obligations = forms.CharField(
        label=_("Các nhiệm vụ (mỗi nhiệm vụ bắt đầu bằng số thứ tự: “1. …”)"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
    )
    text = forms.CharField(label=_("Toàn văn"), widget=forms.Textarea(attrs={"rows": 16}))
    issued_on = forms.CharField(
        label=_("Ngày ban hành"), required=False, help_text=_("Ví dụ: 28/8/2024; 8/2024 hoặc 2023 nếu chưa có ngày.")
    )

    class Meta:
        model = Directive
        fields = [
            "owner_unit", "doc_type", "number", "symbol", "issuer", "place", "issued_on",
            "subject", "recipients", "signer_title", "signer_name", "distribution",
        ]  # fmt: skip
        widgets = {"subject": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = units
        self.fields["owner_unit"].empty_label = _("— Chọn đơn vị quản lý —")
        self.fields["doc_type"].choices = with_blank(DocType.choices, _("— Chọn loại văn bản —"))
        if not self.is_bound and self.initial.get("issued_on"):
            # Shown the Vietnamese way ("28/8/2024"); clean_issued_on reads it back.
            self.initial["issued_on"] = issued_on(self.initial["issued_on"], "short")
        for name, message in REVIEW_REQUIRED.items():
            self.fields[name].error_messages = {**self.fields[name].error_messages, "required": message}
        name_length_errors(self)

    def clean_text(self):
        text = self.cleaned_data["text"]
        check_text_length(text)
        return text

    def clean_issued_on(self):
        raw = (self.cleaned_data.get("issued_on") or "").strip()
        if not raw:
            return ""
        for pattern, build in _ISSUED_ON:
            match = pattern.match(raw)
            if match:
                return build(match)
        raise forms.ValidationError(_("Ngày ban hành phải có dạng 28/8/2024, 8/2024 hoặc 2024."))

    def draft(self) -> Draft:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in self.Meta.fields if name != "owner_unit"}
        return Draft(fields=fields, text=data["text"], obligations=obligations_from_text(data.get("obligations") or ""))


class AttachmentForm(forms.Form):
    """One document sent along with a draft version; core.uploads checks it."""

    file = forms.FileField(
        label=_("Tài liệu gửi kèm"),
        help_text=_("Tệp PDF, Word (.docx) hoặc ảnh chụp; tối đa %(limit)s MB.")
        % {"limit": settings.DIRECTIVE_MAX_UPLOAD_MB},
        error_messages={"required": _("Hãy chọn tệp tài liệu gửi kèm."), "empty": _("Tệp đã chọn trống.")},
    )
    title = forms.CharField(
        label=_("Tên tài liệu"),
        max_length=255,
        required=False,
        help_text=_("Ví dụ: Cẩm nang hướng dẫn sử dụng mạng xã hội. Bỏ trống thì lấy tên tệp."),
    )


class VersionForm(forms.Form):
    text = forms.CharField(
        label=_("Toàn văn của phiên bản mới"),
        widget=forms.Textarea(attrs={"rows": 16}),
        error_messages={"required": _("Dán hoặc nhập toàn văn của phiên bản mới.")},
    )
    change_note = forms.CharField(
        label=_("Nội dung thay đổi"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Ghi nội dung thay đổi so với phiên bản trước.")},
    )
    is_material = forms.TypedChoiceField(
        label=_("Loại thay đổi"),
        choices=[
            ("1", _("Thay đổi nội dung: mọi người phải quán triệt lại")),
            ("0", _("Sửa lỗi trình bày: không cần quán triệt lại")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn loại thay đổi: thay đổi nội dung hay sửa lỗi trình bày.")},
    )
    drop = forms.MultipleChoiceField(
        label=_("Bỏ tài liệu gửi kèm"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Thay đổi tài liệu gửi kèm là thay đổi nội dung: mọi người phải quán triệt lại."),
    )
    attachment = forms.FileField(label=_("Thêm tài liệu gửi kèm"), required=False)
    attachment_title = forms.CharField(label=_("Tên tài liệu thêm"), max_length=255, required=False)

    def __init__(self, *args, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drop"].choices = [(str(a.pk), a.title) for a in attachments]
        if not attachments:
            del self.fields["drop"]

    def clean_drop(self):
        return [int(pk) for pk in self.cleaned_data.get("drop") or []]

    def clean_text(self):
        text = self.cleaned_data["text"]
        check_text_length(text)
        return text


class QuestionForm(forms.Form):
    prompt = forms.CharField(
        label=_("Câu hỏi"), widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": _("Nhập câu hỏi.")}
    )
    choices = LinesField(
        label=_("Các phương án (mỗi dòng một phương án)"),
        error_messages={"required": _("Nhập các phương án trả lời, mỗi dòng một phương án.")},
    )
    answer = forms.IntegerField(
        label=_("Số thứ tự phương án đúng"),
        min_value=1,
        error_messages={"required": _("Nhập số thứ tự của phương án đúng, ví dụ: 2."), "invalid": _("Nhập một số.")},
    )
