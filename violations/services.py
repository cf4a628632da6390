"""Violation cases: intake, the review workflow, messages, explanations, evidence.
Every change writes an append-only Event; e-mails go out after commit."""

import datetime
import functools
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organization import permissions
from organization.models import Person, Role, Unit
from violations import workflow
from core.uploads import CheckedFile, check_upload
from violations.models import Channel, Event, Evidence, Outcome, Report, State

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def _review_due() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=settings.VIOLATION_REVIEW_DAYS)


def _notify(task_name: str, report_id: int) -> None:
    from violations import tasks

    transaction.on_commit(lambda: getattr(tasks, task_name).delay(report_id))


def _check_files(files) -> list[CheckedFile]:
    """Check every upload before anything is written, so a bad file saves nothing."""
    return [check_upload(upload, max_bytes=settings.EVIDENCE_MAX_MB * 1024 * 1024) for upload in files or []]


def _store_files(report: Report, checked_files: list[CheckedFile], by: Person | None) -> None:
    for checked in checked_files:
        event = Event.objects.create(report=report, kind=Event.Kind.FILE, actor=by, text=checked.name)
        evidence = Evidence(
            report=report, event=event, name=checked.name, content_type=checked.content_type,
            size=checked.size, sha256=checked.sha256,
        )  # fmt: skip
        stored_name = f"{report.pk}-{checked.sha256[:16]}{checked.extension}"
        evidence.original.save(stored_name, ContentFile(checked.data), save=False)
        if checked.display is not None:
            evidence.display.save(stored_name, ContentFile(checked.display), save=False)
        evidence.save()


@transaction.atomic
def report_create(
    *,
    by: Person,
    subject: Person,
    category: str,
    platform: str,
    seen_at: datetime.datetime,
    description: str,
    url: str = "",
    confidential: bool = False,
    directives=(),
    obligations=(),
    files=(),
) -> Report:
    """Log a report about a person. A unit head over that person logs it as the
    head; anyone else's report goes to the heads of the person's unit. Files are
    checked before anything is saved (the transaction rolls back on a bad file)."""
    if subject.unit is None or not subject.is_active:
        raise ValidationError(_("Không thể phản ánh về người này."))
    checked = _check_files(files)
    is_head = permissions.covers(by, subject.unit, Role.UNIT_HEAD)
    report = Report.objects.create(
        unit=subject.unit,
        subject=subject,
        channel=Channel.HEAD if is_head else Channel.STAFF,
        reporter=by,
        confidential=confidential and not is_head,
        category=category,
        platform=platform,
        url=url,
        seen_at=seen_at,
        description=description,
        review_due_on=_review_due(),
    )
    report.directives.set(directives)
    report.obligations.set(obligations)
    Event.objects.create(report=report, kind=Event.Kind.CREATED, actor=by, to_state=report.state)
    _store_files(report, checked, by)
    _notify("notify_new_report", report.pk)
    return report


@transaction.atomic
def report_create_anonymous(
    *,
    unit: Unit,
    subject_description: str,
    category: str,
    platform: str,
    seen_at,
    description: str,
    url: str = "",
    files=(),
) -> tuple[Report, str, str]:
    """An anonymous report: no account, no IP stored. Returns the case with the
    receipt code and the secret, which are shown once and never again."""
    checked = _check_files(files)
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))
    secret = secrets.token_urlsafe(12)
    report = Report.objects.create(
        unit=unit,
        subject_description=subject_description,
        channel=Channel.ANONYMOUS,
        confidential=True,
        category=category,
        platform=platform,
        url=url,
        seen_at=seen_at,
        description=description,
        review_due_on=_review_due(),
        receipt_code=code,
        secret_hash=make_password(secret),
    )
    Event.objects.create(report=report, kind=Event.Kind.CREATED, to_state=report.state)
    _store_files(report, checked, None)
    _notify("notify_new_report", report.pk)
    return report, code, secret


def anonymous_lookup(*, code: str, secret: str) -> Report | None:
    """The anonymous case for this receipt, or None; a wrong code and a wrong secret
    look the same, and both cost a password hash."""
    report = Report.objects.filter(receipt_code=(code or "").strip().upper(), channel=Channel.ANONYMOUS).first()
    valid = check_password(secret or "", report.secret_hash if report else _dummy_hash())
    return report if report and valid else None


@functools.cache
def _dummy_hash() -> str:
    return make_password(secrets.token_urlsafe(12))


def report_transition(*, report: Report, to: str, by: Person, role: str, note: str = "", outcome: str = "") -> Report:
    """Move a case along the workflow table. Dismissing needs a reason, closing needs
    an outcome; a concurrent move of the same case makes this one fail."""
    report.refresh_from_db(fields=["state"])
    from_state = report.state
    if not workflow.may_move(role, from_state, to):
        raise ValidationError(_("Bạn không thể chuyển hồ sơ từ “%(from)s” sang “%(to)s”.") % {
            "from": State(from_state).label, "to": State(to).label,
        })  # fmt: skip
    if to == State.DISMISSED and not note.strip():
        raise ValidationError(_("Hãy ghi lý do hủy hoặc kết luận không vi phạm."))
    if to == State.CLOSED and outcome not in Outcome.values:
        raise ValidationError(_("Hãy chọn hình thức xử lý trước khi kết thúc hồ sơ."))
    with transaction.atomic():
        moved = Report.objects.filter(pk=report.pk, state=from_state).update(
            state=to, outcome=outcome if to == State.CLOSED else ""
        )
        if not moved:
            raise ValidationError(_("Hồ sơ vừa được người khác cập nhật; hãy tải lại trang."))
        text = note.strip()
        if to == State.CLOSED:
            text = f"{Outcome(outcome).label}. {text}".strip()
        Event.objects.create(
            report=report, kind=Event.Kind.TRANSITION, actor=by, from_state=from_state, to_state=to, text=text
        )
        if to == State.CONFIRMED and report.subject_id:
            _notify("notify_subject_confirmed", report.pk)
    report.refresh_from_db()
    return report


@transaction.atomic
def report_note(*, report: Report, by: Person, text: str) -> Event:
    """An internal note, read by reviewers and inspectors only."""
    if not text.strip():
        raise ValidationError(_("Nội dung không được để trống."))
    return Event.objects.create(report=report, kind=Event.Kind.NOTE, actor=by, text=text.strip())


@transaction.atomic
def report_message(*, report: Report, by: Person | None, text: str, files=()) -> Event:
    """A message between the reporter (or the anonymous reporter, by=None) and the
    reviewers. The reporter's answer to a request for information reopens review."""
    if not text.strip():
        raise ValidationError(_("Nội dung không được để trống."))
    checked = _check_files(files)
    event = Event.objects.create(report=report, kind=Event.Kind.MESSAGE, actor=by, text=text.strip())
    _store_files(report, checked, by)
    from_reporter = by is None or by.pk == report.reporter_id
    if from_reporter and report.state == State.NEEDS_INFORMATION:
        moved = Report.objects.filter(pk=report.pk, state=State.NEEDS_INFORMATION).update(state=State.UNDER_REVIEW)
        if moved:
            Event.objects.create(
                report=report, kind=Event.Kind.TRANSITION, actor=by,
                from_state=State.NEEDS_INFORMATION, to_state=State.UNDER_REVIEW,
            )  # fmt: skip
            report.state = State.UNDER_REVIEW
    return event


@transaction.atomic
def report_explain(*, report: Report, by: Person, text: str, files=()) -> Event:
    """The person reported answers a confirmed case in writing (giải trình)."""
    if report.subject_id != by.pk or report.state != State.CONFIRMED:
        raise ValidationError(_("Chỉ người bị phản ánh giải trình được, khi hồ sơ đã được xác định."))
    if not text.strip():
        raise ValidationError(_("Nội dung giải trình không được để trống."))
    checked = _check_files(files)
    event = Event.objects.create(report=report, kind=Event.Kind.EXPLANATION, actor=by, text=text.strip())
    _store_files(report, checked, by)
    return event


@transaction.atomic
def evidence_add(*, report: Report, by: Person, files) -> None:
    _store_files(report, _check_files(files), by)
