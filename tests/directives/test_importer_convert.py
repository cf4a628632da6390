"""Old Word (.doc), .odt and .rtf files go through LibreOffice; its PDF export reads too.

The seeds are written as Word would (automatic numbering, Symbol bullets:
tests/directives/word.py), then LibreOffice saves them as .doc, .odt, .rtf
and .pdf, as an agency's older software would; each must import as the
.txt does. These tests need LibreOffice (skipped without it, failed under
CI=true); each conversion takes a second or two, so only a few are made.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from directives.importer import DocumentError, parse, read_document
from directives.importer.isolated import read_and_parse_isolated
from directives.importer.limits import Limits
from directives.importer.reading import read_document_with_notes
from tests.directives.conftest import require_program
from tests.directives.seeds import SEED_NAMES, expected_summary, seed_text, summary
from tests.directives.word import SYMBOL_BULLETS, write_word_letter

TAX_LETTER = "3821-TCT-KTNB_tong-cuc-thue_2024.txt"
NINH_BINH = "SNN-VP_ninh-binh_2021.txt"


def _convert(program: str, sources: list[Path], target: str, folder: Path) -> None:
    subprocess.run(
        [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--convert-to", target]
        + ["--outdir", str(folder)]
        + [str(source) for source in sources],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def saved_by_libreoffice(tmp_path_factory) -> Path:
    """Every seed as .docx (Word numbering), and LibreOffice's .pdf of each; the tax
    and Ninh Bình letters as .doc, .odt and .rtf too."""
    program = require_program("soffice", "libreoffice-writer-nogui")
    folder = tmp_path_factory.mktemp("libreoffice")
    sources = {
        name: write_word_letter(folder / f"{Path(name).stem}.docx", seed_text(name).split("\n"), bullets=SYMBOL_BULLETS)
        for name in SEED_NAMES
    }
    _convert(program, list(sources.values()), "pdf", folder)
    for target in ("doc", "odt", "rtf"):
        _convert(program, [sources[TAX_LETTER], sources[NINH_BINH]], target, folder)
    return folder


def _saved(folder: Path, name: str, suffix: str) -> Path:
    return folder / f"{Path(name).stem}{suffix}"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_libreoffice_pdf_export_of_a_word_letter_imports_like_the_text_file(saved_by_libreoffice, name):
    path = _saved(saved_by_libreoffice, name, ".pdf")

    assert summary(parse(read_document(path.read_bytes(), path.name))) == expected_summary(name)


@pytest.mark.parametrize(
    ("name", "suffix"), [(TAX_LETTER, ".doc"), (NINH_BINH, ".doc"), (TAX_LETTER, ".odt"), (NINH_BINH, ".rtf")]
)
def test_an_old_word_odt_or_rtf_file_is_converted_and_imports_like_the_text_file(saved_by_libreoffice, name, suffix):
    path = _saved(saved_by_libreoffice, name, suffix)

    text, notes = read_document_with_notes(path.read_bytes(), path.name)

    assert summary(parse(text)) == expected_summary(name)
    assert notes and "LibreOffice" in notes[0]


def test_a_doc_renamed_docx_is_converted_in_the_import_process_not_called_damaged(saved_by_libreoffice):
    data = _saved(saved_by_libreoffice, TAX_LETTER, ".doc").read_bytes()

    _text, parsed = read_and_parse_isolated(
        data, "cong-van.docx", max_bytes=10**7, limits=Limits(), timeout_s=60, memory_mb=512
    )

    assert parsed["warnings"][0] == (
        "Tệp Word 97-2003 (.doc) đã được LibreOffice chuyển sang .docx; hãy kiểm tra lại các trường."
    )
    assert summary(parsed) == {**expected_summary(TAX_LETTER), "reference_suggestions": {}}


def test_a_converter_over_its_time_limit_is_stopped_with_a_message(saved_by_libreoffice, soffice):
    data = _saved(saved_by_libreoffice, TAX_LETTER, ".doc").read_bytes()

    with pytest.raises(DocumentError) as stopped:
        read_document(data, "cong-van.doc", limits=Limits(tool_timeout_s=0))

    assert str(stopped.value) == "LibreOffice chạy quá 0 giây nên đã dừng (giới hạn thời gian); hãy thử tệp nhỏ hơn."


def test_without_libreoffice_an_old_word_file_gets_a_message_saying_how_to_resave_it(settings):
    settings.DIRECTIVE_SOFFICE = "/khong-co/soffice"
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + bytes(500)

    with pytest.raises(DocumentError) as refused:
        read_document(ole, "cong-van.doc")

    assert str(refused.value).startswith("Máy chủ chưa cài LibreOffice nên chưa đọc được tệp .doc, .odt hoặc .rtf.")
    assert "Word Document (.docx)" in str(refused.value)
