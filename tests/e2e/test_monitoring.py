"""An inspector opens a case from their monitoring; the head of the person's unit gets
it through a real SMTP server and finds it on the case list."""

import pytest

from tests.acknowledgements.smtp import smtp_server
from tests.e2e.conftest import log_in
from violations.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inspector_opens_a_case_from_monitoring_and_the_head_gets_it(
    page, browser, live_server, cast, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    with smtp_server() as (inbox, port):
        settings.EMAIL_BACKEND = "core.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
        log_in(page, cast.inspector.email, cast.password)
        page.wait_for_url("**/")
        page.goto("/violations/monitoring/new/")
        page.get_by_label("E-mail của người bị phản ánh (nếu biết):").fill(cast.staff.email)
        page.get_by_label("Loại vi phạm:").select_option(label="Đăng công việc của cơ quan khi chưa được phép")
        page.get_by_label("Nền tảng:").select_option(label="Facebook")
        page.get_by_label("Đường dẫn bài đăng:").fill("https://www.facebook.com/bai-dang-123")
        page.get_by_label("Thời điểm phát hiện:").fill("2026-11-30T10:00")
        page.get_by_label("Mô tả:").fill("Đăng kết quả kiểm tra nội bộ khi chưa được phép.")
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_url("**/violations/*/")

        report = Report.objects.get()
        assert (report.channel, report.subject, report.reporter) == ("monitoring", cast.staff, cast.inspector)
        messages = inbox.wait_for(1)
        assert [m["To"] for m in messages] == ["truongphong@example.gov.vn"]

    head = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    log_in(head, cast.unit_head.email, cast.password)
    head.wait_for_url("**/")
    head.goto("/violations/")
    head.get_by_role("link", name=f"#{report.pk}").click()
    assert "Giám sát của tổ kiểm tra" in head.locator("main").inner_text()
