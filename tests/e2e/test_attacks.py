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
