"""The password signature on acknowledgements is limited like the log-in, by
core/throttle.py: after five wrong passwords the account waits fifteen minutes, each
further wrong one doubles the wait, and the message says how long. The count lives
in the database, so it holds when the cache is down."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from acknowledgements import services
from acknowledgements.models import Acknowledgement, Assignment
from core.models import Throttle
from tests.acknowledgements.conftest import META


@pytest.fixture
def signed_campaign(cast, org, tax_letter, due_on):
    return services.campaign_launch(
        directive=tax_letter, targets=[(org.department, True)], due_on=due_on, by=cast.administrator,
        requires_password=True,
    )  # fmt: skip


def sign(person, password):
    return services.acknowledgement_record(
        assignment=Assignment.objects.get(person=person), by=person, request_meta=META, password=password
    )


def wrong(person, times):
    for _ in range(times):
        with pytest.raises(ValidationError):
            sign(person, "sai-mật-khẩu")


def test_four_wrong_passwords_say_only_that_the_password_is_wrong(cast, signed_campaign):
    for _ in range(4):
        with pytest.raises(ValidationError, match="^\\['Mật khẩu không đúng.'\\]$"):
            sign(cast.staff, "sai")

    assert sign(cast.staff, cast.password).confirmed_with_password


def test_the_fifth_wrong_password_locks_the_signature_for_fifteen_minutes(cast, signed_campaign):
    wrong(cast.staff, 4)

    with pytest.raises(ValidationError) as fifth:
        sign(cast.staff, "sai")
    with pytest.raises(ValidationError) as right_but_locked:
        sign(cast.staff, cast.password)

    locked = "Đồng chí đã nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau 15 phút."
    assert fifth.value.messages == [locked] and right_but_locked.value.messages == [locked]
    assert not Acknowledgement.objects.exists()


def test_the_message_counts_down_and_the_lock_lifts_after_the_wait(cast, signed_campaign):
    wrong(cast.staff, 5)
    # Eleven of the fifteen minutes later:
    Throttle.objects.update(wait_until=timezone.now() + datetime.timedelta(minutes=4))
    with pytest.raises(ValidationError, match="thử lại sau 4 phút"):
        sign(cast.staff, cast.password)

    Throttle.objects.update(wait_until=timezone.now() - datetime.timedelta(seconds=1))

    assert sign(cast.staff, cast.password).confirmed_with_password
    assert not Throttle.objects.exists()


def test_a_wrong_password_after_the_wait_doubles_it(cast, signed_campaign):
    wrong(cast.staff, 5)
    Throttle.objects.update(wait_until=timezone.now() - datetime.timedelta(seconds=1))

    with pytest.raises(ValidationError, match="thử lại sau 30 phút"):
        sign(cast.staff, "sai")


def test_while_locked_not_even_a_wrong_password_is_counted(cast, signed_campaign):
    wrong(cast.staff, 5)

    wrong(cast.staff, 3)

    assert Throttle.objects.get().failures == 5


def test_the_limit_is_per_account(cast, signed_campaign):
    wrong(cast.staff, 5)

    assert sign(cast.unit_head, cast.password).confirmed_with_password


def test_the_limit_holds_when_the_cache_is_down(cast, signed_campaign, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    wrong(cast.staff, 5)

    with pytest.raises(ValidationError, match="thử lại sau 15 phút"):
        sign(cast.staff, cast.password)


def test_the_reading_page_shows_the_lock_in_vietnamese(client, cast, signed_campaign):
    client.force_login(cast.staff)
    url = reverse("acknowledgements:read", args=[Assignment.objects.get(person=cast.staff).pk])
    for _ in range(5):
        client.post(url, {"commitment": "on", "password": "sai"})

    page = client.post(url, {"commitment": "on", "password": cast.password}).content.decode()

    assert "Đồng chí đã nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau 15 phút." in page
    assert not Acknowledgement.objects.exists()
