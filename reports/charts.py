"""Server-drawn SVG charts: numbers turned into coordinates here, drawn by the
template. Nothing is loaded from the internet and the page works without JavaScript.

Every chart is WIDTH units wide and drawn at 100 % of its column, never narrower than
WIDTH px (the column is at least that wide on a 360 px phone), so FONT-unit text is
never smaller than FONT px. Labels wrap onto as many lines as they need instead of
being cut, and each chart's numbers are also in the table it is described by."""

import datetime
from dataclasses import dataclass, field

WIDTH = 320  # SVG units, and the narrowest the chart is drawn, in px
FONT = 14  # SVG units, so at least 14 px on screen
LINE = 18  # SVG units per line of label text
BAR = 14  # height of a bar
GAP = 10  # between one bar and the next label
VALUE_ROOM = 56  # right of the bars, for the value
CHARS_PER_LINE = 34  # what fits in WIDTH at FONT in a proportional face, with room to spare


@dataclass
class Bar:
    label: str
    value: int
    length: float  # SVG units, the widest bar filling the bar area
    y: int  # top of the label
    lines: list[str] = field(default_factory=list)  # the label, wrapped
    bar_y: int = 0  # top of the bar, below the label's lines

    @property
    def line_ys(self) -> list[int]:
        """Baselines of the label's lines, relative to the chart."""
        return [self.y + FONT + i * LINE for i in range(len(self.lines))]

    @property
    def lines_at(self) -> list[tuple[str, int]]:
        return list(zip(self.lines, self.line_ys, strict=True))

    @property
    def value_y(self) -> int:
        return self.bar_y + BAR - 2


def wrap(text: str, width: int = CHARS_PER_LINE) -> list[str]:
    """Words onto lines of at most `width` characters; a word longer than a line is
    split, so nothing is ever cut off or runs past the chart."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def bars(items: list[tuple[str, int]], *, scale_to: int | None = None) -> list[Bar]:
    """Horizontal bars, each under its wrapped label; `scale_to` fixes the full length
    (100 for percentages)."""
    widest = scale_to or max((value for _, value in items), default=0) or 1
    area = WIDTH - VALUE_ROOM
    chart, y = [], 0
    for label, value in items:
        lines = wrap(str(label))
        bar_y = y + len(lines) * LINE + 2
        chart.append(Bar(label, value, round(area * value / widest, 1), y, lines, bar_y))
        y = bar_y + BAR + GAP
    return chart


def height(chart: list[Bar]) -> int:
    return (chart[-1].bar_y + BAR + 4) if chart else 0


@dataclass
class Series:
    """A cumulative line with its axes: points, the value ticks on the left, the date
    ticks along the bottom, and the value written at each labelled point."""

    points: list[tuple[float, float]]
    y_ticks: list[tuple[float, int]]  # (y, value)
    x_ticks: list[tuple[float, datetime.date]]  # (x, day)
    labels: list[tuple[float, float, int]]  # (x, y, value) written above the point
    left: int
    right: int
    top: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right + 16

    @property
    def height(self) -> int:
        return self.bottom + LINE + 8


def series(points: list[tuple[datetime.date, int]], *, plot_height: int = 150) -> Series | None:
    """SVG coordinates of a cumulative series, left to right (a single day sits in
    the middle), with 0 and the top value on the value axis and the first, middle and
    last days on the date axis."""
    if not points:
        return None
    left, top = 44, 24
    right, bottom = WIDTH - 16, top + plot_height
    span = right - left
    highest = max(value for _, value in points) or 1
    step = span / max(len(points) - 1, 1)
    xs = [left + span / 2] if len(points) == 1 else [round(left + i * step, 1) for i in range(len(points))]
    coords = [(x, round(bottom - plot_height * value / highest, 1)) for x, (_, value) in zip(xs, points, strict=True)]
    middle = (highest + 1) // 2
    y_ticks = [(float(bottom), 0), (round(bottom - plot_height * middle / highest, 1), middle), (float(top), highest)]
    y_ticks = list({value: (y, value) for y, value in y_ticks}.values())
    shown = sorted({0, len(points) // 2, len(points) - 1})
    x_ticks = [(xs[i], points[i][0]) for i in shown]
    labels = [(coords[i][0], coords[i][1] - 8, points[i][1]) for i in shown]
    return Series(coords, y_ticks, x_ticks, labels, left, right, top, bottom)
