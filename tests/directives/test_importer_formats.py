"""The same letter uploaded as Word or PDF imports exactly as the text file does.

Each seed letter is rebuilt here as a .docx (one paragraph per line) and as
a .pdf (DejaVu Sans, one multi_cell per line, page numbers in the footer),
read back with read_document and parsed; every hand-checked field must come
out as for the .txt. Word letters often put the header and the signature in
two-column tables, and PDFs lose blank lines, wrap long lines and print
page numbers inside the text: those are covered too.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import docx
import pytest
from fpdf import FPDF

from directives.importer import parse, read_document
from tests.directives.seeds import FONT, SEED_NAMES, expected_summary, seed_text, summary

HA_LANG_LETTER = "308-UBND-TH_ha-lang_2017.txt"


def write_docx(path: Path, lines: list[str]) -> Path:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(path)
    return path


class NumberedPages(FPDF):
    """A PDF that prints the page number at the foot of every page."""

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("DejaVu", size=9)
        self.cell(0, 10, str(self.page_no()), align="C")


def write_pdf(path: Path, lines: list[str], *, size: int = 12, align: str = "J") -> Path:
    pdf = NumberedPages()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=size)
    pdf.add_page()
    for line in lines:
        pdf.multi_cell(0, size * 0.55, line, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def import_file(path: Path) -> dict:
    return parse(read_document(path.read_bytes(), path.name))


@pytest.mark.parametrize("name", SEED_NAMES)
def test_word_letter_imports_like_the_text_file(tmp_path, name):
    path = write_docx(tmp_path / "cong-van.docx", seed_text(name).split("\n"))
    assert summary(import_file(path)) == expected_summary(name)


@pytest.mark.parametrize("name", SEED_NAMES)
@pytest.mark.parametrize(("size", "align"), [(12, "J"), (10, "L")], ids=["justified-12pt", "left-10pt"])
def test_pdf_letter_imports_like_the_text_file(tmp_path, name, size, align):
    path = write_pdf(tmp_path / "cong-van.pdf", seed_text(name).split("\n"), size=size, align=align)
    result = import_file(path)
    assert summary(result) == expected_summary(name)
    assert result["warnings"] == parse(seed_text(name))["warnings"]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_pdf_text_comes_back_composed_with_page_numbers_dropped(tmp_path, name):
    path = write_pdf(tmp_path / "cong-van.pdf", seed_text(name).split("\n"))
    text = read_document(path.read_bytes(), path.name)
    assert unicodedata.is_normalized("NFC", text)
    assert not any(line.strip().isdigit() for line in text.split("\n"))
    # Wrapped lines are joined again: the letter's own paragraphs come back whole.
    longest = max(seed_text(name).split("\n"), key=len)
    assert " ".join(longest.split()) in text


def test_word_letter_written_in_decomposed_unicode_imports_the_same(tmp_path):
    lines = unicodedata.normalize("NFD", seed_text(HA_LANG_LETTER)).split("\n")
    path = write_docx(tmp_path / "cong-van.docx", lines)
    assert unicodedata.is_normalized("NFC", read_document(path.read_bytes(), path.name))
    assert summary(import_file(path)) == expected_summary(HA_LANG_LETTER)


def _two_column_row(document, left: list[str], right: list[str]) -> None:
    table = document.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)


def test_word_letter_with_header_and_signature_tables_imports_the_same(tmp_path):
    """The usual Word layout: agency | motto in one table, Nơi nhận | signature in another."""
    lines = seed_text(HA_LANG_LETTER).replace("**", "").split("\n")
    subject = next(line for line in lines if line.startswith("V/v"))
    dated = next(line for line in lines if line.startswith("Hạ Lang, ngày"))
    body_start = lines.index("Kính gửi:")
    distribution_start = lines.index("Nơi nhận:")
    signature_start = lines.index("CHỦ TỊCH")
    document = docx.Document()
    _two_column_row(
        document,
        ["ỦY BAN NHÂN DÂN", "HUYỆN HẠ LANG", "-------", "Số: 308/UBND-TH", subject],
        ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "---------------", dated],
    )
    for line in lines[body_start:distribution_start]:
        document.add_paragraph(line)
    _two_column_row(
        document,
        [line for line in lines[distribution_start:signature_start] if line],
        ["CHỦ TỊCH", "", "", "Đoàn Quốc Chính"],
    )
    path = tmp_path / "cong-van.docx"
    document.save(path)
    assert summary(import_file(path)) == expected_summary(HA_LANG_LETTER)


def test_pdf_with_the_signature_beside_the_distribution_list_imports_the_same(tmp_path):
    """In a PDF the two table columns come back on one line: "- Như kính gửi; CHỦ TỊCH"."""
    lines = seed_text(HA_LANG_LETTER).split("\n")
    distribution_start = lines.index("Nơi nhận:")
    distribution = [line for line in lines[distribution_start : lines.index("CHỦ TỊCH")] if line]
    beside = {1: "CHỦ TỊCH", len(distribution) - 1: "Đoàn Quốc Chính"}
    pdf = NumberedPages()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=11)
    pdf.add_page()
    for line in lines[:distribution_start]:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    for row, line in enumerate(distribution):
        pdf.cell(100, 6, line)
        pdf.cell(0, 6, beside.get(row, ""), new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "cong-van.pdf"
    pdf.output(str(path))
    assert summary(import_file(path)) == expected_summary(HA_LANG_LETTER)
