"""Main stories on a 360 px phone (issue 16): nothing scrolls sideways, and the status,
due date and actions of each row stay on screen."""

import datetime

import pytest

from acknowledgements import services
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


def fits(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def on_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_a_head_on_a_phone_reminds_an_overdue_person_from_the_unit_page(page, cast, org, tax_letter):
    services.campaign_launch(
        directive=tax_letter, targets=[(org.department, True)],
        due_on=datetime.date.today() - datetime.timedelta(days=1), by=cast.administrator,
    )  # fmt: skip
    page.set_viewport_size(PHONE)
    log_in(page, cast.unit_head.email, cast.password)
    page.get_by_role("link", name="Tình hình đơn vị").click()

    remind = page.get_by_role("button", name="Nhắc Lê Thị Cán Bộ")
    status = page.locator("tr.status-overdue td[data-label='Trạng thái']").first
    assert fits(page)
    assert on_screen(remind) and on_screen(status)
    assert status.inner_text() == "Quá hạn"
    remind.click()

    assert page.get_by_role("status").inner_text().startswith("Đã nhắc 1 người")
    assert fits(page)


def test_a_staff_member_on_a_phone_sees_the_due_date_and_opens_the_directive(page, cast, campaign):
    page.set_viewport_size(PHONE)
    log_in(page, cast.staff.email, cast.password)
    page.get_by_role("link", name="Văn bản cần xác nhận").click()

    due = page.locator("td[data-label='Hạn xác nhận']").first
    assert fits(page) and on_screen(due)
    page.get_by_role("link", name="3821/TCT-KTNB", exact=False).click()

    assert page.get_by_role("button", name="Xác nhận").is_visible()
    assert fits(page)


def test_an_inspector_on_a_phone_filters_the_dashboard_to_a_unit(page, cast, org, campaign):
    page.set_viewport_size(PHONE)
    log_in(page, cast.inspector.email, cast.password)
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_role("combobox", name="Đơn vị").select_option(label="Phòng Bưu chính")
    page.get_by_role("button", name="Xem").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Tình hình thực hiện: Phòng Bưu chính"
    assert page.title().startswith("Báo cáo tình hình: Phòng Bưu chính")
    assert on_screen(page.locator("#table-directives td[data-label='Quá hạn']").first)
    assert fits(page)
