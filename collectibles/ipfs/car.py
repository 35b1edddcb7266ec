"""CARv1 files (https://ipld.io/specs/transport/car/carv1/): a DAG's blocks in one file, written and read.

A CAR is a varint-prefixed header, the DAG-CBOR map ``{"roots": [CID, …], "version": 1}``, then one
varint-prefixed section per block: the block's binary CID followed by its bytes. The header goes through
``cbor2`` both ways; a CID in DAG-CBOR is tag 42 over the bytes ``0x00`` (the identity multibase) + the
binary CID. Written canonically (keys by length, then bytewise: "roots" before "version"), which is what
DAG-CBOR requires and what kubo writes, so a CAR of ours is byte-identical to ``ipfs dag export``'s header.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Final, Protocol

import cbor2

from collectibles.ipfs import varint
from collectibles.ipfs.cid import CID, cid_from_bytes, read_cid

CAR_VERSION: Final = 1
CID_TAG: Final = 42
"""The CBOR tag of a CID (https://github.com/ipld/cid-cbor/)."""
MEDIA_TYPE: Final = "application/vnd.ipld.car"


class DAG(Protocol):
    """What a CAR is written from: a root CID and every block under it (as :class:`~.unixfs.Node`)."""

    @property
    def cid(self) -> CID: ...

    def blocks(self) -> Iterable[tuple[CID, bytes]]: ...


class NotACar(ValueError):
    """Bytes that are not a CARv1 file; the message says what is wrong with them."""

    def __init__(self, problem: str):
        self.problem = problem
        super().__init__(f"not a CARv1 file: {problem}")


def write_car(root: DAG) -> bytes:
    """A CARv1 file holding every block of ``root``'s DAG, with ``root`` as its only root."""
    header = encode_header([root.cid])
    out = bytearray(varint.encode(len(header)) + header)
    for cid, block in root.blocks():
        section = bytes(cid) + block
        out += varint.encode(len(section)) + section
    return bytes(out)


def read_car(data: bytes) -> tuple[list[bytes], dict[bytes, bytes]]:
    """The roots (binary CIDs) and blocks (by binary CID) of a CARv1 file.

    Every block is checked against its CID (:class:`~collectibles.ipfs.cid.BlockMismatch`, a
    ``ValueError`` "does not match its CID"); anything else wrong raises :class:`NotACar`.
    """
    roots, sections = read_car_sections(data)
    blocks = {bytes(cid): cid.verify(block) for cid, block in sections}
    return [bytes(root) for root in roots], blocks


def read_car_sections(data: bytes) -> tuple[list[CID], Iterator[tuple[CID, bytes]]]:
    """The roots of a CARv1 file, and its sections as ``(CID, block)`` in file order, blocks *not* checked.

    For a reader that keeps what it can of a damaged file (the audit): the header is read at once
    (:class:`NotACar` if it is not one); the iterator raises :class:`NotACar` where the sections stop
    making sense (a truncated file), after yielding every whole section before that point.
    """
    try:
        header_length, pos = varint.decode(data, 0)
    except varint.TruncatedVarint:
        raise NotACar("truncated header") from None
    if pos + header_length > len(data):
        raise NotACar("truncated header")
    roots = decode_header(data[pos : pos + header_length])
    return roots, _sections(data, pos + header_length)


def _sections(data: bytes, pos: int) -> Iterator[tuple[CID, bytes]]:
    while pos < len(data):
        try:
            size, pos = varint.decode(data, pos)
        except varint.TruncatedVarint:
            raise NotACar(f"truncated section length at byte {pos}") from None
        end = pos + size
        if end > len(data):
            raise NotACar(f"the section at byte {pos} runs past the end of the file")
        try:
            cid, start = read_cid(data, pos)
        except ValueError as err:
            raise NotACar(f"the section at byte {pos} does not start with a CID ({err})") from None
        if start > end:
            raise NotACar(f"the CID of the section at byte {pos} runs past the section")
        yield cid, data[start:end]
        pos = end


def encode_header(roots: Iterable[CID]) -> bytes:
    """The DAG-CBOR header naming ``roots``, canonical as DAG-CBOR requires."""
    tagged = [cbor2.CBORTag(CID_TAG, b"\x00" + bytes(cid)) for cid in roots]
    return cbor2.dumps({"roots": tagged, "version": CAR_VERSION}, canonical=True)


def decode_header(header: bytes) -> list[CID]:
    """The roots a CARv1 header names; :class:`NotACar` if it is not one (or names no root)."""
    stream = io.BytesIO(header)
    try:
        value = cbor2.CBORDecoder(stream).decode()
    except cbor2.CBORDecodeError as err:
        raise NotACar(f"its header is not CBOR ({err})") from None
    if stream.tell() != len(header):
        raise NotACar(f"{len(header) - stream.tell()} bytes after its CBOR header")
    if not isinstance(value, dict) or value.get("version") != CAR_VERSION:
        raise NotACar(f"its header is not a version {CAR_VERSION} map: {value!r:.80}")
    tags = value.get("roots")
    if not isinstance(tags, list) or not tags:
        raise NotACar("its header names no root")
    roots = []
    for tag in tags:
        if not (
            isinstance(tag, cbor2.CBORTag)
            and tag.tag == CID_TAG
            and isinstance(tag.value, bytes)
            and tag.value[:1] == b"\x00"
        ):
            raise NotACar(f"a root in its header is not a CID: {tag!r:.80}")
        roots.append(cid_from_bytes(tag.value[1:]))
    return roots
