"""The anonymous page as a hurried sender meets it (issue 16 §10): found from the
log-in page and the footer, the "(nếu biết)" field really optional, a link typed
without https:// accepted, codes without look-alikes grouped for reading, one error
message, and looking separate from sending on the follow-up page."""

import datetime
import re

import lxml.html
from django.urls import reverse
from django.utils import timezone

from violations import services, workflow
from violations.models import Report, State


def filled(org, **extra):
    seen = (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    return {
        "unit": org.team.pk, "category": "false_information", "platform": "zalo",
        "description": "Chia sẻ tin giả trong nhóm Zalo.", "seen_at": seen, **extra,
    }  # fmt: skip


def test_the_log_in_page_and_every_footer_link_to_the_anonymous_page(client, cast):
    login = client.get(reverse("account_login")).content.decode()
    client.force_login(cast.staff)
    home = client.get(reverse("home")).content.decode()

    href = f'href="{reverse("violations:anonymous")}"'
    assert href in login
    assert href in home.split('<footer class="site-footer">')[1]


def test_who_it_was_may_be_left_out_and_a_link_needs_no_https(client, org):
    receipt = client.post(reverse("violations:anonymous"), filled(org, url="zalo.me/g/abc123"))

    assert receipt.status_code == 200 and "code" in receipt.context
    report = Report.objects.get()
    assert report.url == "https://zalo.me/g/abc123"
    assert report.subject_description == "Người gửi không biết họ tên, chức vụ"


def test_the_codes_have_no_look_alikes_and_read_in_groups(client, org):
    page = client.post(reverse("violations:anonymous"), filled(org)).content.decode()

    shown = lxml.html.fromstring(page)
    code = shown.get_element_by_id("receipt-code").text_content()
    secret = shown.get_element_by_id("receipt-secret").text_content()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{5}-[A-HJKMNP-Z2-9]{5}", code)
    assert re.fullmatch(r"([A-HJKMNP-Z2-9]{4}-){3}[A-HJKMNP-Z2-9]{4}", secret)
    assert "In hoặc lưu biên nhận (PDF)" in page


def test_the_codes_work_typed_without_groups_in_lower_case(client, org):
    receipt = client.post(reverse("violations:anonymous"), filled(org))
    code, secret = receipt.context["code"], receipt.context["secret"]

    page = client.post(
        reverse("violations:anonymous_follow_up"),
        {"code": code.lower(), "secret": secret.replace("-", " ").lower(), "action": "view"},
    ).content.decode()

    assert "Mới tiếp nhận" in page


def test_a_wrong_code_says_so_once(client, org):
    page = client.post(reverse("violations:anonymous_follow_up"), {"code": "ABCDE", "secret": "sai", "action": "view"})

    assert page.content.decode().count("Mã tiếp nhận hoặc mã bí mật không đúng.") == 1


def test_an_empty_anonymous_report_says_each_thing_once(client, org):
    page = client.post(reverse("violations:anonymous"), {}).content.decode()

    assert page.count("Chọn đơn vị của người bị phản ánh.") == 2  # the summary's link, the field's message
    assert "Nhập họ tên hoặc chức vụ" not in page


def test_looking_sends_nothing_and_sending_needs_a_text(client, cast, org):
    receipt = client.post(reverse("violations:anonymous"), filled(org))
    report = Report.objects.get()
    services.report_transition(report=report, to=State.UNDER_REVIEW, by=cast.unit_head, role=workflow.REVIEWER)
    services.report_transition(report=report, to=State.NEEDS_INFORMATION, by=cast.unit_head, role=workflow.REVIEWER)
    keys = {"code": receipt.context["code"], "secret": receipt.context["secret"]}
    url = reverse("violations:anonymous_follow_up")

    looked = client.post(url, {**keys, "text": "Bản nháp chưa muốn gửi", "action": "view"})
    empty = client.post(url, {**keys, "text": " ", "action": "send"}).content.decode()
    sent = client.post(url, {**keys, "text": "Đường dẫn: zalo.me/g/abc", "action": "send"})

    assert looked.status_code == 200 and "Đã gửi thông tin bổ sung." not in looked.content.decode()
    assert "Nhập thông tin cần gửi thêm, hoặc bấm “Xem phản ánh”." in empty
    assert list(report.events.filter(kind="message").values_list("text", flat=True)) == ["Đường dẫn: zalo.me/g/abc"]
    assert "Đã gửi thông tin bổ sung." in sent.content.decode()
