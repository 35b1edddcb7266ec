"""Each intent simulated alone as a ``relay`` call from the relayer: the contract's verdict and its gas.

``relay`` never reverts for a failing intent (it returns the intent's revert data), so one ``eth_call`` and one
``eth_estimateGas`` per intent, sent in JSON-RPC batches, say for every intent whether the contract would
execute it now (else its custom error, decoded by :mod:`~collectibles.chain.reverts`) and what it adds to a
batch's gas. Nothing is sent.
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
    """The gas it adds to a ``relay`` batch (its ``relay([intent])`` estimate less an empty relay's)."""


def simulate(
    nft: ContractInstance, node: NodeClient, sender: str, calls: Sequence[bytes]
) -> tuple[list[Verdict], int]:
    """The verdict on each of ``calls`` (``giftBySig`` or ``claimVoucher`` calldata), as ``sender`` relays it,
    and the gas of an empty ``relay`` (what every batch pays besides its intents)."""

    def tx(data: bytes) -> list[object]:
        return [{"from": sender, "to": str(nft.address), "data": "0x" + data.hex()}, "latest"]

    singles = [tx(relay_calldata([call])) for call in calls]
    answers = node.request_many("simulating intents", "eth_call", singles) if calls else []
    estimates = node.request_many(
        "estimating intents", "eth_estimateGas", [tx(relay_calldata([])), *singles]
    )
    empty = int(estimates[0], 16)
    verdicts = []
    for answer, estimate in zip(answers, estimates[1:], strict=True):
        (ok,), (result,) = decode(["bool[]", "bytes[]"], bytes.fromhex(str(answer)[2:]))
        refusal = None if ok else describe_revert(nft, bytes(result))
        verdicts.append(Verdict(refusal, max(0, int(estimate, 16) - empty)))
    return verdicts, empty
