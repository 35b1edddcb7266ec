"""Holder snapshot throughput on a local Anvil: ``ape run snapshot`` over a series of 100,000 tokens.

Run with ``python benchmarks/snapshot.py [tokens]``. It mints the series fast: 60 % with ``airdropRoster``
(1,228 tokens a transaction, 20,000 holders three tokens each, rosters sorted as the contract wants) and the
rest with ``mintBatch`` (128 a transaction, to nine test accounts in turn), signed and sent raw as
``benchmarks/audit.py`` does; then it gives away one token in 1,000 and burns the one after it. It times
what the script does (:func:`collectibles.chain.snapshot.take_snapshot`: Transfer logs from the deployment
block, every ``ownerOf`` at the block in batches of 500, the file written), and checks the file against the
owners it expects. It prints wall time, tokens per second and memory, and fails only when the snapshot is
wrong.

Target: 100,000 tokens in under 30 s. A measurement, not a test: it never fails on time.
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _chain import Fresh
from ape import accounts, networks, project
from audit import Sender, peak_mb, rss_mb  # benchmarks/audit.py: raw sending, memory figures

from collectibles.chain.snapshot import take_snapshot
from collectibles.domain.snapshot import read_snapshot
from collectibles.domain.tokens import TransferPolicy, token_id

TOKENS = 100_000
TARGET_SECONDS = 30
ROSTER_SHARE = 0.6
ROSTER = 1_228
"""``Collectible.MAX_ROSTER``: addresses per ``airdropRoster``."""
BATCH = 128
MOVED_EVERY = 1_000
CAMPAIGN = "0x" + "b1" * 32


def mint(nft: Any, web3: Any, admin: Any, series_id: int, tokens: int) -> dict[int, str]:
    """Mint ``tokens`` serials: rosters, then batches. Returns ``serial -> owner`` as minted."""
    holders = Fresh("snapshot-bench").take(20_000)
    rostered = sorted((h for h in holders for _ in range(3)), key=lambda a: int(a, 16))
    rostered = rostered[: int(tokens * ROSTER_SHARE)]
    owners: dict[int, str] = {}
    calls = []
    for first in range(0, len(rostered), ROSTER):
        chunk = rostered[first : first + ROSTER]
        packed = b"".join(bytes.fromhex(a[2:]) for a in chunk)
        calls.append(nft.airdropRoster.encode_input(series_id, CAMPAIGN, first, packed))
        owners.update({len(owners) + 1 + i: a for i, a in enumerate(chunk)})
    if calls:
        gas = int(
            web3.eth.estimate_gas({"from": admin.address, "to": nft.address, "data": calls[0]})
        )
        Sender(web3, admin, nft.address).send(calls, gas * 12 // 10)
    rest = [a.address for a in accounts.test_accounts[1:10]]
    calls = []
    start = len(owners)
    for i, first in enumerate(range(start, tokens, BATCH)):
        size = min(BATCH, tokens - first)
        to = rest[i % len(rest)]
        calls.append(nft.mintBatch.encode_input(series_id, to, size))
        owners.update({first + 1 + k: to for k in range(size)})
    if calls:
        gas = int(
            web3.eth.estimate_gas({"from": admin.address, "to": nft.address, "data": calls[0]})
        )
        Sender(web3, admin, nft.address).send(calls, gas * 12 // 10)
    return owners


def move_and_burn(nft: Any, web3: Any, series_id: int, owners: dict[int, str]) -> None:
    """One token in :data:`MOVED_EVERY` (of a test account's batches) given away, the next burned."""
    test_accounts = {a.address: a for a in accounts.test_accounts}
    fresh = Fresh("snapshot-bench-gift")
    for serial in sorted(s for s, owner in owners.items() if owner in test_accounts)[::MOVED_EVERY]:
        for s, burn in ((serial, False), (serial + 1, True)):
            owner = test_accounts.get(owners.get(s, ""))
            if owner is None:
                continue
            token = token_id(series_id, s)
            if burn:
                data = nft.burn.encode_input(token)
                del owners[s]
            else:
                owners[s] = fresh.take(1)[0]
                data = nft.transferFrom.encode_input(owner.address, owners[s], token)
            gas = web3.eth.estimate_gas({"from": owner.address, "to": nft.address, "data": data})
            Sender(web3, owner, nft.address).send([data], int(gas) * 12 // 10)


def check(path: Path, series_id: int, owners: dict[int, str]) -> int:
    """The file lists exactly the expected owners; returns its holder count."""
    expected: dict[str, list[int]] = {}
    for serial in sorted(owners):
        expected.setdefault(owners[serial], []).append(token_id(series_id, serial))
    snapshot = read_snapshot(path)
    found = {h.address: list(h.token_ids) for h in snapshot.holdings()}
    if found != expected:
        wrong = [a for a in expected.keys() | found.keys() if found.get(a) != expected.get(a)]
        raise RuntimeError(f"the snapshot is wrong for {len(wrong)} holders, e.g. {wrong[:3]}")
    return len(found)


def main(argv: list[str]) -> int:
    tokens = int(argv[0]) if argv else TOKENS
    with (
        networks.parse_network_choice("ethereum:local:foundry") as provider,
        tempfile.TemporaryDirectory() as tmp,
    ):
        web3 = provider.web3
        admin = accounts.test_accounts[0]
        nft = admin.deploy(project.Collectible, "Bench", "BENCH", admin, 0, admin, 500)
        nft.grantRole(nft.MINTER_ROLE(), admin, sender=admin)
        tx = nft.createSeries(
            "Snapshot", tokens, int(TransferPolicy.FREE), 0, "ipfs://x/", sender=admin
        )
        series_id = int(tx.events.filter(nft.SeriesCreated)[0].seriesId)
        started = time.perf_counter()
        owners = mint(nft, web3, admin, series_id, tokens)
        move_and_burn(nft, web3, series_id, owners)
        print(f"minted {tokens:,} tokens in {time.perf_counter() - started:.1f} s", flush=True)
        gc.collect()
        before = rss_mb()
        out = Path(tmp) / "snapshot.jsonl"
        started = time.perf_counter()
        result = take_snapshot(nft, series_id, out)
        seconds = time.perf_counter() - started
        holders = check(out, series_id, owners)
        print(
            f"snapshot of {result.header.tokens:,} tokens ({holders:,} holders) at block "
            f"{result.header.block}: {seconds:.2f} s, {result.header.tokens / seconds:,.0f} tokens/s "
            f"(target {TARGET_SECONDS} s); file {out.stat().st_size / 1e6:.1f} MB; memory "
            f"{before:,.0f} -> {rss_mb():,.0f} MB (peak {peak_mb():,.0f} MB)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
