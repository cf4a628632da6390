"""Every report says how each acknowledgement was made: online, at a session, or on
someone's behalf (the CSV and the workbook by the database's COPY and by Python, the
PDF report, the unit page with its sessions and their signed sheets)."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from acknowledgements import meetings
from acknowledgements import services as ack_services
from acknowledgements.models import Assignment
from reports import exports, selectors
from reports.selectors import Filters
from tests.acknowledgements.test_meetings import scan
from tests.factories import PersonFactory

META = {"REMOTE_ADDR": "10.0.0.7", "HTTP_USER_AGENT": "pytest"}
METHOD_OF = {
    "Lê Thị Cán Bộ": "Trực tuyến",
    "Trần Văn Trưởng": "Tại buổi quán triệt",
    "Đinh Văn An": "Tại buổi quán triệt",
    "Bùi Thị Bình": "Tại buổi quán triệt",
    "Lý Văn Cường": "Thay mặt",
    "Mai Thị Dung": "",
}


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture
def department(cast, org, campaign):
    """The department's campaign: one online, three at a session, one on behalf, one open."""
    names = ["Đinh Văn An", "Bùi Thị Bình", "Lý Văn Cường", "Mai Thị Dung"]
    people = {name: PersonFactory(full_name=name, unit=org.department) for name in names}
    for person in people.values():
        ack_services.assignments_sync_person(person=person)
    ack_services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta=META
    )
    session = meetings.meeting_plan(
        by=cast.unit_head, campaigns=[campaign], units=[org.department], held_at=timezone.now(),
        place="Phòng họp tầng 3", chair="Trần Văn Trưởng",
        people=[cast.unit_head, people["Đinh Văn An"], people["Bùi Thị Bình"], people["Mai Thị Dung"]],
    )  # fmt: skip
    present = session.attendees.exclude(person=people["Mai Thị Dung"]).values_list("pk", flat=True)
    meetings.meeting_record(
        meeting=session, by=cast.unit_head, present=list(present), sheet=scan(), minutes=scan("bien-ban.jpg")
    )
    meetings.acknowledgement_on_behalf(
        assignment=Assignment.objects.get(person=people["Lý Văn Cường"]), by=cast.unit_head,
        reason="Lái xe, ký giấy xác nhận", paper=scan("giay.jpg"),
    )  # fmt: skip
    return session


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_assignments_csv_gives_each_acknowledgements_method(department, org):
    rows = csv_rows(b"".join(exports.csv_assignments(Filters(unit=org.agency))))

    assert rows[0][-2:] == ["Trạng thái", "Hình thức xác nhận"]
    assert {row[3]: row[9] for row in rows[1:]} == METHOD_OF


def test_the_csv_written_by_copy_is_the_same_as_pythons(department, org):
    if not selectors.uses_copy():
        pytest.skip("COPY is PostgreSQL's")
    filters = Filters(unit=org.agency)
    out = io.BytesIO()

    count = exports.csv_assignments_copy(filters, out)

    assert count == 6
    assert csv_rows(out.getvalue()) == csv_rows(b"".join(exports.csv_assignments(filters)))


def test_the_workbook_has_the_method_column(department, org):
    filters = Filters(unit=org.agency)
    out = io.BytesIO()
    exports.xlsx_workbook(selectors.summary(filters), filters, out)

    people = list(openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Cán bộ"].iter_rows(values_only=True))

    assert people[0][-1] == "Hình thức xác nhận"
    assert {row[3]: row[9] or "" for row in people[1:]} == METHOD_OF


def test_the_workbook_from_python_rows_matches(department, org, monkeypatch):
    monkeypatch.setattr(exports.connections["default"], "vendor", "sqlite")
    filters = Filters(unit=org.agency)
    out = io.BytesIO()
    exports.xlsx_workbook(selectors.summary(filters), filters, out)

    people = list(openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Cán bộ"].iter_rows(values_only=True))

    assert {row[3]: row[9] or "" for row in people[1:]} == METHOD_OF


def test_the_pdf_report_counts_the_acknowledgements_by_method(department, org):
    data = exports.pdf_summary(selectors.summary(Filters(unit=org.agency)))
    text = " ".join("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())

    assert "Theo hình thức xác nhận: Trực tuyến: 1; Tại buổi quán triệt: 3; Thay mặt: 1." in text


def test_the_unit_page_counts_by_method_and_lists_the_session_with_its_papers(client, cast, department):
    client.force_login(cast.unit_head)

    page = client.get(reverse("acknowledgements:unit")).content.decode()

    assert "(trực tuyến 1, tại buổi quán triệt 3, thay mặt 1)" in page
    assert "Phòng họp tầng 3" in page
    assert reverse("acknowledgements:meeting_file", args=[department.pk, "sheet"]) in page
    assert reverse("acknowledgements:meeting_file", args=[department.pk, "minutes"]) in page
    for method in ("Trực tuyến", "Tại buổi quán triệt", "Thay mặt"):
        assert method in page
