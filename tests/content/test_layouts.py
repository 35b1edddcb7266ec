"""collectibles.content.layouts composes any motif in every catalogue layout, with the lettering legible and in
its band whatever the colours and the name's length."""

import itertools
from dataclasses import replace

import pytest
from PIL import ImageChops
from utils.pictures import changed, picture

from collectibles.content.drawing import CARD_SIZE
from collectibles.content.layouts import LAYOUT_COMPOSITIONS
from collectibles.domain.catalogue import LAYOUTS, MOTIFS, Theme, theme_named

SPRING = theme_named("Spring Festival")


def contrast(a, b):
    def luminance(c):
        lin = [v / 3294 if v <= 10 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_layout_compositions__catalogue_layouts__one_composition_each():
    assert tuple(LAYOUT_COMPOSITIONS) == LAYOUTS


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
