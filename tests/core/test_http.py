"""The client address: REMOTE_ADDR unless the operator names a trusted proxy header."""

from django.test import RequestFactory

from core.http import client_ip


def request(**meta):
    return RequestFactory().get("/", **meta)


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(settings):
    settings.TRUSTED_CLIENT_IP_HEADER, settings.TRUSTED_PROXY_COUNT = "", 0

    assert client_ip(request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4", HTTP_X_REAL_IP="5.6.7.8")) == (
        "10.0.0.1"
    )


def test_the_configured_header_names_the_client(settings):
    settings.TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"

    assert client_ip(request(REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.9")) == "203.0.113.9"
    assert client_ip(request(REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="not-an-address")) is None


def test_with_one_trusted_proxy_the_last_forwarded_address_is_the_client(settings):
    settings.TRUSTED_CLIENT_IP_HEADER, settings.TRUSTED_PROXY_COUNT = "", 1

    forged_then_real = "6.6.6.6, 203.0.113.9"
    assert client_ip(request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forged_then_real)) == "203.0.113.9"
    assert client_ip(request(REMOTE_ADDR="10.0.0.1")) is None


def test_with_two_trusted_proxies_the_second_from_the_right_is_the_client(settings):
    settings.TRUSTED_CLIENT_IP_HEADER, settings.TRUSTED_PROXY_COUNT = "", 2

    chain = "6.6.6.6, 203.0.113.9, 10.0.0.2"
    assert client_ip(request(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=chain)) == "203.0.113.9"
