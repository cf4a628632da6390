"""Violation cases: intake, the review workflow, messages, explanations, evidence.
Every change writes an append-only Event; e-mails are claimed on the outbox in the
same transaction (violations/notices.py) and go out after commit."""

import datetime
import functools
import os
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.models import AuditAction
from core.uploads import check_upload
from organization import permissions
from organization.models import Person, Role, Unit
from violations import identity, notices, rules, selectors, workflow
from violations.models import Channel, Event, Evidence, Report, State

EXPLAIN_STATES = (State.HEARING, State.CONFIRMED, State.MEETING, State.COUNCIL)
# The receipt code and the secret are copied by hand from a screen or a printout:
# capitals and digits with no look-alikes (no 0/O, 1/I/L, no lower case), read in
# groups; the secret has 16 of them (79 bits).
RECEIPT_ALPHABET = SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# The constraint wants someone named; an anonymous sender may not know who it was.
UNKNOWN_SUBJECT = "Người gửi không biết họ tên, chức vụ"


def grouped(value: str, size: int = 4) -> str:
    """ "ABCDEFGH" as "ABCD-EFGH", for reading aloud and copying."""
    return "-".join(value[i : i + size] for i in range(0, len(value), size))


def _typed(value: str) -> str:
    """A code or secret as typed: groups, spaces and case do not matter."""
    return "".join(ch for ch in (value or "") if ch.isalnum()).upper()


def _review_due() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=settings.VIOLATION_REVIEW_DAYS)


def _day_start() -> datetime.datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def _anonymous_sender(report: Report, by: Person | None) -> bool:
    return by is None and report.channel == Channel.ANONYMOUS


def event_append(*, report: Report, kind: str, by: Person | None, **fields) -> Event:
    """Append one history line. A line written by an anonymous sender keeps only its
    day, so its time cannot be matched against a proxy's log."""
    if by is not None and identity.is_sealed_reporter(by, report):
        by, fields = None, {**fields, "by_reporter": True}  # the line links to nobody
    event = Event.objects.create(report=report, kind=kind, actor=by, **fields)
    if _anonymous_sender(report, by):
        day = _day_start()
        Event.objects.filter(pk=event.pk).update(created_at=day)  # once, as it is written
        event.created_at = day
    return event


def _refuse_too_many_files(report: Report | None, files: list) -> None:
    limit = settings.EVIDENCE_MAX_FILES
    already = Evidence.objects.filter(report=report).count() if report is not None else 0
    if already + len(files) > limit:
        raise ValidationError(
            _("Mỗi hồ sơ nhận tối đa %(limit)s tệp chứng cứ; hồ sơ này đã có %(already)s tệp.")
            % {"limit": limit, "already": already}
        )


def _backdate(storage, name: str, day: datetime.datetime) -> None:
    try:
        path = storage.path(name)
    except NotImplementedError:  # a storage without local files keeps its own times
        return
    os.utime(path, (day.timestamp(), day.timestamp()))


def _attach_files(report: Report, files: list, by: Person | None) -> None:
    """Check each upload and store it before the next one is read, so at most one
    file's content is in memory. A refused file raises ValidationError: the files
    this call stored are deleted and the caller's transaction drops the rows.

    An anonymous sender's images are stored as the re-encoded copy only (no EXIF,
    GPS or camera serial to identify them); the SHA-256 is of what was received."""
    anonymous = _anonymous_sender(report, by)
    written: list[tuple[object, str]] = []
    try:
        for upload in files:
            checked = check_upload(upload, max_bytes=settings.EVIDENCE_MAX_MB * 1024 * 1024)
            event = event_append(report=report, kind=Event.Kind.FILE, by=by, text=checked.name)
            evidence = Evidence(
                report=report, event=event, name=checked.name, content_type=checked.content_type,
                size=checked.size, sha256=checked.sha256,
            )  # fmt: skip
            stored_name = f"{report.pk}-{checked.sha256[:16]}{checked.extension}"
            if checked.display is not None and (anonymous or not checked.received_kept):
                original = ContentFile(checked.display)
            else:
                original = upload  # storage copies (or moves) it in chunks, not from memory
            evidence.original.save(stored_name, original, save=False)
            fields = [evidence.original]
            if checked.display is not None:
                evidence.display.save(stored_name, ContentFile(checked.display), save=False)
                fields.append(evidence.display)
            written += [(field.storage, field.name) for field in fields]
            evidence.save()
            if anonymous:  # the files' times on disk, too, only to the day
                for field in fields:
                    _backdate(field.storage, field.name, event.created_at)
            del checked, original  # free this file before reading the next
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise


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
    """Log a report about a person. It is reviewed by the heads of the person's unit,
    or, when the person heads it, of the first unit above that they do not head (the
    person reported never reviews, inspects or hears of their own case before it is
    confirmed). A reviewer of the case logs it as the head; anyone else's report may
    stay confidential. At most EVIDENCE_MAX_FILES files; a bad file saves nothing
    (the transaction rolls back and stored files are removed). Each reviewer (each
    inspector when there is none) is owed one new-case e-mail, claimed on the
    outbox in this transaction and sent after commit."""
    if subject.unit is None or not subject.is_active:
        raise ValidationError(_("Không thể phản ánh về người này."))
    if subject.pk == by.pk:
        raise ValidationError(_("Không thể tự phản ánh về chính mình."))
    files = list(files or [])
    _refuse_too_many_files(None, files)
    review_unit = selectors.review_unit_for(unit=subject.unit, subject=subject)
    is_head = review_unit is not None and permissions.covers(by, review_unit, Role.UNIT_HEAD)
    sealed = confidential and not is_head
    report = Report.objects.create(
        unit=subject.unit,
        review_unit=review_unit,
        subject=subject,
        channel=Channel.HEAD if is_head else Channel.STAFF,
        reporter=None if sealed else by,
        reporter_tag=identity.reporter_tag(by) if sealed else "",
        confidential=sealed,
        category=category,
        platform=platform,
        url=url,
        seen_at=seen_at,
        description=description,
        review_due_on=_review_due(),
        staff_kind=subject.staff_kind,
        violated_on=timezone.localtime(seen_at).date(),
        rule_set=rules.rule_set_for(staff_kind=subject.staff_kind, violated_on=timezone.localtime(seen_at).date()),
    )
    if sealed:
        identity.seal(report=report, identity=identity.person_identity(by))
    report.directives.set(directives)
    report.obligations.set(obligations)
    event_append(report=report, kind=Event.Kind.CREATED, by=by, to_state=report.state)
    _attach_files(report, files, by)
    notices.claim_new_case(report)
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
    subject_is_head: bool = False,
    files=(),
) -> tuple[Report, str, str]:
    """An anonymous report: no account, no address stored, its times (case and
    history) only to the day, its images without metadata. When the sender says the
    person is one of the unit's heads, the heads of the unit above review it.
    Returns the case with the receipt code and the secret, shown once and never again.
    The new-case e-mails are claimed as for report_create."""
    files = list(files or [])
    _refuse_too_many_files(None, files)
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))
    secret = "".join(secrets.choice(SECRET_ALPHABET) for _ in range(16))
    report = Report.objects.create(
        unit=unit,
        review_unit=selectors.review_unit_for(unit=unit, subject_is_head=subject_is_head),
        subject_description=subject_description.strip() or UNKNOWN_SUBJECT,
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
    day = _day_start()
    Report.objects.filter(pk=report.pk).update(created_at=day)
    report.created_at = day
    event_append(report=report, kind=Event.Kind.CREATED, by=None, to_state=report.state)
    _attach_files(report, files, None)
    notices.claim_new_case(report)
    return report, code, grouped(secret)


@transaction.atomic
def report_create_monitoring(
    *,
    by: Person,
    category: str,
    platform: str,
    seen_at: datetime.datetime,
    description: str,
    subject: Person | None = None,
    unit: Unit | None = None,
    subject_description: str = "",
    subject_is_head: bool = False,
    url: str = "",
    directives=(),
    obligations=(),
    files=(),
) -> Report:
    """An inspector opens a case from what they found while monitoring (Hạ Lang
    letter §3): the post, its screenshots, and the person by their account when
    known (their unit is then the account's), otherwise described, with their unit.
    Only an inspector over that unit may (PermissionDenied otherwise). It is routed
    as any report (review_unit_for: never to the person, the unit above when they
    head the unit), recorded on the MONITORING channel with the inspector as
    reporter, not confidential (the inspector acts in office), and its new-case
    e-mails are claimed as for report_create."""
    if subject is not None:
        if subject.unit is None or not subject.is_active:
            raise ValidationError(_("Không thể phản ánh về người này."))
        if subject.pk == by.pk:
            raise ValidationError(_("Không thể tự phản ánh về chính mình."))
        unit, subject_description = subject.unit, ""
    elif unit is None or not subject_description.strip():
        raise ValidationError(_("Hãy ghi e-mail của người bị phản ánh, hoặc mô tả người đó và chọn đơn vị của họ."))
    if not selectors.may_monitor(by, unit):
        raise PermissionDenied
    files = list(files or [])
    _refuse_too_many_files(None, files)
    if subject is not None:
        review_unit = selectors.review_unit_for(unit=unit, subject=subject)
        violated_on = timezone.localtime(seen_at).date()
        basis = {
            "staff_kind": subject.staff_kind, "violated_on": violated_on,
            "rule_set": rules.rule_set_for(staff_kind=subject.staff_kind, violated_on=violated_on),
        }  # fmt: skip
    else:
        review_unit = selectors.review_unit_for(unit=unit, subject_is_head=subject_is_head)
        basis = {}
    report = Report.objects.create(
        unit=unit,
        review_unit=review_unit,
        subject=subject,
        subject_description=subject_description.strip(),
        channel=Channel.MONITORING,
        reporter=by,
        category=category,
        platform=platform,
        url=url,
        seen_at=seen_at,
        description=description,
        review_due_on=_review_due(),
        **basis,
    )
    report.directives.set(directives)
    report.obligations.set(obligations)
    event_append(report=report, kind=Event.Kind.CREATED, by=by, to_state=report.state)
    _attach_files(report, files, by)
    notices.claim_new_case(report)
    return report


def anonymous_lookup(*, code: str, secret: str) -> Report | None:
    """The anonymous case for this receipt, or None; a wrong code and a wrong secret
    look the same, and both cost a password hash."""
    report = Report.objects.filter(receipt_code=_typed(code), channel=Channel.ANONYMOUS).first()
    stored = report.secret_hash if report else _dummy_hash()
    # Secrets given before the look-alike-free alphabet were case-sensitive: as typed.
    valid = check_password(_typed(secret), stored) or check_password(secret or "", stored)
    return report if report and valid else None


@functools.cache
def _dummy_hash() -> str:
    return make_password(secrets.token_urlsafe(12))


def move(*, report: Report, from_state: str, to: str, by: Person | None, role: str, text: str, **fields) -> bool:
    """The one way a case changes state: the workflow table decides, and a
    conditional update makes a concurrent move of the same case lose. `fields` are
    written in the same UPDATE (an outcome, the day of acceptance…)."""
    if not workflow.may_move(role, from_state, to, workflow.track_of(report)):
        raise ValidationError(_("Bạn không thể chuyển hồ sơ từ “%(from)s” sang “%(to)s”.") % {
            "from": State(from_state).label, "to": State(to).label,
        })  # fmt: skip
    moved = Report.objects.filter(pk=report.pk, state=from_state).update(state=to, **fields)
    if moved:
        event_append(report=report, kind=Event.Kind.TRANSITION, by=by, from_state=from_state, to_state=to, text=text)
        report.state = to
        for name, value in fields.items():
            setattr(report, name, value)
    return bool(moved)


# Moves made only by recording their step (violations/procedure.py).
RECORDED_MOVES = {
    State.MEETING: _("Hãy ghi biên bản họp kiểm điểm để chuyển sang bước này."),
    State.COUNCIL: _("Hãy ghi biên bản họp Hội đồng kỷ luật để chuyển sang bước này."),
    State.DECIDED: _("Hãy ghi quyết định kỷ luật để chuyển sang bước này."),
}


def refuse_while_deferred(report: Report, to: str) -> None:
    if to != State.DISMISSED and report.deferrals.filter(ended_on__isnull=True).exists():
        raise ValidationError(_("Đang trong thời gian chưa xem xét kỷ luật; hãy ghi ngày kết thúc trước."))


def refuse_unconfirmed(report: Report) -> None:
    if report.rule_set is None:
        raise ValidationError(_("Hồ sơ chưa có căn cứ xử lý: hãy ghi loại cán bộ và ngày vi phạm."))
    if not report.rule_set.confirmed:
        raise ValidationError(
            _("Bộ quy tắc “%(rules)s” chưa được bộ phận pháp chế xác nhận; chưa thể kết thúc hồ sơ.")
            % {"rules": report.rule_set.title}
        )


def _heard(report: Report, today: datetime.date) -> bool:
    """The person reported explained, or the time to explain ran out."""
    from violations import clocks

    if report.subject_id is None or report.events.filter(kind=Event.Kind.EXPLANATION).exists():
        return True
    hearing = clocks.hearing_clock(report, today)
    return hearing is not None and hearing.overdue


def report_transition(*, report: Report, to: str, by: Person, role: str, note: str = "", outcome: str = "") -> Report:
    """Move a case along the workflow table. Dismissing needs a reason; concluding
    that there was a violation needs the person heard first (their explanation, or
    VIOLATION_HEARING_WORKING_DAYS passed); closing straight after the conclusion
    takes a measure that is not discipline, under a confirmed rule set. The meeting,
    council and decision steps are taken by recording them (violations/procedure.py).
    A concurrent move of the same case makes this one fail. Moving to the hearing
    claims, in the same transaction, one e-mail to the person reported."""
    report.refresh_from_db()
    from_state = report.state
    if not workflow.may_move(role, from_state, to, workflow.track_of(report)):
        raise ValidationError(_("Bạn không thể chuyển hồ sơ từ “%(from)s” sang “%(to)s”.") % {
            "from": State(from_state).label, "to": State(to).label,
        })  # fmt: skip
    if to in RECORDED_MOVES:
        raise ValidationError(RECORDED_MOVES[to])
    if to == State.DISMISSED and not note.strip():
        raise ValidationError(_("Hãy ghi lý do hủy hoặc kết luận không vi phạm."))
    refuse_while_deferred(report, to)
    today = timezone.localdate()
    fields: dict = {}
    text = note.strip()
    if to == State.CONFIRMED:
        if report.rule_set is None:
            raise ValidationError(_("Hồ sơ chưa có căn cứ xử lý: hãy ghi loại cán bộ và ngày vi phạm."))
        if not _heard(report, today):
            raise ValidationError(_("Người bị phản ánh chưa giải trình và thời hạn giải trình chưa hết."))
    if to == State.CLOSED:
        refuse_unconfirmed(report)
        measure = next((m for m in rules.general_measures() if m.code == outcome), None)
        if measure is None:
            raise ValidationError(_("Hãy chọn một biện pháp không phải kỷ luật, hoặc họp kiểm điểm để xét kỷ luật."))
        fields.update(outcome=measure.code, measure=measure)
        text = f"{measure.label}. {text}".strip()
    if workflow.track_of(report) == workflow.DENUNCIATION:
        if to == State.ACCEPTED:
            fields["accepted_on"] = today
        if from_state == State.HEARING and to in (State.CONFIRMED, State.DISMISSED):
            fields["concluded_on"] = today
    with transaction.atomic():
        if not move(report=report, from_state=from_state, to=to, by=by, role=role, text=text, **fields):
            raise ValidationError(_("Hồ sơ vừa được người khác cập nhật; hãy tải lại trang."))
        if to == State.HEARING:
            notices.claim_confirmed(report)
    report.refresh_from_db()
    return report


@transaction.atomic
def report_classify(
    *,
    report: Report,
    by: Person,
    role: str,
    staff_kind: str,
    violated_on: datetime.date,
    holds_management_post: bool = False,
    severity=None,
) -> Report:
    """Record the kind of staff, the date of the violation and the severity, and with
    them the rule set in force on that date, before the conclusion is drawn on them.
    Written in the case history; refused after the conclusion."""  # fmt: skip
    if role != workflow.REVIEWER or report.state not in (*workflow.REVIEW_STATES, State.HEARING):
        raise ValidationError(_("Chỉ thủ trưởng xem xét ghi căn cứ xử lý, trước khi kết luận."))
    if violated_on > timezone.localdate():
        raise ValidationError(_("Ngày vi phạm không được ở tương lai."))
    rule_set = rules.rule_set_for(staff_kind=staff_kind, violated_on=violated_on)
    if rule_set is None:
        raise ValidationError(_("Không có bộ quy tắc nào cho loại cán bộ này."))
    if severity is not None and severity.rule_set_id != rule_set.pk:
        raise ValidationError(_("Mức độ vi phạm không thuộc bộ quy tắc áp dụng."))
    Report.objects.filter(pk=report.pk).update(
        staff_kind=staff_kind, violated_on=violated_on, holds_management_post=holds_management_post,
        rule_set=rule_set, severity=severity,
    )  # fmt: skip
    report.refresh_from_db()
    text = _("Căn cứ: %(rules)s – %(basis)s; ngày vi phạm %(day)s.") % {
        "rules": rule_set.title, "basis": rule_set.basis, "day": date_format(violated_on, "SHORT_DATE_FORMAT"),
    }  # fmt: skip
    event_append(report=report, kind=Event.Kind.RULES, by=by, text=text)
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
    reviewers, only while the case is open. The reporter's answer to a request for
    information sends the case back to review, through the workflow table."""
    report.refresh_from_db(fields=["state"])
    if report.state not in workflow.MESSAGE_STATES:
        raise ValidationError(_("Hồ sơ đã kết thúc xem xét nên không nhận thêm trao đổi."))
    if not text.strip():
        raise ValidationError(_("Nội dung không được để trống."))
    files = list(files or [])
    _refuse_too_many_files(report, files)
    event = event_append(report=report, kind=Event.Kind.MESSAGE, by=by, text=text.strip())
    _attach_files(report, files, by)
    from_reporter = by is None or by.pk == report.reporter_id or identity.is_sealed_reporter(by, report)
    if from_reporter and report.state == State.NEEDS_INFORMATION:
        to = State.UNDER_REVIEW
        if workflow.may_move(workflow.REPORTER, report.state, to, workflow.track_of(report)):
            move(report=report, from_state=report.state, to=to, by=by, role=workflow.REPORTER, text="")
    return event


@transaction.atomic
def report_explain(*, report: Report, by: Person, text: str, files=()) -> Event:
    """The person reported answers in writing (giải trình): from the hearing, before
    any conclusion, until the decision."""
    if report.subject_id != by.pk or report.state not in EXPLAIN_STATES:
        raise ValidationError(_("Chỉ người bị phản ánh giải trình được, từ khi hồ sơ chuyển sang giải trình."))
    if not text.strip():
        raise ValidationError(_("Nội dung giải trình không được để trống."))
    files = list(files or [])
    _refuse_too_many_files(report, files)
    event = event_append(report=report, kind=Event.Kind.EXPLANATION, by=by, text=text.strip())
    _attach_files(report, files, by)
    return event


@transaction.atomic
def evidence_add(*, report: Report, by: Person, files) -> None:
    """More files on a case, within EVIDENCE_MAX_FILES counting those it has."""
    files = list(files or [])
    _refuse_too_many_files(report, files)
    _attach_files(report, files, by)


@transaction.atomic
def evidence_open_original(*, evidence: Evidence, by: Person, role: str, request=None):
    """The original file of an image, for inspectors only; each opening is a line in
    the case history and a row in the audit trail. Returns the open file."""
    if role != workflow.INSPECTOR:
        raise PermissionDenied
    report = evidence.report
    event_append(report=report, kind=Event.Kind.ORIGINAL, by=by, text=evidence.name)
    audit_record(
        action=AuditAction.ORIGINAL_DOWNLOADED, actor=by, target=f"violations.evidence:{evidence.pk}",
        unit_path=report.unit.path, request=request, data={"report": report.pk, "sha256": evidence.sha256},
    )  # fmt: skip
    return evidence.original.open("rb")


def report_reporter_shown(*, report: Report, to: Person, role: str, request=None) -> None:
    """Record in the audit trail that a confidential reporter's identity was shown
    to someone (a reviewer or an inspector) on the case page."""
    audit_record(
        action=AuditAction.REPORTER_VIEWED, actor=to, target=f"violations.report:{report.pk}",
        unit_path=report.unit.path, request=request, data={"role": role},
    )  # fmt: skip
