"""Logging in, out, resetting and changing a password, and the second factor."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail
from django.urls import reverse


def log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_staff_member_logs_in_with_email_and_password_and_sees_the_home_page(client, cast):
    response = log_in(client, cast.staff.email, cast.password)

    assert response["Location"] == reverse("home")
    page = client.get(reverse("home")).content.decode()
    assert "Xin chào, Lê Thị Cán Bộ" in page


def test_a_wrong_password_is_refused_in_vietnamese(client, cast):
    page = log_in(client, cast.staff.email, "sai-mat-khau").content.decode()

    assert "mật khẩu đã nhập không chính xác" in page
    assert "_auth_user_id" not in client.session


def test_repeated_failures_slow_the_account_down_and_say_how_long_to_wait(client, cast):
    for _ in range(3):
        log_in(client, cast.staff.email, "sai-mat-khau")

    page = log_in(client, cast.staff.email, cast.password).content.decode()

    assert "_auth_user_id" not in client.session
    assert "Hãy thử lại sau 10 giây." in page


def test_an_inactive_person_cannot_log_in(client, cast):
    cast.staff.is_active = False
    cast.staff.save()

    log_in(client, cast.staff.email, cast.password)

    assert "_auth_user_id" not in client.session


def test_there_is_no_public_sign_up(client, db):
    page = client.get(reverse("account_signup")).content.decode()
    client.post(reverse("account_signup"), {"email": "la@example.com", "password1": "Mot-mat-khau-dai-2026"})

    from organization.models import Person

    assert not Person.objects.filter(email="la@example.com").exists()
    assert "<form" not in page or "password1" not in page


def test_logging_out_ends_the_session(client, cast):
    client.force_login(cast.staff)

    client.post(reverse("account_logout"))

    assert client.get(reverse("home"))["Location"].startswith(reverse("account_login"))


def test_a_forgotten_password_is_reset_through_an_emailed_link(client, cast):
    client.post(reverse("account_reset_password"), {"email": cast.staff.email})

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.staff.email]
    link = re.search(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+", message.body).group(0)
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"password1": "Mat-khau-moi-2026!", "password2": "Mat-khau-moi-2026!"})

    cast.staff.refresh_from_db()
    assert cast.staff.check_password("Mat-khau-moi-2026!")


def test_a_person_changes_their_password(client, cast):
    client.force_login(cast.staff)

    client.post(
        reverse("account_change_password"),
        {"oldpassword": cast.password, "password1": "Mat-khau-moi-2026!", "password2": "Mat-khau-moi-2026!"},
    )

    cast.staff.refresh_from_db()
    assert cast.staff.check_password("Mat-khau-moi-2026!")


def test_with_totp_the_login_asks_for_the_code_and_accepts_only_the_right_one(client, cast):
    secret = generate_totp_secret()
    TOTP.activate(cast.inspector, secret)

    response = log_in(client, cast.inspector.email, cast.password)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    client.post(reverse("mfa_authenticate"), {"code": "000000" if current_code(secret) != "000000" else "111111"})
    assert "_auth_user_id" not in client.session

    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert client.session["_auth_user_id"] == str(cast.inspector.pk)


@pytest.mark.parametrize("role", ["inspector", "administrator"])
def test_roles_that_require_mfa_are_sent_to_set_it_up(client, cast, settings, role):
    settings.MFA_REQUIRED_ROLES = ["administrator", "inspector"]
    client.force_login(getattr(cast, role))

    response = client.get(reverse("home"))

    assert response["Location"] == reverse("mfa_activate_totp")


def test_once_set_up_the_required_mfa_lets_them_in_after_the_code(client, cast, settings):
    settings.MFA_REQUIRED_ROLES = ["inspector"]
    secret = generate_totp_secret()
    TOTP.activate(cast.inspector, secret)

    log_in(client, cast.inspector.email, cast.password)
    client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})

    assert "Xin chào, Phạm Thanh Tra" in client.get(reverse("home")).content.decode()
    assert Authenticator.objects.filter(user=cast.inspector).count() == 1


def test_staff_are_not_forced_to_use_mfa(client, cast, settings):
    settings.MFA_REQUIRED_ROLES = ["administrator", "inspector"]
    client.force_login(cast.staff)

    assert client.get(reverse("home")).status_code == 200
