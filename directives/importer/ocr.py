"""Scans read by OCR: page photos and PDFs without a text layer.

Tesseract with its Vietnamese model (Debian: tesseract-ocr, tesseract-ocr-vie)
runs as a subprocess, a page at a time, under the tool time limit and the
import's memory cap (isolated.py); no Python binding is needed for that. A
scanned PDF's pages are the images it embeds, taken out with pypdf, so no
PDF renderer is needed either. Pages are turned grey and, when small,
enlarged: Tesseract reads 300 dpi best.

OCR text has errors, so every result carries a note for the review form.
"""

from __future__ import annotations

import io
import logging
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _
from pypdf import apply_configuration

from . import tools
from .limits import DocumentError, Limits

logger = logging.getLogger(__name__)

# A page photo beyond this many pixels (a 600 dpi A3) is not a page; Pillow's own
# guard against decompression bombs is set to it while a page is opened.
_MAX_PIXELS = 7200 * 10200
_MIN_WIDTH = 2000  # an A4 page at about 240 dpi


def tesseract() -> str | None:
    return tools.find("tesseract", setting="DIRECTIVE_TESSERACT")


def missing_message() -> str:
    return _(
        "Máy chủ chưa cài Tesseract (nhận dạng chữ tiếng Việt) nên chưa đọc được bản quét hoặc ảnh chụp. "
        "Hãy tải lên tệp Word hoặc PDF có văn bản, dán nội dung, hoặc nhờ người quản trị cài gói "
        "tesseract-ocr và tesseract-ocr-vie."
    )


def ocr_note() -> str:
    return _(
        "Văn bản được nhận dạng từ ảnh quét (OCR) nên có thể sai chữ, sai số: hãy đối chiếu từng trường với "
        "bản gốc trước khi lưu."
    )


class TesseractMissing(DocumentError):
    """OCR is needed but Tesseract (or its Vietnamese model) is not installed."""


def _has_vietnamese(program: str) -> bool:
    try:
        listed = subprocess.run([program, "--list-langs"], capture_output=True, timeout=10, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "vie" in listed.decode("utf-8", errors="replace").split()


def _program() -> str:
    program = tesseract()
    if program is None or not _has_vietnamese(program):
        raise TesseractMissing(missing_message())
    return program


def _page(image):
    from PIL import ImageOps

    image = ImageOps.exif_transpose(image)
    image = image.convert("L")
    if image.width < _MIN_WIDTH:
        scale = _MIN_WIDTH / image.width
        image = image.resize((_MIN_WIDTH, round(image.height * scale)))
    return image


def _open(data: bytes):
    from PIL import Image

    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = _MAX_PIXELS
    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
        if image.width * image.height > _MAX_PIXELS:
            raise Image.DecompressionBombError("over the page limit")
        image.load()
        return image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DocumentError(_("Ảnh quá lớn để nhận dạng chữ (quá nhiều điểm ảnh).")) from None
    except (OSError, ValueError, SyntaxError):
        raise DocumentError(_("Không đọc được ảnh: tệp hỏng hoặc không đúng định dạng.")) from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _recognise(images, limits: Limits) -> str:
    program = _program()
    texts = []
    with tempfile.TemporaryDirectory(prefix="ocr-") as folder:
        for number, image in enumerate(images, start=1):
            if number > limits.max_ocr_pages:
                raise DocumentError(
                    _("Bản quét có hơn %(limit)s trang, vượt quá giới hạn nhận dạng chữ.")
                    % {"limit": limits.max_ocr_pages}
                )
            path = Path(folder) / f"trang-{number}.png"
            _page(image).save(path)
            output = tools.run(
                [program, path.name, "stdout", "-l", "vie", "--psm", "3"],
                folder=folder,
                timeout_s=limits.tool_timeout_s,
                what="Tesseract",
            )
            texts.append(output.decode("utf-8", errors="replace"))
    return tidy("\n".join(texts))


def tidy(text: str) -> str:
    """Drop what specks of dirt become: lines without a letter or digit, and a
    lone mark after the last word of a line ("... mạng xã hội +")."""
    lines = []
    for line in text.split("\n"):
        words = line.split()
        while len(words) > 1 and len(words[-1]) == 1 and not words[-1].isalnum() and words[-1] not in ".;:":
            words.pop()
        line = " ".join(words)
        lines.append(line if any(ch.isalnum() for ch in line) else "")
    return "\n".join(lines)


def ocr_image(data: bytes, limits: Limits, notes: list[str]) -> str:
    """The text of a page photo (.jpg, .png, .tif; every frame of a TIFF)."""
    _program()
    image = _open(data)
    frames = []
    for index in range(getattr(image, "n_frames", 1)):
        if index >= limits.max_ocr_pages:
            break
        image.seek(index)
        frames.append(image.copy())
    text = _recognise(frames, limits)
    notes.append(ocr_note())
    return text


def ocr_pdf_pages(reader, limits: Limits, notes: list[str]) -> str:
    """The text of a scanned PDF: each page's largest embedded image, OCR'd;
    "" when the pages hold no image at all."""
    images = []
    # A page scan decodes to far more than the content-stream budget; it is
    # bounded by its pixels instead (three bytes each, in colour).
    with apply_configuration(image_maximum_buffer_size=3 * _MAX_PIXELS):
        for page in reader.pages:
            images.extend(_page_image(page))
    if not images:
        return ""
    text = _recognise(images, limits)
    notes.append(ocr_note())
    return text


def _page_image(page) -> list:
    """The largest image drawn on the page (a scan is one image per page)."""
    try:
        candidates = [picture.image for picture in page.images]
    except Exception:  # an image pypdf cannot decode counts as no image
        logger.info("Unreadable image in a scanned PDF", exc_info=True)
        return []
    candidates = [image for image in candidates if image is not None]
    return [max(candidates, key=lambda image: image.width * image.height)] if candidates else []
