"""Who sees which case, file and history line; intake from every channel."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.violations.conftest import png_upload
from violations import services, workflow
from violations.models import Event, Evidence, Report, State


def seen_at():
    return (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")


def confirm(case, head):
    """To the hearing: the person reported sees the case from there, before any conclusion."""
    for to in (State.UNDER_REVIEW, State.HEARING):
        services.report_transition(report=case, to=to, by=head, role=workflow.REVIEWER)


def test_a_staff_member_reports_a_colleague_and_the_head_is_told(
    client, cast, colleague, django_capture_on_commit_callbacks
):
    client.force_login(colleague)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("violations:new"), {
            "subject_email": "CANBO@example.gov.vn", "category": "working_hours", "platform": "facebook",
            "seen_at": seen_at(), "description": "Livestream bán hàng trong giờ làm việc.", "files": [png_upload()],
        })  # fmt: skip

    report = Report.objects.get()
    assert response["Location"] == reverse("violations:detail", args=[report.pk])
    assert (report.subject, report.unit, report.channel) == (cast.staff, cast.staff.unit, "staff")
    assert report.evidence.get().sha256 and report.evidence.get().content_type == "image/png"
    assert [m.to for m in mail.outbox] == [["truongphong@example.gov.vn"]]
    assert "Phản ánh vi phạm mới" in mail.outbox[0].subject and "Ngô Đồng Nghiệp" not in mail.outbox[0].body


def test_a_unit_head_logs_a_case_directly(cast):
    report = services.report_create(
        by=cast.unit_head, subject=cast.staff, category="insult", platform="tiktok",
        seen_at=timezone.now(), description="Bình luận xúc phạm.",
    )  # fmt: skip

    assert report.channel == "head"


def test_an_unknown_email_or_a_future_time_is_refused(client, colleague):
    client.force_login(colleague)
    future = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

    page = client.post(reverse("violations:new"), {
        "subject_email": "khongco@example.gov.vn", "category": "other", "platform": "other", "seen_at": future, "description": "x",
    }).content.decode()  # fmt: skip

    assert "Không có cán bộ đang công tác với e-mail này." in page
    assert "Thời điểm phát hiện không được ở tương lai." in page
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.png", b"MZ\x90\x00\x03" + b"\x00" * 200),
        ("trang.jpg", b"<html><script>alert(1)</script></html>"),
        ("lon.png", None),
    ],
)
def test_forged_or_oversized_uploads_are_refused_and_nothing_is_stored(client, colleague, settings, name, content):
    settings.EVIDENCE_MAX_MB = 1
    if content is None:
        content = png_upload().read() + b"\x00" * (1024 * 1024)
    client.force_login(colleague)

    page = client.post(reverse("violations:new"), {
        "subject_email": "canbo@example.gov.vn", "category": "other", "platform": "other", "seen_at": seen_at(),
        "description": "x", "files": [SimpleUploadedFile(name, content)],
    }).content.decode()  # fmt: skip

    assert 'class="errorlist' in page
    assert not Report.objects.exists() and not Evidence.objects.exists()


# role: may open the case, sees the reporter, sees the internal note, may download the screenshot
# A confidential reporter is shown to designated handlers only (tests/violations/
# test_identity.py); the person reported sees the evidence, except the files a
# protected reporter sent.
MATRIX = [
    ("unit_head", True, False, True, True),
    ("inspector", True, False, True, True),
    # The confidential reporter reads "Bạn": their name is sealed (test_sealed_reporter.py).
    ("colleague", True, False, False, True),
    ("staff", True, False, False, False),
    ("administrator", False, False, False, False),
    ("outsider", False, False, False, False),
    # A superuser runs the system; the identity of a protected reporter is still only
    # for the designated handlers.
    ("superuser", True, False, True, True),
]


@pytest.mark.parametrize(("who", "opens", "sees_reporter", "sees_note", "gets_file"), MATRIX)
def test_every_party_sees_only_its_share_of_a_confirmed_case(
    client, cast, colleague, case, who, opens, sees_reporter, sees_note, gets_file
):
    services.report_note(report=case, by=cast.unit_head, text="Ghi chú nội bộ: đã xác minh với tổ trưởng.")
    confirm(case, cast.unit_head)
    client.force_login(colleague if who == "colleague" else getattr(cast, who))

    response = client.get(reverse("violations:detail", args=[case.pk]))
    file_response = client.get(reverse("violations:file", args=[case.evidence.get().pk]))
    listed = client.get(reverse("violations:list")).content.decode()

    assert (response.status_code == 200) is opens
    page = response.content.decode()
    assert ("Ngô Đồng Nghiệp" in page) is sees_reporter
    assert ("Ghi chú nội bộ: đã xác minh" in page) is sees_note
    assert (file_response.status_code == 200) is gets_file
    assert (f'href="{reverse("violations:detail", args=[case.pk])}"' in listed) is opens


def test_the_person_reported_sees_nothing_before_the_case_is_confirmed(client, cast, case):
    client.force_login(cast.staff)

    assert client.get(reverse("violations:detail", args=[case.pk])).status_code == 404


def test_a_reporter_who_did_not_ask_for_confidentiality_is_shown_to_the_person_reported(client, cast, colleague):
    report = services.report_create(
        by=colleague,
        subject=cast.staff,
        category="insult",
        platform="facebook",
        seen_at=timezone.now(),
        description="x",
    )
    confirm(report, cast.unit_head)
    client.force_login(cast.staff)

    assert "Ngô Đồng Nghiệp" in client.get(reverse("violations:detail", args=[report.pk])).content.decode()


def test_guessed_ids_give_404(client, cast, case):
    client.force_login(cast.outsider)
    for url in (
        reverse("violations:detail", args=[case.pk]),
        reverse("violations:detail", args=[case.pk + 1000]),
        reverse("violations:file", args=[case.evidence.get().pk]),
        reverse("violations:file", args=[99999]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(reverse("violations:transition", args=[case.pk]), {"to": "dismissed", "note": "x"}).status_code
        == 404
    )


def test_inspectors_read_but_never_move_or_write(client, cast, case):
    client.force_login(cast.inspector)

    client.post(reverse("violations:transition", args=[case.pk]), {"to": "under_review"})
    client.post(reverse("violations:post", args=[case.pk, "note"]), {"text": "x"})

    case.refresh_from_db()
    assert case.state == State.SUBMITTED
    assert not case.events.filter(kind=Event.Kind.NOTE).exists()


def test_the_head_moves_the_case_and_the_person_reported_explains_in_the_browserless_way(
    client, cast, case, django_capture_on_commit_callbacks
):
    client.force_login(cast.unit_head)
    client.post(reverse("violations:transition", args=[case.pk]), {"to": "under_review"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("violations:transition", args=[case.pk]), {"to": "hearing", "note": "Đề nghị giải trình"})
    assert mail.outbox[-1].to == ["canbo@example.gov.vn"] and "giải trình" in mail.outbox[-1].subject

    client.force_login(cast.staff)
    client.post(
        reverse("violations:post", args=[case.pk, "explanation"]), {"text": "Tôi đã gỡ bài và xin rút kinh nghiệm."}
    )
    client.force_login(cast.unit_head)
    client.post(reverse("violations:transition", args=[case.pk]), {"to": "confirmed", "note": "Xác định vi phạm"})
    client.post(reverse("violations:transition", args=[case.pk]), {"to": "closed", "outcome": "admonition"})

    page = client.get(reverse("violations:detail", args=[case.pk])).content.decode()
    assert "Tôi đã gỡ bài và xin rút kinh nghiệm." in page
    assert "Đã xử lý, kết thúc</strong> – Nhắc nhở" in page


def test_a_screenshot_is_served_without_its_metadata_but_inspectors_get_the_original(client, cast, case):
    evidence = case.evidence.get()
    client.force_login(cast.inspector)

    shown = b"".join(client.get(reverse("violations:file", args=[evidence.pk])).streaming_content)
    original = client.get(reverse("violations:file", args=[evidence.pk]), {"original": "1"})

    assert shown == evidence.display.open("rb").read()
    assert b"".join(original.streaming_content) == evidence.original.open("rb").read()
    assert original["Content-Disposition"].startswith("attachment")


def test_an_anonymous_reporter_gets_a_receipt_and_follows_up(client, cast, org):
    page = client.post(reverse("violations:anonymous"), {
        "unit": org.team.pk, "subject_description": "Một cán bộ Tổ Báo chí", "category": "false_information",
        "platform": "facebook", "seen_at": seen_at(), "description": "Chia sẻ tin giả về dịch bệnh.",
    })  # fmt: skip
    code, secret = page.context["code"], page.context["secret"]
    report = Report.objects.get()
    assert (report.channel, report.reporter, report.unit) == ("anonymous", None, org.team)
    assert not {"ip", "ip_address", "remote_addr"} & {field.name for field in Report._meta.get_fields()}

    services.report_transition(report=report, to=State.UNDER_REVIEW, by=cast.unit_head, role=workflow.REVIEWER)
    services.report_transition(report=report, to=State.NEEDS_INFORMATION, by=cast.unit_head, role=workflow.REVIEWER)
    services.report_message(report=report, by=cast.unit_head, text="Xin gửi thêm đường dẫn bài đăng.")

    follow = client.post(
        reverse("violations:anonymous_follow_up"),
        {"code": code, "secret": secret, "text": "https://facebook.com/bai-dang"},
    )
    report.refresh_from_db()
    assert "Xin gửi thêm đường dẫn bài đăng." in follow.content.decode()
    assert report.state == State.UNDER_REVIEW
    assert report.events.filter(kind="message", actor=None, text="https://facebook.com/bai-dang").exists()


def test_a_wrong_secret_gets_nothing(client, org):
    _, code, _secret = services.report_create_anonymous(
        unit=org.team,
        subject_description="x",
        category="other",
        platform="other",
        seen_at=timezone.now(),
        description="Nội dung kín",
    )

    page = client.post(reverse("violations:anonymous_follow_up"), {"code": code, "secret": "doan-mo"}).content.decode()

    assert "Mã tiếp nhận hoặc mã bí mật không đúng." in page
    assert "Mới tiếp nhận" not in page


def test_the_anonymous_channel_is_rate_limited(client, org, settings):
    settings.ANONYMOUS_RATE = "2/h"
    for _ in range(2):
        client.post(reverse("violations:anonymous_follow_up"), {"code": "X", "secret": "y"})

    page = client.post(reverse("violations:anonymous_follow_up"), {"code": "X", "secret": "y"}).content.decode()

    assert "Bạn đã thử quá nhiều lần. Hãy thử lại sau." in page


def test_anonymous_reporters_are_never_emailed(client, cast, org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report, _code, _secret = services.report_create_anonymous(
            unit=org.team,
            subject_description="x",
            category="other",
            platform="other",
            seen_at=timezone.now(),
            description="x",
        )
        services.report_message(report=report, by=cast.unit_head, text="Cảm ơn.")

    assert [m.to for m in mail.outbox] == [["truongphong@example.gov.vn"]]


def test_a_report_names_the_directive_and_obligation_breached(client, cast, colleague, tax_letter):
    obligation = tax_letter.versions.get().obligations.get(label="2")
    client.force_login(colleague)

    client.post(reverse("violations:new"), {
        "subject_email": "canbo@example.gov.vn", "category": "working_hours", "platform": "facebook", "seen_at": seen_at(),
        "description": "Dùng Facebook trong giờ làm việc.", "directives": [tax_letter.pk], "obligations": [obligation.pk],
    })  # fmt: skip

    report = Report.objects.get()
    assert list(report.directives.all()) == [tax_letter] and list(report.obligations.all()) == [obligation]
    client.force_login(cast.unit_head)
    page = client.get(reverse("violations:detail", args=[report.pk])).content.decode()
    assert "3821/TCT-KTNB" in page and "2. Đề nghị toàn thể công chức" in page
