"""The airdrop plan: members split into batches, and the ids that make sending a batch twice harmless.

``plan id = keccak(abi.encode(chainId, genesisHash, contract, seriesId, batchSize, members[]))`` and
``batch id = keccak(abi.encode(planId, index))``. The batch size is part of the plan id so that a different split
of the same members can never reuse a batch id for other recipients.

Everything here is pure: it takes numbers and addresses, never a provider, and imports neither Ape nor web3
(only ``eth_abi`` and ``eth_utils`` for the encoding), so it could live in ``collectibles.domain``. It stays
beside the runner because its ids are the ones the contract records, and its gas figures are measurements of
the contract's ``airdrop``.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from collectibles.domain.errors import AirdropNotPossible

GAS_PER_TOKEN = 47_000
"""Measured cost of one airdropped token (two cold storage writes and a Transfer log), rounded up."""
GAS_PER_BATCH = 60_000
"""The fixed part of an airdrop transaction: intrinsic gas, calldata head, the batch id record and event."""
BLOCK_GAS_SHARE = 0.5
"""Fill at most half a block, so a batch still fits when the block is busy or the estimate is low."""
MAX_BATCH_SIZE = 500
"""Upper bound on recipients per batch, whatever the block gas limit."""
TX_GAS_CAP = 2**24
"""EIP-7825's per-transaction gas cap (16,777,216 since Osaka). No RPC reveals whether a chain enforces it, so
the planner always assumes it does: on a chain that does not, batches are at most a few percent smaller than
they could be (about 200 gas more per token for the fixed part), which is cheaper than a probe transaction and
keeps the batch size the same on every chain with the same block gas limit."""
TX_GAS_SHARE = 0.95
"""Plan a batch to at most 95% of :data:`TX_GAS_CAP`: the signed gas limit (the estimate plus headroom,
clamped to the cap by the sender) then still covers the real use."""


@dataclass(frozen=True)
class Batch:
    """A slice of the members sent in one transaction."""

    index: int
    batch_id: str
    """0x-hex bytes32 given to ``Collectible.airdrop``."""
    start: int
    """Position of the batch's first member in the plan."""
    count: int


@dataclass(frozen=True)
class AirdropPlan:
    """Who gets which batch, and the ids that make sending it again harmless."""

    chain_id: int
    genesis_hash: str
    contract: str
    series_id: int
    batch_size: int
    addresses: tuple[str, ...]
    plan_id: str
    batches: tuple[Batch, ...]

    @property
    def estimated_gas(self) -> int:
        return sum(estimate_batch_gas(b.count) for b in self.batches)


def max_batch_size(
    block_gas_limit: int,
    share: float = BLOCK_GAS_SHARE,
    cap: int = MAX_BATCH_SIZE,
    tx_gas_cap: int | None = TX_GAS_CAP,
) -> int:
    """The most recipients a batch may have: within ``share`` of a block and within the per-transaction cap.

    ``tx_gas_cap=None`` plans for a chain known not to enforce EIP-7825 (none of ours: see :data:`TX_GAS_CAP`).
    """
    budget = block_gas_limit * share
    if tx_gas_cap is not None:
        budget = min(budget, tx_gas_cap * TX_GAS_SHARE)
    size = min(cap, int((budget - GAS_PER_BATCH) // GAS_PER_TOKEN))
    if size < 1:
        raise AirdropNotPossible(
            f"a block gas limit of {block_gas_limit} leaves no room for an airdrop batch"
        )
    return size


def estimate_batch_gas(count: int) -> int:
    """Rough gas of a batch of ``count`` recipients (for planning; signing uses ``eth_estimateGas``)."""
    return GAS_PER_BATCH + GAS_PER_TOKEN * count


def plan_id_of(
    chain_id: int,
    genesis_hash: str,
    contract: str,
    series_id: int,
    batch_size: int,
    addresses: list[str],
) -> str:
    """The plan id: keccak of the ABI-encoded chain, contract, series, batch size and ordered recipients."""
    data = encode(
        ["uint256", "bytes32", "address", "uint256", "uint256", "address[]"],
        [
            chain_id,
            bytes.fromhex(genesis_hash.removeprefix("0x")),
            contract,
            series_id,
            batch_size,
            addresses,
        ],
    )
    return "0x" + keccak(data).hex()


def batch_id_of(plan_id: str, index: int) -> str:
    """The batch id: keccak of the ABI-encoded plan id and batch index (never zero)."""
    data = encode(["bytes32", "uint256"], [bytes.fromhex(plan_id.removeprefix("0x")), index])
    return "0x" + keccak(data).hex()


def plan_airdrop(
    *,
    chain_id: int,
    genesis_hash: str,
    contract: str,
    series_id: int,
    addresses: list[str],
    batch_size: int,
) -> AirdropPlan:
    """Split ``addresses`` into batches of ``batch_size`` (the last may be shorter) and name everything."""
    if batch_size < 1:
        raise ValueError(f"batch size must be at least 1, not {batch_size}")
    if not addresses:
        raise ValueError("an airdrop needs at least one recipient")
    contract = to_checksum_address(contract)
    addresses = [to_checksum_address(a) for a in addresses]
    plan_id = plan_id_of(chain_id, genesis_hash, contract, series_id, batch_size, addresses)
    batches = tuple(
        Batch(index, batch_id_of(plan_id, index), start, min(batch_size, len(addresses) - start))
        for index, start in enumerate(range(0, len(addresses), batch_size))
    )
    return AirdropPlan(
        chain_id, genesis_hash, contract, series_id, batch_size, tuple(addresses), plan_id, batches
    )
