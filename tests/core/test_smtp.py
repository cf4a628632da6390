"""The portal's SMTP backend writes its e-mails to bytes itself (core/smtp.py): what a
real SMTP server (aiosmtpd) receives must read exactly as what was written."""

import pytest
from django.core.mail import BadHeaderError, EmailMessage, EmailMultiAlternatives, get_connection

from core import smtp as portal_smtp

SENDER = "Cổng quy tắc ứng xử <no-reply@example.gov.vn>"


def reminder(**kwargs) -> EmailMultiAlternatives:
    fields = {
        "subject": "Nhắc quán triệt: 1 văn bản chờ đồng chí xác nhận",
        "body": "Kính gửi đồng chí Nguyễn Thị Hồng Nhung,\n\nĐọc và xác nhận: https://congquytac.example.gov.vn/a/7/\n",
        "from_email": SENDER,
        "to": ["Nguyễn Thị Hồng Nhung <nhung@example.gov.vn>"],
    } | kwargs
    message = EmailMultiAlternatives(**fields)
    message.attach_alternative("<p>Kính gửi đồng chí <b>Nhung</b>,</p>", "text/html")
    return message


def received(inbox, message):
    assert get_connection().send_messages([message]) == 1
    (got,) = inbox.wait_for(1)
    return got


def test_a_reminder_arrives_with_its_vietnamese_subject_names_text_and_html(smtp):
    got = received(smtp, reminder())

    assert " ".join(str(got["Subject"]).split()) == "Nhắc quán triệt: 1 văn bản chờ đồng chí xác nhận"
    assert str(got["From"]) == "Cổng quy tắc ứng xử <no-reply@example.gov.vn>"
    assert str(got["To"]) == "Nguyễn Thị Hồng Nhung <nhung@example.gov.vn>"
    assert got["Message-ID"] and got["Date"] and got["MIME-Version"] == "1.0"
    assert got.get_body(("plain",)).get_content() == (
        "Kính gửi đồng chí Nguyễn Thị Hồng Nhung,\r\n\r\nĐọc và xác nhận: https://congquytac.example.gov.vn/a/7/\r\n"
    )
    assert got.get_body(("html",)).get_content() == "<p>Kính gửi đồng chí <b>Nhung</b>,</p>"


def test_the_bytes_are_written_here_not_by_the_standard_library():
    sender, recipients, data = portal_smtp.message_bytes(reminder(cc=["truongphong@example.gov.vn"]))

    assert sender == "no-reply@example.gov.vn"
    assert recipients == ["nhung@example.gov.vn", "truongphong@example.gov.vn"]
    head = data.split(b"\r\n\r\n", 1)[0].decode()
    assert "To: =?utf-8?b?Tmd1eeG7hW4gVGjhu4sgSOG7k25nIE5odW5n?=\r\n <nhung@example.gov.vn>" in head
    assert "Cc: truongphong@example.gov.vn" in head
    assert 'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit' in data.decode()


def test_forty_reviewers_each_get_a_line_of_the_to_header_and_all_receive_it(smtp):
    reviewers = [f"Thanh tra viên {n} <thanhtra{n:02d}@example.gov.vn>" for n in range(40)]
    _sender, to, data = portal_smtp.message_bytes(reminder(to=reviewers))
    assert to == [f"thanhtra{n:02d}@example.gov.vn" for n in range(40)]
    assert max(len(line) for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")) <= 78

    got = received(smtp, reminder(to=reviewers))
    assert [address.addr_spec for address in got["To"].addresses] == to
    assert got["To"].addresses[39].display_name == "Thanh tra viên 39"


def test_a_long_subject_is_folded_into_encoded_words_that_read_back_whole(smtp):
    subject = "Về việc chấn chỉnh, tăng cường kỷ luật, kỷ cương trong việc sử dụng mạng xã hội của công chức thuế"
    _sender, _to, data = portal_smtp.message_bytes(reminder(subject=subject))
    assert max(len(line) for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")) <= 78

    got = received(smtp, reminder(subject=subject))
    assert " ".join(str(got["Subject"]).split()) == subject


def test_a_line_longer_than_998_octets_goes_quoted_printable_and_reads_back_whole(smtp):
    line = "Đồng chí " * 150  # 1,650 octets in UTF-8
    _sender, _to, data = portal_smtp.message_bytes(reminder(body=line))
    assert b"Content-Transfer-Encoding: quoted-printable" in data
    assert max(len(row) for row in data.split(b"\r\n")) <= 998

    got = received(smtp, reminder(body=line))
    assert got.get_body(("plain",)).get_content() == line


def test_a_subject_with_a_line_break_is_refused_as_django_refuses_it(smtp):
    with pytest.raises(BadHeaderError):
        get_connection().send_messages([reminder(subject="Nhắc quán triệt\nBcc: ai@example.com")])
    assert smtp.messages == []


@pytest.mark.parametrize(
    "to",
    [
        '"Lê, Văn Ba" <ba@example.gov.vn>',  # a quoted name with a comma
        "nhung@bộ-tài-chính.vn",  # a domain outside ASCII
    ],
)
def test_an_address_only_django_writes_goes_django_s_way_and_still_arrives(smtp, to):
    assert portal_smtp.message_bytes(reminder(to=[to])) is None

    got = received(smtp, reminder(to=[to]))
    assert got.get_body(("plain",)).get_content().startswith("Kính gửi đồng chí Nguyễn Thị Hồng Nhung,")


def test_an_email_with_an_attachment_goes_django_s_way_with_its_file(smtp):
    message = EmailMessage("Mốc kiểm tra", "Tệp đính kèm.", SENDER, ["thanhtra@example.gov.vn"])
    message.attach("moc-kiem-tra-3.json", '{"count": 3}\n', "application/json")
    assert portal_smtp.message_bytes(message) is None

    got = received(smtp, message)
    (attachment,) = got.iter_attachments()
    assert attachment.get_filename() == "moc-kiem-tra-3.json"
    assert attachment.get_content() in (b'{"count": 3}\n', '{"count": 3}\n')
