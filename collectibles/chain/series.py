"""Series on chain: create a catalogue's specs once (matched by name), and read an on-chain series back as a spec
(its presentation from a catalogue, its facts from the chain)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collectibles.domain.catalogue import SeriesSpec, load_catalogue
from collectibles.domain.tokens import TransferPolicy

if TYPE_CHECKING:
    from ape.api import AccountAPI
    from ape.contracts import ContractInstance


@dataclass
class SeriesOutcome:
    """What happened to one spec."""

    name: str
    series_id: int
    created: bool
    tx_hash: str = ""
    differences: list[str] = field(default_factory=list)
    """For a series that already existed: how it differs from the spec (cap, policy, hold), if at all."""


def existing_series(nft: ContractInstance) -> dict[str, tuple[int, Any]]:
    """``(series id, SeriesInfo)`` on chain by name (the first series of a name wins)."""
    found: dict[str, tuple[int, Any]] = {}
    for series_id in range(1, int(nft.seriesCount()) + 1):
        info = nft.series(series_id)
        found.setdefault(info.name, (series_id, info))
    return found


def differences(spec: SeriesSpec, info: Any) -> list[str]:
    """What an existing series (``SeriesInfo``) fixed differently from ``spec``; creation-time facts only."""
    pairs = [
        ("max_supply", spec.max_supply, int(info.maxSupply)),
        ("policy", spec.policy.name.lower(), TransferPolicy(int(info.policy)).name.lower()),
        ("hold_seconds", spec.hold_seconds, int(info.holdSeconds)),
    ]
    return [f"{key}: wanted {want}, on chain {have}" for key, want, have in pairs if want != have]


def ensure_series(
    nft: ContractInstance, specs: list[SeriesSpec], sender: AccountAPI
) -> list[SeriesOutcome]:
    """Create every spec whose name is not on chain yet; report the others with their existing id."""
    on_chain = existing_series(nft)
    outcomes = []
    for spec in specs:
        if spec.name in on_chain:
            series_id, info = on_chain[spec.name]
            outcomes.append(
                SeriesOutcome(spec.name, series_id, False, differences=differences(spec, info))
            )
            continue
        tx = nft.createSeries(
            spec.name,
            spec.max_supply,
            int(spec.policy),
            spec.hold_seconds,
            spec.base_uri,
            sender=sender,
        )
        series_id = tx.events.filter(nft.SeriesCreated)[0].seriesId
        on_chain[spec.name] = (series_id, None)
        outcomes.append(SeriesOutcome(spec.name, series_id, True, str(tx.txn_hash)))
    return outcomes


def pending(nft: ContractInstance, specs: list[SeriesSpec]) -> list[SeriesSpec]:
    """The specs that :func:`ensure_series` would create."""
    on_chain = existing_series(nft)
    return [s for s in specs if s.name not in on_chain]


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
