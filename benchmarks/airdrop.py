"""Airdrop throughput on a local Anvil: our journaled, batched airdrop against a one-mint-per-member script.

Run with ``make bench``. Prints wall time, transactions and gas per token for 10,000 members through
``collectibles.chain.airdrop.runner.Airdropper`` (plan, journal, sign, send, receipts, report), and the same figures
for the peer style (one ``mint`` transaction per member, waiting for each receipt) on a few hundred
members, in the same run. A measurement, not a test: it never fails on time.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from ape import accounts, networks, project
from eth_utils import keccak, to_checksum_address

from collectibles.chain.airdrop import Airdropper
from collectibles.domain.members import parse_members
from collectibles.domain.tokens import TransferPolicy

MEMBERS = 10_000
PEER_MEMBERS = 300


def member_csv(count: int, seed: str) -> bytes:
    """A member file of ``count`` fresh addresses, with a member id and tier per row."""
    rows = ["address,member_id,tier"]
    for i in range(count):
        address = to_checksum_address(keccak(text=f"{seed}:{i}")[-20:])
        rows.append(f"{address},M{i:05d},{('gold', 'silver', 'bronze')[i % 3]}")
    return ("\n".join(rows) + "\n").encode()


def main() -> int:
    with networks.parse_network_choice("ethereum:local:foundry") as provider:
        admin = accounts.test_accounts[0]
        nft = admin.deploy(project.Collectible, "Bench", "BENCH", admin, 0, admin, 500)
        nft.grantRole(nft.MINTER_ROLE(), admin, sender=admin)
        tx = nft.createSeries(
            "Greeting", 999_999, int(TransferPolicy.FREE), 0, "ipfs://x/", sender=admin
        )
        series_id = tx.events.filter(nft.SeriesCreated)[0].seriesId
        block_gas = provider.web3.eth.get_block("latest")["gasLimit"]

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "members.csv"
            path.write_bytes(member_csv(MEMBERS, "bench-airdrop"))
            started = time.perf_counter()
            members = parse_members(path.read_bytes(), path)
            result = Airdropper(nft, admin).run(
                series_id,
                members,
                members_path=str(path),
                journal_path=Path(tmp) / "journal.sqlite",
                report_path=Path(tmp) / "report.csv",
            )
            ours = time.perf_counter() - started
        minted = nft.series(series_id).minted

        peers = parse_members(member_csv(PEER_MEMBERS, "bench-peer")).addresses
        started = time.perf_counter()
        peer_gas = sum(nft.mint(series_id, a, sender=admin).gas_used for a in peers)
        peer = time.perf_counter() - started

    our_rate = MEMBERS / ours
    peer_rate = PEER_MEMBERS / peer
    print(f"block gas limit {block_gas:,}; tokens minted by the airdrop: {minted:,}")
    print(
        f"{'script':38} {'members':>8} {'txs':>5} {'wall s':>8} {'members/s':>10} {'gas/token':>10}"
    )
    print(
        f"{'collectibles airdrop (journaled)':38} {MEMBERS:>8,} {result.batches:>5} {ours:>8.2f} "
        f"{our_rate:>10,.0f} {result.gas_used / MEMBERS:>10,.0f}"
    )
    print(
        f"{'one mint transaction per member':38} {PEER_MEMBERS:>8,} {PEER_MEMBERS:>5} {peer:>8.2f} "
        f"{peer_rate:>10,.0f} {peer_gas / PEER_MEMBERS:>10,.0f}"
    )
    print(f"\nper-member rate: {our_rate / peer_rate:,.0f} times the one-mint-per-member script")
    print("targets: 10,000 members in <= 10 s; >= 60 times the per-member rate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
