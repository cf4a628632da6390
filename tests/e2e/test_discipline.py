"""The discipline procedure and a named denunciation in the browser, by the law in
force: Decree 172/2025/NĐ-CP for a công chức, Luật Tố cáo 2018's working-day clock
across Tết 2026, and the denouncer's identity seen only by the designated handler."""

import datetime
import io

import pytest
from PIL import Image

from tests.e2e.conftest import log_in
from tests.factories import PersonFactory
from violations.models import IdentityHandler, Report
from violations.rule_data import load_rule_sets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _scan(path) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 160), (250, 250, 250)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _options(page, label: str) -> list[str]:
    texts = page.get_by_label(label).locator("option").all_inner_texts()
    return [text.strip() for text in texts[1:]]  # the first is "choose"


def test_a_head_takes_a_civil_servants_social_media_case_to_a_decision_within_90_days(
    page, browser, live_server, cast, tmp_path, settings
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    load_rule_sets()  # a transactional test's database was flushed after its migrations
    today = datetime.date.today().isoformat()

    log_in(page, cast.unit_head.email, cast.password)
    page.goto("/violations/new/")
    page.get_by_label("Hoặc e-mail của người bị phản ánh ở đơn vị khác:").fill(cast.staff.email)
    page.get_by_label("Loại vi phạm:").select_option(label="Đăng công việc của cơ quan khi chưa được phép")
    page.get_by_label("Nền tảng:").select_option(label="Facebook")
    page.get_by_label("Thời điểm phát hiện:").fill("2026-11-02T09:00")
    page.get_by_label("Mô tả:").fill("Đăng ảnh cuộc họp nội bộ lên trang Facebook cá nhân khi chưa được phép.")
    page.get_by_role("button", name="Gửi phản ánh").click()
    report = Report.objects.get()
    main = page.locator("main")
    # 90 days from detection (Decree 172/2025): 31/01/2027 is a Sunday, so Monday.
    assert "Thời hạn xử lý kỷ luật (90 ngày): 1/2/2027" in " ".join(main.inner_text().split())
    assert "Kỷ luật công chức – Nghị định số 172/2025/NĐ-CP" in main.inner_text()

    page.get_by_role("button", name="Chuyển sang: Đang xem xét").click()
    page.get_by_role("button", name="Chuyển sang: Đang nghe giải trình").click()
    # Heard before any conclusion.
    person = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    log_in(person, cast.staff.email, cast.password)
    person.goto(f"/violations/{report.pk}/")
    person.get_by_label("Nội dung giải trình").fill("Tôi không biết ảnh đó chưa được phép đăng; đã gỡ.")
    person.get_by_role("button", name="Gửi giải trình").click()

    page.reload()
    page.get_by_label("Mức độ vi phạm:").select_option(label="Ít nghiêm trọng")
    page.get_by_role("button", name="Ghi căn cứ xử lý").click()
    page.get_by_role("button", name="Chuyển sang: Đã xác định vi phạm").click()

    page.get_by_label("Ngày họp kiểm điểm").fill(today)
    page.get_by_label("Người chủ trì").fill("Trần Văn Trưởng")
    page.get_by_label("Thành phần tham dự").fill("Tập thể Phòng Bưu chính")
    page.get_by_label("Biên bản họp (PDF, Word hoặc ảnh)").set_input_files(_scan(tmp_path / "bien-ban-kiem-diem.png"))
    page.get_by_role("button", name="Ghi cuộc họp kiểm điểm").click()

    # Decree 172/2025's measures for a công chức without a management post, and only them.
    assert _options(page, "Kiến nghị hình thức kỷ luật") == ["Khiển trách", "Cảnh cáo", "Buộc thôi việc"]
    page.get_by_label("Ngày họp Hội đồng").fill(today)
    page.get_by_label("Thành viên Hội đồng").fill("Hoàng Giám Đốc; Trần Văn Trưởng; Phạm Thanh Tra")
    page.get_by_label("Kiến nghị hình thức kỷ luật").select_option(label="Khiển trách")
    page.get_by_label("Số phiếu đồng ý").fill("3")
    page.get_by_label("Số phiếu không đồng ý").fill("0")
    page.get_by_label("Biên bản họp Hội đồng").set_input_files(_scan(tmp_path / "bien-ban-hoi-dong.png"))
    page.get_by_role("button", name="Ghi phiên họp Hội đồng kỷ luật").click()

    assert _options(page, "Hình thức kỷ luật") == ["Khiển trách", "Cảnh cáo", "Buộc thôi việc"]
    for abolished in ("Hạ bậc lương", "Giáng chức", "Cách chức"):
        assert abolished not in page.locator(".moves").inner_text()
    page.get_by_label("Số quyết định").fill("15/QĐ-STTTT")
    page.get_by_label("Ngày ký").fill(today)
    page.get_by_label("Người ký").fill("Hoàng Giám Đốc")
    page.get_by_label("Hình thức kỷ luật").select_option(label="Khiển trách")
    page.get_by_label("Quyết định đã ký").set_input_files(_scan(tmp_path / "quyet-dinh.png"))
    page.get_by_role("button", name="Ghi quyết định kỷ luật").click()

    report.refresh_from_db()
    assert report.state == "decided" and report.measure.label == "Khiển trách"
    assert report.measure.rule_set.basis.startswith("Nghị định số 172/2025/NĐ-CP")
    assert datetime.date.fromisoformat(today) <= datetime.date(2027, 2, 1)  # within the 90 days
    history = page.locator(".history").inner_text()
    assert "Giải trình" in history and "Họp kiểm điểm" in history and "Quyết định kỷ luật" in history


def test_a_named_denunciation_runs_on_working_days_over_tet_and_only_the_handler_sees_the_denouncer(
    page, browser, live_server, cast, org
):
    load_rule_sets()
    handler = PersonFactory(email="giaiquyet@example.gov.vn", full_name="Bùi Giải Quyết", unit=org.office)
    IdentityHandler.objects.create(unit=org.department, person=handler, granted_by=cast.administrator)

    log_in(page, handler.email, cast.password)
    page.goto("/violations/denunciations/new/")
    # The denouncer is told who will know their name before it is submitted.
    assert "chỉ người được giao giải quyết tố cáo của đơn vị được xem" in page.locator("main").inner_text()
    page.get_by_label("E-mail của người bị tố cáo").fill(cast.staff.email)
    page.get_by_label("Họ tên người tố cáo").fill("Đặng Văn Tố")
    page.get_by_label("Địa chỉ người tố cáo").fill("12 Lý Thường Kiệt, Hoàn Kiếm, Hà Nội")
    page.get_by_label("Ngày nhận tố cáo").fill("2026-02-12")
    page.get_by_label("Loại vi phạm").select_option(label="Xúc phạm danh dự, nhân phẩm người khác")
    page.get_by_label("Nền tảng").select_option(label="TikTok")
    page.get_by_label("Nội dung tố cáo").fill("Đăng video xúc phạm người dân đến làm thủ tục.")
    page.get_by_role("button", name="Ghi tố cáo").click()
    report = Report.objects.get()
    text = " ".join(page.locator("main").inner_text().split())
    # Received Thursday 12/02/2026; 7 working days (Art. 24(1)): Fri 13/02, then Tết
    # (16–20/02) and a weekend pass, 23–27/02, and Monday 02/03/2026.
    assert "Thời hạn thụ lý tố cáo: 2/3/2026" in text

    page.get_by_role("link", name="Xem danh tính (được ghi nhật ký)").click()
    assert "Đặng Văn Tố" in page.locator("main").inner_text()
    assert "12 Lý Thường Kiệt, Hoàn Kiếm, Hà Nội" in page.locator("main").inner_text()

    head = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    log_in(head, cast.unit_head.email, cast.password)
    head.goto(f"/violations/{report.pk}/")
    head_text = head.content()
    assert "Thời hạn thụ lý tố cáo" in head.locator("main").inner_text()
    assert "Đặng Văn Tố" not in head_text and "Lý Thường Kiệt" not in head_text
    assert head.get_by_role("link", name="Xem danh tính (được ghi nhật ký)").count() == 0
    assert head.goto(f"/violations/{report.pk}/identity/").status == 404
