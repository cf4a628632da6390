"""The attacks of the security review on log-in and accounts, each refused."""

import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent, Throttle
from organization import services


def log_in(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def admin_with_totp(cast, settings):
    settings.MFA_REQUIRED_ROLES = ["administrator", "inspector", "unit_head"]
    secret = generate_totp_secret()
    TOTP.activate(cast.administrator, secret)
    return secret


def test_the_admin_login_form_is_the_portals_with_its_second_factor(client, cast, admin_with_totp):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": cast.administrator.email, "password": cast.password}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session


def test_twelve_wrong_passwords_then_the_right_one_do_not_open_the_admin(client, cast, admin_with_totp):
    for _ in range(12):
        client.post("/admin/login/", {"username": cast.administrator.email, "password": "sai-mat-khau"})
        log_in(client, cast.administrator.email, "sai-mat-khau")
    Throttle.objects.update(wait_until=None)  # the wait is over; the code is still needed

    log_in(client, cast.administrator.email, cast.password)

    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_session_that_did_not_pass_the_code_gets_no_page(client, cast, admin_with_totp):
    client.force_login(cast.administrator)  # a password-only session, however it was made

    for url in ("/", "/admin/", reverse("reports:dashboard"), reverse("audit_log")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accounts/2fa/reauthenticate/?next={url.replace('/', '%2F')}"


def test_after_the_code_the_administrator_reaches_the_admin(client, cast, admin_with_totp):
    log_in(client, cast.administrator.email, cast.password)
    client.post(reverse("mfa_authenticate"), {"code": current_code(admin_with_totp)})

    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth announces the new authenticator after commit
def test_a_unit_head_must_set_up_totp_and_enrolling_counts_as_passing_it(client, cast, settings):
    settings.MFA_REQUIRED_ROLES = ["administrator", "inspector", "unit_head"]
    log_in(client, cast.unit_head.email, cast.password)
    assert client.get("/")["Location"] == reverse("mfa_activate_totp")

    client.post(reverse("account_reauthenticate"), {"password": cast.password})  # allauth asks before set-up
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200, page.get("Location")
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(client.session["mfa.totp.secret"])})

    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_superusers_must_pass_mfa_too(client, cast, settings):
    settings.MFA_REQUIRED_ROLES = ["administrator"]
    client.force_login(cast.superuser)

    assert client.get("/")["Location"] == reverse("mfa_activate_totp")


def test_nobody_changes_their_own_login_email(client, cast):
    client.force_login(cast.staff)

    page = client.get("/accounts/email/")
    posted = client.post("/accounts/email/", {"email": "ke-tan-cong@example.com", "action_add": ""})

    assert (page.status_code, posted.status_code) == (404, 404)
    assert not EmailAddress.objects.filter(email="ke-tan-cong@example.com").exists()


def test_an_imported_address_is_verified_so_totp_can_be_enrolled_at_once(org):
    person = services.person_create(email="Moi@Example.gov.vn", full_name="Người Mới", unit=org.team)

    assert list(EmailAddress.objects.filter(user=person).values_list("email", "verified", "primary")) == [
        ("moi@example.gov.vn", True, True)
    ]


def test_an_administrator_changes_an_address_through_the_service_and_it_is_recorded(cast):
    services.person_update(person=cast.staff, by=cast.administrator, email="canbo.moi@example.gov.vn")

    assert list(EmailAddress.objects.filter(user=cast.staff).values_list("email", "verified")) == [
        ("canbo.moi@example.gov.vn", True)
    ]
    event = AuditEvent.objects.get(action="person_changed")
    assert (event.actor, event.data) == (
        cast.administrator,
        {"changes": {"email": ["canbo@example.gov.vn", "canbo.moi@example.gov.vn"]}},
    )


def test_one_persons_typos_behind_the_office_proxy_do_not_lock_out_a_colleague(client, cast, settings):
    settings.TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(40):
        log_in(client, cast.staff.email, "sai-mat-khau", HTTP_X_REAL_IP="203.0.113.7", **proxy)

    log_in(client, cast.inspector.email, cast.password, HTTP_X_REAL_IP="203.0.113.8", **proxy)

    assert client.session["_auth_user_id"] == str(cast.inspector.pk)


def test_the_wait_doubles_with_each_failure_and_the_right_password_works_after_it(client, cast):
    waits = []
    for _ in range(5):
        Throttle.objects.update(wait_until=None)
        log_in(client, cast.staff.email, "sai-mat-khau")
        row = Throttle.objects.get()
        waits.append(round((row.wait_until - timezone.now()).total_seconds()) if row.wait_until else 0)

    assert waits == [0, 0, 10, 20, 40]
    assert "Hãy thử lại sau 40 giây." in log_in(client, cast.staff.email, cast.password).content.decode()
    Throttle.objects.update(wait_until=None)
    log_in(client, cast.staff.email, cast.password)
    assert client.session["_auth_user_id"] == str(cast.staff.pk)
    assert not Throttle.objects.exists()


def test_log_ins_and_failures_are_in_the_audit_trail_with_the_client_address(client, cast, settings):
    settings.TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    log_in(client, cast.staff.email, "sai-mat-khau", HTTP_X_REAL_IP="203.0.113.7", REMOTE_ADDR="10.0.0.1")
    log_in(client, cast.staff.email, cast.password, HTTP_X_REAL_IP="203.0.113.7", REMOTE_ADDR="10.0.0.1")

    logins = AuditEvent.objects.filter(action__in=["login", "login_failed"]).order_by("id")
    rows = list(logins.values_list("action", "target", "ip", "actor__email"))
    assert rows == [
        ("login_failed", "canbo@example.gov.vn", "203.0.113.7", None),
        ("login", "canbo@example.gov.vn", "203.0.113.7", "canbo@example.gov.vn"),
    ]


def test_passwords_shorter_than_twelve_characters_are_refused(client, cast):
    client.force_login(cast.staff)

    page = client.post(
        reverse("account_change_password"),
        {"oldpassword": cast.password, "password1": "Ngan-2026!x", "password2": "Ngan-2026!x"},
    ).content.decode()

    cast.staff.refresh_from_db()
    assert cast.staff.check_password(cast.password)
    assert "12" in page


def test_an_idle_session_expires_after_the_configured_hours(client, cast, settings):
    client.force_login(cast.staff)
    client.get("/")

    assert settings.SESSION_COOKIE_AGE == 4 * 3600
    assert 4 * 3600 - 5 <= client.session.get_expiry_age() <= 4 * 3600
