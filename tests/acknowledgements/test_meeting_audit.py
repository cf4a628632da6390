"""A session recorded and an acknowledgement on someone's behalf each leave an audit
row: who did it, about what, in which unit, with the hash of the signed paper."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from acknowledgements import meetings
from acknowledgements.models import Acknowledgement, Assignment
from core.models import AuditEvent
from tests.acknowledgements.test_meetings import scan, scan_bytes


def test_recording_a_session_is_audited(cast, org, campaign):
    session = meetings.meeting_plan(
        by=cast.unit_head, campaigns=[campaign], units=[org.department], held_at=timezone.now(),
        place="Phòng họp tầng 3", chair="Trần Văn Trưởng", select_all=True,
    )  # fmt: skip
    present = session.attendees.filter(person=cast.staff).values_list("pk", flat=True)
    data = scan_bytes()

    meetings.meeting_record(meeting=session, by=cast.unit_head, present=list(present), sheet=scan(data=data))

    event = AuditEvent.objects.get(action="meeting_recorded")
    assert (event.actor, event.target, event.unit_path) == (
        cast.unit_head, f"acknowledgements.meeting:{session.pk}", org.department.path,
    )  # fmt: skip
    assert event.data == {
        "units": ["PBC"], "present": 1, "attendees": 2, "acknowledgements": 1,
        "sheet_sha256": hashlib.sha256(data).hexdigest(),
    }  # fmt: skip


def test_a_refused_recording_leaves_no_audit_row(cast, org, campaign):
    session = meetings.meeting_plan(
        by=cast.unit_head, campaigns=[campaign], units=[org.department], held_at=timezone.now(),
        place="P", chair="C", select_all=True,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        meetings.meeting_record(meeting=session, by=cast.unit_head, present=[], sheet=scan("ds.jpg", b"<html>"))

    assert not AuditEvent.objects.filter(action="meeting_recorded").exists()


def test_an_acknowledgement_on_behalf_is_audited(cast, org, campaign):
    assignment = Assignment.objects.get(person=cast.staff)
    data = scan_bytes((200, 200, 200))

    ack = meetings.acknowledgement_on_behalf(
        assignment=assignment, by=cast.unit_head, reason="Ký giấy do không có máy tính", paper=scan(data=data)
    )

    event = AuditEvent.objects.get(action="ack_on_behalf")
    assert (event.actor, event.target, event.unit_path) == (
        cast.unit_head, f"acknowledgements.acknowledgement:{ack.pk}", org.team.path,
    )  # fmt: skip
    assert event.data == {
        "person": cast.staff.pk, "assignment": assignment.pk, "reason": "Ký giấy do không có máy tính",
        "paper_sha256": hashlib.sha256(data).hexdigest(),
    }  # fmt: skip
    assert Acknowledgement.objects.get(pk=ack.pk).method == "behalf"
