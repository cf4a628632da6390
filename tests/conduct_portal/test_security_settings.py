"""Headers, limits and start-up checks that every page and every deployment gets."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conduct_portal.test_settings_helpers import run_django

PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "a-long-random-production-secret-key-for-the-checks-0123456789"}


def test_every_page_has_a_content_security_policy_and_a_permissions_policy(client, cast):
    client.force_login(cast.staff)

    for response in (client.get("/"), client.get(reverse("account_login"))):
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "object-src 'none'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "script-src" not in policy  # scripts fall back to 'self': no inline script anywhere
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(client, cast, settings):
    settings.REQUEST_MAX_MB = 1
    client.force_login(cast.staff)

    response = client.post(
        reverse("violations:new"), {"files": SimpleUploadedFile("lon.png", b"\0" * (1024 * 1024 + 1))}
    )

    assert response.status_code == 413
    assert "Dữ liệu gửi lên quá lớn: tối đa 1 MB mỗi lần gửi." in response.content.decode()


@pytest.mark.redis
@pytest.mark.django_db
def test_worker_health_is_read_from_the_heartbeat_without_waiting(client, settings):
    import time

    import redis

    from conduct_portal.celery import HEARTBEAT_KEY

    store = redis.Redis.from_url(settings.REDIS_URL)
    store.delete(HEARTBEAT_KEY)
    started = time.monotonic()
    missing = client.get(reverse("healthz"), {"worker": "1"})
    took = time.monotonic() - started
    store.set(HEARTBEAT_KEY, str(time.time() - 60))
    fresh = client.get(reverse("healthz"), {"worker": "1"})
    store.set(HEARTBEAT_KEY, str(time.time() - 3600))
    stale = client.get(reverse("healthz"), {"worker": "1"})

    assert (missing.status_code, missing.json()["worker"]) == (503, "error: no heartbeat")
    assert took < 2  # a Redis read, not a 5-second wait on a queue
    assert (fresh.status_code, fresh.json()["worker"]) == (200, "ok")
    assert stale.json()["worker"] == "error: last heartbeat 3600 s ago"


def test_an_unknown_role_in_mfa_required_roles_stops_the_start_up():
    result = run_django(["check"], **PRODUCTION, MFA_REQUIRED_ROLES="admin")

    assert result.returncode != 0
    assert "MFA_REQUIRED_ROLES: unknown ['admin']" in result.stderr


def test_production_requires_mfa_of_administrators_inspectors_and_unit_heads():
    result = run_django(
        ["shell", "--no-imports", "-c", "from django.conf import settings; print(sorted(settings.MFA_REQUIRED_ROLES))"],
        **PRODUCTION,
    )

    assert result.stdout.strip() == "['administrator', 'inspector', 'unit_head']", result.stderr


def test_production_sessions_expire_when_idle_and_passwords_have_twelve_characters():
    script = (
        "from django.conf import settings; "
        "print(settings.SESSION_COOKIE_AGE, settings.SESSION_SAVE_EVERY_REQUEST, "
        "settings.AUTH_PASSWORD_VALIDATORS[1]['OPTIONS']['min_length'])"
    )
    result = run_django(["shell", "--no-imports", "-c", script], **PRODUCTION)

    assert result.stdout.strip() == "14400 True 12", result.stderr
