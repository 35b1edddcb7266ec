"""Gas figures of Collectible on a local Anvil, printed as a table, then beside the peers. Not a test.

Run with ``make bench``. Every figure is a whole transaction's gas (21,000 base and calldata included)
divided by the tokens it minted or moved; recipients are fresh addresses unless said otherwise. The second
table puts our figures beside Solady's, ERC721A's and OpenZeppelin's ERC721 (``benchmarks/peers.py``: the
npm libraries compiled here, measured on the same Anvil with recipients drawn the same way).
"""

from __future__ import annotations

import sys

import peers
from _chain import Fresh, print_rows
from ape import accounts, chain, networks, project
from eth_utils import keccak, to_checksum_address

from collectibles.domain.claim_tree import build_tree
from collectibles.domain.tokens import TransferPolicy

FLOOR_PER_TOKEN = 46_443
"""Two cold zero-to-nonzero writes (22,100 each), the Transfer log (1,875), 20 address bytes of calldata (368)."""

TARGETS = {
    "airdrop 500, gift series": 47_000,
    "mintBatch 100 to one address": 3_000,
    "roster 1,000, free series": 6_500,
    "roster 1,000, gift series": 6_500,
    "roster 1,000, soulbound series": 7_600,
    "mintBatch 100 to a fresh address": 2_600,
    "worst transfer inside a full mintBatch run": 65_000,
}


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

    rows.extend(_roster_rows(nft, admin, fan, friend, fresh, free, gift, badge, hold))
    rows.extend(_batch_rows(nft, admin, fan, friend, fresh, free))

    plain = admin.deploy(project.PlainERC721Mock)
    row("plain OpenZeppelin ERC721 airdrop 500", plain.airdrop(fresh.take(500), sender=admin), 500)
    return rows


def packed(addresses: list[str]) -> bytes:
    """A roster's recipients as ``airdropRoster`` takes them: 20 bytes each, sorted as numbers."""
    return b"".join(bytes.fromhex(a[2:]) for a in sorted(addresses, key=lambda a: int(a, 16)))


def _roster_rows(nft, admin, fan, friend, fresh, free, gift, badge, hold):
    """Roster airdrops of 1,000 fresh members, a roster token's first transfer, balanceOf over rosters."""
    rows = []
    for label, series_id in (("free", free), ("gift", gift), ("soulbound", badge)):
        receipt = nft.airdropRoster(
            series_id, keccak(text=f"roster-{label}"), 0, packed(fresh.take(1000)), sender=admin
        )
        rows.append((f"roster 1,000, {label} series", receipt.gas_used, 1000))
    # A gift token of a roster, given away once its hold is over: the first transfer writes its slot.
    members = [*fresh.take(99), fan.address]
    tx = nft.airdropRoster(gift, keccak(text="roster-fan"), 0, packed(members), sender=admin)
    first = tx.events.filter(nft.AirdropExecuted)[0].firstTokenId
    token = next(first + i for i, log in enumerate(tx.events.filter(nft.Transfer)) if log.to == fan)
    chain.pending_timestamp += hold + 1
    receipt = nft.transferFrom(fan, friend, token, sender=fan)
    rows.append(("roster token's first transfer (gift, to a holder)", receipt.gas_used, 1))
    # balanceOf of an address in 1, 10 and 100 rosters of 100 members (on top of the rosters above).
    holder = fresh.take(1)[0]
    rosters = 0
    for target in (1, 10, 100):
        while rosters < target:
            batch = packed([*fresh.take(99), holder])
            nft.airdropRoster(free, keccak(text=f"balance-{rosters}"), 0, batch, sender=admin)
            rosters += 1
        gas = nft.balanceOf.estimate_gas_cost(holder)
        rows.append((f"balanceOf, in {target} of {nft_rosters(nft)} rosters", gas, 1))
    return rows


def nft_rosters(nft) -> int:
    return sum(nft.rosterCount(s) for s in range(1, nft.seriesCount() + 1))


def _batch_rows(nft, admin, fan, friend, fresh, free):
    """mintBatch to a fresh and to a holding address, and the worst transfer inside a full lazy run."""
    rows = []
    to = fresh.take(1)[0]
    rows.append(
        (
            "mintBatch 100 to a fresh address",
            nft.mintBatch(free, to, 100, sender=admin).gas_used,
            100,
        )
    )
    rows.append(
        ("mintBatch 100 to a holder", nft.mintBatch(free, to, 100, sender=admin).gas_used, 100)
    )
    size = nft.MAX_MINT_BATCH()
    tx = nft.mintBatch(free, fan, size, sender=admin)
    first = tx.events.filter(nft.Transfer)[0].tokenId
    # Every lazy token costs the same reads but one: a token past a 256-id boundary reads two bitmap words.
    candidates = {first + 1, first + size // 2, first + size - 1}
    candidates |= {t for t in range(first + 1, first + size) if t % 256 == 0}
    worst = max(nft.transferFrom(fan, friend, t, sender=fan).gas_used for t in sorted(candidates))
    rows.append(("worst transfer inside a full mintBatch run", worst, 1))
    return rows


def _series(nft, admin, name: str, policy: TransferPolicy, hold: int) -> int:
    tx = nft.createSeries(name, 999_999, int(policy), hold, "ipfs://placeholder.json", sender=admin)
    return tx.events.filter(nft.SeriesCreated)[0].seriesId


BESIDE_PEERS = (
    # (our row, the peers' row, how ours differs)
    ("airdrop 500, gift series", peers.AIRDROP.format(size=500), ""),
    ("roster 1,000, gift series", peers.AIRDROP.format(size=1_000), "ours: roster airdrop"),
    ("mintBatch 100 to a fresh address", peers.BATCH_MINT, ""),
    ("mint 1 (gift series)", peers.SINGLE_MINT, ""),
    ("gift transfer after the hold", peers.TRANSFER, "ours: to a holder"),
    (
        "worst transfer inside a full mintBatch run",
        peers.TRANSFER_IN_BATCH,
        "ours: worst of 128, to a holder",
    ),
)


def beside_peers(ours: dict[str, float], theirs: dict[str, dict[str, peers.Figure]]) -> str:
    """One table: each operation's gas per token for Collectible and for every peer."""
    names = list(peers.PEERS)
    lines = [
        f"{'operation (gas per token)':60}{'Collectible':>13}" + "".join(f"{p:>14}" for p in names)
    ]
    for our_row, peer_row, note in BESIDE_PEERS:
        cells = "".join(f"{theirs[peer_row][p].per_token:>14,.0f}" for p in names)
        lines.append(f"{peer_row:60}{ours[our_row]:>13,.0f}{cells}  {note}".rstrip())
    return "\n".join(lines)


def main() -> int:
    with networks.parse_network_choice("ethereum:local:foundry"):
        rows = measure()
        theirs = peers.measure()
    missed = print_rows("operation", "token", rows, TARGETS, 50)
    print(
        f"\nfloor per airdropped token: {FLOOR_PER_TOKEN:,} (+ the transaction's fixed costs / tokens)"
    )
    if missed:
        print("targets missed: " + ", ".join(missed))
    print("\n" + beside_peers({label: gas / tokens for label, gas, tokens in rows}, theirs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
