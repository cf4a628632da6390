"""The seed letters as text copied from legal-database websites.

Each seed is rendered the two ways those sites' pages copy a Nghị định 30
letter's header and signature tables (tests/directives/legal_db.py): cells
split onto their own lines with stray "|" lines, and rows of paragraphs
flattened onto one line with " | " between the cells. Every hand-checked
field of expected.json must come out as for the .txt.
"""

from __future__ import annotations

import pytest

from directives.importer import parse
from tests.directives.legal_db import LAYOUTS, flattened_rows, paragraph_rows, split_cells
from tests.directives.seeds import SEED_NAMES, expected_summary, seed_text, summary

HA_LANG = "308-UBND-TH_ha-lang_2017.txt"
CASES = [(layout, name, field) for layout in LAYOUTS for name in SEED_NAMES for field in expected_summary(name)]


@pytest.fixture(scope="module")
def results() -> dict[tuple[str, str], dict]:
    return {
        (layout, name): summary(parse(render(seed_text(name))))
        for layout, render in LAYOUTS.items()
        for name in SEED_NAMES
    }


@pytest.mark.parametrize(
    ("layout", "name", "field"), CASES, ids=[f"{lay}-{n.split('_')[0]}-{f}" for lay, n, f in CASES]
)
def test_each_hand_checked_field_is_read_from_the_copied_page(results, layout, name, field):
    assert results[layout, name][field] == expected_summary(name)[field]


def test_the_score_per_layout_is_printed(results, capsys):
    for layout in LAYOUTS:
        scores = [
            results[layout, name][field] == expected_summary(name)[field]
            for name in SEED_NAMES
            for field in expected_summary(name)
        ]
        with capsys.disabled():
            print(f"\nlegal-database layout {layout}: {sum(scores)}/{len(scores)} fields")


def test_split_cells_puts_each_paragraph_on_its_line_and_closes_each_cell_with_a_pipe():
    lines = split_cells(seed_text(HA_LANG)).split("\n")

    assert lines[:12] == [
        "ỦY BAN NHÂN DÂN",
        "HUYỆN HẠ LANG",
        "-------",
        "|",
        "CỘNG HÒA XÃ HỘI",
        "CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "---------------",
        "|",
        "Số: 308/UBND-TH",
        "V/v tăng cường kỷ luật phát ngôn của cán bộ công chức, viên chức và người lao động trên mạng xã hội.",
        "|",
    ]
    assert lines[12:15] == ["Hạ Lang, ngày 19", "tháng 9 năm 2017", "|"]
    assert lines[-8:] == ["- Lưu: VT-TH.", "|", "CHỦ TỊCH", "", "", "Đoàn Quốc Chính", "|", ""]


def test_flattened_rows_write_each_table_row_on_one_line_with_the_national_name_wrapped():
    lines = flattened_rows(seed_text(HA_LANG)).split("\n")

    assert lines[:3] == [
        "ỦY BAN NHÂN DÂN HUYỆN HẠ LANG ------- | CỘNG HÒA XÃ HỘI",
        "CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc --------------- |",
        "Số: 308/UBND-TH V/v tăng cường kỷ luật phát ngôn của cán bộ công chức, viên chức và người lao động"
        " trên mạng xã hội. | Hạ Lang, ngày 19 tháng 9 năm 2017 |",
    ]
    assert lines[-2].startswith("Nơi nhận: - Như kính gửi; - Sở Nội vụ (B/c); - Sở Thông tin")
    assert lines[-2].endswith("- Lưu: VT-TH. | CHỦ TỊCH Đoàn Quốc Chính |")


def test_paragraph_rows_give_each_paragraph_of_the_cells_its_own_row():
    lines = paragraph_rows(seed_text(HA_LANG)).split("\n")

    assert lines[:5] == [
        "ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |",
        "HUYỆN HẠ LANG | Độc lập - Tự do - Hạnh phúc |",
        "------- | --------------- |",
        "Số: 308/UBND-TH | Hạ Lang, ngày 19 tháng 9 năm 2017 |",
        "V/v tăng cường kỷ luật phát ngôn của cán bộ công chức, viên chức và người lao động trên mạng xã hội. | |",
    ]
    assert lines[-12:-8] == [
        "Nơi nhận: | CHỦ TỊCH |",
        "- Như kính gửi; | |",
        "- Sở Nội vụ (B/c); | |",
        "- Sở Thông tin và truyền thông (B/c); | Đoàn Quốc Chính |",
    ]


def test_a_flattened_distribution_list_is_split_at_each_dash_after_an_item_end():
    result = parse(
        "Số: 12/UBND-VP\nBà Rịa, ngày 1 tháng 2 năm 2024\nV/v họp\nKính gửi: Sở Nội vụ\n1. Họp.\n"
        "Nơi nhận: - Như trên; - UBND tỉnh Bà Rịa - Vũng Tàu (b/c) - Sở Văn hóa - Thể thao; - Lưu: VT. |"
        " KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn An |"
    )

    assert result["distribution"] == [
        "Như trên",
        "UBND tỉnh Bà Rịa - Vũng Tàu (b/c)",
        "Sở Văn hóa - Thể thao",
        "Lưu: VT",
    ]
    assert (result["signer_title"], result["signer_name"]) == ("KT. CHỦ TỊCH PHÓ CHỦ TỊCH", "Nguyễn Văn An")


@pytest.mark.parametrize(
    ("header", "issuer"),
    [
        ("UBND TỈNH HÀ TĨNH SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Sở Thông tin và Truyền thông"),
        ("UBND HUYỆN BẢO LÂM PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "Phòng Giáo dục và Đào tạo"),
        ("UBND THÀNH PHỐ HẢI PHÒNG SỞ Y TẾ", "Sở Y tế"),
        ("UBND TỈNH LÀO CAI SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "Sở Tài nguyên và Môi trường"),
        ("ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG", "Ủy ban nhân dân thành phố Hải Phòng"),
        ("ỦY BAN NHÂN DÂN HUYỆN TRƯỜNG SA", "Ủy ban nhân dân huyện Trường Sa"),
    ],
)
def test_a_header_cell_flattened_onto_one_line_still_names_the_unit_under_its_parent(header, issuer):
    text = f"{header} ------- | CỘNG HÒA XÃ HỘI\nSố: 5/ABC | Hà Nội, ngày 1 tháng 2 năm 2024 |\nKính gửi: các đơn vị"

    assert parse(text)["issuer"] == issuer
