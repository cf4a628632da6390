"""Writes of the reports app: the log of exports, which also joins the audit trail."""

from django.db import transaction

from core.audit import audit_record
from core.models import AuditAction
from organization.models import Person
from reports.models import ExportLog
from reports.selectors import Filters

EXPORT_KINDS = ("summary", "assignments", "cases")
EXPORT_FORMATS = ("csv", "xlsx", "pdf", "json")


def export_log_record(*, person: Person | None, kind: str, format: str, filters: Filters) -> ExportLog:
    """One row per export: who (None for the command line), what, in which format,
    with which filters (unit and directive codes, ISO dates). An unknown kind or
    format is a programming error and raises ValueError before anything is written."""
    if kind not in EXPORT_KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    if format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {format!r}")
    with transaction.atomic():
        audit_record(
            action=AuditAction.EXPORT, actor=person, target=f"{kind}.{format}", unit_path=filters.unit.path,
            data=filters.as_dict(),
        )  # fmt: skip
        return ExportLog.objects.create(person=person, kind=kind, format=format, filters=filters.as_dict())
