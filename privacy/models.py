"""Personal data (Law 91/2025/QH15, Decree 356/2025/NĐ-CP): legal holds that stop the
purge, and what the purge leaves of what it deleted. The retention periods are
settings (privacy/retention.py lists them with their basis)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnly
from violations.models import Report


class RecordKind(models.TextChoices):
    CASE_DISCIPLINE = "case_discipline", _("Hồ sơ vi phạm kết thúc bằng hình thức kỷ luật")
    CASE_OTHER = "case_other", _("Hồ sơ vi phạm kết thúc bằng biện pháp không phải kỷ luật")
    CASE_DISMISSED = "case_dismissed", _("Hồ sơ vi phạm đã hủy hoặc kết luận không vi phạm")
    ANONYMOUS = "anonymous", _("Phản ánh ẩn danh")
    EVIDENCE = "evidence", _("Tệp chứng cứ")
    ACKNOWLEDGEMENT = "acknowledgement", _("Bản ghi xác nhận quán triệt")
    AUDIT = "audit", _("Nhật ký bảo mật")


class LegalHold(models.Model):
    """A case kept whatever its retention period (an inspection, a complaint, a
    lawsuit) until the hold is released. `target` keeps the case's number after the
    case itself is gone."""

    report = models.ForeignKey(Report, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("hồ sơ"))
    target = models.CharField(max_length=60)
    reason = models.TextField(_("lý do giữ lại"))
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lệnh giữ lại hồ sơ")
        verbose_name_plural = _("lệnh giữ lại hồ sơ")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report"], condition=Q(released_at__isnull=True), name="legal_hold_one_open_per_case"
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True, released_by__isnull=True)
                | Q(released_at__isnull=False, released_by__isnull=False),
                name="legal_hold_release_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} ({'released' if self.released_at else 'held'})"


class PurgeRun(AppendOnly):
    """One pass of the purge: when, for which day, and what it deleted and kept."""

    day = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    result = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("lượt xóa dữ liệu hết hạn")
        verbose_name_plural = _("lượt xóa dữ liệu hết hạn")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"purge {self.day}"


class Tombstone(AppendOnly):
    """What is left of a deleted record: its kind, a reference without personal data
    (a case number, or how many audit rows), when its retention began, when and why
    it was deleted. Append-only, with a PostgreSQL trigger."""

    run = models.ForeignKey(PurgeRun, on_delete=models.PROTECT, related_name="tombstones")
    kind = models.CharField(_("loại bản ghi"), max_length=20, choices=RecordKind.choices)
    ref = models.CharField(_("số hiệu"), max_length=60)
    count = models.PositiveIntegerField(default=1)
    ended_on = models.DateField(_("thời hạn lưu tính từ"))
    deleted_at = models.DateTimeField(_("thời điểm xóa"), auto_now_add=True)
    reason = models.CharField(_("lý do xóa"), max_length=255)

    class Meta:
        verbose_name = _("dấu vết bản ghi đã xóa")
        verbose_name_plural = _("dấu vết bản ghi đã xóa")
        ordering = ["-deleted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in RecordKind]), name="tombstone_kind_valid")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.ref} {self.deleted_at:%Y-%m-%d}"
