"""Find the documents a directive cites and match them to known documents.

A citation is a document code ("874/QĐ-BTTTT", "72/2013/NĐ-CP") usually
preceded by its kind ("Quyết định số") and followed by its date, or a law
cited by title and year ("Luật An ninh mạng năm 2018"). Known documents come
from the catalogue plus directives already stored; a code that is not known
but is one typing slip away from a known code gets a suggestion, because
letters do cite wrong numbers (the tax letter cites 847/QĐ-BTTTT for
874/QĐ-BTTTT).
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.utils.translation import gettext as _

from .catalogue import normalise_code
from .cleaning import collapse, fold

# Superscript and subscript characters that Word or OCR leave inside codes.
_SCRIPTS = "\u00b2\u00b3\u00b9\u1d2c-\u1d6a\u1d9c-\u1dbf\u2070-\u209c"
# The runs below are possessive: what follows each (a separator, a script mark, the
# end of the code) can never start with a character of the run, so giving some of
# it back could not make a match and would only cost time.
NUMBER_PATTERN = rf"\d{{1,5}}(?:\^?[a-zA-Z{_SCRIPTS}]\^?(?![a-zA-Z]))?[{_SCRIPTS}]*+"
_SEPARATOR = r"\s?/\s?"
_SYMBOL_HEAD = rf"[A-ZĐ][A-Za-zĐđ0-9&]*+[{_SCRIPTS}]*+"
_SYMBOL_PART = rf"\s?-\s?[A-ZĐ0-9&][A-Za-zĐđ0-9&]*+[{_SCRIPTS}]*+"
CODE_RE = re.compile(
    rf"(?<![\w/])(?P<code>{NUMBER_PATTERN}(?:{_SEPARATOR}\d{{4}})?{_SEPARATOR}"
    rf"{_SYMBOL_HEAD}(?:{_SYMBOL_PART})*)(?![\w/]|-[^\W_])"
)

# Canonical spelling of each kind of document, longest names first so that
# "Thông tư liên tịch" wins over "Thông tư".
# fmt: off
KINDS = (
    "Thông tư liên tịch", "Nghị quyết liên tịch", "Bộ luật", "Hiến pháp", "Pháp lệnh", "Luật",
    "Nghị định", "Nghị quyết", "Quyết định", "Chỉ thị", "Thông tư", "Kế hoạch", "Công văn",
    "Công điện", "Thông báo", "Hướng dẫn", "Chương trình", "Kết luận", "Quy định", "Quy chế",
    "Báo cáo", "Tờ trình", "Đề án", "Văn bản",
)
# fmt: on
_KIND_BY_FOLD = {fold(kind): kind for kind in KINDS}
_KIND_RE = re.compile(
    r"(?<![^\W_])(?:" + "|".join(re.escape(k) for k in KINDS) + r")(?![^\W_])",
    re.IGNORECASE,
)
# What may sit between the kind and the code: "số", or a title then "số"
# ("Luật An ninh mạng số 24/2018/QH14").
_KIND_GAP_RE = re.compile(
    r"^(?:\s++(?P<title>[^\s,;:()\d/]++(?:\s++[^\s,;:()\d/]++){0,9}?)\s++số|\s*+(?:số)?)\s*+:?\s*+$",
    re.IGNORECASE,
)
_DATE_AFTER_RE = re.compile(
    r"^\s*+(?:,\s*+)?(?:(?:được\s++)?ban hành\s++)?ngày\s++(?:"
    r"(?P<d>\d{1,2})\s*+[/.-]\s*+(?P<m>\d{1,2})\s*+[/.-]\s*+(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2})\s++tháng\s++(?P<m2>\d{1,2})\s++năm\s++(?P<y2>\d{4}))",
    re.IGNORECASE,
)
# A code glued to the date after it ("607/QĐ-UBNDngày 27 tháng 5"), as web copies leave it.
_GLUED_DATE_RE = re.compile(r"(?<=[A-ZĐ0-9])(?=ngày\s)")
_LOWER = "a-zàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ"
# A comma may sit inside a law's title ("Luật Cán bộ, công chức") but not
# between two laws ("Luật A, Luật B"): only before a lower-case word.
_LAW_BY_TITLE_RE = re.compile(
    r"(?<![^\W_])(?P<kind>Bộ luật|[Ll]uật)\s++"
    rf"(?P<title>[^\s,;:()\d/]++(?:(?:\s++|,\s++(?=[{_LOWER}]))[^\s,;:()\d/]++){{0,8}}?)"
    r"\s++(?:năm\s++)?(?P<year>(?:19|20)\d{2})(?![\d/])"
)


def clean_code(raw: str) -> str:
    """Canonical code: superscript marks dropped, script digits to ASCII, no spaces."""
    code = unicodedata.normalize("NFKC", raw).replace("^", "")
    return normalise_code(code)


def iso_date(day: str | None, month: str | None, year: str | None) -> str | None:
    """ISO date for a full, valid day/month/year, else None."""
    try:
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except (TypeError, ValueError):
        return None


def _kind_before(text: str, start: int) -> tuple[str | None, str | None, int]:
    """Kind, optional title and start offset of the words introducing a code."""
    window_start = max(0, start - 120)
    window = text[window_start:start]
    kinds = list(_KIND_RE.finditer(window))
    if not kinds:
        return None, None, start
    last = kinds[-1]
    gap = _KIND_GAP_RE.match(window[last.end() :])
    if not gap:
        return None, None, start
    kind = _KIND_BY_FOLD.get(fold(last.group(0)))
    title = None
    if gap.group("title"):
        title = collapse(f"{kind} {gap.group('title')}")
    return kind, title, window_start + last.start()


def _date_after(text: str, end: int) -> tuple[str | None, int]:
    match = _DATE_AFTER_RE.match(text[end : end + 80])
    if not match:
        return None, end
    day, month, year = (match["d"], match["m"], match["y"]) if match["y"] else (match["d2"], match["m2"], match["y2"])
    return iso_date(day, month, year), end + match.end()


def _reference(code: str | None, kind: str | None, date: str | None, title: str | None, text: str) -> dict:
    return {
        "code": code,
        "kind": kind,
        "date": date,
        "title": title,
        "text": collapse(text).replace("^", ""),
        "resolved_to": None,
        "suggestion": None,
    }


def _coded_references(text: str, own_code: str | None, own_date: str | None) -> list[tuple[int, dict]]:
    found: list[tuple[int, dict]] = []
    for match in CODE_RE.finditer(text):
        code = clean_code(match.group("code"))
        kind, title, start = _kind_before(text, match.start())
        date, end = _date_after(text, match.end())
        # The letter's own code is no citation, unless it is an older document's
        # that carries the same code (a Chỉ thị 07/CT-UBND of an earlier year).
        if own_code and code == own_code and (date is None or own_date is None or date == own_date):
            continue
        found.append((start, _reference(code, kind, date, title, text[start:end])))
    return found


# "Luật" (or "Bộ luật") with a capital: the lower-case word is the law in general.
_LAW_WORD_RE = re.compile(r"(?<![^\W_])(?:Bộ luật|Luật)(?![^\W_])")
_TITLE_STOPS = frozenset(("số", "năm", "ngày", "của", "được", "đã", "do", "tại"))
_CLAUSE_END_RE = re.compile(r"[;\n]")
_QUALIFIER_STARTS = frozenset(("của", "được", "đã", "do"))
_LAW_DATE_RE = re.compile(
    r"(?:ngày\s++(?:(?P<d>\d{1,2})\s*+[/.-]\s*+(?P<m>\d{1,2})\s*+[/.-]\s*+(?P<y>\d{4})"
    r"|(?P<d2>\d{1,2})\s++tháng\s++(?P<m2>\d{1,2})\s++năm\s++(?P<y2>\d{4}))"
    r"|(?:năm\s++)?(?P<year>(?:19|20)\d{2}))(?![\d/])",
    re.IGNORECASE,
)
_MAX_TITLE_WORDS = 14
_MAX_QUALIFIER_WORDS = 12


def _title_words(words: list[str]) -> int:
    """How many of the words after "Luật" form its title."""
    count = 0
    for index, word in enumerate(words[:_MAX_TITLE_WORDS]):
        bare = word.rstrip(",")
        following = words[index + 1] if index + 1 < len(words) else ""
        if (
            not bare
            or bare.lower() in _TITLE_STOPS
            or (bare.lower() == "và" and following.startswith("Luật"))
            or any(ch.isdigit() or ch in ';:()/."“”' for ch in bare)
        ):
            break
        count += 1
        # A comma may sit inside a title ("Luật Cán bộ, công chức"), only before a lower-case word.
        if word.endswith(",") and not following[:1].islower():
            break
    return count


def _law_date(rest: str) -> tuple[re.Match | None, int]:
    """The date after a law's title, past a qualifier ("được Quốc hội thông qua",
    "của Hội đồng nhân dân, Ủy ban nhân dân"); the match and its offset in rest."""
    words = rest.split(" ")
    position = 0
    for skipped in range(min(_MAX_QUALIFIER_WORDS, len(words)) + 1):
        match = _LAW_DATE_RE.match(rest, position)
        if match:
            return match, position
        if skipped == len(words) or (skipped == 0 and words[0].lower() not in _QUALIFIER_STARTS):
            return None, 0
        word = words[skipped]
        if any(ch in ";()" or ch.isdigit() for ch in word):
            return None, 0
        position += len(word) + 1
    return None, 0


def _laws_by_title(text: str) -> list[tuple[int, dict]]:
    """Laws cited by title and date: "Luật An ninh mạng năm 2018", "Luật Báo chí ngày
    28 tháng 12 năm 1989", "Luật Tổ chức HĐND và UBND được Quốc hội thông qua ngày ...".
    A law amending another ("Luật sửa đổi, bổ sung ... của Luật X ngày ...") is one
    citation, not X: the date is the amending law's."""
    found: list[tuple[int, dict]] = []
    skip_until = 0
    for match in _LAW_WORD_RE.finditer(text):
        if match.start() < skip_until:
            continue
        window = text[match.end() : match.end() + 400]
        words = window.split(" ")[1:] if window.startswith(" ") else []
        count = _title_words(words)
        if not count:
            continue
        title_words = " ".join(words[:count]).rstrip(",")
        rest_start = 1 + len(" ".join(words[:count])) + 1
        date, offset = _law_date(window[rest_start:])
        if fold(title_words).startswith("sua doi"):
            # The laws it amends, up to the end of its clause, are not cited on their own.
            clause_end = _CLAUSE_END_RE.search(text, match.end(), match.end() + 400)
            skip_until = clause_end.start() if clause_end else match.end() + 400
            continue
        if date is None:
            continue
        if date["year"]:
            when = date["year"]
        else:
            when = iso_date(date["d"] or date["d2"], date["m"] or date["m2"], date["y"] or date["y2"])
        if when is None:
            continue
        kind = "Bộ luật" if match.group(0).startswith("Bộ") else "Luật"
        end = match.end() + rest_start + offset + date.end()
        title = collapse(f"{kind} {title_words}")
        found.append((match.start(), _reference(None, kind, when, title, text[match.start() : end])))
    return found


def find_references(text: str, own_code: str | None = None, own_date: str | None = None) -> list[dict]:
    """Every cited document in order of first appearance, without duplicates."""
    text = _GLUED_DATE_RE.sub(" ", text)
    found = sorted(_coded_references(text, own_code, own_date) + _laws_by_title(text), key=lambda item: item[0])
    seen: set[tuple] = set()
    references = []
    for _position, reference in found:
        key = (
            ("code", reference["code"]) if reference["code"] else ("title", fold(reference["title"]), reference["date"])
        )
        if key not in seen:
            seen.add(key)
            references.append(reference)
    return references


def _number_distance_rank(cited: str, known: str) -> int | None:
    """Rank of the typing slip turning one number into the other, None if none.

    0: two adjacent characters swapped; 1: one character changed;
    2: one character added or removed.
    """
    if cited == known:
        return None
    if len(cited) == len(known):
        diff = [i for i, (a, b) in enumerate(zip(cited, known, strict=True)) if a != b]
        if len(diff) == 1:
            return 1
        if (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and cited[diff[0]] == known[diff[1]]
            and cited[diff[1]] == known[diff[0]]
        ):
            return 0
        return None
    if abs(len(cited) - len(known)) == 1:
        short, long = sorted((cited, known), key=len)
        if any(long[:i] + long[i + 1 :] == short for i in range(len(long))):
            return 2
    return None


def _suggest(reference: dict, known: dict[str, dict]) -> str | None:
    number, _slash, rest = reference["code"].partition("/")
    candidates = []
    for code, entry in known.items():
        known_number, _slash, known_rest = code.partition("/")
        if known_rest != rest:
            continue
        rank = _number_distance_rank(number, known_number)
        if rank is None:
            continue
        known_date = str(entry.get("issued_on") or "") or None  # a date object from a model, or ISO text
        if reference["date"] and known_date and reference["date"] != known_date:
            continue
        candidates.append((rank, code))
    return min(candidates)[1] if candidates else None


def _law_year(code: str, entry: dict) -> str | None:
    issued = str(entry.get("issued_on") or "")
    if issued[:4].isdigit():
        return issued[:4]
    year = re.search(r"/((?:19|20)\d{2})/", code)
    return year.group(1) if year else None


def _strip_law_word(title: str) -> str:
    folded = re.sub(r"^(?:bo luat|luat)\s+", "", fold(title))
    return folded.replace("hdnd", "hoi dong nhan dan").replace("ubnd", "uy ban nhan dan")


def _match_title(reference: dict, known: dict[str, dict]) -> str | None:
    wanted = _strip_law_word(reference["title"] or "")
    for code, entry in known.items():
        title = entry.get("title") or ""
        if title and _strip_law_word(title) == wanted and _law_year(code, entry) == (reference["date"] or "")[:4]:
            return code
    return None


def _drop_title_duplicates(references: list[dict]) -> list[dict]:
    """A law cited both by title and by code is one reference: keep the first."""
    seen = {ref["code"] for ref in references if ref["code"]}
    kept = []
    for reference in references:
        if reference["code"] is None and reference["resolved_to"]:
            if reference["resolved_to"] in seen:
                continue
            seen.add(reference["resolved_to"])
        kept.append(reference)
    return kept


def resolve_references(references: list[dict], known: dict[str, dict]) -> tuple[list[dict], list[str]]:
    """Fill resolved_to/suggestion; return the references and the warnings raised."""
    # Entries other than dicts (None, a bare title) still count as known codes.
    index = {
        normalise_code(str(code)): entry if isinstance(entry, dict) else {} for code, entry in (known or {}).items()
    }
    warnings: list[str] = []
    for reference in references:
        if reference["code"] is None:
            reference["resolved_to"] = _match_title(reference, index)
            continue
        entry = index.get(reference["code"])
        if entry is not None:
            reference["resolved_to"] = reference["code"]
            reference["kind"] = reference["kind"] or entry.get("kind")
            reference["title"] = reference["title"] or entry.get("title")
            continue
        suggestion = _suggest(reference, index)
        if suggestion:
            reference["suggestion"] = suggestion
            warnings.append(
                _("Văn bản trích dẫn %(cited)s không có trong danh mục; có thể là %(suggested)s.")
                % {"cited": reference["code"], "suggested": suggestion}
            )
    return _drop_title_duplicates(references), warnings
