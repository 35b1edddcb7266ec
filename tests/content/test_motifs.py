"""collectibles.content.motifs draws every catalogue motif, each visibly its own."""

from dataclasses import replace

import pytest
from utils.pictures import changed, picture

from collectibles.content.motifs import MOTIF_DRAWINGS
from collectibles.domain.catalogue import MOTIFS, theme_named

SPRING = theme_named("Spring Festival")


def test_motif_drawings__catalogue_motifs__one_drawing_each():
    assert tuple(MOTIF_DRAWINGS) == MOTIFS


@pytest.mark.parametrize("motif", [m for m in MOTIFS if m != SPRING.motif])
def test_render_card__only_the_motif_changes__a_visible_part_differs(motif):
    assert changed(picture(SPRING), picture(replace(SPRING, motif=motif))) > 0.1
