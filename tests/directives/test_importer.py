"""An inspector imports the five real source letters and gets their fields right.

Each seed letter in tests/fixtures/seeds comes with hand-checked fields in
expected.json; the importer must reproduce every one of them, defects of the
sources included (markdown marks, a day split by a space, a caret
superscript, blank draft numbers, a misquoted decision number). The second
half covers uploads the importer must refuse, each with a clear Vietnamese
message.
"""

from __future__ import annotations

import datetime
import io
import unicodedata
import zipfile
from functools import cache

import pytest
from fpdf import FPDF
from pypdf import PdfWriter

from directives.importer import FIELDS, DocumentError, load_catalogue, parse, read_document
from tests.directives.seeds import EXPECTED, FONT, SEED_NAMES, expected_summary, seed_text, summary

TAX_LETTER = "3821-TCT-KTNB_tong-cuc-thue_2024.txt"
HA_LANG_LETTER = "308-UBND-TH_ha-lang_2017.txt"
THU_THUA_LETTER = "PGDDT_thu-thua_2019.txt"


@cache
def parsed_seed(name: str) -> dict:
    return parse(seed_text(name))


SEED_FIELDS = [(name, field) for name in SEED_NAMES for field in expected_summary(name)]


def test_every_hand_checked_field_is_compared():
    for name in SEED_NAMES:
        assert set(EXPECTED[name]) <= set(summary(parsed_seed(name)))


@pytest.mark.parametrize(("name", "field"), SEED_FIELDS, ids=[f"{n.split('_')[0]}-{f}" for n, f in SEED_FIELDS])
def test_seed_letter_field_matches_the_hand_checked_value(name, field):
    assert summary(parsed_seed(name))[field] == expected_summary(name)[field]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_result_has_exactly_the_promised_keys(name):
    assert set(parsed_seed(name)) == set(FIELDS)


def test_tax_letter_misquotes_874_and_the_importer_says_so():
    result = parsed_seed(TAX_LETTER)
    [reference] = [ref for ref in result["references"] if ref["code"] == "847/QĐ-BTTTT"]
    assert reference["resolved_to"] is None
    assert reference["suggestion"] == "874/QĐ-BTTTT"
    assert reference["kind"] == "Quyết định"
    assert reference["date"] == "2021-06-17"
    assert reference["text"] == "Quyết định số 847/QĐ-BTTTT ngày 17/6/2021"
    [warning] = [w for w in result["warnings"] if "847/QĐ-BTTTT" in w]
    assert "874/QĐ-BTTTT" in warning


def test_tax_letter_issuer_comes_from_the_body_because_it_has_no_header():
    assert parsed_seed(TAX_LETTER)["issuer"] == "Tổng cục Thuế"


def test_complete_signed_letter_parses_without_warnings():
    assert parsed_seed(HA_LANG_LETTER)["warnings"] == []


def test_caret_superscript_plan_number_is_cited_as_09b_with_its_date():
    references = {ref["code"]: ref for ref in parsed_seed(HA_LANG_LETTER)["references"]}
    plan = references["09b/KH-UBND"]
    assert (plan["kind"], plan["date"]) == ("Kế hoạch", "2017-01-20")
    assert plan["text"] == "Kế hoạch 09b/KH-UBND, ngày 20/01/2017"
    assert references["26/CT-TTg"]["resolved_to"] == "26/CT-TTg"
    assert "308/UBND-TH" not in references  # the letter's own number


def test_law_cited_by_title_and_year_resolves_to_its_catalogue_code():
    [law] = [ref for ref in parsed_seed(THU_THUA_LETTER)["references"] if ref["code"] is None]
    assert law == {
        "code": None,
        "kind": "Luật",
        "date": "2018",
        "title": "Luật An ninh mạng",
        "text": "Luật An ninh mạng năm 2018",
        "resolved_to": "24/2018/QH14",
        "suggestion": None,
    }


def test_obligations_carry_their_sub_items():
    first = parsed_seed(HA_LANG_LETTER)["obligations"][0]
    assert first["label"] == "1"
    lines = first["text"].split("\n")
    assert lines[0] == "Thủ trưởng các phòng, ban ngành, đơn vị, Chủ tịch UBND các xã, thị trấn:"
    assert len(lines) == 3 and all(line.startswith("- ") for line in lines[1:])
    # The page break inside the second sub-item is mended.
    assert "đường lối chủ trương của Đảng" in lines[2]


def test_draft_letter_warns_that_the_number_and_date_are_blank():
    warnings = parsed_seed("STTTT-TTBCXB_ha-tinh_2023.txt")["warnings"]
    assert "Văn bản chưa có số (ô số để trống, có thể là bản dự thảo)." in warnings
    assert "Ngày ban hành chưa đầy đủ (có thể là bản dự thảo)." in warnings


def test_known_documents_from_the_caller_replace_the_catalogue():
    text = seed_text(HA_LANG_LETTER)
    alone = {ref["code"]: ref for ref in parse(text, known={})["references"]}
    assert alone["26/CT-TTg"]["resolved_to"] is None
    # A stored directive whose number is one transposition away, on the same date.
    stored = {"21/CT-UBND": {"kind": "Chỉ thị", "title": "Chỉ thị đã lưu", "issued_on": "2016-10-07"}}
    result = parse(text, known=stored)
    cited = {ref["code"]: ref for ref in result["references"]}["12/CT-UBND"]
    assert cited["suggestion"] == "21/CT-UBND"
    assert any("12/CT-UBND" in w and "21/CT-UBND" in w for w in result["warnings"])


def test_stored_directive_dates_may_be_date_objects():
    stored = {"21/CT-UBND": {"kind": "Chỉ thị", "issued_on": datetime.date(2016, 10, 7)}}
    cited = {ref["code"]: ref for ref in parse(seed_text(HA_LANG_LETTER), known=stored)["references"]}
    assert cited["12/CT-UBND"]["suggestion"] == "21/CT-UBND"


def test_near_code_with_a_different_date_is_not_suggested():
    stored = {"21/CT-UBND": {"kind": "Chỉ thị", "issued_on": "2020-01-01"}}
    cited = {ref["code"]: ref for ref in parse(seed_text(HA_LANG_LETTER), known=stored)["references"]}
    assert cited["12/CT-UBND"]["suggestion"] is None


@pytest.mark.parametrize(
    ("citation", "code"),
    [
        ("Thực hiện Kế hoạch số 1₂/KH-UBND ngày 05/3/2020.", "12/KH-UBND"),
        ("Thực hiện Quyết định số 09ᵇ/QĐ-UBND.", "09b/QĐ-UBND"),
        ("Thực hiện Quyết định số 874 / QĐ - BTTTT.", "874/QĐ-BTTTT"),
        ("Thực hiện Kế hoạch 09<sup>b</sup>/KH-UBND.", "09b/KH-UBND"),
    ],
)
def test_cited_codes_are_normalised(citation, code):
    assert [ref["code"] for ref in parse(citation)["references"]] == [code]


def test_catalogue_is_keyed_by_code_and_safe_to_modify():
    catalogue = load_catalogue()
    assert catalogue["874/QĐ-BTTTT"]["kind"] == "Quyết định"
    assert catalogue["24/2018/QH14"]["title"] == "Luật An ninh mạng"
    catalogue.clear()
    assert load_catalogue()


@pytest.mark.parametrize("name", SEED_NAMES)
def test_decomposed_unicode_from_word_parses_like_composed_text(name):
    decomposed = unicodedata.normalize("NFD", seed_text(name))
    assert decomposed != seed_text(name)
    assert parse(decomposed) == parsed_seed(name)


DIRECTIVE = """\
ỦY BAN NHÂN DÂN
TỈNH CAO BẰNG
-------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 12/CT-UBND
Cao Bằng, ngày 07 tháng 10 năm 2016

CHỈ THỊ
Về việc tiếp tục đẩy mạnh cải cách hành chính và tăng cường kỷ luật,
kỷ cương trong cơ quan hành chính nhà nước

Thực hiện Chỉ thị số 26/CT-TTg ngày 05/9/2016 của Thủ tướng Chính phủ, Chủ tịch Ủy ban nhân dân tỉnh chỉ thị:

I. ĐỐI VỚI CÁC SỞ, BAN, NGÀNH
1. Quán triệt Luật Cán bộ, công chức năm 2008 và Nghị định số 112/2020/NĐ-CP.
2. Nghiêm cấm sử dụng mạng xã hội trong giờ làm việc.
II. ĐỐI VỚI ỦY BAN NHÂN DÂN CÁC HUYỆN
1. Tổ chức kiểm tra đột xuất.
III. TỔ CHỨC THỰC HIỆN
Giao Sở Nội vụ theo dõi, đôn đốc.

Yêu cầu Thủ trưởng các cơ quan nghiêm túc thực hiện Chỉ thị này./.

Nơi nhận:                                      TM. ỦY BAN NHÂN DÂN
- Thủ tướng Chính phủ;                          CHỦ TỊCH
- Lưu: VT.

                                                Hoàng Xuân Ánh
"""


def test_directive_with_a_title_and_roman_sections_imports():
    result = parse(DIRECTIVE)
    assert result["doc_type"] == "Chỉ thị"
    assert (result["number"], result["symbol"]) == ("12", "CT-UBND")
    assert result["issuer"] == "Ủy ban nhân dân tỉnh Cao Bằng"
    assert result["subject"] == (
        "tiếp tục đẩy mạnh cải cách hành chính và tăng cường kỷ luật, kỷ cương trong cơ quan hành chính nhà nước"
    )
    assert [item["label"] for item in result["obligations"]] == ["I", "II", "III"]
    assert result["obligations"][0]["text"].split("\n")[1:] == [
        "1. Quán triệt Luật Cán bộ, công chức năm 2008 và Nghị định số 112/2020/NĐ-CP.",
        "2. Nghiêm cấm sử dụng mạng xã hội trong giờ làm việc.",
    ]
    # The signature sat beside "Nơi nhận" in a two-column table.
    assert result["distribution"] == ["Thủ tướng Chính phủ", "Lưu: VT"]
    assert (result["signer_title"], result["signer_name"]) == ("TM. ỦY BAN NHÂN DÂN CHỦ TỊCH", "Hoàng Xuân Ánh")
    resolved = {ref["text"]: ref["resolved_to"] for ref in result["references"]}
    assert resolved == {
        "Chỉ thị số 26/CT-TTg ngày 05/9/2016": "26/CT-TTg",
        "Luật Cán bộ, công chức năm 2008": "22/2008/QH12",
        "Nghị định số 112/2020/NĐ-CP": "112/2020/NĐ-CP",
    }
    assert result["warnings"] == []


def test_letter_without_any_recognisable_part_names_every_missing_field():
    result = parse("Xin chào.")
    assert result["number"] is result["issuer"] is result["issued_on"] is None
    assert result["obligations"] == result["references"] == []
    assert "Không tìm thấy số, ký hiệu văn bản." in result["warnings"]
    assert "Không xác định được cơ quan ban hành." in result["warnings"]
    assert "Không tìm thấy ngày ban hành." in result["warnings"]


# --- Reading uploaded files -------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.encode("utf-16"),
        lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_text_files_decode_in_every_accepted_encoding(encode):
    text = seed_text(TAX_LETTER)
    assert read_document(encode(text), "cong-van.txt") == text


def test_text_read_from_a_decomposed_file_is_composed():
    decomposed = unicodedata.normalize("NFD", seed_text(TAX_LETTER)).encode("utf-8")
    assert read_document(decomposed, "CONG-VAN.TXT") == seed_text(TAX_LETTER)


def _zip_that_is_not_a_word_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "không phải tệp Word")
    return buffer.getvalue()


def _password_protected_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="bi-mat")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _scanned_pdf() -> bytes:
    """A page with a drawing and no text layer, like a scan."""
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60)
    return bytes(pdf.output())


def _pdf_with_text(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 7, text)
    return bytes(pdf.output())


REFUSED = "Chỉ nhận tệp văn bản .txt, .docx, .doc, .odt, .rtf, .pdf hoặc ảnh chụp trang văn bản (.jpg, .png, .tif)."
NOT_WORD = "Tệp là tài liệu Office cũ nhưng không phải văn bản Word (có thể là bảng tính hoặc trình chiếu)."


@pytest.mark.parametrize(
    ("data", "filename", "limit", "message"),
    [
        (b"", "cong-van.txt", None, "Tệp trống."),
        (b"x" * (20 * 1024 * 1024 + 1), "cong-van.txt", None, "Tệp vượt quá giới hạn 20 MB."),
        (b"x" * (1024 * 1024 + 1), "cong-van.txt", 1024 * 1024, "Tệp vượt quá giới hạn 1 MB."),
        (b"Kinh gui", "cong-van.doc", None, REFUSED),
        (b"Kinh gui", "cong-van", None, REFUSED),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "bang-tinh.doc", None, NOT_WORD),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "anh.txt", None, "Tệp .txt không phải văn bản (có dữ liệu nhị phân)."),
        (bytes(range(1, 32)) * 20, "rac.txt", None, "Tệp .txt không phải văn bản (có dữ liệu nhị phân)."),
        (b"C\xf4ng v\xe3n", "cp1258.txt", None, "Không đọc được tệp .txt: hãy lưu tệp với bảng mã UTF-8."),
        (b" \n\t\n ", "trang.txt", None, "Tệp không có nội dung văn bản."),
        (b"PK\x03\x04 hong", "cong-van.docx", None, "Không đọc được tệp .docx: tệp hỏng hoặc không đúng định dạng."),
        (
            _zip_that_is_not_a_word_file(),
            "cong-van.docx",
            None,
            "Không đọc được tệp .docx: tệp hỏng hoặc không đúng định dạng.",
        ),
        (_password_protected_pdf(), "cong-van.pdf", None, "Tệp PDF được bảo vệ bằng mật khẩu."),
        (
            _scanned_pdf(),
            "ban-quet.pdf",
            None,
            "Tệp PDF không có lớp văn bản (bản quét?). Hãy tải lên tệp có văn bản hoặc dán nội dung.",
        ),
        (b"%PDF-1.4\n1 0 obj garbage", "hong.pdf", None, "Không đọc được tệp PDF: tệp hỏng hoặc không đúng định dạng."),
    ],
    ids=[
        "empty",
        "over-20-mb",
        "over-custom-limit",
        "doc-extension-without-word-content",
        "no-extension",
        "old-office-file-that-is-not-word",
        "binary",
        "control-characters",
        "legacy-encoding",
        "whitespace-only",
        "corrupt-docx",
        "zip-not-docx",
        "encrypted-pdf",
        "scanned-pdf",
        "corrupt-pdf",
    ],
)
def test_unreadable_uploads_are_refused_with_a_vietnamese_message(data, filename, limit, message):
    kwargs = {"max_bytes": limit} if limit else {}
    with pytest.raises(DocumentError) as error:
        read_document(data, filename, **kwargs)
    assert str(error.value) == message


def test_pdf_locked_only_against_editing_is_read():
    writer = PdfWriter(clone_from=io.BytesIO(_pdf_with_text("Kính gửi: Các đơn vị trực thuộc Sở")))
    writer.encrypt(user_password="", owner_password="chu-so-huu")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert read_document(buffer.getvalue(), "cong-van.pdf").strip() == "Kính gửi: Các đơn vị trực thuộc Sở"


def test_file_at_the_size_limit_is_accepted():
    assert read_document(b"Kinh gui", "a.txt", max_bytes=8) == "Kinh gui"
