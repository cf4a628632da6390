"""Dissemination at a meeting (issue 12): a head prints the sheet, holds the meeting,
uploads the signed scan and ticks who was there; those people are acknowledged at
the meeting in the same chain; the others keep being reminded."""

import datetime
import hashlib
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from acknowledgements import chain, meetings, services
from acknowledgements.models import Acknowledgement, Assignment, Attendee, Meeting, Method
from acknowledgements.receipt import receipt_pdf
from acknowledgements.sheet import sheet_pdf
from core.models import OutboxMessage
from organization.models import Person
from tests.factories import PersonFactory

DAY = datetime.timedelta(days=1)
META = {"REMOTE_ADDR": "10.0.0.9", "HTTP_USER_AGENT": "Firefox thử nghiệm"}


def scan_bytes(colour=(250, 250, 245)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 80), colour).save(out, format="JPEG")
    return out.getvalue()


def scan(name="danh-sach-ky-ten.jpg", data=None):
    return SimpleUploadedFile(name, data if data is not None else scan_bytes())


@pytest.fixture
def ten(cast, org, campaign):
    """The department's roster: the staff member, the head and eight more (one of
    them a driver without an account), all given the campaign's assignment."""
    people = [cast.staff, cast.unit_head]
    for n in range(7):
        people.append(
            PersonFactory(email=f"phong{n}@example.gov.vn", full_name=f"Cán Bộ Phòng {n}", unit=org.department)
        )
    driver = Person.objects.create_user(
        email=None, full_name="Lái Xe Không Thư", position="Lái xe", unit=org.department
    )
    people.append(driver)
    for person in people[2:]:
        services.assignments_sync_person(person=person)
    return people


@pytest.fixture
def planned(cast, org, campaign, ten):
    return meetings.meeting_plan(
        by=cast.unit_head,
        campaigns=[campaign],
        units=[org.department],
        held_at=timezone.now(),
        place="Phòng họp tầng 3",
        chair="Trần Văn Trưởng",
        people=ten,
        guests=[("Nguyễn Khách Mời", "Phóng viên")],
    )


def attendee_ids(meeting, people):
    return list(Attendee.objects.filter(meeting=meeting, person__in=people).values_list("pk", flat=True))


def test_the_printed_sheet_has_the_header_the_roster_and_the_directive(cast, planned, ten):
    attendees = list(planned.attendees.select_related("person__unit").order_by("pk"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(sheet_pdf(planned, attendees))).pages)

    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "DANH SÁCH CÁN BỘ DỰ HỘI NGHỊ QUÁN TRIỆT" in text
    assert "PHÒNG BƯU CHÍNH" in text
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in text
    assert "3821/TCT-KTNB" in text
    assert "Lái Xe Không Thư" in text
    assert "Nguyễn Khách Mời" in text
    assert "Ký tên" in text
    assert text.count("Chuyên viên") == 9


def test_a_meeting_with_8_of_10_present_acknowledges_the_8_in_the_chain(cast, planned, ten):
    present, absent = ten[:8] + [ten[9]], [ten[8]]
    present = ten[:7] + [ten[9]]  # the driver was there; two of the staff were not
    absent = ten[7:9]
    data = scan_bytes()

    records = meetings.meeting_record(
        meeting=planned, by=cast.unit_head, present=attendee_ids(planned, present), sheet=scan(data=data),
        request_meta=META,
    )  # fmt: skip

    assert len(records) == 8
    sheet_hash = hashlib.sha256(data).hexdigest()
    acks = Acknowledgement.objects.filter(session=planned)
    assert acks.count() == 8
    assert set(acks.values_list("person_id", flat=True)) == {p.pk for p in present}
    assert set(acks.values_list("method", "sheet_sha256", "recorded_by_id", "record_version")) == {
        ("meeting", sheet_hash, cast.unit_head.pk, 4)
    }
    assert Assignment.objects.open().filter(person__in=absent).count() == 2
    assert Assignment.objects.open().filter(person__in=present).count() == 0
    planned.refresh_from_db()
    assert (planned.state, planned.sheet_sha256) == ("recorded", sheet_hash)
    assert list(planned.attendees.filter(present=False).values_list("person_id", flat=True)) != []
    assert planned.attendees.filter(present=True).count() == 8
    assert chain.verify().ok


def test_the_absentees_still_get_reminders_through_the_outbox(
    cast, planned, ten, due_on, django_capture_on_commit_callbacks
):
    meetings.meeting_record(
        meeting=planned, by=cast.unit_head, present=attendee_ids(planned, ten[:7] + [ten[9]]), sheet=scan()
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = services.reminder_pass(today=due_on - 7 * DAY)

    assert result.reminders == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["phong5@example.gov.vn", "phong6@example.gov.vn"]
    assert OutboxMessage.objects.filter(kind="ack_reminder", state="sent").count() == 2


def test_a_person_without_an_account_is_acknowledged_at_the_meeting(cast, planned, ten):
    driver = ten[9]

    meetings.meeting_record(meeting=planned, by=cast.unit_head, present=attendee_ids(planned, [driver]), sheet=scan())

    ack = Acknowledgement.objects.get(person=driver)
    assert (ack.method, ack.session_id, driver.email, driver.has_usable_password()) == (
        "meeting", planned.pk, None, False,
    )  # fmt: skip
    text = PdfReader(io.BytesIO(receipt_pdf(ack))).pages[0].extract_text()
    assert "Tại buổi quán triệt" in text
    assert "Lái Xe Không Thư" in text


def test_a_person_without_an_address_gets_no_reminder(cast, campaign, ten, due_on, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.reminder_pass(today=due_on - 7 * DAY)

    assert len(mail.outbox) == 9
    assert not OutboxMessage.objects.filter(recipient=ten[9]).exists()


def test_a_session_is_recorded_once(cast, planned, ten):
    meetings.meeting_record(meeting=planned, by=cast.unit_head, present=attendee_ids(planned, ten[:1]), sheet=scan())

    with pytest.raises(ValidationError, match="đã được ghi nhận"):
        meetings.meeting_record(meeting=planned, by=cast.unit_head, present=attendee_ids(planned, ten), sheet=scan())
    assert Acknowledgement.objects.filter(session=planned).count() == 1


def test_recording_needs_the_signed_sheet_and_checks_it(cast, planned, ten):
    with pytest.raises(ValidationError, match="danh sách ký tên"):
        meetings.meeting_record(meeting=planned, by=cast.unit_head, present=[], sheet=None)
    with pytest.raises(ValidationError, match="không thuộc loại được nhận"):
        meetings.meeting_record(
            meeting=planned, by=cast.unit_head, present=[], sheet=scan("ds.jpg", b"<html>khong phai anh</html>")
        )
    assert Meeting.objects.get(pk=planned.pk).state == "planned"
    assert not Acknowledgement.objects.exists()


def test_only_a_head_of_the_units_records_a_session(cast, planned, office_head):
    for someone in (cast.staff, cast.inspector, cast.outsider, office_head):
        with pytest.raises(ValidationError, match="không phụ trách"):
            meetings.meeting_record(meeting=planned, by=someone, present=[], sheet=scan())


def test_a_head_cannot_plan_for_people_outside_the_units(cast, org, campaign):
    with pytest.raises(ValidationError, match="không thuộc phạm vi"):
        meetings.meeting_plan(
            by=cast.unit_head, campaigns=[campaign], units=[org.department], held_at=timezone.now(),
            place="P", chair="C", people=[cast.staff, cast.inspector],
        )  # fmt: skip
    with pytest.raises(ValidationError, match="không phụ trách"):
        meetings.meeting_plan(
            by=cast.unit_head, campaigns=[campaign], units=[org.office], held_at=timezone.now(),
            place="P", chair="C", select_all=True,
        )  # fmt: skip


def test_select_all_takes_the_whole_roster_of_the_units(cast, org, campaign, ten):
    meeting = meetings.meeting_plan(
        by=cast.unit_head, campaigns=[campaign], units=[org.team], held_at=timezone.now(),
        place="P", chair="C", select_all=True,
    )  # fmt: skip

    assert list(meeting.attendees.values_list("person__email", flat=True)) == ["canbo@example.gov.vn"]


# On behalf


def test_on_behalf_requires_a_reason_and_a_scan(cast, campaign):
    assignment = Assignment.objects.get(person=cast.staff)

    with pytest.raises(ValidationError, match="lý do"):
        meetings.acknowledgement_on_behalf(assignment=assignment, by=cast.unit_head, reason="  ", paper=scan())
    with pytest.raises(ValidationError, match="bản chụp giấy xác nhận"):
        meetings.acknowledgement_on_behalf(assignment=assignment, by=cast.unit_head, reason="Đi công tác", paper=None)
    assert Assignment.objects.get(pk=assignment.pk).is_open


def test_on_behalf_is_recorded_with_the_head_the_reason_and_the_papers_hash(cast, campaign):
    assignment = Assignment.objects.get(person=cast.staff)
    data = scan_bytes((200, 200, 200))

    ack = meetings.acknowledgement_on_behalf(
        assignment=assignment, by=cast.unit_head, reason="Đồng chí ký giấy do không có máy tính",
        paper=scan("giay-xac-nhan.jpg", data),
    )  # fmt: skip

    ack = Acknowledgement.objects.get(pk=ack.pk)
    assert (ack.method, ack.recorded_by_id, ack.reason, ack.sheet_sha256, ack.paper_name) == (
        "behalf", cast.unit_head.pk, "Đồng chí ký giấy do không có máy tính", hashlib.sha256(data).hexdigest(),
        "giay-xac-nhan.jpg",
    )  # fmt: skip
    assert ack.paper.read() == data
    assert chain.verify().ok
    text = PdfReader(io.BytesIO(receipt_pdf(ack))).pages[0].extract_text()
    assert "Thay mặt" in text
    assert "Trần Văn Trưởng" in text


def test_on_behalf_only_for_someone_of_the_heads_subtree(cast, campaign, office_head):
    assignment = Assignment.objects.get(person=cast.staff)
    for someone in (office_head, cast.inspector, cast.administrator, cast.staff):
        with pytest.raises(ValidationError, match="không thuộc phạm vi"):
            meetings.acknowledgement_on_behalf(assignment=assignment, by=someone, reason="x", paper=scan())


# Constraints in the database


def test_the_database_refuses_a_meeting_record_without_a_session(cast, campaign):
    assignment = Assignment.objects.get(person=cast.staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Acknowledgement.objects.create(
            assignment=assignment, person=cast.staff, version=assignment.version, text_sha256="x",
            acknowledged_at=timezone.now(), method=Method.MEETING, recorded_by=cast.unit_head,
            sheet_sha256="a" * 64, record_version=3, seq=99, key_id="k2", previous_hash="0", record_hash="h",
        )  # fmt: skip


def test_the_database_refuses_on_behalf_without_a_reason(cast, campaign):
    assignment = Assignment.objects.get(person=cast.staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Acknowledgement.objects.create(
            assignment=assignment, person=cast.staff, version=assignment.version, text_sha256="x",
            acknowledged_at=timezone.now(), method=Method.ON_BEHALF, recorded_by=cast.unit_head,
            sheet_sha256="a" * 64, paper="behalf/x.jpg", record_version=3, seq=99, key_id="k2",
            previous_hash="0", record_hash="h",
        )  # fmt: skip


def test_the_database_refuses_an_unknown_method(cast, campaign):
    assignment = Assignment.objects.get(person=cast.staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        Acknowledgement.objects.create(
            assignment=assignment, person=cast.staff, version=assignment.version, text_sha256="x",
            acknowledged_at=timezone.now(), method="fax", seq=99, key_id="k2", previous_hash="0", record_hash="h",
        )  # fmt: skip


# The chain


def test_changing_the_method_or_the_sheet_hash_of_a_record_breaks_the_chain(cast, planned, ten):
    from tests.acknowledgements.conftest import tamper

    meetings.meeting_record(meeting=planned, by=cast.unit_head, present=attendee_ids(planned, ten[:2]), sheet=scan())
    first = Acknowledgement.objects.filter(session=planned).order_by("pk").first()

    tamper("UPDATE acknowledgements_acknowledgement SET sheet_sha256 = %s WHERE id = %s", ["b" * 64, first.pk])

    result = chain.verify()
    assert [p.record_id for p in result.problems] == [first.pk]
    assert "mã xác thực không khớp" in str(result.problems[0])


def test_a_record_moved_back_to_an_old_field_set_does_not_verify(cast, campaign):
    from tests.acknowledgements.conftest import tamper

    ack = services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta=META
    )
    assert ack.record_version == 4

    with pytest.raises(IntegrityError, match="acknowledgement_place_by_version"), transaction.atomic():
        tamper("UPDATE acknowledgements_acknowledgement SET record_version = 3 WHERE id = %s", [ack.pk])
    # Given a place in the row as well, as version 3 had it:
    tamper(
        "UPDATE acknowledgements_acknowledgement SET record_version = 3, seq = 1, previous_hash = %s WHERE id = %s",
        ["0" * 64, ack.pk],
    )

    problems = chain.verify().problems
    assert {p.record_id for p in problems} == {ack.pk, None}  # None: the head, which counts one record
    assert "mã xác thực không khớp: nội dung bản ghi đã bị sửa." in str(problems[0])


def test_a_meeting_record_cannot_be_moved_to_the_old_field_set_at_all(cast, planned, ten):
    from tests.acknowledgements.conftest import tamper

    meetings.meeting_record(meeting=planned, by=cast.unit_head, present=attendee_ids(planned, ten[:1]), sheet=scan())
    ack = Acknowledgement.objects.get(session=planned)

    with pytest.raises(IntegrityError, match="acknowledgement_method_keyed"), transaction.atomic():
        tamper("UPDATE acknowledgements_acknowledgement SET record_version = 2 WHERE id = %s", [ack.pk])


def test_online_and_meeting_records_share_one_chain(cast, campaign, planned, ten):
    services.acknowledgement_record(assignment=Assignment.objects.get(person=ten[8]), by=ten[8], request_meta=META)
    meetings.meeting_record(meeting=planned, by=cast.unit_head, present=attendee_ids(planned, ten[:3]), sheet=scan())

    rows = list(Acknowledgement.objects.order_by("link__seq").values_list("link__seq", "method"))
    assert rows == [(1, "online"), (2, "meeting"), (3, "meeting"), (4, "meeting")]
    assert chain.verify().ok


# QR check-in


def test_check_in_works_only_while_the_session_is_open(cast, planned):
    with pytest.raises(ValidationError, match="không mở điểm danh"):
        meetings.meeting_checkin(meeting=planned, person=cast.staff)

    meetings.meeting_checkin_open(meeting=planned, by=cast.unit_head, minutes=30)
    attendee = meetings.meeting_checkin(meeting=planned, person=cast.staff)
    assert attendee.checked_in_at is not None

    meetings.meeting_checkin_close(meeting=planned, by=cast.unit_head)
    with pytest.raises(ValidationError, match="không mở điểm danh"):
        meetings.meeting_checkin(meeting=planned, person=cast.staff)


def test_check_in_is_closed_once_its_time_has_passed(cast, planned):
    meetings.meeting_checkin_open(meeting=planned, by=cast.unit_head, minutes=1)
    Meeting.objects.filter(pk=planned.pk).update(checkin_until=timezone.now() - datetime.timedelta(seconds=1))
    planned.refresh_from_db()

    with pytest.raises(ValidationError, match="không mở điểm danh"):
        meetings.meeting_checkin(meeting=planned, person=cast.staff)


def test_only_people_of_the_sessions_units_check_in(cast, planned):
    meetings.meeting_checkin_open(meeting=planned, by=cast.unit_head, minutes=30)

    for someone in (cast.outsider, cast.inspector):
        with pytest.raises(ValidationError, match="không thuộc đơn vị"):
            meetings.meeting_checkin(meeting=planned, person=someone)
    assert not planned.attendees.filter(person__in=[cast.outsider, cast.inspector]).exists()


def test_a_session_is_named_by_its_place_and_local_time_in_the_short_vietnamese_form():
    held_at = datetime.datetime(2024, 8, 5, 2, 30, tzinfo=datetime.UTC)  # 09:30 in Việt Nam

    assert str(Meeting(place="Phòng họp tầng 3", held_at=held_at)) == "Phòng họp tầng 3 – 09:30 5/8/2024"
