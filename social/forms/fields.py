from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from social.models import Platform

# No preselected choice: the user must pick, and a blank is refused with a message.
PLATFORM_CHOICES = [("", _("— Chọn nền tảng —")), *Platform.choices]


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.FileField):
    """Several images; counted before any is read, checked one by one by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/png,image/jpeg,image/webp"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = [item for item in data if item] if isinstance(data, list | tuple) else [data] if data else []
        if len(items) > settings.SOCIAL_IMAGE_MAX_FILES:
            raise forms.ValidationError(_("Gửi kèm tối đa %(limit)s ảnh.") % {"limit": settings.SOCIAL_IMAGE_MAX_FILES})
        return [single(item, initial) for item in items]


class LocalDateTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
