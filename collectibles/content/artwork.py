"""Series artwork: the image every edition of a series shares, read from a file or drawn as a themed card.

A drawn card is a PNG (Pillow) with the series name, its edition size and transfer policy, composed by the
theme's layout around its motif in its colours (``domain.catalogue.Theme``: the classic frame and initials, the
Spring Festival's lanterns in a picture frame, a court and ball across the card, an All-Star medal, a tiger).
Everything is drawn with Pillow's primitives and its bundled font, at twice the size and halved (smooth edges);
the same inputs always give the same bytes (no timestamps, fixed compression), so its CID is stable across
runs.

This module holds the entry points the publisher, the scripts and the demo call; the card is drawn by its
neighbours: ``layouts`` (where the frame, the motif and the lettering go), ``motifs`` (what each theme shows)
and ``drawing`` (the pen, the colours and the font both use).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from collectibles.content.drawing import CARD_SIZE, SCALE, Palette, Pen
from collectibles.content.layouts import LAYOUT_COMPOSITIONS, Card
from collectibles.content.motifs import MOTIF_DRAWINGS
from collectibles.domain.catalogue import Theme
from collectibles.domain.errors import InvalidArtwork
from collectibles.domain.tokens import TransferPolicy

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
    """A card PNG for a series in its theme: the name, ``Edition of N``, the policy and the theme's name around
    the theme's motif; :class:`InvalidArtwork` if the theme cannot be drawn."""
    from PIL import Image

    theme.check()
    palette = Palette(*theme.rgb())
    width, height = CARD_SIZE
    canvas = Image.new("RGB", (width * SCALE, height * SCALE), palette.background)
    card = Card(
        canvas,
        Pen(canvas),
        palette,
        series_name,
        (f"Edition of {max_supply:,}", policy.terms.card),
        theme.name,
        MOTIF_DRAWINGS[theme.motif],
    )
    LAYOUT_COMPOSITIONS[theme.layout](card)
    out = io.BytesIO()
    canvas.reduce(SCALE).save(out, format="PNG", optimize=False, compress_level=6)
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
