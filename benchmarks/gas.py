"""Gas figures of Collectible on a local Anvil, printed as a table. A measurement, not a test.

Run with ``make bench``. Every figure is a whole transaction's gas (21,000 base and calldata included)
divided by the tokens it minted or moved; recipients are fresh addresses unless said otherwise.
"""

from __future__ import annotations

import sys

from _chain import Fresh
from ape import accounts, chain, networks, project
from eth_utils import keccak, to_checksum_address

from collectibles.domain.claim_tree import build_tree
from collectibles.domain.tokens import TransferPolicy

FLOOR_PER_TOKEN = 46_443
"""Two cold zero-to-nonzero writes (22,100 each), the Transfer log (1,875), 20 address bytes of calldata (368)."""

TARGETS = {"airdrop 500, gift series": 47_000, "mintBatch 100 to one address": 3_000}


CLAIM_MEMBERS = 1_048_576
"""Members of the benchmark's claim tree: 20-hash proofs. Claims go to fresh recipients, sent by another account."""
CLAIM_FRESH_WORD = "claim, 2^20 members, first in its word"
CLAIM_USED_WORD = "claim, 2^20 members, word already used"
TARGETS.update({CLAIM_FRESH_WORD: 95_000, CLAIM_USED_WORD: 95_000})


def measure() -> list[tuple[str, int, int]]:
    admin, fan, friend = (
        accounts.test_accounts[0],
        accounts.test_accounts[1],
        accounts.test_accounts[2],
    )
    fresh = Fresh("bench")
    rows: list[tuple[str, int, int]] = []

    def row(label: str, receipt, tokens: int) -> None:
        rows.append((label, receipt.gas_used, tokens))

    nft = admin.deploy(project.Collectible, "Bench", "BENCH", admin, 0, admin, 500)
    row("deploy Collectible", chain.get_receipt(nft.txn_hash), 1)
    nft.grantRole(nft.MINTER_ROLE(), admin, sender=admin)
    hold = 90 * 24 * 3600
    free = _series(nft, admin, "Free", TransferPolicy.FREE, 0)
    gift = _series(nft, admin, "Gift", TransferPolicy.GIFT_AFTER_HOLD, hold)
    badge = _series(nft, admin, "Badge", TransferPolicy.SOULBOUND, 0)

    row("mint 1 (gift series)", nft.mint(gift, fresh.take(1)[0], sender=admin), 1)
    sent = {}
    for label, series_id in (("free", free), ("gift", gift), ("soulbound", badge)):
        for size in (100, 500):
            sent[label, size] = fresh.take(size)
            receipt = nft.airdrop(
                series_id, keccak(text=f"{label}-{size}"), 0, sent[label, size], sender=admin
            )
            row(f"airdrop {size}, {label} series", receipt, size)
    campaign = keccak(text="gift-500")
    replayed = nft.airdrop(gift, campaign, 0, sent["gift", 500], sender=admin)
    row("airdrop 500 replayed (mints nothing)", replayed, 500)
    # The same campaign split again: members 250 to 749, of which 250 to 499 were served above.
    overlap = sent["gift", 500][250:] + fresh.take(250)
    row(
        "airdrop 500, 250 of them served (250 minted)",
        nft.airdrop(gift, campaign, 250, overlap, sender=admin),
        250,
    )
    # A campaign that continues: members 500 to 999 after 0 to 499, so its first word is shared.
    row(
        "airdrop 500 more of a gift campaign",
        nft.airdrop(gift, keccak(text="gift-100"), 100, fresh.take(500), sender=admin),
        500,
    )
    row(
        "mintBatch 100 to one address",
        nft.mintBatch(free, fresh.take(1)[0], 100, sender=admin),
        100,
    )

    gift_token = nft.mint(gift, fan, sender=admin).events.filter(nft.Transfer)[0].tokenId
    chain.pending_timestamp += hold + 1
    row("gift transfer after the hold", nft.transferFrom(fan, friend, gift_token, sender=fan), 1)

    members = [keccak(text=f"claim member {i}")[-20:].hex() for i in range(CLAIM_MEMBERS)]
    tree = build_tree(members)
    nft.setMerkleRoot(free, tree.root, tree.members, sender=admin)
    for label, index in ((CLAIM_FRESH_WORD, 0), (CLAIM_USED_WORD, 1)):
        member = to_checksum_address(tree.account(index))
        row(label, nft.claim(free, index, member, tree.proof(index), sender=friend), 1)

    plain = admin.deploy(project.PlainERC721Mock)
    row("plain OpenZeppelin ERC721 airdrop 500", plain.airdrop(fresh.take(500), sender=admin), 500)
    return rows


def _series(nft, admin, name: str, policy: TransferPolicy, hold: int) -> int:
    tx = nft.createSeries(name, 999_999, int(policy), hold, "ipfs://placeholder.json", sender=admin)
    return tx.events.filter(nft.SeriesCreated)[0].seriesId


def main() -> int:
    with networks.parse_network_choice("ethereum:local:foundry"):
        rows = measure()
    print(f"{'operation':42} {'tx gas':>12} {'tokens':>7} {'gas/token':>10} {'target':>8}")
    missed = []
    for label, gas, tokens in rows:
        per_token = gas / tokens
        target = TARGETS.get(label)
        mark = "" if target is None else f"{target:>8,}"
        if target is not None and per_token > target:
            missed.append(label)
        print(f"{label:42} {gas:>12,} {tokens:>7} {per_token:>10,.0f} {mark}")
    print(
        f"\nfloor per airdropped token: {FLOOR_PER_TOKEN:,} (+ the transaction's fixed costs / tokens)"
    )
    if missed:
        print("targets missed: " + ", ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
