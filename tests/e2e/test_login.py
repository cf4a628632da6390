import pytest

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_unit_head_logs_in_and_sees_their_home_page(page, cast):
    log_in(page, cast.unit_head.email, cast.password)

    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == "Xin chào, Trần Văn Trưởng"
    assert "Thủ trưởng đơn vị – Phòng Bưu chính" in page.locator("main").inner_text()
    assert page.locator("html").get_attribute("lang") == "vi"


def test_the_layout_fits_a_phone_and_works_from_the_keyboard(page, cast):
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, cast.staff.email, cast.password)
    page.wait_for_url("**/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Bỏ qua đến nội dung"
