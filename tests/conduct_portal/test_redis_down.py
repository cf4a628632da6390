"""Redis is not on the critical path of a page: with the cache unreachable, log-in,
acknowledgement, the anonymous channel and nudges still work."""

import pytest
from django.urls import reverse

from acknowledgements.models import Acknowledgement, Assignment
from tests.acknowledgements.smtp import free_port


@pytest.fixture
def redis_down(settings):
    """The production cache backend, pointed at a port where no Redis listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FallbackRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }


def test_log_in_works_with_redis_down(client, cast, redis_down):
    response = client.post(reverse("account_login"), {"login": cast.staff.email, "password": cast.password})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.staff.pk)


def test_wrong_passwords_still_slow_the_account_down_with_redis_down(client, cast, redis_down):
    for _ in range(3):
        client.post(reverse("account_login"), {"login": cast.staff.email, "password": "sai-mat-khau"})

    page = client.post(reverse("account_login"), {"login": cast.staff.email, "password": cast.password})

    assert "Hãy thử lại sau 10 giây." in page.content.decode()


def test_acknowledging_works_with_redis_down(client, cast, campaign, redis_down):
    assignment = Assignment.objects.get(person=cast.staff)
    client.force_login(cast.staff)

    client.post(reverse("acknowledgements:read", args=[assignment.pk]), {"commitment": "on"})

    assert Acknowledgement.objects.filter(assignment=assignment).count() == 1


def test_the_anonymous_channel_takes_a_report_with_redis_down(client, org, redis_down):
    form = {
        "unit": org.team.pk,
        "subject_description": "Một chuyên viên",
        "category": "false_information",
        "platform": "tiktok",
        "seen_at": "2026-11-28T08:15",
        "description": "Đăng tin chưa kiểm chứng về cơ quan.",
    }

    page = client.post(reverse("violations:anonymous"), form).content.decode()

    assert "Mã tiếp nhận" in page


def test_the_anonymous_follow_up_answers_with_redis_down(client, db, redis_down):
    page = client.post(reverse("violations:anonymous_follow_up"), {"code": "ABCDEFGHJK", "secret": "sai"})

    assert page.status_code == 200
    assert "Mã tiếp nhận hoặc mã bí mật không đúng." in page.content.decode()
