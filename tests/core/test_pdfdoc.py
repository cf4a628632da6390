"""Every PDF is a tagged PDF a screen reader can follow (issue 16, item 15): a
structure tree with its headings, paragraphs, lists and tables, marked as tagged, in
Vietnamese, its title shown in the viewer's window; and numbers, dates and moments
written one way in all of them."""

import datetime
import io
import sys
import types

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from acknowledgements import meetings, services
from acknowledgements.models import Assignment
from acknowledgements.receipt import receipt_pdf
from acknowledgements.sheet import sheet_pdf
from core import pdfdoc
from core.pdfdoc import moment, percent, render, short_date
from reports import exports, selectors
from reports.implementation import Texts, implementation_data
from reports.implementation_pdf import implementation_pdf
from reports.selectors import Filters


def tagged(data: bytes) -> dict:
    """What a screen reader and a PDF/UA checker read before the first line."""
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    kinds: set[str] = set()

    def walk(element):
        element = element.get_object()
        if "/S" in element:
            kinds.add(str(element["/S"]))
        children = element.get("/K", [])
        for child in children if isinstance(children, list) else [children]:
            child = child.get_object()
            if isinstance(child, dict) and "/S" in child:  # not a marked-content id
                walk(child)

    def titles(outline):
        return [title for item in outline for title in (titles(item) if isinstance(item, list) else [item.title])]

    walk(root["/StructTreeRoot"])
    return {
        "title": reader.metadata.title,
        "lang": str(root["/Lang"])[:2],
        "marked": bool(root["/MarkInfo"]["/Marked"]),
        "shown": bool(root["/ViewerPreferences"]["/DisplayDocTitle"]),
        "kinds": kinds,
        "bookmarks": titles(reader.outline),
    }


def test_the_receipt_is_tagged_with_its_heading_and_a_list_of_what_was_acknowledged(cast, campaign):
    ack = services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta={}
    )

    pdf = tagged(receipt_pdf(ack))

    assert (pdf["title"], pdf["lang"], pdf["marked"], pdf["shown"]) == (
        "Biên nhận xác nhận quán triệt: 3821/TCT-KTNB", "vi", True, True,
    )  # fmt: skip
    assert {"/Document", "/H1", "/L", "/LI", "/P"} <= pdf["kinds"]


def test_the_attendance_sheet_is_tagged_with_its_roster_as_a_table(cast, org, campaign):
    held = timezone.make_aware(datetime.datetime(2026, 12, 3, 8, 30))
    meeting = meetings.meeting_plan(
        by=cast.unit_head, campaigns=[campaign], units=[org.department], held_at=held,
        place="Phòng họp", chair="Trần Văn Trưởng", select_all=True,
    )  # fmt: skip

    data = sheet_pdf(meeting, list(meeting.attendees.all()))
    pdf = tagged(data)

    assert (pdf["title"], pdf["lang"], pdf["marked"], pdf["shown"]) == (
        "Danh sách ký xác nhận buổi quán triệt 08:30 3/12/2026", "vi", True, True,
    )  # fmt: skip
    assert {"/H1", "/P", "/L", "/Figure", "/Table", "/THead", "/TH", "/TR", "/TD"} <= pdf["kinds"]
    assert "Thời gian: 08 giờ 30, ngày 3/12/2026" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_the_attendance_sheet_in_english_writes_the_time_as_english_does(cast, org, campaign):
    held = timezone.make_aware(datetime.datetime(2026, 12, 3, 8, 30))
    meeting = meetings.meeting_plan(
        by=cast.unit_head, campaigns=[campaign], units=[org.department], held_at=held,
        place="Phòng họp", chair="Trần Văn Trưởng", select_all=True,
    )  # fmt: skip

    with translation.override("en"):
        data = sheet_pdf(meeting, list(meeting.attendees.all()))

    assert "08:30 on 3 Dec 2026" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_the_report_is_tagged_with_a_heading_and_a_bookmark_per_section(cast, org, campaign):
    pdf = tagged(exports.pdf_summary(selectors.summary(Filters(unit=org.agency))))

    assert (pdf["title"], pdf["lang"], pdf["marked"], pdf["shown"]) == (
        "Báo cáo tình hình quán triệt – Sở Thông tin và Truyền thông", "vi", True, True,
    )  # fmt: skip
    assert {"/H1", "/H2", "/P", "/Table", "/TH", "/TD"} <= pdf["kinds"]
    assert pdf["bookmarks"] == [
        "BÁO CÁO", "I. KẾT QUẢ QUÁN TRIỆT CHUNG", "II. KẾT QUẢ THEO VĂN BẢN", "III. KẾT QUẢ THEO ĐƠN VỊ",
        "IV. PHẢN ÁNH VI PHẠM", "V. ĐƠN VỊ CHƯA BÁO CÁO TRIỂN KHAI",
    ]  # fmt: skip


def test_the_implementation_report_is_tagged_with_its_sections_and_tables(cast, org, campaign):
    data = implementation_data(unit=org.department, start=datetime.date(2026, 10, 1), end=datetime.date(2026, 10, 31))

    pdf = tagged(implementation_pdf(data, Texts(), today=datetime.date(2026, 11, 2)))

    assert (pdf["title"], pdf["lang"], pdf["marked"], pdf["shown"]) == (
        "BÁO CÁO Kết quả triển khai, quán triệt các văn bản về quy tắc ứng xử trên mạng xã hội", "vi", True, True,
    )  # fmt: skip
    assert {"/H1", "/H2", "/P"} <= pdf["kinds"]
    assert "III. KẾT QUẢ XÁC NHẬN CỦA CÁN BỘ, CÔNG CHỨC" in pdf["bookmarks"]


def test_a_share_has_one_decimal_a_comma_and_a_space_before_the_sign():
    assert [percent(1, 8), percent(2, 3), percent(1, 3), percent(3, 4), percent(8, 8), percent(0, 0)] == [
        "12,5 %", "66,7 %", "33,3 %", "75,0 %", "100,0 %", "0,0 %",
    ]  # fmt: skip


def test_a_date_has_no_leading_zeros_and_a_moment_names_its_zone():
    assert short_date(datetime.date(2024, 8, 28)) == "28/8/2024"
    assert short_date(datetime.date(2026, 1, 5)) == "5/1/2026"
    assert moment(datetime.datetime(2024, 8, 28, 7, 5, 9, tzinfo=datetime.UTC)) == (
        "14:05:09 ngày 28/8/2024 (giờ Việt Nam, UTC+07:00)"
    )
    assert moment(datetime.datetime(2024, 8, 28, 17, 5, 9, tzinfo=datetime.UTC), seconds=False) == (
        "00:05 ngày 29/8/2024 (giờ Việt Nam, UTC+07:00)"
    )


def test_without_pango_a_pdf_fails_saying_what_to_install(monkeypatch):
    class WithoutPango(types.ModuleType):
        def __getattr__(self, name):
            raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setitem(sys.modules, "weasyprint", WithoutPango("weasyprint"))

    with pytest.raises(RuntimeError, match=r"PDFs need Pango for WeasyPrint; run `make pdf-tools` \(as root\)"):
        render("directives/pdf/stand_in.html", {}, title="Cẩm nang")


def test_a_pdf_asked_for_on_a_server_without_pango_gets_a_clear_vietnamese_page(client, cast, campaign, monkeypatch):
    from acknowledgements import services as ack_services
    from acknowledgements.models import Assignment

    assignment = Assignment.objects.get(person=cast.staff)
    ack_services.acknowledgement_record(assignment=assignment, by=cast.staff, request_meta={})

    def no_pango(*args, **kwargs):
        raise pdfdoc.PdfToolsMissing("PDFs need Pango for WeasyPrint; run `make pdf-tools` (as root).")

    monkeypatch.setattr(pdfdoc, "render", no_pango)
    client.force_login(cast.staff)

    response = client.get(f"/acknowledgements/{assignment.pk}/receipt/")

    assert response.status_code == 503
    assert "chưa cài thư viện Pango nên chưa tạo được tệp PDF" in response.content.decode()
    assert "make pdf-tools" in response.content.decode()
