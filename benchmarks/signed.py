"""Gas of signed intents on a local Anvil: a relayed gift, a voucher claim, a relay batch. A measurement.

Run with ``python benchmarks/signed.py``. Every figure is a whole transaction's gas (21,000 base and calldata
included) divided by the intents it executed. The relayer (``sender``) is never the signer; gift and voucher
recipients are fresh addresses, as a member's first card is, unless said otherwise. The owner's own gift is measured beside them, the
same way, for comparison.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from _chain import Fresh, print_rows
from ape import accounts, chain, networks, project

from collectibles.chain.intents import contract_domain, intent_call, sign_intent
from collectibles.chain.relay import Relayer, signed_intent_json
from collectibles.domain.intents import Gift, Voucher, typed_data
from collectibles.domain.tokens import TransferPolicy

HOLD = 90 * 24 * 3600
BATCH = 100
TARGETS = {
    "gift by signature, relayed alone": 61_000,
    "voucher claim, relayed alone": 90_000,
    "voucher claim, to a member holding a card": 90_000,
}
VOUCHER_FLOOR = 21_000 + 2 * 2_100 + 3 * 5_000 + 2 * 22_100 + 3_000 + 1_875
"""A voucher to a fresh address, before calldata and its own event: the base, two cold reads (pause, role),
three cold updates (the signer's cap and count, its used-voucher word, the series' count), two fresh writes
(ownership, balance), the ``ecrecover`` precompile and the Transfer log."""


def measure() -> list[tuple[str, int, int]]:
    admin, member, relayer, signer, own, lone = (accounts.test_accounts[i] for i in range(6))
    fresh = Fresh("signed-bench")
    rows: list[tuple[str, int, int]] = []

    def row(label: str, receipt, intents: int) -> None:
        rows.append((label, receipt.gas_used, intents))

    nft = admin.deploy(project.Collectible, "Bench", "BENCH", admin, 0, admin, 500)
    nft.grantRole(nft.MINTER_ROLE(), admin, sender=admin)
    nft.grantRole(nft.VOUCHER_SIGNER_ROLE(), signer, sender=admin)
    tx = nft.createSeries(
        "Gift", 999_999, int(TransferPolicy.GIFT_AFTER_HOLD), HOLD, "", sender=admin
    )
    series_id = tx.events.filter(nft.SeriesCreated)[0].seriesId
    domain = contract_domain(nft)

    # As benchmarks/gas.py measures the owner's own gift: a member with one card gives it to a fresh address.
    own_token, lone_token = (
        _minted(nft, nft.mint(series_id, holder, sender=admin)) for holder in (own, lone)
    )
    # The batch's cards are airdropped, as members' cards are: every token has its own ownership slot (the
    # first gift of a token in a mintBatch run also writes its neighbour's slot).
    drop = nft.airdrop(series_id, b"\x01" * 32, 0, [member.address] * BATCH, sender=admin)
    batch_tokens = [log.tokenId for log in drop.events.filter(nft.Transfer)]
    cli_drop = nft.airdrop(series_id, b"\x02" * 32, 0, [member.address] * BATCH, sender=admin)
    cli_tokens = [log.tokenId for log in cli_drop.events.filter(nft.Transfer)]
    chain.pending_timestamp += HOLD + 1
    chain.mine()
    deadline = chain.pending_timestamp + 3600

    def signed_gift(owner, token_id: int) -> tuple[Gift, bytes]:
        gift = Gift(token_id, fresh.take(1)[0], deadline, nft.acquiredAt(token_id))
        return gift, sign_intent(owner, domain, gift)

    to = fresh.take(1)[0]
    row("owner's own gift (transferFrom)", nft.transferFrom(own, to, own_token, sender=own), 1)
    gift, signature = signed_gift(lone, lone_token)
    row(
        "gift by signature, relayed alone",
        nft.giftBySig(gift.token_id, gift.to, gift.deadline, signature, sender=relayer),
        1,
    )
    # A smart account (ERC-1271) owning one card: the key check fails first, then the wallet is asked.
    wallet = admin.deploy(project.ERC1271WalletMock, lone)
    wallet_token = _minted(nft, nft.mint(series_id, wallet, sender=admin))
    chain.pending_timestamp += HOLD + 1
    chain.mine()
    gift = Gift(
        wallet_token, fresh.take(1)[0], chain.pending_timestamp + 3600, nft.acquiredAt(wallet_token)
    )
    row(
        "gift by signature, ERC-1271 owner",
        nft.giftBySig(
            gift.token_id, gift.to, gift.deadline, sign_intent(lone, domain, gift), sender=relayer
        ),
        1,
    )
    deadline = chain.pending_timestamp + 3600
    calls = [intent_call(nft, *signed_gift(member, token_id)) for token_id in batch_tokens]
    row(f"relay of {BATCH} gifts (per gift)", nft.relay(calls, sender=relayer), BATCH)
    rows.append(
        _relay_cli_row(nft, relayer, member.address, [signed_gift(member, t) for t in cli_tokens])
    )

    nft.setVoucherAllowance(signer, series_id, 10_000, sender=admin)

    def claim(voucher_id: int, to: str):
        voucher = Voucher(series_id, to, voucher_id, deadline)
        signature = sign_intent(signer, domain, voucher)
        return nft.claimVoucher(series_id, to, voucher_id, deadline, signature, sender=relayer)

    row("voucher claim, first of its bitmap word", claim(0, fresh.take(1)[0]), 1)
    row("voucher claim, relayed alone", claim(1, fresh.take(1)[0]), 1)
    nft.mint(series_id, relayer, sender=admin)
    row("voucher claim, to a member holding a card", claim(2, relayer.address), 1)
    calls = [
        intent_call(nft, voucher, sign_intent(signer, domain, voucher))
        for voucher in (Voucher(series_id, fresh.take(1)[0], 3 + i, deadline) for i in range(BATCH))
    ]
    row(f"relay of {BATCH} vouchers (per voucher)", nft.relay(calls, sender=relayer), BATCH)
    return rows


def _relay_cli_row(
    nft, relayer, owner: str, gifts: list[tuple[Gift, bytes]]
) -> tuple[str, int, int]:
    """The same batch of gifts through the relay's own path (file, checks, journal, one relay transaction),
    as ``ape run relay --intents`` sends it."""
    domain = contract_domain(nft)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "intents.jsonl"
        lines = [signed_intent_json("gift", owner, typed_data(domain, g), s) for g, s in gifts]
        path.write_text("".join(json.dumps(line) + "\n" for line in lines))
        result = Relayer(nft, relayer).run(path, journal_path=Path(folder) / "relay.sqlite")
    if result.executed != len(gifts) or result.batches != 1:
        raise RuntimeError(f"the relay CLI path executed {result.executed} in {result.batches} tx")
    return f"ape run relay, {len(gifts)} gifts in 1 tx (per gift)", result.gas_used, result.executed


def _minted(nft, receipt) -> int:
    token_id: int = receipt.events.filter(nft.Transfer)[0].tokenId
    return token_id


def main() -> int:
    with networks.parse_network_choice("ethereum:local:foundry"):
        rows = measure()
    missed = print_rows("signed intent", "intent", rows, TARGETS, 42)
    print(
        f"\nfloor of a voucher to a fresh address: {VOUCHER_FLOOR:,} (+ calldata, its event, the code)"
    )
    if missed:
        print("targets missed: " + ", ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
