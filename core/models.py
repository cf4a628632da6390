from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Đăng nhập")
    LOGIN_FAILED = "login_failed", _("Đăng nhập không thành công")
    LOGOUT = "logout", _("Đăng xuất")
    MFA_ADDED = "mfa_added", _("Bật xác thực hai lớp")
    MFA_REMOVED = "mfa_removed", _("Tắt xác thực hai lớp")
    PASSWORD_CHANGED = "password_changed", _("Đổi mật khẩu")
    PASSWORD_RESET = "password_reset", _("Đặt lại mật khẩu")
    PERSON_CREATED = "person_created", _("Tạo cán bộ")
    PERSON_CHANGED = "person_changed", _("Sửa thông tin cán bộ")
    PERSON_DEACTIVATED = "person_deactivated", _("Ngừng hoạt động cán bộ")
    ROLE_GRANTED = "role_granted", _("Cấp vai trò")
    ROLE_REVOKED = "role_revoked", _("Thu hồi vai trò")
    STAFF_IMPORTED = "staff_imported", _("Nhập cán bộ từ tệp")
    REPORTER_VIEWED = "reporter_viewed", _("Xem danh tính người phản ánh")
    ORIGINAL_DOWNLOADED = "original_downloaded", _("Tải bản gốc chứng cứ")
    EXPORT = "export", _("Xuất dữ liệu")
    CHECKPOINT = "checkpoint", _("Mốc kiểm tra chuỗi xác nhận")


class AuditEvent(models.Model):
    """One security-relevant action: who, when, what, from where. Append-only: the
    model refuses updates and deletes, and on PostgreSQL a trigger refuses them too.
    `unit_path` is the tree path of the unit the action concerns, so administrators
    and inspectors read the trail of their own subtree only."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("người thực hiện"),
    )  # fmt: skip
    action = models.CharField(_("hành động"), max_length=24, choices=AuditAction.choices)
    target = models.CharField(_("đối tượng"), max_length=255, blank=True)
    unit_path = models.CharField(max_length=255, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký bảo mật")
        verbose_name_plural = _("nhật ký bảo mật")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=AuditAction.values), name="audit_action_valid")
        ]
        indexes = [models.Index(fields=["unit_path"], name="audit_unit_path", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit events are append-only")


class Throttle(models.Model):
    """Failures counted against one key (an account's log-in, a signature): each one
    past a threshold doubles the wait before the next try. Kept in the database so it
    holds across processes and does not depend on the cache being up."""

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    wait_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.key} ×{self.failures}"
