from django import forms
from django.utils.translation import gettext_lazy as _

from reports.implementation import Texts


class ImplementationReportForm(forms.Form):
    """The period of the implementation report and what the head writes in it."""

    start = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    assessment = forms.CharField(
        label=_("Đánh giá, kiến nghị"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Đoạn văn đưa vào mục V của báo cáo; để trống thì điền sau trong tệp Word."),
    )
    place = forms.CharField(
        label=_("Địa danh"),
        required=False,
        max_length=100,
        help_text=_("Ví dụ: Hà Nội. Để trống thì để chỗ trống “…, ngày … tháng … năm …” để điền khi ký."),
    )
    recipients = forms.CharField(
        label=_("Nơi nhận"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    signer_title = forms.CharField(label=_("Chức danh người ký"), required=False, max_length=150)
    signer_name = forms.CharField(label=_("Họ và tên người ký"), required=False, max_length=150)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("Ngày kết thúc phải từ ngày bắt đầu trở về sau."))
        return cleaned

    def texts(self) -> Texts:
        data = self.cleaned_data
        return Texts(
            assessment=data["assessment"], place=data["place"], recipients=data["recipients"],
            signer_title=data["signer_title"], signer_name=data["signer_name"],
        )  # fmt: skip
