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

Scale: a plan keeps no address of its own. Its :class:`CampaignAddresses` reads each member's checksummed
digits from the member file's :class:`~collectibles.domain.members.Members` through the sorted positions
(:meth:`~collectibles.domain.members.Members.by_address`, 4 bytes a member), the campaign id is hashed as the
entries stream by, and the served and executed members are intervals, not sets of every number: a
million-member plan adds about 4 MB to the member file's 45.

Everything here is pure: it takes numbers and addresses, never a provider, and imports neither Ape nor web3
(only ``eth_abi``, ``eth_utils`` and ``sha3``'s streaming keccak for the encoding), so it could live in ``collectibles.domain``. It stays
beside the runner because its ids are the ones the contract records, and its gas figures are measurements of
the contract's ``airdrop``.
"""

from __future__ import annotations

import binascii
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import overload

from eth_abi import encode
from eth_utils import keccak, to_checksum_address
from sha3 import keccak_256

from collectibles.domain.errors import AirdropNotPossible
from collectibles.domain.members import Members

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


class CampaignAddresses(Sequence[str]):
    """The campaign's members by member number, checksummed: views of a member file's digits in sorted order."""

    __slots__ = ("_digits", "_order")

    def __init__(self, members: Members, order: array[int] | None = None):
        """``order``: the member file position of each member number (default: ``members`` sorted by
        address, the campaign's numbering; the journal, whose members are already numbered, passes
        ``range``)."""
        self._digits = members.hex_digits
        self._order = members.by_address() if order is None else order

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, number: int) -> str: ...
    @overload
    def __getitem__(self, number: slice) -> list[str]: ...
    def __getitem__(self, number: int | slice) -> str | list[str]:
        if isinstance(number, slice):  # a batch's recipients
            return [self._at(p) for p in self._order[number]]
        return self._at(self._order[number])

    def __iter__(self) -> Iterator[str]:
        return map(self._at, self._order)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CampaignAddresses):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"CampaignAddresses({len(self)} members)"

    @property
    def order(self) -> array[int]:
        """The member file position of each member number."""
        return self._order

    def _at(self, position: int) -> str:
        return "0x" + self._digits[40 * position : 40 * position + 40].decode()


@dataclass(frozen=True)
class AirdropPlan:
    """Who gets which batch, and the ids that make sending it again harmless."""

    chain_id: int
    genesis_hash: str
    contract: str
    series_id: int
    batch_size: int
    addresses: CampaignAddresses
    """Every member of the campaign, by member number (sorted)."""
    plan_id: str
    """The campaign id."""
    batches: tuple[Batch, ...]
    served: frozenset[int] = frozenset()
    """Member numbers left out of the batches: already served on chain."""

    @property
    def order(self) -> array[int]:
        """The member file position of each member number: ``addresses[i]`` is file member ``order[i]``."""
        return self.addresses.order

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
    *,
    gas_per_token: int = GAS_PER_TOKEN,
    gas_per_batch: int = GAS_PER_BATCH,
) -> int:
    """The most recipients a batch may have: within ``share`` of a block and within the per-transaction cap.

    ``tx_gas_cap=None`` plans for a chain known not to enforce EIP-7825 (none of ours: see :data:`TX_GAS_CAP`).
    The gas figures default to ``airdrop``'s (:mod:`~collectibles.chain.airdrop.modes` passes a roster's).
    """
    budget = block_gas_limit * share
    if tx_gas_cap is not None:
        budget = min(budget, tx_gas_cap * TX_GAS_SHARE)
    size = min(cap, int((budget - gas_per_batch) // gas_per_token))
    if size < 1:
        raise AirdropNotPossible(
            f"a block gas limit of {block_gas_limit} leaves no room for an airdrop batch"
        )
    return size


def estimate_batch_gas(count: int) -> int:
    """Rough gas of a batch of ``count`` recipients (for planning; signing uses ``eth_estimateGas``)."""
    return GAS_PER_BATCH + GAS_PER_TOKEN * count


def campaign_entries(addresses: Sequence[str] | Members) -> list[tuple[bytes, int, int]]:
    """``(address bytes, occurrence, file position)`` for each recipient, sorted: the member numbering.

    The n-th row of an address kept twice (``--keep-duplicates``) has occurrence n - 1, counted in file order;
    the sort is by address, then occurrence, so it is the same for any order of the file.
    """
    return list(_entries(_members(addresses)))


def campaign_id_of(
    chain_id: int, contract: str, series_id: int, entries: Iterable[tuple[bytes, int, int]]
) -> str:
    """The campaign id: keccak of the chain id, contract, series and sorted (address, occurrence) entries,
    hashed as they stream by."""
    hashed = keccak_256(
        chain_id.to_bytes(32, "big")
        + bytes.fromhex(contract.removeprefix("0x"))
        + series_id.to_bytes(32, "big")
    )
    chunk: list[bytes] = []
    for raw, occurrence, _ in entries:
        chunk += (raw, occurrence.to_bytes(4, "big"))
        if len(chunk) >= 8192:
            hashed.update(b"".join(chunk))
            chunk.clear()
    hashed.update(b"".join(chunk))
    return "0x" + hashed.hexdigest()


def batch_id_of(campaign_id: str, start: int, count: int) -> str:
    """A batch's journal label: keccak of the ABI-encoded campaign id, first member number and count."""
    data = encode(
        ["bytes32", "uint256", "uint256"],
        [bytes.fromhex(campaign_id.removeprefix("0x")), start, count],
    )
    return "0x" + keccak(data).hex()


def unserved_runs(count: int, served: Iterable[int]) -> Iterator[tuple[int, int]]:
    """``(first member number, length)`` of each run of consecutive members not in ``served``."""
    return _gaps(count, ((number, number + 1) for number in served))


def plan_airdrop(
    *,
    chain_id: int,
    genesis_hash: str,
    contract: str,
    series_id: int,
    addresses: Sequence[str] | Members,
    batch_size: int,
    served: frozenset[int] = frozenset(),
) -> AirdropPlan:
    """Number the campaign's members, then split those not ``served`` into batches of ``batch_size``.

    ``addresses``: the member file's :class:`~collectibles.domain.members.Members` (what the runner passes:
    nothing is copied), or any sequence of ``0x`` addresses. A batch never spans a served member (its
    recipients are consecutive member numbers), so the last batch of each run may be shorter.
    """
    if batch_size < 1:
        raise ValueError(f"batch size must be at least 1, not {batch_size}")
    if not addresses:
        raise ValueError("an airdrop needs at least one recipient")
    members = _members(addresses)
    contract = to_checksum_address(contract)
    campaign = campaign_id_of(chain_id, contract, series_id, _entries(members))
    return AirdropPlan(
        chain_id,
        genesis_hash,
        contract,
        series_id,
        batch_size,
        CampaignAddresses(members),
        campaign,
        _batches(campaign, len(members), batch_size, served),
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


def _members(addresses: Sequence[str] | Members) -> Members:
    return addresses if isinstance(addresses, Members) else Members.of_addresses(addresses)


def _entries(members: Members) -> Iterator[tuple[bytes, int, int]]:
    """The sorted ``(address bytes, occurrence, file position)`` entries, one at a time."""
    digits, occurrence = members.hex_digits, 0
    previous: bytes | bytearray = b""
    for position in members.by_address():
        address = digits[40 * position : 40 * position + 40]
        occurrence = occurrence + 1 if address == previous else 0
        previous = address
        yield binascii.unhexlify(address), occurrence, position


def _gaps(count: int, taken: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """``(start, length)`` of each run of ``range(count)`` outside every ``[start, end)`` in ``taken``."""
    start = 0
    for begin, end in sorted(taken):
        if start >= count:
            return
        if begin > start:
            yield start, min(begin, count) - start
        start = max(start, end)
    if start < count:
        yield start, count - start


def _batches(
    campaign: str,
    count: int,
    batch_size: int,
    served: Iterable[int],
    executed: Sequence[tuple[int, int]] = (),
) -> tuple[Batch, ...]:
    """Batches over the members not ``served``: the ``executed`` ranges as they are, the runs between them
    split by ``batch_size``; numbered in member order."""
    taken = [(start, start + size) for start, size in executed]
    taken += ((number, number + 1) for number in served)
    ranges = list(executed)
    for run_start, run_length in _gaps(count, taken):
        end = run_start + run_length
        ranges.extend(
            (start, min(batch_size, end - start)) for start in range(run_start, end, batch_size)
        )
    return tuple(
        Batch(index, batch_id_of(campaign, start, size), start, size, campaign)
        for index, (start, size) in enumerate(sorted(ranges))
    )
