"""Drawn cards as Pillow images, and how much of one differs from another to an eye: the artwork, layout and
motif tests compare whole cards."""

import io

from PIL import Image, ImageChops

from collectibles.content.artwork import render_card
from collectibles.domain.tokens import TransferPolicy


def card(theme, name="All-Star Badge", supply=1000, policy=TransferPolicy.SOULBOUND):
    """The drawn card (an ``Artwork``) of a series in ``theme``."""
    return render_card(name, supply, policy, theme)


def picture(theme, **kwargs):
    """The drawn card as an RGB image (``kwargs`` as for :func:`card`)."""
    return Image.open(io.BytesIO(card(theme, **kwargs).data)).convert("RGB")


def changed(a, b, tolerance=48):
    """Fraction of pixels where some channel differs by more than ``tolerance``: what an eye notices."""
    red, green, blue = ImageChops.difference(a, b).split()
    most = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    return most.point(lambda v: 255 if v > tolerance else 0).histogram()[255] / (a.width * a.height)
