"""Turn an uploaded file (.txt, .docx, .pdf) into NFC text.

Every failure a user can cause (empty, too large, wrong type, corrupt,
password-protected, scanned) raises DocumentError with a message that can be
shown as is.
"""

from __future__ import annotations

import io
import logging
import os
import unicodedata

import docx
from django.utils.translation import gettext as _
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from .cleaning import fold, is_furniture, is_uppercase_text, normalise

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_MEGABYTE = 1024 * 1024
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_SENTENCE_END = ".:!?"
_LIST_OPENERS = ("-", "+", "•", "–", "—")
_PART_LABELS = ("kinh gui", "noi nhan", "v/v", "so:", "can cu")


class DocumentError(Exception):
    """The uploaded file cannot be read; str(error) is a message for the user."""


def read_document(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Return the text of an uploaded .txt, .docx or .pdf file, NFC-normalised."""
    data = bytes(data or b"")
    if not data:
        raise DocumentError(_("Tệp trống."))
    if len(data) > max_bytes:
        raise DocumentError(_("Tệp vượt quá giới hạn %(limit)s MB.") % {"limit": _megabytes(max_bytes)})
    extension = os.path.splitext(filename or "")[1].lower()
    readers = {".txt": _read_txt, ".docx": _read_docx, ".pdf": _read_pdf}
    if extension not in readers:
        raise DocumentError(_("Chỉ nhận tệp .txt, .docx hoặc .pdf."))
    text = unicodedata.normalize("NFC", readers[extension](data))
    if not text.strip():
        raise DocumentError(_("Tệp không có nội dung văn bản."))
    return text


def _megabytes(size: int) -> str:
    value = f"{size / _MEGABYTE:.2f}".rstrip("0").rstrip(".")
    return value if value != "0" else "0.01"


def _read_txt(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise DocumentError(_("Không đọc được tệp .txt: nội dung không đúng bảng mã.")) from None
    # NUL bytes never occur in UTF-8 text; they mark a binary file (or
    # UTF-16 without a byte-order mark, which cannot be told apart reliably).
    if b"\x00" in data:
        raise DocumentError(_("Tệp .txt không phải văn bản (có dữ liệu nhị phân)."))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DocumentError(_("Không đọc được tệp .txt: hãy lưu tệp với bảng mã UTF-8.")) from None
    if _mostly_control(text):
        raise DocumentError(_("Tệp .txt không phải văn bản (có dữ liệu nhị phân)."))
    return text


def _mostly_control(text: str) -> bool:
    control = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v")
    return control > max(2, len(text) // 20)


def _read_docx(data: bytes) -> str:
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        _walk_blocks(document.element.body, document, lines)
    except Exception:  # python-docx raises zip, XML and value errors alike
        logger.info("Unreadable .docx upload", exc_info=True)
        raise DocumentError(_("Không đọc được tệp .docx: tệp hỏng hoặc không đúng định dạng.")) from None
    return "\n".join(lines)


def _walk_blocks(container, parent, lines: list[str]) -> None:
    """Paragraphs and table cells in document order (a header is often a table)."""
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(Paragraph(child, parent).text)
        elif child.tag == qn("w:tbl"):
            for row in child.iterchildren(qn("w:tr")):
                for cell in row.iterchildren(qn("w:tc")):
                    _walk_blocks(cell, parent, lines)
        elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
            _walk_blocks(child, parent, lines)


def _read_pdf(data: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        locked = reader.is_encrypted and not _opens_without_password(reader)
    except Exception:  # pypdf raises many error types for damaged files
        logger.info("Unreadable .pdf upload", exc_info=True)
        raise DocumentError(_("Không đọc được tệp PDF: tệp hỏng hoặc không đúng định dạng.")) from None
    if locked:
        raise DocumentError(_("Tệp PDF được bảo vệ bằng mật khẩu."))
    try:
        pages = [page.extract_text() or "" for page in reader.pages]
    except (DependencyError, FileNotDecryptedError):
        raise DocumentError(_("Tệp PDF được bảo vệ bằng mật khẩu.")) from None
    except Exception:
        logger.info("Unreadable .pdf upload", exc_info=True)
        raise DocumentError(_("Không đọc được tệp PDF: tệp hỏng hoặc không đúng định dạng.")) from None
    text = _reflow(pages)
    if not any(ch.isalpha() for ch in text):
        raise DocumentError(
            _("Tệp PDF không có lớp văn bản (bản quét?). Hãy tải lên tệp có văn bản hoặc dán nội dung.")
        )
    return text


def _opens_without_password(reader) -> bool:
    """PDFs locked only against editing open with the empty user password."""
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False


def _reflow(pages: list[str]) -> str:
    """Re-join paragraph lines that the PDF wrapped at the right margin.

    A PDF stores each printed line separately and page numbers in the middle
    of the text. Page furniture is dropped first so that a paragraph running
    onto the next page is joined too.
    """
    lines = []
    for page in pages:
        for line in normalise(page).split("\n"):
            # Justified lines come back with doubled spaces; pypdf joins the
            # columns of a table with one space, so no gap is worth keeping.
            line = " ".join(line.split())
            if line and not is_furniture(line):
                lines.append(line)
    lengths = sorted(len(line) for line in lines)
    full_width = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0
    if full_width < 50:
        return "\n".join(lines)
    joined: list[str] = []
    previous = ""  # the last printed line, not the paragraph joined so far
    for line in lines:
        if previous and _was_wrapped(previous, line, full_width):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
        previous = line
    return "\n".join(joined)


def _was_wrapped(previous: str, line: str, full_width: int) -> bool:
    # Only a line as long as the full ones that does not end a sentence was
    # wrapped: with proportional fonts a character count cannot tell a full
    # line ending in "." from a wrapped one, so those are left apart.
    return len(previous) >= 0.75 * full_width and previous[-1] not in _SENTENCE_END and not _opens_new_part(line)


def _opens_new_part(line: str) -> bool:
    """List items, headings in capitals and the labelled parts of a letter."""
    head = line.split(" ", 1)[0]
    return (
        line.startswith(_LIST_OPENERS)
        or (head[:-1].isdigit() and head[-1:] in ".)")
        or is_uppercase_text(line)
        or fold(line).startswith(_PART_LABELS)
    )
