"""Word's automatic numbering and bullets, rendered as Word displays them.

In a .docx the "1." or "-" before a list paragraph is not in its text: the
paragraph names a list (numId) and a level (ilvl), and numbering.xml says,
per abstract list and level, the format (decimal, lowerLetter, bullet...),
the start value and the level text ("%1.", "%2)", ""). Counters run per
list and restart the levels below the one that advances, as Word does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.oxml.ns import qn

_MAX_LEVELS = 9
# Bullets from Symbol/Wingdings (private-use code points) and the usual glyphs
# are written "-" in plain text; "o" and hollow marks on a lower level are "+".
_PLAIN_BULLETS = {"-", "+", "–", "—", "*"}
_HOLLOW_BULLETS = {"o", "◦", "○", "\uf0a7", "\uf06f"}
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"))
_ROMAN += ((50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


@dataclass(frozen=True)
class Level:
    fmt: str = "decimal"
    start: int = 1
    text: str = "%1."


@dataclass
class _List:
    levels: dict[int, Level]
    counters: list[int | None] = field(default_factory=lambda: [None] * _MAX_LEVELS)


def _attr(element, name: str) -> str | None:
    return None if element is None else element.get(qn(name))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _levels(parent) -> dict[int, Level]:
    levels = {}
    for lvl in parent.iterchildren(qn("w:lvl")):
        ilvl = _int(_attr(lvl, "w:ilvl"), 0)
        if 0 <= ilvl < _MAX_LEVELS:
            levels[ilvl] = Level(
                fmt=_attr(lvl.find(qn("w:numFmt")), "w:val") or "decimal",
                start=_int(_attr(lvl.find(qn("w:start")), "w:val"), 1),
                text=_attr(lvl.find(qn("w:lvlText")), "w:val") or "",
            )
    return levels


def _letters(value: int, upper: bool) -> str:
    # Word's letter numbering: a..z, then aa..zz, bbb... (the letter repeated).
    value = max(value, 1)
    letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
    return letter.upper() if upper else letter


def _roman(value: int, upper: bool) -> str:
    out = []
    for size, digits in _ROMAN:
        while value >= size:
            out.append(digits)
            value -= size
    text = "".join(out) or str(value)
    return text.upper() if upper else text


def _format(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        return _letters(value, fmt == "upperLetter")
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(value, fmt == "upperRoman")
    if fmt == "none":
        return ""
    return str(value)  # decimal and the many decimal variants


def _bullet(text: str, ilvl: int) -> str:
    glyph = text.strip()[:1]
    if glyph in _PLAIN_BULLETS:
        return glyph
    if glyph in _HOLLOW_BULLETS and ilvl > 0:
        return "+"
    return "-"


class Numbering:
    """The lists of one document; label() advances them paragraph by paragraph."""

    def __init__(self, numbering_element, styles_element=None) -> None:
        self._abstract: dict[str, dict[int, Level]] = {}
        self._nums: dict[str, tuple[str, dict[int, Level], dict[int, int]]] = {}
        self._lists: dict[str, _List] = {}
        self._style_numbering: dict[str, tuple[str | None, int | None, str | None]] = {}
        if numbering_element is not None:
            for abstract in numbering_element.iterchildren(qn("w:abstractNum")):
                self._abstract[_attr(abstract, "w:abstractNumId")] = _levels(abstract)
            for num in numbering_element.iterchildren(qn("w:num")):
                abstract_id = _attr(num.find(qn("w:abstractNumId")), "w:val")
                overrides, starts = {}, {}
                for override in num.iterchildren(qn("w:lvlOverride")):
                    ilvl = _int(_attr(override, "w:ilvl"), 0)
                    start = override.find(qn("w:startOverride"))
                    if start is not None:
                        starts[ilvl] = _int(_attr(start, "w:val"), 1)
                    overrides.update(_levels(override))
                self._nums[_attr(num, "w:numId")] = (abstract_id, overrides, starts)
        if styles_element is not None:
            for style in styles_element.iterchildren(qn("w:style")):
                num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
                based_on = _attr(style.find(qn("w:basedOn")), "w:val")
                num_id = ilvl = None
                if num_pr is not None:
                    num_id = _attr(num_pr.find(qn("w:numId")), "w:val")
                    ilvl = _int(_attr(num_pr.find(qn("w:ilvl")), "w:val"), 0)
                self._style_numbering[_attr(style, "w:styleId")] = (num_id, ilvl, based_on)

    def _style_num_pr(self, style_id: str | None) -> tuple[str | None, int]:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            num_id, ilvl, based_on = self._style_numbering.get(style_id, (None, None, None))
            if num_id is not None:
                return num_id, ilvl or 0
            style_id = based_on
        return None, 0

    def _list(self, num_id: str) -> _List | None:
        if num_id not in self._lists:
            if num_id not in self._nums:
                return None
            abstract_id, overrides, starts = self._nums[num_id]
            levels = {**self._abstract.get(abstract_id, {}), **overrides}
            levels = {
                ilvl: Level(level.fmt, starts.get(ilvl, level.start), level.text) for ilvl, level in levels.items()
            }
            self._lists[num_id] = _List(levels)
        return self._lists[num_id]

    def label(self, paragraph) -> str:
        """The prefix Word shows before this w:p ("1.", "a)", "-"), or ""."""
        p_pr = paragraph.find(qn("w:pPr"))
        num_pr = None if p_pr is None else p_pr.find(qn("w:numPr"))
        num_id, ilvl = None, 0
        if num_pr is not None:
            num_id = _attr(num_pr.find(qn("w:numId")), "w:val")
            ilvl = _int(_attr(num_pr.find(qn("w:ilvl")), "w:val"), 0)
        if num_id is None and p_pr is not None:
            num_id, ilvl = self._style_num_pr(_attr(p_pr.find(qn("w:pStyle")), "w:val"))
        if num_id in (None, "0"):  # numId 0 switches a style's numbering off
            return ""
        current = self._list(num_id)
        ilvl = min(max(ilvl, 0), _MAX_LEVELS - 1)
        if current is None or ilvl not in current.levels:
            return ""
        level = current.levels[ilvl]
        counters = current.counters
        counters[ilvl] = level.start if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, _MAX_LEVELS):
            counters[deeper] = None
        if level.fmt == "bullet":
            return _bullet(level.text, ilvl)
        text = level.text
        for index in range(ilvl, -1, -1):  # %10 cannot occur: nine levels at most
            value = counters[index]
            if value is None:
                value = current.levels[index].start if index in current.levels else 1
            fmt = current.levels[index].fmt if index in current.levels else "decimal"
            text = text.replace(f"%{index + 1}", _format(value, fmt))
        return text.strip()
