"""The staff member (Lê Thị Cán Bộ, Tổ Báo chí) downloads the receipt of the tax
letter 3821/TCT-KTNB: it names her unit, the due date, whether she was on time or how
many days late, what the text's hash proves, and the moment with its time zone."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from acknowledgements import services
from acknowledgements.models import Assignment
from acknowledgements.receipt import receipt_pdf


def acknowledged(cast, *, due_on: datetime.date, at: datetime.datetime, monkeypatch):
    assignment = Assignment.objects.get(person=cast.staff)
    Assignment.objects.filter(pk=assignment.pk).update(due_on=due_on)
    with monkeypatch.context() as clock:
        clock.setattr(timezone, "now", lambda: at)
        ack = services.acknowledgement_record(
            assignment=Assignment.objects.get(pk=assignment.pk), by=cast.staff, request_meta={}
        )
    return ack


def receipt_text(ack) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(receipt_pdf(ack))).pages)


def test_a_receipt_three_days_late_says_so_with_the_unit_the_due_date_and_the_zone(cast, campaign, monkeypatch):
    ack = acknowledged(
        cast, due_on=datetime.date(2024, 8, 25), at=datetime.datetime(2024, 8, 28, 7, 5, 9, tzinfo=datetime.UTC),
        monkeypatch=monkeypatch,
    )  # fmt: skip

    text = receipt_text(ack)

    assert "Người xác nhận Lê Thị Cán Bộ (canbo@example.gov.vn) Đơn vị Tổ Báo chí" in text
    assert "Thời điểm 14:05:09 ngày 28/8/2024 (giờ Việt Nam, UTC+07:00)" in text
    assert "Hạn xác nhận 25/8/2024 So với hạn quá hạn 3 ngày" in text


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime.datetime(2024, 8, 28, 16, 59, 59, tzinfo=datetime.UTC), "So với hạn đúng hạn"),  # 23:59:59 local
        (datetime.datetime(2024, 8, 28, 17, 0, 1, tzinfo=datetime.UTC), "So với hạn quá hạn 1 ngày"),  # 00:00:01
    ],
)
def test_on_time_is_counted_by_the_day_in_viet_nam(cast, campaign, monkeypatch, utc, expected):
    ack = acknowledged(cast, due_on=datetime.date(2024, 8, 28), at=utc, monkeypatch=monkeypatch)

    assert expected in receipt_text(ack)


def test_the_receipt_says_what_the_text_hash_proves(cast, campaign):
    ack = services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta={}
    )

    text = receipt_text(ack)

    assert f"Mã băm SHA-256 của văn bản {ack.text_sha256}" in text
    assert (
        "Đây là mã SHA-256 của đúng văn bản (phiên bản 1) hiển thị cho người xác nhận đọc. Văn bản khác đi dù chỉ "
        "một ký tự sẽ cho mã khác, nên mã này chứng minh nội dung đã được xác nhận."
    ) in text


def test_the_receipt_gives_the_records_place_in_the_chain_and_what_each_mac_proves(cast, campaign):
    ack = services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta={}
    )

    text = receipt_text(ack)

    assert f"Mã xác thực của bản ghi {ack.record_hash}" in text
    assert "sửa một trường bất kỳ thì mã không còn khớp" in text
    assert f"Vị trí trong chuỗi xác nhận 1 Mã xác thực của mắt nối trước {'0' * 64}" in text
    assert f"Mã xác thực của mắt nối {ack.link.mac}" in text
    assert "không xóa, chèn hay đổi thứ tự được bản ghi nào" in text


def test_a_receipt_of_a_record_not_linked_yet_says_it_is_being_linked(cast, campaign, settings):
    settings.ACK_LINK_IN_REQUEST = False
    ack = services.acknowledgement_record(
        assignment=Assignment.objects.get(person=cast.staff), by=cast.staff, request_meta={}
    )

    assert "Vị trí trong chuỗi xác nhận đang được nối vào chuỗi" in receipt_text(ack)
