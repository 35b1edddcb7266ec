"""Whether a journaled intent can still execute: what a rerun asks the chain before it signs a batch again.

Exactly-once is the contract's: a gift's signature binds the token's ``acquiredAt``, which the gift changes, and
a voucher id's bit is set when it is claimed. So the chain answers, per intent, without the journal: a gift can
still execute while the token's ``acquiredAt`` is the signed one; a voucher while its id is unused. An intent
that cannot is left out of the batch (it was executed, by an earlier transaction of ours or by anyone).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eth_abi import encode
from eth_utils import keccak

from collectibles.chain.airdrop.node import NodeRefused

if TYPE_CHECKING:
    from collections.abc import Sequence

    from collectibles.chain.airdrop.node import NodeClient
    from collectibles.chain.relay.plan import PlannedIntent
    from collectibles.domain.intents import Gift, Voucher

ACQUIRED_AT = keccak(text="acquiredAt(uint256)")[:4]
IS_VOUCHER_USED = keccak(text="isVoucherUsed(address,uint256)")[:4]


def check_key(intent: Gift | Voucher, signer: str) -> str:
    """How the journal names the on-chain state that says whether ``intent`` can still execute."""
    from collectibles.domain.intents import Gift

    if isinstance(intent, Gift):
        return f"gift:{intent.token_id}:{intent.acquired_at}"
    return f"voucher:{signer}:{intent.voucher_id}"


def still_executable(
    node: NodeClient, contract: str, intents: Sequence[PlannedIntent]
) -> list[bool]:
    """For each intent, whether the chain would still let it execute (see the module's description)."""
    calls = [_query(contract, intent.check) for intent in intents]
    try:
        answers = node.request_many("reading the intents' state", "eth_call", calls)
    except NodeRefused:  # one call refused (a burned token's acquiredAt): ask one at a time
        answers = [_one(node, call) for call in calls]
    return [
        answer is not None and _open(intent.check, answer)
        for intent, answer in zip(intents, answers, strict=True)
    ]


def _query(contract: str, key: str) -> list[object]:
    kind, first, second = key.split(":")
    if kind == "gift":
        data = ACQUIRED_AT + encode(["uint256"], [int(first)])
    else:
        data = IS_VOUCHER_USED + encode(["address", "uint256"], [first, int(second)])
    return [{"to": contract, "data": "0x" + data.hex()}, "latest"]


def _one(node: NodeClient, call: list[object]) -> str | None:
    try:
        return str(node.request("reading an intent's state", "eth_call", *call))
    except NodeRefused:
        return None


def _open(key: str, answer: str) -> bool:
    kind, _, signed = key.split(":")
    value = int(answer, 16) if answer not in ("0x", "") else -1
    return value == int(signed) if kind == "gift" else value == 0
