"""Content addressing as kubo's ``ipfs add`` does it, offline: UnixFS files and directories, CIDs, CAR.

Defaults follow kubo: 256 KiB fixed-size chunks, the balanced layout with at most 174 links per node,
and either CIDv0 (dag-pb leaves, ``Qm…``) or CIDv1 with raw leaves (as ``ipfs add --cid-version=1``).
Directories are plain UnixFS directories until kubo's size estimate of their links (name plus CID bytes
per entry) reaches 256 KiB (about 5,000 entries); past it kubo builds a HAMT-sharded directory (UnixFS
type HAMTShard, fanout 256, murmur3-x64-64 of the names), and so does :func:`add_tree`.
:func:`add_directory` refuses such a directory unless asked with ``shard=True``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

CHUNK_SIZE = 256 * 1024
"""kubo's default chunker, ``size-262144``."""

MAX_LINKS = 174
"""Links per node in kubo's balanced layout."""

DIRECTORY_BLOCK_LIMIT = 256 * 1024
"""Above this estimated block size kubo shards a directory (``Import.UnixFSHAMTDirectorySizeThreshold``)."""

HAMT_FANOUT = 256
"""Children per HAMT shard (kubo's ``DefaultShardWidth``)."""

HAMT_MURMUR3 = 0x22
"""The multicodec of murmur3-x64-64, the hash a shard records (``HashMurmur3``)."""

DAG_PB = 0x70
RAW = 0x55
_SHA2_256 = 0x12
_UNIXFS_DIRECTORY = 1
_UNIXFS_FILE = 2
_UNIXFS_HAMT_SHARD = 5
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"


@dataclass(frozen=True)
class CID:
    """A content identifier: version, codec and sha2-256 digest."""

    version: int
    codec: int
    digest: bytes

    @classmethod
    def of(cls, block: bytes, version: int, codec: int = DAG_PB) -> CID:
        if version == 0 and codec != DAG_PB:
            raise ValueError("CIDv0 can only name dag-pb blocks")
        return cls(version, codec, hashlib.sha256(block).digest())

    @property
    def multihash(self) -> bytes:
        return bytes([_SHA2_256, len(self.digest)]) + self.digest

    def __bytes__(self) -> bytes:
        if self.version == 0:
            return self.multihash
        return varint(1) + varint(self.codec) + self.multihash

    def __str__(self) -> str:
        if self.version == 0:
            return base58btc(self.multihash)
        return "b" + base32(bytes(self))


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
        seen: set[bytes] = set()
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            key = bytes(node.cid)
            if key in seen:
                continue
            seen.add(key)
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
    for name in entries:
        if not name or "/" in name:
            raise ValueError(f"invalid directory entry name {name!r}")
    if needs_sharding(entries):
        if shard:
            return add_sharded_directory(entries, cid_version)
        raise ValueError(
            f"a directory of {len(entries)} entries would be sharded by kubo (HAMT); "
            "pass shard=True to build the sharded directory"
        )
    names = sorted(entries, key=lambda n: n.encode())
    links = [_link(entries[n].cid, n, entries[n].dag_size) for n in names]
    block = _pb_node(links, _unixfs(_UNIXFS_DIRECTORY))
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
    for name in entries:
        if not name or "/" in name:
            raise ValueError(f"invalid directory entry name {name!r}")
    keyed = [(name, _hamt_hash(name)) for name in entries]
    return _hamt_shard(keyed, entries, 0, cid_version)


def add_tree(files: dict[str, bytes], cid_version: int = 1, *, shard: bool = True) -> Node:
    """The DAG of a folder given as ``{"a/b.json": bytes}``; returns the root directory node.

    Folders past kubo's threshold are HAMT-sharded as kubo shards them (``shard=False`` refuses them).
    """
    tree: dict[str, object] = {}
    for path, data in files.items():
        parts = path.split("/")
        folder = tree
        for part in parts[:-1]:
            sub = folder.setdefault(part, {})
            if isinstance(sub, bytes):
                raise ValueError(f"{path}: {part} is both a file and a folder")  # noqa: TRY004
            folder = sub  # type: ignore[assignment]
        folder[parts[-1]] = data

    def build(folder: dict[str, object]) -> Node:
        return add_directory(
            {
                name: build(item) if isinstance(item, dict) else add_bytes(item, cid_version)  # type: ignore[arg-type]
                for name, item in folder.items()
            },
            cid_version,
            shard=shard,
        )

    return build(tree)


def write_car(root: Node) -> bytes:
    """A CARv1 file holding every block of ``root``'s DAG, with ``root`` as its only root."""
    cid = bytes(root.cid)
    # DAG-CBOR {"roots": [CID], "version": 1}; keys in length order, a CID is tag 42 over 0x00 + bytes.
    cid_field = b"\xd8\x2a" + _cbor_bytes(b"\x00" + cid)
    header = b"\xa2" + b"\x65roots" + b"\x81" + cid_field + b"\x67version" + b"\x01"
    out = bytearray(varint(len(header)) + header)
    for block_cid, block in root.blocks():
        section = bytes(block_cid) + block
        out += varint(len(section)) + section
    return bytes(out)


def read_car(data: bytes) -> tuple[list[bytes], dict[bytes, bytes]]:
    """The roots (CID bytes) and blocks of a CARv1 file; checks every block against its CID."""
    header_len, pos = read_varint(data, 0)
    header = data[pos : pos + header_len]
    pos += header_len
    roots = _car_roots(header)
    blocks: dict[bytes, bytes] = {}
    while pos < len(data):
        size, pos = read_varint(data, pos)
        section = data[pos : pos + size]
        pos += size
        cid_len = 34 if section[0] == _SHA2_256 else _cid_length(section)
        cid, block = section[:cid_len], section[cid_len:]
        if hashlib.sha256(block).digest() != cid[-32:]:
            raise ValueError(f"block {cid.hex()} does not match its CID")
        blocks[cid] = block
    return roots, blocks


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def base58btc(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _BASE58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def base32(data: bytes) -> str:
    bits = "".join(f"{b:08b}" for b in data)
    bits += "0" * (-len(bits) % 5)
    return "".join(_BASE32[int(bits[i : i + 5], 2)] for i in range(0, len(bits), 5))


# ---------------------------------------------------------------------------------------------- internals


def _leaf(chunk: bytes, cid_version: int) -> Node:
    if cid_version == 1:
        return Node(CID.of(chunk, 1, RAW), chunk, len(chunk), len(chunk))
    block = _pb_node([], _unixfs(_UNIXFS_FILE, chunk, len(chunk)))
    return Node(CID.of(block, 0), block, len(chunk), len(block))


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
    links = [_link(c.cid, "", c.dag_size) for c in children]
    block = _pb_node(links, _unixfs(_UNIXFS_FILE, None, sum(sizes), sizes))
    dag_size = len(block) + sum(c.dag_size for c in children)
    return Node(CID.of(block, cid_version), block, sum(sizes), dag_size, children)


def _hamt_hash(name: str) -> bytes:
    import mmh3

    # Go's murmur3.New64().Sum(nil): the first 64 bits of murmur3-x64-128 (seed 0), big-endian.
    return mmh3.hash64(name.encode(), signed=False)[0].to_bytes(8, "big")


def _hamt_shard(
    keyed: list[tuple[str, bytes]], entries: dict[str, Node], depth: int, cid_version: int
) -> Node:
    if depth >= 8:
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
            links.append(_link(child.cid, f"{index:02X}{name}", child.dag_size))
        else:
            child = _hamt_shard(group, entries, depth + 1, cid_version)
            links.append(_link(child.cid, f"{index:02X}", child.dag_size))
        children.append(child)
    # go-bitfield's Bytes(): big-endian, leading zero bytes dropped.
    bits = bitfield.to_bytes(HAMT_FANOUT // 8, "big").lstrip(b"\0")
    data = _unixfs(_UNIXFS_HAMT_SHARD, bits) + _field_varint(5, HAMT_MURMUR3)
    data += _field_varint(6, HAMT_FANOUT)
    block = _pb_node(links, data)
    dag_size = len(block) + sum(c.dag_size for c in children)
    return Node(CID.of(block, cid_version), block, 0, dag_size, children)


def _unixfs(
    kind: int, data: bytes | None = None, file_size: int | None = None, block_sizes: list[int] = ()
) -> bytes:
    out = _field_varint(1, kind)
    if data:
        out += _field_bytes(2, data)
    if file_size is not None:
        out += _field_varint(3, file_size)
    for size in block_sizes:
        out += _field_varint(4, size)
    return out


def _link(cid: CID, name: str, tsize: int) -> bytes:
    return _field_bytes(1, bytes(cid)) + _field_bytes(2, name.encode()) + _field_varint(3, tsize)


def _pb_node(links: list[bytes], data: bytes) -> bytes:
    # dag-pb's canonical form writes the links (field 2) before the data (field 1).
    return b"".join(_field_bytes(2, link) for link in links) + _field_bytes(1, data)


def _field_varint(number: int, value: int) -> bytes:
    return varint(number << 3) + varint(value)


def _field_bytes(number: int, value: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(value)) + value


def _cbor_bytes(value: bytes) -> bytes:
    if len(value) < 24:
        return bytes([0x40 | len(value)]) + value
    if len(value) < 256:
        return b"\x58" + bytes([len(value)]) + value
    return b"\x59" + len(value).to_bytes(2, "big") + value


def _cid_length(section: bytes) -> int:
    _, pos = read_varint(section, 0)  # version
    _, pos = read_varint(section, pos)  # codec
    _, pos = read_varint(section, pos)  # hash function
    length, pos = read_varint(section, pos)
    return pos + length


def _car_roots(header: bytes) -> list[bytes]:
    roots = []
    pos = 0
    while (pos := header.find(b"\xd8\x2a", pos)) != -1:
        pos += 2
        kind = header[pos]
        if kind == 0x58:
            length, start = header[pos + 1], pos + 2
        elif kind == 0x59:
            length, start = int.from_bytes(header[pos + 1 : pos + 3], "big"), pos + 3
        else:
            length, start = kind & 0x1F, pos + 1
        roots.append(header[start + 1 : start + length])  # drop the 0x00 multibase prefix
        pos = start + length
    return roots
