"""Turn an uploaded file into NFC text.

.txt, .docx (reading_docx.py) and PDF (reading_pdf.py) are read directly; old
Word (.doc), .odt and .rtf are converted to .docx by LibreOffice first
(convert.py); scans (image-only PDFs, page photos) are read by OCR (ocr.py).
What a file is comes from its content, not its name: a .doc renamed .docx is
converted, not called damaged.

Every failure a user can cause (empty, too large, wrong type, corrupt,
password-protected, a missing tool, over a budget) raises DocumentError with
a message that can be shown as is. Time and memory in general are bounded by
the process that runs the import (isolated.py).
"""

from __future__ import annotations

import logging
import os
import unicodedata

from django.utils.translation import gettext as _

from . import sniffing
from .limits import DEFAULT_MAX_BYTES, DocumentError, Limits, megabytes, text_too_long
from .reading_docx import read_docx
from .reading_pdf import read_pdf

__all__ = ["DEFAULT_MAX_BYTES", "DocumentError", "Limits", "read_document", "read_document_with_notes", "text_too_long"]

logger = logging.getLogger(__name__)

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def read_document(
    data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES, limits: Limits | None = None
) -> str:
    """Return the text of an uploaded file, NFC-normalised.

    limits defaults to the settings (Limits.from_settings())."""
    return read_document_with_notes(data, filename, max_bytes=max_bytes, limits=limits)[0]


def read_document_with_notes(
    data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES, limits: Limits | None = None
) -> tuple[str, list[str]]:
    """(text, notes): notes are warnings for the review form about how the
    text was obtained (converted by LibreOffice, read by OCR)."""
    limits = limits or Limits.from_settings()
    data = bytes(data or b"")
    if not data:
        raise DocumentError(_("Tệp trống."))
    if len(data) > max_bytes:
        raise DocumentError(_("Tệp vượt quá giới hạn %(limit)s MB.") % {"limit": megabytes(max_bytes)})
    extension = os.path.splitext(filename or "")[1].lower()
    kind = sniffing.kind_of(data, extension)
    notes: list[str] = []
    text = unicodedata.normalize("NFC", _read(kind, data, limits, notes))
    if not text.strip():
        raise DocumentError(_("Tệp không có nội dung văn bản."))
    if len(text) > limits.max_text_chars:
        raise DocumentError(text_too_long(len(text), limits.max_text_chars))
    return text, notes


def _read(kind: str, data: bytes, limits: Limits, notes: list[str]) -> str:
    if kind == "txt":
        return _read_txt(data, limits)
    if kind == "docx":
        return read_docx(data, limits)
    if kind == "pdf":
        return read_pdf(data, limits, notes)
    if kind in sniffing.CONVERTED:
        from .convert import convert_to_docx

        converted = convert_to_docx(data, kind, limits)
        notes.append(
            _("Tệp %(kind)s đã được LibreOffice chuyển sang .docx; hãy kiểm tra lại các trường.")
            % {"kind": sniffing.LABELS[kind]}
        )
        return read_docx(converted, limits)
    if kind in sniffing.IMAGES:
        from .ocr import ocr_image

        return ocr_image(data, limits, notes)
    raise DocumentError(sniffing.refusal(kind))


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
