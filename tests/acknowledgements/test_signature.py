"""The password signature on acknowledgements is limited like the log-in: five wrong
passwords per account within fifteen minutes lock it, and the message says how long
to wait. The count lives in the database, so it holds when the cache is down."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from acknowledgements import services
from acknowledgements.models import Acknowledgement, Assignment, SignatureFailure
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


def test_the_message_counts_down_and_the_lock_lifts_after_the_window(cast, signed_campaign):
    wrong(cast.staff, 5)
    SignatureFailure.objects.update(at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=11))
    with pytest.raises(ValidationError, match="thử lại sau 4 phút"):
        sign(cast.staff, cast.password)

    SignatureFailure.objects.update(at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16))

    assert sign(cast.staff, cast.password).confirmed_with_password
    assert not SignatureFailure.objects.exists()


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
