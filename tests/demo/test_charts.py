"""Inline SVG figures: bars scaled to the largest value or to their cap, a burned share hatched, a raffle's
winners placed at their entries, progress pips filled up to what is held."""

import re
import xml.etree.ElementTree as ET

from collectibles.demo.charts import BAR_WIDTH, Bar, bar_chart, entries_strip, progress_pips

SVG = "{http://www.w3.org/2000/svg}"


def bars_of(svg):
    root = ET.fromstring(svg)
    return {
        g.get("data-key"): (
            g,
            {r.get("class"): float(r.get("width")) for r in g.iter(f"{SVG}rect")},
        )
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "chart-bar"
    }


def test_bar_chart__no_totals__scaled_to_the_largest_value():
    svg = bar_chart("holders", "Holders", [Bar("A", 1000, key="1"), Bar("B", 250, key="2")])

    bars = bars_of(svg)
    assert bars["1"][1]["fill"] == BAR_WIDTH
    assert bars["2"][1]["fill"] == BAR_WIDTH / 4
    assert bars["2"][0].get("data-value") == "250"
    assert bars["2"][0].get("data-total") == "1000"


def test_bar_chart__totals__each_bar_a_share_of_its_own_cap_with_the_part_hatched():
    svg = bar_chart(
        "supply",
        "Supply",
        [Bar("Fortune", 18, total=100, part=5, key="5"), Bar("Tiger", 1, total=20, key="6")],
    )

    bars = bars_of(svg)
    assert bars["5"][1]["fill"] == BAR_WIDTH * 18 / 100
    assert bars["5"][1]["part"] == BAR_WIDTH * 5 / 100
    assert "part" not in bars["6"][1]
    assert bars["6"][1]["fill"] == BAR_WIDTH / 20
    assert 'id="hatch-supply"' in svg
    assert "url(#hatch-supply)" in svg


def test_bar_chart__one_among_thousands__still_two_pixels_wide():
    bars = bars_of(bar_chart("h", "H", [Bar("big", 10_000, key="1"), Bar("small", 1, key="2")]))

    assert bars["2"][1]["fill"] == 2


def test_bar_chart__label_with_markup__escaped():
    svg = bar_chart("h", "Holders <all>", [Bar("Court & <Co>", 3, key="1")])

    assert "Court &amp; &lt;Co&gt;" in svg
    ET.fromstring(svg)  # still well-formed


def test_entries_strip__winners__a_dot_at_each_entry_in_order():
    winners = [
        {"rank": 0, "entry_index": 999, "account": "0xB"},
        {"rank": 1, "entry_index": 0, "account": "0xA"},
    ]

    root = ET.fromstring(entries_strip(1000, winners, width=532))

    dots = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "winner-dot"]
    assert [(d.get("data-rank"), float(d.get("cx"))) for d in dots] == [("0", 516.0), ("1", 16.0)]


def test_progress_pips__three_of_five__three_filled():
    svg = progress_pips(3, 5)

    assert len(re.findall(r'class="pip full"', svg)) == 3
    assert len(re.findall(r'class="pip"', svg)) == 2
    assert 'aria-label="3 of 5"' in svg
