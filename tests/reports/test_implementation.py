"""The head of the department downloads the department's report on implementation for
October 2026 (báo cáo kết quả triển khai), as a Word document to edit and as a PDF
to sign, in the Decree 30/2020/NĐ-CP layout.

October in the department (Phòng Bưu chính, under Sở Thông tin và Truyền thông; its
team Tổ Báo chí below it), all dated by hand so the figures are literal:
- the tax letter 3821/TCT-KTNB (issued 28/08/2024) is launched on 05/10, due 20/10,
  for four people: the head and Ngô Văn Năm in the department, the staff member and
  Bùi Thêm in the team;
- the staff member acknowledges online on 10/10 (on time); the head at the session
  of 15/10 in the department's meeting room (2 invited, the head present, Năm absent);
  Thêm online on 25/10 (late); Năm never (open, overdue).
  So 3 of 4 acknowledged: 75%; the department's own people 1 of 2 (50%), the team
  2 of 2 (100%);
- the head reports the dissemination: a meeting on 15/10 with 2 attendees;
- two cases: one about the staff member closed with "Kiểm điểm rút kinh nghiệm"
  (self-criticism), one about Thêm still under review."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from acknowledgements import meetings
from acknowledgements import services as ack_services
from acknowledgements.models import Assignment, Attendee, Campaign
from organization.models import Role, Unit
from reports.implementation import implementation_data
from reports.models import ExportLog
from tests.acknowledgements.test_meetings import scan
from tests.factories import PersonFactory, RoleGrantFactory, UnitFactory
from violations import services as case_services
from violations import workflow
from violations.models import Report, State


def at(day: int, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 10, day, hour, 0))


@pytest.fixture
def october(cast, org, campaign, tax_letter):
    them = PersonFactory(email="them@example.gov.vn", full_name="Bùi Thêm", unit=org.team)
    nam = PersonFactory(email="nam@example.gov.vn", full_name="Ngô Văn Năm", unit=org.department)
    for person in (them, nam):
        ack_services.assignments_sync_person(person=person)
    for person in (cast.staff, them):
        ack_services.acknowledgement_record(
            assignment=Assignment.objects.get(person=person), by=person, request_meta={}
        )
    session = meetings.meeting_plan(
        by=cast.unit_head, campaigns=[campaign], units=[org.department], held_at=at(15, 8),
        place="Phòng họp tầng 2", chair="Trần Văn Trưởng", people=[cast.unit_head, nam],
    )  # fmt: skip
    present = Attendee.objects.filter(meeting=session, person=cast.unit_head).values_list("pk", flat=True)
    meetings.meeting_record(meeting=session, by=cast.unit_head, present=list(present), sheet=scan())
    ack_services.implementation_report_submit(
        directive=tax_letter, unit=org.department, by=cast.unit_head, method="meeting", held_on=at(15).date(),
        attendees=2,
    )  # fmt: skip

    Campaign.objects.filter(pk=campaign.pk).update(created_at=at(5, 8))
    Assignment.objects.update(assigned_at=at(5, 8), due_on=datetime.date(2026, 10, 20))
    for person, day in ((cast.staff, 10), (cast.unit_head, 15), (them, 25)):
        Assignment.objects.filter(person=person).update(acknowledged_at=at(day))

    closed = case_services.report_create(
        by=cast.unit_head, subject=cast.staff, category="working_hours", platform="facebook", seen_at=at(11),
        description="Chơi game trên Facebook trong giờ làm việc.",
    )  # fmt: skip
    for to in (State.UNDER_REVIEW, State.HEARING):
        case_services.report_transition(report=closed, to=to, by=cast.unit_head, role=workflow.REVIEWER)
    case_services.report_explain(report=closed, by=cast.staff, text="Tôi nhận khuyết điểm.")
    case_services.report_transition(report=closed, to=State.CONFIRMED, by=cast.unit_head, role=workflow.REVIEWER)
    case_services.report_transition(
        report=closed, to=State.CLOSED, by=cast.unit_head, role=workflow.REVIEWER, outcome="self_criticism"
    )
    open_case = case_services.report_create(
        by=cast.unit_head, subject=them, category="insult", platform="zalo", seen_at=at(19),
        description="Bình luận xúc phạm đồng nghiệp.",
    )  # fmt: skip
    case_services.report_transition(report=open_case, to=State.UNDER_REVIEW, by=cast.unit_head, role=workflow.REVIEWER)
    Report.objects.filter(pk=closed.pk).update(created_at=at(12))
    Report.objects.filter(pk=open_case.pk).update(created_at=at(20))


FORM = {
    "unit": "PBC",
    "start": "2026-10-01",
    "end": "2026-10-31",
    "assessment": "Các đơn vị đã nghiêm túc quán triệt.\nĐề nghị tiếp tục nhắc nhở cán bộ chưa xác nhận.",
    "place": "",
    "recipients": "- Sở Thông tin và Truyền thông (để báo cáo);\n- Lưu: VT.",
    "signer_title": "Trưởng phòng",
    "signer_name": "Trần Văn Trưởng",
}


def download(client, fmt: str, **changes):
    return client.post(reverse(f"reports:implementation_{fmt}"), {**FORM, **changes})


def docx_text(document) -> tuple[list[str], list[list[list[str]]]]:
    """The body's paragraphs and each table as rows of cell texts, in order."""
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return paragraphs, tables


def test_the_head_gets_the_department_report_as_a_word_document(client, cast, october):
    client.force_login(cast.unit_head)

    response = download(client, "docx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-trien-khai-PBC-20261001-20261031.docx"'
    paragraphs, tables = docx_text(Document(io.BytesIO(response.content)))
    heading, directives, sessions, disseminations, units, categories, outcomes, signature = tables
    assert heading == [[
        # (the empty lines hold the short rules under the unit's name and the motto)
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG\nPHÒNG BƯU CHÍNH\n\nSố: …/BC-PBC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n…, ngày … tháng … năm …",
    ]]  # fmt: skip
    assert paragraphs[:3] == [
        "BÁO CÁO",
        "Kết quả triển khai, quán triệt các văn bản về quy tắc ứng xử trên mạng xã hội",
        "(Từ ngày 01 tháng 10 năm 2026 đến ngày 31 tháng 10 năm 2026)",
    ]
    assert [row[:3] for row in directives] == [
        ["STT", "Số, ký hiệu", "Ngày ban hành"],
        ["1", "3821/TCT-KTNB", "28/8/2024"],
    ]
    assert sessions == [
        ["STT", "Ngày", "Đơn vị", "Văn bản", "Có mặt/triệu tập", "Xác nhận tại buổi"],
        ["1", "15/10/2026", "Phòng Bưu chính", "3821/TCT-KTNB", "1/2", "1"],
    ]
    assert disseminations[1] == ["1", "Phòng Bưu chính", "3821/TCT-KTNB", "Hội nghị, cuộc họp", "15/10/2026", "2"]
    assert units == [
        ["STT", "Đơn vị", "Số lượt giao", "Đúng hạn", "Muộn", "Chưa xác nhận", "Tỷ lệ đã xác nhận"],
        ["1", "Phòng Bưu chính", "2", "1", "0", "1", "50,0 %"],
        ["2", "Tổ Báo chí", "2", "1", "1", "0", "100,0 %"],
        ["", "Tổng cộng", "4", "2", "1", "1", "75,0 %"],
    ]
    assert categories == [
        ["STT", "Loại vi phạm", "Số hồ sơ"],
        ["1", "Xúc phạm danh dự, nhân phẩm người khác", "1"],
        ["2", "Dùng mạng xã hội trong giờ làm việc", "1"],
    ]
    assert outcomes == [["STT", "Hình thức xử lý", "Số hồ sơ"], ["1", "Kiểm điểm rút kinh nghiệm", "1"]]
    assert (
        "Tổng số lượt giao: 4; đã xác nhận: 3 (75,0 %), trong đó đúng hạn: 2, muộn: 1; chưa xác nhận: 1, "
        "trong đó quá hạn: 1."
    ) in paragraphs
    assert "Tiếp nhận 2 hồ sơ phản ánh vi phạm; đã xử lý xong 1, đang giải quyết 1, trong đó quá hạn xem xét 0." in (
        paragraphs
    )
    assert "Đã tổ chức 1 buổi quán triệt, 1 lượt người có mặt, 1 lượt xác nhận tại buổi." in paragraphs
    assert "Đề nghị tiếp tục nhắc nhở cán bộ chưa xác nhận." in paragraphs
    assert signature == [[
        "Nơi nhận:\n- Sở Thông tin và Truyền thông (để báo cáo);\n- Lưu: VT.",
        "TRƯỞNG PHÒNG\n\n\n\n\nTrần Văn Trưởng",
    ]]  # fmt: skip


def test_the_same_report_as_a_pdf_ready_to_sign(client, cast, october):
    client.force_login(cast.unit_head)

    response = download(client, "pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "PHÒNG BƯU CHÍNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "Số: …/BC-PBC", "…, ngày … tháng … năm …", "BÁO CÁO",
        "Kết quả triển khai, quán triệt các văn bản về quy tắc ứng xử trên mạng xã hội",
        "(Từ ngày 01 tháng 10 năm 2026 đến ngày 31 tháng 10 năm 2026)", "3821/TCT-KTNB", "28/8/2024",
        "1 Phòng Bưu chính 2 1 0 1 50,0 %", "2 Tổ Báo chí 2 1 1 0 100,0 %", "Tổng cộng 4 2 1 1 75,0 %",
        "Kiểm điểm rút kinh nghiệm", "Đề nghị tiếp tục nhắc nhở cán bộ chưa xác nhận.", "Nơi nhận:",
        "- Lưu: VT.", "TRƯỞNG PHÒNG", "Trần Văn Trưởng",
    ):  # fmt: skip
        assert expected in text, expected


def test_a_place_on_the_form_dates_the_report_today(client, cast, october):
    client.force_login(cast.unit_head)
    today = timezone.localdate()

    response = download(client, "docx", place="Hà Nội")

    heading = Document(io.BytesIO(response.content)).tables[0].rows[0].cells[1].text
    month = f"{today:%m}" if today.month < 3 else str(today.month)  # "tháng 02", "tháng 12"
    assert heading.endswith(f"Hà Nội, ngày {today:%d} tháng {month} năm {today.year}")


def test_each_download_is_logged_like_the_other_exports(client, cast, october):
    client.force_login(cast.unit_head)

    download(client, "docx")
    download(client, "pdf")

    assert list(ExportLog.objects.order_by("pk").values_list("person__email", "kind", "format", "filters")) == [
        ("truongphong@example.gov.vn", "implementation", fmt,
         {"unit": "PBC", "directive": "", "from": "2026-10-01", "to": "2026-10-31"})
        for fmt in ("docx", "pdf")
    ]  # fmt: skip


def test_an_inspector_at_the_agency_gets_the_whole_agency(client, cast, october):
    client.force_login(cast.inspector)

    response = download(client, "docx", unit="STTTT")

    paragraphs, tables = docx_text(Document(io.BytesIO(response.content)))
    assert tables[0][0][0] == "SỞ THÔNG TIN VÀ TRUYỀN THÔNG\n\nSố: …/BC-STTTT"
    assert ["1", "Phòng Bưu chính", "4", "2", "1", "1", "75,0 %"] in tables[4]


def test_an_end_before_the_start_is_refused_on_the_form(client, cast, october):
    client.force_login(cast.unit_head)

    response = download(client, "docx", start="2026-10-31", end="2026-10-01")

    assert response.status_code == 400
    assert "Ngày kết thúc phải từ ngày bắt đầu trở về sau." in response.content.decode()
    assert not ExportLog.objects.exists()


def test_the_form_page_starts_from_this_month_and_the_signer(client, cast, org):
    client.force_login(cast.unit_head)

    response = client.get(reverse("reports:implementation"))

    form = response.context["form"]
    assert response.context["unit"] == org.department
    assert form.initial["start"].day == 1 and form.initial["end"] == timezone.localdate()
    assert form.initial["signer_name"] == "Trần Văn Trưởng"
    assert form.initial["recipients"] == "- Sở Thông tin và Truyền thông (để báo cáo);\n- Lưu: VT."
    page = response.content.decode()
    assert reverse("reports:implementation_docx") in page and reverse("reports:implementation_pdf") in page


def test_the_dashboard_links_to_the_report_of_its_unit(client, cast):
    client.force_login(cast.inspector)

    page = client.get(reverse("reports:dashboard"), {"unit": "PBC"}).content.decode()

    assert f"{reverse('reports:implementation')}?unit=PBC" in page


def test_the_figures_take_as_many_queries_whatever_the_number_of_sessions_and_units(cast, org, campaign, october):
    def queries() -> int:
        department = Unit.objects.get(code="PBC")  # fresh: nothing cached on the instance
        with CaptureQueriesContext(connection) as captured:
            implementation_data(unit=department, start=datetime.date(2026, 10, 1), end=datetime.date(2026, 10, 31))
        return len(captured)

    queries()  # the first also reads the working calendar, which is then cached
    before = queries()
    desk = UnitFactory(name="Tổ Bưu chính", code="TBCH", parent=org.department)
    ack_services.assignments_sync_person(person=PersonFactory(email="moi@example.gov.vn", unit=desk))
    second = meetings.meeting_plan(
        by=cast.unit_head, campaigns=[campaign], units=[org.team, desk], held_at=at(22, 8), place="Hội trường",
        chair="Trần Văn Trưởng", people=[cast.staff],
    )  # fmt: skip
    meetings.meeting_record(meeting=second, by=cast.unit_head, present=[], sheet=scan())

    assert queries() == before


# Permission matrix: the page and both downloads × role × in / out of scope.

VIEWS = [("reports:implementation", "get"), ("reports:implementation_docx", "post"),
         ("reports:implementation_pdf", "post")]  # fmt: skip
EXPECTED = {
    # who: statuses for the page, the .docx, the PDF, all asking for the department (PBC)
    "unit_head": [200, 200, 200],
    "inspector": [200, 200, 200],
    "administrator": [200, 200, 200],
    "superuser": [200, 200, 200],
    "sibling_head": [404, 404, 404],  # head of Văn phòng Sở, beside the department
    "team_head": [404, 404, 404],  # head of the team below: the department is above their scope
    "outsider": [404, 404, 404],  # head of another agency
    "staff": [403, 403, 403],
    "anonymous": [302, 302, 302],
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_the_report_is_given_only_within_the_askers_scope(client, cast, org, who):
    if who in ("sibling_head", "team_head"):
        unit = org.office if who == "sibling_head" else org.team
        person = PersonFactory(email=f"{who}@example.gov.vn", unit=unit)
        RoleGrantFactory(person=person, role=Role.UNIT_HEAD, unit=unit)
        client.force_login(person)
    elif who != "anonymous":
        client.force_login(getattr(cast, who))

    statuses = [
        client.get(reverse(name), {"unit": "PBC"}).status_code
        if method == "get"
        else client.post(reverse(name), FORM).status_code
        for name, method in VIEWS
    ]

    assert statuses == EXPECTED[who]
