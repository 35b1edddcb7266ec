"""collectibles.ipfs.car writes CARv1 files whose header is the DAG-CBOR kubo writes, and reads them back."""

import cbor2
import pytest

from collectibles.ipfs import varint
from collectibles.ipfs.car import NotACar, decode_header, encode_header, read_car, write_car
from collectibles.ipfs.cid import CID
from collectibles.ipfs.unixfs import add_bytes, add_tree

FOLDER = {
    "card.png": bytes(range(256)) * 1200,  # 307,200 bytes: two chunks
    "collection.json": b'{"name": "Spring Festival"}',
    **{f"meta/{s}.json": b'{"name": "Greeting Card #%d"}' % s for s in range(1, 4)},
}


def hand_written_header(root: CID) -> bytes:
    """The header as this project wrote it byte by byte before cbor2: map(2), "roots" -> [tag 42 bytes
    (0x00 + CID)], "version" -> 1; a CID of 34 or 36 bytes is a byte string with a one-byte length."""
    cid = b"\x00" + bytes(root)
    return b"\xa2\x65roots\x81\xd8\x2a\x58" + bytes([len(cid)]) + cid + b"\x67version\x01"


@pytest.mark.parametrize("version", [0, 1])
def test_encode_header__cbor2_canonical__same_bytes_as_the_hand_written_header(version):
    root = add_tree(FOLDER, cid_version=version).cid

    header = encode_header([root])

    assert header == hand_written_header(root)
    assert decode_header(header) == [root]


@pytest.mark.parametrize("version", [0, 1])
def test_write_car__starts_with_varint_length_then_header(version):
    root = add_tree(FOLDER, cid_version=version)
    header = hand_written_header(root.cid)

    car = write_car(root)

    assert car.startswith(varint.encode(len(header)) + header)


def test_decode_header__keys_in_any_order__read_alike():
    root = add_bytes(b"x").cid
    tag = cbor2.CBORTag(42, b"\x00" + bytes(root))
    unsorted = cbor2.dumps({"version": 1, "roots": [tag]})  # not canonical: "version" first

    assert unsorted != encode_header([root])
    assert decode_header(unsorted) == [root]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({"roots": [], "version": 1}, "names no root"),
        ({"version": 1}, "names no root"),
        ({"roots": ["Qm"], "version": 1}, "not a CID"),
        ({"roots": [cbor2.CBORTag(42, b"\x01")], "version": 1}, "not a CID"),
        ({"roots": [cbor2.CBORTag(42, b"\x00")], "version": 2}, "not a version 1 map"),
        ([1], "not a version 1 map"),
    ],
    ids=["empty-roots", "no-roots", "string-root", "no-identity-prefix", "version-2", "a-list"],
)
def test_decode_header__not_a_car_header__not_a_car_saying_why(value, problem):
    with pytest.raises(NotACar, match=problem):
        decode_header(cbor2.dumps(value))


def test_decode_header__bytes_after_the_map__rejected():
    with pytest.raises(NotACar, match="1 bytes after"):
        decode_header(encode_header([add_bytes(b"x").cid]) + b"\x00")


@pytest.mark.parametrize("version", [0, 1])
def test_write_car__folder__reads_back_every_block_under_the_root(version):
    root = add_tree(FOLDER, cid_version=version)

    roots, blocks = read_car(write_car(root))

    assert roots == [bytes(root.cid)]
    assert blocks == {bytes(cid): block for cid, block in root.blocks()}
    # card.png is two chunks under a file node (3 blocks), 4 one-chunk files, 2 directories.
    assert len(blocks) == 9


def test_read_car__tampered_block__rejected():
    car = bytearray(write_car(add_tree(FOLDER)))
    car[-1] ^= 0xFF

    with pytest.raises(ValueError, match="does not match its CID"):
        read_car(bytes(car))


@pytest.mark.parametrize(
    ("keep", "problem"),
    [(-1, "runs past the end"), (-5, "runs past the end"), (40, "truncated header")],
    ids=["last-byte", "last-five-bytes", "inside-the-header"],
)
def test_read_car__cut_short__not_a_car(keep, problem):
    car = write_car(add_tree(FOLDER))

    with pytest.raises(NotACar, match=problem):
        read_car(car[:keep])


def test_read_car__not_cbor__not_a_car():
    with pytest.raises(NotACar, match="not CBOR"):
        read_car(b"\x01\xff")
