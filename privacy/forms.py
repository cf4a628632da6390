from django import forms
from django.utils.translation import gettext_lazy as _


class HoldForm(forms.Form):
    report = forms.IntegerField(
        label=_("Số hồ sơ"),
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Nhập số hồ sơ cần giữ lại, ví dụ: 125."),
            "invalid": _("Số hồ sơ chỉ gồm chữ số, ví dụ: 125."),
            "min_value": _("Số hồ sơ chỉ gồm chữ số, ví dụ: 125."),
        },
    )
    reason = forms.CharField(
        label=_("Lý do giữ lại"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi lý do giữ lại hồ sơ (thanh tra, khiếu nại, vụ án…).")},
    )
