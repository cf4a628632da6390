from django import template
from django.utils import translation
from django.utils.translation import gettext as _

register = template.Library()

# Written out rather than taken from the calendar module, which follows the server's locale.
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip


@register.filter
def issued_on(value: str, style: str = "long") -> str:
    """ "2024-08-28" → "ngày 28 tháng 8 năm 2024" (long) or "28/8/2024" (short); a
    reduced date keeps only what the draft gave ("tháng 11 năm 2019", "năm 2023")."""
    pieces = (value or "").split("-")
    if not all(piece.isdigit() for piece in pieces) or len(pieces) > 3:
        return value or ""  # not a stored date ("17/6/2021" as read): shown as it is
    parts = [int(piece) for piece in pieces]
    if (translation.get_language() or "").startswith("en"):
        return _english_date(parts, style)
    if style == "short":
        return "/".join(str(part) for part in reversed(parts))
    names = {1: _("năm %(y)d"), 2: _("tháng %(m)d năm %(y)d"), 3: _("ngày %(d)d tháng %(m)d năm %(y)d")}
    values = dict(zip(("y", "m", "d"), parts, strict=False))
    return names[len(parts)] % values


def _english_date(parts: list[int], style: str) -> str:
    """The month by name ("28 Aug 2024", "28 August 2024"): 1/12/2026 reads as two
    different days to English readers."""
    names = MONTHS if style != "short" else [name[:3] for name in MONTHS]
    words = [str(parts[0])]
    if len(parts) > 1:
        words.insert(0, names[parts[1] - 1])
    if len(parts) > 2:
        words.insert(0, str(parts[2]))
    return " ".join(words)
