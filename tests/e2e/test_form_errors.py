"""On a phone, an acknowledgement sent without its answers comes back with the focus
on the error summary, in view, not at the top of the letter; its links lead to the
fields."""

import pytest

from acknowledgements import services
from acknowledgements.models import Assignment
from tests.e2e.conftest import focused_error_summary, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_empty_acknowledgement_puts_the_focus_on_the_error_summary(page, cast, org, quiz_directive, due_on):
    services.campaign_launch(
        directive=quiz_directive, targets=[(org.team, False)], due_on=due_on, by=cast.administrator
    )
    assignment = Assignment.objects.get(person=cast.staff)
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, cast.staff.email, cast.password)
    page.goto(f"/acknowledgements/{assignment.pk}/")

    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_load_state("load")

    summary = focused_error_summary(page, viewport_height=740)
    assert "Có lỗi cần sửa" in summary.inner_text()

    summary.get_by_role("link", name="Chọn câu trả lời cho câu hỏi", exact=False).click()
    assert page.evaluate("document.activeElement.id") == "id_q0_0"
    page.get_by_label("Không").check()
    page.get_by_label("Tôi đã đọc, hiểu và cam kết thực hiện nghiêm túc", exact=False).check()
    page.get_by_role("button", name="Xác nhận").click()
    assert page.get_by_text("Bạn đã xác nhận văn bản này").is_visible()
