"""Airdrop throughput on a local Anvil: our journaled airdrop beside the chain's own floor and a per-member script.

Run with ``make bench`` (``python benchmarks/airdrop.py --profile`` adds where our time goes). In one run,
on one Anvil, it prints wall time, transactions and gas per token for:

- **ours**: 10,000 members through ``collectibles.chain.airdrop.runner.Airdropper`` (validate, plan,
  journal, sign, send, receipts, report), timed from reading the member file to the report;
- **the floor**: the same 10,000 mints, in batches of the same size, as the chain alone would take them:
  every ``airdrop`` transaction signed first with the key directly (``eth_account``; signing timed apart),
  then sent raw (``eth_sendRawTransaction``) and every receipt waited for, as plain JSON-RPC (web3's
  result formatters cost more than the chain on receipts of hundreds of logs). Nothing the chain does is
  skipped, and nothing of ours (journal, checks, report) is done: the ratio ours / floor is our overhead;
- **the peer style**: one ``mint`` transaction per member, waiting for each receipt, on a few hundred;
- **ours, roster mode**: the same journaled run on 10,000 other members with ``--roster``
  (``airdropRoster``: the owners stored as contract code, up to 1,228 a transaction).

``--no-peer`` leaves out the per-member script (minutes on a loaded machine). With ``--profile``, our run
is also profiled (``cProfile``) and the top functions by own time and by cumulative time are printed. A measurement, not a test: it never fails on time.
"""

from __future__ import annotations

import cProfile
import io
import math
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ape import accounts, networks, project
from ape_test.accounts import TestAccount
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from collectibles.chain.airdrop import Airdropper
from collectibles.chain.airdrop.modes import ARRAY, ROSTER, AirdropMode
from collectibles.domain.members import load_members, parse_members
from collectibles.domain.tokens import TransferPolicy

if TYPE_CHECKING:
    from ape.api import ProviderAPI
    from ape.contracts import ContractInstance

MEMBERS = 10_000
PEER_MEMBERS = 300
TARGET_SECONDS = 10
TARGET_RATIO = 2


def member_csv(count: int, seed: str) -> bytes:
    """A member file of ``count`` fresh addresses, with a member id and tier per row."""
    rows = ["address,member_id,tier"]
    for i in range(count):
        address = to_checksum_address(keccak(text=f"{seed}:{i}")[-20:])
        rows.append(f"{address},M{i:05d},{('gold', 'silver', 'bronze')[i % 3]}")
    return ("\n".join(rows) + "\n").encode()


def new_series(nft: ContractInstance, admin: TestAccount, name: str) -> int:
    tx = nft.createSeries(name, 999_999, int(TransferPolicy.FREE), 0, "ipfs://x/", sender=admin)
    return int(tx.events.filter(nft.SeriesCreated)[0].seriesId)


def run_ours(
    nft: ContractInstance,
    admin: TestAccount,
    series_id: int,
    profile: cProfile.Profile | None,
    mode: AirdropMode = ARRAY,
) -> tuple[float, Any]:
    """Our airdrop of MEMBERS members in ``mode``, from the member file on disk to the report;
    ``(seconds, result)``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "members.csv"
        path.write_bytes(member_csv(MEMBERS, f"bench-{mode.name}"))
        if profile is not None:
            profile.enable()
        started = time.perf_counter()
        members = load_members(path)
        result = Airdropper(nft, admin, mode=mode).run(
            series_id,
            members,
            members_path=str(path),
            journal_path=Path(tmp) / "journal.sqlite",
            report_path=Path(tmp) / "report.csv",
        )
        seconds = time.perf_counter() - started
        if profile is not None:
            profile.disable()
    return seconds, result


def airdrop_arguments(
    nft: ContractInstance, series_id: int, campaign: bytes, first: int, recipients: list[str]
) -> list[Any]:
    """The arguments of ``airdrop`` as the ABI names them (series, campaign or batch id, first member
    index when it has one, recipients), so the floor sends what the contract of the day takes: one
    campaign id for every batch when batches carry their first index, else an id per batch."""
    (abi,) = [m for m in nft.contract_type.abi if getattr(m, "name", None) == "airdrop"]
    names = [i.name for i in abi.inputs]
    if "firstIndex" not in names:
        campaign = keccak(campaign + first.to_bytes(32, "big"))  # a batch id: one per batch
    by_type = {"bytes32": campaign, "address[]": recipients}
    by_name = {"seriesId": series_id, "firstIndex": first}
    return [by_type.get(i.type, by_name.get(i.name or "")) for i in abi.inputs]


def run_floor(
    provider: ProviderAPI,
    nft: ContractInstance,
    admin: TestAccount,
    series_id: int,
    batch_size: int,
) -> tuple[float, float, int, int]:
    """The chain's floor for MEMBERS mints: ``(signing s, send-to-last-receipt s, transactions, gas)``."""
    web3 = provider.web3
    addresses = parse_members(member_csv(MEMBERS, "bench-floor")).addresses
    campaign = os.urandom(32)
    calls = [
        nft.airdrop.encode_input(
            *airdrop_arguments(nft, series_id, campaign, s, addresses[s : s + batch_size])
        )
        for s in range(0, MEMBERS, batch_size)
    ]
    gas = int(web3.eth.estimate_gas({"from": admin.address, "to": nft.address, "data": calls[0]}))
    base_fee = int(web3.eth.get_block("latest")["baseFeePerGas"])
    nonce = web3.eth.get_transaction_count(admin.address, "pending")
    common = {
        "chainId": web3.eth.chain_id,
        "to": nft.address,
        "gas": gas * 12 // 10,
        "maxFeePerGas": 2 * base_fee + 10**9,
        "maxPriorityFeePerGas": 10**9,
        "type": 2,
    }
    started = time.perf_counter()
    raw = [
        Account.sign_transaction(
            {**common, "nonce": nonce + i, "data": data}, admin.private_key
        ).raw_transaction
        for i, data in enumerate(calls)
    ]
    signing = time.perf_counter() - started
    started = time.perf_counter()
    hashes = [rpc(web3, "eth_sendRawTransaction", "0x" + tx.hex()) for tx in raw]
    receipts = [wait_for_receipt(web3, h) for h in hashes]
    sending = time.perf_counter() - started
    if any(int(r["status"], 16) != 1 for r in receipts):
        raise RuntimeError(
            "a floor transaction reverted: the floor's arguments are not the contract's"
        )
    return signing, sending, len(raw), sum(int(r["gasUsed"], 16) for r in receipts)


def rpc(web3: Any, method: str, *params: Any) -> Any:
    """One JSON-RPC call, its result unformatted (web3's formatters would cost more than the chain)."""
    answer = web3.provider.make_request(method, list(params))
    if "error" in answer:
        raise RuntimeError(f"{method}: {answer['error']}")
    return answer["result"]


def wait_for_receipt(web3: Any, tx_hash: str, timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (receipt := rpc(web3, "eth_getTransactionReceipt", tx_hash)) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no receipt for {tx_hash} in {timeout:g} s")
        time.sleep(0.01)
    return dict(receipt)


def print_profile(profile: cProfile.Profile, top: int = 25) -> None:
    """The top functions by own time, then our own functions (collectibles/) by cumulative time."""
    for order, only in (("tottime", ""), ("cumulative", "collectibles/")):
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).sort_stats(order)
        stats.print_stats(only, top) if only else stats.print_stats(top)
        text = out.getvalue().replace(str(Path.cwd()) + "/", "")
        print(f"\n--- our run, top {top} by {order}{' in ' + only if only else ''} ---")
        print(text[text.find("   ncalls") :].rstrip())


def main(argv: list[str]) -> int:
    profile = cProfile.Profile() if "--profile" in argv else None
    with networks.parse_network_choice("ethereum:local:foundry") as provider:
        admin = accounts.test_accounts[0]
        if not isinstance(admin, TestAccount):  # the floor signs with its key directly
            raise TypeError(f"{admin} is not a local test account")
        nft = admin.deploy(project.Collectible, "Bench", "BENCH", admin, 0, admin, 500)
        nft.grantRole(nft.MINTER_ROLE(), admin, sender=admin)
        block_gas = provider.web3.eth.get_block("latest")["gasLimit"]

        series_id = new_series(nft, admin, "Greeting")
        ours, result = run_ours(nft, admin, series_id, profile)
        minted = nft.series(series_id).minted

        batch_size = math.ceil(MEMBERS / result.batches)
        floor_series = new_series(nft, admin, "Floor")
        signing, floor, floor_txs, floor_gas = run_floor(
            provider, nft, admin, floor_series, batch_size
        )
        floor_minted = nft.series(floor_series).minted
        if floor_minted != MEMBERS:
            raise RuntimeError(f"the floor minted {floor_minted} tokens, not {MEMBERS}")

        roster_series = new_series(nft, admin, "Roster")
        roster, roster_result = run_ours(nft, admin, roster_series, None, ROSTER)
        if nft.series(roster_series).minted != MEMBERS:
            raise RuntimeError(f"the roster run minted {nft.series(roster_series).minted} tokens")

        peer_members = 0 if "--no-peer" in argv else PEER_MEMBERS
        peers = parse_members(member_csv(max(peer_members, 1), "bench-peer")).addresses
        peer_series = new_series(nft, admin, "Peer")
        started = time.perf_counter()
        peer_gas = sum(
            nft.mint(peer_series, a, sender=admin).gas_used for a in peers[:peer_members]
        )
        peer = max(time.perf_counter() - started, 1e-9)

    our_rate, floor_rate = MEMBERS / ours, MEMBERS / floor
    peer_rate = peer_members / peer
    print(
        f"block gas limit {block_gas:,}; tokens minted: ours {minted:,}, floor {floor_minted:,}; "
        f"batch size {batch_size}"
    )
    print(
        f"{'script':44} {'members':>8} {'txs':>5} {'wall s':>8} {'members/s':>10} {'gas/token':>10}"
    )
    rows = [
        ("collectibles airdrop (journaled)", MEMBERS, result.batches, ours, result.gas_used),
        ("floor: pre-signed raw txs, send + receipts", MEMBERS, floor_txs, floor, floor_gas),
        ("floor incl. signing (eth_account)", MEMBERS, floor_txs, floor + signing, floor_gas),
        (
            "collectibles airdrop --roster (journaled)",
            MEMBERS,
            roster_result.batches,
            roster,
            roster_result.gas_used,
        ),
    ]
    if peer_members:
        rows.append(("one mint transaction per member", peer_members, peer_members, peer, peer_gas))
    for name, count, txs, seconds, gas in rows:
        print(
            f"{name:44} {count:>8,} {txs:>5} {seconds:>8.2f} {count / seconds:>10,.0f} "
            f"{gas / count:>10,.0f}"
        )
    versus_peer = (
        f"; per-member rate {our_rate / peer_rate:,.0f} times the one-mint-per-member script "
        f"(floor: {floor_rate / peer_rate:,.0f})"
        if peer_members
        else ""
    )
    print(
        f"\nours / floor: {ours / floor:.2f}x (floor with signing: {ours / (floor + signing):.2f}x)"
        + versus_peer
    )
    print(
        f"targets: {MEMBERS:,} members in <= {TARGET_SECONDS} s and within {TARGET_RATIO}x of the "
        "floor; >= 60 times the per-member rate"
    )
    if profile is not None:
        print_profile(profile)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
