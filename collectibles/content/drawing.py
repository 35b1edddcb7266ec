"""The kit every drawn card is made with: card pixels on a canvas drawn :data:`SCALE` times larger, a pen
for Pillow's primitives in those pixels, the theme's four colours, colour arithmetic and the bundled font.

Apart from the layouts and the motifs because both draw with it, and neither needs to know how the canvas is
scaled, which font is used or how a colour is judged legible; nothing here knows what a card shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image, ImageFont

CARD_SIZE = (600, 840)
"""Width and height of a drawn card, in pixels (5:7, a trading card)."""

SCALE = 2
"""Cards are drawn this many times larger and reduced (Pillow's shapes have no anti-aliasing of their own)."""

RGB = tuple[int, int, int]
Box = tuple[float, float, float, float]
Point = tuple[float, float]


@dataclass(frozen=True)
class Palette:
    """A theme's four colours (``Theme.rgb()``, in its order)."""

    background: RGB
    accent: RGB
    text: RGB
    highlight: RGB


class Pen:
    """Pillow's ImageDraw in card pixels on a canvas :data:`SCALE` times larger."""

    def __init__(self, image: Image.Image):
        from PIL import ImageDraw

        self.draw = ImageDraw.Draw(image)

    def ellipse(
        self, box: Box, fill: RGB | None = None, outline: RGB | None = None, width: float = 1
    ) -> None:
        self.draw.ellipse(_px(box), fill=fill, outline=outline, width=_w(width))

    def circle(
        self,
        centre: Point,
        r: float,
        fill: RGB | None = None,
        outline: RGB | None = None,
        width: float = 1,
    ) -> None:
        x, y = centre
        self.ellipse((x - r, y - r, x + r, y + r), fill, outline, width)

    def rect(
        self,
        box: Box,
        fill: RGB | None = None,
        outline: RGB | None = None,
        width: float = 1,
        radius: float = 0,
    ) -> None:
        self.draw.rounded_rectangle(
            _px(box), radius=_w(radius), fill=fill, outline=outline, width=_w(width)
        )

    def polygon(self, points: Sequence[Point], fill: RGB | None = None) -> None:
        self.draw.polygon(_px(c for p in points for c in p), fill=fill)

    def line(self, points: Sequence[Point], fill: RGB, width: float) -> None:
        self.draw.line(_px(c for p in points for c in p), fill=fill, width=_w(width), joint="curve")

    def arc(self, box: Box, start: float, end: float, fill: RGB, width: float) -> None:
        self.draw.arc(_px(box), start, end, fill=fill, width=_w(width))

    def text(self, at: Point, text: str, size: float, fill: RGB, anchor: str = "mt") -> None:
        self.draw.text(point(at), text, font=_font(round(size * SCALE)), fill=fill, anchor=anchor)

    def length(self, text: str, size: float) -> float:
        return self.draw.textlength(text, font=_font(round(size * SCALE))) / SCALE


def burst(pen: Pen, centre: Point, r: float, count: int, fill: RGB) -> None:
    """``count`` rays of a burst reaching ``r`` from ``centre``, each as wide as the gap after it (triangles:
    Pillow fills them far faster than pie slices)."""
    x, y = centre
    step = math.pi / count
    for k in range(count):
        a, b = 2 * k * step, (2 * k + 1) * step
        pen.polygon(
            [
                (x, y),
                (x + math.cos(a) * r, y + math.sin(a) * r),
                (x + math.cos(b) * r, y + math.sin(b) * r),
            ],
            fill,
        )


def _px(coords: object) -> list[int]:
    """Card pixels to canvas pixels."""
    return [round(c * SCALE) for c in coords]  # type: ignore[attr-defined]


def point(at: Point) -> tuple[int, int]:
    """A point in card pixels, on the canvas."""
    return round(at[0] * SCALE), round(at[1] * SCALE)


def _w(width: float) -> int:
    return max(1, round(width * SCALE))


def mix(a: RGB, b: RGB, amount: float) -> RGB:
    """``a`` moved ``amount`` (0 to 1) of the way to ``b``."""
    return (
        round(a[0] + (b[0] - a[0]) * amount),
        round(a[1] + (b[1] - a[1]) * amount),
        round(a[2] + (b[2] - a[2]) * amount),
    )


def legible(ground: RGB, *choices: RGB) -> RGB:
    """The first of ``choices`` legible on ``ground`` (WCAG contrast at least 3:1, the large-text level),
    else whichever of them, black or white contrasts most: a mapping's colours never hide the lettering."""
    for colour in choices:
        if _contrast(ground, colour) >= 3:
            return colour
    return max((*choices, (0, 0, 0), (255, 255, 255)), key=lambda c: _contrast(ground, c))


def _contrast(a: RGB, b: RGB) -> float:
    """WCAG 2 contrast ratio, 1 (same) to 21 (black on white)."""

    def luminance(c: RGB) -> float:
        lin = [v / 3294 if v <= 10 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    # Pillow's bundled font (Aileron, FreeType): available offline, same glyphs everywhere.
    return ImageFont.load_default(size=size)
