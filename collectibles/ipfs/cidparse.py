"""CID strings back to :class:`~collectibles.ipfs.cid.CID`: CIDv0 (base58btc ``Qm…``) and CIDv1 (base32 ``b…``,
base58btc ``z…``), sha2-256 only, as kubo writes them and as token URIs carry them.
"""

from __future__ import annotations

from collectibles.ipfs.cid import CID, DAG_PB, read_varint

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
_SHA2_256 = 0x12


def parse_cid(text: str) -> CID:
    """The CID a string names; ``ValueError`` if it is not a sha2-256 CIDv0 or CIDv1 in base32/base58btc."""
    if len(text) == 46 and text.startswith("Qm"):
        return _from_multihash(0, DAG_PB, _base58_decode(text), text)
    if text[:1] in ("b", "B"):
        raw = _base32_decode(text[1:].lower(), text)
    elif text[:1] == "z":
        raw = _base58_decode(text[1:])
    else:
        raise ValueError(f"{text!r} is not a CID (expected Qm…, b… or z…)")
    return cid_from_bytes(raw, text)


def cid_from_bytes(raw: bytes, text: object = None) -> CID:
    """The CID of its binary form: a bare multihash (CIDv0) or ``0x01 codec multihash`` (CIDv1)."""
    what = text if text is not None else raw.hex()
    if raw[:1] == bytes([_SHA2_256]):
        return _from_multihash(0, DAG_PB, raw, what)
    try:
        version, pos = read_varint(raw, 0)
        codec, pos = read_varint(raw, pos)
    except IndexError:
        raise ValueError(f"{what!r} is not a CID: truncated") from None
    if version != 1:
        raise ValueError(f"{what!r} is not a CID: version {version}")
    return _from_multihash(1, codec, raw[pos:], what)


def _from_multihash(version: int, codec: int, multihash: bytes, what: object) -> CID:
    if len(multihash) != 34 or multihash[0] != _SHA2_256 or multihash[1] != 32:
        raise ValueError(f"{what!r} is not a sha2-256 CID")
    return CID(version, codec, multihash[2:])


def _base58_decode(text: str) -> bytes:
    n = 0
    for char in text:
        index = _BASE58.find(char)
        if index < 0:
            raise ValueError(f"{char!r} is not a base58btc digit")
        n = n * 58 + index
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def _base32_decode(text: str, whole: str) -> bytes:
    bits = ""
    for char in text:
        index = _BASE32.find(char)
        if index < 0:
            raise ValueError(f"{whole!r} is not a CID: {char!r} is not a base32 digit")
        bits += f"{index:05b}"
    usable = len(bits) - len(bits) % 8
    return bytes(int(bits[i : i + 8], 2) for i in range(0, usable, 8))
