import hashlib
import os
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organization.models import Unit


class DocType(models.TextChoices):
    OFFICIAL_LETTER = "cong_van", _("Công văn")
    DIRECTIVE = "chi_thi", _("Chỉ thị")
    DECISION = "quyet_dinh", _("Quyết định")
    PLAN = "ke_hoach", _("Kế hoạch")
    NOTICE = "thong_bao", _("Thông báo")
    GUIDANCE = "huong_dan", _("Hướng dẫn")
    OTHER = "khac", _("Văn bản khác")


class Status(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã ban hành")


class Directive(models.Model):
    """An official document as the portal tracks it. Its text lives in versions."""

    owner_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="directives", verbose_name=_("đơn vị quản lý")
    )
    doc_type = models.CharField(
        _("loại văn bản"), max_length=20, choices=DocType.choices, default=DocType.OFFICIAL_LETTER
    )
    number = models.CharField(_("số"), max_length=20, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=60, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    # Drafts leave the day or month blank: "2024-08-28", "2019-11" or "2023".
    issued_on = models.CharField(_("ngày ban hành"), max_length=10, blank=True)
    subject = models.TextField(_("trích yếu"))
    recipients = models.JSONField(_("kính gửi"), default=list, blank=True)
    distribution = models.JSONField(_("nơi nhận"), default=list, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=255, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=150, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Lower-case text without Vietnamese accents, so "mang xa hoi" finds "mạng xã hội";
    # PostgreSQL indexes it with trigrams (migration 0002).
    search_document = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("văn bản chỉ đạo")
        verbose_name_plural = _("văn bản chỉ đạo")
        ordering = ["-issued_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "symbol"],
                condition=~Q(number=""),
                name="directive_code_unique",
                violation_error_message=_("Đã tồn tại văn bản có cùng số và ký hiệu."),
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="directive_status_valid"),
            models.CheckConstraint(condition=Q(doc_type__in=DocType.values), name="directive_doc_type_valid"),
            models.CheckConstraint(
                condition=Q(issued_on="") | Q(issued_on__regex=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"),
                name="directive_issued_on_iso",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code or _('Chưa có số')} – {self.subject[:80]}"

    @property
    def code(self) -> str:
        """The document's identifier, "3821/TCT-KTNB"; blank for a draft without a number."""
        return self.code_of(self.number, self.symbol)

    @staticmethod
    def code_of(number, symbol: str) -> str:
        return f"{number}/{symbol}" if number and symbol else ""


class Version(models.Model):
    """One text of a directive. Once published it never changes: a change is a new version."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    text = models.TextField(_("toàn văn"))
    sha256 = models.CharField(max_length=64, editable=False)
    change_note = models.TextField(_("nội dung thay đổi"), blank=True)
    is_material = models.BooleanField(_("thay đổi nội dung"), default=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản")
        verbose_name_plural = _("phiên bản")
        ordering = ["directive", "number"]
        constraints = [
            models.UniqueConstraint(fields=["directive", "number"], name="version_number_unique"),
            # At most one draft (unpublished) version per directive at a time.
            models.UniqueConstraint(
                fields=["directive"], condition=Q(published_at__isnull=True), name="version_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True, published_by__isnull=True) | Q(published_at__isnull=False),
                name="version_published_pair",
            ),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="version_sha256_hex"),
        ]

    def __str__(self) -> str:
        return f"{self.directive} (v{self.number})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @staticmethod
    def digest(text: str, attachments: Iterable[tuple[str, str]] = ()) -> str:
        """SHA-256 of what is acknowledged: the text, then, when the version sends
        documents along, one line per attachment (its SHA-256 and title, in order)
        after a NUL byte, which no stored text holds. A version without attachments
        keeps the hash of its text alone."""
        lines = [f"{sha256} {title}" for sha256, title in attachments]
        payload = text + ("\n\x00" + "\n".join(lines) if lines else "")
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def attachment_digests(self) -> list[tuple[str, str]]:
        return list(self.attachments.order_by("position").values_list("sha256", "title"))


class Obligation(models.Model):
    """A numbered duty in a version's text ("1. Quán triệt đến toàn thể...")."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="obligations")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=10)
    text = models.TextField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="obligation_position_unique")]

    def __str__(self) -> str:
        return f"{self.label}. {self.text[:60]}"


class Reference(models.Model):
    """A document a version cites, and what it resolved to: a directive stored here,
    an entry of the national catalogue, or nothing (with a suggestion when the code
    looks like a typo of a known one)."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField()
    # Codes fit any stored directive's code: number (20) + "/" + symbol (60).
    code = models.CharField(_("số, ký hiệu văn bản được trích dẫn"), max_length=81, blank=True)
    kind = models.CharField(_("loại văn bản được trích dẫn"), max_length=40, blank=True)
    date = models.CharField(_("ngày của văn bản được trích dẫn"), max_length=10, blank=True)
    # A cited title can be a stored directive's subject, which has no length limit.
    title = models.TextField(_("tên văn bản được trích dẫn"), blank=True)
    text = models.TextField(blank=True)
    resolved_code = models.CharField(_("văn bản đã xác định"), max_length=81, blank=True)
    resolved_directive = models.ForeignKey(
        Directive, on_delete=models.SET_NULL, null=True, blank=True, related_name="cited_by"
    )
    suggestion = models.CharField(max_length=81, blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="reference_position_unique")]
        indexes = [models.Index(fields=["resolved_code"], name="reference_resolved_code")]

    def __str__(self) -> str:
        return self.code or self.title


class Question(models.Model):
    """A multiple-choice comprehension question attached to a version."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    prompt = models.TextField(_("câu hỏi"))
    choices = models.JSONField(_("các phương án"))
    answer = models.PositiveSmallIntegerField(_("phương án đúng"))

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="question_position_unique")]

    def __str__(self) -> str:
        return self.prompt[:80]


class _PrivateFolder(FileSystemStorage):
    """A folder of PRIVATE_STORAGE_ROOT, read at each use rather than when models load."""

    folder = ""

    @property
    def base_location(self):
        return str(settings.PRIVATE_STORAGE_ROOT / self.folder)

    @property
    def location(self):
        return os.path.abspath(self.base_location)


class _ImportStorage(_PrivateFolder):
    folder = "imports"


class _AttachmentStorage(_PrivateFolder):
    folder = "directives"


def import_storage():
    """Uploaded files wait for their import here, outside every served URL."""
    return _ImportStorage()


def attachment_storage():
    """Documents sent along with a directive, served only through a scope-checked view."""
    return _AttachmentStorage()


class Attachment(models.Model):
    """A document a version sends along (an annex, "Tài liệu gửi kèm theo: Cẩm nang…"),
    checked by core.uploads. Its SHA-256 enters the version's digest, so what a
    person acknowledges covers it; a published version's attachments never change.
    A new version starts with the rows of the one before, pointing at the same files."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="attachments")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("tên tài liệu"), max_length=255)
    file = models.FileField(storage=attachment_storage, max_length=255)
    name = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu gửi kèm")
        verbose_name_plural = _("tài liệu gửi kèm")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="attachment_position_unique"),
            models.UniqueConstraint(fields=["version", "sha256"], name="attachment_file_once_per_version"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="attachment_sha256_hex"),
            models.CheckConstraint(condition=~Q(title="") & ~Q(file=""), name="attachment_title_and_file"),
        ]

    def __str__(self) -> str:
        return self.title


def _import_path(job: "ImportJob", filename: str) -> str:
    # Never the sender's name on disk: the job id and the (checked) extension.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{job.pk}.{extension}"


class ImportState(models.TextChoices):
    QUEUED = "queued", _("Đang chờ đọc")
    RUNNING = "running", _("Đang đọc")
    DONE = "done", _("Đã đọc xong")
    FAILED = "failed", _("Không đọc được")


class ImportJob(models.Model):
    """An uploaded file being read in the background, and what came out of it.

    result holds {"text": ..., "parsed": ...}: the text read and the importer's
    fields, with cited documents not yet resolved (resolution depends on who
    looks; see selectors.import_review_for)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The creator's unit at upload time: administrators over it may follow the job too.
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    file = models.FileField(storage=import_storage, upload_to=_import_path, max_length=255, blank=True)
    filename = models.CharField(_("tên tệp"), max_length=255)
    language = models.CharField(max_length=10, default="vi")
    state = models.CharField(_("trạng thái"), max_length=10, choices=ImportState.choices, default=ImportState.QUEUED)
    error = models.TextField(_("lỗi"), blank=True)
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lượt nhập văn bản")
        verbose_name_plural = _("lượt nhập văn bản")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ImportState.values), name="import_job_state_valid"),
            # A finished job has its outcome: a result when done, a message when failed.
            models.CheckConstraint(
                condition=~Q(state=ImportState.DONE) | Q(result__isnull=False, finished_at__isnull=False),
                name="import_job_done_has_result",
            ),
            models.CheckConstraint(
                condition=~Q(state=ImportState.FAILED) | (~Q(error="") & Q(finished_at__isnull=False)),
                name="import_job_failed_has_error",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    @property
    def is_finished(self) -> bool:
        return self.state in (ImportState.DONE, ImportState.FAILED)
