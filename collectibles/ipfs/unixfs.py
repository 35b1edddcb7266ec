"""The UnixFS importer: files and folders into the DAG kubo's ``ipfs add`` builds, so our CIDs are kubo's.

Defaults follow kubo: 256 KiB fixed-size chunks, the balanced layout with at most 174 links per node,
and either CIDv0 (dag-pb leaves, ``Qm…``) or CIDv1 with raw leaves (as ``ipfs add --cid-version=1``).
Directories are plain UnixFS directories until kubo's size estimate of their links (name plus CID bytes
per entry) reaches 256 KiB (about 5,000 entries); past it kubo builds a HAMT-sharded directory (UnixFS
type HAMTShard, fanout 256, murmur3-x64-64 of the names), and so does :func:`add_tree`.
:func:`add_directory` refuses such a directory unless asked with ``shard=True``.

This is our own code, not a library's: no Python package imports UnixFS at all, and the JavaScript
importer (npm ``ipfs-unixfs-importer``) differs from kubo at the sharding threshold (it shards past the
estimate, kubo at it), which changes the CID of a whole series. The vectors in tests/ipfs were computed
by kubo itself and must stay byte-identical.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

import mmh3

from collectibles.ipfs.cid import CID, DAG_PB, MURMUR3_X64_64, RAW
from collectibles.ipfs.dagpb import (
    UNIXFS_DIRECTORY,
    UNIXFS_FILE,
    UNIXFS_HAMT_SHARD,
    encode_link,
    encode_node,
    encode_unixfs,
)

CHUNK_SIZE: Final = 256 * 1024
"""kubo's default chunker, ``size-262144``."""

MAX_LINKS: Final = 174
"""Links per node in kubo's balanced layout."""

DIRECTORY_BLOCK_LIMIT: Final = 256 * 1024
"""At this estimated block size kubo shards a directory (``Import.UnixFSHAMTDirectorySizeThreshold``)."""

HAMT_FANOUT: Final = 256
"""Children per HAMT shard (kubo's ``DefaultShardWidth``)."""

_HAMT_MAX_DEPTH = 8
"""A 64-bit hash gives one byte per level, so eight levels at most."""


@dataclass
class Node:
    """A block of the DAG with what a parent needs to link to it."""

    cid: CID
    block: bytes
    file_size: int
    """Bytes of file content under this node (0 for a directory)."""
    dag_size: int
    """This block's size plus the sizes of every block under it: a link's ``Tsize``."""
    children: list[Node] = field(default_factory=list)

    def blocks(self) -> Iterator[tuple[CID, bytes]]:
        """This block and every block under it, parents first, each once."""
        seen: set[CID] = set()
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            if node.cid in seen:
                continue
            seen.add(node.cid)
            yield node.cid, node.block
            stack.extend(reversed(node.children))


def add_bytes(data: bytes, cid_version: int = 1) -> Node:
    """The UnixFS file DAG of ``data``, as ``ipfs add [--cid-version=1]`` builds it."""
    chunks = [data[i : i + CHUNK_SIZE] for i in range(0, len(data), CHUNK_SIZE)] or [b""]
    leaves = [_leaf(chunk, cid_version) for chunk in chunks]
    if len(leaves) == 1:
        return leaves[0]
    depth = 1
    while MAX_LINKS**depth < len(leaves):
        depth += 1
    return _balanced(leaves, depth, cid_version)


def add_directory(entries: dict[str, Node], cid_version: int = 1, *, shard: bool = False) -> Node:
    """A UnixFS directory linking ``entries`` (name to node), sorted by name as kubo sorts them.

    Past kubo's sharding threshold (see :func:`needs_sharding`) the directory is refused, unless
    ``shard`` is true: then it is the HAMT-sharded directory kubo builds (:func:`add_sharded_directory`).
    """
    _check_names(entries)
    if needs_sharding(entries):
        if shard:
            return add_sharded_directory(entries, cid_version)
        raise ValueError(
            f"a directory of {len(entries)} entries would be sharded by kubo (HAMT); "
            "pass shard=True to build the sharded directory"
        )
    names = sorted(entries, key=lambda n: n.encode())
    links = [encode_link(entries[n].cid, n, entries[n].dag_size) for n in names]
    block = encode_node(links, encode_unixfs(UNIXFS_DIRECTORY))
    children = [entries[n] for n in names]
    dag_size = len(block) + sum(c.dag_size for c in children)
    return Node(CID.of(block, cid_version), block, 0, dag_size, children)


def needs_sharding(entries: dict[str, Node]) -> bool:
    """Whether kubo shards a directory of ``entries``: its link estimate (name + CID bytes) reaches 256 KiB."""
    estimate = sum(len(name.encode()) + len(bytes(node.cid)) for name, node in entries.items())
    return estimate >= DIRECTORY_BLOCK_LIMIT


def add_sharded_directory(entries: dict[str, Node], cid_version: int = 1) -> Node:
    """The HAMT-sharded UnixFS directory of ``entries``, whatever its size, as kubo builds it.

    Each level takes the next byte of the name's murmur3-x64-64 hash as a slot of 256; a slot holds one
    entry (link name: the slot in two uppercase hex digits, then the entry's name) or, when names
    collide on that byte, a sub-shard one level down (link name: the two hex digits alone).
    """
    _check_names(entries)
    keyed = [(name, _hamt_hash(name)) for name in entries]
    return _hamt_shard(keyed, entries, 0, cid_version)


def add_tree(files: dict[str, bytes], cid_version: int = 1, *, shard: bool = True) -> Node:
    """The DAG of a folder given as ``{"a/b.json": bytes}``; returns the root directory node.

    Folders past kubo's threshold are HAMT-sharded as kubo shards them (``shard=False`` refuses them).
    """
    return _build(_nest(files), cid_version, shard)


# ---------------------------------------------------------------------------------------------- internals


@dataclass
class _Folder:
    """A folder of :func:`add_tree`: its files and its sub-folders, by name."""

    files: dict[str, bytes] = field(default_factory=dict)
    folders: dict[str, _Folder] = field(default_factory=dict)


def _nest(files: dict[str, bytes]) -> _Folder:
    """``{"a/b.json": data}`` as nested folders."""
    tree = _Folder()
    for path, data in files.items():
        *parents, name = path.split("/")
        folder = tree
        for part in parents:
            folder = folder.folders.setdefault(part, _Folder())
        folder.files[name] = data
    return tree


def _build(folder: _Folder, cid_version: int, shard: bool) -> Node:
    if clash := sorted(folder.files.keys() & folder.folders.keys()):
        raise ValueError(f"{clash[0]} is both a file and a folder")
    entries = {name: add_bytes(data, cid_version) for name, data in folder.files.items()}
    entries |= {name: _build(sub, cid_version, shard) for name, sub in folder.folders.items()}
    return add_directory(entries, cid_version, shard=shard)


def _check_names(entries: dict[str, Node]) -> None:
    for name in entries:
        if not name or "/" in name:
            raise ValueError(f"invalid directory entry name {name!r}")


def _leaf(chunk: bytes, cid_version: int) -> Node:
    if cid_version == 1:
        return Node(CID.of(chunk, 1, RAW), chunk, len(chunk), len(chunk))
    block = encode_node([], encode_unixfs(UNIXFS_FILE, chunk, len(chunk)))
    return Node(CID.of(block, 0, DAG_PB), block, len(chunk), len(block))


def _balanced(leaves: list[Node], depth: int, cid_version: int) -> Node:
    """A node of ``depth`` over ``leaves``; every child is a full subtree except maybe the last."""
    if depth == 0:
        return leaves[0]
    per_child = MAX_LINKS ** (depth - 1)
    children = [
        _balanced(leaves[i : i + per_child], depth - 1, cid_version)
        for i in range(0, len(leaves), per_child)
    ]
    sizes = [c.file_size for c in children]
    links = [encode_link(c.cid, "", c.dag_size) for c in children]
    block = encode_node(links, encode_unixfs(UNIXFS_FILE, b"", sum(sizes), sizes))
    dag_size = len(block) + sum(c.dag_size for c in children)
    return Node(CID.of(block, cid_version), block, sum(sizes), dag_size, children)


def _hamt_hash(name: str) -> bytes:
    # Go's murmur3.New64().Sum(nil): the first 64 bits of murmur3-x64-128 (seed 0), big-endian.
    return mmh3.hash64(name.encode(), signed=False)[0].to_bytes(8, "big")


def _hamt_shard(
    keyed: list[tuple[str, bytes]], entries: dict[str, Node], depth: int, cid_version: int
) -> Node:
    if depth >= _HAMT_MAX_DEPTH:
        raise ValueError("HAMT too deep: names collide on all 64 hash bits")
    slots: dict[int, list[tuple[str, bytes]]] = {}
    for name, digest in keyed:
        slots.setdefault(digest[depth], []).append((name, digest))
    links: list[bytes] = []
    children: list[Node] = []
    bitfield = 0
    for index in sorted(slots):
        bitfield |= 1 << index
        group = slots[index]
        if len(group) == 1:
            name = group[0][0]
            child = entries[name]
            links.append(encode_link(child.cid, f"{index:02X}{name}", child.dag_size))
        else:
            child = _hamt_shard(group, entries, depth + 1, cid_version)
            links.append(encode_link(child.cid, f"{index:02X}", child.dag_size))
        children.append(child)
    # go-bitfield's Bytes(): big-endian, leading zero bytes dropped.
    bits = bitfield.to_bytes(HAMT_FANOUT // 8, "big").lstrip(b"\0")
    data = encode_unixfs(UNIXFS_HAMT_SHARD, bits, hash_type=MURMUR3_X64_64, fanout=HAMT_FANOUT)
    block = encode_node(links, data)
    dag_size = len(block) + sum(c.dag_size for c in children)
    return Node(CID.of(block, cid_version), block, 0, dag_size, children)
