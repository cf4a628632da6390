from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from directives.models import Directive
from organization.models import Unit


class ExportLog(models.Model):
    """Who exported what, when, with which filters."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    kind = models.CharField(max_length=20)  # summary, assignments, cases, implementation
    format = models.CharField(max_length=5)
    filters = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format__in=["csv", "xlsx", "pdf", "json", "docx"]), name="exportlog_format_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}.{self.format} {self.created_at:%Y-%m-%d %H:%M}"


class ExportJob(models.Model):
    """A large export made by a Celery worker into a file that the person who asked
    for it downloads later. The file exists under `file_path` only once it is
    complete (written under a temporary name, renamed on success)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")
        CANCELLED = "cancelled", _("Đã hủy")

    ACTIVE = (State.QUEUED, State.RUNNING)

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20)
    format = models.CharField(max_length=5)
    filters = models.JSONField(default=dict)
    unit_path = models.CharField(max_length=255)  # the scope, for the access check
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    rows_written = models.PositiveBigIntegerField(default=0)
    rows_expected = models.PositiveBigIntegerField(default=0)
    file_path = models.CharField(max_length=500, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # the worker's last sign of life
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "done", "failed", "cancelled"]),
                name="exportjob_state_valid",
            ),
            models.CheckConstraint(condition=Q(format__in=["csv", "xlsx"]), name="exportjob_format_valid"),
            # A finished file is offered only with its expiry; nothing else has a file.
            models.CheckConstraint(
                condition=Q(state="done", expires_at__isnull=False) | ~Q(state="done"),
                name="exportjob_done_expires",
            ),
            models.CheckConstraint(condition=Q(file_path="") | Q(state="done"), name="exportjob_file_only_when_done"),
            # One running export per person: a second request joins the running one.
            models.UniqueConstraint(
                fields=["person"], condition=Q(state__in=["queued", "running"]), name="exportjob_one_active_per_person"
            ),
        ]
        indexes = [models.Index(fields=["state", "expires_at"], name="exportjob_state_expires")]

    def __str__(self) -> str:
        return f"{self.kind}.{self.format} #{self.pk} {self.state}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE


class AssignmentRollup(models.Model):
    """Current (not closed) assignments counted per unit × directive × day assigned
    × due day, so that the dashboards read a few thousand rows instead of millions.
    On PostgreSQL, triggers on the assignment and person tables (reports/rollup.py)
    keep it current in the transaction that changes an assignment; SQLite recounts.
    Overdue is "open and due before today", computed when read."""

    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    directive = models.ForeignKey(Directive, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    assigned_on = models.DateField()
    due_on = models.DateField()
    n_targeted = models.BigIntegerField(default=0)
    n_on_time = models.BigIntegerField(default=0)
    n_late = models.BigIntegerField(default=0)
    n_open = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "directive", "assigned_on", "due_on"], name="assignmentrollup_key"),
            models.CheckConstraint(
                condition=Q(n_targeted=F("n_on_time") + F("n_late") + F("n_open")), name="assignmentrollup_sums"
            ),
        ]

    def __str__(self) -> str:
        return f"unit {self.unit_id} × directive {self.directive_id}: {self.n_targeted}"


class AcknowledgementDaily(models.Model):
    """Acknowledgements of current assignments per unit × directive × day assigned ×
    day acknowledged: the dashboard's progress series. Kept like AssignmentRollup."""

    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    directive = models.ForeignKey(Directive, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    assigned_on = models.DateField()
    acknowledged_on = models.DateField()
    n_acknowledged = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "directive", "assigned_on", "acknowledged_on"], name="acknowledgementdaily_key"
            ),
        ]
        # A dashboard filtered by a period reads the rows assigned in it from this index
        # alone (a fifth of the table for the last 30 days at the benchmark's size).
        indexes = [
            models.Index(
                fields=["assigned_on"],
                include=["unit", "acknowledged_on", "n_acknowledged"],
                name="acknowledgementdaily_period",
            ),
        ]

    def __str__(self) -> str:
        return f"unit {self.unit_id} × directive {self.directive_id} on {self.acknowledged_on}: {self.n_acknowledged}"


class AcknowledgementUnitDay(models.Model):
    """Acknowledgements of current assignments per unit × day acknowledged, with no
    directive or day assigned: the progress series of a dashboard without those
    filters, summed over about (units × days) rows instead of AcknowledgementDaily's
    (units × directives × days). Keyed by unit, not by subtree, so that moving a unit
    changes nothing here, as for the other two. Kept like AssignmentRollup."""

    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    acknowledged_on = models.DateField()
    n_acknowledged = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "acknowledged_on"], name="acknowledgementunitday_key"),
        ]

    def __str__(self) -> str:
        return f"unit {self.unit_id} on {self.acknowledged_on}: {self.n_acknowledged}"
