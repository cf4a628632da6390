"""The anonymous channel leaves nothing to match a sender with: times to the day, a
keyed hash for the rate limit, pages no cache keeps, a secret never echoed."""

import datetime
import hashlib
import hmac
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.violations.conftest import png_upload
from violations import services, views, workflow
from violations.models import Report, State


def form(org, **extra):
    return {
        "unit": org.team.pk, "subject_description": "Một cán bộ Tổ Báo chí", "category": "false_information",
        "platform": "facebook", "description": "Chia sẻ tin giả.",
        "seen_at": (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), **extra,
    }  # fmt: skip


def midnight_today() -> datetime.datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def test_an_anonymous_report_and_its_history_keep_only_the_day(client, cast, org):
    page = client.post(reverse("violations:anonymous"), form(org, files=[png_upload()]))
    report = Report.objects.get()
    services.report_transition(report=report, to=State.UNDER_REVIEW, by=cast.unit_head, role=workflow.REVIEWER)
    services.report_transition(report=report, to=State.NEEDS_INFORMATION, by=cast.unit_head, role=workflow.REVIEWER)
    client.post(reverse("violations:anonymous_follow_up"), {
        "code": page.context["code"], "secret": page.context["secret"], "text": "Đường dẫn: https://fb.com/x",
    })  # fmt: skip

    report.refresh_from_db()
    assert report.created_at == midnight_today()
    by_sender = report.events.filter(actor=None).order_by("id")
    assert [e.kind for e in by_sender] == ["created", "file", "message", "transition"]
    assert {e.created_at for e in by_sender} == {midnight_today()}
    evidence = report.evidence.get()
    for stored in (evidence.original, evidence.display):
        assert os.path.getmtime(stored.path) == midnight_today().timestamp()


def test_the_anonymous_rate_limit_counts_each_client_behind_the_trusted_proxy(client, org, settings):
    settings.TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    settings.ANONYMOUS_RATE = "1/h"
    url = reverse("violations:anonymous_follow_up")

    client.post(url, {"code": "X", "secret": "y"}, headers={"X-Real-IP": "203.0.113.5"})
    again = client.post(url, {"code": "X", "secret": "y"}, headers={"X-Real-IP": "203.0.113.5"})
    other = client.post(url, {"code": "X", "secret": "y"}, headers={"X-Real-IP": "203.0.113.6"})

    assert "Bạn đã thử quá nhiều lần. Hãy thử lại sau." in again.content.decode()
    assert "Bạn đã thử quá nhiều lần." not in other.content.decode()


def test_the_rate_limit_key_is_an_hmac_of_the_client_address_under_the_secret_key(settings):
    settings.TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    request = RequestFactory().post("/", headers={"X-Real-IP": "203.0.113.5"}, REMOTE_ADDR="10.0.0.1")

    key = views.anonymous_client_key("group", request)

    expected = hmac.new(settings.SECRET_KEY.encode(), b"203.0.113.5", hashlib.sha256).hexdigest()
    assert key == expected
    assert "203.0.113.5" not in key and key != hashlib.md5(b"203.0.113.5").hexdigest()


def test_a_rate_limited_sender_has_no_file_checked(client, org, settings, monkeypatch):
    settings.ANONYMOUS_RATE = "1/h"
    client.post(reverse("violations:anonymous"), form(org))
    checked = []
    monkeypatch.setattr("violations.services.check_upload", lambda upload, **kw: checked.append(upload))

    page = client.post(reverse("violations:anonymous"), form(org, files=[png_upload()]))

    assert page.status_code == 429
    assert "Bạn đã gửi quá nhiều lần. Hãy thử lại sau." in page.content.decode()
    assert checked == [] and Report.objects.count() == 1


def test_the_receipt_follow_up_case_pages_and_files_are_never_cached(client, cast, org, case):
    receipt = client.post(reverse("violations:anonymous"), form(org))
    follow_up = client.post(
        reverse("violations:anonymous_follow_up"),
        {"code": receipt.context["code"], "secret": receipt.context["secret"]},
    )
    client.force_login(cast.inspector)
    pages = [
        receipt,
        follow_up,
        client.get(reverse("violations:anonymous")),
        client.get(reverse("violations:list")),
        client.get(reverse("violations:detail", args=[case.pk])),
        client.get(reverse("violations:file", args=[case.evidence.get().pk])),
        client.get(reverse("violations:file", args=[case.evidence.get().pk]), {"original": "1"}),
    ]

    for response in pages:
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def test_the_follow_up_page_does_not_echo_the_secret(client, org):
    receipt = client.post(reverse("violations:anonymous"), form(org))
    secret = receipt.context["secret"]

    page = client.post(
        reverse("violations:anonymous_follow_up"), {"code": receipt.context["code"], "secret": secret}
    ).content.decode()

    assert "Mới tiếp nhận" in page
    assert secret not in page


def test_an_anonymous_sender_cannot_write_on_a_closed_case(client, cast, org):
    receipt = client.post(reverse("violations:anonymous"), form(org))
    report = Report.objects.get()
    services.report_transition(report=report, to=State.DISMISSED, by=cast.unit_head, role=workflow.REVIEWER, note="x")

    page = client.post(reverse("violations:anonymous_follow_up"), {
        "code": receipt.context["code"], "secret": receipt.context["secret"], "text": "Còn nữa",
    })  # fmt: skip

    assert page.status_code == 200
    assert "Hồ sơ đã kết thúc xem xét nên không nhận thêm trao đổi." in page.content.decode()
    assert not report.events.filter(kind="message").exists()


def test_an_anonymous_file_over_the_limit_is_refused_with_a_message(client, org, settings):
    settings.EVIDENCE_MAX_FILES = 1

    page = client.post(
        reverse("violations:anonymous"),
        form(org, files=[png_upload("a.png"), SimpleUploadedFile("b.png", png_upload().read())]),
    )

    assert "Gửi tối đa 1 tệp mỗi lần." in page.content.decode()
    assert not Report.objects.exists()
