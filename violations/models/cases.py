from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.choices import Platform
from core.models import AppendOnly
from directives.models import Directive, Obligation
from organization.models import StaffKind, Unit
from violations.models.rules import Measure, MeasureCode, RuleSet, Severity


def evidence_storage():
    return FileSystemStorage(location=settings.PRIVATE_STORAGE_ROOT / "evidence")


class Category(models.TextChoices):
    WORKING_HOURS = "working_hours", _("Dùng mạng xã hội trong giờ làm việc")
    STATE_SECRETS = "state_secrets", _("Bí mật nhà nước")
    UNAPPROVED_WORK = "unapproved_work", _("Đăng công việc của cơ quan khi chưa được phép")
    FALSE_INFORMATION = "false_information", _("Thông tin sai sự thật, chưa kiểm chứng")
    AGAINST_POLICY = "against_policy", _("Nội dung trái chủ trương của Đảng, chính sách của Nhà nước")
    OFFENSIVE = "offensive", _("Nội dung phản cảm, đồi trụy, khiêu dâm")
    INSULT = "insult", _("Xúc phạm danh dự, nhân phẩm người khác")
    HATE_SPEECH = "hate_speech", _("Kích động, thù ghét, phân biệt vùng miền, giới tính, tôn giáo")
    ILLEGAL_BUSINESS = "illegal_business", _("Quảng cáo, kinh doanh trái phép")
    COMPROMISED_ACCOUNT = "compromised_account", _("Tài khoản bị chiếm đoạt, giả mạo không báo cáo")
    OTHER = "other", _("Khác")


class State(models.TextChoices):
    """The steps of a case (violations/workflow.py says who moves it where)."""

    SUBMITTED = "submitted", _("Mới tiếp nhận")
    ACCEPTED = "accepted", _("Đã thụ lý tố cáo")
    UNDER_REVIEW = "under_review", _("Đang xem xét")
    NEEDS_INFORMATION = "needs_information", _("Cần bổ sung thông tin")
    HEARING = "hearing", _("Đang nghe giải trình")
    CONFIRMED = "confirmed", _("Đã xác định vi phạm")
    MEETING = "meeting", _("Đã họp kiểm điểm")
    COUNCIL = "council", _("Đã họp Hội đồng kỷ luật")
    DECIDED = "decided", _("Đã có quyết định kỷ luật")
    DISMISSED = "dismissed", _("Không có vi phạm / hủy")
    CLOSED = "closed", _("Đã xử lý, kết thúc")


class Channel(models.TextChoices):
    HEAD = "head", _("Thủ trưởng đơn vị ghi nhận")
    STAFF = "staff", _("Cán bộ phản ánh")
    ANONYMOUS = "anonymous", _("Phản ánh ẩn danh")
    DENUNCIATION = "denunciation", _("Tố cáo có tên (Luật Tố cáo 2018)")
    # Opened by an inspector from what they found while monitoring (Hạ Lang letter §3).
    MONITORING = "monitoring", _("Giám sát của tổ kiểm tra")


class Report(models.Model):
    """A suspected breach about someone in `unit`, reviewed by the heads of
    `review_unit` and visible read-only to the inspectors of `unit`; the person
    reported is never one of them (see selectors.review_unit_for)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    # The unit itself, or the first unit above it that the person reported does not
    # head; None when they head the root, and only inspectors (and superusers) see it.
    review_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("đơn vị xem xét")
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="violation_cases",
        verbose_name=_("người bị phản ánh"),
    )  # fmt: skip
    subject_description = models.CharField(_("mô tả người bị phản ánh"), max_length=255, blank=True)
    channel = models.CharField(max_length=12, choices=Channel.choices)
    # Who reported, in clear, unless they asked for confidentiality: a confidential
    # staff reporter is only `reporter_tag` (violations/identity.reporter_tags, a keyed
    # HMAC of their account id) and a SealedIdentity, so they can follow the case.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reporter_tag = models.CharField(max_length=64, blank=True, db_index=True)
    confidential = models.BooleanField(_("giữ bí mật danh tính người phản ánh"), default=False)
    category = models.CharField(_("loại vi phạm"), max_length=24, choices=Category.choices)
    platform = models.CharField(_("nền tảng"), max_length=12, choices=Platform.choices)
    url = models.URLField(_("đường dẫn bài đăng"), max_length=500, blank=True)
    seen_at = models.DateTimeField(_("thời điểm phát hiện"))
    description = models.TextField(_("mô tả"))
    directives = models.ManyToManyField(Directive, blank=True, related_name="+", verbose_name=_("văn bản bị vi phạm"))
    obligations = models.ManyToManyField(
        Obligation, blank=True, related_name="+", verbose_name=_("nhiệm vụ bị vi phạm")
    )
    state = models.CharField(_("trạng thái"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    # The law that applies: the kind of staff and the date of the violation choose
    # the rule set (violations/rules.py), which is stored so the case shows it.
    staff_kind = models.CharField(_("loại cán bộ"), max_length=3, choices=StaffKind.choices, blank=True)
    holds_management_post = models.BooleanField(_("giữ chức vụ lãnh đạo, quản lý"), default=False)
    violated_on = models.DateField(_("ngày vi phạm"), null=True, blank=True)
    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("căn cứ xử lý")
    )
    severity = models.ForeignKey(
        Severity, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("mức độ vi phạm")
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("hình thức xử lý")
    )
    # The measure's code, kept beside it for dashboards and exports.
    outcome = models.CharField(_("hình thức xử lý"), max_length=40, choices=MeasureCode.choices, blank=True)
    # A named denunciation's clocks (Luật Tố cáo 2018): received, accepted, concluded.
    received_on = models.DateField(_("ngày nhận tố cáo"), null=True, blank=True)
    accepted_on = models.DateField(_("ngày thụ lý"), null=True, blank=True)
    concluded_on = models.DateField(_("ngày kết luận"), null=True, blank=True)
    denouncer_notified_on = models.DateField(_("ngày thông báo cho người tố cáo"), null=True, blank=True)
    review_due_on = models.DateField(_("hạn xem xét"))
    receipt_code = models.CharField(max_length=16, unique=True, null=True, blank=True)
    secret_hash = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phản ánh vi phạm")
        verbose_name_plural = _("phản ánh vi phạm")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=State.values), name="report_state_valid"),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="report_category_valid"),
            models.CheckConstraint(condition=Q(platform__in=Platform.values), name="report_platform_valid"),
            # An outcome, and the measure it names, exactly when the case is closed.
            models.CheckConstraint(
                condition=(Q(state=State.CLOSED) & ~Q(outcome="") & Q(measure__isnull=False))
                | (~Q(state=State.CLOSED) & Q(outcome="")),
                name="report_outcome_iff_closed",
            ),
            models.CheckConstraint(condition=Q(staff_kind__in=["", *StaffKind.values]), name="report_staff_kind_valid"),
            # Anonymous reports have a receipt and no reporter; a named denunciation has
            # no receipt and a reporter only when the denouncer has an account; the
            # others (a monitoring case's reporter is the inspector who opened it)
            # have a reporter and no receipt.
            models.CheckConstraint(
                condition=(Q(channel=Channel.ANONYMOUS) & Q(reporter__isnull=True) & Q(receipt_code__isnull=False))
                | (Q(channel=Channel.DENUNCIATION) & Q(receipt_code__isnull=True) & Q(received_on__isnull=False))
                | (
                    Q(channel__in=[Channel.HEAD, Channel.MONITORING])
                    & Q(reporter__isnull=False)
                    & Q(receipt_code__isnull=True)
                )
                | (
                    Q(channel=Channel.STAFF, receipt_code__isnull=True)
                    & (Q(reporter__isnull=False) | (Q(confidential=True) & ~Q(reporter_tag="")))
                ),
                name="report_anonymous_shape",
            ),
            # A confidential staff reporter is never a plain link to the person.
            models.CheckConstraint(
                condition=~Q(channel=Channel.STAFF, confidential=True, reporter__isnull=False),
                name="report_confidential_reporter_sealed",
            ),
            models.CheckConstraint(
                condition=Q(reporter_tag="") | Q(reporter__isnull=True), name="report_reporter_once"
            ),
            # Accepted (thụ lý) only as a denunciation.
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(channel=Channel.DENUNCIATION),
                name="report_accepted_only_denunciation",
            ),
            models.CheckConstraint(
                condition=Q(subject__isnull=False) | ~Q(subject_description=""), name="report_names_someone"
            ),
            # Nobody reports themselves (they would review their own case as reporter).
            models.CheckConstraint(
                condition=Q(subject__isnull=True) | Q(reporter__isnull=True) | ~Q(subject=F("reporter")),
                name="report_not_about_the_reporter",
            ),
        ]
        indexes = [models.Index(fields=["state", "review_due_on"], name="report_state_due")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()}"


class Event(AppendOnly):
    """One line of a case's history: a move, a note, a message, a file, an
    explanation. Append-only."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Tiếp nhận")
        TRANSITION = "transition", _("Chuyển trạng thái")
        NOTE = "note", _("Ghi chú nội bộ")
        MESSAGE = "message", _("Trao đổi với người phản ánh")
        EXPLANATION = "explanation", _("Giải trình")
        FILE = "file", _("Tệp chứng cứ")
        ORIGINAL = "original", _("Tải bản gốc chứng cứ")
        RULES = "rules", _("Căn cứ xử lý")
        MEETING = "meeting", _("Họp kiểm điểm")
        COUNCIL = "council", _("Hội đồng kỷ luật")
        DECISION = "decision", _("Quyết định kỷ luật")
        DEFERRAL = "deferral", _("Chưa xem xét kỷ luật")
        EXTENSION = "extension", _("Gia hạn")
        NOTIFIED = "notified", _("Thông báo")

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Written by the case's sealed reporter (a confidential staff member): the actor
    # is then left empty, so the history links to nobody.
    by_reporter = models.BooleanField(default=False)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class Evidence(models.Model):
    """A file attached to a case. The original is kept for inspectors; images are
    also stored without their metadata (EXIF, GPS) for everyone else. An anonymous
    sender's image (or a PNG carrying markup in its text) is stored as the
    re-encoded copy only; `sha256` is always that of the bytes received."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="evidence")
    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="evidence")
    original = models.FileField(storage=evidence_storage, upload_to="original/%Y/%m/")
    display = models.FileField(storage=evidence_storage, upload_to="display/%Y/%m/", blank=True)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.name
