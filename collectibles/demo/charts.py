"""Inline SVG figures for the gallery, drawn in Python: bar charts, a raffle's entries strip, progress pips.

No scripts, no fonts beyond the page's, no network: each function returns SVG markup to place in the page. Every
figure a mark stands for is also in its ``data-*`` attributes (``g.chart-bar[data-value]``,
``circle.winner-dot[data-entry-index]``…), so a browser test can compare the drawing with the chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from collectibles.demo.markup import attrs as _attrs
from collectibles.demo.markup import escape as _e

LABEL_WIDTH, BAR_WIDTH, NOTE_WIDTH = 210, 300, 150
ROW_HEIGHT, BAR_HEIGHT, TOP = 30, 16, 8
WIDTH = LABEL_WIDTH + BAR_WIDTH + NOTE_WIDTH
COLOURS = ("#b3261e", "#1d428a", "#f2b705", "#5a1a2b", "#8d0f14", "#e8761c", "#1b6e2e")
"""A bar's colour by its row (the themes' accents, in catalogue order)."""


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart."""

    label: str
    value: int
    total: int | None = None
    """The length of a full bar (a series' cap); ``None``: the chart's largest value."""
    part: int = 0
    """A share of ``value`` drawn hatched at the bar's end (the burned tokens of the minted)."""
    key: str = ""
    """``data-key`` of the row (a series id)."""
    note: str = ""
    """Text after the bar; the value when empty."""


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar]) -> str:
    """A horizontal bar chart: one row per bar, its label, a track, the bar and its note."""
    scale = max([b.value for b in bars if b.total is None] or [1]) or 1
    height = TOP * 2 + ROW_HEIGHT * len(bars)
    rows = [_bar_row(i, bar, bar.total or scale, chart_id) for i, bar in enumerate(bars)]
    return (
        f'<svg class="chart" id="{_e(chart_id)}" data-chart="{_e(chart_id)}" role="img" '
        f'aria-label="{_e(title)}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{_e(title)}</title>'
        + _hatch(chart_id)
        + "".join(rows)
        + "</svg>"
    )


def _bar_row(index: int, bar: Bar, full: int, chart_id: str) -> str:
    y = TOP + index * ROW_HEIGHT
    middle = y + ROW_HEIGHT / 2
    width = BAR_WIDTH * min(bar.value, full) / full if full else 0
    if bar.value and width < 2:
        width = 2  # a bar of one among a thousand is still seen
    part = BAR_WIDTH * min(bar.part, bar.value) / full if full else 0
    colour = COLOURS[index % len(COLOURS)]
    top = middle - BAR_HEIGHT / 2
    attrs = {
        "class": "chart-bar",
        "data-key": bar.key,
        "data-label": bar.label,
        "data-value": bar.value,
        "data-total": full,
        "data-part": bar.part,
    }
    marks = [
        f'<text x="{LABEL_WIDTH - 8}" y="{middle:.1f}" text-anchor="end" dominant-baseline="middle" '
        f'font-size="13">{_e(bar.label)}</text>',
        f'<rect class="track" x="{LABEL_WIDTH}" y="{top:.1f}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" '
        'rx="4" fill="#e7e1d8"/>',
        f'<rect class="fill" x="{LABEL_WIDTH}" y="{top:.1f}" width="{width:.1f}" height="{BAR_HEIGHT}" '
        f'rx="4" fill="{colour}"/>',
    ]
    if part:
        marks.append(
            f'<rect class="part" x="{LABEL_WIDTH + width - part:.1f}" y="{top:.1f}" width="{part:.1f}" '
            f'height="{BAR_HEIGHT}" fill="url(#hatch-{_e(chart_id)})" stroke="#1d1b19" stroke-width="0.5"/>'
        )
    marks.append(
        f'<text x="{LABEL_WIDTH + BAR_WIDTH + 10}" y="{middle:.1f}" dominant-baseline="middle" '
        f'font-size="13" fill="#6b645c">{_e(bar.note or f"{bar.value:,}")}</text>'
    )
    tip = f"<title>{_e(bar.label)}: {_e(bar.note or bar.value)}</title>"
    return f"<g {_attrs(attrs)}>{tip}{''.join(marks)}</g>"


def _hatch(chart_id: str) -> str:
    """The hatching of a bar's ``part``, one pattern per chart (ids are unique in a page)."""
    return (
        f'<defs><pattern id="hatch-{_e(chart_id)}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#1d1b19" stroke-width="2"/></pattern></defs>'
    )


def entries_strip(entries: int, winners: Sequence[dict[str, Any]], width: int = WIDTH) -> str:
    """The raffle's entries as a strip, index 0 at the left, each winner a numbered dot at its entry."""
    height, line_y, pad = 74, 46, 16
    span = width - 2 * pad
    marks = [
        f'<rect x="{pad}" y="{line_y - 5}" width="{span}" height="10" rx="5" fill="#e7e1d8"/>',
        f'<text x="{pad}" y="{height - 4}" font-size="11" fill="#6b645c">entry 0</text>',
        f'<text x="{width - pad}" y="{height - 4}" font-size="11" fill="#6b645c" text-anchor="end">'
        f"entry {entries - 1:,}</text>",
    ]
    for w in winners:
        x = pad + span * int(w["entry_index"]) / max(entries - 1, 1)
        label_y = 14 if int(w["rank"]) % 2 == 0 else 28
        marks.append(
            f'<g class="winner-mark"><line x1="{x:.1f}" y1="{label_y + 3}" x2="{x:.1f}" y2="{line_y}" '
            f'stroke="#b3261e" stroke-width="1"/><circle class="winner-dot" data-rank="{_e(w["rank"])}" '
            f'data-entry-index="{_e(w["entry_index"])}" cx="{x:.1f}" cy="{line_y}" r="6" fill="#b3261e">'
            f"<title>rank {_e(w['rank'])}: entry {_e(w['entry_index'])}, {_e(w['account'])}</title>"
            f'</circle><text x="{x:.1f}" y="{label_y}" font-size="11" text-anchor="middle">'
            f"{int(w['rank']) + 1}</text></g>"
        )
    return (
        f'<svg class="strip" id="entries-strip" role="img" aria-label="{entries:,} entries and the '
        f'winners among them" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">' + "".join(marks) + "</svg>"
    )


def progress_pips(held: int, needed: int) -> str:
    """``needed`` circles, the first ``min(held, needed)`` filled: "3 of 5" at a glance."""
    r, gap = 9, 6
    width = needed * (2 * r + gap)
    circles = "".join(
        f'<circle cx="{r + i * (2 * r + gap)}" cy="{r + 1}" r="{r}" '
        + (
            'class="pip full" fill="#b3261e"/>'
            if i < held
            else 'class="pip" fill="none" stroke="#b3261e" stroke-width="2"/>'
        )
        for i in range(needed)
    )
    return (
        f'<svg class="pips" role="img" aria-label="{held} of {needed}" viewBox="0 0 {width} {2 * r + 2}" '
        f'width="{width}" height="{2 * r + 2}" xmlns="http://www.w3.org/2000/svg">{circles}</svg>'
    )
