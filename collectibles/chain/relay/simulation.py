"""Each intent simulated alone as a ``relay`` call from the relayer: the contract's verdict and its gas.

``relay`` never reverts for a failing intent (it returns the intent's revert data), so one ``eth_call`` per
intent, sent in JSON-RPC batches, says whether the contract would execute it now (else its custom error,
decoded by :mod:`~collectibles.chain.reverts`). Its gas is *not* ``eth_estimateGas`` of ``relay([intent])``:
that finds the least gas at which the transaction does not revert, and a ``relay`` whose intent ran short of gas
does not revert, it reports the intent failed. An ERC-1271 gift shows it: its ``relay`` "succeeds" at 40,000
gas with ``CollectibleSignatureCheckOutOfGas``. So the gas is the intent called alone (``giftBySig`` or
``claimVoucher`` reverts when it fails, so its estimate is its success's), less the base transaction, plus the
1/64 a delegate call keeps back and the loop's own cost. Nothing is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from eth_abi import decode, encode
from eth_utils import keccak

from collectibles.chain.reverts import describe_revert

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ape.contracts import ContractInstance

    from collectibles.chain.airdrop.node import NodeClient

RELAY_SELECTOR = keccak(text="relay(bytes[])")[:4]


def relay_calldata(calls: Sequence[bytes]) -> bytes:
    """``relay(calls)``, ABI-encoded (by hand: Ape's method encoding costs more than the node's work)."""
    return RELAY_SELECTOR + encode(["bytes[]"], [list(calls)])


def decode_relay_input(data: bytes) -> list[bytes]:
    """The intents of a ``relay`` transaction's input (its calldata after the selector)."""
    if data[:4] != RELAY_SELECTOR:
        return []
    (calls,) = decode(["bytes[]"], data[4:])
    return [bytes(c) for c in calls]


@dataclass(frozen=True)
class Verdict:
    """What simulating one intent alone said: ``refusal`` is ``None`` when it would execute."""

    refusal: str | None
    gas: int
    """The gas it adds to a ``relay`` batch when it executes (0 for a refused one)."""


def simulate(
    nft: ContractInstance, node: NodeClient, sender: str, calls: Sequence[bytes]
) -> tuple[list[Verdict], int]:
    """The verdict on each of ``calls`` (``giftBySig`` or ``claimVoucher`` calldata), as ``sender`` relays it,
    and the gas of an empty ``relay`` (what every batch pays besides its intents)."""

    def tx(data: bytes) -> list[object]:
        return [{"from": sender, "to": str(nft.address), "data": "0x" + data.hex()}, "latest"]

    singles = [tx(relay_calldata([call])) for call in calls]
    answers = node.request_many("simulating intents", "eth_call", singles) if calls else []
    empty = int(node.request("estimating gas", "eth_estimateGas", *tx(relay_calldata([]))), 16)
    refusals = []
    for answer in answers:
        (ok,), (result,) = decode(["bool[]", "bytes[]"], bytes.fromhex(str(answer)[2:]))
        refusals.append(None if ok else describe_revert(nft, bytes(result)))
    executable = [
        tx(call) for call, refusal in zip(calls, refusals, strict=True) if refusal is None
    ]
    gas = iter(_alone_gas(node, executable))
    verdicts = [
        Verdict(refusal, 0 if refusal is not None else _in_relay(next(gas))) for refusal in refusals
    ]
    return verdicts, empty


LOOP_GAS = 5_000
"""What ``relay`` spends on one intent besides the intent: its slice, selector check, result copy (measured
about 3,000; rounded up)."""


def _in_relay(alone: int) -> int:
    """An intent's share of a ``relay`` batch from its gas alone: less the base transaction, plus what the
    delegate call keeps back (1/64, EIP-150) and the loop."""
    inside = max(0, alone - BASE_TX_GAS)
    return inside + inside // 63 + LOOP_GAS


def _alone_gas(node: NodeClient, calls: list[list[object]]) -> list[int]:
    """``eth_estimateGas`` of each intent called alone (one at a time if the node refuses one of a batch)."""
    from collectibles.chain.airdrop.node import NodeRefused

    try:
        return [
            int(e, 16) for e in node.request_many("estimating intents", "eth_estimateGas", calls)
        ]
    except (
        NodeRefused
    ):  # executed since the simulation, say: priced as a big intent, it fails alone
        found = []
        for call in calls:
            try:
                found.append(
                    int(node.request("estimating an intent", "eth_estimateGas", *call), 16)
                )
            except NodeRefused:
                found.append(FALLBACK_GAS)
        return found


BASE_TX_GAS = 21_000
EMPTY_RELAY_GAS = 30_000
"""A batch's gas besides its intents, rounded up from an empty ``relay``'s (about 23,000): what a batch is
signed with at least, beside its intents' planned gas."""
FALLBACK_GAS = 600_000
"""The gas of an intent whose estimate the node refused: enough for the costliest one (an ERC-1271 gift)."""
