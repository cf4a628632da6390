"""The importer has a budget: linear patterns, capped text, bounded unpacking.

A security review found a date pattern cubic in the line length (2 KB took
113 s), a 5 MB PDF content stream taking 18 s and a 340 KB .docx taking
615 MB. Each reader gets one 100 KB line built to make its patterns
backtrack; the time bound is the requirement itself.
"""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile

import docx
import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from directives.importer import DocumentError, parse, read_document
from directives.importer.reading import Limits

LINE = 100_000


def repeated(unit: str, length: int = LINE) -> str:
    return (unit * (length // len(unit) + 1))[:length]


# One adversarial line per reader; each took seconds to hours before the patterns were rewritten.
ADVERSARIAL = {
    "dates: blanks after ngày": "Hà Nội, ngày" + " " * LINE + "x",
    "dates: blanks after tháng": "Hà Nội, ngày 2 tháng" + " " * LINE + "x",
    "dates: split digits": "ngày " + repeated("1 . _ ") + "tháng",
    "numbers: blanks after Số": "Số:" + " " * LINE + "x/ABC",
    "numbers: filler before the slash": "Số: " + repeated("._ ") + "x/A",
    "codes: symbol parts": repeated("1/A-B") + "/",
    "references: law titles": repeated("Luật Aa bb "),
    "references: kinds before a code": repeated("Quyết định số ") + "1/QĐ-A",
    "issuer: speaking agencies": repeated("Sở Aa bb "),
    "issuer: short forms": repeated("Ab Cd (AC) "),
    "sections: distribution items": "Nơi nhận: " + repeated("- a; "),
    "sections: flattened distribution": "Nơi nhận: " + repeated("; ) , . ") + " - a",
    "sections: title and name on one line": "Nơi nhận: - a;\n" + repeated("CHỦ TỊCH ") + "Nguyễn Văn",
    "issuer: unit after its parent": repeated("UBND TỈNH SỞ PHÒNG ") + "\nCỘNG HÒA XÃ HỘI\nSố: 1/A",
    "sections: recipients": "Kính gửi: " + repeated("a, "),
    "tables: pipes": repeated("ỦY BAN | "),
    "tables: trailing rule": "ỦY BAN" + repeated(" -") + " ---x",
    "codes: glued to ngày": repeated("1/QĐ-ANgày ngày "),
    "codes: dash after the symbol": repeated("1/A-") + "B",
    "laws: titles before a qualifier": repeated("Luật Aa của Bb được "),
    "laws: amending laws": repeated("Luật sửa đổi, Luật "),
    "laws: dates": "Luật Aa ngày " + repeated("1 tháng "),
    "authority: capitals": "Số: 1/QĐ-A\nHà Nội, ngày 1 tháng 1 năm 2020\n" + repeated("CHỦ TỊCH ỦY BAN "),
    "subject: V/v in a line": repeated("a V/v "),
    "place: dashes": repeated("Bà – ") + ", ngày 1 tháng 1 năm 2020",
}


@pytest.mark.parametrize("line", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_a_100_kb_adversarial_line_parses_in_under_a_second(line):
    started = time.perf_counter()
    result = parse(line)
    elapsed = time.perf_counter() - started

    assert elapsed < 1, f"{elapsed:.2f} s"
    assert isinstance(result["warnings"], list)


def test_a_text_file_longer_than_the_text_limit_is_refused():
    with pytest.raises(DocumentError) as refused:
        read_document(b"a" * 1001, "dai.txt", limits=Limits(max_text_chars=1000))

    assert str(refused.value) == "Văn bản dài 1.001 ký tự, vượt quá giới hạn 1.000 ký tự."


def _docx_with(extra: dict[str, bytes] | None = None, *, members: int = 0) -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Kính gửi: các phòng")
    document.save(buffer)
    original = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in original.infolist():
            archive.writestr(item, original.read(item))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
        for index in range(members):
            archive.writestr(f"extra/item{index}.xml", b"<a/>")
    return out.getvalue()


def _zero_member(megabytes: int) -> bytes:
    """A .docx holding a member of `megabytes` MB of zeros, built without holding it."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    original = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for item in original.infolist():
            archive.writestr(item, original.read(item))
        with archive.open("word/media/big.bin", "w", force_zip64=True) as member:
            for _megabyte in range(megabytes):
                member.write(bytes(1024 * 1024))
    return out.getvalue()


def test_a_docx_member_unpacking_past_the_limit_is_refused_before_it_is_read():
    data = _zero_member(60)

    tracemalloc.start()
    with pytest.raises(DocumentError) as refused:
        read_document(data, "bom.docx")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert len(data) < 1024 * 1024
    assert str(refused.value) == (
        "Thành phần word/media/big.bin của tệp .docx giải nén ra 60 MB, vượt quá giới hạn 50 MB."
    )
    assert peak < 10 * 1024 * 1024


def test_a_docx_whose_members_together_unpack_past_the_limit_is_refused():
    data = _docx_with({"word/media/a.bin": bytes(600_000), "word/media/b.bin": bytes(600_000)})

    with pytest.raises(DocumentError) as refused:
        read_document(data, "nhieu.docx", limits=Limits(max_uncompressed_bytes=1024 * 1024))

    assert str(refused.value) == "Tệp .docx giải nén ra hơn 1 MB, vượt quá giới hạn."


def test_a_docx_with_too_many_members_is_refused():
    data = _docx_with(members=20)
    count = len(zipfile.ZipFile(io.BytesIO(data)).infolist())

    with pytest.raises(DocumentError) as refused:
        read_document(data, "nhieu.docx", limits=Limits(max_archive_members=10))

    assert str(refused.value) == f"Tệp .docx có {count} thành phần, vượt quá giới hạn 10 thành phần."


def _understate(data: bytes, name: bytes, size: int) -> bytes:
    """Rewrite the central directory so that member `name` claims `size` bytes."""
    data = bytearray(data)
    offset = data.find(b"PK\x01\x02")
    while offset != -1:
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        if bytes(data[offset + 46 : offset + 46 + name_length]) == name:
            struct.pack_into("<I", data, offset + 24, size)
        offset = data.find(b"PK\x01\x02", offset + 4)
    return bytes(data)


def test_a_docx_header_that_understates_a_member_cannot_fill_memory():
    data = _understate(_docx_with({"word/media/lie.bin": bytes(80 * 1024 * 1024)}), b"word/media/lie.bin", 1000)

    tracemalloc.start()
    with pytest.raises(DocumentError) as refused:
        read_document(data, "doi.docx")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert str(refused.value) == "Không đọc được tệp .docx: tệp hỏng hoặc không đúng định dạng."
    assert peak < 10 * 1024 * 1024


def _pdf(pages: int) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for number in range(pages):
        pdf.add_page()
        pdf.cell(0, 10, f"Trang {number + 1}: Kinh gui cac phong")
    return bytes(pdf.output())


def test_a_pdf_with_more_pages_than_the_limit_is_refused():
    with pytest.raises(DocumentError) as refused:
        read_document(_pdf(3), "dai.pdf", limits=Limits(max_pdf_pages=2))

    assert str(refused.value) == "Tệp PDF có 3 trang, vượt quá giới hạn 2 trang."


def hostile_pdf(megabytes: int) -> bytes:
    """One page whose content stream decodes to `megabytes` MB of text operators."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf(1))))
    page = writer.pages[0]
    font = next(iter(page["/Resources"]["/Font"])).encode()
    operator = b"BT " + font + b" 12 Tf 10 10 Td (ab) Tj ET\n"
    stream = DecodedStreamObject()
    stream.set_data(operator * (megabytes * 1024 * 1024 // len(operator)))
    page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_pdf_whose_page_content_decodes_past_the_limit_is_refused():
    data = hostile_pdf(5)

    with pytest.raises(DocumentError) as refused:
        read_document(data, "nang.pdf")

    assert len(data) < 100 * 1024
    assert str(refused.value) == "Nội dung các trang của tệp PDF giải nén ra hơn 4 MB, vượt quá giới hạn."
