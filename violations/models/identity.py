"""Who reported, kept apart from the case: the identity sealed with a key outside
the database (violations/identity.py), and the people an administrator designated
to handle denunciations for a unit, the only ones who may open it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organization.models import Unit
from violations.models.cases import Report


class SealedIdentity(models.Model):
    """A named denouncer's (or confidential reporter's) name, address and contact,
    encrypted (Fernet) under the key `key_id` of REPORTER_IDENTITY_KEYS."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="sealed_identity")
    key_id = models.CharField(max_length=16)
    token = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:  # never the identity itself
        return f"sealed identity of case {self.report_id}"


class IdentityHandler(models.Model):
    """A person designated to handle denunciations (người được giao giải quyết tố
    cáo) for a unit and the units below it."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người được giao")
    )
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("người được giao giải quyết tố cáo")
        verbose_name_plural = _("người được giao giải quyết tố cáo")
        constraints = [models.UniqueConstraint(fields=["unit", "person"], name="identity_handler_once")]

    def __str__(self) -> str:
        return f"{self.person} – {self.unit}"
