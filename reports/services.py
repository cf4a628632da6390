"""Writes of the reports app: the log of exports (which also joins the audit trail)
and the background exports: request, run, cancel, sweep."""

import datetime
import logging
import os
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from core import outbox
from core.audit import audit_record
from core.models import AuditAction
from core.routers import replica_reads
from organization.models import Person
from reports import exports, selectors
from reports.models import ExportJob, ExportLog
from reports.rollup import rollup_rebuild
from reports.selectors import Filters

__all__ = ["export_job_cancel", "export_job_request", "export_job_run", "export_log_record", "export_sweep",
           "rollup_rebuild"]  # fmt: skip

logger = logging.getLogger(__name__)

EXPORT_KINDS = ("summary", "assignments", "cases")
EXPORT_FORMATS = ("csv", "xlsx", "pdf", "json")
# Also logged: the periodic implementation report (reports/implementation_views.py),
# which the export_compliance command does not make.
LOGGED_KINDS = (*EXPORT_KINDS, "implementation")
LOGGED_FORMATS = (*EXPORT_FORMATS, "docx")
# The exports that may run in the background: the two that grow with the assignments.
BACKGROUND = {("assignments", "csv"), ("summary", "xlsx")}
READY_KIND = "export_ready"
State = ExportJob.State
PROGRESS_SECONDS = 1.0  # how often a running export writes its progress


def export_log_record(*, person: Person | None, kind: str, format: str, filters: Filters) -> ExportLog:
    """One row per export: who (None for the command line), what, in which format,
    with which filters (unit and directive codes, ISO dates). An unknown kind or
    format is a programming error and raises ValueError before anything is written."""
    if kind not in LOGGED_KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    if format not in LOGGED_FORMATS:
        raise ValueError(f"unknown export format {format!r}")
    with transaction.atomic():
        audit_record(
            action=AuditAction.EXPORT, actor=person, target=f"{kind}.{format}", unit_path=filters.unit.path,
            data=filters.as_dict(),
        )  # fmt: skip
        return ExportLog.objects.create(person=person, kind=kind, format=format, filters=filters.as_dict())


def export_job_request(*, person: Person, kind: str, format: str, filters: Filters) -> tuple[ExportJob, bool]:
    """Queue a background export (logged and audited when downloaded, like any
    export); its task is enqueued after commit. One person has at most one export queued or running (a
    partial unique index): a second request, even at the same moment, joins that
    one, and the second value returned is False."""
    if (kind, format) not in BACKGROUND:
        raise ValueError(f"{kind}.{format} is not a background export")
    active = ExportJob.objects.filter(person=person, state__in=ExportJob.ACTIVE).first()
    if active is not None:
        return active, False
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                person=person, kind=kind, format=format, filters=_job_filters(filters), unit_path=filters.unit.path,
                rows_expected=selectors.assignment_count(filters),
            )  # fmt: skip
            transaction.on_commit(lambda: _enqueue(job.pk))
    except IntegrityError:
        active = ExportJob.objects.filter(person=person, state__in=ExportJob.ACTIVE).first()
        if active is None:
            raise
        return active, False
    return job, True


def _job_filters(filters: Filters) -> dict:
    return {
        "unit": filters.unit.pk,
        "directive": filters.directive.pk if filters.directive else None,
        "from": filters.start.isoformat() if filters.start else "",
        "to": filters.end.isoformat() if filters.end else "",
    }


def _enqueue(job_id: int) -> None:
    from reports.tasks import export_job_task  # the tasks module imports this one

    try:
        export_job_task.delay(job_id)
    except Exception:  # an eager run that failed is recorded on the job; a broker down leaves it to the sweep
        logger.warning("export %s: not handed to a worker now; the sweep retries", job_id, exc_info=True)


class Cancelled(Exception):
    pass


class _Progress:
    """Writes rows_written and the heartbeat on a connection of its own (the task's
    connection is busy with the COPY) at most every PROGRESS_SECONDS, and stops the
    export when the job was cancelled meanwhile."""

    def __init__(self, job: ExportJob):
        self.job_id, self.last, self.rows = job.pk, 0.0, 0
        # SQLite has one writer at a time: there the task's own connection writes.
        self.own = connections["default"].vendor == "postgresql"
        self.connection = connections.create_connection("default") if self.own else connections["default"]

    def __call__(self, rows: int) -> None:
        self.rows = rows
        now = time.monotonic()
        if now - self.last >= PROGRESS_SECONDS:
            self.last = now
            self.flush()

    def flush(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE reports_exportjob SET rows_written = %s, heartbeat_at = %s WHERE id = %s RETURNING state",
                [self.rows, timezone.now(), self.job_id],
            )
            row = cursor.fetchone()
        if row is not None and row[0] != State.RUNNING:
            raise Cancelled

    def close(self) -> None:
        if self.own:
            self.connection.close()


def _paths(job: ExportJob) -> tuple[Path, Path]:
    folder = Path(settings.EXPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(8)
    return folder / f".{job.pk}-{token}.part", folder / f"{job.pk}-{token}.{job.format}"


def job_filters(job: ExportJob) -> Filters:
    from directives.models import Directive
    from organization.models import Unit

    data = job.filters
    return Filters(
        unit=Unit.objects.get(pk=data["unit"]),
        directive=Directive.objects.get(pk=data["directive"]) if data.get("directive") else None,
        start=datetime.date.fromisoformat(data["from"]) if data.get("from") else None,
        end=datetime.date.fromisoformat(data["to"]) if data.get("to") else None,
    )


def _claim(job_id: int) -> bool:
    """Queued, or running with a worker that stopped giving signs of life (killed):
    only one worker takes it."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.EXPORT_STALE_SECONDS)
    return bool(
        ExportJob.objects.filter(Q(state=State.QUEUED) | Q(state=State.RUNNING, heartbeat_at__lt=stale), pk=job_id)
        .update(state=State.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), rows_written=0,
                attempts=F("attempts") + 1)
    )  # fmt: skip


def export_job_run(*, job_id: int, max_attempts: int = 3) -> str:
    """Make the job's file. Guarantees: the file is written under a temporary name
    and renamed only when complete, so a worker killed mid-export leaves no file
    offered (the sweep starts the job again); a job cancelled meanwhile stops at its
    next progress write and leaves no file; the person is told (a notice on the
    page, an e-mail through the outbox) once it is done. Returns the final state,
    or "skipped" when another worker holds the job or it is no longer wanted."""
    if not _claim(job_id):
        return "skipped"
    job = ExportJob.objects.get(pk=job_id)
    part, final = _paths(job)
    progress = _Progress(job)
    try:
        with replica_reads():
            filters = job_filters(job)
            with part.open("wb") as out:
                if job.format == "csv":
                    rows = _write_csv(filters, out, progress)
                else:
                    rows = exports.xlsx_workbook(selectors.summary(filters), filters, out, progress=progress)
                out.flush()
                os.fsync(out.fileno())
        progress.rows = rows
        progress.flush()
        os.replace(part, final)
        for earlier in final.parent.glob(f".{job_id}-*.part"):  # left by a killed attempt
            earlier.unlink(missing_ok=True)
    except Cancelled:
        part.unlink(missing_ok=True)
        return State.CANCELLED
    except Exception as exc:
        part.unlink(missing_ok=True)
        job.refresh_from_db()
        if job.attempts >= max_attempts:
            ExportJob.objects.filter(pk=job_id, state=State.RUNNING).update(
                state=State.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000]
            )
            logger.exception("export %s failed", job_id)
            return State.FAILED
        ExportJob.objects.filter(pk=job_id, state=State.RUNNING).update(state=State.QUEUED)
        raise
    finally:
        progress.close()
    now = timezone.now()
    with transaction.atomic():
        done = ExportJob.objects.filter(pk=job_id, state=State.RUNNING).update(
            state=State.DONE, file_path=str(final), file_size=final.stat().st_size, rows_written=rows,
            finished_at=now, heartbeat_at=now, expires_at=now + datetime.timedelta(days=settings.EXPORT_KEEP_DAYS),
        )  # fmt: skip
        if done:
            outbox.outbox_claim(
                [outbox.new_message(kind=READY_KIND, key=f"export-ready:{job_id}", recipient_id=job.person_id,
                                    ref=job_id)]
            )  # fmt: skip
    if not done:  # cancelled between the last progress write and now
        final.unlink(missing_ok=True)
        return State.CANCELLED
    return State.DONE


def _write_csv(filters: Filters, out, progress) -> int:
    if selectors.uses_copy():
        return exports.csv_assignments_copy(filters, out, progress=progress)
    rows = 0
    for chunk in exports.csv_assignments(filters):
        out.write(chunk)
        rows += chunk.count(b"\r\n")
        progress(rows)
    return rows - 1  # the header


def export_job_cancel(*, job: ExportJob, by: Person) -> bool:
    """Cancel a queued or running export of one's own; a running worker stops at its
    next progress write (within about a second) and deletes what it wrote."""
    return bool(
        ExportJob.objects.filter(pk=job.pk, person=by, state__in=ExportJob.ACTIVE).update(
            state=State.CANCELLED, finished_at=timezone.now()
        )
    )


def export_sweep(*, now: datetime.datetime | None = None) -> dict:
    """Beat's pass: delete expired files (the job stays, without its file), start
    again the running jobs whose worker went silent and the queued ones nobody took,
    remove temporary files no live worker is writing. Safe to run twice at once."""
    now = now or timezone.now()
    expired = 0
    for job in ExportJob.objects.filter(state=State.DONE, expires_at__lt=now).exclude(file_path=""):
        if ExportJob.objects.filter(pk=job.pk, file_path=job.file_path).update(file_path=""):
            Path(job.file_path).unlink(missing_ok=True)
            expired += 1
    stale = now - datetime.timedelta(seconds=settings.EXPORT_STALE_SECONDS)
    restart = list(
        ExportJob.objects.filter(
            Q(state=State.RUNNING, heartbeat_at__lt=stale) | Q(state=State.QUEUED, created_at__lt=stale)
        ).values_list("pk", flat=True)
    )
    for job_id in restart:
        _enqueue(job_id)
    folder = Path(settings.EXPORT_DIR)
    live = {
        f".{pk}-"
        for pk in ExportJob.objects.filter(state=State.RUNNING, heartbeat_at__gte=stale).values_list("pk", flat=True)
    }
    removed = 0
    for part in folder.glob(".*.part") if folder.exists() else []:
        if not any(part.name.startswith(prefix) for prefix in live):
            part.unlink(missing_ok=True)
            removed += 1
    return {"expired": expired, "restarted": len(restart), "parts_removed": removed}
