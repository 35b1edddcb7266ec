"""A block store: blocks by CID, each checked against its CID when it comes in, and UnixFS read through them.

It holds the blocks of published CAR files for the gateway (:mod:`collectibles.ipfs.gateway`) and the audit
(:mod:`collectibles.chain.audit`): a block whose bytes do not hash to its CID is refused, so whatever it
serves is what its CID names. Paths resolve as kubo's resolver does for the parts a collection uses: dag-pb
directories, plain (type 1) and HAMT-sharded (type 5), and files made of raw leaves, dag-pb leaves or many
blocks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from collectibles.ipfs.car import read_car
from collectibles.ipfs.cid import CID, DAG_PB, RAW, cid_from_bytes
from collectibles.ipfs.dagpb import (
    UNIXFS_DIRECTORY,
    UNIXFS_FILE,
    UNIXFS_HAMT_SHARD,
    UNIXFS_RAW,
    PBLink,
    PBNode,
    UnixFSData,
    decode_node,
    decode_unixfs,
)

_DEFAULT_FANOUT = 256


class NotFound(LookupError):
    """A CID the store does not hold, or a path its DAG does not have."""


@dataclass
class Entry:
    """What a path resolves to: a file (its bytes come from :meth:`BlockStore.read`) or a directory."""

    cid: CID
    is_directory: bool
    links: list[PBLink] = field(default_factory=list)
    """A directory's entries (a sharded directory's, flattened), named."""

    @cached_property
    def by_name(self) -> dict[str, PBLink]:
        """The entries by name."""
        return {link.name: link for link in self.links}


class BlockStore:
    """Blocks by digest, so a CIDv0 and a CIDv1 of the same block find it alike (every CID here is sha2-256,
    so the digest says all the multihash says)."""

    def __init__(self, blocks: Iterable[tuple[CID, bytes]] = ()):
        """A store of ``blocks`` (such as ``Node.blocks()``), each checked against its CID."""
        self._blocks: dict[bytes, bytes] = {}
        # Decoded directories by digest: an audit resolves thousands of paths through the same shards.
        self._entries: dict[bytes, Entry] = {}
        self.roots: list[CID] = []
        self.damaged: dict[bytes, str] = {}
        """Blocks offered but refused, by digest, with what was wrong (see :meth:`refuse`)."""
        for cid, block in blocks:
            self.put(cid, block)

    @classmethod
    def from_cars(cls, paths: Iterable[Path | str]) -> BlockStore:
        """The blocks of CAR files; a folder stands for every ``*.car`` under it."""
        store = cls()
        for path in map(Path, paths):
            files = sorted(path.rglob("*.car")) if path.is_dir() else [path]
            for car in files:
                try:
                    store.add_car(car.read_bytes())
                except ValueError as err:
                    raise ValueError(f"{car}: {err}") from None
        return store

    def put(self, cid: CID, block: bytes) -> None:
        """Hold ``block`` under ``cid``; ``ValueError`` if its bytes do not hash to the CID."""
        self._blocks[cid.digest] = cid.verify(block)

    def refuse(self, cid: CID, reason: str) -> None:
        """Remember that the block ``cid`` was offered but refused (e.g. "in x.car does not match its CID"),
        so that asking for it says why it is missing."""
        self.damaged[cid.digest] = reason

    def add_car(self, data: bytes) -> None:
        """Add a CARv1 file's blocks and roots; ``ValueError`` if it is not one, or a block does not
        match its CID."""
        roots, blocks = read_car(data)  # refuses a header without roots, checks every block's CID
        self.roots.extend(cid_from_bytes(root) for root in roots)
        for cid, block in blocks.items():
            self._blocks[cid_from_bytes(cid).digest] = block

    def __contains__(self, cid: CID) -> bool:
        return cid.digest in self._blocks

    def __len__(self) -> int:
        return len(self._blocks)

    def get(self, cid: CID) -> bytes:
        """The block ``cid`` names; :class:`NotFound` if the store does not hold it (saying why, when the
        block was refused)."""
        try:
            return self._blocks[cid.digest]
        except KeyError:
            damage = self.damaged.get(cid.digest)
            raise NotFound(f"block {cid} {damage}" if damage else f"no block {cid}") from None

    # -------------------------------------------------------------------------------- resolution

    def resolve(self, cid: CID, path: Iterable[str] = ()) -> Entry:
        """Walk ``path`` (names, already unescaped) from ``cid`` down UnixFS directories."""
        entry = self._entry(cid)
        for name in path:
            if not name:
                continue
            if not entry.is_directory:
                raise NotFound(f"{entry.cid} is a file, it has no {name!r}")
            link = entry.by_name.get(name)
            if link is None:
                raise NotFound(f"{entry.cid} has no entry {name!r}")
            entry = self._entry(link.cid)
        return entry

    def read(self, cid: CID) -> Iterator[bytes]:
        """The bytes of a UnixFS file (or a raw block), in order, a block at a time."""
        block = self.get(cid)
        if cid.codec == RAW:
            yield block
            return
        node, unixfs = self._decode(cid, block)
        if unixfs.kind not in (UNIXFS_FILE, UNIXFS_RAW):
            raise NotFound(f"{cid} is not a file")
        if unixfs.data:
            yield unixfs.data
        for link in node.links:
            yield from self.read(link.cid)

    def _entry(self, cid: CID) -> Entry:
        cached = self._entries.get(cid.digest)
        if cached is not None:
            return cached
        entry = self._decode_entry(cid)
        if entry.is_directory:
            self._entries[cid.digest] = entry
        return entry

    def _decode_entry(self, cid: CID) -> Entry:
        block = self.get(cid)
        if cid.codec == RAW:
            return Entry(cid, False)
        node, unixfs = self._decode(cid, block)
        if unixfs.kind == UNIXFS_DIRECTORY:
            return Entry(cid, True, node.links)
        if unixfs.kind == UNIXFS_HAMT_SHARD:
            return Entry(cid, True, list(self._shard_links(node, unixfs)))
        return Entry(cid, False)

    @staticmethod
    def _decode(cid: CID, block: bytes) -> tuple[PBNode, UnixFSData]:
        if cid.codec != DAG_PB:
            raise NotFound(f"{cid} is neither dag-pb nor raw")
        node = decode_node(block)
        return node, decode_unixfs(node.data)

    def _shard_links(self, node: PBNode, unixfs: UnixFSData) -> Iterator[PBLink]:
        """The entries of a HAMT shard: a link named prefix + name is an entry; prefix alone, a sub-shard."""
        width = len(f"{(unixfs.fanout or _DEFAULT_FANOUT) - 1:X}")
        for link in node.links:
            if len(link.name) > width:
                yield PBLink(link.cid, link.name[width:], link.tsize)
            else:
                child, child_unixfs = self._decode(link.cid, self.get(link.cid))
                yield from self._shard_links(child, child_unixfs)
