"""collectibles.content.artwork draws each built-in theme in its own palette, motif and layout, so series are
told apart at a glance; a theme that cannot be drawn is refused with its name."""

import io
import itertools
from dataclasses import replace

import pytest
from PIL import Image
from utils.pictures import card, changed, picture

from collectibles.content.artwork import series_artwork
from collectibles.content.drawing import CARD_SIZE
from collectibles.domain.catalogue import BUILTIN_THEMES, theme_named
from collectibles.domain.errors import InvalidArtwork
from collectibles.domain.tokens import TransferPolicy

NAMES = [t.name for t in BUILTIN_THEMES]
SPRING = theme_named("Spring Festival")


def dominant(image):
    return max(image.getcolors(maxcolors=1_000_000))[1]


@pytest.mark.parametrize("theme", BUILTIN_THEMES, ids=NAMES)
def test_render_card__builtin_theme__same_png_of_card_size_every_time(theme):
    first, second = card(theme), card(theme)

    assert first.data == second.data
    with Image.open(io.BytesIO(first.data)) as image:
        assert (image.format, image.size) == ("PNG", CARD_SIZE)


@pytest.mark.parametrize(("one", "other"), itertools.combinations(BUILTIN_THEMES, 2))
def test_render_card__two_builtin_themes__most_of_the_card_differs(one, other):
    assert changed(picture(one), picture(other)) > 0.3


def test_render_card__builtin_themes__each_its_own_dominant_colour():
    colours = [dominant(picture(theme)) for theme in BUILTIN_THEMES]

    assert len(set(colours)) == len(BUILTIN_THEMES)


def test_render_card__mapping_overrides_a_colour__motif_and_layout_kept():
    navy = replace(SPRING, background="#003366")

    plain, night = picture(SPRING), picture(navy)

    assert dominant(night) == (0x00, 0x33, 0x66)
    assert dominant(plain) == (0x8D, 0x0F, 0x14)
    # the lanterns and the frame stay where they were: only the ground's pixels changed colour
    assert 0.3 < changed(plain, night) < 0.9


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"motif": "dragon"}, "motif 'dragon' is unknown; use one of initials, lantern"),
        ({"layout": "poster"}, "layout 'poster' is unknown; use one of framed, full-bleed"),
        ({"highlight": "sparkly"}, "highlight 'sparkly' is not a colour"),
    ],
)
def test_render_card__theme_cannot_be_drawn__invalid_artwork_names_it(override, message):
    with pytest.raises(InvalidArtwork, match=f"theme 'Spring Festival': {message}"):
        card(replace(SPRING, **override))


def test_series_artwork__image_file_and_a_theme__file_wins(tmp_path):
    path = tmp_path / "art.png"
    Image.new("RGB", (8, 8), "blue").save(path)

    given = series_artwork("Tiger", 5, TransferPolicy.FREE, image=path, theme=theme_named("Tiger"))

    assert given.data == path.read_bytes()
