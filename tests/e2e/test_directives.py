import re

import pytest

from directives.models import Directive, ImportJob
from tests.directives.seeds import TAX_LETTER
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_imports_corrects_publishes_and_finds_the_tax_letter(page, cast, org, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    log_in(page, cast.administrator.email, cast.password)
    page.wait_for_url("**/")
    page.get_by_role("link", name="Văn bản", exact=True).click()
    page.get_by_role("link", name="Nhập văn bản mới").click()

    page.get_by_label("Tệp văn bản (.txt, .docx, .pdf)").set_input_files(str(TAX_LETTER))
    page.get_by_role("button", name="Đọc văn bản").click()

    # The upload becomes an import job, read in a child process (eagerly here, inside
    # the request); its page is the review form once the file has been read.
    page.wait_for_url(re.compile(r"/directives/import/[0-9a-f-]{36}/$"))
    assert ImportJob.objects.get().state == "done"

    assert "874/QĐ-BTTTT" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Số:", exact=True).input_value() == "3821"
    page.get_by_label("Trích yếu:", exact=True).fill("Chấn chỉnh việc dùng mạng xã hội trong cơ quan, đơn vị")
    page.get_by_label("Đơn vị quản lý:", exact=True).select_option(label="Sở Thông tin và Truyền thông")
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.get_by_role("link", name="Ban hành…").click()
    assert page.get_by_text("sau khi ban hành, nội dung không sửa được nữa", exact=False).is_visible()
    page.get_by_role("button", name="Ban hành").click()
    assert page.get_by_text("Đã ban hành phiên bản 1.").is_visible()
    assert page.get_by_text("Nghi sai số hiệu: có thể là 874/QĐ-BTTTT").is_visible()

    page.get_by_role("link", name="← Văn bản chỉ đạo").click()
    page.get_by_label("Tìm kiếm").fill("chan chinh mang xa hoi")
    page.get_by_role("button", name="Lọc").click()

    assert page.get_by_role(
        "link", name="Công văn: Chấn chỉnh việc dùng mạng xã hội trong cơ quan, đơn vị"
    ).is_visible()
    assert Directive.objects.get().status == "published"


def test_the_reading_page_fills_its_bar_announces_the_end_and_opens_the_review_form(
    page, cast, org, settings, tmp_path, monkeypatch
):
    """No worker takes the upload at first (as when the OCR of a scan is queued); the
    page polls the job's status, and once a worker has read the file the bar is full,
    the live region says so and the review form opens."""
    from playwright.sync_api import expect

    from directives import services

    settings.PRIVATE_STORAGE_ROOT = tmp_path
    monkeypatch.setattr(services, "_enqueue_import", lambda job_id: None)
    log_in(page, cast.administrator.email, cast.password)
    page.wait_for_url("**/")
    page.goto("/directives/import/")
    page.get_by_label("Tệp văn bản (.txt, .docx, .pdf)").set_input_files(str(TAX_LETTER))
    page.get_by_role("button", name="Đọc văn bản").click()
    page.wait_for_url(re.compile(r"/directives/import/[0-9a-f-]{36}/$"))
    bar = page.get_by_role("progressbar", name="Đang đọc tệp")
    expect(bar).to_be_visible()
    assert bar.get_attribute("value") is None  # no count while a file is read
    assert page.get_by_text("Tệp đang chờ được đọc…").is_visible()

    services.import_job_run(job_id=ImportJob.objects.get().pk)  # the worker

    expect(bar).to_have_attribute("value", "100")
    expect(page.get_by_role("status")).to_have_text("Đã đọc xong tệp. Đang mở biểu mẫu kiểm tra…")
    expect(page.get_by_role("heading", name="Kiểm tra các trường đã đọc")).to_be_visible()
    assert page.get_by_label("Số:", exact=True).input_value() == "3821"
    assert "874/QĐ-BTTTT" in page.get_by_role("alert").inner_text()  # the importer's warnings kept


def test_without_javascript_the_reading_page_is_refreshed_by_its_link(
    browser, live_server, cast, org, settings, tmp_path, monkeypatch
):
    from directives import services

    settings.PRIVATE_STORAGE_ROOT = tmp_path
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    monkeypatch.setattr(services, "_enqueue_import", lambda job_id: None)
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    log_in(page, cast.administrator.email, cast.password)
    page.wait_for_url("**/")
    page.goto("/directives/import/")
    page.get_by_label("Tệp văn bản (.txt, .docx, .pdf)").set_input_files(str(TAX_LETTER))
    page.get_by_role("button", name="Đọc văn bản").click()
    page.wait_for_url(re.compile(r"/directives/import/[0-9a-f-]{36}/$"))
    assert page.get_by_text("Tệp đang chờ được đọc…").is_visible()

    services.import_job_run(job_id=ImportJob.objects.get().pk)
    page.get_by_role("link", name="Tải lại").click()

    assert page.get_by_role("heading", name="Kiểm tra các trường đã đọc").is_visible()
    assert page.get_by_label("Số:", exact=True).input_value() == "3821"
    context.close()
