"""collectibles.ipfs.cid: CIDs in their binary and string forms, as kubo writes them and token URIs carry them.

EMPTY_FILE_V0 and EMPTY_RAW are kubo's (`ipfs add --only-hash` of an empty file, see test_unixfs); the
other forms of the empty file are checked against a second, independent decoder (`multiformats`).
"""

import hashlib

import multiformats
import pytest

from collectibles.ipfs.cid import CID, DAG_PB, RAW, cid_from_bytes, parse_cid, read_cid
from collectibles.ipfs.unixfs import add_bytes, add_tree

EMPTY_FILE_V0 = "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"
EMPTY_FILE_V1 = "bafybeif7ztnhq65lumvvtr4ekcwd2ifwgm3awq4zfr3srh462rwyinlb4y"
EMPTY_FILE_V1_BASE58 = "zdj7WiLc855B1KPRgV7Fh8ivjuAhePE1tuJafmxH5HmmSjqaD"
EMPTY_RAW = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
"""The raw-codec CIDv1 of no bytes at all: sha2-256 of b""."""
FILES = {"collection.json": b'{"name": "Spring Festival"}', "meta/1.json": b'{"name": "Card #1"}'}


def test_cid__v0_of_raw_block__rejected():
    with pytest.raises(ValueError, match="CIDv0"):
        CID.of(b"x", 0, RAW)


@pytest.mark.parametrize(
    ("fields", "problem"),
    [((2, DAG_PB, bytes(32)), "version 2"), ((1, RAW, bytes(20)), "32 bytes, not 20")],
)
def test_cid__bad_version_or_digest__rejected(fields, problem):
    with pytest.raises(ValueError, match=problem):
        CID(*fields)


def test_cid__v0_and_v1_of_one_block__same_multihash_different_strings():
    v0, v1 = parse_cid(EMPTY_FILE_V0), parse_cid(EMPTY_FILE_V1)

    assert v0.multihash == v1.multihash
    assert (v0.version, v1.version, v0.codec, v1.codec) == (0, 1, DAG_PB, DAG_PB)
    assert v0 != v1


@pytest.mark.parametrize("text", [EMPTY_FILE_V0, EMPTY_FILE_V1, EMPTY_RAW])
def test_parse_cid__kubo_strings__write_back_the_same(text):
    assert str(parse_cid(text)) == text


@pytest.mark.parametrize("text", [EMPTY_FILE_V0, EMPTY_FILE_V1, EMPTY_FILE_V1_BASE58, EMPTY_RAW])
def test_parse_cid__every_form__same_fields_as_multiformats_decoder(text):
    reference = multiformats.CID.decode(text)

    cid = parse_cid(text)

    assert (cid.version, cid.codec, cid.digest) == (
        reference.version,
        reference.codec.code,
        reference.raw_digest,
    )


def test_cid__raw_of_nothing__sha256_of_empty_bytes():
    cid = CID.of(b"", 1, RAW)

    assert str(cid) == EMPTY_RAW
    assert cid.digest == hashlib.sha256(b"").digest()


def test_encode__v1_base58btc__js_ipfs_string_and_back():
    v1 = parse_cid(EMPTY_FILE_V1)

    assert v1.encode("base58btc") == EMPTY_FILE_V1_BASE58
    assert parse_cid(EMPTY_FILE_V1_BASE58) == v1


@pytest.mark.parametrize("base", ["base32", "base58btc", "base36", "base64"])
@pytest.mark.parametrize("codec", [DAG_PB, RAW])
def test_encode__v1_in_each_multibase__parses_back(base, codec):
    cid = CID.of(b"greeting card", 1, codec)

    assert parse_cid(cid.encode(base)) == cid


def test_parse_cid__v0_and_v1_strings__round_trip():
    for node in (add_tree(FILES, 0), add_tree(FILES, 1), add_bytes(b"x", 1)):
        assert parse_cid(str(node.cid)) == node.cid
    v1 = add_tree(FILES, 1).cid
    assert parse_cid(v1.encode("base58btc")) == v1
    assert v1.encode("base58btc").startswith("z")
    assert parse_cid(str(v1).upper()) == v1  # base32upper, multibase "B"


def test_parse_cid__base32_upper_case__same_cid():
    v1 = parse_cid(EMPTY_FILE_V1)

    assert parse_cid(EMPTY_FILE_V1.upper()) == v1  # base32upper, multibase "B"


def test_encode__v0_in_another_base__its_only_form():
    v0 = parse_cid(EMPTY_FILE_V0)

    assert v0.encode("base32") == EMPTY_FILE_V0  # a CIDv0 has no multibase prefix to say otherwise


def test_encode__unknown_base__value_error_naming_it():
    with pytest.raises(ValueError, match="base99"):
        CID.of(b"x", 1).encode("base99")


@pytest.mark.parametrize("text", [EMPTY_FILE_V0, EMPTY_FILE_V1, EMPTY_RAW])
def test_cid_from_bytes__binary_form__round_trip(text):
    cid = parse_cid(text)

    assert cid_from_bytes(bytes(cid)) == cid
    assert len(bytes(cid)) == (34 if cid.version == 0 else 36)


def test_read_cid__cid_followed_by_a_block__stops_at_the_digest():
    cid = CID.of(b"block", 1, RAW)

    assert read_cid(bytes(cid) + b"block") == (cid, 36)
    with pytest.raises(ValueError, match="5 bytes after its digest"):
        cid_from_bytes(bytes(cid) + b"block")


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"", "truncated"),
        (b"\x01\x70\x12", "truncated"),
        (bytes(CID.of(b"x", 1))[:-1], "truncated"),
        (b"\x02\x70\x12\x20" + bytes(32), "version 2"),
        (b"\x01\x70\x13\x40" + bytes(64), "not a sha2-256 CID"),
    ],
    ids=["empty", "cut-in-multihash", "cut-in-digest", "version-2", "sha2-512"],
)
def test_cid_from_bytes__malformed__value_error_saying_why(raw, problem):
    with pytest.raises(ValueError, match=problem):
        cid_from_bytes(raw)


@pytest.mark.parametrize(
    "text", ["", "Qm123", "bafy!!", "x" * 46, "bafkqaaa", "zzzz", "b", "Qm" + "1" * 44]
)
def test_parse_cid__garbage__value_error(text):
    with pytest.raises(ValueError, match="not a"):
        parse_cid(text)
