"""Card layouts: where the frame, the motif and the lettering go (framed, full-bleed, medal, portrait), one
composition per name in ``domain.catalogue.LAYOUTS``, and the :class:`Card` they compose: the motif pasted
from its own layer, the series name fitted to its band, the edition and policy beneath.

Apart from the motifs because a layout only gives the motif a box, never looks at what it draws; and apart
from ``artwork`` so that the entry points read in a few lines, without the card's geometry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from collectibles.content.drawing import (
    CARD_SIZE,
    RGB,
    SCALE,
    Box,
    Palette,
    Pen,
    burst,
    legible,
    mix,
    point,
)
from collectibles.content.motifs import Motif, Scene

if TYPE_CHECKING:
    from PIL import Image

Mask = Literal["none", "rounded", "round"]


@dataclass(frozen=True)
class Card:
    """A card being drawn: the layout places the lettering and calls :meth:`motif_in`."""

    canvas: Image.Image
    pen: Pen
    palette: Palette
    name: str
    facts: tuple[str, str]
    """``Edition of N`` and the policy's line."""
    theme_name: str
    motif: Motif

    def motif_in(self, box: Box, focus: Box | None = None, mask: Mask = "rounded") -> None:
        """Draw the motif on a layer the size of ``box`` (its ground the background colour) and paste it there,
        clipped to ``mask``; ``focus`` (card pixels) is where its centrepiece goes, ``box`` by default."""
        from PIL import Image, ImageDraw

        x0, y0, x1, y1 = box
        size = (round((x1 - x0) * SCALE), round((y1 - y0) * SCALE))
        whole = mask == "none" and size == self.canvas.size  # then straight onto the card
        layer = self.canvas if whole else Image.new("RGB", size, self.palette.background)
        fx0, fy0, fx1, fy1 = focus or box
        self.motif(
            Scene(
                self.pen if whole else Pen(layer),
                x1 - x0,
                y1 - y0,
                (fx0 - x0, fy0 - y0, fx1 - x0, fy1 - y0),
                self.palette,
                self.name,
            )
        )
        if whole:
            return
        clip = None
        if mask != "none":
            clip = Image.new("L", size, 0)
            shape = ImageDraw.Draw(clip)
            if mask == "round":
                shape.ellipse((0, 0, size[0] - 1, size[1] - 1), fill=255)
            else:
                shape.rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), 18 * SCALE, fill=255)
        self.canvas.paste(layer, point((x0, y0)), clip)

    def title(self, box: Box, fill: RGB, sizes: Sequence[int] = (56, 48, 40, 34)) -> None:
        """The series name, wrapped and centred in ``box`` at the largest size that fits it: one of
        ``sizes``, else smaller (a long word, a very long name), down to 12 px with the rows that fit."""
        x0, y0, x1, y1 = box
        width, height = x1 - x0, y1 - y0
        for size in (*sizes, *range(sizes[-1] - 4, 11, -4)):
            lines = _wrap(self.pen, self.name, size, width)
            widest = max(self.pen.length(line, size) for line in lines)
            if len(lines) * size * 1.2 <= height and widest <= width:
                break
        step = size * 1.2
        lines = lines[: max(1, int(height // step))]
        y = (y0 + y1) / 2 - step * len(lines) / 2 + size * 0.12
        for line in lines:
            self.pen.text(((x0 + x1) / 2, y), line, size, fill)
            y += step

    def lettering(self, top: float, gap: float, fill: RGB, name_fill: RGB, name_gap: float) -> None:
        """Edition size and policy from ``top``, ``gap`` apart, then the theme's name ``name_gap`` lower."""
        edition, policy = self.facts
        self.pen.text((CARD_SIZE[0] / 2, top), edition, 30, fill)
        self.pen.text((CARD_SIZE[0] / 2, top + gap), policy, 30, fill)
        self.pen.text((CARD_SIZE[0] / 2, top + gap + name_gap), self.theme_name, 24, name_fill)


# --- layouts: where the frame, the motif and the lettering go ----------------------------------------------


def _framed(card: Card) -> None:
    """The classic card: a rounded frame, the title, the motif above a rule, the facts below it."""
    pen, p = card.pen, card.palette
    width, height = CARD_SIZE
    pen.rect((18, 18, width - 19, height - 19), outline=p.accent, width=8, radius=28)
    card.title((50, 90, width - 50, 330), legible(p.background, p.text))
    card.motif_in((170, 350, 430, 552))
    pen.rect((18, 560, width - 19, 568), fill=p.accent)
    card.lettering(
        610, 50, legible(p.background, p.text), legible(p.background, p.accent, p.text), 90
    )


def _full_bleed(card: Card) -> None:
    """The motif across the whole card, the title on a panel above it and the facts on one below."""
    pen, p = card.pen, card.palette
    width, height = CARD_SIZE
    card.motif_in((0, 0, width, height), focus=(0, 200, width, 640), mask="none")
    for panel in ((28, 28, width - 28, 188), (28, 650, width - 28, 812)):
        pen.rect(panel, fill=p.highlight, outline=p.accent, width=4, radius=20)
    ink = legible(p.highlight, p.text, p.background)
    card.title((48, 34, width - 48, 182), ink, sizes=(52, 44, 38, 32))
    card.lettering(668, 42, ink, ink, 52)


def _medal(card: Card) -> None:
    """A badge: a round medal hanging from a ribbon over a burst of rays, the title and facts below."""
    pen, p = card.pen, card.palette
    width, _ = CARD_SIZE
    cx, cy, r = width / 2, 320, 190
    rays = mix(p.background, p.highlight, 0.08)
    burst(pen, (cx, cy), 700, 12, rays)
    dark = mix(p.highlight, (0, 0, 0), 0.3)
    pen.polygon([(150, 0), (250, 0), (330, cy - 100), (240, cy - 100)], p.highlight)
    pen.polygon([(width - 150, 0), (width - 250, 0), (270, cy - 100), (360, cy - 100)], dark)
    for x in (200, width - 200):
        pen.line([(x, 0), (cx + (x - cx) * 0.15, cy - 100)], p.accent, 6)
    rim = mix(p.accent, (0, 0, 0), 0.25)
    pen.circle((cx, cy), r, fill=p.accent, outline=rim, width=4)
    pen.circle((cx, cy), r - 14, outline=rim, width=3)
    card.motif_in((cx - r + 26, cy - r + 26, cx + r - 26, cy + r - 26), mask="round")
    ink = legible(p.background, p.text)
    card.title((40, 530, width - 40, 650), ink, sizes=(48, 40, 34, 28))
    card.lettering(668, 44, ink, legible(p.background, p.highlight, p.text), 56)


def _portrait(card: Card) -> None:
    """A framed picture: a double frame with corner studs, the motif in a window, the title on a plate."""
    pen, p = card.pen, card.palette
    width, height = CARD_SIZE
    pen.rect((14, 14, width - 15, height - 15), outline=p.accent, width=10)
    pen.rect((32, 32, width - 33, height - 33), outline=p.accent, width=2)
    for x, y in ((32, 32), (width - 33, 32), (32, height - 33), (width - 33, height - 33)):
        pen.polygon([(x - 14, y), (x, y - 14), (x + 14, y), (x, y + 14)], p.accent)
    window = (56, 56, width - 56, 536)
    card.motif_in(window)
    pen.rect(window, outline=p.accent, width=5, radius=18)
    ink = legible(p.background, p.text)
    card.title((50, 548, width - 50, 668), ink, sizes=(48, 40, 34, 28))
    card.lettering(680, 42, ink, legible(p.background, p.accent, p.text), 54)


LAYOUT_COMPOSITIONS: dict[str, Callable[[Card], None]] = {
    "framed": _framed,
    "full-bleed": _full_bleed,
    "medal": _medal,
    "portrait": _portrait,
}
"""Each name in ``domain.catalogue.LAYOUTS`` and its composition."""


def _wrap(pen: Pen, text: str, size: float, max_width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and pen.length(f"{lines[-1]} {word}", size) <= max_width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]
