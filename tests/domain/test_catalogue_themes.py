"""collectibles/domain/catalogue.py: a series' ``theme`` as a built-in name or a mapping that overrides it."""

from pathlib import Path

import pytest

from collectibles.domain.catalogue import (
    BUILTIN_THEMES,
    LAYOUTS,
    MOTIFS,
    Theme,
    load_catalogue,
    parse_catalogue,
)
from collectibles.domain.errors import InvalidCatalogue

ROOT = Path(__file__).resolve().parents[2]


def theme_of(theme):
    (spec,) = parse_catalogue([{"name": "Court", "max_supply": 5, "theme": theme}], "c.yaml")
    return spec.theme


def test_load_catalogue__example__each_series_its_own_builtin_theme():
    specs = load_catalogue(ROOT / "examples" / "catalogue.yaml")

    assert [(s.name, s.theme.name, s.theme.motif, s.theme.layout) for s in specs] == [
        ("Spring Festival Greeting Card", "Spring Festival", "lantern", "portrait"),
        ("Court", "Court", "court", "full-bleed"),
        ("All-Star Badge", "All-Star", "star", "medal"),
        ("Lantern Night Limited", "Plum Blossom", "plum-blossom", "portrait"),
        ("Fortune", "Fortune", "lantern", "framed"),
        ("Fortune Tiger", "Tiger", "tiger", "full-bleed"),
    ]


def test_builtin_themes__distinct_names_palettes_and_valid_parts():
    assert len({t.name for t in BUILTIN_THEMES}) == len(BUILTIN_THEMES)
    assert len({t.background for t in BUILTIN_THEMES}) == len(BUILTIN_THEMES)
    for theme in BUILTIN_THEMES:
        assert theme.check() is theme
    assert {t.motif for t in BUILTIN_THEMES} == set(MOTIFS)  # every motif has a theme showing it


@pytest.mark.parametrize("spelling", ["All-Star", "all star", "ALLSTAR", " all-star "])
def test_parse_catalogue__builtin_name_any_spelling__its_palette_motif_and_layout(spelling):
    theme = theme_of(spelling)

    assert theme == next(t for t in BUILTIN_THEMES if t.name == "All-Star")


def test_parse_catalogue__other_name__classic_look_under_that_name():
    assert theme_of("Night") == Theme(name="Night")


def test_parse_catalogue__mapping_names_a_builtin__overrides_only_what_it_gives():
    theme = theme_of({"name": "Spring Festival", "background": "#003366"})

    assert (theme.name, theme.background, theme.motif, theme.layout, theme.accent) == (
        "Spring Festival",
        "#003366",
        "lantern",
        "portrait",
        "#f2c14e",
    )


def test_parse_catalogue__mapping_with_base__own_name_on_a_builtin_look():
    theme = theme_of(
        {
            "name": "Lunar Night",
            "base": "spring festival",
            "layout": "Full Bleed",
            "motif": "Plum_Blossom",
        }
    )

    assert (theme.name, theme.background, theme.motif, theme.layout) == (
        "Lunar Night",
        "#8d0f14",
        "plum-blossom",
        "full-bleed",
    )


def test_parse_catalogue__mapping_without_builtin__classic_with_overrides():
    theme = theme_of({"name": "Lantern", "motif": "lantern", "text": "white"})

    assert theme == Theme(name="Lantern", motif="lantern", text="white")


@pytest.mark.parametrize(
    ("theme", "message"),
    [
        ({"motif": "dragon"}, f"motif 'dragon' is unknown; use one of {', '.join(MOTIFS)}"),
        ({"layout": "poster"}, f"layout 'poster' is unknown; use one of {', '.join(LAYOUTS)}"),
        ({"name": "Tiger", "highlight": "stripy"}, "highlight 'stripy' is not a colour"),
        ({"base": "Dragon"}, "theme base 'Dragon' is not a built-in theme; use one of Classic, "),
        ({"pattern": "dots"}, "unknown theme keys pattern"),
        (["Tiger"], "theme must be a name or a mapping"),
    ],
    ids=["motif", "layout", "colour", "base", "key", "list"],
)
def test_parse_catalogue__theme_cannot_be_drawn__one_line_naming_series_and_value(theme, message):
    with pytest.raises(InvalidCatalogue) as caught:
        theme_of(theme)

    assert str(caught.value).startswith("invalid series in c.yaml: entry 1: theme of 'Court': ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_parse_catalogue__mapping_blank_values__builtin_parts_kept():
    theme = theme_of({"name": "Tiger", "background": "", "motif": None})

    assert theme == next(t for t in BUILTIN_THEMES if t.name == "Tiger")
