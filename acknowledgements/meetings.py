"""Dissemination sessions (buổi quán triệt), acknowledgements on someone's behalf and
QR check-in: the ways agencies acknowledge besides each person online.

Every record made here joins the same chain as online ones (acknowledgements/chain.py,
record version 3: method, session, recorder, signed sheet's SHA-256, reason)."""

import datetime
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from acknowledgements.models import Acknowledgement, Assignment, Attendee, Campaign, Meeting, Method
from acknowledgements.services import (
    OUTSIDE_SCOPE,
    chain_append,
    chain_record,
    chain_record_new,
    link_after_sealing,
)
from core.audit import audit_record
from core.models import AuditAction
from core.uploads import ALLOWED_TYPES, DOCUMENT_TYPES, CheckedFile, check_upload
from organization import permissions
from organization.models import Person, Role, Unit

# Who may plan and record a session over a unit.
MEETING_ROLES = (Role.UNIT_HEAD, Role.ADMINISTRATOR)
CHECKIN_MAX_MINUTES = 24 * 60


def campaign_covers(campaign: Campaign, unit: Unit) -> bool:
    return any(
        unit.path.startswith(t.unit.path) if t.include_subtree else unit.pk == t.unit_id for t in campaign.targets.all()
    )


def units_q(units: Iterable[Unit], path_field: str = "unit__path") -> Q:
    """People (or rows) under any of `units`, each with its subtree."""
    query = Q(pk__in=[])
    for unit in units:
        query |= Q(**{f"{path_field}__startswith": unit.path})
    return query


def may_manage_meeting(user, meeting: Meeting) -> bool:
    """A head or administrator over every unit the session covers."""
    units = list(meeting.units.all())
    return bool(units) and all(permissions.covers(user, unit, *MEETING_ROLES) for unit in units)


def _max_bytes() -> int:
    return settings.REPORT_ATTACHMENT_MAX_MB * 1_048_576


def _store(field_file, checked: CheckedFile) -> None:
    field_file.save(f"{uuid.uuid4().hex}{checked.extension}", ContentFile(checked.data), save=False)


def meeting_plan(
    *,
    by: Person,
    campaigns: Iterable[Campaign],
    units: Iterable[Unit],
    held_at: datetime.datetime,
    place: str,
    chair: str,
    people: Iterable[Person] = (),
    select_all: bool = False,
    guests: Iterable[tuple[str, str]] = (),
) -> Meeting:
    """Plan a session. Guarantees: `by` heads (or administers) every unit; every
    campaign is launched and covers at least one of the units; every attendee is an
    active person of those units' subtrees (ValidationError otherwise, naming no
    one); with `select_all`, the whole roster of the units. Guests are listed by name
    only and never acknowledge anything."""
    campaigns, units = list(campaigns), list(units)
    if not campaigns:
        raise ValidationError(_("Hãy chọn ít nhất một văn bản."))
    if not units:
        raise ValidationError(_("Hãy chọn ít nhất một đơn vị."))
    if not all(permissions.covers(by, unit, *MEETING_ROLES) for unit in units):
        raise ValidationError(_("Bạn không phụ trách đơn vị này."))
    for campaign in campaigns:
        if not any(campaign_covers(campaign, unit) for unit in units):
            raise ValidationError(
                _("Văn bản %(directive)s không được phát động quán triệt tại các đơn vị đã chọn.")
                % {"directive": campaign.directive.code or campaign.directive.subject}
            )
    roster = Person.objects.filter(units_q(units), is_active=True)
    if select_all:
        chosen = list(roster.order_by("pk").values_list("pk", flat=True))
    else:
        ids = {person.pk for person in people}
        chosen = sorted(roster.filter(pk__in=ids).values_list("pk", flat=True))
        if len(chosen) != len(ids):
            raise ValidationError(str(OUTSIDE_SCOPE))
    guests = [(name.strip(), title.strip()) for name, title in guests if name.strip()]
    if not chosen and not guests:
        raise ValidationError(_("Danh sách người tham dự đang trống."))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            held_at=held_at, place=place.strip(), chair=chair.strip(), created_by=by, state=Meeting.State.PLANNED
        )
        meeting.campaigns.set(campaigns)
        meeting.units.set(units)
        Attendee.objects.bulk_create(
            [Attendee(meeting=meeting, person_id=pk) for pk in chosen]
            + [Attendee(meeting=meeting, guest_name=name[:150], guest_title=title[:200]) for name, title in guests]
        )
    return meeting


def _check_manager(by: Person, meeting: Meeting) -> None:
    if not may_manage_meeting(by, meeting):
        raise ValidationError(_("Bạn không phụ trách đơn vị này."))


def meeting_record(
    *,
    meeting: Meeting,
    by: Person,
    present: Iterable[int],
    sheet,
    minutes=None,
    request_meta: dict | None = None,
) -> list:
    """Record a session held, from its signed attendance sheet. Guarantees: only a
    head or administrator over all its units records it, once (a second attempt, even
    at the same moment, raises and writes nothing); the sheet (scan, photo or PDF) and
    the minutes are checked by core.uploads before anything is kept; each attendee
    ticked present has every open assignment of the session's campaigns closed as
    acknowledged at the meeting, each record in the chain with the session, the
    recorder and the sheet's SHA-256; everyone else keeps their open assignments
    (and their reminders); an audit row records the session. Returns the records made."""
    _check_manager(by, meeting)
    if meeting.is_recorded:
        raise ValidationError(_("Buổi quán triệt này đã được ghi nhận."))
    if not sheet:
        raise ValidationError(_("Hãy tải lên bản chụp danh sách ký tên."))
    present = set(present)
    attendees = {attendee.pk: attendee for attendee in meeting.attendees.all()}
    if present - set(attendees):
        raise ValidationError(_("Có người được đánh dấu có mặt nhưng không có trong danh sách."))
    checked_sheet = check_upload(sheet, max_bytes=_max_bytes(), kinds=ALLOWED_TYPES)
    checked_minutes = check_upload(minutes, max_bytes=_max_bytes(), kinds=DOCUMENT_TYPES) if minutes else None
    _store(meeting.sheet, checked_sheet)
    values = {
        "state": Meeting.State.RECORDED,
        "sheet": meeting.sheet.name,
        "sheet_name": checked_sheet.name,
        "sheet_type": checked_sheet.content_type,
        "sheet_sha256": checked_sheet.sha256,
        "recorded_by": by,
        "checkin_until": None,
    }
    if checked_minutes:
        _store(meeting.minutes, checked_minutes)
        values.update(
            minutes=meeting.minutes.name,
            minutes_name=checked_minutes.name,
            minutes_type=checked_minutes.content_type,
            minutes_sha256=checked_minutes.sha256,
        )
    people = [attendees[pk].person_id for pk in sorted(present) if attendees[pk].person_id]
    with transaction.atomic():
        now = timezone.now()
        claimed = Meeting.objects.filter(pk=meeting.pk, state=Meeting.State.PLANNED).update(recorded_at=now, **values)
        if not claimed:
            raise ValidationError(_("Buổi quán triệt này đã được ghi nhận."))
        Attendee.objects.filter(meeting=meeting).update(present=False)
        Attendee.objects.filter(meeting=meeting, pk__in=present).update(present=True)
        open_ones = (
            Assignment.objects.open()
            .filter(person_id__in=people, campaign__in=meeting.campaigns.all(), person__is_active=True)
            .select_related("version")
            .order_by("pk")
        )
        records = [
            chain_record_new(
                assignment=assignment,
                at=now,
                request_meta=request_meta,
                method=Method.MEETING,
                session=meeting,
                recorded_by=by,
                sheet_sha256=checked_sheet.sha256,
            )
            for assignment in open_ones
            if Assignment.objects.open().filter(pk=assignment.pk).update(acknowledged_at=now)
        ]
        units = sorted(meeting.units.all(), key=lambda unit: unit.path)
        audit_record(
            action=AuditAction.MEETING_RECORDED,
            actor=by,
            target=f"acknowledgements.meeting:{meeting.pk}",
            unit_path=units[0].path if units else "",
            data={
                "units": [unit.code for unit in units],
                "present": len(present),
                "attendees": len(attendees),
                "acknowledgements": len(records),
                "sheet_sha256": checked_sheet.sha256,
            },
        )
        chain_append(records)
    link_after_sealing()
    meeting.refresh_from_db()
    return records


def acknowledgement_on_behalf(
    *, assignment: Assignment, by: Person, reason: str, paper, request_meta: dict | None = None
):
    """A unit head records the acknowledgement of a person of their subtree who signed
    on paper. Guarantees: only a head over the person's unit, never for themselves;
    a reason and the signed paper (checked by core.uploads, kept, its SHA-256 in the
    record) are required; the assignment must be open; the record joins the chain
    marked "on behalf", naming the head, and an audit row says who did it for whom."""
    person = assignment.person
    if person.pk == by.pk or not permissions.covers(by, person.unit, Role.UNIT_HEAD):
        raise ValidationError(str(OUTSIDE_SCOPE))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Hãy ghi lý do xác nhận thay."))
    if not paper:
        raise ValidationError(_("Hãy tải lên bản chụp giấy xác nhận có chữ ký của người này."))
    if not assignment.is_open:
        raise ValidationError(_("Văn bản này không còn chờ xác nhận."))
    checked = check_upload(paper, max_bytes=_max_bytes(), kinds=ALLOWED_TYPES)
    with transaction.atomic():
        now = timezone.now()
        if not Assignment.objects.open().filter(pk=assignment.pk).update(acknowledged_at=now):
            raise ValidationError(_("Văn bản này không còn chờ xác nhận."))
        paper_file = Acknowledgement(method=Method.ON_BEHALF).paper
        _store(paper_file, checked)
        ack = chain_record(
            assignment=assignment,
            at=now,
            request_meta=request_meta,
            method=Method.ON_BEHALF,
            recorded_by=by,
            reason=reason[:2000],
            sheet_sha256=checked.sha256,
            paper=paper_file.name,
            paper_name=checked.name,
            paper_type=checked.content_type,
        )
        # After the record: the audit row names it.
        audit_record(
            action=AuditAction.ACK_ON_BEHALF,
            actor=by,
            target=f"acknowledgements.acknowledgement:{ack.pk}",
            unit_path=person.unit.path,
            data={
                "person": person.pk,
                "assignment": assignment.pk,
                "reason": ack.reason,
                "paper_sha256": checked.sha256,
            },
        )
    link_after_sealing()
    return ack


# QR check-in


def meeting_checkin_open(*, meeting: Meeting, by: Person, minutes: int) -> Meeting:
    """Open self check-in for `minutes` from now (a planned session only)."""
    _check_manager(by, meeting)
    if meeting.is_recorded:
        raise ValidationError(_("Buổi quán triệt này đã được ghi nhận."))
    if not 1 <= minutes <= CHECKIN_MAX_MINUTES:
        raise ValidationError(_("Thời gian điểm danh phải từ 1 phút đến 24 giờ."))
    until = timezone.now() + datetime.timedelta(minutes=minutes)
    Meeting.objects.filter(pk=meeting.pk, state=Meeting.State.PLANNED).update(checkin_until=until)
    meeting.refresh_from_db()
    return meeting


def meeting_checkin_close(*, meeting: Meeting, by: Person) -> Meeting:
    _check_manager(by, meeting)
    Meeting.objects.filter(pk=meeting.pk).update(checkin_until=None)
    meeting.refresh_from_db()
    return meeting


def checkin_is_open(meeting: Meeting, *, now: datetime.datetime | None = None) -> bool:
    return (
        not meeting.is_recorded
        and meeting.checkin_until is not None
        and (now or timezone.now()) < meeting.checkin_until
    )


def meeting_checkin(*, meeting: Meeting, person: Person) -> Attendee:
    """The person checks in themselves by the session's QR code. Guarantees: only
    while check-in is open, only an active person of the session's units; checking
    in twice keeps the first time. A check-in is not an acknowledgement: it ticks the
    person present on the recording form, and the head's record with the signed sheet
    makes the acknowledgement."""
    if not checkin_is_open(meeting):
        raise ValidationError(_("Buổi quán triệt này hiện không mở điểm danh."))
    in_units = Person.objects.filter(units_q(meeting.units.all()), pk=person.pk, is_active=True).exists()
    if not in_units:
        raise ValidationError(_("Bạn không thuộc đơn vị tham dự buổi quán triệt này."))
    with transaction.atomic():
        attendee, _created = Attendee.objects.get_or_create(meeting=meeting, person=person)
        Attendee.objects.filter(pk=attendee.pk, checked_in_at__isnull=True).update(checked_in_at=timezone.now())
    attendee.refresh_from_db()
    return attendee
