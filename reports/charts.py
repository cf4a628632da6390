"""Server-drawn SVG charts: numbers turned into coordinates here, drawn by the
template. Nothing is loaded from the internet and the page works without JavaScript."""

from dataclasses import dataclass

BAR_AREA = 220  # SVG units between the label column and the value column


@dataclass
class Bar:
    label: str
    value: int
    length: float  # SVG units, the widest bar filling BAR_AREA


def bars(items: list[tuple[str, int]], *, scale_to: int | None = None) -> list[Bar]:
    """Horizontal bars; `scale_to` fixes the full length (100 for percentages)."""
    widest = scale_to or max((value for _, value in items), default=0) or 1
    return [Bar(label, value, round(BAR_AREA * value / widest, 1)) for label, value in items]


def polyline(points: list[tuple[object, int]], *, width: int = 600, height: int = 160) -> str:
    """SVG polyline coordinates for a cumulative series, left to right."""
    if not points:
        return ""
    top = max(value for _, value in points) or 1
    step = width / max(len(points) - 1, 1)
    return " ".join(
        f"{round(i * step, 1)},{round(height - height * value / top, 1)}" for i, (_, value) in enumerate(points)
    )
