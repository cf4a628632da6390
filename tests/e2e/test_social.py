"""The social app in Chromium: one test per capability of issue 14 (items 1-5)."""

import datetime

import pytest
from django.utils import timezone

from social.models import AccountIncident, OfficialAccount, PostRequest
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path


def later() -> str:
    return (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


def test_a_staff_member_asks_permission_the_head_approves_and_the_reference_is_shown(page, browser, live_server, cast):
    log_in(page, cast.staff.email, cast.password)
    page.get_by_role("link", name="Mạng xã hội", exact=True).click()
    page.get_by_role("link", name="Xin phép đăng tin về công việc của cơ quan").click()
    page.get_by_role("link", name="Gửi đề nghị mới").click()
    page.get_by_label("Nội dung dự kiến đăng").fill("Phòng tổ chức hội nghị đối thoại với người nộp thuế ngày 20/3.")
    page.get_by_label("Nền tảng").select_option(label="Facebook")
    page.get_by_label("Tài khoản hoặc trang sẽ đăng").fill("Trang Facebook của Phòng Bưu chính")
    page.get_by_label("Thời điểm dự kiến đăng").fill(later())
    page.get_by_role("button", name="Gửi đề nghị").click()
    assert page.locator(".request-state").inner_text() == "Chờ cho phép"
    request = PostRequest.objects.get()

    head = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    log_in(head, cast.unit_head.email, cast.password)
    head.goto("/social/")
    head.get_by_role("link", name=f"#{request.pk} Lê Thị Cán Bộ", exact=False).click()
    head.get_by_label("Cho phép đăng").check()
    head.get_by_role("button", name="Ghi quyết định").click()
    assert head.locator(".request-state").inner_text() == "Đã cho phép"

    page.reload()
    reference = f"XP-{timezone.localdate().year}-{request.pk:06d}"
    assert page.locator(".reference").inner_text() == reference


def test_a_staff_member_checks_a_draft_privately_and_turns_it_into_a_request(page, cast):
    log_in(page, cast.staff.email, cast.password)
    page.goto("/social/")
    page.get_by_role("link", name="Tự kiểm tra bài viết trước khi đăng").click()
    assert "Cổng không lưu, không ghi nhật ký" in page.locator(".privacy").inner_text()
    page.get_by_label("Nội dung bài viết dự định đăng").fill(
        "Ảnh văn bản TỐI MẬT, liên hệ 0912 345 678. Nghe nói sắp thanh tra."
    )
    page.get_by_role("button", name="Kiểm tra").click()
    found = page.locator(".found").all_inner_texts()
    assert found == ["TỐI MẬT", "0912 345 678", "Nghe nói"]
    assert PostRequest.objects.count() == 0

    page.get_by_role("button", name="Chuyển thành đề nghị cho phép đăng tin").click()
    assert page.get_by_label("Nội dung dự kiến đăng").input_value().startswith("Ảnh văn bản TỐI MẬT")
    assert PostRequest.objects.count() == 0


def test_a_head_registers_an_account_reviews_it_and_the_inspector_sees_it_cleared(page, browser, live_server, cast):
    log_in(page, cast.unit_head.email, cast.password)
    page.goto("/social/accounts/")
    page.get_by_role("link", name="Đăng ký tài khoản").click()
    page.get_by_label("Đơn vị").select_option(label="Phòng Bưu chính")
    page.get_by_label("Nền tảng").select_option(label="Zalo")
    page.get_by_label("Tên tài khoản, trang").fill("Zalo OA Phòng Bưu chính")
    page.get_by_label("Đường dẫn").fill("https://zalo.me/phongbuuchinh")
    page.get_by_label("Mục đích sử dụng").fill("Trả lời người dân")
    page.get_by_label("Người quản trị tài khoản").fill(cast.staff.email)
    page.get_by_label("Đã bật xác thực hai lớp?").select_option(label="Không")
    page.get_by_label("Thông tin khôi phục").fill("buuchinh@example.gov.vn")
    page.get_by_role("button", name="Đăng ký").click()
    assert page.locator(".two-factor").inner_text() == "Chưa bật"

    inspector = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    log_in(inspector, cast.inspector.email, cast.password)
    inspector.goto("/social/accounts/oversight/")
    assert "Zalo OA Phòng Bưu chính" in inspector.locator("main").inner_text()

    page.get_by_label("Xác thực hai lớp đang bật?").select_option(label="Có")
    page.get_by_label("Danh sách người quản trị còn đúng?").select_option(label="Có")
    page.get_by_label("E-mail, số điện thoại khôi phục còn đúng và do đơn vị quản lý?").select_option(label="Có")
    page.get_by_role("button", name="Ghi kết quả rà soát").click()
    today = timezone.localdate()
    assert page.locator(".last-review").inner_text() == f"{today.day}/{today.month}/{today.year}"
    assert OfficialAccount.objects.get().two_factor is True

    inspector.reload()
    assert "Mọi tài khoản trong phạm vi đã được rà soát đúng hạn" in inspector.locator("main").inner_text()


def test_a_hijacked_account_is_reported_and_tracked_to_recovery(page, cast):
    log_in(page, cast.staff.email, cast.password)
    page.goto("/social/incidents/")
    page.get_by_role("link", name="Báo ngay").click()
    page.get_by_label("Sự việc").select_option(label="Tài khoản cá nhân của tôi bị mất quyền kiểm soát")
    page.get_by_label("Nền tảng").select_option(label="Facebook")
    page.get_by_label("Tài khoản bị ảnh hưởng").fill("facebook.com/le.thi.can.bo")
    page.get_by_label("Chuyện gì đã xảy ra").fill("Tài khoản nhắn tin vay tiền bạn bè.")
    page.get_by_label("Thời điểm phát hiện").fill(
        (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Gửi báo cáo").click()
    assert (
        page.get_by_role("link", name="mẫu báo cáo của nền tảng").get_attribute("href")
        == "https://www.facebook.com/hacked"
    )

    page.get_by_role("button", name="Đã làm: 1").click()
    assert "Đã làm lúc" in page.locator(".checklist li").first.inner_text()
    page.get_by_label("Kết quả").select_option(label="Đã lấy lại tài khoản")
    page.get_by_role("button", name="Ghi kết quả").click()
    assert page.locator(".incident-state").inner_text().startswith("Đã lấy lại tài khoản")
    assert AccountIncident.objects.get().state == "recovered"


def test_an_administrator_sets_the_hotline_and_staff_below_see_it(page, browser, live_server, cast, org):
    log_in(page, cast.administrator.email, cast.password)
    page.goto(f"/social/contacts/{org.agency.pk}/")
    page.get_by_label("Đường dây nóng").fill("0799.116.888")
    page.get_by_label("Cơ quan thanh tra").fill("Thanh tra Sở Thông tin và Truyền thông")
    page.get_by_role("button", name="Lưu").click()
    assert "0799.116.888" in page.locator("main").inner_text()

    staff = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    log_in(staff, cast.staff.email, cast.password)
    staff.goto("/social/")
    contacts = staff.locator(".unit-contacts").inner_text()
    assert "Đường dây nóng: 0799.116.888" in contacts and "Thanh tra Sở Thông tin và Truyền thông" in contacts
