"""The workbook's people sheet written by PostgreSQL's COPY (reports/copy.py) holds
the same cells as the one written from Python rows, whatever a name holds."""

import io
import zipfile

import openpyxl
import pytest

from acknowledgements import services as ack_services
from reports import exports, selectors
from reports.selectors import Filters
from tests.factories import PersonFactory

pytestmark = pytest.mark.postgres

# Markup, quotes, a backslash, a tab, a line break, two control characters XML cannot
# hold (dropped) and a formula-like start (text in a workbook, never run).
AWKWARD = '=Lê "Tý" <Tèo> & Cháu\\Út\tB\nC\x01\x0bD'
SHOWN = '=Lê "Tý" <Tèo> & Cháu\\Út\tB\nCD'


def people_sheet(filters: Filters) -> list[tuple]:
    out = io.BytesIO()
    exports.xlsx_workbook(selectors.summary(filters), filters, out)
    return list(openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Cán bộ"].iter_rows(values_only=True))


@pytest.fixture
def awkward(org, campaign):
    person = PersonFactory(full_name=AWKWARD, email="teo&chau@example.gov.vn", unit=org.team)
    ack_services.assignments_sync_person(person=person)
    return person


def test_an_awkward_name_reaches_the_workbook_as_it_was_typed_less_what_xml_cannot_hold(awkward, cast, org):
    rows = people_sheet(Filters(unit=org.agency))

    row = next(row for row in rows if row[2] == "teo&chau@example.gov.vn")
    assert row[:4] == ("TBC", "Tổ Báo chí", "teo&chau@example.gov.vn", SHOWN)
    assert row[8:] == ("Chưa xác nhận", None)


def test_the_sheet_from_copy_equals_the_sheet_from_python_rows(awkward, cast, org, monkeypatch):
    ack_services.acknowledgement_record(
        assignment=cast.staff.assignments.get(), by=cast.staff, request_meta={"REMOTE_ADDR": "10.0.0.7"}
    )
    filters = Filters(unit=org.agency)
    from_copy = people_sheet(filters)
    monkeypatch.setattr(exports.connections["default"], "vendor", "sqlite")

    assert from_copy == people_sheet(filters)
    assert len(from_copy) == 4  # the header, the staff member, the unit head, the awkward name


def test_every_sheet_is_deflated_and_passes_its_checksum(awkward, org):
    filters = Filters(unit=org.agency)
    out = io.BytesIO()
    exports.xlsx_workbook(selectors.summary(filters), filters, out)

    with zipfile.ZipFile(out) as book:
        assert book.testzip() is None
        sheets = [info for info in book.infolist() if info.filename.startswith("xl/worksheets/")]
        assert [info.compress_type for info in sheets] == [zipfile.ZIP_DEFLATED] * 4
        assert all(info.compress_size < info.file_size for info in sheets)
