"""Where a sent batch stands on the chain, judged from what the node shows: the sender's mempool rules.

The runner journals a batch as ``signed`` then ``sent`` (see :mod:`~collectibles.chain.airdrop.records`); from
then on each pass over the chain puts it in one of these states, and each state has one action:

``executed``      the contract has executed the batch: record it once it is ``confirmations`` deep.
``reverted``      one of its transactions was mined and failed (or mined without executing): stop, rerun.
``pending``       a transaction of the batch is in the node's pool: wait, or *replace* it (same nonce,
                  both fees bumped, see :mod:`~collectibles.chain.airdrop.fees`) when it is underpriced for the
                  current base fee or has waited :data:`STALL_BLOCKS` blocks.
``dropped``       no transaction of the batch is mined or pooled, and its nonce is free: broadcast again.
``nonce_taken``   nothing of the batch was mined but its nonce was used by another transaction of the
                  account: sign the batch afresh at a free nonce.
``reorged``       a batch recorded as confirmed lost its receipt, or it moved: back to be sent.

Pure: the observations are gathered by :meth:`~collectibles.chain.airdrop.sender.BatchSender.observe`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum

from collectibles.chain.airdrop.fees import Fees, includable

STALL_BLOCKS = 3
"""Blocks a pooled transaction may wait while others are mined before it is replaced with higher fees."""


class State(Enum):
    EXECUTED = "executed"
    REVERTED = "reverted"
    PENDING = "pending"
    DROPPED = "dropped"
    NONCE_TAKEN = "nonce_taken"


@dataclass(frozen=True)
class Observation:
    """What the node shows of one batch's transactions (all signed at the same nonce)."""

    mined_status: int | None
    """Status of the variant that was mined (1 success, 0 failure), ``None`` if none was."""
    mined_hash: str | None
    in_pool: bool
    """Whether the node still holds a variant as pending."""
    nonce_used: bool
    """Whether the account's mined nonce is past the batch's nonce."""
    mined_block: str | None = None
    """Hash of the block of the mined variant's receipt, ``None`` if none was mined."""
    outside_state: str | None = None
    """A variant with a receipt in a canonical block that the node's state does not include (a reorg raced
    the block's mining): not counted as mined (see
    :meth:`~collectibles.chain.airdrop.node.NodeClient.includes`)."""


def classify(executed: bool, seen: Observation) -> State:
    """The state of a sent batch: the contract's word first, then the mined, pooled and nonce facts."""
    if executed:
        return State.EXECUTED
    if seen.mined_status is not None:
        return State.REVERTED
    if seen.in_pool:
        return State.PENDING
    if seen.nonce_used:
        return State.NONCE_TAKEN
    return State.DROPPED


def needs_replacement(fees: Fees | None, base_fee: int, blocks_waited: int) -> bool:
    """Whether a pooled transaction should be replaced: underpriced for ``base_fee``, or stalled."""
    if fees is None:
        return False
    return not includable(fees, base_fee) or blocks_waited >= STALL_BLOCKS


def depth(executed_in: int, head: int) -> int:
    """Confirmations of a transaction mined in block ``executed_in`` when the chain's head is ``head``."""
    return max(0, head - executed_in + 1)


def free_nonces(latest: int, pending: int, held: Iterable[int]) -> Iterator[int]:
    """Nonces a new signature may take, lowest first, so that no gap is left below a held one.

    From the account's mined nonce ``latest`` upward, skipping the nonces our signed batches hold and those
    below ``pending`` that another transaction of the account already waits at in the pool.
    """
    taken = set(held)
    nonce = latest
    while True:
        if nonce >= pending and nonce not in taken:
            yield nonce
        nonce += 1
