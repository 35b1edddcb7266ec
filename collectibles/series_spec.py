"""The catalogue entry of an on-chain series: its presentation from a catalogue, its facts from the chain."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from collectibles.catalogue import SeriesSpec, load_catalogue
from collectibles.policy import TransferPolicy


def spec_for_series(info: Any, catalogue: Path | None) -> SeriesSpec:
    """The spec of on-chain series ``info`` (a ``series()`` answer).

    The chain decides name, cap, policy and hold; a catalogue entry of the same name adds description,
    image, theme, tier and external URL. Without one, the card is drawn from the chain's facts alone.
    """
    facts = SeriesSpec(
        name=str(info.name),
        max_supply=int(info.maxSupply),
        policy=TransferPolicy(int(info.policy)),
        hold_seconds=int(info.holdSeconds),
        base_uri=str(info.baseURI),
    )
    if catalogue is None:
        return facts
    entry = next((s for s in load_catalogue(catalogue) if s.name == facts.name), None)
    if entry is None:
        return facts
    return replace(
        entry,
        max_supply=facts.max_supply,
        policy=facts.policy,
        hold_seconds=facts.hold_seconds,
        base_uri=facts.base_uri,
    )
