"""What an uploaded file really is, from its first bytes rather than its name.

Agencies rename files: a .doc saved as .docx, a scan sent as .pdf. The
content decides which reader runs; the extension only breaks ties (a zip
that is no Word file, plain text) and names the file in messages.
"""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The name of the main stream of a Word 97-2003 file, as OLE stores it (UTF-16LE).
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
CONVERTED = frozenset(("doc", "odt", "rtf"))
IMAGES = frozenset(("png", "jpeg", "tiff", "bmp", "webp"))
LABELS = {"doc": "Word 97-2003 (.doc)", "odt": "OpenDocument (.odt)", "rtf": "RTF (.rtf)"}
_BY_EXTENSION = {
    ".txt": "txt", ".docx": "docx", ".pdf": "pdf", ".doc": "doc", ".odt": "odt", ".rtf": "rtf",
    ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".tif": "tiff", ".tiff": "tiff",
}  # fmt: skip
EXTENSIONS = tuple(_BY_EXTENSION)


def _zip_kind(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "word/document.xml" in names:
            return "docx"
        if "mimetype" in names and archive.read("mimetype")[:100].strip() == _ODT_MIMETYPE:
            return "odt"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, NotImplementedError, KeyError):
        return None
    return None


def kind_of(data: bytes, extension: str) -> str:
    """'txt', 'docx', 'pdf', 'doc', 'odt', 'rtf', an image kind, 'office'
    (an old Office file that is not Word) or 'unknown'."""
    declared = _BY_EXTENSION.get(extension, "unknown")
    if declared == "txt":
        return "txt"  # the text reader checks the content itself
    head = data[:16]
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(_OLE):
        return "doc" if _WORD_STREAM in data else "office"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data) or ("docx" if declared in ("docx", "odt") else declared)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    # A .doc, .odt or .rtf without its signature is something else: never hand
    # LibreOffice a file under a false name.
    return "unknown" if declared in CONVERTED or declared in IMAGES else declared


def refusal(kind: str) -> str:
    if kind == "office":
        return _("Tệp là tài liệu Office cũ nhưng không phải văn bản Word (có thể là bảng tính hoặc trình chiếu).")
    return _("Chỉ nhận tệp văn bản .txt, .docx, .doc, .odt, .rtf, .pdf hoặc ảnh chụp trang văn bản (.jpg, .png, .tif).")
