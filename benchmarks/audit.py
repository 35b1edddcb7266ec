"""Audit throughput on a local Anvil: ``ape run verify``'s work for series of 1,501, 10,000 and 100,000 tokens.

Run with ``make bench`` (``python benchmarks/audit.py [sizes…]`` for other sizes). For each size it publishes
a series' metadata the way ``ape run publish`` does (``collectibles.content.publish.build_series``: every
serial's JSON, the image, the HAMT-sharded directory) into a CAR file, creates the series revealed at that
folder, mints every token with ``mintBatch`` (128 a transaction, to nine holders in turn, signed and sent
raw as ``benchmarks/airdrop.py``'s floor does), then gives away a token in the middle of some lazy runs and
burns others, so the audit must find current owners and skip burned tokens. It then times what the verify
script does: read the CAR files (every block checked against its CID), audit the series from the chain
outward (owners and URIs in JSON-RPC batches, each token's JSON fetched, hashed and checked, its image)
and write the report. It prints wall time, tokens per second and the process's memory, and fails only
when the audit is wrong (a mismatch, a moved token with its old owner, a burned token listed).

Targets: 10,000 tokens in at most 10 s and 100,000 in at most 100 s. A measurement, not a test: it never
fails on time.
"""

from __future__ import annotations

import gc
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from airdrop import rpc, wait_for_receipt  # benchmarks/airdrop.py: raw JSON-RPC, unformatted
from ape import accounts, networks, project
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from collectibles.chain.audit import audit_series
from collectibles.chain.audit_report import write_report
from collectibles.content.artwork import render_card
from collectibles.content.metadata import SeriesProfile
from collectibles.content.publish import build_series
from collectibles.domain.tokens import TransferPolicy, token_id
from collectibles.ipfs.car import write_car
from collectibles.ipfs.fetch import store_fetcher
from collectibles.ipfs.salvage import load_published

SIZES = (1_501, 10_000, 100_000)
TARGET_SECONDS = {10_000: 10, 100_000: 100}
BATCH = 128
"""``Collectible.MAX_MINT_BATCH``."""
MOVED_EVERY = 1_000
"""One token in this many is given away after the mint (from inside its lazy run), one burned."""


def rss_mb() -> float:
    """The process's resident memory now, in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1e6


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # KiB on Linux


class Sender:
    """Signs with a test account's key and sends raw; every receipt waited for and checked."""

    def __init__(self, web3: Any, account: Any, to: str):
        self.web3, self.key, self.address, self.to = web3, account.private_key, account.address, to
        self.nonce = web3.eth.get_transaction_count(account.address, "pending")
        base_fee = int(web3.eth.get_block("latest")["baseFeePerGas"])
        self.common = {
            "chainId": web3.eth.chain_id,
            "to": to,
            "maxFeePerGas": 2 * base_fee + 10**9,
            "maxPriorityFeePerGas": 10**9,
            "type": 2,
        }

    def send(self, calls: list[Any], gas: int) -> None:
        hashes = []
        for data in calls:
            tx = {**self.common, "nonce": self.nonce, "data": data, "gas": gas}
            raw = Account.sign_transaction(tx, self.key).raw_transaction
            hashes.append(rpc(self.web3, "eth_sendRawTransaction", "0x" + raw.hex()))
            self.nonce += 1
        for tx_hash in hashes:
            if int(wait_for_receipt(self.web3, tx_hash)["status"], 16) != 1:
                raise RuntimeError(f"transaction {tx_hash} reverted")


def publish(size: int, folder: Path) -> tuple[str, Path]:
    """A series of ``size`` tokens published to ``<folder>/<size>.car``: ``(base URI, CAR path)``."""
    profile = SeriesProfile(f"Audit {size}", size, TransferPolicy.FREE, tier="Common")
    bundle = build_series(profile, render_card(profile.name, size, profile.policy, profile.theme))
    car = folder / f"{size}.car"
    car.write_bytes(write_car(bundle.root))
    return bundle.base_uri, car


def mint(nft: Any, web3: Any, admin: Any, holders: list[Any], series_id: int, size: int) -> None:
    """Every serial of the series, in batches of 128 to the holders in turn."""
    calls = [
        nft.mintBatch.encode_input(
            series_id, holders[i // BATCH % len(holders)].address, min(BATCH, size - i)
        )
        for i in range(0, size, BATCH)
    ]
    gas = int(web3.eth.estimate_gas({"from": admin.address, "to": nft.address, "data": calls[0]}))
    Sender(web3, admin, nft.address).send(calls, gas * 12 // 10)


def move_and_burn(
    nft: Any, web3: Any, holders: list[Any], series_id: int, size: int
) -> tuple[dict[int, str], set[int]]:
    """Give away a token from the middle of a run every MOVED_EVERY serials and burn the one after it:
    ``(serial -> new owner, burned serials)``."""
    holder_of = {h.address: h for h in holders}
    moved: dict[int, str] = {}
    burned: set[int] = set()
    for serial in range(BATCH // 2, size + 1, MOVED_EVERY):
        for s, is_burn in ((serial, False), (serial + 1, True)):
            if s > size:
                continue
            owner = holder_of[holders[(s - 1) // BATCH % len(holders)].address]
            token = token_id(series_id, s)
            if is_burn:
                data = nft.burn.encode_input(token)
                burned.add(s)
            else:
                moved[s] = to_checksum_address(keccak(text=f"audit-bench:{series_id}:{s}")[-20:])
                data = nft.transferFrom.encode_input(owner.address, moved[s], token)
            # Estimated each: a transfer from inside a lazy run scans back to the run's first slot.
            gas = web3.eth.estimate_gas({"from": owner.address, "to": nft.address, "data": data})
            Sender(web3, owner, nft.address).send([data], int(gas) * 12 // 10)
    return moved, burned


def verify(nft: Any, series_id: int, car: Path, report: Path) -> tuple[float, Any]:
    """What ``ape run verify --series <id> --car <car>`` does, timed: ``(seconds, the audit)``."""
    started = time.perf_counter()
    store, damage = load_published([car])
    audit = audit_series(nft, series_id, store_fetcher(store))
    write_report([audit], report, damage)
    seconds = time.perf_counter() - started
    if damage:
        raise RuntimeError(f"the CAR of series {series_id} is damaged: {damage[0]}")
    return seconds, audit


def check(audit: Any, size: int, moved: dict[int, str], burned: set[int]) -> None:
    """The audit found what the chain holds: every live token, none mismatched, moves seen."""
    if audit.failures:
        raise RuntimeError(f"{len(audit.failures)} tokens mismatched: {audit.failures[0]}")
    serials = [t.serial for t in audit.tokens]
    if serials != [s for s in range(1, size + 1) if s not in burned]:
        raise RuntimeError(f"the audit listed {len(serials)} tokens, not {size - len(burned)}")
    owners = {t.serial: t.owner for t in audit.tokens}
    stale = [s for s, owner in moved.items() if owners[s] != owner]
    if stale:
        raise RuntimeError(f"tokens {stale[:5]} are reported with their owner before the transfer")


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or list(SIZES)
    rows = []
    with (
        networks.parse_network_choice("ethereum:local:foundry") as provider,
        tempfile.TemporaryDirectory() as tmp,
    ):
        web3 = provider.web3
        admin, holders = accounts.test_accounts[0], list(accounts.test_accounts[1:10])
        nft = admin.deploy(project.Collectible, "Bench", "BENCH", admin, 0, admin, 500)
        nft.grantRole(nft.MINTER_ROLE(), admin, sender=admin)
        for size in sizes:
            started = time.perf_counter()
            base_uri, car = publish(size, Path(tmp))
            published = time.perf_counter() - started
            tx = nft.createSeries(
                f"Audit {size}", size, int(TransferPolicy.FREE), 0, base_uri, sender=admin
            )
            series_id = int(tx.events.filter(nft.SeriesCreated)[0].seriesId)
            started = time.perf_counter()
            mint(nft, web3, admin, holders, series_id, size)
            moved, burned = move_and_burn(nft, web3, holders, series_id, size)
            minted = time.perf_counter() - started
            gc.collect()
            before = rss_mb()
            seconds, audit = verify(nft, series_id, car, Path(tmp) / f"report-{size}.json")
            check(audit, size, moved, burned)
            print(
                f"series of {size:,}: published in {published:.1f} s, minted (+{len(moved)} moved, "
                f"{len(burned)} burned) in {minted:.1f} s; verified in {seconds:.2f} s; "
                f"memory {before:,.0f} -> {rss_mb():,.0f} MB (peak {peak_mb():,.0f} MB)",
                flush=True,
            )
            rows.append((size, len(audit.tokens), seconds))
            del audit
    print(
        f"\n{'verify (ape run verify, in process)':36} {'tokens':>8} {'wall s':>8} {'tokens/s':>9} {'target s':>9}"
    )
    for size, checked, seconds in rows:
        target = TARGET_SECONDS.get(size)
        print(
            f"{'series of ' + format(size, ','):36} {checked:>8,} {seconds:>8.2f} "
            f"{checked / seconds:>9,.0f} {target if target else '':>9}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
