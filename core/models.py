from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
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
    MEETING_RECORDED = "meeting_recorded", _("Ghi nhận buổi quán triệt")
    ACK_ON_BEHALF = "ack_on_behalf", _("Xác nhận thay mặt")
    INVITATION_SENT = "invitation_sent", _("Gửi thư mời đặt mật khẩu")
    INVITATION_RESENT = "invitation_resent", _("Gửi lại thư mời đặt mật khẩu")


class AppendOnly(models.Model):
    """A history row: written once, never changed or deleted through the ORM (on
    PostgreSQL, core.migrations_sql.append_only adds a trigger for raw SQL too)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are append-only")


class AuditEvent(AppendOnly):
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


class OutboxMessage(models.Model):
    """One e-mail the portal owes someone, from the moment it is claimed until the
    SMTP server accepts it (core/outbox.py). `key` names what is being sent, so a
    second claim of the same thing is ignored; rows sharing `group` go out as one
    e-mail (one person's reminders of a day)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Chờ gửi")
        SENDING = "sending", _("Đang gửi")
        SENT = "sent", _("Đã gửi")
        SKIPPED = "skipped", _("Không cần gửi nữa")
        FAILED = "failed", _("Không gửi được")

    kind = models.CharField(_("loại thư"), max_length=40)
    key = models.CharField(max_length=200)  # unique (outbox_key_unique), no LIKE index
    group = models.CharField(max_length=200, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("người nhận")
    )
    ref = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    run = models.UUIDField(null=True, blank=True)  # the claim that inserted the row
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    give_up_at = models.DateTimeField()
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("thư cần gửi")
        verbose_name_plural = _("thư cần gửi")
        constraints = [
            # A unique constraint, not unique=True: that would add a second index on
            # the key for LIKE, which nothing runs, and every claim and state change
            # would write it (bench/README.md, reminders).
            models.UniqueConstraint(fields=["key"], name="outbox_key_unique"),
            models.CheckConstraint(
                condition=models.Q(state__in=["queued", "sending", "sent", "skipped", "failed"]),
                name="outbox_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state="sent", sent_at__isnull=False) | ~models.Q(state="sent"),
                name="outbox_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["state", "next_attempt_at"],
                name="outbox_pending",
                condition=models.Q(state__in=["queued", "sending"]),
            ),
            models.Index(fields=["state"], name="outbox_failed", condition=models.Q(state="failed")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.state})"


class PeriodicRun(models.Model):
    """A daily pass that has run for a day: the pass and this row commit together, so
    each day's pass runs once, and a tick missed (Redis down at the hour) is made up
    at the next one (core/periodic.py)."""

    name = models.CharField(max_length=60)
    day = models.DateField()
    ran_at = models.DateTimeField(auto_now_add=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="periodic_run_once_a_day")]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"


class CalendarDay(models.Model):
    """A day the government moved for state agencies in a given year (core/calendar.py):
    a swapped day off (ngày nghỉ hoán đổi, nghỉ bù) or a make-up working day, usually a
    Saturday (ngày làm việc bù). Entered by administrators from the yearly notice; it
    overrides what the `holidays` package says about that day."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ (hoán đổi, nghỉ bù)")
        WORKING_DAY = "working_day", _("Ngày làm việc bù")

    day = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại ngày"), max_length=12, choices=Kind.choices)
    note = models.CharField(_("căn cứ (số thông báo, văn bản)"), max_length=255)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("người nhập"),
    )  # fmt: skip
    entered_at = models.DateTimeField(_("thời điểm nhập"), auto_now_add=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["-day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["day_off", "working_day"]), name="calendar_day_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{date_format(self.day, 'SHORT_DATE_FORMAT')} {self.get_kind_display()}"
