"""Turn an uploaded file (.txt, .docx, .pdf) into NFC text.

Every failure a user can cause (empty, too large, wrong type, corrupt,
password-protected, scanned, over a budget) raises DocumentError with a
message that can be shown as is.

A small file can unpack into a large one, so the budget is on what comes out:
a .docx (a zip) is refused when it has too many members or unpacks to more
than the limit, counted on the declared sizes first and then on the bytes
actually inflated, a chunk at a time, since a header can lie; a PDF when it
has too many pages or its page content decodes to more than the limit; any
file when its text is longer than the text limit. Time and memory in general
are bounded by the process that runs the import (directives/jobs.py).
"""

from __future__ import annotations

import io
import logging
import os
import unicodedata
import zipfile
from dataclasses import dataclass

import docx
from django.utils.translation import gettext as _
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from pypdf import PdfReader, apply_configuration
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError
from pypdf.generic import ArrayObject

from .cleaning import fold, is_furniture, is_uppercase_text, normalise

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_MEGABYTE = 1024 * 1024
_CHUNK = 64 * 1024
# pypdf's own ceilings on what one stream may decode to; ours replace its 75 MB.
_PYPDF_OUTPUT_LIMITS = (
    "array_based_stream_maximum_output_length",
    "jbig2_maximum_output_length",
    "lzw_maximum_output_length",
    "run_length_maximum_output_length",
    "zlib_maximum_output_length",
    "brotli_maximum_output_length",
    "image_maximum_buffer_size",
)
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


@dataclass(frozen=True)
class Limits:
    """What one import may unpack. The defaults are the settings' defaults."""

    max_uncompressed_bytes: int = 50 * _MEGABYTE
    max_archive_members: int = 1000
    max_pdf_pages: int = 100
    max_pdf_content_bytes: int = 4 * _MEGABYTE
    max_text_chars: int = 300_000

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        default = cls()
        return cls(
            max_uncompressed_bytes=getattr(settings, "DIRECTIVE_MAX_UNCOMPRESSED_MB", 50) * _MEGABYTE,
            max_archive_members=getattr(settings, "DIRECTIVE_MAX_ARCHIVE_MEMBERS", default.max_archive_members),
            max_pdf_pages=getattr(settings, "DIRECTIVE_MAX_PDF_PAGES", default.max_pdf_pages),
            max_pdf_content_bytes=getattr(settings, "DIRECTIVE_MAX_PDF_CONTENT_MB", 4) * _MEGABYTE,
            max_text_chars=getattr(settings, "DIRECTIVE_MAX_TEXT_CHARS", default.max_text_chars),
        )


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")  # Vietnamese groups thousands with dots


def text_too_long(length: int, limit: int) -> str:
    """The message for a text over the limit, pasted or read from a file."""
    return _("Văn bản dài %(length)s ký tự, vượt quá giới hạn %(limit)s ký tự.") % {
        "length": _thousands(length),
        "limit": _thousands(limit),
    }


def _text_over_limit(limits: Limits) -> DocumentError:
    # Reading stops at the limit, so the full length is not known.
    return DocumentError(
        _("Văn bản trong tệp dài hơn giới hạn %(limit)s ký tự.") % {"limit": _thousands(limits.max_text_chars)}
    )


def read_document(
    data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES, limits: Limits | None = None
) -> str:
    """Return the text of an uploaded .txt, .docx or .pdf file, NFC-normalised.

    limits defaults to the settings (Limits.from_settings())."""
    limits = limits or Limits.from_settings()
    data = bytes(data or b"")
    if not data:
        raise DocumentError(_("Tệp trống."))
    if len(data) > max_bytes:
        raise DocumentError(_("Tệp vượt quá giới hạn %(limit)s MB.") % {"limit": _megabytes(max_bytes)})
    extension = os.path.splitext(filename or "")[1].lower()
    readers = {".txt": _read_txt, ".docx": _read_docx, ".pdf": _read_pdf}
    if extension not in readers:
        raise DocumentError(_("Chỉ nhận tệp .txt, .docx hoặc .pdf."))
    text = unicodedata.normalize("NFC", readers[extension](data, limits))
    if not text.strip():
        raise DocumentError(_("Tệp không có nội dung văn bản."))
    if len(text) > limits.max_text_chars:
        raise DocumentError(text_too_long(len(text), limits.max_text_chars))
    return text


def _megabytes(size: int) -> str:
    value = f"{size / _MEGABYTE:.2f}".rstrip("0").rstrip(".")
    return value if value != "0" else "0.01"


def _read_txt(data: bytes, limits: Limits) -> str:
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


def _unreadable_docx() -> DocumentError:
    return DocumentError(_("Không đọc được tệp .docx: tệp hỏng hoặc không đúng định dạng."))


def _unpacked_too_large(limits: Limits) -> DocumentError:
    return DocumentError(
        _("Tệp .docx giải nén ra hơn %(limit)s MB, vượt quá giới hạn.")
        % {"limit": _megabytes(limits.max_uncompressed_bytes)}
    )


def _check_archive(data: bytes, limits: Limits) -> None:
    """Refuse a .docx whose zip would unpack to more than the limits allow.

    The declared sizes are checked before anything is inflated; then every
    member is inflated a chunk at a time and counted, so a member whose header
    understates its size is stopped at the limit instead of filling memory.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _unreadable_docx() from None
    if len(members) > limits.max_archive_members:
        raise DocumentError(
            _("Tệp .docx có %(count)s thành phần, vượt quá giới hạn %(limit)s thành phần.")
            % {"count": len(members), "limit": limits.max_archive_members}
        )
    for member in members:
        if member.file_size > limits.max_uncompressed_bytes:
            raise DocumentError(
                _("Thành phần %(name)s của tệp .docx giải nén ra %(size)s MB, vượt quá giới hạn %(limit)s MB.")
                % {
                    "name": member.filename[:80],
                    "size": _megabytes(member.file_size),
                    "limit": _megabytes(limits.max_uncompressed_bytes),
                }
            )
    if sum(member.file_size for member in members) > limits.max_uncompressed_bytes:
        raise _unpacked_too_large(limits)
    inflated = 0
    try:
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    inflated += len(chunk)
                    if inflated > limits.max_uncompressed_bytes:
                        raise _unpacked_too_large(limits)
    except DocumentError:
        raise
    except MemoryError:
        raise
    except Exception:  # bad CRC, encrypted or unsupported members, truncated data
        logger.info("Unreadable .docx upload", exc_info=True)
        raise _unreadable_docx() from None


class _TextTooLong(Exception):
    pass


def _read_docx(data: bytes, limits: Limits) -> str:
    _check_archive(data, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        _walk_blocks(document.element.body, document, lines, [0, limits.max_text_chars])
    except _TextTooLong:
        raise _text_over_limit(limits) from None
    except MemoryError:
        raise
    except Exception:  # python-docx raises zip, XML and value errors alike
        logger.info("Unreadable .docx upload", exc_info=True)
        raise _unreadable_docx() from None
    return "\n".join(lines)


def _walk_blocks(container, parent, lines: list[str], budget: list[int]) -> None:
    """Paragraphs and table cells in document order (a header is often a table).

    budget is [characters so far, limit]: the walk stops as soon as the text is
    over the limit rather than building all of it first."""
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            text = Paragraph(child, parent).text
            budget[0] += len(text) + 1
            if budget[0] > budget[1]:
                raise _TextTooLong
            lines.append(text)
        elif child.tag == qn("w:tbl"):
            for row in child.iterchildren(qn("w:tr")):
                for cell in row.iterchildren(qn("w:tc")):
                    _walk_blocks(cell, parent, lines, budget)
        elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
            _walk_blocks(child, parent, lines, budget)


def _unreadable_pdf() -> DocumentError:
    return DocumentError(_("Không đọc được tệp PDF: tệp hỏng hoặc không đúng định dạng."))


def _content_too_large(limits: Limits) -> DocumentError:
    return DocumentError(
        _("Nội dung các trang của tệp PDF giải nén ra hơn %(limit)s MB, vượt quá giới hạn.")
        % {"limit": _megabytes(limits.max_pdf_content_bytes)}
    )


def _content_size(page) -> int:
    """Bytes of the page's decoded content streams (pypdf keeps the decoded copy)."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    return sum(len(stream.get_object().get_data()) for stream in streams)


def _read_pdf(data: bytes, limits: Limits) -> str:
    # No single stream may decode to more than the whole budget (pypdf's own
    # ceiling is 75 MB); the pages' content streams together are counted below.
    with apply_configuration(**dict.fromkeys(_PYPDF_OUTPUT_LIMITS, limits.max_pdf_content_bytes)):
        return _read_pdf_limited(data, limits)


def _read_pdf_limited(data: bytes, limits: Limits) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        locked = reader.is_encrypted and not _opens_without_password(reader)
    except MemoryError:
        raise
    except Exception:  # pypdf raises many error types for damaged files
        logger.info("Unreadable .pdf upload", exc_info=True)
        raise _unreadable_pdf() from None
    if locked:
        raise DocumentError(_("Tệp PDF được bảo vệ bằng mật khẩu."))
    pages: list[str] = []
    try:
        count = len(reader.pages)
        if count > limits.max_pdf_pages:
            raise DocumentError(
                _("Tệp PDF có %(count)s trang, vượt quá giới hạn %(limit)s trang.")
                % {"count": count, "limit": limits.max_pdf_pages}
            )
        content, characters = 0, 0
        for page in reader.pages:
            content += _content_size(page)
            if content > limits.max_pdf_content_bytes:
                raise _content_too_large(limits)
            pages.append(page.extract_text() or "")
            characters += len(pages[-1])
            if characters > limits.max_text_chars:
                raise _text_over_limit(limits)
    except DocumentError:
        raise
    except LimitReachedError:
        raise _content_too_large(limits) from None
    except (DependencyError, FileNotDecryptedError):
        raise DocumentError(_("Tệp PDF được bảo vệ bằng mật khẩu.")) from None
    except MemoryError:
        raise
    except Exception:
        logger.info("Unreadable .pdf upload", exc_info=True)
        raise _unreadable_pdf() from None
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
    except MemoryError:
        raise
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
    joined: list[list[str]] = []  # paragraphs as their lines, joined once (not copied per line)
    previous = ""  # the last printed line, not the paragraph joined so far
    for line in lines:
        if previous and _was_wrapped(previous, line, full_width):
            joined[-1].append(line)
        else:
            joined.append([line])
        previous = line
    return "\n".join(" ".join(paragraph) for paragraph in joined)


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
