"""The text of a .docx as Word shows the body.

The body is walked in order, tables included (Decree 30's header and signature
are borderless two-column tables). Automatic numbering and bullets are put back
before their paragraphs (numbering.py); tracked insertions are kept and
deletions dropped, as in the final view; text boxes, drawings, field codes and
hidden text stay out, and so do page headers, footers and footnotes, which live
in other parts of the file.

A .docx is a zip, and a small one can unpack into a large one: it is refused
when it has too many members or unpacks past the limit, counted on the declared
sizes first and then on the bytes actually inflated, since a header can lie.
"""

from __future__ import annotations

import io
import logging
import zipfile

import docx
from django.utils.translation import gettext as _
from docx.oxml.ns import qn

from .limits import DocumentError, Limits, megabytes, text_over_limit
from .numbering import Numbering

logger = logging.getLogger(__name__)

_CHUNK = 64 * 1024
# Subtrees whose text is not part of the body as displayed: deletions, text
# boxes and drawings, the fallback copy of alternate content, field codes,
# embedded objects, and references to footnotes and comments.
_SKIPPED = frozenset(
    qn(tag)
    for tag in (
        "w:del", "w:moveFrom", "w:delText", "w:delInstrText", "w:instrText", "w:txbxContent", "w:drawing",
        "w:pict", "w:object", "w:footnoteReference", "w:endnoteReference", "w:commentReference",
        "w:rPr", "w:pPr", "w:fldData",
    )
) | {"{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"}  # fmt: skip
_BREAKS = frozenset((qn("w:br"), qn("w:cr")))
_TEXT, _TAB, _RUN = qn("w:t"), qn("w:tab"), qn("w:r")
_NO_BREAK_HYPHEN, _SYM = qn("w:noBreakHyphen"), qn("w:sym")


def unreadable_docx() -> DocumentError:
    return DocumentError(_("Không đọc được tệp .docx: tệp hỏng hoặc không đúng định dạng."))


def _unpacked_too_large(limits: Limits) -> DocumentError:
    return DocumentError(
        _("Tệp .docx giải nén ra hơn %(limit)s MB, vượt quá giới hạn.")
        % {"limit": megabytes(limits.max_uncompressed_bytes)}
    )


def check_archive(data: bytes, limits: Limits) -> None:
    """Refuse a .docx whose zip would unpack to more than the limits allow.

    The declared sizes are checked before anything is inflated; then every
    member is inflated a chunk at a time and counted, so a member whose header
    understates its size is stopped at the limit instead of filling memory.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise unreadable_docx() from None
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
                    "size": megabytes(member.file_size),
                    "limit": megabytes(limits.max_uncompressed_bytes),
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
        raise unreadable_docx() from None


class _TextTooLong(Exception):
    pass


def read_docx(data: bytes, limits: Limits) -> str:
    check_archive(data, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        numbering = Numbering(_numbering_element(document), _styles_element(document))
        walk = _Walk(numbering, limits.max_text_chars)
        walk.blocks(document.element.body)
    except _TextTooLong:
        raise text_over_limit(limits) from None
    except MemoryError:
        raise
    except Exception:  # python-docx raises zip, XML and value errors alike
        logger.info("Unreadable .docx upload", exc_info=True)
        raise unreadable_docx() from None
    return "\n".join(walk.lines)


def _numbering_element(document):
    try:
        return document.part.numbering_part.element
    except (KeyError, NotImplementedError):  # no numbering part
        return None


def _styles_element(document):
    try:
        return document.part.styles.element
    except (KeyError, NotImplementedError):
        return None


def _hidden(run) -> bool:
    vanish = run.find(f"{qn('w:rPr')}/{qn('w:vanish')}")
    return vanish is not None and vanish.get(qn("w:val"), "true") not in ("0", "false")


def _symbol(element) -> str:
    char = element.get(qn("w:char")) or ""
    try:
        code = int(char, 16)
    except ValueError:
        return ""
    # Symbol-font characters are stored in the private-use area; F0B7 is the bullet.
    return "-" if 0xF000 <= code <= 0xF0FF else chr(code)


class _Walk:
    """Paragraphs and table cells in document order, under a text budget."""

    def __init__(self, numbering: Numbering, max_chars: int) -> None:
        self.numbering = numbering
        self.lines: list[str] = []
        self._used = 0
        self._max = max_chars

    def blocks(self, container) -> None:
        for child in container.iterchildren():
            tag = child.tag
            if tag == qn("w:p"):
                self._paragraph(child)
            elif tag == qn("w:tbl"):
                for row in child.iterchildren(qn("w:tr")):
                    for cell in row.iterchildren(qn("w:tc")):
                        self.blocks(cell)
            elif tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:ins"), qn("w:moveTo")):
                self.blocks(child)

    def _paragraph(self, paragraph) -> None:
        parts: list[str] = []
        self._inline(paragraph, parts)
        text = "".join(parts)
        label = self.numbering.label(paragraph)
        if label:
            text = f"{label} {text.lstrip()}"
        self._used += len(text) + 1
        if self._used > self._max:
            raise _TextTooLong
        self.lines.extend(text.split("\n"))

    def _inline(self, element, parts: list[str]) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED:
                continue
            if tag == _TEXT:
                parts.append(child.text or "")
            elif tag == _TAB:
                parts.append("\t")
            elif tag in _BREAKS:
                parts.append("\n")
            elif tag == _NO_BREAK_HYPHEN:
                parts.append("-")
            elif tag == _SYM:
                parts.append(_symbol(child))
            elif tag == _RUN and _hidden(child):
                continue
            else:  # runs, hyperlinks, insertions, smart tags, simple fields, inline content controls
                self._inline(child, parts)
