"""Server-drawn SVG charts: numbers turned into coordinates here, drawn by the
template. Nothing is loaded from the internet and the page works without JavaScript."""

from dataclasses import dataclass

BAR_AREA = 220  # SVG units between the label column and the value column
ROW = 20  # SVG units per bar


@dataclass
class Bar:
    label: str
    value: int
    length: float  # SVG units, the widest bar filling BAR_AREA
    y: int


def bars(items: list[tuple[str, int]], *, scale_to: int | None = None) -> list[Bar]:
    """Horizontal bars, one ROW apart; `scale_to` fixes the full length (100 for
    percentages)."""
    widest = scale_to or max((value for _, value in items), default=0) or 1
    return [Bar(label, value, round(BAR_AREA * value / widest, 1), i * ROW) for i, (label, value) in enumerate(items)]


def height(chart: list[Bar]) -> int:
    return len(chart) * ROW + 4


def series(points: list[tuple[object, int]], *, width: int = 600, height: int = 160) -> list[tuple[float, float]]:
    """SVG coordinates of a cumulative series, left to right (a single day sits in
    the middle)."""
    if not points:
        return []
    top = max(value for _, value in points) or 1
    step = width / max(len(points) - 1, 1)
    xs = [width / 2] if len(points) == 1 else [round(i * step, 1) for i in range(len(points))]
    return [(x, round(height - height * value / top, 1)) for x, (_, value) in zip(xs, points, strict=True)]
