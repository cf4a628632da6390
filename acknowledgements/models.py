import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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


class Acknowledgement(models.Model):
    """Proof that a person read and committed to the exact text of a version.
    Append-only (the model refuses changes; on PostgreSQL a trigger refuses UPDATE and
    DELETE): each record carries its place in the chain (`seq`), the MAC of the one
    before it and its own HMAC-SHA256 over every field, keyed by `key_id` (see
    acknowledgements/chain.py). Records from before keyed MACs have key id "v1" and a
    plain SHA-256 of fewer fields."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="acknowledgement")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="+")
    text_sha256 = models.CharField(max_length=64)
    acknowledged_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    confirmed_with_password = models.BooleanField(default=False)
    seq = models.PositiveBigIntegerField(unique=True)
    key_id = models.CharField(max_length=16)
    previous_hash = models.CharField(max_length=64)
    record_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(key_id=""), name="acknowledgement_key_id_set"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="acknowledgement_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.version} – {self.acknowledged_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("acknowledgements are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("acknowledgements are immutable")


class ChainHead(models.Model):
    """One row holding the number of records and the latest record's MAC, itself
    MACed (so the tail cannot be cut off and the head set back to match); locking it
    serialises the chain."""

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
