"""Checks an evidence upload before anything is stored.

Evidence comes from anyone who can file a report, including anonymous senders, and
is later opened by unit heads and inspectors. A file is accepted only when its
content (not its name) is one of five kinds, its name agrees with that content, it
carries nothing beyond that one format (no appended ZIP, no script, no PDF
JavaScript or attachment), and images decode in full. Images also get a display
copy re-encoded from the pixels, so EXIF/GPS and other metadata never reach people
who only need to see the picture; the original is kept byte for byte for inspectors,
except a PNG whose text chunks carry markup, of which only the re-encoded copy is kept.

PDFs are read with pypdf, which resolves every object, cross-reference stream and
filter chain, so active content cannot hide behind an encoding this module does not
know (RunLength, two Flate passes, object streams).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    read_object,
)

ALLOWED_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "application/pdf", "video/mp4"})
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Documents a unit sends up (implementation reports, minutes) may also be Word files.
DOCUMENT_TYPES = frozenset({*ALLOWED_TYPES, DOCX})
_NAME_MAX_CHARS = 200

# The first extension is the canonical one reported in CheckedFile.extension.
_EXTENSIONS = {
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
    "video/mp4": (".mp4",),
    DOCX: (".docx",),
}
# filetype looks at very few bytes (4 for PNG, and it skips a BOM before %PDF), so
# the full signature is required too. For MP4 this is the "ftyp" box at offset 4.
_SIGNATURES = {
    "image/png": (0, b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": (0, b"\xff\xd8\xff"),
    "image/webp": (8, b"WEBP"),
    "application/pdf": (0, b"%PDF-"),
    "video/mp4": (4, b"ftyp"),
    DOCX: (0, b"PK\x03\x04"),
}
_LABELS = {
    "image/png": gettext_lazy("ảnh PNG"),
    "image/jpeg": gettext_lazy("ảnh JPEG"),
    "image/webp": gettext_lazy("ảnh WebP"),
    "application/pdf": gettext_lazy("tệp PDF"),
    "video/mp4": gettext_lazy("video MP4"),
    DOCX: gettext_lazy("văn bản Word (.docx)"),
}
_PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP"}

_ZIP = re.compile(rb"PK\x03\x04|PK\x05\x06")
_MARKUP = re.compile(rb"<script|<html|<\?php", re.IGNORECASE)
# Some writers pad files with NULs, 0xFF fill or a newline; that cannot carry a payload.
_PADDING = b"\x00\xff \t\r\n"

# Keys and names that make a PDF act when opened or clicked: run code, start a
# program, send form data or fetch a URL, open another or an embedded file, play
# rich media, or (XFA) carry a second form language with its own scripts.
_PDF_FORBIDDEN_KEYS = {"/JS", "/JavaScript", "/AA", "/XFA", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/URI"}
_PDF_FORBIDDEN_NAMES = {
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/URI", "/GoToR", "/GoToE", "/Rendition",
    "/Movie", "/Sound", "/FileAttachment", "/EmbeddedFile", "/RichMedia", "/XFA",
}  # fmt: skip
# A budget for hostile files: a letter or a scan has hundreds of objects, not this.
_PDF_MAX_OBJECTS = 50_000
_PDF_MAX_NODES = 2_000_000  # dictionary entries and array items walked, in all
_PDF_MAX_OBJECT_STREAM_BYTES = 64 * 1_048_576  # decoded object streams, in all
_PNG_TEXT_CHUNKS = {b"tEXt", b"zTXt", b"iTXt"}
_PNG_TEXT_MAX_BYTES = 1_048_576  # one text chunk, inflated


@dataclass(frozen=True)
class CheckedFile:
    name: str  # a safe display name (basename, no path, max 200 chars, NFC)
    content_type: str  # one of ALLOWED_TYPES
    extension: str  # ".png", ".jpg", ".webp", ".pdf", ".mp4"
    size: int
    sha256: str  # hex digest of the exact bytes received
    data: bytes  # the bytes to keep as the original (see received_kept)
    display: bytes | None  # images only: re-encoded without EXIF/GPS/XMP/ICC/text chunks
    # False when the bytes received must not be kept (a PNG with markup in a text
    # chunk): `data` is then the display copy, while size and sha256 stay those received.
    received_kept: bool = True


def check_upload(upload, *, max_bytes: int, kinds: frozenset[str] = ALLOWED_TYPES) -> CheckedFile:
    """Read and check one upload against the accepted `kinds` (evidence: ALLOWED_TYPES;
    documents: DOCUMENT_TYPES). Returns the checked file, or raises ValidationError
    with a message for the sender; never reads more than max_bytes + 1 bytes."""
    name = _safe_name(getattr(upload, "name", None))
    data = _read(upload, name, max_bytes)
    kind = filetype.guess_mime(data)
    offset, signature = _SIGNATURES.get(kind, (0, b""))
    if kind not in kinds or data[offset : offset + len(signature)] != signature:
        if kinds == ALLOWED_TYPES:
            message = _(
                "Tệp %(name)s không thuộc loại được nhận. Chỉ nhận ảnh PNG, JPEG, WebP, tệp PDF hoặc video MP4."
            )
        else:
            message = _(
                "Tệp %(name)s không thuộc loại được nhận. Chỉ nhận ảnh PNG, JPEG, WebP, tệp PDF, video MP4 "
                "hoặc văn bản Word (.docx)."
            )
        raise _refuse("unsupported_type", message, name=name)
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
    elif kind == DOCX:
        _check_docx(data, name)
    else:
        end = _CONTAINER_ENDS[kind](data)
        if end is None:
            raise _unreadable(name, kind)
        if data[end:].strip(_PADDING):
            raise _hidden_content(name, kind)
    if kind not in ("video/mp4", DOCX) and _ZIP.search(data):
        raise _hidden_content(name, kind)
    display, kept = None, True
    if kind in _PIL_FORMATS:
        if _MARKUP.search(data):
            raise _hidden_content(name, kind)
        display = _display_copy(data, kind, name)
        # Any "<" in a PNG text chunk may be HTML or SVG a browser would run if the
        # file were ever sniffed (<img onerror=…>, <svg onload=…>); a screenshot's XMP
        # has one too, so keep the pixels instead of refusing the picture.
        kept = not (kind == "image/png" and _png_text_has_markup(data))
    return CheckedFile(
        name=name,
        content_type=kind,
        extension=_EXTENSIONS[kind][0],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data if kept else display,
        display=display,
        received_kept=kept,
    )


_DOCX_MAX_MEMBERS = 1000
_DOCX_MAX_UNCOMPRESSED = 100 * 1_048_576
_DOCX_MAX_RELATIONSHIPS_BYTES = 1_048_576  # one .rels part
# Parts that run code or pull in other programs' objects: macros, ActiveX, OLE.
_DOCX_FORBIDDEN = re.compile(r"vbaproject|vbadata|activex|embeddings/|oleobject", re.IGNORECASE)
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]{0,4096}>")


def _check_docx(data: bytes, name: str) -> None:
    """A Word file is a ZIP of XML parts. Refuse macros, ActiveX and embedded objects,
    external relationships other than hyperlinks (a remote template is the classic
    way to run code when the file is opened), and archives too large when unpacked."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _unreadable(name, DOCX) from None
    names = {member.filename for member in members}
    if len(members) > _DOCX_MAX_MEMBERS or sum(member.file_size for member in members) > _DOCX_MAX_UNCOMPRESSED:
        raise _refuse("too_large", _("Tệp %(name)s khi giải nén quá lớn: tối đa 100 MB."), name=name)
    if not {"[Content_Types].xml", "word/document.xml"} <= names:
        raise _unreadable(name, DOCX)
    if any(_DOCX_FORBIDDEN.search(member) for member in names):
        raise _hidden_content(name, DOCX)
    for member in members:
        if not member.filename.endswith(".rels"):
            continue
        with archive.open(member) as part:
            content = part.read(_DOCX_MAX_RELATIONSHIPS_BYTES + 1)
        if len(content) > _DOCX_MAX_RELATIONSHIPS_BYTES:
            # Scanning only the start would miss a remote template put after a mebibyte
            # of padding; Word's own relationship parts are a few kilobytes.
            raise _hidden_content(name, DOCX)
        for tag in _RELATIONSHIP.findall(content):
            if b'TargetMode="External"' in tag and not re.search(rb'Type="[^"]*/hyperlink"', tag):
                raise _hidden_content(name, DOCX)
    try:
        content_types = archive.read("[Content_Types].xml")
    except (KeyError, zipfile.BadZipFile):
        raise _unreadable(name, DOCX) from None
    if b"macroEnabled" in content_types:
        raise _hidden_content(name, DOCX)


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


def _png_text_has_markup(data: bytes) -> bool:
    """Does a tEXt, zTXt or iTXt chunk hold "<" (compressed text inflated, within a
    budget)? A chunk that will not inflate counts as markup: it cannot be vouched for."""
    pos = 8
    while pos + 12 <= len(data):
        length, chunk_type = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if chunk_type not in _PNG_TEXT_CHUNKS:
            continue
        keyword, _sep, rest = body.partition(b"\x00")
        if chunk_type == b"zTXt":
            text = _inflate_text(rest[1:])
        elif chunk_type == b"iTXt":
            compressed = rest[:1] == b"\x01"
            _language, _sep, rest = rest[2:].partition(b"\x00")
            _translated, _sep, text = rest.partition(b"\x00")
            text = _inflate_text(text) if compressed else text
        else:
            text = rest
        if text is None or b"<" in keyword or b"<" in text:
            return True
    return False


def _inflate_text(data: bytes) -> bytes | None:
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(data, _PNG_TEXT_MAX_BYTES)
    except zlib.error:
        return None
    return text if not inflater.unconsumed_tail else None


class _PdfRefused(Exception):
    def __init__(self, code: str) -> None:
        self.code = code


def _check_pdf(data: bytes, name: str) -> None:
    # Viewers look for %%EOF within the last 1 KiB; without it the file was cut off.
    if b"%%EOF" not in data[-1024:]:
        raise _unreadable(name, "application/pdf")
    try:
        _walk_pdf(data)
    except _PdfRefused as refused:
        if refused.code == "active_content":
            raise _refuse(
                "active_content",
                _(
                    "Tệp PDF %(name)s chứa mã JavaScript, lệnh chạy chương trình hoặc tệp đính kèm, hoặc có hành"
                    " động tự động (mở liên kết, gửi biểu mẫu) nên không được nhận. Hãy in lại thành PDF thông"
                    " thường rồi gửi."
                ),
                name=name,
            ) from None
        if refused.code == "too_many_objects":
            raise _refuse(
                "too_complex",
                _(
                    "Tệp PDF %(name)s có quá nhiều đối tượng để kiểm tra an toàn. Hãy in lại thành PDF thông thường"
                    " (hoặc chia nhỏ tệp) rồi gửi."
                ),
                name=name,
            ) from None
        raise _uncheckable(name) from None
    except Exception as exc:  # pypdf raises many kinds of error on hostile input
        raise _uncheckable(name) from exc


def _uncheckable(name: str) -> ValidationError:
    return _refuse(
        "uncheckable",
        _("Không kiểm tra được nội dung tệp PDF %(name)s. Hãy in lại thành PDF thông thường rồi gửi."),
        name=name,
    )


def _walk_pdf(data: bytes) -> None:
    """Visit every indirect object pypdf finds (the cross-reference tables and
    streams, rebuilt when broken) and every object inside every object stream, even
    one no table points at; raise _PdfRefused on active content or past the budget."""
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise _PdfRefused("uncheckable")  # its objects cannot be read without the key
    if not isinstance(reader.trailer.get("/Root", None), IndirectObject | DictionaryObject) or not isinstance(
        reader.trailer["/Root"].get_object(), DictionaryObject
    ):
        raise _PdfRefused("uncheckable")  # no document catalog: nothing a viewer would open
    # Objects kept in object streams are read with their streams, below.
    numbers = {(number, generation) for generation, table in reader.xref.items() for number in table}
    budget = _PdfBudget()
    budget.spend(objects=len(numbers))
    pending: list = [reader.trailer]
    for number, generation in sorted(numbers):
        pending.append(reader.get_object(IndirectObject(number, generation, reader)))
    while pending:
        obj = pending.pop()
        if isinstance(obj, StreamObject) and obj.get("/Type") == "/ObjStm":
            pending.extend(_object_stream_contents(obj, reader, budget))
        _check_pdf_object(obj, budget)


class _PdfBudget:
    def __init__(self) -> None:
        self.nodes = _PDF_MAX_NODES
        self.stream_bytes = _PDF_MAX_OBJECT_STREAM_BYTES
        self.objects = _PDF_MAX_OBJECTS

    def spend(self, *, nodes: int = 0, stream_bytes: int = 0, objects: int = 0) -> None:
        self.nodes -= nodes
        self.stream_bytes -= stream_bytes
        self.objects -= objects
        if self.nodes < 0 or self.stream_bytes < 0 or self.objects < 0:
            raise _PdfRefused("too_many_objects")


def _object_stream_contents(stream: StreamObject, reader: PdfReader, budget: _PdfBudget) -> list:
    """Every object an object stream holds, read from its header as a viewer would."""
    decoded = stream.get_data()  # pypdf undoes every filter in the chain, within its limits
    budget.spend(stream_bytes=len(decoded))
    count, first = int(stream.get("/N", 0)), int(stream.get("/First", 0))
    if count < 0 or not 0 <= first <= len(decoded):
        raise _PdfRefused("uncheckable")
    budget.spend(objects=count)
    buffer, offsets = io.BytesIO(decoded), []
    for _entry in range(count):
        numbers = []
        for _pair in range(2):
            _skip_whitespace(buffer)
            numbers.append(int(NumberObject.read_from_stream(buffer)))
        offsets.append(numbers[1])
    contents = []
    for offset in offsets:
        if offset < 0:
            raise _PdfRefused("uncheckable")
        buffer.seek(first + offset)
        _skip_whitespace(buffer)
        contents.append(read_object(buffer, reader))
    return contents


def _skip_whitespace(buffer: io.BytesIO) -> None:
    while (byte := buffer.read(1)) in b" \t\r\n\x0c\x00":
        if not byte:
            raise _PdfRefused("uncheckable")
    buffer.seek(-1, 1)


def _check_pdf_object(root, budget: _PdfBudget) -> None:
    """Walk one object's direct content (references are visited as objects of their own)."""
    stack = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, DictionaryObject):  # a stream's dictionary too
            budget.spend(nodes=len(obj))
            for key, value in obj.items():
                if key in _PDF_FORBIDDEN_KEYS:
                    raise _PdfRefused("active_content")
                if key == "/OpenAction" and not _is_destination(value):
                    raise _PdfRefused("active_content")
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            budget.spend(nodes=len(obj))
            stack.extend(obj)
        elif isinstance(obj, NameObject) and obj in _PDF_FORBIDDEN_NAMES:
            raise _PdfRefused("active_content")


def _is_destination(value) -> bool:
    """An /OpenAction that only shows a page (an explicit destination, an array) is
    what many writers put there; any action dictionary is refused."""
    if isinstance(value, IndirectObject):
        value = value.get_object()
    return isinstance(value, ArrayObject)


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
