"""How a batch is put on chain: ``Collectible.airdrop`` (an address array) or ``airdropRoster`` (packed bytes).

Both calls take the same campaign, member numbers and marks, emit the same ``AirdropExecuted`` event and mint
the same serials in the same order; a member served by either is never minted again by either. They differ in
their calldata and their gas: an ``airdrop`` token writes two storage slots (about 47,000 gas), a roster token
pays 200 gas a byte to store its owner as contract code (about 6,500 gas), so a roster batch holds many more
members, up to the contract's ``MAX_ROSTER``. A run picks its :class:`AirdropMode` once; the sender encodes,
the planner sizes and the preflight simulates through it, and nothing else asks which mode it is.

The mode is not part of the campaign (plan) id: the campaign id is what the contract keys the marks by, and it
must be the same for both calls so that a run in one mode after a partial run in the other mints only the
members still unserved. A journal's open plan resumed in the other mode is therefore the same plan: its
batches already signed keep their bytes (either call marks the same members), the ones still to sign use this
run's mode, and a batch too big for this run's mode is refused before anything is signed.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eth_utils import keccak

from collectibles.chain.airdrop.plan import (
    GAS_PER_BATCH,
    GAS_PER_TOKEN,
    MAX_BATCH_SIZE,
    max_batch_size,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from collectibles.chain.airdrop.plan import Batch
    from collectibles.chain.airdrop.records import BatchRecord

MAX_ROSTER = 1228
"""``Collectible.MAX_ROSTER``: recipients of one ``airdropRoster`` (their 20-byte addresses are one contract's
code, within EIP-170's 24,576 bytes)."""
ROSTER_GAS_PER_TOKEN = 7_000
"""Measured cost of one roster token (its 20 calldata bytes, 4,000 gas of code deposit, the Transfer log and
a comparison), rounded up."""
ROSTER_GAS_PER_BATCH = 150_000
"""The fixed part of a roster transaction: intrinsic gas, the CREATE, the roster record, marks, series slot
and the two events, rounded up."""
NOT_STORED = "CollectibleRosterNotStored"
"""The contract's error when the roster's CREATE ran short of gas: at the gas a node estimates or calls with,
the batch is too big for one transaction."""

_NOT_STORED_SELECTOR = keccak(text=f"{NOT_STORED}()")[:4].hex()


@dataclass(frozen=True)
class AirdropMode(ABC):
    """One way of sending a batch: the contract function, its calldata, and its gas figures."""

    name: str
    """``airdrop`` or ``roster``: what the dry run and ``--json`` print."""
    function: str
    """The contract function a batch calls."""
    gas_per_token: int
    gas_per_batch: int
    max_recipients: int
    """The most recipients one call takes, whatever the gas."""

    @abstractmethod
    def encode_args(
        self, series_id: int, campaign_id: str, first: int, recipients: Sequence[str]
    ) -> bytes:
        """The ABI-encoded arguments (no selector) of :attr:`function` for a batch."""

    def call_args(
        self, series_id: int, campaign_id: str, first: int, recipients: Sequence[str]
    ) -> tuple[object, ...]:
        """The arguments of :attr:`function` as Ape's contract method takes them (for a simulation)."""
        return (series_id, bytes.fromhex(campaign_id[2:]), first, self.recipients_arg(recipients))

    @abstractmethod
    def recipients_arg(self, recipients: Sequence[str]) -> object:
        """The recipients as :attr:`function` takes them."""

    def estimate_batch_gas(self, count: int) -> int:
        """Rough gas of a batch of ``count`` recipients (planning and funds; signing asks the node)."""
        return self.gas_per_batch + self.gas_per_token * count

    def max_batch_size(self, block_gas_limit: int) -> int:
        """The most recipients a batch may have here (see :func:`~collectibles.chain.airdrop.plan.max_batch_size`)."""
        return max_batch_size(
            block_gas_limit,
            cap=self.max_recipients,
            gas_per_token=self.gas_per_token,
            gas_per_batch=self.gas_per_batch,
        )

    def explain(self, reason: str) -> str:
        """The chain's refusal of a batch, in words (a roster that ran out of gas says so)."""
        return reason

    def ran_out_of_gas(self, error: str) -> bool:
        """Whether a node's error (a simulation's or an estimate's) is this call running short of gas."""
        return False


class ArrayMode(AirdropMode):
    """``airdrop(seriesId, campaignId, firstIndex, address[] recipients)``: one storage write per token."""

    def encode_args(
        self, series_id: int, campaign_id: str, first: int, recipients: Sequence[str]
    ) -> bytes:
        """Three head words, the offset of the array (four words in), its length, then each address
        left-padded to a word. The recipients were checksummed when planned; a general encoder would validate
        each one again, which cost more than the chain's work on the batch."""
        head = [
            _word(series_id),
            _campaign_word(campaign_id),
            _word(first),
            _word(4 * 32),
            _word(len(recipients)),
        ]
        return b"".join(head) + b"".join(bytes(12) + _address(a) for a in recipients)

    def recipients_arg(self, recipients: Sequence[str]) -> object:
        return list(recipients)


class RosterMode(AirdropMode):
    """``airdropRoster(seriesId, campaignId, firstIndex, bytes recipients)``: the owners stored as code.

    The recipients must be sorted as numbers: a batch is consecutive member numbers of the campaign, which
    the plan orders by address bytes, so it always is.
    """

    def encode_args(
        self, series_id: int, campaign_id: str, first: int, recipients: Sequence[str]
    ) -> bytes:
        """Three head words, the offset of the bytes (four words in), their length, then the 20-byte
        addresses back to back, zero-padded to a whole word."""
        packed = self.recipients_arg(recipients)
        head = [
            _word(series_id),
            _campaign_word(campaign_id),
            _word(first),
            _word(4 * 32),
            _word(len(packed)),
        ]
        return b"".join(head) + packed + bytes(-len(packed) % 32)

    def recipients_arg(self, recipients: Sequence[str]) -> bytes:
        return b"".join(_address(a) for a in recipients)

    def ran_out_of_gas(self, error: str) -> bool:
        return NOT_STORED in error or _NOT_STORED_SELECTOR in error.lower()

    def explain(self, reason: str) -> str:
        if self.ran_out_of_gas(reason):
            return (
                f"{reason}: the roster ran out of gas, the batch is too big for one transaction here; "
                "use a smaller --batch-size"
            )
        return reason


ARRAY = ArrayMode("airdrop", "airdrop", GAS_PER_TOKEN, GAS_PER_BATCH, MAX_BATCH_SIZE)
ROSTER = RosterMode(
    "roster", "airdropRoster", ROSTER_GAS_PER_TOKEN, ROSTER_GAS_PER_BATCH, MAX_ROSTER
)
MODES = {mode.name: mode for mode in (ARRAY, ROSTER)}


def mode_for(roster: bool) -> AirdropMode:
    """The mode of a run: :data:`ROSTER` with ``--roster``, else :data:`ARRAY`."""
    return ROSTER if roster else ARRAY


def _word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def _campaign_word(campaign_id: str) -> bytes:
    return bytes.fromhex(campaign_id[2:]).rjust(32, b"\0")


def _address(address: str) -> bytes:
    raw = bytes.fromhex(address[2:])
    if len(raw) != 20:
        raise ValueError(f"not an address: {address}")
    return raw


_OUT_OF_GAS = re.compile(r"out of gas|outofgas|oog\b|gas required exceeds", re.IGNORECASE)
"""How nodes word a call that ran out of gas (Anvil: ``EVM error OutOfGas``, ``ReentrancySentryOOG``;
geth: ``out of gas``, ``gas required exceeds allowance``)."""


def is_out_of_gas(error: str) -> bool:
    """Whether a node's error (a simulation's or an estimate's) says the call ran out of gas."""
    return _OUT_OF_GAS.search(error) is not None


def out_of_gas(batch: Batch | BatchRecord, mode: AirdropMode, gas_limit: int) -> str:
    """The refusal of a batch too big for the gas a call gets here, with both figures."""
    return (
        f"batch {batch.index} ({batch.count} recipients) runs out of gas: it needs about "
        f"{mode.estimate_batch_gas(batch.count):,} gas, and a call gets at most {gas_limit:,} here; "
        "use a smaller --batch-size"
    )
