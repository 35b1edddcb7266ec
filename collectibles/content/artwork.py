"""Series artwork: the image every edition of a series shares, read from a file or drawn as a themed card.

A drawn card is a PNG (Pillow) with the series name, its edition size and transfer policy, composed by the
theme's layout around its motif in its colours (``domain.catalogue.Theme``: the classic frame and initials, the
Spring Festival's lanterns in a picture frame, a court and ball across the card, an All-Star medal, a tiger).
Everything is drawn with Pillow's primitives and its bundled font, at twice the size and halved (smooth edges);
the same inputs always give the same bytes (no timestamps, fixed compression), so its CID is stable across
runs.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from collectibles.domain.catalogue import Theme
from collectibles.domain.errors import InvalidArtwork
from collectibles.domain.tokens import TransferPolicy

if TYPE_CHECKING:
    from PIL import Image, ImageFont

CARD_SIZE = (600, 840)
"""Width and height of a drawn card, in pixels (5:7, a trading card)."""

_SCALE = 2
"""Cards are drawn this many times larger and reduced (Pillow's shapes have no anti-aliasing of their own)."""

_FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"), "GIF": ("gif", "image/gif"),
            "WEBP": ("webp", "image/webp")}  # fmt: skip

RGB = tuple[int, int, int]
Box = tuple[float, float, float, float]
Point = tuple[float, float]


@dataclass(frozen=True)
class Artwork:
    """An image ready to publish."""

    data: bytes
    filename: str
    """Name in the series folder: ``image.<ext>``."""
    media_type: str


def render_card(
    series_name: str, max_supply: int, policy: TransferPolicy, theme: Theme = Theme()
) -> Artwork:
    """A card PNG for a series in its theme: the name, ``Edition of N``, the policy and the theme's name around
    the theme's motif; :class:`InvalidArtwork` if the theme cannot be drawn."""
    from PIL import Image

    theme.check()
    palette = _Palette(*theme.rgb())
    width, height = CARD_SIZE
    canvas = Image.new("RGB", (width * _SCALE, height * _SCALE), palette.background)
    card = _Card(
        canvas,
        _Pen(canvas),
        palette,
        series_name,
        (f"Edition of {max_supply:,}", policy.terms.card),
        theme.name,
        _MOTIFS[theme.motif],
    )
    _LAYOUTS[theme.layout](card)
    out = io.BytesIO()
    canvas.reduce(_SCALE).save(out, format="PNG", optimize=False, compress_level=6)
    return Artwork(out.getvalue(), "image.png", "image/png")


def load_artwork(path: Path | str) -> Artwork:
    """The image file at ``path`` (PNG, JPEG, GIF or WebP), checked by decoding it."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InvalidArtwork(path, f"cannot read it ({err.strerror})") from None
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as err:
        raise InvalidArtwork(path, f"not an image Pillow can read ({err})") from None
    if kind not in _FORMATS:
        raise InvalidArtwork(path, f"{kind} images are not supported: use PNG, JPEG, GIF or WebP")
    ext, media_type = _FORMATS[kind]
    return Artwork(data, f"image.{ext}", media_type)


def series_artwork(
    series_name: str,
    max_supply: int,
    policy: TransferPolicy,
    image: Path | str | None = None,
    theme: Theme = Theme(),
) -> Artwork:
    """The series image: the file ``image`` when given, else a drawn card."""
    if image:
        return load_artwork(image)
    return render_card(series_name, max_supply, policy, theme)


# --- drawing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Palette:
    background: RGB
    accent: RGB
    text: RGB
    highlight: RGB


class _Pen:
    """Pillow's ImageDraw in card pixels on a canvas :data:`_SCALE` times larger."""

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
        self.draw.text(_point(at), text, font=_font(round(size * _SCALE)), fill=fill, anchor=anchor)

    def length(self, text: str, size: float) -> float:
        return self.draw.textlength(text, font=_font(round(size * _SCALE))) / _SCALE


@dataclass(frozen=True)
class _Scene:
    """Where a motif is drawn: its own layer (``width`` by ``height``), centred on ``focus``."""

    pen: _Pen
    width: float
    height: float
    focus: Box
    palette: _Palette
    series_name: str

    @property
    def centre(self) -> Point:
        x0, y0, x1, y1 = self.focus
        return (x0 + x1) / 2, (y0 + y1) / 2

    @property
    def size(self) -> float:
        x0, y0, x1, y1 = self.focus
        return min(x1 - x0, y1 - y0)


Motif = Callable[[_Scene], None]
Mask = Literal["none", "rounded", "round"]


@dataclass(frozen=True)
class _Card:
    """A card being drawn: the layout places the lettering and calls :meth:`motif_in`."""

    canvas: Image.Image
    pen: _Pen
    palette: _Palette
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
        size = (round((x1 - x0) * _SCALE), round((y1 - y0) * _SCALE))
        whole = mask == "none" and size == self.canvas.size  # then straight onto the card
        layer = self.canvas if whole else Image.new("RGB", size, self.palette.background)
        fx0, fy0, fx1, fy1 = focus or box
        self.motif(
            _Scene(
                self.pen if whole else _Pen(layer),
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
                shape.rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), 18 * _SCALE, fill=255)
        self.canvas.paste(layer, _point((x0, y0)), clip)

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


def _framed(card: _Card) -> None:
    """The classic card: a rounded frame, the title, the motif above a rule, the facts below it."""
    pen, p = card.pen, card.palette
    width, height = CARD_SIZE
    pen.rect((18, 18, width - 19, height - 19), outline=p.accent, width=8, radius=28)
    card.title((50, 90, width - 50, 330), _ink(p.background, p.text))
    card.motif_in((170, 350, 430, 552))
    pen.rect((18, 560, width - 19, 568), fill=p.accent)
    card.lettering(610, 50, _ink(p.background, p.text), _ink(p.background, p.accent, p.text), 90)


def _full_bleed(card: _Card) -> None:
    """The motif across the whole card, the title on a panel above it and the facts on one below."""
    pen, p = card.pen, card.palette
    width, height = CARD_SIZE
    card.motif_in((0, 0, width, height), focus=(0, 200, width, 640), mask="none")
    for panel in ((28, 28, width - 28, 188), (28, 650, width - 28, 812)):
        pen.rect(panel, fill=p.highlight, outline=p.accent, width=4, radius=20)
    ink = _ink(p.highlight, p.text, p.background)
    card.title((48, 34, width - 48, 182), ink, sizes=(52, 44, 38, 32))
    card.lettering(668, 42, ink, ink, 52)


def _medal(card: _Card) -> None:
    """A badge: a round medal hanging from a ribbon over a burst of rays, the title and facts below."""
    pen, p = card.pen, card.palette
    width, _ = CARD_SIZE
    cx, cy, r = width / 2, 320, 190
    rays = _mix(p.background, p.highlight, 0.08)
    _rays(pen, (cx, cy), 700, 12, rays)
    dark = _mix(p.highlight, (0, 0, 0), 0.3)
    pen.polygon([(150, 0), (250, 0), (330, cy - 100), (240, cy - 100)], p.highlight)
    pen.polygon([(width - 150, 0), (width - 250, 0), (270, cy - 100), (360, cy - 100)], dark)
    for x in (200, width - 200):
        pen.line([(x, 0), (cx + (x - cx) * 0.15, cy - 100)], p.accent, 6)
    rim = _mix(p.accent, (0, 0, 0), 0.25)
    pen.circle((cx, cy), r, fill=p.accent, outline=rim, width=4)
    pen.circle((cx, cy), r - 14, outline=rim, width=3)
    card.motif_in((cx - r + 26, cy - r + 26, cx + r - 26, cy + r - 26), mask="round")
    ink = _ink(p.background, p.text)
    card.title((40, 530, width - 40, 650), ink, sizes=(48, 40, 34, 28))
    card.lettering(668, 44, ink, _ink(p.background, p.highlight, p.text), 56)


def _portrait(card: _Card) -> None:
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
    ink = _ink(p.background, p.text)
    card.title((50, 548, width - 50, 668), ink, sizes=(48, 40, 34, 28))
    card.lettering(680, 42, ink, _ink(p.background, p.accent, p.text), 54)


# --- motifs: what the card shows, drawn in a scene's own coordinates ---------------------------------------


def _initials(s: _Scene) -> None:
    """The classic mark: the series' initials in a ring."""
    cx, cy = s.centre
    r = s.size * 0.4
    initials = "".join(w[0] for w in s.series_name.split() if w[:1].isalnum())[:3].upper()
    s.pen.circle((cx, cy), r, outline=s.palette.accent, width=6)
    s.pen.text((cx, cy), initials, r * 0.8, s.palette.accent, anchor="mm")


def _lantern(s: _Scene) -> None:
    """Spring Festival: three red lanterns on gold cords, one large, among gold sparks."""
    x0, y0, x1, y1 = s.focus
    fw, fh = x1 - x0, y1 - y0
    for rx, ry, size in (
        (0.1, 0.62, 10),
        (0.9, 0.55, 12),
        (0.16, 0.9, 8),
        (0.84, 0.92, 9),
        (0.5, 0.97, 7),
        (0.33, 0.07, 7),
        (0.67, 0.05, 8),
    ):
        _spark(s.pen, (x0 + rx * fw, y0 + ry * fh), size, s.palette.accent)
    base = s.size * 0.24
    for rx, top, scale in ((0.2, 0.1, 0.62), (0.8, 0.1, 0.62), (0.5, 0.2, 1.0)):
        _one_lantern(s, x0 + rx * fw, y0 + top * fh, base * scale)


def _one_lantern(s: _Scene, x: float, top: float, r: float) -> None:
    pen, p = s.pen, s.palette
    cap_w, cap_h, body_h = r * 0.45, r * 0.18, r * 1.5
    pen.line([(x, 0), (x, top)], p.accent, max(2, r * 0.04))
    pen.rect((x - cap_w, top, x + cap_w, top + cap_h), fill=p.accent, radius=r * 0.04)
    body = (x - r, top + cap_h * 0.6, x + r, top + cap_h * 0.6 + body_h)
    pen.ellipse(body, fill=p.highlight, outline=p.accent, width=max(2, r * 0.05))
    for k in (0.62, 0.25):
        pen.ellipse(
            (x - r * k, body[1], x + r * k, body[3]), outline=p.accent, width=max(2, r * 0.04)
        )
    bottom = body[3] - cap_h * 0.6
    pen.rect((x - cap_w, bottom, x + cap_w, bottom + cap_h), fill=p.accent, radius=r * 0.04)
    knot = bottom + cap_h + r * 0.1
    pen.circle((x, knot), r * 0.08, fill=p.accent)
    for dx in (-0.15, -0.05, 0.05, 0.15):
        pen.line(
            [(x + dx * r * 0.5, knot), (x + dx * r, knot + r * 0.6)], p.accent, max(2, r * 0.04)
        )


def _spark(pen: _Pen, at: Point, r: float, fill: RGB) -> None:
    """A four-pointed twinkle."""
    pen.polygon(_star_points(at, r, points=4, inner=0.25), fill)


def _plum_blossom(s: _Scene) -> None:
    """Spring: a dark plum branch across the scene, in pink five-petalled blossom."""
    x0, y0, x1, y1 = s.focus
    fw, fh = x1 - x0, y1 - y0

    def at(rx: float, ry: float) -> Point:
        return x0 + rx * fw, y0 + ry * fh

    branches = (
        ([(0.0, 0.9), (0.22, 0.74), (0.4, 0.76), (0.6, 0.52), (0.74, 0.46), (1.0, 0.16)], 0.035),
        ([(0.4, 0.76), (0.52, 0.95)], 0.02),
        ([(0.6, 0.52), (0.55, 0.3), (0.64, 0.1)], 0.022),
        ([(0.22, 0.74), (0.2, 0.5), (0.28, 0.36)], 0.018),
    )
    for points, width in branches:
        s.pen.line([at(*pt) for pt in points], s.palette.accent, s.size * width)
    centre = _mix(s.palette.highlight, (255, 230, 120), 0.7)
    for rx, ry, scale in (
        (0.3, 0.7, 1.0),
        (0.55, 0.3, 0.8),
        (0.64, 0.1, 0.6),
        (0.74, 0.46, 1.1),
        (0.9, 0.26, 0.8),
        (0.28, 0.36, 0.7),
        (0.5, 0.94, 0.7),
        (0.12, 0.8, 0.6),
    ):
        _blossom(s.pen, at(rx, ry), s.size * 0.05 * scale, s.palette.highlight, centre)


def _blossom(pen: _Pen, at: Point, r: float, petal: RGB, centre: RGB) -> None:
    x, y = at
    for k in range(5):
        angle = math.radians(-90 + 72 * k)
        pen.circle((x + math.cos(angle) * r, y + math.sin(angle) * r), r * 0.75, fill=petal)
    pen.circle((x, y), r * 0.4, fill=centre)


def _court(s: _Scene) -> None:
    """Basketball: a hardwood floor, centre court's lines with both keys painted, a ball in the centre circle."""
    pen, p = s.pen, s.palette
    w, h = s.width, s.height
    plank = _mix(p.background, (0, 0, 0), 0.12)
    for i, x in enumerate(range(0, math.ceil(w), 40)):
        pen.line([(x, 0), (x, h)], plank, 2)
        for y in range((i * 137) % 240, math.ceil(h), 240):
            pen.line([(x, y), (x + 40, y)], plank, 2)
    cx, cy = s.centre
    line, m, r = max(3, w * 0.01), w * 0.04, s.size * 0.3
    pen.rect((m, m, w - m, h - m), outline=p.accent, width=line)
    for end, way in ((m, 1), (h - m, -1)):  # the two halves, mirrored
        key_w, key_end = w * 0.32, end + way * h * 0.24
        pen.rect(
            (cx - key_w / 2, min(end, key_end), cx + key_w / 2, max(end, key_end)),
            p.highlight,
            p.accent,
            line,
        )
        pen.circle((cx, key_end), key_w / 2, outline=p.accent, width=line)
        hoop, three = end + way * h * 0.07, w * 0.42
        start = 0 if way > 0 else 180
        pen.arc(
            (cx - three, hoop - three, cx + three, hoop + three), start, start + 180, p.accent, line
        )
        pen.line(
            [(cx - w * 0.1, end + way * h * 0.04), (cx + w * 0.1, end + way * h * 0.04)],
            p.accent,
            line,
        )
        pen.circle((cx, hoop), w * 0.03, outline=p.accent, width=line)
    pen.line([(m, cy), (w - m, cy)], p.accent, line)
    pen.circle((cx, cy), r, fill=p.highlight, outline=p.accent, width=line)
    _ball(pen, (cx, cy), r * 0.72)


def _ball(pen: _Pen, centre: Point, r: float) -> None:
    """A basketball: orange with black seams (fixed colours: a ball is orange whatever the theme)."""
    x, y = centre
    seam, width = (26, 20, 16), max(2, r * 0.05)
    pen.circle((x + r * 0.06, y + r * 0.08), r, fill=(60, 30, 10))  # its shadow on the floor
    pen.circle((x, y), r, fill=(232, 99, 43), outline=seam, width=width)
    pen.line([(x, y - r), (x, y + r)], seam, width)
    pen.line([(x - r, y), (x + r, y)], seam, width)
    for side in (-1, 1):
        cx = x + side * r * 1.3
        start = -48 if side < 0 else 132
        pen.arc((cx - r, y - r, cx + r, y + r), start, start + 96, seam, width)


def _star(s: _Scene) -> None:
    """A badge's star: a large five-pointed star on a disc of rays, two small stars beside it."""
    pen, p = s.pen, s.palette
    cx, cy = s.centre
    pen.rect((0, 0, s.width, s.height), fill=p.highlight)
    ray = _mix(p.highlight, (255, 255, 255), 0.12)
    _rays(pen, (cx, cy), s.size, 15, ray)
    r = s.size * 0.36
    edge = _mix(p.accent, (0, 0, 0), 0.3)
    pen.polygon(_star_points((cx, cy + r * 0.06), r * 1.08), edge)
    pen.polygon(_star_points((cx, cy), r), p.accent)
    for side in (-1, 1):
        pen.polygon(_star_points((cx + side * r * 0.98, cy + r * 0.55), r * 0.2), p.accent)


def _rays(pen: _Pen, centre: Point, r: float, count: int, fill: RGB) -> None:
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


def _star_points(centre: Point, r: float, points: int = 5, inner: float = 0.42) -> list[Point]:
    """The corners of a star with ``points`` points, the first straight up; ``inner`` the notches' radius."""
    x, y = centre
    step = math.pi / points
    return [
        (x + math.cos(k * step - math.pi / 2) * d, y + math.sin(k * step - math.pi / 2) * d)
        for k in range(2 * points)
        for d in [r if k % 2 == 0 else r * inner]
    ]


def _tiger(s: _Scene) -> None:
    """The tiger: tapering black stripes from both edges and a tiger's face with the 王 mark on its brow."""
    pen, p = s.pen, s.palette
    w, h = s.width, s.height
    for side in (0, 1):
        for i in range(8):
            y = h * (0.05 + i * 0.125 + side * 0.06)
            length, thick = w * (0.2 + 0.07 * ((i * 5 + side) % 3)), h * 0.022
            bend = thick * (1.5 if i % 2 else -1.5)
            points = [
                (0, y - thick),
                (length * 0.6, y + bend - thick * 0.4),
                (length, y + bend),
                (length * 0.6, y + bend + thick * 0.5),
                (0, y + thick),
            ]
            pen.polygon([(w - x if side else x, py) for x, py in points], p.accent)
    _tiger_face(pen, p, s.centre, s.size * 0.36)


def _tiger_face(pen: _Pen, p: _Palette, centre: Point, r: float) -> None:
    cx, cy = centre
    ink, fur, pale = p.accent, p.background, p.highlight
    for side in (-1, 1):
        ear = (cx + side * r * 0.72, cy - r * 0.76)
        pen.circle(ear, r * 0.3, fill=fur, outline=ink, width=r * 0.04)
        pen.circle(ear, r * 0.16, fill=pale)
    pen.ellipse((cx - r, cy - r * 0.9, cx + r, cy + r * 0.9), fill=fur, outline=ink, width=r * 0.04)
    for k in range(3):  # cheek stripes
        y = cy - r * 0.05 + k * r * 0.2
        for side in (-1, 1):
            pen.polygon(
                [
                    (cx + side * r * 0.98, y - r * 0.07),
                    (cx + side * r * 0.62, y + r * 0.02),
                    (cx + side * r * 0.98, y + r * 0.07),
                ],
                ink,
            )
    for y, half in ((-0.62, 0.2), (-0.5, 0.14), (-0.38, 0.2)):  # 王 on the brow
        pen.rect((cx - r * half, cy + r * y - r * 0.03, cx + r * half, cy + r * y + r * 0.03), ink)
    pen.rect((cx - r * 0.03, cy - r * 0.64, cx + r * 0.03, cy - r * 0.36), ink)
    for side in (-1, 1):
        eye = (cx + side * r * 0.38, cy - r * 0.12)
        pen.ellipse(
            (eye[0] - r * 0.15, eye[1] - r * 0.09, eye[0] + r * 0.15, eye[1] + r * 0.09),
            fill=(250, 204, 60),
            outline=ink,
            width=r * 0.03,
        )
        pen.ellipse(
            (eye[0] - r * 0.035, eye[1] - r * 0.08, eye[0] + r * 0.035, eye[1] + r * 0.08), ink
        )
        pen.circle((cx + side * r * 0.24, cy + r * 0.38), r * 0.26, fill=pale)  # muzzle
    pen.circle((cx, cy + r * 0.6), r * 0.16, fill=pale)
    pen.polygon(
        [(cx - r * 0.14, cy + r * 0.14), (cx + r * 0.14, cy + r * 0.14), (cx, cy + r * 0.3)], ink
    )
    pen.line([(cx, cy + r * 0.3), (cx, cy + r * 0.44)], ink, r * 0.03)
    for side in (-1, 1):
        pen.arc(
            (
                cx + min(0, side) * r * 0.26,
                cy + r * 0.3,
                cx + max(0, side) * r * 0.26,
                cy + r * 0.5,
            ),
            0,
            180,
            ink,
            r * 0.03,
        )
        for dx, dy in ((0.2, 0.34), (0.3, 0.42), (0.18, 0.46)):
            pen.circle((cx + side * r * dx, cy + r * dy), r * 0.018, fill=ink)


_MOTIFS: dict[str, Motif] = {
    "initials": _initials,
    "lantern": _lantern,
    "plum-blossom": _plum_blossom,
    "court": _court,
    "star": _star,
    "tiger": _tiger,
}
"""Each name in ``domain.catalogue.MOTIFS`` and its drawing."""
_LAYOUTS: dict[str, Callable[[_Card], None]] = {
    "framed": _framed,
    "full-bleed": _full_bleed,
    "medal": _medal,
    "portrait": _portrait,
}
"""Each name in ``domain.catalogue.LAYOUTS`` and its composition."""


# --- helpers -----------------------------------------------------------------------------------------------


def _px(coords: object) -> list[int]:
    """Card pixels to canvas pixels."""
    return [round(c * _SCALE) for c in coords]  # type: ignore[attr-defined]


def _point(at: Point) -> tuple[int, int]:
    return round(at[0] * _SCALE), round(at[1] * _SCALE)


def _w(width: float) -> int:
    return max(1, round(width * _SCALE))


def _mix(a: RGB, b: RGB, amount: float) -> RGB:
    """``a`` moved ``amount`` (0 to 1) of the way to ``b``."""
    return (
        round(a[0] + (b[0] - a[0]) * amount),
        round(a[1] + (b[1] - a[1]) * amount),
        round(a[2] + (b[2] - a[2]) * amount),
    )


def _ink(ground: RGB, *choices: RGB) -> RGB:
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


def _wrap(pen: _Pen, text: str, size: float, max_width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and pen.length(f"{lines[-1]} {word}", size) <= max_width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]
