"""The review's findings on the pages: the client's address behind a proxy, what the
nudge form tells, malformed ids and filters, the nudge redirect, receipts not cached."""

import pytest
from django.urls import reverse

from acknowledgements import services
from acknowledgements.models import Acknowledgement, Assignment


def acknowledge_through_the_page(client, cast, **headers):
    client.force_login(cast.staff)
    url = reverse("acknowledgements:read", args=[Assignment.objects.get(person=cast.staff).pk])
    client.post(url, {"commitment": "on"}, **headers)
    return Acknowledgement.objects.get()


def test_without_a_trusted_proxy_the_record_keeps_the_connecting_address(client, cast, campaign, settings):
    settings.TRUSTED_CLIENT_IP_HEADER, settings.TRUSTED_PROXY_COUNT = "", 0

    ack = acknowledge_through_the_page(
        client, cast, REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.9", HTTP_X_REAL_IP="203.0.113.9"
    )

    assert ack.ip_address == "10.1.2.3"


def test_behind_a_proxy_the_record_keeps_the_clients_address_from_the_trusted_header(client, cast, campaign, settings):
    settings.TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"

    ack = acknowledge_through_the_page(client, cast, REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.9")

    assert ack.ip_address == "203.0.113.9"


def test_behind_a_counted_proxy_the_record_keeps_the_address_it_forwarded(client, cast, campaign, settings):
    settings.TRUSTED_CLIENT_IP_HEADER, settings.TRUSTED_PROXY_COUNT = "", 1

    ack = acknowledge_through_the_page(
        client, cast, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9"
    )

    assert ack.ip_address == "203.0.113.9"


def test_the_receipt_is_not_cached(client, cast, campaign):
    assignment = Assignment.objects.get(person=cast.staff)
    services.acknowledgement_record(assignment=assignment, by=cast.staff, request_meta={})
    client.force_login(cast.staff)

    response = client.get(reverse("acknowledgements:receipt", args=[assignment.pk]))

    assert response["Cache-Control"] == "no-store"


def test_the_nudge_error_names_nobody_outside_the_scope(client, cast, campaign):
    client.force_login(cast.unit_head)

    page = client.post(reverse("acknowledgements:nudge"), {"person": cast.outsider.pk}, follow=True).content.decode()

    assert "Một số người được chọn không thuộc phạm vi đơn vị đồng chí phụ trách." in page
    assert "Vũ Người Ngoài" not in page


def test_an_unknown_person_reads_like_one_outside_the_scope(client, cast, campaign):
    client.force_login(cast.unit_head)

    page = client.post(reverse("acknowledgements:nudge"), {"person": cast.outsider.pk + 1000}, follow=True)

    assert "Một số người được chọn không thuộc phạm vi đơn vị đồng chí phụ trách." in page.content.decode()


@pytest.mark.postgres
@pytest.mark.parametrize("value", ["abc", "1\x00", "\x00", "-1", "0", "1.5", "٣", "99999999999999999999999"])
def test_a_malformed_person_id_on_the_nudge_form_is_a_400(client, cast, campaign, value):
    client.force_login(cast.unit_head)

    assert client.post(reverse("acknowledgements:nudge"), {"person": value}).status_code == 400


@pytest.mark.postgres
@pytest.mark.parametrize(
    "query",
    [
        {"directive": "abc"},
        {"directive": "1\x00"},
        {"directive": "99999999999999999999999"},
        {"unit": "abc"},
        {"unit": "\x00"},
        {"unit": "99999999999999999999999"},
    ],
)
def test_a_malformed_unit_or_directive_on_the_unit_page_is_a_404(client, cast, campaign, query):
    client.force_login(cast.unit_head)

    assert client.get(reverse("acknowledgements:unit"), query).status_code == 404


@pytest.mark.postgres
@pytest.mark.parametrize("query", [{"status": "\x00"}, {"status": "bogus"}, {"page": "\x00"}, {"page": "-3"}])
def test_a_bad_status_or_page_on_the_unit_page_is_ignored(client, cast, campaign, query):
    client.force_login(cast.unit_head)

    response = client.get(reverse("acknowledgements:unit"), query)

    assert response.status_code == 200 and response.context["counts"]["total"] == 2


def test_the_directive_filter_still_works(client, cast, campaign):
    client.force_login(cast.unit_head)

    response = client.get(reverse("acknowledgements:unit"), {"directive": str(campaign.directive_id)})

    assert response.context["counts"]["total"] == 2
    assert f'<option value="{campaign.directive_id}" selected>' in response.content.decode()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/phish", "https:/evil.example", "javascript:alert(1)"]
)
def test_the_nudge_form_does_not_redirect_off_the_site(client, cast, campaign, target):
    client.force_login(cast.unit_head)

    response = client.post(reverse("acknowledgements:nudge"), {"person": cast.staff.pk, "next": target})

    assert response.status_code == 302 and response["Location"] == "/acknowledgements/unit/"


def test_the_nudge_form_returns_to_a_page_of_the_site(client, cast, campaign):
    client.force_login(cast.unit_head)

    response = client.post(
        reverse("acknowledgements:nudge"), {"person": cast.staff.pk, "next": "/acknowledgements/unit/?status=overdue"}
    )

    assert response["Location"] == "/acknowledgements/unit/?status=overdue"
