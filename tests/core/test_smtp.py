"""The portal's SMTP backend writes its e-mails to bytes itself (core/smtp.py): what a
real SMTP server (aiosmtpd) receives must read exactly as what was written."""

import base64
import re
import smtplib

import pytest
from django.core.mail import BadHeaderError, EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.utils import DNS_NAME

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


def test_our_bytes_are_what_the_server_receives_not_django_s(smtp):
    got = received(smtp, reminder())
    assert got.get_boundary().startswith("=_")  # Django's would be "===============…"
    assert str(got["Message-ID"]).endswith(f"@{DNS_NAME}>")


def test_each_email_gets_a_boundary_of_its_own():
    first, second = (portal_smtp.message_bytes(reminder())[2] for _ in range(2))
    boundary = re.compile(rb'boundary="(=_[0-9a-f]{32})"')
    assert boundary.search(first)[1] != boundary.search(second)[1]


def test_a_plain_text_email_without_html_arrives_as_text_plain(smtp):
    message = EmailMessage("Mốc kiểm tra", "Dòng một\r\n\r\nDòng hai\rDòng ba\n", SENDER, ["thanhtra@example.gov.vn"])
    _sender, _to, data = portal_smtp.message_bytes(message)
    assert b"multipart" not in data

    got = received(smtp, message)
    assert got.get_content_type() == "text/plain"
    assert got.get_content() == "Dòng một\r\n\r\nDòng hai\r\nDòng ba\r\n"


def test_reply_to_is_written_and_bcc_is_only_on_the_envelope(smtp):
    message = reminder(reply_to=["Phòng Tổ chức <tochuc@example.gov.vn>"], bcc=["luutru@example.gov.vn"])
    _sender, to, data = portal_smtp.message_bytes(message)
    assert to == ["nhung@example.gov.vn", "luutru@example.gov.vn"]
    assert b"luutru" not in data and b"Bcc" not in data

    got = received(smtp, message)
    assert str(got["Reply-To"]) == "Phòng Tổ chức <tochuc@example.gov.vn>"


def test_an_ascii_name_is_written_as_it_is_quoted_where_it_must_be():
    assert portal_smtp.address("Nguyen Van An <an@example.gov.vn>") == (
        "Nguyen Van An <an@example.gov.vn>",
        "an@example.gov.vn",
    )
    assert portal_smtp.address("Nguyen V. An <an@example.gov.vn>") == (
        '"Nguyen V. An" <an@example.gov.vn>',
        "an@example.gov.vn",
    )


@pytest.mark.parametrize(
    ("local", "folded"),
    [
        ("a" * 37, False),  # "=?utf-8?b?w4Ju?=" (16) + 49 = 65: on one line
        ("a" * 38, True),  # 66: the address goes on the next line
    ],
)
def test_the_address_goes_on_its_own_line_past_65_characters_after_the_name(local, folded):
    form, mailbox = portal_smtp.address(f"Ân <{local}@example.gov>")
    between = "\r\n " if folded else " "
    assert form == f"=?utf-8?b?w4Ju?={between}<{mailbox}>"


@pytest.mark.parametrize(
    "subject",
    [
        "Đồng chí Nguyễn Thị Hồng Nhung ở Chi cục Thuế khu vực Đống Đa – Hai Bà Trưng",
        "Đ" * 30,  # two octets a letter: the 39th octet is the second half of one
        "ệ" * 30,  # three octets a letter
        "Đ" + "ệ" * 30,  # the 39th octet is the middle of one
    ],
)
def test_every_encoded_word_holds_whole_characters(subject):
    # RFC 2047 5: each word must decode by itself; a Vietnamese letter is 2 or 3 octets.
    words = portal_smtp.encoded_words(subject).split("\r\n ")
    assert len(words) > 1
    decoded = [base64.b64decode(word.removeprefix("=?utf-8?b?").removesuffix("?=")).decode() for word in words]
    assert "".join(decoded) == subject
    assert all(len(word) <= 64 for word in words)


@pytest.mark.parametrize(
    ("subject", "written_here"),
    [
        ("Nhắc quán triệt\rBcc: ai@example.com", False),
        ("x" * 900, True),
        ("x" * 901, False),  # folded by Django
    ],
)
def test_subjects_this_module_does_not_write_go_django_s_way(subject, written_here):
    assert (portal_smtp.message_bytes(reminder(subject=subject)) is not None) is written_here


@pytest.mark.parametrize(("length", "encoding"), [(998, b"8bit"), (999, b"quoted-printable"), (300, b"8bit")])
def test_quoted_printable_only_past_998_octets_in_a_line(length, encoding):
    _sender, _to, data = portal_smtp.message_bytes(reminder(body="x" * length + "\n"))
    assert f'text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: {encoding.decode()}'.encode() in data


@pytest.mark.parametrize(
    ("changed", "written_here"),
    [
        ({"encoding": "utf-8"}, True),
        ({"encoding": "UTF-8"}, True),
        ({"encoding": "iso-8859-1"}, False),
        ({"to": []}, False),
    ],
)
def test_only_utf_8_emails_with_recipients_are_written_here(changed, written_here):
    message = reminder()
    for name, value in changed.items():
        setattr(message, name, value)
    assert (portal_smtp.message_bytes(message) is not None) is written_here


def test_an_email_with_two_alternatives_goes_django_s_way():
    message = reminder()
    message.attach_alternative("<p>Bản thứ hai</p>", "text/html")
    assert portal_smtp.message_bytes(message) is None


def test_a_refusing_server_raises_unless_told_to_be_silent(settings, smtp):
    smtp.refuse["nhung@example.gov.vn"] = 2
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        get_connection().send_messages([reminder()])
    assert get_connection(fail_silently=True).send_messages([reminder()]) == 0
