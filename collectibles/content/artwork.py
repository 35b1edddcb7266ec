"""Series artwork: the image every edition of a series shares, read from a file or drawn as a themed card.

A drawn card is a PNG (Pillow) with the series name, its edition size and transfer policy in the theme's
colours. The same inputs always give the same bytes (no timestamps, fixed compression), so its CID is
stable across runs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from collectibles.domain.catalogue import Theme
from collectibles.domain.errors import InvalidArtwork
from collectibles.domain.tokens import TransferPolicy

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

CARD_SIZE = (600, 840)
"""Width and height of a drawn card, in pixels (5:7, a trading card)."""

_FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"), "GIF": ("gif", "image/gif"),
            "WEBP": ("webp", "image/webp")}  # fmt: skip


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
    """A themed card PNG for a series: its name and initials, ``Edition of N``, the policy, the theme's name."""
    from PIL import Image, ImageDraw

    background, accent, text = theme.rgb()
    width, height = CARD_SIZE
    image = Image.new("RGB", CARD_SIZE, background)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((18, 18, width - 19, height - 19), radius=28, outline=accent, width=8)
    draw.rectangle((18, 560, width - 19, 568), fill=accent)

    title = _font(56)
    y = 120
    for line in _wrap(draw, series_name, title, width - 100)[:5]:
        draw.text((width / 2, y), line, font=title, fill=text, anchor="mt")
        y += 68
    initials = "".join(w[0] for w in series_name.split() if w[:1].isalnum())[:3].upper()
    draw.ellipse((220, 380, 380, 540), outline=accent, width=6)
    draw.text((width / 2, 460), initials, font=_font(64), fill=accent, anchor="mm")
    small = _font(30)
    draw.text((width / 2, 610), f"Edition of {max_supply:,}", font=small, fill=text, anchor="mt")
    draw.text((width / 2, 660), policy.terms.card, font=small, fill=text, anchor="mt")
    draw.text((width / 2, 750), theme.name, font=_font(24), fill=accent, anchor="mt")

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=9)
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


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    # Pillow's bundled font (Aileron, FreeType): available offline, same glyphs everywhere.
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: object, max_width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= max_width:  # type: ignore[arg-type]
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]
