"""Units' official social-media accounts (Ninh Bình SNN letter: "Có trách nhiệm quản
lý, bảo mật tài khoản mạng xã hội") and their security reviews."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import Platform
from core.models import AppendOnly
from organization.models import Unit


class OfficialAccount(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    platform = models.CharField(_("nền tảng"), max_length=12, choices=Platform.choices)
    name = models.CharField(_("tên tài khoản, trang"), max_length=255)
    url = models.URLField(_("đường dẫn"), max_length=500)
    purpose = models.TextField(_("mục đích sử dụng"))
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="official_accounts", verbose_name=_("người quản trị tài khoản")
    )
    two_factor = models.BooleanField(_("đã bật xác thực hai lớp"), default=False)
    recovery_contacts = models.TextField(_("thông tin khôi phục (e-mail, số điện thoại khôi phục)"))
    last_reviewed_on = models.DateField(_("lần rà soát bảo mật gần nhất"), null=True, blank=True)
    active = models.BooleanField(_("đang sử dụng"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài khoản chính thức của đơn vị")
        verbose_name_plural = _("tài khoản chính thức của đơn vị")
        ordering = ["unit__path", "platform", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(platform__in=Platform.values), name="officialaccount_platform_valid"),
            models.UniqueConstraint(fields=["platform", "url"], name="officialaccount_url_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"


class AccountReview(AppendOnly):
    """A head's security review of an account: what they checked, on which day."""

    account = models.ForeignKey(OfficialAccount, on_delete=models.PROTECT, related_name="reviews")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField()
    two_factor = models.BooleanField(_("xác thực hai lớp đang bật"))
    admins_checked = models.BooleanField(_("danh sách người quản trị đúng"))
    recovery_checked = models.BooleanField(_("thông tin khôi phục còn đúng"))
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.account_id} {self.reviewed_on}"


class AccountEvent(AppendOnly):
    """One line of an account's history: registered, changed (with the fields),
    reviewed, retired."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Đăng ký tài khoản")
        CHANGED = "changed", _("Sửa thông tin")
        REVIEWED = "reviewed", _("Rà soát bảo mật")
        RETIRED = "retired", _("Ngừng sử dụng")

    account = models.ForeignKey(OfficialAccount, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["created", "changed", "reviewed", "retired"]), name="accountevent_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.kind}"
