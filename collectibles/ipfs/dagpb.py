"""The bytes of a dag-pb block and of the UnixFS message inside it, both ways: encoding for the importer,
decoding for the block store's path resolution.

dag-pb (https://ipld.io/specs/codecs/dag-pb/spec/) is a two-message protobuf: ``PBNode`` holds links
(field 2) and data (field 1), ``PBLink`` a CID (1), a name (2) and a total size (3). UnixFS
(https://github.com/ipfs/specs/blob/main/UNIXFS.md) puts its ``Data`` message in the node's data: a type
(1), bytes (2), the file size (3), the size under each link (4), and for a HAMT shard its hash function (5)
and fanout (6). The encoding is ours, not a protobuf library's, because a CID depends on every byte and
dag-pb's canonical form (links before data, fields in this order, nothing else) is not what a generic
protobuf serializer promises; decoding reads back the same two wire types (varint and bytes).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

from collectibles.ipfs import varint
from collectibles.ipfs.cid import CID, cid_from_bytes

UNIXFS_RAW: Final = 0
UNIXFS_DIRECTORY: Final = 1
UNIXFS_FILE: Final = 2
UNIXFS_SYMLINK: Final = 4
UNIXFS_HAMT_SHARD: Final = 5

_VARINT = 0
_BYTES = 2


@dataclass
class PBLink:
    """A named link of a dag-pb node; ``tsize`` is the size of every block under it."""

    cid: CID
    name: str
    tsize: int


@dataclass
class PBNode:
    """A decoded dag-pb block."""

    links: list[PBLink]
    data: bytes


@dataclass
class UnixFSData:
    """A decoded UnixFS ``Data`` message; ``kind`` is one of the ``UNIXFS_*`` types (-1 if absent)."""

    kind: int
    data: bytes = b""
    file_size: int | None = None
    block_sizes: list[int] = field(default_factory=list)
    hash_type: int | None = None
    fanout: int | None = None


# ------------------------------------------------------------------------------------------ encoding


def encode_node(links: Iterable[bytes], data: bytes) -> bytes:
    """A dag-pb block from encoded links (see :func:`encode_link`) and its data; links come first, as
    dag-pb's canonical form requires."""
    return b"".join(_bytes_field(2, link) for link in links) + _bytes_field(1, data)


def encode_link(cid: CID, name: str, tsize: int) -> bytes:
    """An encoded ``PBLink``; kubo writes the name field even when it is empty."""
    return _bytes_field(1, bytes(cid)) + _bytes_field(2, name.encode()) + _varint_field(3, tsize)


def encode_unixfs(
    kind: int,
    data: bytes = b"",
    file_size: int | None = None,
    block_sizes: Iterable[int] = (),
    hash_type: int | None = None,
    fanout: int | None = None,
) -> bytes:
    """An encoded UnixFS ``Data`` message; empty ``data`` and absent numbers are left out, as kubo does."""
    out = _varint_field(1, kind)
    if data:
        out += _bytes_field(2, data)
    if file_size is not None:
        out += _varint_field(3, file_size)
    for size in block_sizes:
        out += _varint_field(4, size)
    if hash_type is not None:
        out += _varint_field(5, hash_type)
    if fanout is not None:
        out += _varint_field(6, fanout)
    return out


def _varint_field(number: int, value: int) -> bytes:
    return varint.encode(number << 3 | _VARINT) + varint.encode(value)


def _bytes_field(number: int, value: bytes) -> bytes:
    return varint.encode(number << 3 | _BYTES) + varint.encode(len(value)) + value


# ------------------------------------------------------------------------------------------ decoding


def decode_node(block: bytes) -> PBNode:
    """A dag-pb block's links and data; ``ValueError`` if it is not protobuf or a link's CID is bad."""
    links: list[PBLink] = []
    data = b""
    for number, value in _fields(block):
        if number == 2 and isinstance(value, bytes):
            cid, name, tsize = b"", "", 0
            for sub, item in _fields(value):
                if sub == 1 and isinstance(item, bytes):
                    cid = item
                elif sub == 2 and isinstance(item, bytes):
                    name = item.decode()
                elif sub == 3 and isinstance(item, int):
                    tsize = item
            links.append(PBLink(cid_from_bytes(cid), name, tsize))
        elif number == 1 and isinstance(value, bytes):
            data = value
    return PBNode(links, data)


_UNIXFS_NUMBERS = {1: "kind", 3: "file_size", 5: "hash_type", 6: "fanout"}


def decode_unixfs(data: bytes) -> UnixFSData:
    """A UnixFS ``Data`` message (the data of a dag-pb node)."""
    out = UnixFSData(kind=-1)
    for number, value in _fields(data):
        if isinstance(value, int) and number in _UNIXFS_NUMBERS:
            setattr(out, _UNIXFS_NUMBERS[number], value)
        elif number == 2 and isinstance(value, bytes):
            out.data = value
        elif number == 4 and isinstance(value, int):
            out.block_sizes.append(value)
    return out


def _fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """``(field number, value)`` of a protobuf message: an int for a varint, bytes for a length-delimited."""
    pos = 0
    while pos < len(data):
        key, pos = varint.decode(data, pos)
        number, wire = key >> 3, key & 7
        if wire == _VARINT:
            value, pos = varint.decode(data, pos)
            yield number, value
        elif wire == _BYTES:
            length, pos = varint.decode(data, pos)
            if pos + length > len(data):
                raise ValueError("truncated protobuf field")
            yield number, data[pos : pos + length]
            pos += length
        elif wire == 1:  # 64-bit: skipped, no field of ours has it
            pos += 8
        elif wire == 5:  # 32-bit: skipped likewise
            pos += 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
