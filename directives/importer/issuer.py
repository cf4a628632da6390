"""Work out which agency issued a letter.

Three sources, most reliable first:

1. the header above the national motto ("UBND TỈNH HÀ TĨNH / SỞ THÔNG TIN VÀ
   TRUYỀN THÔNG"): the lowest agency is the issuer, the lines above it name
   its parent;
2. the body, where the agency speaks in the third person ("Tổng cục Thuế
   yêu cầu ...", "Phòng GD&ĐT yêu cầu ...");
3. the issuer part of the symbol ("TCT-KTNB" -> Tổng cục Thuế).

Header names are written in capitals; they are re-cased the way agency names
are written in running text ("Sở Thông tin và Truyền thông").
"""

from __future__ import annotations

import itertools
import re

from .cleaning import collapse, fold, has_vowel, is_uppercase_text

# Words that open an agency name, folded, longest first.
# fmt: off
_AGENCY_HEADS = tuple(sorted(
    (
        "uy ban nhan dan", "hoi dong nhan dan", "ubnd", "hdnd", "tong cuc", "chi cuc", "cuc", "so",
        "phong", "bo", "vu", "ban", "van phong", "trung tam", "truong", "thanh tra", "vien", "hoc vien",
        "kho bac", "cong an", "dai", "bao", "bao hiem xa hoi", "toa an", "vien kiem sat", "benh vien",
        "cong ty", "chi nhanh", "ngan hang", "doan", "hoi",
    ),
    key=lambda head: -len(head.split()),
))
# fmt: on
# Administrative units: the place name after them is a proper noun.
_ADMIN_UNITS = ("thanh pho", "thi xa", "thi tran", "tinh", "huyen", "quan", "xa", "phuong")
_EXPANSIONS = {"UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân"}
# Initialisms that must keep their capitals even though they hold a vowel.
_KEEP_UPPER = {"UBND", "HĐND", "MTTQ", "TW", "CA", "CP", "QH", "VKSND", "TAND"}

# Symbol prefixes of common issuers, used only when nothing better exists.
_SYMBOL_ISSUERS = {
    "UBND": "Ủy ban nhân dân",
    "TCT": "Tổng cục Thuế",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "STTTT": "Sở Thông tin và Truyền thông",
    "SGDĐT": "Sở Giáo dục và Đào tạo",
    "PGDĐT": "Phòng Giáo dục và Đào tạo",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "SNV": "Sở Nội vụ",
    "BNV": "Bộ Nội vụ",
    "SNN": "Sở Nông nghiệp và Phát triển nông thôn",
    "SYT": "Sở Y tế",
    "BYT": "Bộ Y tế",
    "STC": "Sở Tài chính",
    "BTC": "Bộ Tài chính",
    "BCA": "Bộ Công an",
    "TTG": "Thủ tướng Chính phủ",
    "VPCP": "Văn phòng Chính phủ",
}
# Symbol parts naming a kind of document rather than an issuer ("QĐ-BTTTT").
_KIND_SYMBOLS = {"QĐ", "CT", "KH", "TB", "HD", "TTR", "BC", "NQ", "TT", "NĐ", "CV", "CĐ", "QC", "QY"}

_HEAD_ALTERNATION = (
    r"Ủy ban nhân dân|Uỷ ban nhân dân|UBND|Hội đồng nhân dân|HĐND|Tổng cục|Chi cục|Cục|Sở|"
    r"Phòng|Bộ|Vụ|Ban|Văn phòng|Trung tâm|Trường|Thanh tra|Viện|Học viện|Kho bạc|Công an|"
    r"Bảo hiểm xã hội"
)
# "<agency> yêu cầu / đề nghị / có ý kiến chỉ đạo ..." in the body.
_SPEAKING_AGENCY_RE = re.compile(
    rf"(?<![^\W_])(?P<name>(?:{_HEAD_ALTERNATION})(?:\s++[^\s,;:.()\"“”]++){{1,8}}?)"
    r"\s++(?:yêu cầu|đề nghị|có ý kiến|chỉ đạo|thông báo|hướng dẫn|giao)(?![^\W_])"
)
# "Sở Giáo dục và Đào tạo (GD&ĐT)": a long form followed by its short form.
_DEFINITION_RE = re.compile(r"\((?P<short>[A-ZĐ][A-ZĐ&]{1,11})\)")
_MAX_DEFINITIONS = 200


def _head_length(words: list[str]) -> int:
    """Number of leading words that form an agency head, 0 if none."""
    folded = [fold(word) for word in words]
    for head in _AGENCY_HEADS:
        size = len(head.split())
        if " ".join(folded[:size]) == head:
            return size
    return 0


def _admin_length(words: list[str]) -> int:
    folded = [fold(word) for word in words]
    for unit in _ADMIN_UNITS:
        size = len(unit.split())
        if " ".join(folded[:size]) == unit:
            return size
    return 0


def _is_initialism(word: str) -> bool:
    core = word.strip(".,;:()")
    return core in _KEEP_UPPER or "&" in core or (len(core) >= 2 and not has_vowel(core))


def _capitalise(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def recase_agency(name: str) -> str:
    """Write an all-capitals agency name the way running text writes it.

    "ỦY BAN NHÂN DÂN HUYỆN HẠ LANG" -> "Ủy ban nhân dân huyện Hạ Lang",
    "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" -> "Sở Thông tin và Truyền thông".
    Names already in mixed case are only tidied.
    """
    name = collapse(name)
    if not is_uppercase_text(name):
        return name
    words = name.split()
    if words and words[0] in _EXPANSIONS:
        words = _EXPANSIONS[words[0]].split() + words[1:]
    head = _head_length(words)
    out = [_capitalise(words[0])] + [w.lower() for w in words[1:head]] if head else []
    index = head
    start_of_component, in_place_name = True, False
    while index < len(words):
        word = words[index]
        admin = 0 if in_place_name else _admin_length(words[index:])
        if _is_initialism(word):
            out.append(word)
            start_of_component = False
        elif in_place_name:
            out.append(_capitalise(word))
        elif admin:
            out.extend(w.lower() for w in words[index : index + admin])
            index += admin
            in_place_name = True
            continue
        elif fold(word) == "va":
            out.append("và")
            start_of_component = True
        elif word in ("-", "–"):  # "BỘ VĂN HOÁ - THÔNG TIN": each side is a name
            out.append(word)
            start_of_component = True
        else:
            out.append(_capitalise(word) if start_of_component else word.lower())
            start_of_component = False
        index += 1
    return " ".join(out)


# Heads that open the issuing unit after its parent on the same line, as a
# header cell flattened onto one line writes them ("UBND TỈNH HÀ TĨNH SỞ THÔNG TIN
# VÀ TRUYỀN THÔNG"). "Bảo", "Ban" or "Trường" may start a place name, so a split
# needs a place name already under way.
_UNIT_HEADS = (
    "so", "phong", "chi cuc", "tong cuc", "cuc", "van phong", "trung tam", "thanh tra", "kho bac",
    "cong an", "benh vien", "ban", "truong",
)  # fmt: skip


def _split_parent(line: str) -> list[str]:
    """One header line naming a parent (an agency of a place) and the unit under it.

    The last head with a name after it splits: "UBND THÀNH PHỐ HẢI PHÒNG SỞ Y TẾ"
    holds "PHÒNG" in the place name, "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG" a "TRƯỜNG" at
    its end."""
    words = line.split()
    position = _head_length(words)
    admin = _admin_length(words[position:]) if position else 0
    if not admin:
        return [line]
    split = None
    for index in range(position + admin + 1, len(words) - 1):  # a place word before, a name word after
        folded = f"{fold(words[index])} {fold(words[index + 1])}"
        if any(folded.startswith(head + " ") or folded == head for head in _UNIT_HEADS):
            split = index
    # "... LÀO CAI CHI CỤC THUẾ": the unit's head is "CHI CỤC", not the "CỤC" inside it.
    pair = f"{fold(words[split - 1])} {fold(words[split])}" if split is not None else ""
    if split is not None and split - 1 > position + admin and pair in _UNIT_HEADS:
        split -= 1
    return [line] if split is None else [" ".join(words[:split]), " ".join(words[split:])]


def _agency_units(lines: list[str]) -> list[str]:
    """Group header lines into agency names; a line without a head continues one."""
    units: list[str] = []
    for line in lines:
        words = line.split()
        starts_new = _head_length(words) > 0 and not _admin_length(words)
        if units and not starts_new:
            units[-1] = f"{units[-1]} {line}"
        else:
            units.append(line)
    return units


def _looks_like_agency_line(line: str) -> bool:
    words = line.split()
    return bool(words) and (is_uppercase_text(line) or _head_length(words) > 0) and len(line) <= 120


# Office titles that open an authority line ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ...").
_OFFICE_TITLES = (
    "chu tich", "bo truong", "tong cuc truong", "cuc truong", "giam doc", "thu tuong", "chanh van phong",
    "truong ban", "vien truong", "chanh an",
)  # fmt: skip
# Agencies that issue in their own name under the title of a decision.
_AUTHORITY_HEADS = ("uy ban nhan dan", "ubnd", "hoi dong nhan dan", "bo", "so", "cuc", "tong cuc", "chinh phu")


def authority_agency(line: str) -> str | None:
    """The agency of an authority line: the line under a decision's title that
    says who decides ("ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", "CỤC TRƯỞNG CỤC THUẾ",
    "BỘ TRƯỞNG BỘ VĂN HÓA - THÔNG TIN"), re-cased; None for any other line."""
    text = collapse(line)
    if not text or len(text) > 120 or not is_uppercase_text(text) or any(ch.isdigit() for ch in text):
        return None
    words = text.split()
    folded = fold(text)
    for title in _OFFICE_TITLES:
        if folded.startswith(title + " "):
            words = words[len(title.split()) :]
            folded = fold(" ".join(words))
            break
    if folded.startswith("ban hanh") or not any(
        folded == head or folded.startswith(head + " ") for head in _AUTHORITY_HEADS
    ):
        return None
    return recase_agency(" ".join(words))


def issuer_from_header(header_lines: list[str]) -> str | None:
    """The lowest agency named in the header lines above the motto."""
    lines = [
        part
        for line in header_lines
        if line and _looks_like_agency_line(line)
        for part in _split_parent(collapse(line))
    ]
    if not lines:
        return None
    units = _agency_units(lines)
    issuer = recase_agency(units[-1])
    return issuer if any(has_vowel(word) for word in issuer.split()) else None


def abbreviations(text: str) -> dict[str, str]:
    """Short forms the letter defines itself, e.g. "(GD&ĐT)" -> "Giáo dục và Đào tạo"."""
    found: dict[str, str] = {}
    # A letter defines a short form once, near its first use: looking at the first
    # few bracketed capitals is enough, and keeps a line of thousands of them cheap.
    for match in itertools.islice(_DEFINITION_RE.finditer(text), _MAX_DEFINITIONS):
        short = match.group("short")
        if short in found:
            continue
        # A long form has one word per letter of the short form, plus "và".
        long_form = _long_form(text[max(0, match.start() - 300) : match.start()].split(), short)
        if long_form:
            found[short] = long_form
    return found


def _long_form(words_before: list[str], short: str) -> str | None:
    """Match the short form's letters against the initials of the words before it."""
    letters = list(short)
    taken: list[str] = []
    position = len(words_before) - 1
    while letters and position >= 0:
        word = words_before[position]
        letter = letters[-1]
        ampersand = letter == "&" and fold(word) == "va"
        # Initials compare without accents, except that Đ and D differ.
        initial = fold(word[:1]) == fold(letter) and (letter == "Đ") == (word[:1] in "Đđ")
        if ampersand or initial:
            letters.pop()
        elif fold(word) != "va":
            return None
        taken.append(word)
        position -= 1
    return " ".join(reversed(taken)) if not letters else None


def _expand(name: str, short_forms: dict[str, str]) -> str:
    words = name.split()
    if words and words[0] in _EXPANSIONS:
        words[0] = _EXPANSIONS[words[0]]
    return " ".join(short_forms.get(word, word) for word in words)


def issuer_from_body(body: str) -> str | None:
    """The agency that speaks in the body ("Tổng cục Thuế yêu cầu ...")."""
    short_forms = abbreviations(body)
    for match in _SPEAKING_AGENCY_RE.finditer(body):
        words = match.group("name").split()
        head = _head_length(words) or 1
        after_head = words[head] if head < len(words) else ""
        if after_head[:1].isupper() or _admin_length(words[head:]):
            return _expand(collapse(match.group("name")), short_forms)
    return None


def issuer_from_symbol(symbol: str | None) -> str | None:
    """A best guess from the symbol, for letters with no header and no speaker."""
    if not symbol:
        return None
    parts = [part for part in re.split(r"[-/]", symbol) if part and not part.isdigit()]
    for part in parts:
        if part.upper() in _KIND_SYMBOLS:
            continue
        return _SYMBOL_ISSUERS.get(part.upper())
    return None
