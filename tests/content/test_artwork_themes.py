"""collectibles.content.artwork draws each theme's palette, motif and layout, so series are told apart at a glance."""

import io
import itertools
from dataclasses import replace

import pytest
from PIL import Image, ImageChops

from collectibles.content.artwork import CARD_SIZE, render_card, series_artwork
from collectibles.domain.catalogue import BUILTIN_THEMES, LAYOUTS, MOTIFS, Theme, theme_named
from collectibles.domain.errors import InvalidArtwork
from collectibles.domain.tokens import TransferPolicy

NAMES = [t.name for t in BUILTIN_THEMES]
SPRING = theme_named("Spring Festival")


def card(theme, name="All-Star Badge", supply=1000, policy=TransferPolicy.SOULBOUND):
    return render_card(name, supply, policy, theme)


def picture(theme, **kwargs):
    return Image.open(io.BytesIO(card(theme, **kwargs).data)).convert("RGB")


def changed(a, b, tolerance=48):
    """Fraction of pixels where some channel differs by more than ``tolerance``: what an eye notices."""
    red, green, blue = ImageChops.difference(a, b).split()
    most = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    return most.point(lambda v: 255 if v > tolerance else 0).histogram()[255] / (a.width * a.height)


def dominant(image):
    return max(image.getcolors(maxcolors=1_000_000))[1]


def contrast(a, b):
    def luminance(c):
        lin = [v / 3294 if v <= 10 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


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


@pytest.mark.parametrize("motif", [m for m in MOTIFS if m != SPRING.motif])
def test_render_card__only_the_motif_changes__a_visible_part_differs(motif):
    assert changed(picture(SPRING), picture(replace(SPRING, motif=motif))) > 0.1


@pytest.mark.parametrize("layout", [lay for lay in LAYOUTS if lay != SPRING.layout])
def test_render_card__only_the_layout_changes__a_visible_part_differs(layout):
    assert changed(picture(SPRING), picture(replace(SPRING, layout=layout))) > 0.15


@pytest.mark.parametrize(("motif", "layout"), itertools.product(MOTIFS, LAYOUTS), ids="-".join)
def test_render_card__every_motif_in_every_layout__drawn(motif, layout):
    theme = replace(theme_named("Tiger"), motif=motif, layout=layout)

    image = picture(theme)

    assert image.size == CARD_SIZE
    assert len(image.getcolors(maxcolors=1_000_000)) > 50  # more than a blank ground and a frame


@pytest.mark.parametrize("layout", LAYOUTS)
def test_render_card__text_colour_lost_on_its_ground__lettering_still_contrasts(layout):
    # every ground the lettering sits on (background, panels) in one colour, the text in it too
    same = "#336699"
    theme = Theme("Flat", background=same, accent=same, text=same, highlight=same, layout=layout)

    image = picture(theme, name="Lettering", supply=7)
    ground = (0x33, 0x66, 0x99)

    legible = sum(
        n for n, colour in image.getcolors(maxcolors=1_000_000) if contrast(colour, ground) >= 3
    )
    assert legible > 2_000  # the name and the facts, in a colour that stands out


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


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(
    "name",
    [
        "The Extraordinarily Long Name of a Crafted Tiger Series for the Most Devoted Collectors",
        "Supercalifragilisticexpialidocious-Tiger",
    ],
    ids=["many-words", "one-long-word"],
)
def test_render_card__long_name__lettering_stays_in_its_band(layout, name):
    theme = replace(theme_named("Tiger"), layout=layout)  # the tiger motif does not draw the name

    x0, y0, x1, y1 = ImageChops.difference(
        picture(theme, name=name), picture(theme, name="")
    ).getbbox()

    assert x0 >= 40  # inside the frame, not across it
    assert x1 <= CARD_SIZE[0] - 40
    assert y1 - y0 <= 240  # the title's band, not over the motif or the facts
