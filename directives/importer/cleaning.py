"""Text clean-up shared by the reader and the parser.

Source letters arrive as Word exports, PDF text layers or markdown pasted by
users, so the same defects recur: decomposed Unicode, markdown emphasis,
separator rules, page numbers and paragraphs broken across pages. These
helpers remove that noise without touching the wording.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that carry no text but break matching (BOM, zero-width marks,
# soft hyphen, word joiner).
_INVISIBLE_RE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad]")
# Every Unicode space variant becomes a plain space; tabs keep their width so
# column gaps (two-column layouts) stay detectable.
_SPACES_RE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\x0b\x0c]")
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")

_MARKDOWN_EMPHASIS_RE = re.compile(r"\*+|_{2,}|~~")
_MARKDOWN_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s++")
_MARKDOWN_ESCAPE_RE = re.compile(r"\\([-.*_#()\[\]+])")
_HTML_SCRIPT_RE = re.compile(r"</?su[pb]>", re.IGNORECASE)
# Pandoc superscript ("09^b^") or a caret standing for one ("09^b").
_CARET_RE = re.compile(r"(?<=\w)\^(\w++)\^?")

# A line made only of rule characters ("-------", "___", "* * *").
_RULE_RE = re.compile(r"^[\s\-_=*~.·•–—]*+$")
# Page furniture: "2", "- 2 -", "Trang 2", "Trang 2/5", "Page 2 of 5".
_PAGE_NUMBER_RE = re.compile(
    r"^\s*+(?:[-–—]\s*+)?\d{1,3}(?:\s*+[-–—])?\s*+$"
    r"|^\s*+(?:trang|page)\s++\d{1,3}(?:\s*+(?:/|of|trên)\s*+\d{1,3})?\s*+$",
    re.IGNORECASE,
)
_END_PUNCTUATION = ".;:!?"
# A separator rule left at the end of a header cell ("TỈNH LAI CHÂU -------").
_TRAILING_RULE_RE = re.compile(r"(?<=\S)\s++[-–—_=]{3,}+$")
# "ngày 21 tháng 11 năm" + "2002": a date wrapped before its number.
_DATE_WORD_END = ("ngày", "tháng", "năm")
# Lines that open a lettered sub-item ("a) ...") start in lower case but are
# never the continuation of the previous line.
_LETTERED_ITEM_RE = re.compile(r"^[a-zđ][).]\s")


def normalise(text: str) -> str:
    """Return NFC text with unified newlines and spaces, invisibles removed."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE_RE.sub("", text)
    text = _SPACES_RE.sub(" ", text)
    text = text.replace("\t", "    ")
    return _CONTROL_RE.sub("", text)


def strip_markdown(line: str) -> str:
    """Drop markdown emphasis, heading marks, escapes and <sup>/<sub> tags."""
    line = _MARKDOWN_HEADING_RE.sub("", line)
    line = _MARKDOWN_ESCAPE_RE.sub(r"\1", line)
    line = _HTML_SCRIPT_RE.sub("", line)
    line = _CARET_RE.sub(r"\1", line)
    return _MARKDOWN_EMPHASIS_RE.sub("", line)


def is_furniture(line: str) -> bool:
    """True for separator rules and page numbers, which carry no content."""
    return bool(_RULE_RE.match(line) or _PAGE_NUMBER_RE.match(line))


def collapse(text: str) -> str:
    """Collapse every whitespace run to one space and trim."""
    return " ".join(text.split())


def fold(text: str) -> str:
    """Lower-case, accent-free form for tolerant comparisons (đ becomes d)."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return collapse(stripped.replace("đ", "d"))


def _starts_lowercase(line: str) -> bool:
    first = line[:1]
    return first.isalpha() and first.islower() and not _LETTERED_ITEM_RE.match(line)


def join_broken_lines(lines: list[str]) -> list[str]:
    """Re-join a sentence split across lines or pages.

    A line that stops without closing punctuation and is followed (possibly
    after blank lines left by a page break) by a line starting in lower case
    is one sentence: Vietnamese paragraphs, list items and names all start
    with a capital, a digit or a dash.
    """
    # Each output line is kept as its parts and joined once at the end: growing a
    # string line by line would copy it every time (quadratic on a long paste).
    result: list[list[str]] = []
    pending_blanks = 0
    for line in lines:
        if not line:
            pending_blanks += 1
            continue
        previous = result[-1][-1] if result and result[-1] else ""
        wrapped_date = previous.endswith(_DATE_WORD_END) and line[:1].isdigit() and not pending_blanks
        if wrapped_date or (
            previous and pending_blanks <= 2 and previous[-1] not in _END_PUNCTUATION and _starts_lowercase(line)
        ):
            result[-1].append(line)
        else:
            result.extend([] for _blank in range(pending_blanks))
            result.append([line])
        pending_blanks = 0
    result.extend([] for _blank in range(pending_blanks))
    return [" ".join(parts) for parts in result]


def table_cells(line: str) -> list[str] | None:
    """The cells of a table row copied from a web page ("A | B |"), or None for
    a line that is no table row. A row of empty cells ("|") has no cells."""
    if "|" not in line:
        return None
    return [cell.strip() for cell in line.split("|") if cell.strip()]


def clean_lines(text: str) -> list[str]:
    """Split text into trimmed content lines; blank lines stay as "".

    Table remnants of legal-database pages are undone first: each cell of a
    flattened row becomes a line, and lines of bare "|" disappear."""
    lines = []
    for raw in normalise(text).split("\n"):
        cells = table_cells(raw)
        for cell in [raw] if cells is None else cells:
            line = _TRAILING_RULE_RE.sub("", strip_markdown(cell).strip())
            lines.append("" if is_furniture(line) else line)
    return join_broken_lines(lines)


def is_uppercase_text(text: str) -> bool:
    """True when the text has letters and none of them is lower case."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and not any(ch.islower() for ch in letters)


_VOWELS = set("aeiouy")


def has_vowel(word: str) -> bool:
    """Vietnamese words always hold a vowel; initialisms ("PML") do not."""
    return any(ch in _VOWELS for ch in fold(word))
