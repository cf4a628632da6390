"""Scans: page photos and image-only PDFs read by Tesseract; PDFs with an OCR layer.

A seed letter is drawn onto an A4 page at 200 dpi (tests/directives/scan.py),
tilted and speckled as a scanner leaves it, and read back. OCR reliably gets
the number, symbol, date and subject: those are checked on the photo and the
scan. (Measured over all five seeds as image-only PDFs: 73 of the 75
hand-checked fields match; the Hà Lang letter's signer name and one of its
distribution lines are misread.) Each OCR run takes a few seconds, so only a
few are made. Tesseract and its Vietnamese model are needed: skipped without
them, failed under CI=true.
"""

from __future__ import annotations

import subprocess

import pytest

from directives.importer import DocumentError, parse
from directives.importer.isolated import read_and_parse_isolated
from directives.importer.limits import Limits
from directives.importer.reading import read_document_with_notes
from tests.directives.scan import WIDTH, image_only_pdf, page_photo, render_pages
from tests.directives.seeds import expected_summary, seed_text

TAX_LETTER = "3821-TCT-KTNB_tong-cuc-thue_2024.txt"
HA_TINH = "STTTT-TTBCXB_ha-tinh_2023.txt"
HA_LANG = "308-UBND-TH_ha-lang_2017.txt"
RELIABLE = ("number", "symbol", "issued_on", "subject")
OCR_NOTE = (
    "Văn bản được nhận dạng từ ảnh quét (OCR) nên có thể sai chữ, sai số: hãy đối chiếu từng trường với "
    "bản gốc trước khi lưu."
)


def _reliable(result: dict) -> dict:
    return {field: result[field] for field in RELIABLE}


def test_a_photo_of_a_page_is_read_by_ocr_with_a_warning_to_check_it(tesseract):
    lines = seed_text(TAX_LETTER).split("\n")

    text, notes = read_document_with_notes(page_photo(lines, kind="JPEG", tilt=0.8, noise=3000), "anh-chup.jpg")

    assert _reliable(parse(text)) == {field: expected_summary(TAX_LETTER)[field] for field in RELIABLE}
    assert notes == [OCR_NOTE]


def test_an_image_only_pdf_is_read_by_ocr_in_the_import_process(tesseract):
    data = image_only_pdf(seed_text(HA_TINH).split("\n"), tilt=-0.5, noise=3000)

    _text, parsed = read_and_parse_isolated(
        data, "ban-quet.pdf", max_bytes=10**7, limits=Limits(), timeout_s=60, memory_mb=512
    )

    assert _reliable(parsed) == {field: expected_summary(HA_TINH)[field] for field in RELIABLE}
    assert parsed["warnings"][0] == OCR_NOTE


def test_a_scan_with_an_ocr_layer_keeps_the_signature_column_apart_from_the_distribution(tesseract, tmp_path):
    """The signature printed beside "Nơi nhận" comes back on the same lines as its items."""
    lines = seed_text(HA_LANG).split("\n")
    start, signature = lines.index("Nơi nhận:"), lines.index("CHỦ TỊCH")
    distribution = [line for line in lines[start:signature] if line]
    closing = [line for line in lines[start - 3 : start] if line]
    beside = {len(closing) + 1: "CHỦ TỊCH", len(closing) + len(distribution) - 1: "Đoàn Quốc Chính"}
    render_pages(closing + distribution, beside=beside)[0].crop((0, 0, WIDTH, 1100)).save(tmp_path / "trang.png")
    subprocess.run([tesseract, "trang.png", "trang", "-l", "vie", "pdf"], cwd=tmp_path, check=True, capture_output=True)
    data = (tmp_path / "trang.pdf").read_bytes()

    text, notes = read_document_with_notes(data, "ban-quet-co-chu.pdf")
    result = parse(text)

    assert "- Như kính gửi; CHỦ TỊCH" in text.split("\n")
    assert (len(result["distribution"]), result["signer_title"], result["signer_name"]) == (
        expected_summary(HA_LANG)["distribution_count"],
        "CHỦ TỊCH",
        "Đoàn Quốc Chính",
    )
    assert notes == []


def test_without_tesseract_a_photo_gets_a_message_saying_what_to_send_instead(settings):
    settings.DIRECTIVE_TESSERACT = "/khong-co/tesseract"

    with pytest.raises(DocumentError) as refused:
        read_document_with_notes(page_photo(["Kính gửi: các phòng"]), "anh.png")

    assert str(refused.value).startswith("Máy chủ chưa cài Tesseract (nhận dạng chữ tiếng Việt)")


def test_without_tesseract_a_scanned_pdf_says_it_has_no_text_layer_and_why(settings):
    settings.DIRECTIVE_TESSERACT = "/khong-co/tesseract"

    with pytest.raises(DocumentError) as refused:
        read_document_with_notes(image_only_pdf(["Kính gửi: các phòng"]), "ban-quet.pdf")

    assert str(refused.value).startswith("Tệp PDF không có lớp văn bản (bản quét?).")
    assert "tesseract-ocr-vie" in str(refused.value)


def test_a_photo_with_too_many_pixels_is_refused_before_ocr(tesseract):
    from PIL import Image

    buffer = __import__("io").BytesIO()
    Image.new("1", (12000, 12000), 1).save(buffer, "PNG")

    with pytest.raises(DocumentError) as refused:
        read_document_with_notes(buffer.getvalue(), "to.png")

    assert str(refused.value) == "Ảnh quá lớn để nhận dạng chữ (quá nhiều điểm ảnh)."
