"""The text of a PDF's text layer, reflowed.

A PDF has too many pages or its page content decodes past the limit: refused.
A PDF stores each printed line separately and page numbers in the middle of
the text; _reflow joins wrapped lines again. A PDF without a text layer (a
scan) goes to OCR (ocr.py) when Tesseract is installed.
"""

from __future__ import annotations

import io
import logging

from django.utils.translation import gettext as _
from pypdf import PdfReader, apply_configuration
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError
from pypdf.generic import ArrayObject

from .cleaning import fold, is_furniture, is_uppercase_text, normalise
from .limits import DocumentError, Limits, megabytes, text_over_limit

logger = logging.getLogger(__name__)

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
_SENTENCE_END = ".:!?"
_GLYPH_BULLETS = "•●▪■"
_HOLLOW_BULLETS = "◦○"
_LIST_OPENERS = ("-", "+", "•", "–", "—")
_PART_LABELS = ("kinh gui", "noi nhan", "v/v", "so:", "can cu")


def _unreadable_pdf() -> DocumentError:
    return DocumentError(_("Không đọc được tệp PDF: tệp hỏng hoặc không đúng định dạng."))


def _content_too_large(limits: Limits) -> DocumentError:
    return DocumentError(
        _("Nội dung các trang của tệp PDF giải nén ra hơn %(limit)s MB, vượt quá giới hạn.")
        % {"limit": megabytes(limits.max_pdf_content_bytes)}
    )


def _content_size(page) -> int:
    """Bytes of the page's decoded content streams (pypdf keeps the decoded copy)."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    return sum(len(stream.get_object().get_data()) for stream in streams)


def read_pdf(data: bytes, limits: Limits, notes: list[str] | None = None) -> str:
    """The PDF's text layer, or its OCR text when it has none (notes say so)."""
    # No single stream may decode to more than the whole budget (pypdf's own
    # ceiling is 75 MB); the pages' content streams together are counted below.
    with apply_configuration(**dict.fromkeys(_PYPDF_OUTPUT_LIMITS, limits.max_pdf_content_bytes)):
        return _read_pdf_limited(data, limits, [] if notes is None else notes)


def _read_pdf_limited(data: bytes, limits: Limits, notes: list[str]) -> str:
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
                raise text_over_limit(limits)
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
        text = _scanned(reader, limits, notes)
    return text


def _scanned(reader, limits: Limits, notes: list[str]) -> str:
    from . import ocr

    try:
        text = ocr.ocr_pdf_pages(reader, limits, notes)
    except ocr.TesseractMissing as missing:
        raise DocumentError(
            _("Tệp PDF không có lớp văn bản (bản quét?). Hãy tải lên tệp có văn bản hoặc dán nội dung.")
            + " "
            + str(missing)
        ) from None
    except DocumentError:
        raise
    except MemoryError:
        raise
    except Exception:
        logger.info("Unreadable scanned .pdf upload", exc_info=True)
        raise _unreadable_pdf() from None
    if not any(ch.isalpha() for ch in text):
        raise DocumentError(
            _("Tệp PDF không có lớp văn bản (bản quét?). Hãy tải lên tệp có văn bản hoặc dán nội dung.")
        )
    return _reflow([text])


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
            line = _bullet(" ".join(line.split()))
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


def _bullet(line: str) -> str:
    """Word's bullets come out of a PDF as their glyph: a Symbol-font dot in the
    private-use area (U+F0B7) or "•", often glued to the item. Both are "-"."""
    first = line[:1]
    if not first:
        return line
    if first in _HOLLOW_BULLETS:
        return "+ " + line[1:].lstrip()
    if first in _GLYPH_BULLETS or "\uf000" <= first <= "\uf0ff":
        return "- " + line[1:].lstrip()
    return line


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
