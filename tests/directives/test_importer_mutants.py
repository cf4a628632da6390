"""The importer's field readers, read closer than the seed and corpus tests read them.

test_importer.py compares counts for the lists (obligations, distribution); here one
seed letter is read in full, and the small rules of the readers (a name, a stamp, a
signing title, an agency name in capitals, a short form, a typing slip) are stated
one by one, each with the values a person reading the letter writes down. These are
the gaps the mutation run found (tests/MUTATION.md)."""

from __future__ import annotations

from functools import cache

import pytest

from directives.importer import issuer, parse, parser, references, sections
from directives.importer.cleaning import clean_lines
from directives.importer.parser import Outline
from directives.importer.references import clean_code, find_references, iso_date, resolve_references
from tests.directives.seeds import seed_text

HA_LANG_LETTER = "308-UBND-TH_ha-lang_2017.txt"


@cache
def ha_lang() -> dict:
    return parse(seed_text(HA_LANG_LETTER))


def test_the_ha_lang_letter_lists_every_addressee_of_its_distribution():
    assert ha_lang()["distribution"] == [
        "Như kính gửi",
        "Sở Nội vụ (B/c)",
        "Sở Thông tin và truyền thông (B/c)",
        "TT Huyện ủy (B/c)",
        "TT HĐND huyện (B/c)",
        "Chủ tịch, các PCT UBND huyện",
        "MTTQ huyện",
        "Phòng Nội vụ huyện",
        "Tổ Kiểm tra giám sát",
        "Lưu: VT-TH",
    ]


def test_the_ha_lang_letter_has_three_numbered_obligations_with_their_dashed_sub_items():
    obligations = ha_lang()["obligations"]

    assert [item["label"] for item in obligations] == ["1", "2", "3"]
    assert [[line[:30] for line in item["text"].split("\n")] for item in obligations] == [
        [
            "Thủ trưởng các phòng, ban ngàn",
            "- Tiếp tục triển khai thực hiệ",
            "- Đẩy mạnh công tác giáo dục c",
        ],
        [
            "Yêu cầu cán bộ công chức, viên",
            "- Nghiêm túc chấp hành quy địn",
            "- Khi tham gia các trang mạng ",
            "- Việc khai thác các thông tin",
        ],
        [
            "Giao Tổ kiểm tra giám sát giúp",
            "- Thường xuyên báo cáo UBND hu",
        ],
    ]
    # The sub-item broken by a page ("... đường lối chủ" / "trương của Đảng") is one line.
    assert (
        obligations[0]["text"]
        .split("\n")[2]
        .endswith(
            "đường lối chủ trương của Đảng, chính sách pháp luật của Nhà nước, không đúng với chuẩn mực đạo đức"
            " của người cán bộ công chức theo quy định."
        )
    )


def test_the_ha_lang_letter_cites_a_plan_and_two_directives_with_kind_date_and_wording():
    assert [(r["code"], r["kind"], r["date"], r["text"]) for r in ha_lang()["references"]] == [
        ("09b/KH-UBND", "Kế hoạch", "2017-01-20", "Kế hoạch 09b/KH-UBND, ngày 20/01/2017"),
        ("26/CT-TTg", "Chỉ thị", "2016-09-05", "Chỉ thị số 26/CT-TTg ngày 05/9/2016"),
        ("12/CT-UBND", "Chỉ thị", "2016-10-07", "Chỉ thị số 12/CT-UBND ngày 07/10/2016"),
    ]
    assert ha_lang()["warnings"] == []


# The signature block and the distribution list (sections.py)


def test_a_signers_name_written_in_capitals_is_the_name_even_with_van_in_it():
    # "Văn" is the most common middle name; it is no office title.
    assert sections.signature_before(["Nội dung./.", "GIÁM ĐỐC", "NGUYỄN VĂN AN"], 3) == (
        1,
        ["GIÁM ĐỐC"],
        "Nguyễn Văn An",
    )
    assert sections.distribution_and_signer(["Nơi nhận:", "- Như trên;", "- Lưu: VT.", "GIÁM ĐỐC", "LÊ VĂN DÂN"]) == (
        ["Như trên", "Lưu: VT"],
        ["GIÁM ĐỐC"],
        "Lê Văn Dân",
    )


def test_a_last_title_line_is_no_name_when_it_holds_an_office_word():
    assert sections.signature_before(["Nội dung./.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], 3) == (
        1,
        ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
        None,
    )
    # One title line alone is never taken for a name.
    assert sections.signature_before(["Nội dung./.", "NGUYỄN VĂN AN"], 2) == (1, ["NGUYỄN VĂN AN"], None)


def test_an_item_loses_its_bullet_and_its_closing_punctuation():
    assert [sections.strip_item(item) for item in ("- Sở Nội vụ;", "– Sở Y tế,", "• Như trên.", "+ Lưu: VT.")] == [
        "Sở Nội vụ",
        "Sở Y tế",
        "Như trên",
        "Lưu: VT",
    ]


def test_list_lines_open_with_a_bullet_a_number_or_a_roman_numeral():
    lines = ["- Sở Nội vụ", "+ Phòng", "2. Giao", "3) Yêu cầu", "IV. Tổ chức", "Giao Sở", "2.5 triệu", "V/v"]
    assert [sections.is_list_line(line) for line in lines] == [True, True, True, True, True, False, False, False]
    assert [sections.roman_label(line) for line in ("II. Nhiệm vụ", "IX) Khác", "Kính gửi", ". Trống")] == [
        "II",
        "IX",
        None,
        None,
    ]


def test_an_office_title_is_a_short_line_in_capitals_without_digits_or_bullet():
    assert [
        sections.is_title_line(line)
        for line in ("TL. GIÁM ĐỐC", "CHỦ TỊCH", "Chủ tịch", "ĐIỀU 1", "- CHỦ TỊCH", "Đ B", "A" * 80, "A" * 81)
    ] == [True, True, False, False, False, False, True, False]


def test_a_persons_name_is_two_to_six_capitalised_words_of_letters():
    names = [
        "Đoàn Quốc Chính",
        "Nguyễn Văn A",
        "Tôn Nữ Thị Minh Hoa Lan",
        "Mai",
        "Tôn Nữ Thị Minh Hoa Lan Anh",
        "Nguyễn văn An",
        "Nguyễn VĂn An",
        "Nguyễn Văn 2",
    ]
    assert [sections.is_name_line(name) for name in names] == [True, True, True, False, False, False, False, False]


def test_a_signature_stamp_is_bracketed_or_reads_da_ky():
    stamps = ["(Đã ký)", "[signed]", "đã ký", "Đã ký", "(", "(Đã ký", "Đã ký tên"]
    assert [sections._is_stamp(stamp) for stamp in stamps] == [True, True, True, True, False, False, False]


def test_recipients_without_bullets_run_while_each_ends_with_a_semicolon_or_a_comma():
    lines = ["Kính gửi: Sở Nội vụ;", "Sở Tài chính,", "Sở Y tế.", "Thực hiện Chỉ thị số 26/CT-TTg,"]
    assert sections.recipients(lines, 0) == (["Sở Nội vụ", "Sở Tài chính", "Sở Y tế"], 3)
    # The last one ends the block; the body opens after it.
    assert sections.recipients(["Kính gửi: Sở Nội vụ", "Thực hiện"], 0) == (["Sở Nội vụ"], 1)


def test_bulleted_recipients_skip_blank_lines_and_stop_at_the_body():
    lines = ["Kính gửi:", "", "- Sở Nội vụ;", "", "- Sở Tài chính.", "Thực hiện Chỉ thị"]
    assert sections.recipients(lines, 0) == (["Sở Nội vụ", "Sở Tài chính"], 5)
    # After bullets, a plain line is the body even after a ";".
    assert sections.recipients(["Kính gửi: - Sở Nội vụ;", "Sở Tài chính;"], 0) == (["Sở Nội vụ"], 1)


def test_recipients_stop_at_a_numbered_item_or_a_paragraph_over_200_characters():
    assert sections.recipients(["Kính gửi: Sở Nội vụ;", "1. Giao Sở"], 0) == (["Sở Nội vụ"], 1)
    assert sections.recipients(["Kính gửi: Sở Nội vụ;", "x" * 201], 0) == (["Sở Nội vụ"], 1)
    assert sections.recipients(["Kính gửi: Sở Nội vụ;", "x" * 200], 0) == (["Sở Nội vụ", "x" * 200], 2)


def test_obligations_are_the_top_level_items_roman_before_arabic_before_dashes():
    body = [
        "I. MỤC ĐÍCH",
        "1. Nâng cao nhận thức",
        "- cho cán bộ",
        "II. NHIỆM VỤ",
        "Các sở thực hiện.",
        "Trân trọng./.",
    ]
    assert sections.obligations(body) == [
        {"label": "I", "text": "MỤC ĐÍCH\n1. Nâng cao nhận thức\n- cho cán bộ"},
        {"label": "II", "text": "NHIỆM VỤ\nCác sở thực hiện."},
    ]
    assert sections.obligations(["1. Một", "- a", "2) Hai"]) == [
        {"label": "1", "text": "Một\n- a"},
        {"label": "2", "text": "Hai"},
    ]
    # Dashes only: numbered in order.
    assert sections.obligations(["Căn cứ", "- Một;", "- Hai.", "Trên đây là yêu cầu", "- Ba"]) == [
        {"label": "1", "text": "Một;"},
        {"label": "2", "text": "Hai."},
    ]


def test_obligations_end_at_the_closing_or_the_signature_and_at_an_item_ending_the_letter():
    assert sections.obligations(["1. Một", "GIÁM ĐỐC", "2. Hai"]) == [{"label": "1", "text": "Một"}]
    assert sections.obligations(["1. Một./.", "2. Hai"]) == [{"label": "1", "text": "Một./."}]
    assert sections.obligations(["Nội dung", "Không có mục nào./."]) == []


def test_a_signature_printed_beside_the_distribution_list_is_split_off():
    tail = ["Nơi nhận:", "- Như trên; KT. CHỦ TỊCH", "- Lưu: VT. Nguyễn Văn An"]
    assert sections.distribution_and_signer(tail) == (["Như trên", "Lưu: VT"], ["KT. CHỦ TỊCH"], "Nguyễn Văn An")


def test_a_flattened_signature_table_keeps_its_columns_apart():
    tail = ["Nơi nhận:", "- Như trên;      TL. GIÁM ĐỐC", "- Lưu: VT.        CHÁNH VĂN PHÒNG Bùi Xuân Thư"]
    assert sections.distribution_and_signer(tail) == (
        ["Như trên", "Lưu: VT"],
        ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"],
        "Bùi Xuân Thư",
    )


def test_a_distribution_list_on_one_line_is_one_item_per_dash():
    assert sections.distribution_and_signer(["Nơi nhận: - Như trên; - Sở Bà Rịa - Vũng Tàu (b/c); - Lưu: VT."]) == (
        ["Như trên", "Sở Bà Rịa - Vũng Tàu (b/c)", "Lưu: VT"],
        [],
        None,
    )


def test_unbulleted_distribution_items_end_with_a_semicolon_or_are_the_archive_copy():
    tail = ["Nơi nhận:", "Như trên;", "Lưu VT", "Ghi chú", "GIÁM ĐỐC", "(Đã ký)", "Trần Văn Bình", "Bản sao;"]
    assert sections.distribution_and_signer(tail) == (["Như trên", "Lưu VT"], ["GIÁM ĐỐC"], "Trần Văn Bình")


def test_a_signature_above_the_end_is_read_upwards_past_stamps_and_blanks():
    lines = ["Nội dung./.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "(Đã ký)", "Trần Văn Bình", "Nơi nhận:"]
    assert sections.signature_before(lines, 6) == (1, ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "Trần Văn Bình")
    assert sections.signature_before(["Nội dung./.", "Trần Văn Bình"], 2) == (1, [], "Trần Văn Bình")
    assert sections.signature_before(["Nội dung thường.", "- Một mục"], 2) == (2, [], None)
    # A list line in capitals is the body's, not a title.
    assert sections.signature_before(["I. NHIỆM VỤ", "Trần Văn Bình"], 2) == (1, [], "Trần Văn Bình")


# The issuing agency (issuer.py)


def test_an_agency_name_in_capitals_is_written_as_running_text_writes_it():
    names = {
        "ỦY BAN NHÂN DÂN HUYỆN HẠ LANG": "Ủy ban nhân dân huyện Hạ Lang",
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG": "Sở Thông tin và Truyền thông",
        "UBND TỈNH HÀ TĨNH": "Ủy ban nhân dân tỉnh Hà Tĩnh",
        "HĐND THÀNH PHỐ HÀ NỘI": "Hội đồng nhân dân thành phố Hà Nội",
        "BỘ VĂN HOÁ - THÔNG TIN": "Bộ Văn hoá - Thông tin",
        "PHÒNG GD&ĐT HUYỆN THỦ THỪA": "Phòng GD&ĐT huyện Thủ Thừa",
        "CỤC THUẾ TỈNH BÀ RỊA - VŨNG TÀU": "Cục Thuế tỉnh Bà Rịa - Vũng Tàu",
        "TRUNG TÂM CNTT": "Trung tâm CNTT",
        "Sở  Y tế": "Sở Y tế",
    }
    assert {name: issuer.recase_agency(name) for name in names} == names


def test_the_issuer_is_the_lowest_agency_of_the_header():
    assert issuer.issuer_from_header(["UBND TỈNH HÀ TĨNH", "SỞ THÔNG TIN VÀ", "TRUYỀN THÔNG"]) == (
        "Sở Thông tin và Truyền thông"
    )
    # A header cell flattened onto one line: the parent and the unit under it.
    assert issuer.issuer_from_header(["UBND TỈNH HÀ TĨNH SỞ THÔNG TIN VÀ TRUYỀN THÔNG"]) == (
        "Sở Thông tin và Truyền thông"
    )
    assert issuer.issuer_from_header(["UBND THÀNH PHỐ HẢI PHÒNG SỞ Y TẾ"]) == "Sở Y tế"
    assert issuer.issuer_from_header(["SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"]) == "Sở Tài nguyên và Môi trường"
    assert issuer.issuer_from_header(["", "----"]) is None
    assert issuer.issuer_from_header([]) is None


def test_the_authority_line_under_a_decisions_title_names_the_agency():
    lines = {
        "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA": "Ủy ban nhân dân tỉnh Khánh Hòa",
        "CỤC TRƯỞNG CỤC THUẾ": "Cục Thuế",
        "BỘ TRƯỞNG BỘ VĂN HÓA - THÔNG TIN": "Bộ Văn hóa - Thông tin",
        "CHÍNH PHỦ": "Chính phủ",
        "BAN HÀNH QUY CHẾ": None,
        "QUYẾT ĐỊNH": None,
        "CHỦ TỊCH UBND TỈNH 2": None,
        "Ủy ban nhân dân tỉnh": None,
        "": None,
    }
    assert {line: issuer.authority_agency(line) for line in lines} == lines


def test_a_letter_defines_its_short_forms_by_the_initials_of_the_words_before_them():
    text = "Sở Giáo dục và Đào tạo (GD&ĐT), Ủy ban nhân dân (UBND), một mã (XYZ) và Đảng ủy (DU)"
    assert issuer.abbreviations(text) == {"GD&ĐT": "Giáo dục và Đào tạo", "UBND": "Ủy ban nhân dân"}


def test_the_agency_speaking_in_the_body_is_the_issuer_with_its_short_forms_spelled_out():
    body = "Phòng Giáo dục và Đào tạo (GD&ĐT) huyện nhận được. Phòng GD&ĐT yêu cầu các trường"
    assert issuer.issuer_from_body(body) == "Phòng Giáo dục và Đào tạo"
    assert issuer.issuer_from_body("Vì vậy, UBND huyện Hạ Lang đề nghị các xã") == "Ủy ban nhân dân huyện Hạ Lang"
    # "Ban chỉ đạo": a head then a word in lower case is no agency's name.
    assert issuer.issuer_from_body("Ban chỉ đạo đề nghị các đơn vị") is None


def test_the_symbol_gives_a_guess_from_its_first_issuer_part():
    symbols = {
        "TCT-KTNB": "Tổng cục Thuế",
        "QĐ-UBND": "Ủy ban nhân dân",
        "CT-STTTT": "Sở Thông tin và Truyền thông",
        "KH-BTC/2024": "Bộ Tài chính",
        "XYZ-BTC": None,
        "": None,
        None: None,
    }
    assert {symbol: issuer.issuer_from_symbol(symbol) for symbol in symbols} == symbols


# The documents a letter cites (references.py)


def cited(text: str, **own) -> list[dict]:
    """The citations found, each without its empty keys."""
    return [{key: value for key, value in ref.items() if value is not None} for ref in find_references(text, **own)]


def test_codes_are_written_without_marks_or_spaces_and_dates_must_exist():
    assert [clean_code(code) for code in ("09^b/KH-UBND", "26 / CT-TTg", "12²/QĐ-UBND", "24/2018/QH14")] == [
        "09b/KH-UBND",
        "26/CT-TTg",
        "122/QĐ-UBND",
        "24/2018/QH14",
    ]
    assert [iso_date("5", "9", "2016"), iso_date("31", "2", "2020"), iso_date(None, "1", "2020")] == [
        "2016-09-05",
        None,
        None,
    ]


def test_a_citation_has_its_kind_its_date_and_the_words_that_cite_it():
    text = (
        "Căn cứ Quyết định số 874/QĐ-BTTTT ngày 17/6/2021 của Bộ; Luật An ninh mạng năm 2018; Luật Báo chí ngày"
        " 28 tháng 12 năm 1989; Luật An ninh mạng số 24/2018/QH14 ngày 12/6/2018."
    )
    assert cited(text) == [
        {
            "code": "874/QĐ-BTTTT",
            "kind": "Quyết định",
            "date": "2021-06-17",
            "text": "Quyết định số 874/QĐ-BTTTT ngày 17/6/2021",
        },
        {"kind": "Luật", "date": "2018", "title": "Luật An ninh mạng", "text": "Luật An ninh mạng năm 2018"},
        {
            "kind": "Luật",
            "date": "1989-12-28",
            "title": "Luật Báo chí",
            "text": "Luật Báo chí ngày 28 tháng 12 năm 1989",
        },
        {
            "code": "24/2018/QH14",
            "kind": "Luật",
            "date": "2018-06-12",
            "title": "Luật An ninh mạng",
            "text": "Luật An ninh mạng số 24/2018/QH14 ngày 12/6/2018",
        },
    ]


def test_the_letters_own_code_is_no_citation_unless_an_older_document_carries_it():
    text = "Chỉ thị số 12/CT-UBND ngày 07/10/2016 và Chỉ thị 12/CT-UBND"
    assert cited(text, own_code="12/CT-UBND", own_date="2016-10-07") == []
    assert cited(text, own_code="12/CT-UBND", own_date="2023-01-01") == [
        {"code": "12/CT-UBND", "kind": "Chỉ thị", "date": "2016-10-07", "text": "Chỉ thị số 12/CT-UBND ngày 07/10/2016"}
    ]


def test_a_code_glued_to_its_date_is_read_with_the_date():
    assert cited("Quyết định 607/QĐ-UBNDngày 27 tháng 5 năm 2021 của UBND") == [
        {
            "code": "607/QĐ-UBND",
            "kind": "Quyết định",
            "date": "2021-05-27",
            "text": "Quyết định 607/QĐ-UBND ngày 27 tháng 5 năm 2021",
        }
    ]


def test_laws_cited_by_title_keep_a_comma_inside_a_title_and_skip_a_qualifier():
    text = (
        "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày"
        " 22 tháng 11 năm 2019; Luật Cán bộ, công chức năm 2008, Luật Viên chức năm 2010; Luật Tổ chức HĐND và"
        " UBND được Quốc hội thông qua ngày 26 tháng 11 năm 2003"
    )
    assert [(ref["title"], ref["date"]) for ref in find_references(text)] == [
        ("Luật Cán bộ, công chức", "2008"),
        ("Luật Viên chức", "2010"),
        ("Luật Tổ chức HĐND và UBND", "2003-11-26"),
    ]


def test_a_typing_slip_is_a_swap_a_changed_or_an_added_or_dropped_character():
    pairs = [("847", "874"), ("847", "848"), ("847", "8477"), ("84", "847"), ("847", "847"), ("847", "748")]
    assert [references._number_distance_rank(cited, known) for cited, known in pairs] == [0, 1, 2, 2, None, None]


def test_known_codes_resolve_and_a_slip_of_a_known_code_is_suggested_with_a_warning():
    text = "Quyết định số 847/QĐ-BTTTT ngày 17/6/2021; Nghị định 72/2013/NĐ-CP; Luật An ninh mạng năm 2018;"
    text += " Luật số 24/2018/QH14"
    known = {
        "874/QĐ-BTTTT": {"issued_on": "2021-06-17", "kind": "Quyết định", "title": "Bộ Quy tắc ứng xử"},
        "847/QĐ-BTC": {},
        "72/2013/NĐ-CP": {"kind": "Nghị định", "title": "Quản lý dịch vụ Internet"},
        "24/2018/QH14": {"title": "Luật An ninh mạng", "issued_on": "2018-06-12"},
    }

    found, warnings = resolve_references(find_references(text), known)

    # The law by title is the law by code: listed once, where the code cites it.
    assert [(ref["code"], ref["resolved_to"], ref["suggestion"], ref["title"]) for ref in found] == [
        ("847/QĐ-BTTTT", None, "874/QĐ-BTTTT", None),
        ("72/2013/NĐ-CP", "72/2013/NĐ-CP", None, "Quản lý dịch vụ Internet"),
        ("24/2018/QH14", "24/2018/QH14", None, "Luật An ninh mạng"),
    ]
    assert warnings == ["Văn bản trích dẫn 847/QĐ-BTTTT không có trong danh mục; có thể là 874/QĐ-BTTTT."]


def test_a_law_by_title_resolves_to_the_known_law_of_that_title_and_year():
    known = {"24/2018/QH14": {"title": "Luật An ninh mạng", "issued_on": "2018-06-12"}, "86/2015/QH13": {}}
    found, warnings = resolve_references(
        find_references("Luật An ninh mạng năm 2018; Luật An ninh mạng năm 2015"), known
    )

    assert [(ref["title"], ref["date"], ref["resolved_to"]) for ref in found] == [
        ("Luật An ninh mạng", "2018", "24/2018/QH14"),
        ("Luật An ninh mạng", "2015", None),
    ]
    assert warnings == []


# The front matter (parser.py)


def test_the_number_line_gives_the_number_and_the_symbol_blank_in_a_draft():
    lines = {
        "Số: 308/UBND-TH": ("308", "UBND-TH"),
        "Số: /STTTT-TTBCXB": (None, "STTTT-TTBCXB"),
        "Số:  ....../KH-UBND": (None, "KH-UBND"),
        "Số: 15": ("15", None),
        "Số: 71/2009/QĐ-UBND": ("71", "2009/QĐ-UBND"),
        "SỐ 12/CT-UBND": ("12", "CT-UBND"),
        "Số: 09^b/KH-UBND": ("09b", "KH-UBND"),
        "Số: abc": (None, None),
    }
    assert {line: parser._number_and_symbol(line) for line in lines} == lines


def test_the_symbols_first_part_names_the_kind_and_issuer_parts_only_a_cong_van():
    symbols = {
        "QĐ-UBND": "Quyết định",
        "2009/QĐ-UBND": "Quyết định",
        "09-QC/TW": "Quy chế",
        "TTr-UBND": "Tờ trình",
        "VPCP-TCCV": "Công văn",
        "UBND-QĐ": "Công văn",
        "": None,
        None: None,
    }
    assert {symbol: parser.kind_from_symbol(symbol) for symbol in symbols} == symbols


def test_the_place_and_date_line_gives_the_place_and_as_much_of_the_date_as_is_filled_in():
    lines = {
        "Hạ Lang, ngày 19 tháng 9 năm 2017": ("Hạ Lang", "2017-09-19"),
        "Hà Tĩnh, ngày   tháng 8 năm 2023": ("Hà Tĩnh", "2023-08"),
        "Hà Tĩnh, ngày  tháng  năm 2023": ("Hà Tĩnh", "2023"),
        "Huế, ngày  tháng 13 năm 2020": ("Huế", "2020"),
        "Huế, ngày 31 tháng 2 năm 2020": ("Huế", None),
        "Hà Nội, ngày 2 8 tháng 8 năm 2021": ("Hà Nội", "2021-08-28"),
        "ngày 05/9/2016": (None, "2016-09-05"),
        "Bà Rịa – Vũng Tàu, ngày 1 tháng 2 năm 2020": ("Bà Rịa – Vũng Tàu", "2020-02-01"),
        "TP. Hồ Chí Minh, ngày 1/2/2020": ("TP. Hồ Chí Minh", "2020-02-01"),
        "Số 12 Hà Nội, ngày 1/2/2020": ("Hà Nội", "2020-02-01"),
        "A B C D E F G H, ngày 1/2/2020": ("C D E F G H", "2020-02-01"),
    }
    read = {}
    for line in lines:
        match, place = parser._date_match(line)
        read[line] = (place, parser._issued_on(match))
    assert read == lines
    # A date in running text is a cited document's, not the letter's.
    assert parser._date_match("theo văn bản ngày 1 tháng 2 năm 2020") is None


def test_a_title_line_names_the_kind_of_document():
    lines = {
        "CHỈ THỊ": "Chỉ thị",
        "Chỉ thị": "Chỉ thị",
        "QUYẾT ĐỊNH VỀ VIỆC BAN HÀNH": "Quyết định",
        "KẾ HOẠCH": "Kế hoạch",
        "Quyết định về việc": None,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA": None,
        "THÔNG BÁO " + "X" * 80: None,
    }
    assert {line: parser._title_kind(line) for line in lines} == lines


def test_a_subject_opens_with_v_v_at_the_start_or_beside_the_number_never_in_a_citing_line():
    lines = {
        "V/v tăng cường": True,
        "v/v tăng cường": True,
        "** V/v tăng cường": True,
        "Số: 12/UBND V/v tăng cường": True,
        "Căn cứ công văn V/v tăng cường": False,
        "Nội dung V/v tăng cường": False,
    }
    assert {line: parser._is_subject_line(line) for line in lines} == lines


# The letter as a whole (parser.py): what parse() fills in and warns of


def test_an_empty_text_has_no_field_and_warns_of_each_missing_one_in_order():
    assert parse("", known={}) == {
        "doc_type": None,
        "number": None,
        "symbol": None,
        "issuer": None,
        "place": None,
        "issued_on": None,
        "subject": None,
        "recipients": [],
        "obligations": [],
        "references": [],
        "distribution": [],
        "signer_title": None,
        "signer_name": None,
        "warnings": [
            "Không tìm thấy số, ký hiệu văn bản.",
            "Không tìm thấy ngày ban hành.",
            "Không tìm thấy địa danh ban hành.",
            "Không xác định được loại văn bản.",
            "Không tìm thấy trích yếu nội dung.",
            "Không tìm thấy phần Nơi nhận.",
            "Không tìm thấy chức vụ người ký.",
            "Không tìm thấy họ tên người ký.",
            "Không tìm thấy các nội dung yêu cầu (mục đánh số hoặc gạch đầu dòng).",
            "Không xác định được cơ quan ban hành.",
        ],
    }


SHORT_CONG_VAN = """ỦY BAN NHÂN DÂN
HUYỆN HẠ LANG
Số: 12/UBND-VP
V/v tăng cường kỷ luật
Hạ Lang, ngày 3 tháng 4 năm 2020
Đề nghị các phòng thực hiện:
1. Chấp hành giờ giấc.
2. Báo cáo kết quả.
CHỦ TỊCH
Nông Văn An
"""


def test_a_cong_van_without_kinh_gui_or_noi_nhan_is_read_and_warns_of_both():
    assert parse(SHORT_CONG_VAN, known={}) == {
        "doc_type": "Công văn",
        "number": "12",
        "symbol": "UBND-VP",
        "issuer": "Ủy ban nhân dân huyện Hạ Lang",
        "place": "Hạ Lang",
        "issued_on": "2020-04-03",
        "subject": "tăng cường kỷ luật",
        "recipients": [],
        "obligations": [
            {"label": "1", "text": "Chấp hành giờ giấc."},
            {"label": "2", "text": "Báo cáo kết quả."},
        ],
        "references": [],
        "distribution": [],
        "signer_title": "CHỦ TỊCH",
        "signer_name": "Nông Văn An",
        "warnings": ["Không tìm thấy nơi nhận văn bản (Kính gửi).", "Không tìm thấy phần Nơi nhận."],
    }


def test_a_directive_without_its_header_takes_the_issuer_from_its_symbol_and_says_so():
    text = "Số: 5/CT-UBND\nCHỈ THỊ\nVề việc phòng chống dịch\n1. Các sở thực hiện.\n"
    result = parse(text, known={})
    assert (result["doc_type"], result["number"], result["symbol"]) == ("Chỉ thị", "5", "CT-UBND")
    assert (result["issuer"], result["subject"]) == ("Ủy ban nhân dân", "phòng chống dịch")
    assert result["warnings"] == [
        "Không tìm thấy ngày ban hành.",
        "Không tìm thấy địa danh ban hành.",
        "Không tìm thấy phần Nơi nhận.",
        "Không tìm thấy chức vụ người ký.",
        "Không tìm thấy họ tên người ký.",
        "Cơ quan ban hành được suy ra từ ký hiệu văn bản; hãy kiểm tra lại.",
    ]


def test_a_signing_title_after_noi_nhan_without_a_name_is_not_replaced_by_a_signature_above():
    text = (
        "Số: 12/UBND-VP\nV/v tăng cường kỷ luật\n1. Chấp hành giờ giấc.\nCHỦ TỊCH\nNông Văn An\n"
        "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nGIÁM ĐỐC\n"
    )
    result = parse(text, known={})
    assert (result["signer_title"], result["signer_name"]) == ("GIÁM ĐỐC", None)
    assert result["distribution"] == ["Như trên", "Lưu: VT"]


def test_the_letters_own_number_and_symbol_are_no_citation_of_it():
    text = (
        "ỦY BAN NHÂN DÂN\nHUYỆN HẠ LANG\nSố: 12/UBND-VP\nV/v tăng cường kỷ luật\n"
        "Hạ Lang, ngày 3 tháng 4 năm 2020\nKính gửi: Các phòng ban\n"
        "Căn cứ Quyết định số 71/2009/QĐ-UBND ngày 1 tháng 2 năm 2009; văn bản số 12/UBND-VP.\n"
    )
    result = parse(text, known={})
    assert result["recipients"] == ["Các phòng ban"]
    assert [cited["code"] for cited in result["references"]] == ["71/2009/QĐ-UBND"]
    # An older letter of the same number and symbol, cited with its own date, is cited.
    older = text.replace("Căn cứ Quyết định", "Thực hiện Công văn số 12/UBND-VP ngày 1/2/2019; Quyết định")
    assert [(cited["code"], cited["date"]) for cited in parse(older, known={})["references"]] == [
        ("12/UBND-VP", "2019-02-01"),
        ("71/2009/QĐ-UBND", "2009-02-01"),
    ]


def test_a_parser_bug_gives_an_empty_form_with_a_warning_but_running_out_of_memory_is_raised(monkeypatch):
    def broken(text, known):
        raise ValueError("bug")

    monkeypatch.setattr(parser, "_parse", broken)
    result = parse("Số: 12/UBND-VP")
    assert result["warnings"] == ["Lỗi nội bộ khi phân tích văn bản; hãy nhập các trường thủ công."]
    assert {field: value for field, value in result.items() if field != "warnings"} == {
        "doc_type": None,
        "number": None,
        "symbol": None,
        "issuer": None,
        "place": None,
        "issued_on": None,
        "subject": None,
        "recipients": [],
        "obligations": [],
        "references": [],
        "distribution": [],
        "signer_title": None,
        "signer_name": None,
    }

    def out_of_memory(text, known):
        raise MemoryError

    monkeypatch.setattr(parser, "_parse", out_of_memory)
    with pytest.raises(MemoryError):
        parse("Số: 12/UBND-VP")


def test_a_parser_bug_is_logged_with_its_traceback(monkeypatch, caplog):
    def broken(text, known):
        raise ValueError("bug")

    monkeypatch.setattr(parser, "_parse", broken)
    parse("")
    [record] = [r for r in caplog.records if r.name == "directives.importer.parser"]
    assert (record.levelname, record.getMessage(), record.exc_info[0]) == (
        "ERROR",
        "Directive parser failed",
        ValueError,
    )


UNTITLED_DECISION = """ỦY BAN NHÂN DÂN
Số: 71/2009/QĐ-UBND
Nha Trang, ngày 1 tháng 2 năm 2009
VỀ VIỆC BAN HÀNH QUY CHẾ LÀM VIỆC
ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA
Căn cứ Luật Tổ chức chính quyền địa phương;
QUYẾT ĐỊNH:
Điều 1. Ban hành quy chế.
"""


def test_a_decision_copied_without_its_title_takes_the_capitals_line_above_the_authority_as_subject():
    outline = parser._outline(clean_lines(UNTITLED_DECISION))
    assert (outline.number, outline.date, outline.subject, outline.title) == (1, 2, None, None)
    assert (outline.authority, outline.subject_line, outline.front_end) == (4, 3, 3)
    result = parse(UNTITLED_DECISION, known={})
    assert (result["doc_type"], result["subject"]) == ("Quyết định", "BAN HÀNH QUY CHẾ LÀM VIỆC")
    # The header lost the province; the authority line names it.
    assert result["issuer"] == "Ủy ban nhân dân tỉnh Khánh Hòa"
    without_header = UNTITLED_DECISION.removeprefix("ỦY BAN NHÂN DÂN\n")
    assert parse(without_header, known={})["issuer"] == "Ủy ban nhân dân tỉnh Khánh Hòa"


def test_the_untitled_subject_is_a_capitals_line_of_over_20_characters_other_than_the_motto():
    def untitled(*front):
        lines = ["Số: 1/QĐ-UBND", "Nha Trang, ngày 1 tháng 2 năm 2009", *front, "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA"]
        return parser._untitled_subject(Outline(lines=lines, number=0, date=1, authority=len(lines) - 1))

    assert untitled("do phòng tư pháp soạn thảo", "VỀ VIỆC BAN HÀNH QUY CHẾ") == 3
    assert untitled("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "VỀ VIỆC BAN HÀNH QUY CHẾ") == 3
    assert untitled("ngắn", "VỀ VIỆC BAN HÀNH QUY CHẾ") == 3
    assert untitled("", "VỀ VIỆC BAN HÀNH QUY CHẾ") == 3
    assert len("QUY CHẾ LÀM VIỆC SỞ X") == 21 and len("QUY CHẾ LÀM VIỆC CỦA") == 20
    assert untitled("QUY CHẾ LÀM VIỆC SỞ X") == 2
    assert untitled("QUY CHẾ LÀM VIỆC CỦA") is None
    assert parser._untitled_subject(Outline(lines=["Số: 1/QĐ-UBND", "VỀ VIỆC BAN HÀNH QUY CHẾ"], number=0)) is None


def test_the_front_lines_run_from_the_number_or_date_for_12_lines_up_to_the_body():
    def front(lines, **found):
        return list(parser._front_lines(Outline(lines=lines, **found)))

    many = ["Số: 1/QĐ-UBND", *(f"dòng {i}" for i in range(1, 20))]
    assert front(many, number=0) == [(i, f"dòng {i}") for i in range(1, 13)]
    assert front(["Nha Trang, ngày 1/2/2009", "Số: 1/QĐ-UBND", "a", "b"], number=1, date=0) == [(2, "a"), (3, "b")]
    for stop in ("Căn cứ Luật Tổ chức", "QUYẾT ĐỊNH:", "Kính gửi: Sở Nội vụ", "1. Ban hành"):
        assert front(["Số: 1/QĐ-UBND", "a", stop, "b"], number=0) == [(1, "a")]
    assert front(["a", "b"]) == []


def test_the_authority_line_is_never_the_title_line():
    lines = ["Số: 1/QĐ-UBND", "QUYẾT ĐỊNH", "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA"]
    assert parser._authority_line(Outline(lines=lines, number=0, title=1)) == 2


def test_the_outline_finds_noi_nhan_from_the_end_and_the_front_within_40_lines_before_it():
    assert parser._outline(["Nơi nhận:"]).distribution == 0
    assert parser._outline(["Nơi nhận:", "Số: 12/UBND-VP"]).number is None
    assert parser._outline([*([""] * 40), "Số: 12/UBND-VP"]).number is None
    assert parser._outline([*([""] * 39), "Số: 12/UBND-VP"]).number == 39
    # A list item ends the front matter only once the number or the date was seen.
    assert parser._outline(["Số: 1/UBND", "1. Làm việc", "Hà Nội, ngày 1/2/2020"]).date is None
    assert parser._outline(["Hà Nội, ngày 1/2/2020", "1. Làm việc", "Số: 1/UBND"]).number is None
    assert parser._outline(["1. Làm việc", "Số: 1/UBND"]).number == 1


def test_the_front_matter_ends_at_kinh_gui_or_after_the_last_field_found():
    assert parser._outline(["Số: 1/UBND", "Hà Nội, ngày 1/2/2020", "", "Kính gửi: Sở Nội vụ"]).front_end == 3
    assert parser._outline(["Số: 1/UBND", "Hà Nội, ngày 1/2/2020", "", "Thân"]).front_end == 2
    assert parser._outline(["Thân", "bài"]).front_end == 0


def test_the_header_is_up_to_8_agency_lines_above_the_first_field():
    header = [f"ĐƠN VỊ {i}" for i in range(1, 10)]
    assert parser._header_lines(Outline(lines=[*header, "Số: 1/UBND"], number=9)) == header[:8]
    assert parser._header_lines(Outline(lines=["ỦY BAN NHÂN DÂN", "Thân"])) == []


def test_a_subject_line_ends_at_a_field_a_body_opening_a_colon_or_a_long_line_under_a_title():
    ends = {
        ("CHỈ THỊ", False): True,
        ("1. Các sở", False): True,
        ("Nơi nhận:", False): True,
        ("V/v khác", False): True,
        ("Số: 1/UBND", False): True,
        ("Hà Nội, ngày 1/2/2020", False): True,
        ("Căn cứ Luật Tổ chức", False): True,
        ("Để thực hiện tốt", False): True,
        ("như sau:", False): True,
        ("của các cơ quan", False): False,
        ("của các cơ quan", True): False,
        ("x" * 111, True): True,
        ("x" * 110, True): False,
        ("x" * 111, False): False,
    }
    assert {key: parser._ends_subject(key[0], long_line_ends=key[1]) for key in ends} == ends


def test_a_field_line_is_any_other_part_of_the_letter():
    lines = {
        "": True,
        "CHỈ THỊ": True,
        "1. Các sở": True,
        "Nơi nhận:": True,
        "Kính gửi: Sở Nội vụ": True,
        "V/v khác": True,
        "Số: 1/UBND": True,
        "Hà Nội, ngày 1/2/2020": True,
        "của các cơ quan": False,
    }
    assert {line: parser._is_field_line(line) for line in lines} == lines


def test_a_subject_beside_other_text_is_one_only_after_bullet_marks():
    assert parser._is_subject_line("(V/v tăng cường)") is False
    assert parser._is_subject_line("X V/v tăng cường") is False


def test_number_lines_whose_number_or_symbol_is_not_one():
    assert parser._number_and_symbol("Số: abc/UBND") == (None, "UBND")
    assert parser._number_and_symbol("Số: 12/-abc") == ("12", None)


def test_more_place_and_date_lines():
    lines = {
        "Bà Rịa - Vũng Tàu, ngày 1 tháng 2 năm 2020": "Bà Rịa - Vũng Tàu",
        "tại – Hà Nội, ngày 1/2/2020": "Hà Nội",
        "tại - Hà Nội, ngày 1/2/2020": "Hà Nội",
        "Tại huyện Hạ Lang, ngày 1/2/2020": "Hạ Lang",
        "P12 Hà Nội, ngày 1/2/2020": "Hà Nội",
        "TX. Sơn Tây, ngày 1/2/2020": "TX. Sơn Tây",
        "Khu X, ngày 1/2/2020": "Khu X",
        ", ngày 1/2/2020": None,
    }
    assert {line: parser._date_match(line)[1] for line in lines} == lines
    assert parser._date_match(",X, ngày 1/2/2020") is None
    months = {"ngày  tháng 1 năm 2020": "2020-01", "ngày  tháng 12 năm 2020": "2020-12"}
    assert {line: parser._issued_on(parser._date_match(line)[0]) for line in months} == months


def test_a_title_line_in_capitals_is_at_most_80_characters():
    assert parser._title_kind("THÔNG BÁO " + "X" * 70) == "Thông báo"
    assert parser._title_kind("THÔNG BÁO " + "X" * 71) is None


def test_the_subject_after_a_title_v_v_or_beside_a_flattened_date():
    def subject(*lines, **found):
        return parser._subject(Outline(lines=list(lines), **found))

    assert subject("V/v tăng cường kỷ luật Hạ Lang, ngày 3 tháng 4 năm 2020", subject=0) == "tăng cường kỷ luật"
    assert subject("V/v thành lập Tổ X.", subject=0) == "thành lập Tổ X"
    assert subject("QUYẾT ĐỊNH CỦA CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", "Về việc ban hành quy chế", title=0) == (
        "ban hành quy chế"
    )
    assert subject("CHỈ THỊ VỀ VIỆC PHÒNG CHỐNG DỊCH", "1. Các sở", title=0) == "PHÒNG CHỐNG DỊCH"
    assert subject("CHỈ THỊ", "", "về phòng chống dịch", "ở các xã", title=0) == "phòng chống dịch ở các xã"
    lines = ["về một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám"]
    assert subject("CHỈ THỊ", "", "", *lines, title=0) == "một hai ba bốn năm"
    assert subject("CHỈ THỊ", *lines, title=0) == "một hai ba bốn năm sáu"
    assert subject("CHỈ THỊ", "1. Các sở thực hiện.", title=0) is None
    assert subject("CHỈ THỊ", "Về phòng chống dịch", "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", title=0) == "phòng chống dịch"
    authority = "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA"
    assert subject(
        "QUYẾT ĐỊNH", "Về việc ban hành quy chế", "làm việc của ủy ban", authority, title=0, authority=3
    ) == ("ban hành quy chế làm việc của ủy ban")
    front = ["Số: 1/QĐ-UBND", "Nha Trang, ngày 1 tháng 2 năm 2009", authority, "QUYẾT ĐỊNH", "Về việc a", "b", "c"]
    assert subject(*front, number=0, date=1, title=3, authority=2) == "a b c"
    assert subject("V/v thành lập tổ công tác Khu X, ngày 3 tháng 4 năm 2020", subject=0) == "thành lập tổ công tác"
    # A date with no place before it, in running text, is no header's date.
    assert subject("V/v tăng cường kỷ", "luật, ngày 3 tháng 4 năm 2020", subject=0) == (
        "tăng cường kỷ luật, ngày 3 tháng 4 năm 2020"
    )
    long_line = "x" * 111
    assert subject("CHỈ THỊ", "Về phòng chống dịch", long_line, title=0) == "phòng chống dịch"
    assert subject("V/v phòng chống dịch", long_line, subject=0) == "phòng chống dịch " + long_line


def test_recipients_after_bulleted_lines_take_no_plain_line_and_a_last_recipient_ends_the_block():
    assert sections.recipients(["Kính gửi:", "- Sở Nội vụ;", "Sở Tài chính;"], 0) == (["Sở Nội vụ"], 2)
    assert sections.recipients(["Kính gửi: Công ty Cổ phần X", "Thực hiện Chỉ thị"], 0) == (["Công ty Cổ phần X"], 1)
    # A space left after the separator does not end the block.
    assert sections.recipients(["Kính gửi: Sở Nội vụ;", "Sở Tài chính, ", "Sở Y tế."], 0) == (
        ["Sở Nội vụ", "Sở Tài chính", "Sở Y tế"],
        3,
    )


def test_a_name_in_capitals_has_two_to_six_words_and_follows_the_last_title():
    def name_after(*titles):
        return sections.distribution_and_signer(["Nơi nhận:", "- Như trên;", *titles])[1:]

    assert name_after("GIÁM ĐỐC", "LÊ AN") == (["GIÁM ĐỐC"], "Lê An")
    assert name_after("GIÁM ĐỐC", "TÔN NỮ THỊ MINH HOA LAN") == (["GIÁM ĐỐC"], "Tôn Nữ Thị Minh Hoa Lan")
    assert name_after("GIÁM ĐỐC", "TÔN NỮ THỊ MINH HOA LAN ANH") == (["GIÁM ĐỐC", "TÔN NỮ THỊ MINH HOA LAN ANH"], None)
    assert name_after("GIÁM ĐỐC", "AN") == (["GIÁM ĐỐC", "AN"], None)
    assert name_after("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "NGUYỄN VĂN AN") == (
        ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"],
        "Nguyễn Văn An",
    )


def test_a_signature_read_upwards_stops_at_the_first_line():
    assert sections.signature_before(["GIÁM ĐỐC", "Trần Văn Bình", "KT. CHỦ TỊCH"], 2) == (
        0,
        ["GIÁM ĐỐC"],
        "Trần Văn Bình",
    )


def test_an_item_ending_in_a_capital_x_keeps_it():
    assert sections.strip_item("- Công ty Cổ phần X;") == "Công ty Cổ phần X"


def test_obligations_start_after_a_heading_in_capitals_and_end_at_a_closing_line():
    assert sections.obligations(["QUYẾT ĐỊNH:", "1. Ban hành quy chế", "2. Giao Sở Nội vụ"]) == [
        {"label": "1", "text": "Ban hành quy chế"},
        {"label": "2", "text": "Giao Sở Nội vụ"},
    ]
    assert sections.obligations(["1. Một", "Đề nghị các đơn vị thực hiện./. ", "Thêm"]) == [
        {"label": "1", "text": "Một"}
    ]


def test_only_a_signing_title_or_a_name_beside_an_item_is_split_off():
    def read(*tail):
        return sections.distribution_and_signer(["Nơi nhận:", *tail])

    # Beside an item in running text, and beside a bulleted one in capitals.
    assert read("Như trên; CHỦ TỊCH") == (["Như trên"], ["CHỦ TỊCH"], None)
    assert read("- UBND TỈNH; CHỦ TỊCH") == (["UBND TỈNH"], ["CHỦ TỊCH"], None)
    # An agency in capitals is part of the item, not a signature.
    assert read("- Như trên; SỞ Y TẾ") == (["Như trên; SỞ Y TẾ"], [], None)
    # A flattened cell splits into title and name only when the title is a signing title.
    assert read("- Như trên;", "PHÒNG NỘI VỤ Trần Văn Bình") == (["Như trên"], [], None)
    # A stamp in capitals is no title.
    assert read("- Như trên;", "GIÁM ĐỐC", "(ĐÃ KÝ)", "Trần Văn Bình") == (["Như trên"], ["GIÁM ĐỐC"], "Trần Văn Bình")


def test_a_signature_beside_a_long_item_is_found_after_its_last_separator():
    item = "- UBND các huyện; các sở, ban, ngành; các đoàn thể chính trị - xã hội cấp tỉnh và các cơ quan trung ương;"
    assert read_beside(f"{item} CHỦ TỊCH") == [item, "CHỦ TỊCH"]
    # A signing title is at most 80 characters: one of exactly 80 is still split off.
    title = "KT. CHỦ TỊCH " + "A" * 67
    assert len(title) == 80
    assert read_beside(f"- Như trên; {title}") == ["- Như trên;", title]


def read_beside(segment: str) -> list[str]:
    return sections._split_beside(segment)


def test_stamps_are_brackets_round_something_and_titles_need_a_word_of_two_letters():
    stamps = ["()", "XIN CẢM ƠN (ĐÃ KÝ)", "(Mẫu số X"]
    assert [sections._is_stamp(text) for text in stamps] == [True, False, False]
    assert [sections.is_title_line(text) for text in ("BỘ", "Ô", "Ô BỘ")] == [True, False, True]
    assert [sections.is_name_line(text) for text in ("Lê An", "An")] == [True, False]


def test_an_item_ending_the_letter_ends_the_obligations_even_with_a_space_after_it():
    assert sections.obligations(["1. Một./. ", "2. Hai"]) == [{"label": "1", "text": "Một./."}]


def test_initialisms_keep_their_capitals_inside_brackets_and_beside_other_words():
    names = {
        "SỞ Y TẾ (UBND TỈNH HÀ TĨNH)": "Sở Y tế (UBND tỉnh Hà Tĩnh)",
        "VĂN PHÒNG HĐND VÀ UBND TỈNH": "Văn phòng HĐND và UBND tỉnh",
        "PHÒNG GD HUYỆN THỦ THỪA": "Phòng GD huyện Thủ Thừa",
        "SỞ XD TỈNH HÀ TĨNH": "Sở XD tỉnh Hà Tĩnh",
    }
    assert {name: issuer.recase_agency(name) for name in names} == names


def test_a_flattened_header_line_splits_after_the_place_name_at_the_units_head():
    lines = {
        "UBND HUYỆN THỦ THỪA PHÒNG GDĐT": "Phòng GDĐT",
        "UBND THÀNH PHỐ HUẾ SỞ Y TẾ": "Sở Y tế",
        "UBND TỈNH LÀO CAI CHI CỤC THUẾ": "Chi cục Thuế",
        "UBND TỈNH LÀO CAI CỤC THUẾ": "Cục Thuế",
        "UBND TỈNH HÀ TĨNH": "Ủy ban nhân dân tỉnh Hà Tĩnh",
    }
    assert {line: issuer.issuer_from_header([line]) for line in lines} == lines


def test_header_lines_are_agency_names_in_capitals_or_opening_with_a_head_up_to_120_characters():
    assert issuer.issuer_from_header(["SỞ Y TẾ", "tỉnh Hà Tĩnh"]) == "Sở Y tế"
    assert issuer.issuer_from_header(["Sở Y tế"]) == "Sở Y tế"
    assert issuer.issuer_from_header(["SỞ " + "A" * 117]) == "Sở A" + "a" * 116
    assert issuer.issuer_from_header(["SỞ " + "A" * 118]) is None


def test_short_forms_match_from_the_first_word_skip_va_and_take_a_lower_case_d():
    assert issuer.abbreviations("Giáo dục và Đào tạo (GD&ĐT)") == {"GD&ĐT": "Giáo dục và Đào tạo"}
    assert issuer.abbreviations("Sở Khoa học và Công nghệ (KHCN)") == {"KHCN": "Khoa học và Công nghệ"}
    assert issuer.abbreviations("Sở Giáo dục và đào tạo (GD&ĐT)") == {"GD&ĐT": "Giáo dục và đào tạo"}
    # Too few words before it: no long form.
    assert issuer.abbreviations("Đào tạo (GD&ĐT)") == {}


def test_the_symbols_year_is_no_issuer_part():
    assert issuer.issuer_from_symbol("2009/QĐ-BTC") == "Bộ Tài chính"


def test_more_header_and_name_rules():
    assert issuer.issuer_from_header(["UBND THÀNH PHỐ HUẾ CHI CỤC THUẾ"]) == "Chi cục Thuế"
    assert issuer.issuer_from_header(["TTBCXB"]) is None  # no word of it is a word
    assert issuer.recase_agency("BAN CNTT ĐẦU TƯ XÂY DỰNG") == "Ban CNTT đầu tư xây dựng"
    assert issuer.recase_agency("BỘ VĂN HOÁ – THÔNG TIN") == "Bộ Văn hoá – Thông tin"
    line = "ỦY BAN NHÂN DÂN TỈNH " + "A" * 99
    assert len(line) == 120
    assert issuer.authority_agency(line) == "Ủy ban nhân dân tỉnh A" + "a" * 98
    assert issuer.authority_agency(line + "A") is None


def test_short_forms_look_past_a_repeated_one_but_only_at_the_first_200_brackets():
    assert issuer.abbreviations("Ủy ban nhân dân (UBND), (UBND), Giáo dục và Đào tạo (GD&ĐT)") == {
        "UBND": "Ủy ban nhân dân",
        "GD&ĐT": "Giáo dục và Đào tạo",
    }
    assert issuer.abbreviations("(AB) " * 200 + "Giáo dục và Đào tạo (GD&ĐT)") == {}


def test_a_head_with_no_name_after_it_is_no_speaking_agency():
    # "Viện kiểm sát" is a head of three words with nothing after it.
    assert issuer.issuer_from_body("Viện kiểm sát yêu cầu các đơn vị") is None


def test_a_law_by_title_resolves_by_its_spelled_out_title_and_the_year_of_its_code():
    known = {
        "11/2003/QH11": {"title": "Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân"},
        "2015/QH13": {"title": "Bộ luật Dân sự", "issued_on": "2015-11-24"},
        "91/2015/QH13": {"title": "Bộ luật Dân sự", "issued_on": "x"},
    }
    text = (
        "Luật Tổ chức HĐND và UBND được Quốc hội thông qua ngày 26 tháng 11 năm 2003; Bộ luật Dân sự năm 2015;"
        " Luật Tổ chức HĐND và UBND năm 2004"
    )
    found, warnings = resolve_references(find_references(text), known)

    assert [(ref["title"], ref["date"], ref["resolved_to"]) for ref in found] == [
        ("Luật Tổ chức HĐND và UBND", "2003-11-26", "11/2003/QH11"),
        ("Bộ luật Dân sự", "2015", "2015/QH13"),
        ("Luật Tổ chức HĐND và UBND", "2004", None),
    ]
    assert warnings == []


# The documents a letter cites, read closer (references.py survivors)


def test_a_caret_left_in_a_cited_code_is_dropped_from_the_wording_too():
    assert cited("Kế hoạch số 09^b/KH-UBND ngày 05/9/2016") == [
        {
            "code": "09b/KH-UBND",
            "kind": "Kế hoạch",
            "date": "2016-09-05",
            "text": "Kế hoạch số 09b/KH-UBND ngày 05/9/2016",
        }
    ]


def test_the_kind_is_read_up_to_120_characters_before_the_code_and_the_date_up_to_80_after():
    # A flattened table puts the words of a citation far apart.
    assert cited("Quyết định" + " " * 107 + "số 874/QĐ-BTTTT")[0]["kind"] == "Quyết định"
    assert "kind" not in cited("Quyết định" + " " * 108 + "số 874/QĐ-BTTTT")[0]
    assert cited("Quyết định số 874/QĐ-BTTTT" + " " * 66 + "ngày 17/6/2021")[0]["date"] == "2021-06-17"
    assert "date" not in cited("Quyết định số 874/QĐ-BTTTT" + " " * 67 + "ngày 17/6/2021")[0]


def test_a_known_code_takes_the_catalogues_kind_only_when_the_letter_names_none():
    known = {
        "72/2013/NĐ-CP": {},
        "874/QĐ-BTTTT": {"kind": "Quyết định", "title": "Bộ Quy tắc ứng xử"},
        "26/CT-TTg": None,  # a code known without details
    }
    found, warnings = resolve_references(
        find_references("Nghị định 72/2013/NĐ-CP, theo 874/QĐ-BTTTT và 26/CT-TTg"), known
    )

    assert [(ref["code"], ref["kind"], ref["resolved_to"]) for ref in found] == [
        ("72/2013/NĐ-CP", "Nghị định", "72/2013/NĐ-CP"),
        ("874/QĐ-BTTTT", "Quyết định", "874/QĐ-BTTTT"),
        ("26/CT-TTg", None, "26/CT-TTg"),
    ]
    assert warnings == []


def test_a_dropped_character_is_a_slip_whichever_number_sorts_first():
    pairs = [("12", "112"), ("112", "12"), ("12", "345"), ("874", "8745")]
    assert [references._number_distance_rank(cited, known) for cited, known in pairs] == [2, 2, None, 2]


def test_a_slip_is_suggested_from_codes_of_the_same_symbol_and_year_and_a_date_that_does_not_differ():
    text = "Quyết định số 847/QĐ-BTTTT ngày 10/6/2019; Nghị định 27/2013/NĐ-CP; Nghị định 72/2014/NĐ-CP"
    known = {
        "847/QĐ-UBND": {},  # another symbol
        "123/QĐ-BTTTT": {},  # no slip of 847
        "848/QĐ-BTTTT": {"issued_on": "2020-01-01"},  # a slip, but of another day
        "874/QĐ-BTTTT": {},  # a slip, its date not known
        "72/2013/NĐ-CP": {"issued_on": "2013-07-15"},
    }
    found, warnings = resolve_references(find_references(text), known)

    # 72/2014/NĐ-CP is another year's decree, no slip of 72/2013/NĐ-CP.
    assert [(ref["code"], ref["suggestion"]) for ref in found] == [
        ("847/QĐ-BTTTT", "874/QĐ-BTTTT"),
        ("27/2013/NĐ-CP", "72/2013/NĐ-CP"),
        ("72/2014/NĐ-CP", None),
    ]
    assert warnings == [
        "Văn bản trích dẫn 847/QĐ-BTTTT không có trong danh mục; có thể là 874/QĐ-BTTTT.",
        "Văn bản trích dẫn 27/2013/NĐ-CP không có trong danh mục; có thể là 72/2013/NĐ-CP.",
    ]


def test_a_laws_year_is_its_issue_date_or_the_year_in_its_code():
    assert references._law_year("24/2018/QH14", {"issued_on": "2018-06-12"}) == "2018"
    assert references._law_year("24/2018/QH14", {}) == "2018"
    assert references._law_year("24/QH14", {}) is None


def test_a_laws_title_is_compared_without_the_word_luat_and_with_hdnd_ubnd_spelled_out():
    assert [
        references._strip_law_word(title)
        for title in ("Luật An ninh mạng", "Bộ luật Dân sự", "Luật Tổ chức HĐND và UBND", "Luật")
    ] == ["an ninh mang", "dan su", "to chuc hoi dong nhan dan va uy ban nhan dan", "luat"]


def test_one_law_cited_twice_by_title_spelled_two_ways_is_one_reference():
    text = (
        "Luật Tổ chức HĐND và UBND năm 2003; Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân năm 2003;"
        " Luật Tổ chức HĐND và UBND năm 2003"
    )
    known = {"11/2003/QH11": {"title": "Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân"}}
    found, warnings = resolve_references(find_references(text), known)

    assert [(ref["title"], ref["date"], ref["resolved_to"]) for ref in found] == [
        ("Luật Tổ chức HĐND và UBND", "2003", "11/2003/QH11")
    ]
    assert warnings == []


def laws(text: str) -> list[tuple[str, str]]:
    """The laws cited by title: their title and date."""
    return [(ref["title"], ref["date"]) for ref in find_references(text) if ref["code"] is None]


def test_a_laws_year_may_follow_its_title_bare_or_after_a_comma_and_a_title_may_open_with_x():
    assert laws("Luật Thủ đô 2012") == [("Luật Thủ đô", "2012")]
    assert laws("Luật Cán bộ, công chức, 2008") == [("Luật Cán bộ, công chức", "2008")]
    assert laws("Luật Xây dựng năm 2014") == [("Luật Xây dựng", "2014")]
    # Without a year it is no citation, even at the end of the text.
    assert laws("Căn cứ Luật An ninh mạng") == []


def test_a_title_ends_before_and_luat_or_a_comma_and_a_capital():
    # The year read is the second law's: the first is not given one.
    assert laws("Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương năm 2015") == [
        ("Luật Tổ chức chính quyền địa phương", "2015")
    ]
    assert laws("Luật Đất đai, Luật Xây dựng năm 2014") == [("Luật Xây dựng", "2014")]


def test_a_qualifier_is_up_to_12_words_without_digits_and_its_spaces_are_counted():
    text = "Luật Tổ chức HĐND và UBND được Quốc hội khóa XI tại kỳ họp thứ tư thông qua ngày 26 tháng 11 năm 2003"
    assert cited(text) == [{"kind": "Luật", "date": "2003-11-26", "title": "Luật Tổ chức HĐND và UBND", "text": text}]
    # Thirteen words are too many.
    assert laws("Luật Tổ chức HĐND và UBND được Quốc hội Cộng hòa xã hội chủ nghĩa Việt Nam thông qua năm 2003") == []
    # Two spaces in a copied text.
    assert laws("Luật Tổ chức HĐND và UBND được Quốc hội  thông qua ngày 26 tháng 11 năm 2003") == [
        ("Luật Tổ chức HĐND và UBND", "2003-11-26")
    ]
    # The date after another document's code is that document's.
    assert cited("Căn cứ Luật Đất đai của Quốc hội và Nghị định 43/2014/NĐ-CP ngày 15/5/2014") == [
        {
            "code": "43/2014/NĐ-CP",
            "kind": "Nghị định",
            "date": "2014-05-15",
            "text": "Nghị định 43/2014/NĐ-CP ngày 15/5/2014",
        }
    ]
    # A year after a place is the year of what was done there, not the law's.
    assert laws("Kết quả thực hiện Luật Phòng, chống tham nhũng tại các cơ quan năm 2023") == []


def test_the_laws_after_a_luat_with_no_title_or_an_impossible_date_are_read():
    assert cited("Luật số 24/2018/QH14; Luật Báo chí năm 2016") == [
        {"code": "24/2018/QH14", "kind": "Luật", "text": "Luật số 24/2018/QH14"},
        {"kind": "Luật", "date": "2016", "title": "Luật Báo chí", "text": "Luật Báo chí năm 2016"},
    ]
    assert laws("Luật Báo chí ngày 31 tháng 2 năm 2016; Luật An ninh mạng năm 2018") == [("Luật An ninh mạng", "2018")]
    # "Luật" closing a sentence has no title: the words of the next one are none.
    assert laws("Thực hiện đúng Luật. Chính phủ ban hành năm 2018 nghị định hướng dẫn") == []


def test_the_laws_an_amending_law_amends_are_skipped_to_the_end_of_its_clause_or_400_characters():
    amending = "Luật sửa đổi, bổ sung một số điều của Luật Đất đai năm 2013"
    assert laws(f"{amending}; Luật Xây dựng năm 2014") == [("Luật Xây dựng", "2014")]
    # No clause end within 400 characters after "Luật": the next law from there is read.
    filler = " " * (404 - len(amending))
    assert laws(f"{amending}{filler}Luật Xây dựng năm 2014; Luật Đầu tư năm 2020") == [
        ("Luật Xây dựng", "2014"),
        ("Luật Đầu tư", "2020"),
    ]
    # One character nearer, it is still in the skipped part.
    assert laws(f"{amending}{filler[1:]}Luật Xây dựng năm 2014; Luật Đầu tư năm 2020") == [("Luật Đầu tư", "2020")]


def test_a_laws_year_is_read_within_400_characters_after_luat():
    assert laws("Luật " + "A" * 390 + " năm 2018") == [("Luật " + "A" * 390, "2018")]
    assert laws("Luật " + "A" * 391 + " năm 2018") == []
