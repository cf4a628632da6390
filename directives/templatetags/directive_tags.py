from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def issued_on(value: str, style: str = "long") -> str:
    """ "2024-08-28" → "ngày 28 tháng 8 năm 2024" (long) or "28/8/2024" (short); a
    reduced date keeps only what the draft gave ("tháng 11 năm 2019", "năm 2023")."""
    parts = [int(part) for part in (value or "").split("-") if part.isdigit()]
    if not parts:
        return ""
    if style == "short":
        return "/".join(str(part) for part in reversed(parts))
    names = {1: _("năm %(y)d"), 2: _("tháng %(m)d năm %(y)d"), 3: _("ngày %(d)d tháng %(m)d năm %(y)d")}
    values = dict(zip(("y", "m", "d"), parts, strict=False))
    return names[len(parts)] % values
