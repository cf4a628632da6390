from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def issued_on(value: str, style: str = "long") -> str:
    """ "2024-08-28" → "ngày 28 tháng 8 năm 2024" (long) or "28/8/2024" (short); a
    reduced date keeps only what the draft gave ("tháng 11 năm 2019", "năm 2023")."""
    pieces = (value or "").split("-")
    if not all(piece.isdigit() for piece in pieces) or len(pieces) > 3:
        return value or ""  # not a stored date ("17/6/2021" as read): shown as it is
    parts = [int(piece) for piece in pieces]
    if style == "short":
        return "/".join(str(part) for part in reversed(parts))
    names = {1: _("năm %(y)d"), 2: _("tháng %(m)d năm %(y)d"), 3: _("ngày %(d)d tháng %(m)d năm %(y)d")}
    values = dict(zip(("y", "m", "d"), parts, strict=False))
    return names[len(parts)] % values
