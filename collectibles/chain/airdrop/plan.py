"""The airdrop plan: a campaign of members numbered from the chain's point of view, split into batches.

A campaign is the *set* of a member file's recipients for one series of one contract on one chain, so its id
does not depend on the file's order or on how it is split::

    entries     = sorted (address, occurrence) pairs   # occurrence 0, 1, ... for an address kept twice
    campaign id = keccak(chainId (32 bytes) || contract (20) || seriesId (32) || address (20) || occurrence (4) ...)

A member's number is its place in ``entries``; ``Collectible.airdrop(seriesId, campaignId, firstIndex,
recipients)`` marks every member it mints for, by number, so a re-run with another batch size, a reordered
file, a lost journal or a gas limit that changed never mints a member twice. The batch size is in no on-chain
id: a batch is only ``(first member number, count)``, and its ``batch_id`` is an off-chain label for the
journal. The plan id is the campaign id. Members already served (read from the chain before planning) are
left out of the batches; the others are grouped in runs of consecutive numbers, each split into batches.

Everything here is pure: it takes numbers and addresses, never a provider, and imports neither Ape nor web3
(only ``eth_abi`` and ``eth_utils`` for the encoding), so it could live in ``collectibles.domain``. It stays
beside the runner because its ids are the ones the contract records, and its gas figures are measurements of
the contract's ``airdrop``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from collectibles.domain.errors import AirdropNotPossible
from collectibles.domain.members import checksum_address

GAS_PER_TOKEN = 47_000
"""Measured cost of one airdropped token (two cold storage writes and a Transfer log), rounded up."""
GAS_PER_BATCH = 60_000
"""The fixed part of an airdrop transaction: intrinsic gas, calldata head, the campaign marks and event."""
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
    """0x-hex label of the batch in the journal: keccak of the campaign id, first member and count."""
    start: int
    """Number of the batch's first member in the campaign (its ``firstIndex`` on chain)."""
    count: int
    campaign_id: str = ""
    """0x-hex bytes32 campaign id given to ``Collectible.airdrop``."""


@dataclass(frozen=True)
class AirdropPlan:
    """Who gets which batch, and the ids that make sending it again harmless."""

    chain_id: int
    genesis_hash: str
    contract: str
    series_id: int
    batch_size: int
    addresses: tuple[str, ...]
    """Every member of the campaign, by member number (sorted)."""
    plan_id: str
    """The campaign id."""
    batches: tuple[Batch, ...]
    order: tuple[int, ...] = ()
    """The member file position of each member number: ``addresses[i]`` is file member ``order[i]``."""
    served: frozenset[int] = frozenset()
    """Member numbers left out of the batches: already served on chain."""

    @property
    def campaign_id(self) -> str:
        return self.plan_id

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


def campaign_entries(addresses: Sequence[str]) -> list[tuple[bytes, int, int]]:
    """``(address bytes, occurrence, file position)`` for each recipient, sorted: the member numbering.

    The n-th row of an address kept twice (``--keep-duplicates``) has occurrence n - 1, counted in file order;
    the sort is by address, then occurrence, so it is the same for any order of the file.
    """
    seen: dict[bytes, int] = {}
    entries = []
    for position, address in enumerate(addresses):
        raw = bytes.fromhex(address.removeprefix("0x").lower())
        occurrence = seen.get(raw, 0)
        seen[raw] = occurrence + 1
        entries.append((raw, occurrence, position))
    entries.sort()
    return entries


def campaign_id_of(
    chain_id: int, contract: str, series_id: int, entries: Sequence[tuple[bytes, int, int]]
) -> str:
    """The campaign id: keccak of the chain id, contract, series and sorted (address, occurrence) entries."""
    head = (
        chain_id.to_bytes(32, "big")
        + bytes.fromhex(contract.removeprefix("0x"))
        + series_id.to_bytes(32, "big")
    )
    body = b"".join(raw + occurrence.to_bytes(4, "big") for raw, occurrence, _ in entries)
    return "0x" + keccak(head + body).hex()


def batch_id_of(campaign_id: str, start: int, count: int) -> str:
    """A batch's journal label: keccak of the ABI-encoded campaign id, first member number and count."""
    data = encode(
        ["bytes32", "uint256", "uint256"],
        [bytes.fromhex(campaign_id.removeprefix("0x")), start, count],
    )
    return "0x" + keccak(data).hex()


def unserved_runs(count: int, served: frozenset[int]) -> Iterator[tuple[int, int]]:
    """``(first member number, length)`` of each run of consecutive members not in ``served``."""
    start = None
    for number in range(count + 1):
        if number < count and number not in served:
            if start is None:
                start = number
        elif start is not None:
            yield start, number - start
            start = None


def plan_airdrop(
    *,
    chain_id: int,
    genesis_hash: str,
    contract: str,
    series_id: int,
    addresses: Sequence[str],
    batch_size: int,
    served: frozenset[int] = frozenset(),
) -> AirdropPlan:
    """Number the campaign's members, then split those not ``served`` into batches of ``batch_size``.

    A batch never spans a served member (its recipients are consecutive member numbers), so the last batch
    of each run may be shorter.
    """
    if batch_size < 1:
        raise ValueError(f"batch size must be at least 1, not {batch_size}")
    if not addresses:
        raise ValueError("an airdrop needs at least one recipient")
    contract = to_checksum_address(contract)
    entries = campaign_entries(addresses)
    campaign = campaign_id_of(chain_id, contract, series_id, entries)
    # EIP-55 straight from keccak (members.checksum_address, ~2 us) rather than eth_utils' (~20 us): at a
    # million members the checksum was most of the planning time.
    numbered = tuple("0x" + checksum_address(raw.hex().encode()).decode() for raw, _, _ in entries)
    return AirdropPlan(
        chain_id,
        genesis_hash,
        contract,
        series_id,
        batch_size,
        numbered,
        campaign,
        _batches(campaign, len(entries), batch_size, served),
        tuple(position for _, _, position in entries),
        frozenset(served),
    )


def with_chain_state(
    plan: AirdropPlan, executed: Sequence[tuple[int, int]], served: frozenset[int]
) -> AirdropPlan:
    """``plan`` as the chain finds it (same campaign and numbering): the ranges ``executed`` by our earlier
    calls are batches as they were sent (the runner records them from their events), the members ``served``
    otherwise are in no batch, the rest are split into new batches."""
    batches = _batches(plan.campaign_id, len(plan.addresses), plan.batch_size, served, executed)
    return replace(plan, batches=batches, served=frozenset(served))


def _batches(
    campaign: str,
    count: int,
    batch_size: int,
    served: frozenset[int],
    executed: Sequence[tuple[int, int]] = (),
) -> tuple[Batch, ...]:
    """Batches over the members not ``served``: the ``executed`` ranges as they are, the runs between them
    split by ``batch_size``; numbered in member order."""
    taken = set(served)
    for start, size in executed:
        taken.update(range(start, start + size))
    ranges = list(executed)
    for run_start, run_length in unserved_runs(count, frozenset(taken)):
        end = run_start + run_length
        ranges.extend(
            (start, min(batch_size, end - start)) for start in range(run_start, end, batch_size)
        )
    return tuple(
        Batch(index, batch_id_of(campaign, start, size), start, size, campaign)
        for index, (start, size) in enumerate(sorted(ranges))
    )
