import pytest

from acknowledgements import services
from acknowledgements.models import Acknowledgement
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_staff_member_answers_acknowledges_and_the_head_sees_it(
    page, browser, live_server, cast, org, quiz_directive, due_on
):
    services.campaign_launch(
        directive=quiz_directive, targets=[(org.department, True)], due_on=due_on, by=cast.administrator
    )

    log_in(page, cast.staff.email, cast.password)
    page.get_by_role("link", name="1 văn bản chờ bạn xác nhận").click()
    page.get_by_role("link", name="nâng cao trách nhiệm", exact=False).click()
    page.get_by_label("Không").check()
    page.get_by_label("Tôi đã đọc, hiểu và cam kết thực hiện nghiêm túc", exact=False).check()
    page.get_by_role("button", name="Xác nhận").click()

    assert page.get_by_text("Bạn đã xác nhận văn bản này").is_visible()
    assert Acknowledgement.objects.get().person == cast.staff

    head = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    log_in(head, cast.unit_head.email, cast.password)
    head.get_by_role("link", name="Tình hình đơn vị").click()
    row = head.get_by_role("row").filter(has_text="Lê Thị Cán Bộ")
    assert "Đã xác nhận" in row.inner_text()
    head.screenshot(path="test-output/head-unit-page.png", full_page=True)
