"""collectibles/domain/catalogue.py: series specs from flags or a YAML/JSON catalogue, checked before sending."""

from pathlib import Path

import pytest

from collectibles.domain.catalogue import SeriesSpec, load_catalogue, parse_catalogue
from collectibles.domain.errors import InvalidCatalogue
from collectibles.domain.tokens import TransferPolicy

ROOT = Path(__file__).resolve().parents[2]


def test_load_catalogue__example__three_series_and_the_programme_three():
    specs = load_catalogue(ROOT / "examples" / "catalogue.yaml")
    assert [(s.name, s.max_supply, s.policy, s.hold_seconds) for s in specs] == [
        ("Spring Festival Greeting Card", 500, TransferPolicy.GIFT_AFTER_HOLD, 90 * 86400),
        ("Court", 200, TransferPolicy.FREE, 0),
        ("All-Star Badge", 1000, TransferPolicy.SOULBOUND, 0),
        ("Lantern Night Limited", 10, TransferPolicy.FREE, 0),
        ("Fortune", 100, TransferPolicy.FREE, 0),
        ("Fortune Tiger", 20, TransferPolicy.FREE, 0),
    ]


def test_load_catalogue__json_list():
    specs = load_catalogue(ROOT / "tests" / "data" / "catalogue.json")
    assert [s.name for s in specs] == ["Court", "Greeting Card"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "", "max_supply": 5}, "non-empty name"),
        ({"name": "A", "max_supply": 0}, "outside 1..999999"),
        ({"name": "A", "max_supply": 1_000_000}, "outside 1..999999"),
        ({"name": "A", "max_supply": "many"}, "not a whole number"),
        ({"name": "A", "max_supply": 5, "policy": "rare"}, "unknown transfer policy"),
        (
            {"name": "A", "max_supply": 5, "policy": "soulbound", "hold_days": 1},
            "only applies to the gift",
        ),
        ({"name": "A", "max_supply": 5, "policy": "gift", "hold_days": 100_000}, "out of range"),
        ({"name": "A", "max_supply": 5, "colour": "red"}, "unknown keys colour"),
    ],
)
def test_parse_catalogue__bad_entry__says_why(entry, message):
    with pytest.raises(InvalidCatalogue, match=message):
        parse_catalogue([entry], "test")


def test_parse_catalogue__duplicate_names__refused():
    with pytest.raises(InvalidCatalogue, match="duplicate series names: A"):
        parse_catalogue(
            {"series": [{"name": "A", "max_supply": 1}, {"name": "A", "max_supply": 2}]}
        )


def test_parse_catalogue__empty__refused():
    with pytest.raises(InvalidCatalogue, match="non-empty list"):
        parse_catalogue({"series": []})


def test_load_catalogue__unparsable__refused(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("series: [unclosed")
    with pytest.raises(InvalidCatalogue, match="cannot parse"):
        load_catalogue(path)


def test_series_spec__gift_hold_in_days():
    spec = SeriesSpec.build("Card", "500", "Gift", "0.5")
    assert (spec.max_supply, spec.policy, spec.hold_seconds) == (
        500,
        TransferPolicy.GIFT_AFTER_HOLD,
        43200,
    )


def test_differences__existing_series__lists_fixed_facts_that_differ():
    from types import SimpleNamespace

    from collectibles.chain.series import differences

    spec = SeriesSpec.build("Card", 500, "gift", 90)
    same = SimpleNamespace(maxSupply=500, policy=1, holdSeconds=90 * 86400)
    other = SimpleNamespace(maxSupply=400, policy=0, holdSeconds=0)
    assert differences(spec, same) == []
    assert differences(spec, other) == [
        "max_supply: wanted 500, on chain 400",
        "policy: wanted gift_after_hold, on chain free",
        f"hold_seconds: wanted {90 * 86400}, on chain 0",
    ]


def test_load_catalogue__presentation_keys__kept_image_relative_to_catalogue(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(
        "series:\n"
        "  - name: Card\n"
        "    max_supply: 50\n"
        "    description: A greeting.\n"
        "    image: art/card.png\n"
        "    theme: {name: Lantern, background: '#8b0000', accent: gold, text: white}\n"
        "    tier: Rare\n"
        "    external_url: https://cards.example/{serial}\n"
    )

    (spec,) = load_catalogue(path)

    assert spec.image == str(tmp_path / "art" / "card.png")
    assert (spec.theme.name, spec.theme.background, spec.theme.accent) == (
        "Lantern",
        "#8b0000",
        "gold",
    )
    assert (spec.description, spec.tier, spec.external_url) == (
        "A greeting.",
        "Rare",
        "https://cards.example/{serial}",
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"theme": {"name": "X", "accent": "goldish"}}, "accent 'goldish' is not a colour"),
        ({"theme": {"colour": "red"}}, "unknown theme keys colour"),
        ({"theme": 3}, "theme must be a name or a mapping"),
        ({"external_url": "cards.example"}, "not an http"),
        ({"tier": 2}, "tier must be text"),
    ],
)
def test_parse_catalogue__bad_presentation__refused(extra, message):
    with pytest.raises(InvalidCatalogue, match=message):
        parse_catalogue([{"name": "Card", "max_supply": 5, **extra}])


def test_parse_catalogue__theme_name_only__default_colours():
    (spec,) = parse_catalogue([{"name": "Card", "max_supply": 5, "theme": "Night"}])

    assert spec.theme.name == "Night"
    assert spec.theme.background == "#1d3557"
