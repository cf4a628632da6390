"""On a phone, a head who dismisses a case without its reason gets the same page back
with the focus on the error summary above the dismissal form, and its link leads to
the reason box."""

import datetime

import pytest
from django.utils import timezone

from tests.e2e.conftest import focused_error_summary, log_in
from tests.factories import PersonFactory
from violations import services
from violations.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dismissal_without_a_reason_puts_the_focus_on_the_summary_of_its_form(page, cast):
    colleague = PersonFactory(email="dongnghiep@example.gov.vn", full_name="Ngô Đồng Nghiệp", unit=cast.staff.unit)
    case = services.report_create(
        by=cast.staff, subject=colleague, category="insult", platform="zalo", seen_at=timezone.now() - datetime.timedelta(hours=3),
        description="Bình luận xúc phạm trên Zalo.",
    )  # fmt: skip
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, cast.unit_head.email, cast.password)
    page.goto(f"/violations/{case.pk}/")

    page.get_by_role("button", name="Chuyển sang: Không có vi phạm / hủy").click()
    page.wait_for_load_state("load")

    summary = focused_error_summary(page, viewport_height=740)
    summary.get_by_role("link", name="Ghi lý do hủy hồ sơ hoặc kết luận không có vi phạm.").click()
    assert page.evaluate("document.activeElement.id") == "id_move_dismissed_note"

    page.keyboard.type("Bài đăng không thuộc phạm vi quy tắc.")
    page.get_by_role("button", name="Chuyển sang: Không có vi phạm / hủy").click()
    page.wait_for_load_state("load")
    assert Report.objects.get(pk=case.pk).state == "dismissed"
