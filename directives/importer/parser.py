"""Extract the fields of a Vietnamese official letter (công văn, chỉ thị, ...).

The layout follows the state rules for administrative documents (Nghị định
30/2020/NĐ-CP): issuing agency and national motto at the top, "Số: n/SYMBOL",
place and date, the subject ("V/v ..." for a công văn, or a title such as
"CHỈ THỊ" followed by the subject), "Kính gửi", the body, then "Nơi nhận"
beside the signature block. parse() finds each part, tolerating the defects
of real sources, and never raises: what it cannot find is None (or []) with
a Vietnamese warning saying so.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import issuer as issuer_rules
from . import sections
from .catalogue import load_catalogue
from .cleaning import clean_lines, collapse, fold, is_uppercase_text
from .references import NUMBER_PATTERN, clean_code, find_references, iso_date, resolve_references

logger = logging.getLogger(__name__)

# fmt: off
FIELDS = (
    "doc_type", "number", "symbol", "issuer", "place", "issued_on", "subject", "recipients",
    "obligations", "references", "distribution", "signer_title", "signer_name", "warnings",
)
# fmt: on
_LIST_FIELDS = {"recipients", "obligations", "references", "distribution", "warnings"}

# fmt: off
_TITLES = {
    "chi thi": "Chỉ thị", "quyet dinh": "Quyết định", "ke hoach": "Kế hoạch", "thong bao": "Thông báo",
    "huong dan": "Hướng dẫn", "cong van": "Công văn", "cong dien": "Công điện",
    "nghi quyet": "Nghị quyết", "thong tu": "Thông tư", "nghi dinh": "Nghị định",
    "bao cao": "Báo cáo", "to trinh": "Tờ trình", "quy che": "Quy chế", "quy dinh": "Quy định",
    "chuong trinh": "Chương trình", "ket luan": "Kết luận", "de an": "Đề án",
}
# fmt: on
# Every pattern of the importer runs in time linear in the line: no two
# quantifiers may compete for the same characters. Runs that the next token
# cannot start are possessive (*+, ++), so a failed match never re-splits
# them; see tests/directives/test_importer_budget.py.
_MOTTO_RE = re.compile(
    r"C[ỘO]NG\s++H(?:ÒA|OÀ|OA)\s++X|Độc\s++lập\s*+[-–]\s*+Tự\s++do|CHỦ\s++NGHĨA\s++VIỆT\s++NAM", re.IGNORECASE
)
_NUMBER_LINE_RE = re.compile(r"(?<![^\W_])(?:Số|SỐ)\s*+(?::\s*+|(?=[\d./_…]))")
# A number never starts with the filler, so the first run can keep all of it.
_NUMBER_VALUE_RE = re.compile(rf"^[\s._…]*+(?P<number>{NUMBER_PATTERN})?[\s._…]*+$")
_SYMBOL_RE = re.compile(r"^\s*+(?P<symbol>[A-ZĐ0-9][A-Za-zĐđ0-9&]*+(?:\s?[-/]\s?[A-ZĐ0-9&][A-Za-zĐđ0-9&]*+)*)")
_VV_RE = re.compile(r"(?<![^\W_])[Vv]\s?/\s?[Vv](?![^\W_])\s*+[:.]?\s*+")
# The day and month runs hold the blanks of a draft ("ngày   tháng 8") and split
# digits ("2 8"); they take their spaces themselves (possessively) instead of
# sharing them with \s* on both sides, which made this pattern cubic.
_DATE_RE = re.compile(
    r"ngày(?P<day>[\d\s._…]*+)tháng(?P<month>[\d\s._…]*+)năm\s*+(?P<year>\d{4})"
    r"|ngày\s*+(?P<d>\d{1,2})\s*+[/.-]\s*+(?P<m>\d{1,2})\s*+[/.-]\s*+(?P<y>\d{4})",
    re.IGNORECASE,
)
_ABOUT_RE = re.compile(r"^(?:V/v|về việc|về)\s*+:?\s*+", re.IGNORECASE)
# How the body's first paragraph usually opens; it ends a subject when a PDF
# has lost the blank line between them.
_BODY_OPENERS = ("căn cứ", "thực hiện", "trong ", "hiện nay", "thời gian", "để ", "nhằm ", "qua ", "theo ")
_FRONT_LIMIT = 40
# Lines that cite other documents; a "V/v" in them is the cited document's subject.
_CITING_OPENERS = ("can cu", "theo ", "xet ", "thuc hien", "tai ")
# The kind part of a symbol ("QĐ-UBND", "CT-UBND", "09-QC/TW"): what the document is.
# fmt: off
_KIND_BY_SYMBOL = {
    "QĐ": "Quyết định", "CT": "Chỉ thị", "KH": "Kế hoạch", "TB": "Thông báo", "HD": "Hướng dẫn",
    "NQ": "Nghị quyết", "TT": "Thông tư", "NĐ": "Nghị định", "CĐ": "Công điện", "QC": "Quy chế",
    "QYĐ": "Quy định", "QĐi": "Quy định", "BC": "Báo cáo", "TTr": "Tờ trình", "KL": "Kết luận",
    "CTr": "Chương trình", "ĐA": "Đề án",
}
# fmt: on


@dataclass
class Outline:
    """Where the parts of the letter sit, as line indexes."""

    lines: list[str]
    number: int | None = None
    date: int | None = None
    subject: int | None = None
    title: int | None = None
    recipients: int | None = None
    distribution: int | None = None
    authority: int | None = None
    front_end: int = 0
    subject_line: int | None = None  # a subject with neither "V/v" nor a title line


def _is_motto(line: str) -> bool:
    return bool(_MOTTO_RE.search(line))


def _title_kind(line: str) -> str | None:
    folded = fold(line)
    if folded in _TITLES:
        return _TITLES[folded]
    if is_uppercase_text(line) and len(line) <= 80:
        for key, kind in _TITLES.items():
            if folded.startswith(key + " ") and not _is_motto(line):
                return kind
    return None


def _date_match(line: str) -> tuple[re.Match, str | None] | None:
    """The date in a "Place, ngày ... tháng ... năm ..." line, with the place."""
    match = _DATE_RE.search(line)
    if not match:
        return None
    words = []
    for word in reversed(line[: match.start()].rstrip(" ,").split()):
        dash = word in ("-", "–") and bool(words)  # "Bà Rịa – Vũng Tàu"
        if (not word[:1].isupper() and not dash) or any(ch.isdigit() or ch in "/:" for ch in word) or len(words) == 6:
            break
        words.insert(0, word)
    if words and words[0] in ("-", "–"):
        words.pop(0)
    place = " ".join(words) or None
    if place is None and line[: match.start()].strip(" ,"):
        return None
    return match, place


def _is_field_line(line: str) -> bool:
    """Lines that end a subject: any other part of the front matter or the body."""
    return bool(
        not line
        or _is_motto(line)
        or _NUMBER_LINE_RE.match(line)
        or _VV_RE.match(line)
        or _date_match(line)
        or sections.KINH_GUI_RE.match(line)
        or sections.NOI_NHAN_RE.match(line)
        or _title_kind(line)
        or sections.is_list_line(line)
    )


def _is_subject_line(line: str) -> bool:
    """ "V/v ..." opening the line, or beside the number of a flattened header; a
    "V/v" later in a line is the subject of a document the line cites."""
    found = _VV_RE.search(line)
    if not found or fold(line).startswith(_CITING_OPENERS):
        return False
    return found.start() == 0 or bool(_NUMBER_LINE_RE.match(line)) or not line[: found.start()].strip(" *_-")


def _outline(lines: list[str]) -> Outline:
    outline = Outline(lines=lines)
    for index in range(len(lines) - 1, -1, -1):
        if sections.NOI_NHAN_RE.match(lines[index]):
            outline.distribution = index
            break
    limit = min(len(lines), _FRONT_LIMIT, len(lines) if outline.distribution is None else outline.distribution)
    for index in range(limit):
        line = lines[index]
        if sections.KINH_GUI_RE.match(line):
            outline.recipients = index
            break
        # Without "Kính gửi", the first list item after the number or date opens the body.
        if sections.is_list_line(line) and (outline.number is not None or outline.date is not None):
            break
        if outline.number is None and _NUMBER_LINE_RE.search(line):
            outline.number = index
        if outline.subject is None and _is_subject_line(line):
            outline.subject = index
        if outline.date is None and _date_match(line):
            outline.date = index
        if outline.title is None and outline.subject is None and _title_kind(line):
            outline.title = index
    found = [i for i in (outline.number, outline.date, outline.subject, outline.title) if i is not None]
    outline.front_end = outline.recipients if outline.recipients is not None else (max(found) + 1 if found else 0)
    outline.authority = _authority_line(outline)
    if outline.title is None and outline.subject is None:
        outline.subject_line = _untitled_subject(outline)
    return outline


def _front_lines(outline: Outline):
    """(index, line) after the number and date lines, up to the body's first
    "Căn cứ" or "QUYẾT ĐỊNH:" line: where the title, subject and authority sit."""
    dated = [i for i in (outline.number, outline.date) if i is not None]
    if not dated:
        return
    start = max(dated) + 1
    for index in range(start, min(len(outline.lines), start + 12)):
        line = outline.lines[index]
        if fold(line).startswith(("can cu", "quyet dinh:", "kinh gui")) or sections.is_list_line(line):
            return
        yield index, line


def _authority_line(outline: Outline) -> int | None:
    for index, line in _front_lines(outline):
        if index != outline.title and issuer_rules.authority_agency(line):
            return index
    return None


def _untitled_subject(outline: Outline) -> int | None:
    """A decision copied without its title line: the capitals line above the authority."""
    if outline.authority is None:
        return None
    for index, line in _front_lines(outline):
        if index == outline.authority:
            return None
        if line and is_uppercase_text(line) and len(line) > 20 and not _is_motto(line):
            return index
    return None


def _number_and_symbol(line: str) -> tuple[str | None, str | None]:
    rest = line[_NUMBER_LINE_RE.search(line).end() :]
    before, slash, after = rest.partition("/")
    if not slash:
        value = re.match(rf"\s*+({NUMBER_PATTERN})", rest)
        return (clean_code(value.group(1)) if value else None), None
    number_match = _NUMBER_VALUE_RE.match(before)
    number = number_match.group("number") if number_match else None
    symbol_match = _SYMBOL_RE.match(after)
    symbol = clean_code(symbol_match.group("symbol")) if symbol_match else None
    return (clean_code(number) if number else None), symbol


def kind_from_symbol(symbol: str | None) -> str | None:
    """The kind a symbol names ("QĐ-UBND" -> Quyết định); a symbol with only
    issuer parts ("VPCP-TCCV") is a công văn's (Nghị định 30/2020, Phụ lục III)."""
    if not symbol:
        return None
    parts = [part for part in re.split(r"[-/.]", symbol) if part and not part.isdigit()]
    for part in parts[:1]:
        if part in _KIND_BY_SYMBOL:
            return _KIND_BY_SYMBOL[part]
    return "Công văn"


def _issued_on(match: re.Match) -> str | None:
    if match.group("y"):
        return iso_date(match.group("d"), match.group("m"), match.group("y"))
    year = match.group("year")
    day = re.sub(r"\D", "", match.group("day") or "")
    month = re.sub(r"\D", "", match.group("month") or "")
    if day and month:
        return iso_date(day, month, year)
    if month and 1 <= int(month) <= 12:
        return f"{year}-{int(month):02d}"
    return year


def _ends_subject(line: str, *, long_line_ends: bool) -> bool:
    """Whether a line after the subject's first line is no longer the subject.

    PDFs keep no blank line between the subject and the body, so the body's
    usual openings, an introductory line ending in ":" and (under a title,
    whose subject's first line may itself be long) a long line all end it.
    """
    return (
        _is_field_line(line)
        or line.lower().startswith(_BODY_OPENERS)
        or line.endswith(":")
        or (long_line_ends and len(line) > 110)
    )


def _subject(outline: Outline) -> str | None:
    lines = outline.lines
    if outline.subject is not None:
        first = lines[outline.subject]
        first = first[_VV_RE.search(first).end() :]
        start = outline.subject
    elif outline.title is not None:
        # Every title is two words ("CHỈ THỊ"); anything after them starts the subject,
        # unless it names who issues it ("QUYẾT ĐỊNH CỦA BỘ TRƯỞNG ...").
        first = " ".join(lines[outline.title].split()[2:])
        first = "" if fold(first).startswith("cua ") else first
        start = outline.title
    elif outline.subject_line is not None:
        first, start = lines[outline.subject_line], outline.subject_line
    else:
        return None
    parts = [first] if first.strip() else []
    following = lines[start + 1 : start + 8]
    if not parts:  # a blank line often follows a standalone "QUYẾT ĐỊNH"
        while following and not following[0]:
            following = following[1:]
    for offset, line in enumerate(following[:6]):
        if start + 1 + offset == outline.authority or issuer_rules.authority_agency(line):
            break
        if parts and _ends_subject(line, long_line_ends=outline.title is not None and bool(parts)):
            break
        if not parts and _is_field_line(line):
            break
        parts.append(line)
    dated = _date_match(" ".join(parts))
    text = collapse(" ".join(parts))
    if dated:
        # A two-column header flattened onto one line: the date sits beside the subject.
        text = collapse(text[: _DATE_RE.search(text).start()]).rstrip(" ,").removesuffix(dated[1] or "")
    text = _ABOUT_RE.sub("", text.strip()).strip().rstrip(" .;:")
    return text or None


def _header_lines(outline: Outline) -> list[str]:
    """Agency lines above (or around) the motto, before the number line."""
    firsts = [
        i for i in (outline.number, outline.subject, outline.date, outline.title, outline.recipients) if i is not None
    ]
    end = min(firsts) if firsts else 0
    header = []
    for line in [line for line in outline.lines[:end] if line][:8]:
        motto = _MOTTO_RE.search(line)
        header.append(line[: motto.start()].strip() if motto else line)
    return [line for line in header if line]


def _issuer(outline: Outline, body: str, whole: str, symbol: str | None, warnings: list[str]) -> str | None:
    found = issuer_rules.issuer_from_header(_header_lines(outline))
    if outline.authority is not None:
        # The authority line names the issuer in full where a copied header lost a
        # line ("ỦY BAN NHÂN DÂN" above, "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA" under the title).
        authority = issuer_rules.authority_agency(outline.lines[outline.authority])
        if not found or fold(found) != fold(authority):
            found = authority
    found = found or issuer_rules.issuer_from_body(body) or issuer_rules.issuer_from_body(whole)
    if found:
        return found
    found = issuer_rules.issuer_from_symbol(symbol)
    if found:
        warnings.append(_("Cơ quan ban hành được suy ra từ ký hiệu văn bản; hãy kiểm tra lại."))
    return found


def _empty_result() -> dict:
    return {field: [] if field in _LIST_FIELDS else None for field in FIELDS}


def parse(text: str, *, known: dict[str, dict] | None = None) -> dict:
    """Fields of the letter in text; see the module docstring. Never raises."""
    try:
        return _parse(text, known)
    except MemoryError:  # out of its memory cap (isolated.py): the caller says so, not "internal error"
        raise
    except Exception:  # a parser bug must not block an upload; the user still gets a form
        logger.exception("Directive parser failed")
        result = _empty_result()
        result["warnings"].append(_("Lỗi nội bộ khi phân tích văn bản; hãy nhập các trường thủ công."))
        return result


def _parse(text: str, known: dict[str, dict] | None) -> dict:
    result = _empty_result()
    lines = clean_lines(text)
    outline = _outline(lines)
    _number_fields(result, outline)
    _date_fields(result, outline)
    _subject_fields(result, outline)
    body_start, body_end = _recipients_and_signature(result, outline)
    body_lines = lines[body_start:body_end]
    result["obligations"] = sections.obligations(body_lines)
    if not result["obligations"]:
        _warn(result, _("Không tìm thấy các nội dung yêu cầu (mục đánh số hoặc gạch đầu dòng)."))
    whole = "\n".join(lines)
    result["issuer"] = _issuer(outline, "\n".join(body_lines), whole, result["symbol"], result["warnings"])
    if result["issuer"] is None:
        _warn(result, _("Không xác định được cơ quan ban hành."))
    _reference_fields(result, whole, load_catalogue() if known is None else known)
    return result


def _warn(result: dict, message: str) -> None:
    result["warnings"].append(message)


def _number_fields(result: dict, outline: Outline) -> None:
    if outline.number is not None:
        result["number"], result["symbol"] = _number_and_symbol(outline.lines[outline.number])
    if result["symbol"] is None:
        _warn(result, _("Không tìm thấy số, ký hiệu văn bản."))
    elif result["number"] is None:
        _warn(result, _("Văn bản chưa có số (ô số để trống, có thể là bản dự thảo)."))


def _date_fields(result: dict, outline: Outline) -> None:
    if outline.date is not None:
        match, place = _date_match(outline.lines[outline.date])
        result["place"], result["issued_on"] = place, _issued_on(match)
    if result["issued_on"] is None:
        _warn(result, _("Không tìm thấy ngày ban hành."))
    elif len(result["issued_on"]) < len("YYYY-MM-DD"):
        _warn(result, _("Ngày ban hành chưa đầy đủ (có thể là bản dự thảo)."))
    if result["place"] is None:
        _warn(result, _("Không tìm thấy địa danh ban hành."))


def _subject_fields(result: dict, outline: Outline) -> None:
    if outline.subject is not None:
        result["doc_type"] = "Công văn"
    elif outline.title is not None:
        result["doc_type"] = _title_kind(outline.lines[outline.title])
    else:
        result["doc_type"] = kind_from_symbol(result["symbol"])
    if result["doc_type"] is None:
        _warn(result, _("Không xác định được loại văn bản."))
    result["subject"] = _subject(outline)
    if result["subject"] is None:
        _warn(result, _("Không tìm thấy trích yếu nội dung."))


def _recipients_and_signature(result: dict, outline: Outline) -> tuple[int, int]:
    """Fill recipients, distribution and signer; return where the body starts and ends."""
    lines = outline.lines
    body_start = outline.front_end
    if outline.recipients is not None:
        result["recipients"], body_start = sections.recipients(lines, outline.recipients)
    if not result["recipients"] and result["doc_type"] == "Công văn":
        _warn(result, _("Không tìm thấy nơi nhận văn bản (Kính gửi)."))

    body_end = len(lines) if outline.distribution is None else outline.distribution
    titles: list[str] = []
    name = None
    if outline.distribution is not None:
        result["distribution"], titles, name = sections.distribution_and_signer(lines[body_end:])
    if not titles and name is None:
        # No signature after "Nơi nhận" (or no "Nơi nhận"): it sits above.
        signature_start, titles, name = sections.signature_before(lines, body_end)
        body_end = max(body_start, signature_start)
    if not result["distribution"]:
        _warn(result, _("Không tìm thấy phần Nơi nhận."))
    result["signer_title"] = " ".join(titles) or None
    result["signer_name"] = name
    if result["signer_title"] is None:
        _warn(result, _("Không tìm thấy chức vụ người ký."))
    if result["signer_name"] is None:
        _warn(result, _("Không tìm thấy họ tên người ký."))
    return body_start, body_end


def _reference_fields(result: dict, whole: str, known: dict[str, dict]) -> None:
    # The letter's own number is not a citation.
    own_code = f"{result['number']}/{result['symbol']}" if result["number"] and result["symbol"] else None
    references, warnings = resolve_references(find_references(whole, own_code, result["issued_on"]), known)
    result["references"] = references
    result["warnings"].extend(warnings)
