"""The review's attacks, tried in a real browser, each getting nowhere.

Every page visited is also watched for Content-Security-Policy violations: the
strict policy must not break a page the portal or the admin shows."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from organization.models import Person
from tests.e2e.conftest import log_in
from tests.factories import PersonFactory, RoleGrantFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def csp_violations(page):
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    return seen


@pytest.fixture
def subtree_admin(org, settings):
    settings.MFA_REQUIRED_ROLES = ["administrator", "inspector", "unit_head"]
    person = PersonFactory(email="qt-phong@example.gov.vn", full_name="Quản Trị Phòng", unit=org.department)
    RoleGrantFactory(person=person, role="administrator", unit=org.department)
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    return person, secret


def test_a_subtree_administrator_cannot_take_over_a_root_inspector(page, cast, org, subtree_admin, csp_violations):
    admin, secret = subtree_admin
    target = PersonFactory(email="thanhtra-to@example.gov.vn", full_name="Thanh Tra Ở Tổ", unit=org.team)
    RoleGrantFactory(person=target, role="inspector", unit=org.agency)

    # Django's admin log-in is not a way around the second factor.
    page.goto("/admin/login/?next=/admin/")
    assert page.url.endswith("/accounts/login/?next=%2Fadmin%2F")
    page.get_by_label("Thư điện tử").fill(admin.email)
    page.get_by_label("Mật khẩu").fill(cast.password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    # Between password and code, the admin still does not open.
    assert page.request.get("/admin/", max_redirects=0).headers["location"].startswith("/admin/login/")
    page.locator("input[name=code]").fill(code(secret))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url("**/admin/")

    # The root inspector's page opens read-only: no field to type a new address in.
    page.goto(f"/admin/organization/person/{target.pk}/change/")
    assert page.locator("input[name=email]").count() == 0
    assert page.get_by_role("button", name="Lưu").count() == 0

    # A forged POST from the same session changes nothing.
    token = page.evaluate("document.cookie.split('; ').find(c => c.startsWith('csrftoken=')).split('=')[1]")
    status = page.evaluate(
        """async ([url, token]) => (await fetch(url, {method: 'POST', headers: {'X-CSRFToken': token},
            body: new URLSearchParams({email: 'ke-tan-cong@example.com', full_name: 'x', staff_kind: 'cc',
            unit: '', 'grants-TOTAL_FORMS': '0', 'grants-INITIAL_FORMS': '0'})})).status""",
        [f"/admin/organization/person/{target.pk}/change/", token],
    )
    assert status == 403
    assert Person.objects.get(pk=target.pk).email == "thanhtra-to@example.gov.vn"
    assert csp_violations == []


def test_a_staff_member_cannot_change_their_login_address(page, cast, csp_violations):
    log_in(page, cast.staff.email, cast.password)
    page.wait_for_url("**/")

    page.goto("/accounts/email/")

    assert page.get_by_role("heading", level=1).inner_text() == "Không tìm thấy trang"
    page.goto("/accounts/password/change/")
    assert page.get_by_role("link", name="E-mail").count() == 0
    assert csp_violations == []


def png(path) -> str:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 30)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_a_reported_head_sees_nothing_of_the_case_about_them(page, browser, live_server, cast, tmp_path, settings):
    from violations.models import Evidence, Report

    settings.PRIVATE_STORAGE_ROOT = tmp_path
    # A member of the team reports the head of the department above, confidentially.
    log_in(page, cast.staff.email, cast.password)
    page.goto("/violations/new/")
    page.get_by_label("E-mail của người bị phản ánh:").fill(cast.unit_head.email)
    page.get_by_label("Loại vi phạm:").select_option(label="Xúc phạm danh dự, nhân phẩm người khác")
    page.get_by_label("Nền tảng:").select_option(label="Facebook")
    page.get_by_label("Thời điểm phát hiện:").fill("2026-11-20T21:00")
    page.get_by_label("Mô tả:").fill("Bình luận xúc phạm đồng nghiệp trên trang cá nhân.")
    page.get_by_label("Đề nghị giữ bí mật danh tính của tôi").check()
    page.get_by_label("Tệp chứng cứ", exact=False).set_input_files(png(tmp_path / "binh-luan.png"))
    page.get_by_role("button", name="Gửi phản ánh").click()
    page.wait_for_url("**/violations/*/")
    report = Report.objects.get()
    evidence = Evidence.objects.get()

    head = browser.new_context(base_url=live_server.url, locale="vi-VN").new_page()
    log_in(head, cast.unit_head.email, cast.password)
    head.wait_for_url("**/")
    head.goto("/violations/")
    assert "Bình luận xúc phạm" not in head.locator("main").inner_text()
    assert f"#{report.pk}" not in head.locator("main").inner_text()
    for url in (
        f"/violations/{report.pk}/",
        f"/violations/files/{evidence.pk}/",
        f"/violations/files/{evidence.pk}/?original=1",
    ):
        assert head.goto(url).status == 404, url
    token = head.evaluate("document.cookie.split('; ').find(c => c.startsWith('csrftoken=')).split('=')[1]")
    status = head.evaluate(
        """async ([url, token]) => (await fetch(url, {method: 'POST', headers: {'X-CSRFToken': token},
            body: new URLSearchParams({to: 'dismissed', note: 'Không có gì'})})).status""",
        [f"/violations/{report.pk}/transition/", token],
    )
    assert status == 404
    report.refresh_from_db()
    assert report.state == "submitted"


def test_an_anonymous_visitor_gets_a_receipt_that_is_not_cached_and_cannot_plant_a_script(
    page, org, tmp_path, settings
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    hostile = tmp_path / "bang-chung.pdf"
    hostile.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )

    page.goto("/violations/anonymous/")
    page.get_by_label("Đơn vị của người bị phản ánh:").select_option(label="Tổ Báo chí")
    page.get_by_label("Họ tên, chức vụ của người bị phản ánh (nếu biết):").fill("Một chuyên viên")
    page.get_by_label("Loại vi phạm:").select_option(label="Thông tin sai sự thật, chưa kiểm chứng")
    page.get_by_label("Nền tảng:").select_option(label="TikTok")
    page.get_by_label("Thời điểm phát hiện:").fill("2026-11-28T08:15")
    page.get_by_label("Mô tả:").fill("Đăng tin chưa kiểm chứng về cơ quan.")
    page.get_by_label("Tệp chứng cứ", exact=False).set_input_files(str(hostile))
    page.get_by_role("button", name="Gửi phản ánh").click()
    assert "Mã tiếp nhận" not in page.locator("main").inner_text()
    assert page.locator("[data-error-summary]").is_visible()

    page.get_by_label("Tệp chứng cứ", exact=False).set_input_files(png(tmp_path / "anh.png"))
    with page.expect_response(
        lambda r: r.url.endswith("/violations/anonymous/") and r.request.method == "POST"
    ) as sent:
        page.get_by_role("button", name="Gửi phản ánh").click()
    assert "no-store" in sent.value.headers["cache-control"]
    receipt = page.locator("main").inner_text()
    assert "Mã tiếp nhận" in receipt
