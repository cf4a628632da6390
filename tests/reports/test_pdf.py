"""The compliance report as the head prints it to sign: shares written one way
(1 of 8 is "12,5 %"), dates without leading zeros, and the signature block never
parted from the closing paragraph by a page break."""

import datetime
import io

from pypdf import PdfReader

from organization.models import Unit
from reports import exports
from reports.selectors import Counts, Filters, Summary


def pages_of(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def one_of_eight(filters: Filters, units: int = 1) -> Summary:
    """`units` units where 1 of 8 people acknowledged, and the same in total."""
    rows = [
        (Unit(code=f"X{i}", name=f"Phòng Quản lý số {i}"), Counts(targeted=8, acknowledged=1)) for i in range(units)
    ]
    return Summary(filters=filters, by_unit=rows, total=Counts(targeted=8, acknowledged=1))


def test_one_of_eight_is_twelve_and_a_half_percent_in_the_text_and_the_table(org):
    text = " ".join(
        pages_of(exports.pdf_summary(one_of_eight(Filters(unit=org.department)), today=datetime.date(2024, 8, 28)))
    )

    assert "Tổng số lượt giao quán triệt: 8; đã xác nhận: 1 (12,5 %), trong đó đúng hạn: 0" in text
    assert "1 Phòng Quản lý số 0 8 1 0 0 0 0 12,5 %" in text
    assert "Số liệu tính đến ngày 28/8/2024" in text


def test_a_period_is_written_without_leading_zeros(org):
    summary = one_of_eight(Filters(unit=org.department, start=datetime.date(2024, 1, 5), end=datetime.date(2024, 2, 9)))

    text = " ".join(pages_of(exports.pdf_summary(summary, today=datetime.date(2024, 2, 10))))

    assert "Từ ngày 5/1/2024 đến ngày 9/2/2024" in text


def test_the_signature_block_moves_to_the_next_page_with_the_closing_paragraph(org):
    # 47 units fill the second page so that the closing paragraph alone would still fit at
    # its foot, but not with the distribution list and the signer under it.
    pages = pages_of(exports.pdf_summary(one_of_eight(Filters(unit=org.department), 47), signer_name="Nguyễn Văn Ký"))

    assert len(pages) == 3
    assert "Phòng Quản lý số 46" in pages[1] and "V. ĐƠN VỊ CHƯA BÁO CÁO TRIỂN KHAI" in pages[1]
    assert "Trên đây là báo cáo" not in pages[1]
    assert pages[2].startswith("Trên đây là báo cáo tình hình thực hiện quán triệt văn bản")
    assert "Nơi nhận:" in pages[2] and "THỦ TRƯỞNG ĐƠN VỊ" in pages[2] and "Nguyễn Văn Ký" in pages[2]
