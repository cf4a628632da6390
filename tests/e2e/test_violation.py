import io

import pytest
from PIL import Image

from tests.e2e.conftest import log_in
from violations.models import Report
from violations.rule_data import load_rule_sets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_head_logs_a_case_with_a_screenshot_confirms_it_and_the_person_answers(
    page, browser, live_server, cast, tmp_path, settings
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    load_rule_sets()  # a transactional test's database was flushed after its migrations
    screenshot = tmp_path / "anh-chup-zalo.png"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (30, 120, 200)).save(buffer, format="PNG")
    screenshot.write_bytes(buffer.getvalue())

    log_in(page, cast.unit_head.email, cast.password)
    page.get_by_role("link", name="Vi phạm").click()
    page.get_by_role("link", name="Gửi phản ánh mới").click()
    # A head picks the person from their units by name (issue 16 §9).
    page.get_by_label("Người bị phản ánh (trong các đơn vị đồng chí phụ trách):").select_option(str(cast.staff.pk))
    page.get_by_label("Loại vi phạm:").select_option(label="Bí mật nhà nước")
    page.get_by_label("Nền tảng:").select_option(label="Zalo")
    page.get_by_label("Thời điểm phát hiện:").fill("2026-01-05T09:30")
    page.get_by_label("Mô tả:").fill("Đăng ảnh văn bản mật lên nhóm Zalo.")
    page.get_by_label("Tệp chứng cứ", exact=False).set_input_files(str(screenshot))
    page.get_by_role("button", name="Gửi phản ánh").click()

    page.get_by_role("button", name="Chuyển sang: Đang xem xét").click()
    # The person reported is heard before any conclusion (Decree 172/2025).
    page.get_by_role("button", name="Chuyển sang: Đang nghe giải trình").click()
    assert page.get_by_role("link", name="anh-chup-zalo.png").is_visible()
    report = Report.objects.get()
    assert report.state == "hearing"

    person = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    log_in(person, cast.staff.email, cast.password)
    person.goto(f"/violations/{report.pk}/")
    assert "Đang nghe giải trình" in person.locator("main").inner_text()
    person.get_by_label("Nội dung giải trình").fill("Tôi đăng nhầm nhóm, đã gỡ ngay sau 5 phút.")
    person.get_by_role("button", name="Gửi giải trình").click()
    assert person.get_by_text("Tôi đăng nhầm nhóm, đã gỡ ngay sau 5 phút.").is_visible()

    page.reload()
    # The rule set follows the person's staff kind and the day of the violation.
    page.get_by_label("Mức độ vi phạm:").select_option(label="Ít nghiêm trọng")
    page.get_by_role("button", name="Ghi căn cứ xử lý").click()
    assert "Nghị định số 172/2025/NĐ-CP" in page.locator("main").inner_text()
    page.get_by_role("button", name="Chuyển sang: Đã xác định vi phạm").click()
    page.get_by_label("Biện pháp không phải kỷ luật").select_option(label="Kiểm điểm rút kinh nghiệm")
    page.get_by_role("button", name="Chuyển sang: Đã xử lý, kết thúc").click()
    history = page.locator(".history").inner_text()
    assert "Giải trình" in history and "Kiểm điểm rút kinh nghiệm" in history
    report.refresh_from_db()
    assert (report.state, report.outcome) == ("closed", "self_criticism")
