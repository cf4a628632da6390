"""The list-shaped parts of a letter: recipients, obligations, distribution,
and the signature block.

Every function takes cleaned lines (see cleaning.clean_lines) and tolerates
what text extraction does to layout: blank lines lost (PDF), a signature
printed beside "Nơi nhận" in a two-column table, page breaks inside items.
"""

from __future__ import annotations

import re

from .cleaning import collapse, fold, has_vowel, is_uppercase_text

# Possessive runs (*+): the token after each cannot start with a space (or, for
# \W*+, with a letter), so no match is lost and none is retried; see parser.py.
BULLET_RE = re.compile(r"^[-–—•·*]\s*+(?=\S)")
PLUS_RE = re.compile(r"^\+\s*+(?=\S)")
ARABIC_RE = re.compile(r"^(?P<label>\d{1,2})\s*+[.)](?!\d)\s*+(?=\S)")
ROMAN_RE = re.compile(r"^(?P<label>X{0,3}(?:IX|IV|V?I{0,3}))\s*+[.)]\s*+(?=\S)")
KINH_GUI_RE = re.compile(r"^\W*+Kính\s*+gửi\s*+:?\s*+", re.IGNORECASE)
NOI_NHAN_RE = re.compile(r"^\W*+Nơi\s*+nhận\s*+:?\s*+", re.IGNORECASE)
# Columns of a two-column table flattened onto one line (text pasted from
# Word) are separated by a wide gap; a distribution item or a title never
# holds three spaces in a row.
_COLUMN_GAP_RE = re.compile(r"\s{3,}")
_CLOSING_OPENERS = ("tren day", "tran trong", "noi nhan")
_ITEM_END_RE = re.compile(r"[;:.]\s++")
# A distribution list flattened onto one line ("Nơi nhận: - Như trên; - Sở Nội vụ (b/c);
# - Lưu: VT."): an item ends at its punctuation or closing bracket and the next
# opens with a dash. A dash inside a name ("Bà Rịa - Vũng Tàu") follows a letter.
_FLAT_ITEM_RE = re.compile(r"(?<=[;,.)])\s++(?=[-–+]\s)")
# A signing title is at most 80 characters (is_title_line) and a name six words.
_BESIDE_MAX = 80
_SIGNING_TITLE_RE = re.compile(
    r"^(?:TM|KT|TL|TUQ|Q)\.|CHỦ TỊCH|GIÁM ĐỐC|TRƯỞNG|THỦ TƯỚNG|CHÁNH|BÍ THƯ|PHÓ|TỔNG CỤC|CỤC TRƯỞNG"
)
# Words of office titles; an all-capitals line without any of them after
# the titles is the signer's name written in capitals. Not "văn", "nhân", "dân" or
# "đồng": names hold them ("NGUYỄN VĂN AN"), and every title holding one holds
# another word here too ("VĂN PHÒNG", "ỦY BAN NHÂN DÂN", "HỘI ĐỒNG").
# fmt: off
_OFFICE_WORDS = frozenset((
    "chủ", "tịch", "giám", "đốc", "trưởng", "phó", "chánh", "bí", "tổng", "tm.", "kt.", "tl.", "q.",
    "ban", "cục", "sở", "phòng", "vụ", "viện", "ủy", "uỷ", "hội", "bộ", "thủ", "tướng",
))
# fmt: on


def strip_item(text: str) -> str:
    """An item without its bullet and trailing separators."""
    text = BULLET_RE.sub("", collapse(text))
    text = PLUS_RE.sub("", text)
    return text.rstrip(" ;,.").strip()


def roman_label(line: str) -> str | None:
    match = ROMAN_RE.match(line)
    return match.group("label") if match and match.group("label") else None


def is_list_line(line: str) -> bool:
    return bool(BULLET_RE.match(line) or PLUS_RE.match(line) or ARABIC_RE.match(line) or roman_label(line))


def is_title_line(text: str) -> bool:
    """An office title of the signature block ("TL. GIÁM ĐỐC", "CHỦ TỊCH")."""
    text = collapse(text)
    return (
        len(text) <= 80
        and is_uppercase_text(text)
        and not any(ch.isdigit() for ch in text)
        and not BULLET_RE.match(text)
        and any(len(word) > 1 and has_vowel(word) for word in text.split())
    )


def is_name_line(text: str) -> bool:
    """A person's name: two to six capitalised words of letters only."""
    words = collapse(text).split()
    return 2 <= len(words) <= 6 and all(
        word.isalpha() and word[0].isupper() and (len(word) == 1 or word[1:].islower()) for word in words
    )


def _is_stamp(text: str) -> bool:
    """ "(Đã ký)", "[signed]" or "đã ký" in the signature block."""
    text = collapse(text)
    return (text[:1] in "([" and text[-1:] in ")]" and len(text) > 1) or text.lower() == "đã ký"


def recipients(lines: list[str], index: int) -> tuple[list[str], int]:
    """Items of the "Kính gửi" block at lines[index]; also the next line index."""
    inline = KINH_GUI_RE.sub("", lines[index], count=1).strip()
    items = [inline] if inline else []
    in_bullets = bool(inline and BULLET_RE.match(inline))
    position = index + 1
    while position < len(lines):
        line = lines[position]
        if not line:
            position += 1
            continue
        bulleted = bool(BULLET_RE.match(line) or PLUS_RE.match(line))
        # Without bullets, each recipient but the last ends with ";" or ",".
        unbulleted_follows = not in_bullets and (not items or items[-1].rstrip()[-1:] in ";,")
        if bulleted or (unbulleted_follows and not is_list_line(line) and len(line) <= 200):
            items.append(line)
            in_bullets = in_bullets or bulleted
            position += 1
            continue
        break
    return [item for item in map(strip_item, items) if item], position


def _is_closing(line: str) -> bool:
    text = line.rstrip()
    return text.endswith("./.") or fold(text).startswith(_CLOSING_OPENERS)


def _top_level_marker(lines: list[str]) -> str | None:
    """Which marker opens the top-level items: roman, arabic or dash."""
    if any(roman_label(line) for line in lines):
        return "roman"
    if any(ARABIC_RE.match(line) for line in lines):
        return "arabic"
    if any(BULLET_RE.match(line) for line in lines):
        return "dash"
    return None


def _item_start(line: str, marker: str | None) -> tuple[str, str] | None:
    """(label, text) when the line opens a top-level item of this marker."""
    if marker == "roman" and roman_label(line):
        return roman_label(line), ROMAN_RE.sub("", line, count=1)
    if marker == "arabic":
        match = ARABIC_RE.match(line)
        if match:
            return match.group("label"), line[match.end() :]
    if marker == "dash" and BULLET_RE.match(line):
        return "", BULLET_RE.sub("", line, count=1)
    return None


def _until_closing(lines: list[str]) -> list[str]:
    """The body lines up to the closing paragraph or the signature block."""
    kept: list[str] = []
    seen_item = False
    for line in lines:
        if not line:
            continue
        listed = is_list_line(line)
        if seen_item and not listed and (_is_closing(line) or is_title_line(line)):
            break
        kept.append(line)
        seen_item = seen_item or listed
        if listed and seen_item and line.rstrip().endswith("./."):
            break
    return kept


def obligations(body: list[str]) -> list[dict]:
    """Top-level items of the body, each with its sub-items and paragraphs."""
    lines = _until_closing(body)
    marker = _top_level_marker(lines)
    items: list[dict] = []
    for line in lines:
        start = _item_start(line, marker)
        if start:
            label, text = start
            items.append({"label": label or str(len(items) + 1), "text": [collapse(text)]})
        elif items:
            items[-1]["text"].append(collapse(line))
    return [{"label": item["label"], "text": "\n".join(part for part in item["text"] if part)} for item in items]


def _is_signing_title(text: str) -> bool:
    """A title as signed under (Nghị định 30/2020): "KT. CHỦ TỊCH", "GIÁM ĐỐC"..."""
    return is_title_line(text) and bool(_SIGNING_TITLE_RE.search(text))


def _split_beside(segment: str) -> list[str]:
    """Split a signature line printed beside a distribution item.

    PDF text joins the columns of the "Nơi nhận | signature" table with a
    single space: "- Như trên; CHỦ TỊCH". The part after the item's closing
    punctuation is split off when it is a signing title or a name.
    """
    for match in _ITEM_END_RE.finditer(segment):
        # Only the tail can be a title or a name: skipping longer tails keeps a long
        # line of "a; a; a; ..." linear instead of re-reading it at every ";".
        if len(segment) - match.end() > _BESIDE_MAX:
            continue
        item, rest = segment[: match.end()].strip(), segment[match.end() :]
        # "TL. GIÁM ĐỐC" is one title: only an item (bulleted or in running
        # text, not capitals) can have a signature beside it.
        is_item = bool(BULLET_RE.match(item)) or any(ch.islower() for ch in item)
        if is_item and (_is_signing_title(rest) or is_name_line(rest)):
            return [item, rest]
    return [segment]


def _split_title_and_name(segment: str) -> list[str]:
    """A signature cell flattened onto one line: "TL. GIÁM ĐỐC CHÁNH VĂN PHÒNG Bùi Xuân Thư"
    is the titles (in capitals) and, after them, the name (capitalised words)."""
    words = segment.split()
    first_lower = next((i for i, word in enumerate(words) if any(ch.islower() for ch in word)), None)
    if not first_lower:
        return [segment]
    title, name = " ".join(words[:first_lower]), " ".join(words[first_lower:])
    if _is_signing_title(title) and is_name_line(name):
        return [title, name]
    return [segment]


def _segments(lines: list[str]) -> list[str]:
    parts: list[str] = []
    for line in lines:
        for part in _COLUMN_GAP_RE.split(line):
            for item in _FLAT_ITEM_RE.split(part):
                if item.strip():
                    for beside in _split_beside(item.strip()):
                        parts.extend(_split_title_and_name(beside))
    return parts


def _name_in_capitals(titles: list[str]) -> str | None:
    """Treat a last all-capitals line with no office word as the signer's name."""
    if len(titles) < 2:
        return None
    words = titles[-1].lower().split()
    if 2 <= len(words) <= 6 and not set(words) & _OFFICE_WORDS:
        titles.pop()
        return " ".join(word.capitalize() for word in words)
    return None


def distribution_and_signer(tail: list[str]) -> tuple[list[str], list[str], str | None]:
    """Split the section from "Nơi nhận" on into distribution, titles and name."""
    segments = _segments(tail)
    if segments:
        segments[0] = NOI_NHAN_RE.sub("", segments[0], count=1)
    items: list[str] = []
    titles: list[str] = []
    name = None
    for segment in segments:
        if not segment or _is_stamp(segment):
            continue
        if BULLET_RE.match(segment) or PLUS_RE.match(segment):
            items.append(segment)
        elif is_title_line(segment):
            titles.append(collapse(segment))
        elif is_name_line(segment):
            name = collapse(segment)
        elif not titles and name is None and (segment.endswith(";") or fold(segment).startswith("luu")):
            items.append(segment)
    if name is None:
        name = _name_in_capitals(titles)
    return [item for item in map(strip_item, items) if item], titles, name


def signature_before(lines: list[str], end: int) -> tuple[int, list[str], str | None]:
    """A signature block ending just before lines[end], read backwards.

    Returns the index where the block starts (end when there is none), its
    title lines and the signer's name.
    """
    titles: list[str] = []
    name = None
    start = end
    for position in range(end - 1, -1, -1):
        line = lines[position]
        if not line or _is_stamp(line) or not any(has_vowel(w) for w in line.split()):
            continue
        if is_name_line(line) and name is None and not titles:
            name = collapse(line)
        elif is_title_line(line) and not is_list_line(line):
            titles.insert(0, collapse(line))
        else:
            break
        start = position
    if name is None:
        name = _name_in_capitals(titles)
    if not titles and name is None:
        return end, [], None
    return start, titles, name
