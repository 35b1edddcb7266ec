"""The main job's story, told on a local chain: deploy, create a series, mint, airdrop, show the rules.

Kept apart from ``scripts/demo.py`` so it runs under a test with Ape's own accounts and project.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from collectibles.policy import TransferPolicy, split_token_id
from collectibles.reverts import simulate_revert

HOLD_DAYS = 90


@dataclass
class Step:
    """One step of the story: what happened, the gas it used and how long it took."""

    title: str
    detail: str
    gas_used: int = 0
    seconds: float = 0.0


@dataclass
class DemoResult:
    """What the demo did, for printing and for tests."""

    contract: str = ""
    series_id: int = 0
    max_supply: int = 0
    tokens: list[tuple[int, str]] = field(default_factory=list)
    """(token id, owner at the end) of every token minted, in order."""
    steps: list[Step] = field(default_factory=list)
    gift_refused_error: str = ""
    gift_accepted: bool = False


def run_demo(project: Any, chain: Any, accounts: list[Any], members: int = 5) -> DemoResult:
    """Run the story with ``accounts[0]`` as admin and minter, and the next accounts as members.

    Needs a local chain: it moves chain time forward to show the end of the gifting hold.
    """
    admin, treasury, fan, friend = accounts[0], accounts[1], accounts[2], accounts[3]
    member_wallets = [a.address for a in accounts[2 : 2 + members]]
    result = DemoResult()

    def step(title: str, detail: str, receipts: list[Any], started: float) -> None:
        gas = sum(r.gas_used for r in receipts)
        result.steps.append(Step(title, detail, gas, time.perf_counter() - started))

    started = time.perf_counter()
    nft = admin.deploy(project.Collectible, "Spring Festival", "SPRING", admin, 0, admin, 500)
    receipts = [chain.get_receipt(nft.txn_hash)]
    receipts.append(nft.grantRole(nft.MINTER_ROLE(), admin, sender=admin))
    result.contract = nft.address
    step("deploy", f"Collectible at {nft.address}, royalty 5%", receipts, started)

    started = time.perf_counter()
    hold = HOLD_DAYS * 24 * 3600
    tx = nft.createSeries(
        "Greeting Card",
        500,
        int(TransferPolicy.GIFT_AFTER_HOLD),
        hold,
        "ipfs://placeholder/card.json",
        sender=admin,
    )
    result.series_id = tx.events.filter(nft.SeriesCreated)[0].seriesId
    result.max_supply = nft.series(result.series_id).maxSupply
    step(
        "series",
        f"#{result.series_id} Greeting Card: 500 editions, gift only after {HOLD_DAYS} days",
        [tx],
        started,
    )

    started = time.perf_counter()
    batch_id = b"demo-airdrop-1".ljust(32, b"\0")
    tx = nft.airdrop(result.series_id, batch_id, member_wallets, sender=admin)
    replay = nft.airdrop(result.series_id, batch_id, member_wallets, sender=admin)
    minted_again = len(replay.events.filter(nft.Transfer))
    result.tokens += [(e.tokenId, e.to) for e in tx.events.filter(nft.Transfer)]
    step(
        "airdrop",
        f"{len(member_wallets)} members in one transaction; the same batch sent again minted {minted_again}",
        [tx],
        started,
    )

    started = time.perf_counter()
    tx = nft.mintBatch(result.series_id, treasury, 3, sender=admin)
    result.tokens += [(e.tokenId, e.to) for e in tx.events.filter(nft.Transfer)]
    step("treasury", "3 editions to the treasury in one run", [tx], started)

    started = time.perf_counter()
    first_fan_token = next(t for t, owner in result.tokens if owner == fan.address)
    result.gift_refused_error = (
        simulate_revert(nft, "transferFrom", fan, friend, first_fan_token, sender=fan) or ""
    )
    chain.pending_timestamp += hold + 1
    tx = nft.transferFrom(fan, friend, first_fan_token, sender=fan)
    result.gift_accepted = nft.ownerOf(first_fan_token) == friend.address
    result.tokens = [(token, nft.ownerOf(token)) for token, _ in result.tokens]
    step(
        "gift",
        f"token {first_fan_token}: refused during the hold ({result.gift_refused_error}), "
        f"accepted after {HOLD_DAYS} days",
        [tx],
        started,
    )
    return result


def describe(result: DemoResult) -> list[str]:
    """Human-readable lines: the steps with gas and time, then every token as "serial N of M"."""
    lines = [f"{'step':10} {'gas':>12} {'seconds':>8}  what happened"]
    for s in result.steps:
        lines.append(f"{s.title:10} {s.gas_used:>12,} {s.seconds:>8.2f}  {s.detail}")
    lines.append("")
    for token, owner in result.tokens:
        _, serial = split_token_id(token)
        lines.append(
            f"token {token}: Greeting Card #{serial} of {result.max_supply}, owner {owner}"
        )
    return lines
