"""A compromised or impersonated account (Ninh Bình SNN letter: "nhanh chóng thông
báo tới nhà cung cấp dịch vụ khi tài khoản … bị mất quyền kiểm soát hoặc bị giả
mạo"). A protective report, not a violation case: it is tracked to recovery."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import Platform
from core.models import AppendOnly
from organization.models import Unit
from social.models.accounts import OfficialAccount


class IncidentKind(models.TextChoices):
    OWN_COMPROMISED = "own_compromised", _("Tài khoản cá nhân của tôi bị mất quyền kiểm soát")
    OWN_IMPERSONATED = "own_impersonated", _("Có tài khoản giả mạo tôi")
    OFFICIAL_COMPROMISED = "official_compromised", _("Tài khoản chính thức của đơn vị bị mất quyền kiểm soát")
    OFFICIAL_IMPERSONATED = "official_impersonated", _("Có tài khoản giả mạo tài khoản chính thức của đơn vị")


OFFICIAL_KINDS = (IncidentKind.OFFICIAL_COMPROMISED, IncidentKind.OFFICIAL_IMPERSONATED)


class IncidentState(models.TextChoices):
    OPEN = "open", _("Đang xử lý")
    RECOVERED = "recovered", _("Đã lấy lại tài khoản")
    REMOVED = "removed", _("Tài khoản giả mạo đã bị gỡ")
    CLOSED = "closed", _("Kết thúc, không lấy lại được")


class IncidentStep(models.TextChoices):
    PLATFORM = "platform", _("Báo cho nền tảng")
    PASSWORDS = "passwords", _("Đổi mật khẩu các tài khoản liên quan")
    CONTACTS = "contacts", _("Cảnh báo người thân, bạn bè, người theo dõi")
    UNIT = "unit", _("Báo cho đơn vị")
    POLICE = "police", _("Báo Phòng An ninh mạng và phòng chống tội phạm sử dụng công nghệ cao (PA05)")


class AccountIncident(models.Model):
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_incidents",
        verbose_name=_("người báo"),
    )  # fmt: skip
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    kind = models.CharField(_("sự việc"), max_length=24, choices=IncidentKind.choices)
    official_account = models.ForeignKey(
        OfficialAccount, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents",
        verbose_name=_("tài khoản chính thức"),
    )  # fmt: skip
    platform = models.CharField(_("nền tảng"), max_length=12, choices=Platform.choices)
    account_name = models.CharField(_("tài khoản bị ảnh hưởng (tên hoặc đường dẫn)"), max_length=500)
    what_happened = models.TextField(_("chuyện gì đã xảy ra"))
    noticed_at = models.DateTimeField(_("thời điểm phát hiện"))
    links = models.TextField(_("đường dẫn liên quan (mỗi dòng một đường dẫn)"), blank=True)
    breaks_law = models.BooleanField(_("có nội dung vi phạm pháp luật được đăng từ tài khoản"), default=False)
    state = models.CharField(_("trạng thái"), max_length=10, choices=IncidentState.choices, default=IncidentState.OPEN)
    resolved_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm báo"), auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo tài khoản bị chiếm đoạt, giả mạo")
        verbose_name_plural = _("báo cáo tài khoản bị chiếm đoạt, giả mạo")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=IncidentKind.values), name="incident_kind_valid"),
            models.CheckConstraint(condition=Q(state__in=IncidentState.values), name="incident_state_valid"),
            models.CheckConstraint(condition=Q(platform__in=Platform.values), name="incident_platform_valid"),
            models.CheckConstraint(
                condition=(Q(kind__in=OFFICIAL_KINDS) & Q(official_account__isnull=False))
                | (~Q(kind__in=OFFICIAL_KINDS) & Q(official_account__isnull=True)),
                name="incident_official_account_iff_official",
            ),
            models.CheckConstraint(
                condition=(Q(state=IncidentState.OPEN) & Q(resolved_at__isnull=True))
                | (~Q(state=IncidentState.OPEN) & Q(resolved_at__isnull=False)),
                name="incident_resolved_iff_not_open",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"


class IncidentEvent(AppendOnly):
    """A step done, or a change of state, with its time."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("Báo sự việc")
        STEP = "step", _("Đã làm")
        RESOLVED = "resolved", _("Kết thúc")

    incident = models.ForeignKey(AccountIncident, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    step = models.CharField(max_length=10, choices=IncidentStep.choices, blank=True)
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["reported", "step", "resolved"]), name="incidentevent_kind_valid"
            ),
            models.CheckConstraint(
                condition=(Q(kind="step") & Q(step__in=IncidentStep.values)) | (~Q(kind="step") & Q(step="")),
                name="incidentevent_step_iff_step",
            ),
            models.UniqueConstraint(
                fields=["incident", "step"], condition=Q(kind="step"), name="incidentevent_step_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind} {self.step}"
