"""Word files as agencies type them: automatic numbering, bullets, tracked changes.

Each seed is rebuilt with its "1."/"-"/"+" lines as Word list paragraphs
(tests/directives/word.py): the markers live in numbering.xml, not in the
text. Every hand-checked field must come out as for the .txt, with Word's
dash bullets and with its default Symbol-font bullets, and with the tracked
change, text box, footnote, hidden text, page header and soft line break of
a real draft.
"""

from __future__ import annotations

import docx
import pytest
from docx.oxml import parse_xml

from directives.importer import parse, read_document
from tests.directives.seeds import SEED_NAMES, expected_summary, seed_text, summary
from tests.directives.word import DASHES, SYMBOL_BULLETS, W, write_decree30_docx, write_word_letter

TAX_LETTER = "3821-TCT-KTNB_tong-cuc-thue_2024.txt"


def read(path) -> str:
    return read_document(path.read_bytes(), path.name)


@pytest.mark.parametrize("bullets", [DASHES, SYMBOL_BULLETS], ids=["dash-bullets", "symbol-bullets"])
@pytest.mark.parametrize("name", SEED_NAMES)
def test_a_letter_with_word_numbering_and_bullets_imports_like_the_text_file(tmp_path, name, bullets):
    path = write_word_letter(tmp_path / "cong-van.docx", seed_text(name).split("\n"), bullets=bullets)

    assert summary(parse(read(path))) == expected_summary(name)


@pytest.mark.parametrize("name", SEED_NAMES)
def test_a_draft_with_tracked_changes_a_text_box_and_a_footnote_imports_the_same(tmp_path, name):
    path = write_word_letter(tmp_path / "du-thao.docx", seed_text(name).split("\n"), extras=True)

    text = read(path)

    assert summary(parse(text)) == expected_summary(name)
    assert "DỰ THẢO" not in text and "Trang 1" not in text
    assert "ghi chú ẩn" not in text and "cũ " not in text


def test_numbers_and_bullets_are_written_before_their_paragraphs(tmp_path):
    path = write_word_letter(tmp_path / "cong-van.docx", seed_text(TAX_LETTER).split("\n"), bullets=SYMBOL_BULLETS)

    lines = read(path).split("\n")

    assert [line[:3] for line in lines if line[:1].isdigit()] == ["1. ", "2. ", "3. ", "4. "]
    assert "- Như trên;" in lines


def test_a_tracked_insertion_is_kept_and_a_deletion_dropped(tmp_path):
    path = write_word_letter(tmp_path / "du-thao.docx", seed_text(TAX_LETTER).split("\n"), extras=True)

    first_item = next(line for line in read(path).split("\n") if line.startswith("1. "))

    assert first_item.endswith(seed_text(TAX_LETTER).split("\n")[10].rsplit(" ", 1)[1])
    assert "cũ" not in first_item


def _numbered_document(path, levels: str, paragraphs: list[tuple[str, int, str]]):
    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.append(parse_xml(f'<w:abstractNum xmlns:w="{W}" w:abstractNumId="50">{levels}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num xmlns:w="{W}" w:numId="50"><w:abstractNumId w:val="50"/></w:num>'))
    numbering.append(
        parse_xml(
            f'<w:num xmlns:w="{W}" w:numId="51"><w:abstractNumId w:val="50"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>'
        )
    )
    for num_id, level, text in paragraphs:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr xmlns:w="{W}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
        )
    document.save(path)
    return path


def test_levels_restart_below_the_level_that_advances_and_formats_follow_the_level(tmp_path):
    levels = (
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>'
        '<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2.%4."/></w:lvl>'
    )
    path = _numbered_document(
        tmp_path / "muc.docx",
        levels,
        [
            ("50", 0, "MỤC TIÊU"),
            ("50", 1, "Quán triệt"),
            ("50", 2, "cán bộ"),
            ("50", 2, "viên chức"),
            ("50", 1, "Kiểm tra"),
            ("50", 2, "hằng quý"),
            ("50", 3, "chi tiết"),
            ("50", 0, "TỔ CHỨC THỰC HIỆN"),
            ("50", 1, "Giao Văn phòng"),
            ("51", 0, "Điều khoản riêng"),
        ],
    )

    assert read(path).split("\n") == [
        "I. MỤC TIÊU",
        "1. Quán triệt",
        "a) cán bộ",
        "b) viên chức",
        "2. Kiểm tra",
        "a) hằng quý",
        "2.1. chi tiết",
        "II. TỔ CHỨC THỰC HIỆN",
        "1. Giao Văn phòng",
        "V. Điều khoản riêng",
    ]


def test_numbering_that_comes_from_the_paragraph_style_is_written_too(tmp_path):
    document = docx.Document()
    document.add_paragraph("Quán triệt đến toàn thể công chức", style="List Number")
    document.add_paragraph("Báo cáo kết quả", style="List Number")
    document.add_paragraph("Như trên;", style="List Bullet")
    path = tmp_path / "kieu.docx"
    document.save(path)

    assert read(path).split("\n") == ["1. Quán triệt đến toàn thể công chức", "2. Báo cáo kết quả", "- Như trên;"]


@pytest.mark.parametrize("numbering", [False, True], ids=["typed-lists", "word-numbering"])
@pytest.mark.parametrize("name", SEED_NAMES)
def test_a_decree_30_docx_with_header_and_signature_tables_imports_like_the_text_file(tmp_path, name, numbering):
    path = write_decree30_docx(tmp_path / "cong-van.docx", seed_text(name), numbering=numbering)

    assert summary(parse(read(path))) == expected_summary(name)


def test_the_decree_30_docx_holds_its_header_and_signature_in_borderless_tables_in_times_new_roman(tmp_path):
    path = write_decree30_docx(tmp_path / "cong-van.docx", seed_text("308-UBND-TH_ha-lang_2017.txt"))
    document = docx.Document(path)

    header, signature = document.tables
    assert [cell.text for cell in header.rows[0].cells] == [
        "ỦY BAN NHÂN DÂN\nHUYỆN HẠ LANG\n",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n",
    ]
    assert header.rows[1].cells[1].text == "Hạ Lang, ngày 19 tháng 9 năm 2017"
    assert signature.rows[0].cells[0].text.startswith("Nơi nhận:\n- Như kính gửi;")
    assert signature.rows[0].cells[1].text == "CHỦ TỊCH\n\n\nĐoàn Quốc Chính"
    assert 'w:val="nil"' in header._tbl.xml
    assert {run.font.name for paragraph in document.paragraphs for run in paragraph.runs} == {"Times New Roman"}
