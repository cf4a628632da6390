"""What one import may cost, and the error every reader raises."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

MEGABYTE = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MEGABYTE


class DocumentError(Exception):
    """The uploaded file cannot be read; str(error) is a message for the user."""


@dataclass(frozen=True)
class Limits:
    """What one import may unpack. The defaults are the settings' defaults."""

    max_uncompressed_bytes: int = 50 * MEGABYTE
    max_archive_members: int = 1000
    max_pdf_pages: int = 100
    max_pdf_content_bytes: int = 4 * MEGABYTE
    max_text_chars: int = 300_000
    # Wall-clock seconds a converter (LibreOffice) or OCR (Tesseract) may run;
    # the whole import is also bounded by the job's timeout (isolated.py).
    tool_timeout_s: int = 60
    max_ocr_pages: int = 10

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        default = cls()
        return cls(
            max_uncompressed_bytes=getattr(settings, "DIRECTIVE_MAX_UNCOMPRESSED_MB", 50) * MEGABYTE,
            max_archive_members=getattr(settings, "DIRECTIVE_MAX_ARCHIVE_MEMBERS", default.max_archive_members),
            max_pdf_pages=getattr(settings, "DIRECTIVE_MAX_PDF_PAGES", default.max_pdf_pages),
            max_pdf_content_bytes=getattr(settings, "DIRECTIVE_MAX_PDF_CONTENT_MB", 4) * MEGABYTE,
            max_text_chars=getattr(settings, "DIRECTIVE_MAX_TEXT_CHARS", default.max_text_chars),
            tool_timeout_s=getattr(settings, "DIRECTIVE_TOOL_TIMEOUT_S", default.tool_timeout_s),
            max_ocr_pages=getattr(settings, "DIRECTIVE_MAX_OCR_PAGES", default.max_ocr_pages),
        )


def thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")  # Vietnamese groups thousands with dots


def megabytes(size: int) -> str:
    value = f"{size / MEGABYTE:.2f}".rstrip("0").rstrip(".")
    return value if value != "0" else "0.01"


def text_too_long(length: int, limit: int) -> str:
    """The message for a text over the limit, pasted or read from a file."""
    return _("Văn bản dài %(length)s ký tự, vượt quá giới hạn %(limit)s ký tự.") % {
        "length": thousands(length),
        "limit": thousands(limit),
    }


def text_over_limit(limits: Limits) -> DocumentError:
    # Reading stops at the limit, so the full length is not known.
    return DocumentError(
        _("Văn bản trong tệp dài hơn giới hạn %(limit)s ký tự.") % {"limit": thousands(limits.max_text_chars)}
    )
