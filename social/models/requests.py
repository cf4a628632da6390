"""Permission to post agency work (3821/TCT-KTNB §2: "không đăng tải … công việc của
cơ quan mà chưa được Thủ trưởng đơn vị cho phép")."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import Platform
from core.models import AppendOnly
from organization.models import Unit


def social_storage():
    return FileSystemStorage(location=settings.PRIVATE_STORAGE_ROOT / "social")


class RequestState(models.TextChoices):
    PENDING = "pending", _("Chờ cho phép")
    CHANGES_REQUESTED = "changes_requested", _("Cần chỉnh sửa")
    APPROVED = "approved", _("Đã cho phép")
    DECLINED = "declined", _("Không cho phép")


OPEN_REQUEST_STATES = (RequestState.PENDING, RequestState.CHANGES_REQUESTED)


class PostRequest(models.Model):
    """A staff member asks to post something about the agency's work. It is decided
    by the heads (and their named delegates) of `decider_unit`: the author's unit,
    or the unit above when the author decides for their own unit, and one unit
    higher each time it goes unanswered (escalation). An approved request carries a
    reference the author cites; `approved_text` is what was allowed, possibly
    edited by the decider."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="post_requests",
        verbose_name=_("người xin phép"),
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    decider_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị cho phép")
    )
    text = models.TextField(_("nội dung dự kiến đăng"))
    platform = models.CharField(_("nền tảng"), max_length=12, choices=Platform.choices)
    account = models.CharField(_("tài khoản, trang sẽ đăng"), max_length=255)
    planned_at = models.DateTimeField(_("thời điểm dự kiến đăng"))
    state = models.CharField(_("trạng thái"), max_length=20, choices=RequestState.choices, default=RequestState.PENDING)
    approved_text = models.TextField(_("nội dung được phép đăng"), blank=True)
    reference = models.CharField(_("số cho phép"), max_length=32, unique=True, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("người quyết định"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("thời điểm quyết định"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến"), blank=True)
    # When the request last reached its current deciders: its age, and the clock of escalation.
    waiting_since = models.DateTimeField(_("chờ từ"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đề nghị cho phép đăng tin")
        verbose_name_plural = _("đề nghị cho phép đăng tin")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=RequestState.values), name="postrequest_state_valid"),
            models.CheckConstraint(condition=Q(platform__in=Platform.values), name="postrequest_platform_valid"),
            # A reference and the allowed text exactly when approved.
            models.CheckConstraint(
                condition=(Q(state=RequestState.APPROVED) & Q(reference__isnull=False) & ~Q(approved_text=""))
                | (~Q(state=RequestState.APPROVED) & Q(reference__isnull=True) & Q(approved_text="")),
                name="postrequest_reference_iff_approved",
            ),
            # A final decision has its decider and time; an open request has neither.
            models.CheckConstraint(
                condition=(
                    Q(state__in=[RequestState.APPROVED, RequestState.DECLINED, RequestState.CHANGES_REQUESTED])
                    & Q(decided_by__isnull=False, decided_at__isnull=False)
                )
                | (Q(state=RequestState.PENDING) & Q(decided_by__isnull=True, decided_at__isnull=True)),
                name="postrequest_decision_shape",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("author")),
                name="postrequest_not_self_decided",
            ),
        ]
        indexes = [models.Index(fields=["state", "waiting_since"], name="postrequest_waiting")]

    def __str__(self) -> str:
        return self.reference or f"#{self.pk}"


class PostRequestImage(models.Model):
    """An image to go with the post, checked by core.uploads and stored only as the
    re-encoded copy (no EXIF/GPS): it is meant for publication anyway."""

    request = models.ForeignKey(PostRequest, on_delete=models.PROTECT, related_name="images")
    file = models.FileField(storage=social_storage, upload_to="requests/%Y/%m/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class PostRequestEvent(AppendOnly):
    """One line of a request's history: submitted, decided, resubmitted, escalated."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Gửi đề nghị")
        RESUBMITTED = "resubmitted", _("Gửi lại sau khi chỉnh sửa")
        DECIDED = "decided", _("Quyết định")
        ESCALATED = "escalated", _("Chuyển lên đơn vị cấp trên do quá hạn")

    request = models.ForeignKey(PostRequest, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)
    # The text the decider allowed when it differs from the draft (approval with edits).
    edited_text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["submitted", "resubmitted", "decided", "escalated"]),
                name="postrequestevent_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


class PostingDelegate(models.Model):
    """A person a head names to decide requests for a unit and the units below it
    (the unit's press officer, người phát ngôn). Revoking keeps the row."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posting_delegations",
        verbose_name=_("người được ủy quyền"),
    )  # fmt: skip
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("người được ủy quyền cho phép đăng tin")
        verbose_name_plural = _("người được ủy quyền cho phép đăng tin")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "person"], condition=Q(revoked_at__isnull=True), name="postingdelegate_one_active"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="postingdelegate_revoked_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.unit}"
