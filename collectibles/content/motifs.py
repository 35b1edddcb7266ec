"""Card motifs: what a card shows at its centre, one drawing per name in ``domain.catalogue.MOTIFS`` (the
classic initials, the Spring Festival's lanterns, a plum branch in blossom, a basketball court, the
All-Star's star, the tiger), each drawn in a :class:`Scene`'s own coordinates.

Apart from the layouts because a motif never knows where on the card it goes: it gets a layer and a focus, so
any motif fits any layout (a catalogue theme may pair them as it likes), and a new motif is one function here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from collectibles.content.drawing import RGB, Box, Palette, Pen, Point, burst, mix


@dataclass(frozen=True)
class Scene:
    """Where a motif is drawn: its own layer (``width`` by ``height``), centred on ``focus``."""

    pen: Pen
    width: float
    height: float
    focus: Box
    palette: Palette
    series_name: str

    @property
    def centre(self) -> Point:
        x0, y0, x1, y1 = self.focus
        return (x0 + x1) / 2, (y0 + y1) / 2

    @property
    def size(self) -> float:
        x0, y0, x1, y1 = self.focus
        return min(x1 - x0, y1 - y0)


Motif = Callable[[Scene], None]
"""A motif's drawing."""


def _initials(s: Scene) -> None:
    """The classic mark: the series' initials in a ring."""
    cx, cy = s.centre
    r = s.size * 0.4
    initials = "".join(w[0] for w in s.series_name.split() if w[:1].isalnum())[:3].upper()
    s.pen.circle((cx, cy), r, outline=s.palette.accent, width=6)
    s.pen.text((cx, cy), initials, r * 0.8, s.palette.accent, anchor="mm")


def _lantern(s: Scene) -> None:
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


def _one_lantern(s: Scene, x: float, top: float, r: float) -> None:
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


def _spark(pen: Pen, at: Point, r: float, fill: RGB) -> None:
    """A four-pointed twinkle."""
    pen.polygon(_star_points(at, r, points=4, inner=0.25), fill)


def _plum_blossom(s: Scene) -> None:
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
    centre = mix(s.palette.highlight, (255, 230, 120), 0.7)
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


def _blossom(pen: Pen, at: Point, r: float, petal: RGB, centre: RGB) -> None:
    x, y = at
    for k in range(5):
        angle = math.radians(-90 + 72 * k)
        pen.circle((x + math.cos(angle) * r, y + math.sin(angle) * r), r * 0.75, fill=petal)
    pen.circle((x, y), r * 0.4, fill=centre)


def _court(s: Scene) -> None:
    """Basketball: a hardwood floor, centre court's lines with both keys painted, a ball in the centre circle."""
    pen, p = s.pen, s.palette
    w, h = s.width, s.height
    plank = mix(p.background, (0, 0, 0), 0.12)
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


def _ball(pen: Pen, centre: Point, r: float) -> None:
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


def _star(s: Scene) -> None:
    """A badge's star: a large five-pointed star on a disc of rays, two small stars beside it."""
    pen, p = s.pen, s.palette
    cx, cy = s.centre
    pen.rect((0, 0, s.width, s.height), fill=p.highlight)
    ray = mix(p.highlight, (255, 255, 255), 0.12)
    burst(pen, (cx, cy), s.size, 15, ray)
    r = s.size * 0.36
    edge = mix(p.accent, (0, 0, 0), 0.3)
    pen.polygon(_star_points((cx, cy + r * 0.06), r * 1.08), edge)
    pen.polygon(_star_points((cx, cy), r), p.accent)
    for side in (-1, 1):
        pen.polygon(_star_points((cx + side * r * 0.98, cy + r * 0.55), r * 0.2), p.accent)


def _star_points(centre: Point, r: float, points: int = 5, inner: float = 0.42) -> list[Point]:
    """The corners of a star with ``points`` points, the first straight up; ``inner`` the notches' radius."""
    x, y = centre
    step = math.pi / points
    return [
        (x + math.cos(k * step - math.pi / 2) * d, y + math.sin(k * step - math.pi / 2) * d)
        for k in range(2 * points)
        for d in [r if k % 2 == 0 else r * inner]
    ]


def _tiger(s: Scene) -> None:
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


def _tiger_face(pen: Pen, p: Palette, centre: Point, r: float) -> None:
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


MOTIF_DRAWINGS: dict[str, Motif] = {
    "initials": _initials,
    "lantern": _lantern,
    "plum-blossom": _plum_blossom,
    "court": _court,
    "star": _star,
    "tiger": _tiger,
}
"""Each name in ``domain.catalogue.MOTIFS`` and its drawing."""
