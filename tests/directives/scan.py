"""A seed letter printed onto a page image, as a scanner or a phone would see it.

Pillow draws the lines with DejaVu Sans at about 200 dpi (wrapped at the
margins, markdown marks removed), optionally tilted by a small angle with
some speckle noise; the image can be saved as a PNG or JPEG page photo, or
wrapped into an image-only PDF.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFont

from tests.directives.seeds import FONT

WIDTH, HEIGHT, MARGIN = 1654, 2339, 140  # A4 at 200 dpi


def _wrapped(draw, font, line: str, width: int) -> list[str]:
    words, lines, current = line.split(), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else [""]


def render_pages(
    lines: list[str], *, size: int = 30, tilt: float = 0.0, noise: int = 0, beside: dict[int, str] | None = None
) -> list[Image.Image]:
    """beside: line index -> text printed in the right column of that line (a
    signature beside "Nơi nhận", as Decree 30's borderless table prints it)."""
    font = ImageFont.truetype(str(FONT), size)
    pages, page, draw, y = [], None, None, HEIGHT
    for index, line in enumerate(lines):
        if beside and index in beside:
            draw.text((WIDTH // 2 + 100, y), beside[index], font=font, fill=0)
        for printed in _wrapped(
            ImageDraw.Draw(Image.new("L", (1, 1))), font, line.replace("**", ""), WIDTH - 2 * MARGIN
        ):
            if y > HEIGHT - MARGIN - size:
                page = Image.new("L", (WIDTH, HEIGHT), 255)
                draw, y = ImageDraw.Draw(page), MARGIN
                pages.append(page)
            draw.text((MARGIN, y), printed, font=font, fill=0)
            y += int(size * 1.45)
    rng = random.Random(13)
    finished = []
    for page in pages:
        if noise:
            pixels = page.load()
            for _dot in range(noise):
                pixels[rng.randrange(WIDTH), rng.randrange(HEIGHT)] = rng.randrange(0, 160)
        if tilt:
            page = page.rotate(tilt, resample=Image.BICUBIC, expand=False, fillcolor=255)
        finished.append(page)
    return finished


def page_photo(lines: list[str], *, kind: str = "PNG", **options) -> bytes:
    buffer = io.BytesIO()
    render_pages(lines, **options)[0].save(buffer, kind, quality=85)
    return buffer.getvalue()


def image_only_pdf(lines: list[str], **options) -> bytes:
    pages = render_pages(lines, **options)
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=200, save_all=True, append_images=pages[1:])
    return buffer.getvalue()
