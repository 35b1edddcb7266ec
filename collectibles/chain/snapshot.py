"""``ape run snapshot``: who held the tokens of a series at one block, from its transfers, checked by ``ownerOf``.

Every way the Collectible mints (``mint``, ``mintBatch``, ``airdrop``, ``airdropRoster``, ``claim``) emits one
``Transfer(0, to, tokenId)`` per token, lazy runs and roster pointers included (``ERC721Packed._emitRun``,
``CollectibleAirdrop._emitRosterTransfers``), and every transfer and burn one more. So the owner of a token at
block ``B`` is the ``to`` of its last ``Transfer`` log up to ``B``; the logs are read from the contract's
deployment block (:meth:`~collectibles.chain.airdrop.node.NodeClient.deployment_block`) to ``B`` in bounded
ranges sized by their density (:mod:`collectibles.chain.logs`), and replayed as they arrive into
:class:`~collectibles.domain.snapshot.Ownership`: nothing but the owner array and the distinct holders is kept.

Then every serial minted by ``B`` is asked for its ``ownerOf`` at ``B`` (JSON-RPC batches of 500,
:class:`~collectibles.chain.readers.BatchReader`): a token whose replayed owner differs from the contract's
answer, or which one side has burned and the other not, stops the snapshot with the tokens named. The hash of
``B`` is read before and after: a reorganisation under the reading would mix two chains, and is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from collectibles.chain.logs import logs_in_ranges, reading_client
from collectibles.chain.readers import BatchReader, Reverted, decode_address, uint_call
from collectibles.domain.errors import CollectiblesError, UnknownSeries
from collectibles.domain.snapshot import (
    Ownership,
    SnapshotHeader,
    checksummed,
    writable_temp,
    write_snapshot,
)
from collectibles.domain.tokens import token_id

if TYPE_CHECKING:
    from ape.contracts import ContractInstance
    from web3.providers.base import JSONBaseProvider

    from collectibles.chain.airdrop.node import NodeClient

CHECK_CHUNK = 10_000
"""Serials whose ``ownerOf`` is read and compared at a time."""
_OWNER_OF = bytes.fromhex("6352211e")  # ownerOf(uint256)
_SERIES_COUNT = "0xd7f2c0ef"  # seriesCount()


class SnapshotNotPossible(CollectiblesError):
    """The snapshot asked for cannot be taken (a block in the future or before the contract, say)."""


class SnapshotMismatch(CollectiblesError):
    """The transfers replayed and ``ownerOf`` disagree about some token."""

    def __init__(self, block: int, tokens: list[tuple[int, str, str]]):
        self.block = block
        self.tokens = tokens
        shown = "; ".join(
            f"token {t}: transfers say {a}, ownerOf says {b}" for t, a, b in tokens[:5]
        )
        more = f" (and {len(tokens) - 5} more)" if len(tokens) > 5 else ""
        super().__init__(
            f"the Transfer logs and ownerOf disagree at block {block} about {len(tokens)} token(s): "
            f"{shown}{more}"
        )


@dataclass(frozen=True)
class SnapshotResult:
    path: Path
    header: SnapshotHeader
    from_block: int
    """The first block whose logs were read (the contract's deployment, or 0 when unknown)."""


def take_snapshot(
    nft: ContractInstance,
    series_id: int,
    out: Path,
    block: int | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> SnapshotResult:
    """Write the holders of ``series_id`` at ``block`` (default: the latest) to ``out``; see the module."""
    writable_temp(out).unlink()  # an unwritable folder fails now, before the chain is read
    address = str(nft.address)
    client = reading_client(nft.provider)
    head = client.block_number()
    at = head if block is None else block
    if at > head:
        raise SnapshotNotPossible(f"block {at} is in the future: the chain's head is block {head}")
    if client.request("reading code", "eth_getCode", address, hex(at)) in (None, "0x"):
        raise SnapshotNotPossible(
            f"block {at} is before the contract {address} was deployed (it has no code there)"
        )
    first = client.deployment_block(address)
    reader = BatchReader(cast("JSONBaseProvider", client.web3.provider), address, block=at)
    minted = _minted_at(reader, nft, series_id, at)
    block_hash = _hash_of(client, at)
    ownership = Ownership(series_id, minted)
    topic = _transfer_topic(nft)
    replayed = 0
    for token, to in transfer_logs(client, address, topic, first, at):
        ownership.transfer(token, to)
        replayed += 1
    log(f"replayed {replayed:,} Transfer logs from block {first} to {at}")
    check_owners(reader, ownership, at)
    if _hash_of(client, at) != block_hash:
        raise SnapshotNotPossible(
            f"block {at} was replaced while it was read (a reorganisation): take the snapshot again"
        )
    chain_id = client.chain_id()
    header = SnapshotHeader(chain_id, checksummed(_raw(address)), series_id, at, block_hash)
    written = write_snapshot(out, header, ownership.holdings())
    return SnapshotResult(out, written, first)


def transfer_logs(
    client: NodeClient, address: str, topic: str, first: int, last: int
) -> Iterator[tuple[int, bytes]]:
    """``(tokenId, to as 20 bytes)`` of every ``Transfer`` log of ``address`` in blocks ``first..last``, in
    chain order, read a range at a time (:func:`~collectibles.chain.logs.logs_in_ranges`)."""
    for entry in logs_in_ranges(client, address, [topic], first, last):
        topics = entry["topics"]
        if len(topics) == 4:  # ERC-721's Transfer: from, to and tokenId indexed
            yield int(topics[3], 16), bytes.fromhex(topics[2][-40:])


def check_owners(reader: BatchReader, ownership: Ownership, block: int) -> None:
    """:class:`SnapshotMismatch` unless ``ownerOf`` of every serial at ``reader``'s block is the replayed
    owner (a revert where the transfers say burned or never minted)."""
    wrong: list[tuple[int, str, str]] = []
    series_id = ownership.series_id
    for start in range(1, ownership.minted + 1, CHECK_CHUNK):
        serials = range(start, min(start + CHECK_CHUNK, ownership.minted + 1))
        tokens = [token_id(series_id, s) for s in serials]
        answers = reader.call([uint_call(_OWNER_OF, t) for t in tokens])
        for serial, token, answer in zip(serials, tokens, answers, strict=True):
            replayed = ownership.owner_of(serial)
            if isinstance(answer, Reverted):
                if replayed is not None:
                    wrong.append((token, checksummed(replayed), "none (it reverts)"))
            else:
                actual = decode_address(answer)
                if replayed is None or _raw(actual) != replayed:
                    said = "no owner" if replayed is None else checksummed(replayed)
                    wrong.append((token, said, actual))
    if wrong:
        raise SnapshotMismatch(block, wrong)


def _minted_at(reader: BatchReader, nft: ContractInstance, series_id: int, block: int) -> int:
    """Serials of ``series_id`` minted by ``block``: :class:`UnknownSeries` if the contract has no such
    series, :class:`SnapshotNotPossible` if it was created after ``block``."""
    [answer] = reader.call([_SERIES_COUNT])
    count_then = 0 if isinstance(answer, Reverted) else int(answer, 16)
    if not 1 <= series_id <= count_then:
        if 1 <= series_id <= (count_now := int(nft.seriesCount())):
            raise SnapshotNotPossible(
                f"series {series_id} did not exist yet at block {block} (the contract had "
                f"{count_then} series then)"
            )
        raise UnknownSeries(series_id, count_now)
    return int(nft.series(series_id, block_id=block).minted)


def _transfer_topic(nft: ContractInstance) -> str:
    """``Transfer(address,address,uint256)``'s topic, from the contract's ABI."""
    from eth_utils import keccak

    return "0x" + keccak(text=nft.Transfer.abi.selector).hex()


def _hash_of(client: NodeClient, number: int) -> str:
    found = client.block_hash(number)
    if found is None:
        raise SnapshotNotPossible(f"the node has no block {number}")
    return found.lower()


def _raw(address: str) -> bytes:
    return bytes.fromhex(address[2:])
