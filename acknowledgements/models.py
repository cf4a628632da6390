import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnly
from directives.models import Directive, Version
from organization.models import Unit


class PrivateStorage(FileSystemStorage):
    """Files outside every served URL. The root is read from the settings on each use
    (not frozen when the model class is built), so tests and deployments that change
    PRIVATE_STORAGE_ROOT write where they say."""

    @property
    def base_location(self):
        return settings.PRIVATE_STORAGE_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def private_storage():
    return PrivateStorage()


class Campaign(models.Model):
    """The acknowledgement campaign ("quán triệt") of one directive."""

    directive = models.OneToOneField(Directive, on_delete=models.PROTECT, related_name="campaign")
    due_on = models.DateField(_("hạn xác nhận"))
    requires_password = models.BooleanField(_("xác nhận bằng mật khẩu"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt quán triệt")
        verbose_name_plural = _("đợt quán triệt")

    def __str__(self) -> str:
        return str(self.directive)


class Target(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    include_subtree = models.BooleanField(_("gồm cả đơn vị trực thuộc"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="target_unique")]

    def __str__(self) -> str:
        return str(self.unit)


# An open assignment: neither acknowledged nor closed. The one spelling of it, used by
# `Assignment.objects.open()`, the partial index and the counts of the dashboards.
OPEN = Q(acknowledged_at__isnull=True, closed_at__isnull=True)


class AssignmentQuerySet(models.QuerySet):
    def open(self) -> "AssignmentQuerySet":
        """Assignments still waiting for their person: not acknowledged, not closed."""
        return self.filter(OPEN)


class Assignment(models.Model):
    """One person asked to acknowledge one version. Closed (not deleted) when the
    person leaves or a material version replaces it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assignments")
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="assignments")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    due_on = models.DateField()
    assigned_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "version"], name="assignment_person_version_unique"),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(closed_at__isnull=True), name="assignment_done_or_closed"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "acknowledged_at", "closed_at"], name="assignment_person_open"),
            models.Index(
                fields=["due_on"],
                name="assignment_due",
                condition=OPEN,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.version}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None and self.closed_at is None


class Method(models.TextChoices):
    """How an acknowledgement was made."""

    ONLINE = "online", _("Trực tuyến")
    MEETING = "meeting", _("Tại buổi quán triệt")
    ON_BEHALF = "behalf", _("Thay mặt")


class Meeting(models.Model):
    """A dissemination session (buổi quán triệt): one or more campaigns read out to
    the people of some units, proved by the signed attendance sheet. Planned first
    (the sheet is printed from it), then recorded once with the signed scan."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Đã lên lịch")
        RECORDED = "recorded", _("Đã ghi nhận")

    campaigns = models.ManyToManyField(Campaign, related_name="meetings", verbose_name=_("văn bản quán triệt"))
    units = models.ManyToManyField(Unit, related_name="+", verbose_name=_("đơn vị tham dự"))
    held_at = models.DateTimeField(_("thời gian"))
    place = models.CharField(_("địa điểm"), max_length=200)
    chair = models.CharField(_("người chủ trì"), max_length=150)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Self check-in by QR code is possible until this time (None: closed).
    checkin_until = models.DateTimeField(null=True, blank=True)
    sheet = models.FileField(storage=private_storage, upload_to="meetings/%Y/", blank=True)
    sheet_name = models.CharField(max_length=200, blank=True)
    sheet_type = models.CharField(max_length=40, blank=True)
    sheet_sha256 = models.CharField(max_length=64, blank=True)
    minutes = models.FileField(storage=private_storage, upload_to="meetings/%Y/", blank=True)
    minutes_name = models.CharField(max_length=200, blank=True)
    minutes_type = models.CharField(max_length=100, blank=True)
    minutes_sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("buổi quán triệt")
        verbose_name_plural = _("buổi quán triệt")
        ordering = ["-held_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["planned", "recorded"]), name="meeting_state_valid"),
            # A recorded session has its signed sheet, its hash and who recorded it.
            models.CheckConstraint(
                condition=Q(state="planned")
                | (~Q(sheet="") & ~Q(sheet_sha256="") & Q(recorded_by__isnull=False, recorded_at__isnull=False)),
                name="meeting_recorded_has_sheet",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place} – {date_format(timezone.localtime(self.held_at), 'SHORT_DATETIME_FORMAT')}"

    @property
    def is_recorded(self) -> bool:
        return self.state == self.State.RECORDED


class Attendee(models.Model):
    """One line of the attendance sheet: a person of the roster, or a guest by name."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    guest_name = models.CharField(max_length=150, blank=True)
    guest_title = models.CharField(max_length=200, blank=True)
    # None until the session is recorded; then whether the person really was there.
    present = models.BooleanField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendee_person_unique"),
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(guest_name="")) | (Q(person__isnull=True) & ~Q(guest_name="")),
                name="attendee_person_or_guest",
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(person__isnull=False), name="attendee_checkin_person"
            ),
        ]

    def __str__(self) -> str:
        return self.guest_name or str(self.person)


class Acknowledgement(AppendOnly):
    """Proof that a person read and committed to the exact text of a version.
    Append-only (the model refuses changes; on PostgreSQL a trigger refuses UPDATE and
    DELETE), with its own HMAC-SHA256 over every field, keyed by `key_id` (see
    acknowledgements/chain.py). From record version 4 its place in the chain is its
    ChainLink, written by the linker after the record's commit; records of versions 2
    and 3 carry their place (`seq`) and the MAC of the one before them in the row.
    Records from before keyed MACs have key id "v1" and a plain SHA-256 of fewer
    fields."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="acknowledgement")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="+")
    text_sha256 = models.CharField(max_length=64)
    acknowledged_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    confirmed_with_password = models.BooleanField(default=False)
    # How it was made. Online: by the person. At a meeting: recorded by the head from
    # the signed attendance sheet (its SHA-256 here). On behalf: recorded by a head
    # with a reason and the signed paper (kept here, its SHA-256 too).
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.ONLINE)
    session = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="acknowledgements", null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    sheet_sha256 = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    paper = models.FileField(storage=private_storage, upload_to="behalf/%Y/", blank=True)
    paper_name = models.CharField(max_length=200, blank=True)
    paper_type = models.CharField(max_length=40, blank=True)
    # The field set the MAC covers: 2 for the records before methods, 3 with them,
    # 4 with the paper's name and type and the place in the chain kept in ChainLink.
    record_version = models.PositiveSmallIntegerField(default=2)
    seq = models.PositiveBigIntegerField(null=True, blank=True)  # unique where set
    key_id = models.CharField(max_length=16)
    previous_hash = models.CharField(max_length=64, blank=True)
    record_hash = models.CharField(max_length=64)  # unique

    class Meta:
        ordering = ["id"]
        constraints = [
            # Constraints rather than unique=True: records from version 4 on have no seq
            # and stay out of its index, and the MAC gets no LIKE index; two indexes
            # fewer written by every acknowledgement (bench/README.md, rush).
            models.UniqueConstraint(fields=["seq"], condition=Q(seq__isnull=False), name="acknowledgement_seq_unique"),
            models.UniqueConstraint(fields=["record_hash"], name="acknowledgement_record_hash_unique"),
            models.CheckConstraint(condition=~Q(key_id=""), name="acknowledgement_key_id_set"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="acknowledgement_seq_positive"),
            models.CheckConstraint(condition=Q(method__in=Method.values), name="acknowledgement_method_valid"),
            models.CheckConstraint(
                condition=Q(method="online", session__isnull=True, recorded_by__isnull=True, sheet_sha256="", reason="")
                | Q(method="meeting", session__isnull=False, recorded_by__isnull=False, reason="") & ~Q(sheet_sha256="")
                | Q(method="behalf", session__isnull=True, recorded_by__isnull=False)
                & ~Q(reason="")
                & ~Q(sheet_sha256="")
                & ~Q(paper=""),
                name="acknowledgement_method_fields",
            ),
            models.CheckConstraint(
                condition=Q(method="online") | Q(record_version__gte=3), name="acknowledgement_method_keyed"
            ),
            models.CheckConstraint(
                condition=Q(record_version__lte=3, seq__isnull=False)
                | Q(record_version__gte=4, seq__isnull=True, previous_hash=""),
                name="acknowledgement_place_by_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.version} – {self.acknowledged_at:%Y-%m-%d %H:%M}"

    @property
    def place(self) -> int | None:
        """The record's number in the chain, or None while it waits for the linker."""
        if self.seq is not None:
            return self.seq
        link = getattr(self, "link", None) if self.pk else None
        return link.seq if link else None


class ChainLink(AppendOnly):
    """The place of a record (version 4 on) in the chain: its number, the chain MAC
    before it and an HMAC over both and the record's own MAC. Written by the linker
    (chain.link) in batches after the records committed; append-only like them."""

    acknowledgement = models.OneToOneField(Acknowledgement, on_delete=models.PROTECT, related_name="link")
    seq = models.PositiveBigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16)
    mac = models.CharField(max_length=64, unique=True)
    linked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(seq__gte=1), name="chainlink_seq_positive"),
            models.CheckConstraint(condition=~Q(key_id=""), name="chainlink_key_id_set"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq}"


class ChainPending(models.Model):
    """A sealed record committed and not linked yet: the linker's queue, with the
    record's MAC that its link covers. Filled by a trigger on every record of version
    4 on (so no record escapes it); a row lives from the record's transaction to the
    linker's, usually milliseconds."""

    acknowledgement = models.OneToOneField(
        Acknowledgement, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    record_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"#{self.acknowledgement_id}"


class ChainHead(models.Model):
    """One row holding the number of records in the chain and the latest chain MAC,
    itself MACed (so the tail cannot be cut off and the head set back to match);
    locking it serialises the linkers (never the acknowledgements themselves)."""

    last_hash = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField(default=0)
    key_id = models.CharField(max_length=16, blank=True)
    mac = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.last_hash


class ImplementationReport(models.Model):
    """A unit head's report that a directive was disseminated in the unit."""

    class Method(models.TextChoices):
        MEETING = "meeting", _("Hội nghị, cuộc họp")
        DOCUMENT = "document", _("Sao gửi văn bản")
        EMAIL = "email", _("Thư điện tử")

    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, related_name="implementation_reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("hình thức triển khai"), max_length=10, choices=Method.choices)
    held_on = models.DateField(_("ngày triển khai"))
    attendees = models.PositiveIntegerField(_("số người tham dự"), null=True, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    attachment = models.FileField(_("tệp đính kèm"), storage=private_storage, upload_to="reports/%Y/", blank=True)
    # The checked file's display name and type (core/uploads.py), for the download.
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=40, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["directive", "unit"], name="implementation_report_unique"),
            models.CheckConstraint(
                condition=Q(method__in=["meeting", "document", "email"]), name="implementation_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.directive} – {self.unit}"
