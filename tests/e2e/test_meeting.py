"""A unit head holds the quán triệt meeting the way agencies do: plans it, prints the
attendance sheet, ticks the 8 of 10 who signed, uploads the scan; the unit page then
shows the 8 (a driver without e-mail among them) acknowledged at the session and the
2 absentees still open."""

import pytest

from acknowledgements import services
from acknowledgements.models import Acknowledgement
from organization.models import Person
from tests.acknowledgements.test_meetings import scan_bytes
from tests.e2e.conftest import log_in
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ABSENT = ["Cán Bộ Phòng 5", "Cán Bộ Phòng 6"]


@pytest.fixture
def roster(cast, org, campaign, settings, tmp_path):
    """The department's ten: the staff member, the head, seven colleagues and a driver
    without an account, each with the campaign's assignment."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    for n in range(7):
        PersonFactory(email=f"phong{n}@example.gov.vn", full_name=f"Cán Bộ Phòng {n}", unit=org.department)
    Person.objects.create_user(email=None, full_name="Lái Xe Không Thư", position="Lái xe", unit=org.department)
    for person in Person.objects.filter(unit=org.department).exclude(pk=cast.unit_head.pk):
        services.assignments_sync_person(person=person)
    return Person.objects.filter(unit__path__startswith=org.department.path)


def test_the_head_records_a_meeting_from_the_printed_sheet_to_the_acknowledged_list(page, cast, roster, tmp_path):
    assert roster.count() == 10
    log_in(page, cast.unit_head.email, cast.password)
    page.goto("/acknowledgements/unit/")
    page.get_by_role("link", name="Lên lịch buổi quán triệt").click()

    page.get_by_label("3821/TCT-KTNB", exact=False).check()
    page.get_by_label("Thời gian").fill("2026-12-01T08:30")
    page.get_by_label("Địa điểm").fill("Phòng họp tầng 3")
    page.get_by_label("Người chủ trì").fill("Trần Văn Trưởng")
    page.get_by_label("Chọn tất cả cán bộ của các đơn vị đã chọn").check()
    page.get_by_role("button", name="Lên lịch").click()
    assert page.get_by_text("Đã lên lịch buổi quán triệt. Hãy in danh sách ký tên.").is_visible()

    with page.expect_download() as printed:
        page.get_by_role("link", name="In danh sách ký tên (PDF)").click()
    sheet_pdf = tmp_path / "danh-sach.pdf"
    printed.value.save_as(sheet_pdf)
    assert sheet_pdf.read_bytes().startswith(b"%PDF")
    assert printed.value.suggested_filename.startswith("danh-sach-ky-ten-")

    page.get_by_role("link", name="Ghi nhận kết quả buổi quán triệt").click()
    for person in roster:
        if person.full_name not in ABSENT:
            page.get_by_label(person.full_name, exact=True).check()
    signed = tmp_path / "danh-sach-da-ky.jpg"
    signed.write_bytes(scan_bytes())
    page.get_by_label("Danh sách ký tên đã ký", exact=False).set_input_files(str(signed))
    page.get_by_role("button", name="Ghi nhận").click()
    assert page.get_by_text("Đã ghi nhận 8 lượt xác nhận tại hội nghị.").is_visible()

    page.goto("/acknowledgements/unit/?status=done")
    done = page.get_by_role("row").filter(has_text="Tại buổi quán triệt")
    assert done.count() == 8
    assert "Tại buổi quán triệt" in page.get_by_role("row").filter(has_text="Lái Xe Không Thư").inner_text()
    page.goto("/acknowledgements/unit/?status=pending")
    for name in ABSENT:
        row = page.get_by_role("row").filter(has_text=name)
        assert "Chưa xác nhận" in row.inner_text()
    assert page.get_by_role("row").filter(has_text="Tại buổi quán triệt").count() == 0
    assert Acknowledgement.objects.filter(method="meeting").count() == 8
