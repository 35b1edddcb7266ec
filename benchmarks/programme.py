"""Gas figures of the programme contracts (raffle, crafting, redemption) on a local Anvil, printed as a table
beside their targets. Not a test.

Run with ``python benchmarks/programme.py``. Every figure is a whole transaction's gas (21,000 base and calldata
included). Crafting inputs are tokens a member received one by one (each has its own ownership slot, as airdropped
or minted tokens do); one row shows inputs from a single ``mintBatch`` run, whose burns write slots never written.
"""

from __future__ import annotations

import sys

from _chain import print_rows
from ape import accounts, chain, networks, project
from eth_abi import encode
from eth_utils import keccak

from collectibles.domain.tokens import TransferPolicy

COMMIT_AND_DRAW = "raffle commit + draw"
CRAFT_5 = "craft 5-to-1"
CRAFT_10 = "craft 10-to-1"
TARGETS = {COMMIT_AND_DRAW: 120_000, CRAFT_5: 90_000, CRAFT_10: 120_000}
MARK, BURN = 1, 0


def measure() -> list[tuple[str, int, int]]:
    admin, fan, relayer = (
        accounts.test_accounts[0],
        accounts.test_accounts[1],
        accounts.test_accounts[2],
    )
    nft = admin.deploy(project.Collectible, "Bench", "BENCH", admin, 0, admin, 500)
    nft.grantRole(nft.MINTER_ROLE(), admin, sender=admin)
    fortune = _series(nft, admin, "Fortune", TransferPolicy.FREE)
    badge = _series(nft, admin, "Badge", TransferPolicy.SOULBOUND)
    tiger = _series(nft, admin, "Tiger", TransferPolicy.GIFT_AFTER_HOLD, 3_600)
    rows: list[tuple[str, int, int]] = []
    rows += _raffle_rows(admin)
    rows += _craft_rows(nft, admin, fan, relayer, fortune, tiger)
    rows += _redeem_rows(nft, admin, fan, fortune, badge)
    return rows


def _series(nft, admin, name: str, policy: TransferPolicy, hold: int = 0) -> int:
    tx = nft.createSeries(name, 999_999, int(policy), hold, "ipfs://placeholder.json", sender=admin)
    return tx.events.filter(nft.SeriesCreated)[0].seriesId


def _raffle_rows(admin) -> list[tuple[str, int, int]]:
    raffle = admin.deploy(project.CollectibleRaffle, admin)
    raffle.grantRole(raffle.RAFFLE_ROLE(), admin, sender=admin)
    rows = []
    for label in ("first raffle", "later raffle"):
        seed = keccak(text=label)
        seed_hash = keccak(encode(["bytes32"], [seed]))
        commit = raffle.commit(
            keccak(text="entries"),
            1_000_000,
            100,
            seed_hash,
            chain.blocks.height + 100,
            sender=admin,
        )
        log = commit.events.filter(raffle.RaffleCommitted)[0]
        terms = (
            log.entriesRoot,
            log.seedHash,
            log.entryCount,
            log.winnerCount,
            log.commitBlock,
            log.drawDeadlineBlock,
        )
        chain.mine(1)
        draw = raffle.draw(log.raffleId, terms, seed, keccak(text="winners"), sender=admin)
        rows.append((f"raffle commit ({label})", commit.gas_used, 1))
        rows.append((f"raffle draw ({label})", draw.gas_used, 1))
    # The target is for any raffle, so the first (whose counter slot is set at deployment) is the one counted.
    first_commit, first_draw = rows[0][1], rows[1][1]
    rows.append((COMMIT_AND_DRAW, first_commit + first_draw, 1))
    return rows


def _one_by_one(nft, admin, series_id, to, count) -> list[int]:
    return [
        nft.mint(series_id, to, sender=admin).events.filter(nft.Transfer)[0].tokenId
        for _ in range(count)
    ]


def _craft_rows(nft, admin, fan, relayer, fortune, tiger) -> list[tuple[str, int, int]]:
    crafting = admin.deploy(project.CollectibleCrafting, nft, admin)
    crafting.grantRole(crafting.RECIPE_ROLE(), admin, sender=admin)
    nft.grantRole(nft.BURNER_ROLE(), crafting, sender=admin)
    nft.grantRole(nft.MINTER_ROLE(), crafting, sender=admin)
    recipes = {}
    for size in (5, 10):
        tx = crafting.createRecipe(
            [([fortune], 1, 999_999, size)], tiger, False, True, sender=admin
        )
        recipes[size] = tx.events.filter(crafting.RecipeCreated)[0].recipeId
    _one_by_one(
        nft, admin, tiger, fan, 1
    )  # the member already holds a tiger: no fresh balance slot
    rows = []
    for label, size in ((CRAFT_5, 5), (CRAFT_10, 10)):
        tokens = _one_by_one(nft, admin, fortune, fan, size)
        tx = crafting.craft(recipes[size], tokens, sender=fan)
        rows.append((label, tx.gas_used, 1))
        SPLITS[label] = _split(tx)
    tokens = _one_by_one(nft, admin, fortune, fan, 5)
    deadline = chain.pending_timestamp + 3_600
    digest = crafting.craftDigest(recipes[5], tokens, fan, deadline)
    sig = fan.sign_raw_msghash(digest)
    signature = sig.r + sig.s + bytes([sig.v])
    relayed = crafting.craftBySig(recipes[5], tokens, deadline, signature, sender=relayer)
    rows.append(("craftBySig 5-to-1 (relayed)", relayed.gas_used, 1))
    first = nft.mintBatch(fortune, fan, 5, sender=admin).events.filter(nft.Transfer)[0].tokenId
    lazy = crafting.craft(recipes[5], list(range(first, first + 5)), sender=fan)
    rows.append(("craft 5-to-1, inputs from one mintBatch run", lazy.gas_used, 1))
    return rows


SPLITS: dict[str, tuple[int, int, int]] = {}
"""Per craft row: the gas of its ``burnFrom`` and ``mint`` calls into the Collectible (the call tracer's figures)
and the refund the transaction earned (the step tracer's refund counter at its last step)."""


def _split(tx) -> tuple[int, int, int]:
    """The gas used inside the craft's two calls into the Collectible, ``burnFrom`` then ``mint``, and the refund
    counter at the end of the transaction (before EIP-3529's cap of a fifth of the gas used)."""
    trace = chain.provider.make_request(
        "debug_traceTransaction", [tx.txn_hash, {"tracer": "callTracer"}]
    )
    burn, mint = (int(call["gasUsed"], 16) for call in trace["calls"])
    steps = chain.provider.make_request(
        "debug_traceTransaction",
        [tx.txn_hash, {"disableStack": True, "disableMemory": True, "disableStorage": True}],
    )
    return burn, mint, int(steps["structLogs"][-1].get("refund", 0))


def _before_refund(total: int, counter: int) -> int:
    """The gas a transaction used before its refund: the refund paid is the counter, capped at a fifth of that."""
    if 4 * counter <= total:
        return total + counter
    # Capped: total = before - before // 5.
    return next(b for b in range(total * 5 // 4 - 2, total * 5 // 4 + 3) if b - b // 5 == total)


def _redeem_rows(nft, admin, fan, fortune, badge) -> list[tuple[str, int, int]]:
    redemption = admin.deploy(project.CollectibleRedemption, nft, admin)
    redemption.grantRole(redemption.CAMPAIGN_ROLE(), admin, sender=admin)
    nft.grantRole(nft.BURNER_ROLE(), redemption, sender=admin)
    now = chain.pending_timestamp
    ids = {}
    for mode, limit in ((MARK, 3), (BURN, 1)):
        tx = redemption.createCampaign(
            [fortune, badge], now - 1, now + 86_400, mode, limit, sender=admin
        )
        ids[mode] = tx.events.filter(redemption.CampaignCreated)[0].campaignId
    token, badge_token = (
        _one_by_one(nft, admin, fortune, fan, 1)[0],
        _one_by_one(nft, admin, badge, fan, 1)[0],
    )
    order = keccak(text="order")
    first = redemption.redeem(ids[MARK], token, order, sender=fan)
    again = redemption.redeem(ids[MARK], token, order, sender=fan)
    burn = redemption.redeem(ids[BURN], badge_token, order, sender=fan)
    return [
        ("redeem, mark mode (token's first)", first.gas_used, 1),
        ("redeem, mark mode (token's second)", again.gas_used, 1),
        ("redeem, burn mode", burn.gas_used, 1),
    ]


def main() -> int:
    with networks.parse_network_choice("ethereum:local:foundry"):
        rows = measure()
    missed = print_rows("operation", "tx", rows, TARGETS, 46)
    if missed:
        print("targets missed: " + ", ".join(missed))
    print(
        "\nwhere a craft's gas goes (whole transaction = the Collectible's burnFrom + its mint + the rest:"
    )
    print("21,000 base, calldata, the recipe's reads, the Crafted event, the two calls themselves;")
    print(
        "less the refund of the cleared ownership slots, at most a fifth of the gas used: EIP-3529)"
    )
    for label, (burn, mint, counter) in SPLITS.items():
        total = next(gas for row, gas, _ in rows if row == label)
        before = _before_refund(total, counter)
        refund = before - total
        print(
            f"{label:14} {total:>9,} = burnFrom {burn:>7,} + mint {mint:>7,} + rest"
            f" {before - burn - mint:>7,} - refund {refund:>6,} (counter {counter:,})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
