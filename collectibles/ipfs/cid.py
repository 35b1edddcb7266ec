"""The CID: what names a block, in its binary form and its string forms, and the multicodec numbers of the
package, kept here and nowhere else (the dag-pb and raw codecs, sha2-256, murmur3-x64-64).

Only sha2-256 CIDs exist here, because they are the only ones kubo's ``ipfs add`` makes: CIDv0 (a bare
multihash, written in base58btc as ``Qm…``) and CIDv1 (``0x01 codec multihash``, written in base32 as
``b…`` by default, or in any other multibase).

The value type is ours, a frozen dataclass of (version, codec, digest), because it must compare and hash
by value (py-cid's CID objects hash by identity, so they cannot key a block store) and be cheap to make:
a 10,000-token series makes tens of thousands. What is not ours: the strings come from ``base64`` (base32,
kubo's CIDv1 default; py-cid cannot read its upper-case form ``B…``, and is slower at writing it) and from
py-cid (base58btc and the other multibases), the numbers from the multicodec table of ``multiformats``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import Final

import cid as pycid
from multiformats import multicodec

from collectibles.ipfs import varint

DAG_PB: Final = multicodec.get("dag-pb").code
"""The codec of UnixFS directories and file nodes, and of every CIDv0."""
RAW: Final = multicodec.get("raw").code
"""The codec of a CIDv1 leaf that holds file bytes as they are (kubo's ``--raw-leaves``)."""
SHA2_256: Final = multicodec.get("sha2-256").code
"""The multihash function of every CID here."""
MURMUR3_X64_64: Final = multicodec.get("murmur3-x64-64").code
"""The hash a HAMT-sharded directory records for its names (``HashMurmur3`` in kubo)."""

DIGEST_SIZE: Final = 32
"""Bytes of a sha2-256 digest."""

_V0_LENGTH = 46
"""Characters of a CIDv0 string: base58btc of the 34-byte multihash, always starting ``Qm``."""
_SHA2_256_BYTE = bytes((SHA2_256,))
_SHA2_256_PREFIX = bytes((SHA2_256, DIGEST_SIZE))
"""How every sha2-256 multihash starts: the function, then the digest length."""


@dataclass(frozen=True, slots=True)
class CID:
    """A content identifier: version (0 or 1), codec (a multicodec number) and sha2-256 digest."""

    version: int
    codec: int
    digest: bytes

    def __post_init__(self) -> None:
        if self.version not in (0, 1):
            raise ValueError(f"CID version {self.version} does not exist: only 0 and 1")
        if self.version == 0 and self.codec != DAG_PB:
            raise ValueError("CIDv0 can only name dag-pb blocks")
        if len(self.digest) != DIGEST_SIZE:
            raise ValueError(f"a sha2-256 digest has {DIGEST_SIZE} bytes, not {len(self.digest)}")

    @classmethod
    def of(cls, block: bytes, version: int, codec: int = DAG_PB) -> CID:
        """The CID of ``block``'s bytes."""
        return cls(version, codec, hashlib.sha256(block).digest())

    @property
    def multihash(self) -> bytes:
        """``0x12 0x20 digest``: the hash function, the digest length, the digest."""
        return _SHA2_256_PREFIX + self.digest

    def __bytes__(self) -> bytes:
        if self.version == 0:
            return self.multihash
        return varint.encode(1) + varint.encode(self.codec) + self.multihash

    def __str__(self) -> str:
        return self.encode()

    def encode(self, base: str = "base32") -> str:
        """The string form in multibase ``base`` (a CIDv0 has only one, base58btc without a prefix)."""
        if self.version == 0:
            return str(pycid.CIDv0(self.multihash))
        if base == "base32":
            # Lower case without padding, as kubo writes it.
            return "b" + base64.b32encode(bytes(self)).decode("ascii").lower().rstrip("=")
        try:
            name = multicodec.get(code=self.codec).name
            text: bytes = pycid.CIDv1(name, self.multihash).encode(base)
        except (ValueError, KeyError) as err:  # an unknown base (py-cid) or codec (multiformats)
            raise ValueError(f"cannot write a CID in {base!r}: {err}") from None
        return text.decode("ascii")

    def verify(self, block: bytes) -> bytes:
        """``block`` if its bytes hash to this CID's digest; :class:`BlockMismatch` naming the CID if not."""
        if hashlib.sha256(block).digest() != self.digest:
            raise BlockMismatch(self)
        return block


class BlockMismatch(ValueError):
    """A block whose bytes do not hash to the CID it came with (altered in a CAR, or on the way)."""

    def __init__(self, cid: CID):
        self.cid = cid
        super().__init__(f"block {cid} does not match its CID: its bytes hash to another digest")


def parse_cid(text: str) -> CID:
    """The CID a string names: CIDv0 ``Qm…``, or CIDv1 in base32 (``b…``/``B…``), base58btc (``z…``)
    or another multibase; ``ValueError`` if it is none of these or not a sha2-256 CID."""
    if text[:1] in ("b", "B"):
        body = text[1:]
        try:
            raw = base64.b32decode(body + "=" * (-len(body) % 8), casefold=True)
        except binascii.Error as err:
            raise ValueError(f"{text!r} is not a CID: not base32 ({err})") from None
        return cid_from_bytes(raw, text)
    if text.startswith("Qm") and len(text) != _V0_LENGTH:
        raise ValueError(f"{text!r} is not a CID: a CIDv0 has {_V0_LENGTH} characters")
    try:
        parsed = pycid.from_string(text)
    except ValueError as err:
        raise ValueError(f"{text!r} is not a CID (expected Qm…, b… or z…): {err}") from None
    return cid_from_bytes(parsed.buffer, text)


def cid_from_bytes(raw: bytes, text: object = None) -> CID:
    """The CID of its binary form, all of ``raw``: a bare multihash (CIDv0) or ``0x01 codec multihash``."""
    cid, end = read_cid(raw, 0, text)
    if end != len(raw):
        raise ValueError(
            f"{_what(raw, 0, text)!r} is not a CID: {len(raw) - end} bytes after its digest"
        )
    return cid


def read_cid(data: bytes, pos: int = 0, text: object = None) -> tuple[CID, int]:
    """The binary CID starting at ``data[pos]`` and the position after it (a CAR section's CID has no
    length of its own: it ends where its multihash says)."""
    # 0x12 (sha2-256) cannot start a CIDv1, whose first byte is its version: a bare multihash is CIDv0.
    if data[pos : pos + 1] == _SHA2_256_BYTE:
        version, codec, start = 0, DAG_PB, pos
    else:
        try:
            version, start = varint.decode(data, pos)
            if version != 1:
                raise ValueError(f"{_what(data, pos, text)!r} is not a CID: version {version}")
            codec, start = varint.decode(data, start)
        except varint.TruncatedVarint:
            raise ValueError(f"{_what(data, pos, text)!r} is not a CID: truncated") from None
    # A sha2-256 multihash is always 0x12 0x20 and 32 bytes; a shard's thousands of links take this path.
    end = start + 2 + DIGEST_SIZE
    if data[start : start + 2] != _SHA2_256_PREFIX:
        problem = "not a CID: truncated" if len(data) < start + 2 else "not a sha2-256 CID"
        raise ValueError(f"{_what(data, pos, text)!r} is {problem}")
    if len(data) < end:
        raise ValueError(f"{_what(data, pos, text)!r} is not a CID: truncated")
    return CID(version, codec, bytes(data[start + 2 : end])), end


def _what(data: bytes, pos: int, text: object) -> object:
    """What an error names: the string given, else the first bytes in hex."""
    return text if text is not None else data[pos : pos + 40].hex()
