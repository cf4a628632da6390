"""Every PDF names itself and its language for screen readers (issue 16, item 15)."""

import datetime
import io

from django.utils import timezone
from pypdf import PdfReader

from acknowledgements import meetings, services
from acknowledgements.models import Assignment
from acknowledgements.receipt import receipt_pdf
from acknowledgements.sheet import sheet_pdf
from reports import exports, selectors
from reports.selectors import Filters


def described(data: bytes) -> tuple[str, str, bool, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    preferences = root.get("/ViewerPreferences", {})
    return (
        reader.metadata.title,
        str(root.get("/Lang")),
        bool(preferences.get("/DisplayDocTitle")),
        [item.title for item in reader.outline if not isinstance(item, list)],
    )


def test_the_receipt_has_a_title_shown_in_the_window_and_the_language_vi(cast, campaign):
    ack = services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta={}
    )

    title, lang, shown, _ = described(receipt_pdf(ack))

    assert (title, lang, shown) == ("Biên nhận xác nhận quán triệt: 3821/TCT-KTNB", "vi", True)


def test_the_attendance_sheet_has_a_title_and_the_language_vi(cast, org, campaign):
    held = timezone.make_aware(datetime.datetime(2026, 12, 3, 8, 30))
    meeting = meetings.meeting_plan(
        by=cast.unit_head, campaigns=[campaign], units=[org.department], held_at=held,
        place="Phòng họp", chair="Trần Văn Trưởng", select_all=True,
    )  # fmt: skip

    title, lang, shown, _ = described(sheet_pdf(meeting, list(meeting.attendees.all())))

    assert (title, lang, shown) == ("Danh sách ký xác nhận buổi quán triệt 08:30 03/12/2026", "vi", True)


def test_the_report_has_a_title_the_language_vi_and_a_bookmark_per_section(cast, org, campaign):
    data = exports.pdf_summary(selectors.summary(Filters(unit=org.agency)))

    title, lang, shown, bookmarks = described(data)

    assert (title, lang, shown) == ("Báo cáo tình hình quán triệt – Sở Thông tin và Truyền thông", "vi", True)
    assert len(bookmarks) >= 2
