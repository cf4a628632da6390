"""Checks an evidence upload before anything is stored.

Evidence comes from anyone who can file a report, including anonymous senders, and
is later opened by unit heads and inspectors. A file is accepted only when its
content (not its name) is one of five kinds, its name agrees with that content, it
carries nothing beyond that one format (no appended ZIP, no script, no PDF
JavaScript or attachment), and images decode in full. Images also get a display
copy re-encoded from the pixels, so EXIF/GPS and other metadata never reach people
who only need to see the picture; the original is kept byte for byte for inspectors.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import unicodedata
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

ALLOWED_TYPES = {"image/png", "image/jpeg", "image/webp", "application/pdf", "video/mp4"}
_NAME_MAX_CHARS = 200

# The first extension is the canonical one reported in CheckedFile.extension.
_EXTENSIONS = {
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
    "video/mp4": (".mp4",),
}
# filetype looks at very few bytes (4 for PNG, and it skips a BOM before %PDF), so
# the full signature is required too. For MP4 this is the "ftyp" box at offset 4.
_SIGNATURES = {
    "image/png": (0, b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": (0, b"\xff\xd8\xff"),
    "image/webp": (8, b"WEBP"),
    "application/pdf": (0, b"%PDF-"),
    "video/mp4": (4, b"ftyp"),
}
_LABELS = {
    "image/png": gettext_lazy("ảnh PNG"),
    "image/jpeg": gettext_lazy("ảnh JPEG"),
    "image/webp": gettext_lazy("ảnh WebP"),
    "application/pdf": gettext_lazy("tệp PDF"),
    "video/mp4": gettext_lazy("video MP4"),
}
_PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}

_ZIP = re.compile(rb"PK\x03\x04|PK\x05\x06")
_MARKUP = re.compile(rb"<script|<html|<\?php", re.IGNORECASE)
# Some writers pad files with NULs, 0xFF fill or a newline; that cannot carry a payload.
_PADDING = b"\x00\xff \t\r\n"

# A PDF name runs to the next delimiter; only names followed by one are taken, so a
# name cut at the end of an inflated piece is not misread ("/JSON" as "/JS").
_PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)(?=[\x00\t\n\x0c\r ()<>\[\]{}/%])")
_PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream(?:\r\n|\r|\n)")
_PDF_FORBIDDEN = {b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"FileAttachment"}
# Enough for page images stored with Flate; a PDF that inflates to more is refused.
_PDF_INFLATE_BUDGET = 256 * 1_048_576
# Object streams encoded with these (or encrypted) cannot be read back here.
_PDF_OPAQUE = {b"Encrypt", b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85", b"LZWDecode", b"LZW"}


@dataclass(frozen=True)
class CheckedFile:
    name: str  # a safe display name (basename, no path, max 200 chars, NFC)
    content_type: str  # one of ALLOWED_TYPES
    extension: str  # ".png", ".jpg", ".webp", ".pdf", ".mp4"
    size: int
    sha256: str  # hex digest of the exact bytes received
    data: bytes  # the bytes received (the original, kept for inspectors)
    display: bytes | None  # images only: re-encoded without EXIF/GPS/XMP/ICC/text chunks


def check_upload(upload, *, max_bytes: int) -> CheckedFile:
    """Read and check one upload. Returns the checked file, or raises ValidationError
    with a message for the sender; never reads more than max_bytes + 1 bytes."""
    name = _safe_name(getattr(upload, "name", None))
    data = _read(upload, name, max_bytes)
    kind = filetype.guess_mime(data)
    offset, signature = _SIGNATURES.get(kind, (0, b""))
    if kind not in ALLOWED_TYPES or data[offset : offset + len(signature)] != signature:
        raise _refuse(
            "unsupported_type",
            _("Tệp %(name)s không thuộc loại được nhận. Chỉ nhận ảnh PNG, JPEG, WebP, tệp PDF hoặc video MP4."),
            name=name,
        )
    claimed = os.path.splitext(name)[1].lower()
    if claimed not in _EXTENSIONS[kind]:
        raise _refuse(
            "extension_mismatch",
            _("Nội dung tệp %(name)s là %(actual)s nhưng đuôi tên tệp là “%(claimed)s”. Hãy đặt lại tên cho đúng."),
            name=name,
            actual=_LABELS[kind],
            claimed=claimed or _("(không có)"),
        )

    if kind == "application/pdf":
        _check_pdf(data, name)
    else:
        end = _CONTAINER_ENDS[kind](data)
        if end is None:
            raise _unreadable(name, kind)
        if data[end:].strip(_PADDING):
            raise _hidden_content(name, kind)
    if kind != "video/mp4" and _ZIP.search(data):
        raise _hidden_content(name, kind)
    display = None
    if kind in _PIL_FORMATS:
        if _MARKUP.search(data):
            raise _hidden_content(name, kind)
        display = _display_copy(data, kind, name)
    return CheckedFile(
        name=name,
        content_type=kind,
        extension=_EXTENSIONS[kind][0],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        display=display,
    )


def _safe_name(raw: str | None) -> str:
    """The name to show: browsers may send a whole Windows path, macOS sends
    decomposed (NFD) Vietnamese, and invisible format characters can disguise the
    extension (a U+202E inside "anh?gnp.exe" makes it display as "anhexe.png")."""
    base = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if not unicodedata.category(ch).startswith("C")).strip(" .")
    base = base or _("tệp")
    if len(base) > _NAME_MAX_CHARS:
        stem, ext = os.path.splitext(base)
        ext = ext[:16]
        base = stem[: _NAME_MAX_CHARS - len(ext)] + ext
    return base


def _read(upload, name: str, max_bytes: int) -> bytes:
    size = getattr(upload, "size", None)
    empty = _refuse("empty", _("Tệp %(name)s trống, không có nội dung."), name=name)
    if size == 0:
        raise empty
    too_large = _refuse(
        "too_large", _("Tệp %(name)s quá lớn: tối đa %(limit)s MB."), name=name, limit=_megabytes(max_bytes)
    )
    if size is not None and size > max_bytes:
        raise too_large
    if hasattr(upload, "seek"):
        upload.seek(0)  # a form field may already have read part of it
    # upload.size is whatever the upload object reports; cap the reading itself too.
    buffer = bytearray()
    while len(buffer) <= max_bytes:
        chunk = upload.read(min(64 * 1024, max_bytes + 1 - len(buffer)))
        if not chunk:
            break
        buffer += chunk
    if len(buffer) > max_bytes:
        raise too_large
    if not buffer:
        raise empty
    return bytes(buffer)


def _png_end(data: bytes) -> int | None:
    """Offset just past the IEND chunk, or None when the chunk chain is broken."""
    pos = 8
    while pos + 12 <= len(data):
        length, chunk_type = struct.unpack(">I4s", data[pos : pos + 8])
        pos += 12 + length
        if chunk_type == b"IEND":
            return pos if pos <= len(data) else None
    return None


def _jpeg_end(data: bytes) -> int | None:
    """Offset just past the EOI that ends the image, found by walking the segments:
    searching for the last FF D9 would be fooled by a payload that ends with one."""
    pos, size = 2, len(data)
    while pos < size:
        if data[pos] != 0xFF:
            return None
        while pos < size and data[pos] == 0xFF:  # fill bytes before a marker
            pos += 1
        if pos + 1 > size:
            return None
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            return pos
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            continue
        if pos + 2 > size or (length := int.from_bytes(data[pos : pos + 2], "big")) < 2:
            return None
        pos += length
        if marker == 0xDA:  # entropy-coded data runs to the next marker that is not 00 or RSTn
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= size:
                    return None
                following = data[pos + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    pos += 2
                elif following != 0xFF:
                    break
                else:
                    pos += 1
    return None


def _webp_end(data: bytes) -> int | None:
    riff_size = int.from_bytes(data[4:8], "little")
    end = 8 + riff_size + (riff_size & 1)
    return end if end <= len(data) else None


def _mp4_end(data: bytes) -> int | None:
    """Walks the top-level boxes; None when one is malformed or runs past the end."""
    pos = 0
    while pos + 8 <= len(data):
        size, box = struct.unpack(">I4s", data[pos : pos + 8])
        if size == 1 and pos + 16 <= len(data):
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
        elif size == 0:  # the last box may run to the end of the file
            size = len(data) - pos
        if size < 8 or pos + size > len(data) or not all(0x20 <= c < 0x7F for c in box):
            return None
        pos += size
    return pos


_CONTAINER_ENDS: dict[str, Callable[[bytes], int | None]] = {
    "image/png": _png_end,
    "image/jpeg": _jpeg_end,
    "image/webp": _webp_end,
    "video/mp4": _mp4_end,
}


def _pdf_names(chunk: bytes) -> set[bytes]:
    # Viewers read "/J#61vaScript" as /JavaScript.
    return {
        _PDF_HEX_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), n) if b"#" in n else n for n in _PDF_NAME.findall(chunk)
    }


def _pdf_inflated_names(data: bytes, budget: int) -> set[bytes] | None:
    """Names inside every Flate stream, or None past `budget` inflated bytes."""
    view, names = memoryview(data), set()
    for match in _PDF_STREAM.finditer(data):
        inflater, pos, carry = zlib.decompressobj(), match.end(), b""
        while not inflater.eof and pos < len(data):
            try:
                # 4 KiB in gives at most ~4 MiB out (deflate expands at most 1032:1).
                piece = inflater.decompress(view[pos : pos + 4096])
            except zlib.error:
                break  # not Flate (images, plain streams), or no longer
            pos += 4096
            budget -= len(piece)
            if budget < 0:
                return None
            text = carry + piece
            names |= _pdf_names(text)
            carry = text[-1024:]  # a name cut between two pieces is read with the next one
    return names


def _check_pdf(data: bytes, name: str) -> None:
    # Viewers look for %%EOF within the last 1 KiB; without it the file was cut off.
    if b"%%EOF" not in data[-1024:]:
        raise _unreadable(name, "application/pdf")
    names = _pdf_names(data)
    if b"ObjStm" in names:
        # Object streams keep dictionaries (an /OpenAction with JavaScript) compressed,
        # out of reach of the plain scan above.
        inflated = None if names & _PDF_OPAQUE else _pdf_inflated_names(data, budget=_PDF_INFLATE_BUDGET)
        if inflated is None:
            raise _refuse(
                "uncheckable",
                _("Không kiểm tra được nội dung tệp PDF %(name)s. Hãy in lại thành PDF thông thường rồi gửi."),
                name=name,
            )
        names |= inflated
    if names & _PDF_FORBIDDEN:
        raise _refuse(
            "active_content",
            _("Tệp PDF %(name)s chứa mã JavaScript, lệnh chạy chương trình hoặc tệp đính kèm nên không được nhận."),
            name=name,
        )


def _display_copy(data: bytes, kind: str, name: str) -> bytes:
    """Decode the whole image and re-encode its pixels with no metadata at all."""
    pil_format = _PIL_FORMATS[kind]
    try:
        with warnings.catch_warnings():
            # Past MAX_IMAGE_PIXELS Pillow only warns (it raises at twice that).
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # verify() checks the structure and checksums but leaves the image unusable,
            # hence the second open, whose load() decodes every pixel.
            with Image.open(io.BytesIO(data), formats=[pil_format]) as probe:
                # The warning filter is process-wide and not thread-safe; this is not.
                if Image.MAX_IMAGE_PIXELS and probe.width * probe.height > Image.MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError(f"{probe.width}x{probe.height}")
                probe.verify()
            with Image.open(io.BytesIO(data), formats=[pil_format]) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)  # a copy: rotate before the EXIF goes
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _refuse(
            "too_many_pixels",
            _("Ảnh %(name)s có quá nhiều điểm ảnh để xử lý an toàn. Hãy giảm kích thước ảnh rồi gửi lại."),
            name=name,
        ) from exc
    except Exception as exc:  # Pillow raises many kinds of error on hostile input
        raise _unreadable(name, kind) from exc
    # Saving falls back on .info for the ICC profile (PNG) and the comment (JPEG), so
    # keep only the transparency, which is part of the picture.
    upright.info = {k: v for k, v in upright.info.items() if k == "transparency"}
    output = io.BytesIO()
    upright.save(output, format=pil_format, quality=90)  # PNG is lossless and ignores quality
    return output.getvalue()


def _megabytes(count: int) -> str:
    return number_format(count / 1_048_576, decimal_pos=0 if count % 1_048_576 == 0 else 1)


def _refuse(code: str, message: str, **params: object) -> ValidationError:
    return ValidationError(message, code=code, params=params)


def _unreadable(name: str, kind: str) -> ValidationError:
    return _refuse(
        "unreadable",
        _("Tệp %(name)s bị hỏng hoặc không trọn vẹn, không đọc được như %(actual)s. Hãy gửi lại tệp gốc."),
        name=name,
        actual=_LABELS[kind],
    )


def _hidden_content(name: str, kind: str) -> ValidationError:
    return _refuse(
        "hidden_content",
        _("Tệp %(name)s ngoài %(actual)s còn chứa dữ liệu khác (tệp nén hoặc mã lệnh) nên không được nhận."),
        name=name,
        actual=_LABELS[kind],
    )
