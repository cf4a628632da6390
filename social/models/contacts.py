"""Where to report (Hà Tĩnh letter: "Thanh tra Sở … số điện thoại đường dây nóng:
0799.116.888"): per unit, inherited by the units below field by field unless set."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnly
from organization.models import Unit

CONTACT_FIELDS = ("hotline", "email", "inspectorate")


class UnitContacts(models.Model):
    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    hotline = models.CharField(_("đường dây nóng"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail tiếp nhận phản ánh"), blank=True)
    inspectorate = models.CharField(_("cơ quan thanh tra, tổ kiểm tra tiếp nhận"), max_length=255, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đầu mối tiếp nhận phản ánh")
        verbose_name_plural = _("đầu mối tiếp nhận phản ánh")

    def __str__(self) -> str:
        return str(self.unit)


class ContactsChange(AppendOnly):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.created_at:%Y-%m-%d}"
