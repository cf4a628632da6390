"""The private self-check of a draft post (3821/TCT-KTNB §2: "rà soát kỹ nội dung
trước khi đăng tải"). Pure: takes the draft and returns flags; it writes nothing,
logs nothing and keeps nothing. Each flag quotes the rule and the words found.

The built-in patterns below come from the letters; administrators add terms
(FlagTerm) and questions (CheckQuestion) as data."""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from social.models import TermKind

SECRETS_RULE = _(
    "“Không đăng tải các thông tin liên quan đến danh mục bí mật nhà nước, công việc của cơ quan mà chưa được "
    "Thủ trưởng đơn vị cho phép lên mạng xã hội.” (Công văn số 3821/TCT-KTNB, mục 2)"
)
PERSONAL_RULE = _(
    "“Không đăng tải những nội dung vi phạm pháp luật, các thông tin … ảnh hưởng đến quyền và lợi ích hợp pháp của "
    "các tổ chức, cá nhân khác.” (Công văn của Sở Nông nghiệp và PTNT Ninh Bình); dữ liệu cá nhân được bảo vệ theo "
    "Nghị định số 13/2023/NĐ-CP."
)
OFFENSIVE_RULE = _(
    "“Không đăng tải … các thông tin xúc phạm danh dự, nhân phẩm …; sử dụng ngôn ngữ phản cảm, vi phạm thuần phong "
    "mỹ tục.” (Công văn của Sở Thông tin và Truyền thông Hà Tĩnh, mục 1)"
)
HATE_RULE = _(
    "“Không sử dụng từ ngữ gây thù hận, kích động bạo lực, phân biệt vùng miền, giới tính, tôn giáo.” (Công văn của "
    "Sở Nông nghiệp và PTNT Ninh Bình)"
)
UNVERIFIED_RULE = _(
    "“Chia sẻ những thông tin có nguồn chính thống, đáng tin cậy.”; không “tung tin giả, tin sai sự thật”. (Công văn "
    "của Sở Nông nghiệp và PTNT Ninh Bình)"
)

# Markings of classified or internal documents. "mật" alone is a marking only when it
# is not part of a common word (mật khẩu: password, mật ong: honey, mật độ: density…).
CLASSIFIED_MARKINGS = ["tuyệt mật", "tối mật", "lưu hành nội bộ", "bí mật nhà nước", "tài liệu mật", "văn bản mật"]
_MAT = re.compile(
    r"(?<![\w])(?<!tuyệt )(?<!tối )(?<!bí )mật(?!\s+(?:khẩu|ong|thiết|độ|mã|báo|thám|vụ|ngữ|đàm|danh|hiệu))(?![\w])",
    re.IGNORECASE,
)
UNVERIFIED_MARKERS = [
    "nghe nói", "nghe đồn", "tin đồn", "nghe bảo", "chưa kiểm chứng", "chưa được kiểm chứng", "chưa xác minh",
    "chưa được xác minh", "nguồn tin riêng", "nguồn tin giấu tên", "tin rò rỉ", "chưa rõ thực hư", "không biết thật hư",
    "chia sẻ gấp", "share gấp",
]  # fmt: skip

_CCCD = re.compile(r"(?<!\d)\d{12}(?!\d)")
# Vietnamese phone numbers: mobiles 0[35789]x xxx xxxx, landlines 02xx xxx xxxx,
# also +84 and with dots, dashes or spaces between groups ("0799.116.888").
_PHONE = re.compile(r"(?<![\d+])(?:\+84|0)(?:[\s.-]?\d){9,10}(?![\d])")
# Licence plates: 30A-123.45, 29A1-234.56, 51F 12345, 29B-1234.
_PLATE = re.compile(r"(?<![\w])\d{2}[A-Z][A-Z0-9]?[\s-]?(?:\d{3}\.?\d{2}|\d{4})(?![\w])")
# Addresses: a house number with a lane or street, or a numbered lane.
_ADDRESS = re.compile(
    r"(?<![\w])(?:số nhà\s*\d+\w*|số\s+\d+[A-Za-z]?(?:/\d+)*\s*,?\s*(?:ngõ|ngách|hẻm|kiệt|đường|phố)\s+[^\n,.;]{1,40}"
    r"|(?:ngõ|ngách|hẻm|kiệt)\s+\d+(?:/\d+)*)",
    re.IGNORECASE,
)


@dataclass
class Flag:
    kind: str
    title: str
    rule: str
    words: list[str] = field(default_factory=list)


@dataclass
class Question:
    question: str
    obligation: str
    source: str


@dataclass
class Result:
    flags: list[Flag]
    questions: list[Question]
    at: datetime.datetime


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "")


def _unique(words) -> list[str]:
    seen: dict[str, None] = {}
    for word in words:
        seen.setdefault(" ".join(word.split()), None)
    return list(seen)


def _phrases(text: str, phrases) -> list[str]:
    found = []
    for phrase in phrases:
        pattern = r"(?<![\w])" + r"\s+".join(re.escape(part) for part in _nfc(phrase).split()) + r"(?![\w])"
        found += [match.group(0) for match in re.finditer(pattern, text, re.IGNORECASE)]
    return found


def _phone_numbers(text: str) -> list[str]:
    numbers = []
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if digits.startswith("84"):
            digits = "0" + digits[2:]
        if (len(digits) == 10 and digits[1] in "35789") or (len(digits) == 11 and digits[1] == "2"):
            numbers.append(match.group(0).strip())
    return numbers


def working_hours(at: datetime.datetime) -> bool:
    """Monday to Friday inside one of SOCIAL_WORKING_HOURS, local time."""
    local = timezone.localtime(at)
    if local.weekday() >= 5:
        return False
    minute = local.hour * 60 + local.minute
    return any(start <= minute < end for start, end in settings.SOCIAL_WORKING_HOURS)


def check(*, text: str, terms, questions, at: datetime.datetime | None = None) -> Result:
    """The flags of a draft. `terms` are (term, kind) pairs; `questions` the
    CheckQuestion rows that apply to the person (with obligation and directive).
    Returns flags in a fixed order and the questions to ask oneself."""
    text = _nfc(text)
    at = at or timezone.now()
    terms = list(terms)
    flags: list[Flag] = []

    classified = _phrases(text, CLASSIFIED_MARKINGS + [t for t, k in terms if k == TermKind.CLASSIFIED])
    classified += [m.group(0) for m in _MAT.finditer(text)]
    if classified:
        flags.append(
            Flag("classified", str(_("Dấu hiệu tài liệu mật hoặc nội bộ")), str(SECRETS_RULE), _unique(classified))
        )

    personal = [
        (_("Số căn cước công dân (12 chữ số)"), [m.group(0) for m in _CCCD.finditer(text)]),
        (_("Số điện thoại"), _phone_numbers(text)),
        (_("Biển số xe"), [m.group(0) for m in _PLATE.finditer(text)]),
        (_("Địa chỉ nhà"), [m.group(0).strip() for m in _ADDRESS.finditer(text)]),
    ]
    for label, words in personal:
        if words:
            flags.append(
                Flag(
                    "personal",
                    str(_("Dữ liệu cá nhân: %(what)s") % {"what": label}),
                    str(PERSONAL_RULE),
                    _unique(words),
                )
            )

    for kind, title, rule in (
        (TermKind.OFFENSIVE, _("Từ ngữ phản cảm, xúc phạm"), OFFENSIVE_RULE),
        (TermKind.HATE, _("Từ ngữ gây thù hận, kích động, phân biệt"), HATE_RULE),
    ):
        words = _phrases(text, [t for t, k in terms if k == kind])
        if words:
            flags.append(Flag(str(kind), str(title), str(rule), _unique(words)))

    unverified = _phrases(text, UNVERIFIED_MARKERS + [t for t, k in terms if k == TermKind.UNVERIFIED])
    if unverified:
        flags.append(
            Flag("unverified", str(_("Dấu hiệu thông tin chưa kiểm chứng")), str(UNVERIFIED_RULE), _unique(unverified))
        )

    questions = list(questions)
    forbidding = [q for q in questions if q.forbids_working_hours]
    if forbidding and working_hours(at):
        obligation = forbidding[0].obligation
        directive = obligation.version.directive
        flags.append(
            Flag(
                "working_hours",
                str(_("Đăng trong giờ làm việc")),
                f"“{obligation.text}” ({directive.code or directive.subject[:60]}, {obligation.label})",
                [date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")],
            )
        )
    asked = [
        Question(
            q.question, q.obligation.text,
            f"{q.obligation.version.directive.code or q.obligation.version.directive.subject[:60]}, {q.obligation.label}",
        )
        for q in questions
    ]  # fmt: skip
    return Result(flags=flags, questions=asked, at=at)
