"""collectibles.ipfs.blockstore holds only blocks that match their CIDs, and resolves UnixFS paths through them."""

import pytest

from collectibles.ipfs.blockstore import BlockStore, NotFound
from collectibles.ipfs.car import NotACar, write_car
from collectibles.ipfs.cid import CID, RAW
from collectibles.ipfs.dagpb import decode_node
from collectibles.ipfs.unixfs import add_bytes, add_sharded_directory, add_tree

FILES = {"collection.json": b'{"name": "Spring Festival"}', "meta/1.json": b'{"name": "Card #1"}'}


def test_put__bytes_that_do_not_hash_to_the_cid__rejected_and_not_held():
    cid = CID.of(b"the card", 1, RAW)
    store = BlockStore()

    with pytest.raises(ValueError, match=f"block {cid} does not match its CID"):
        store.put(cid, b"another card")
    assert cid not in store
    with pytest.raises(NotFound):
        store.get(cid)


def test_block_store__blocks_of_a_dag__each_checked():
    root = add_tree(FILES)
    store = BlockStore(root.blocks())

    assert len(store) == len(list(root.blocks()))
    assert store.get(root.cid) == root.block
    with pytest.raises(ValueError, match="does not match its CID"):
        BlockStore([(root.cid, root.block + b"\x00")])


def test_get__v0_and_v1_of_one_dag_pb_block__found_alike():
    v0 = add_tree(FILES, cid_version=0)
    store = BlockStore(v0.blocks())
    v1 = CID(1, v0.cid.codec, v0.cid.digest)

    assert v1 in store
    assert store.get(v1) == v0.block


def test_add_car__tampered_block__rejected():
    car = bytearray(write_car(add_tree(FILES)))
    car[-1] ^= 0xFF

    with pytest.raises(ValueError, match="does not match its CID"):
        BlockStore().add_car(bytes(car))


def test_add_car__not_a_car__not_a_car():
    with pytest.raises(NotACar, match="not a CARv1 file"):
        BlockStore().add_car(b"\x05hello")


def test_from_cars__tampered_file__error_names_the_file(tmp_path):
    car = bytearray(write_car(add_tree(FILES)))
    car[-1] ^= 0xFF
    (tmp_path / "bad.car").write_bytes(bytes(car))

    with pytest.raises(ValueError, match=r"bad\.car: block .* does not match its CID"):
        BlockStore.from_cars([tmp_path])


def test_block_store__from_cars_folder__every_car_loaded(tmp_path):
    (tmp_path / "a.car").write_bytes(write_car(add_tree({"a.json": b"{}"})))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.car").write_bytes(write_car(add_tree({"b.json": b"[]"})))

    store = BlockStore.from_cars([tmp_path])

    assert len(store.roots) == 2
    assert b"".join(store.read(store.resolve(store.roots[1], ["b.json"]).cid)) == b"[]"
    with pytest.raises(NotFound):
        store.resolve(store.roots[0], ["b.json"])


def test_resolve__file_in_a_folder__its_bytes_and_no_path_below_it():
    root = add_tree(FILES)
    store = BlockStore(root.blocks())

    entry = store.resolve(root.cid, ["meta", "1.json"])

    assert not entry.is_directory
    assert b"".join(store.read(entry.cid)) == FILES["meta/1.json"]
    with pytest.raises(NotFound, match="is a file"):
        store.resolve(root.cid, ["meta", "1.json", "x"])
    with pytest.raises(NotFound, match=r"no entry 'missing\.json'"):
        store.resolve(root.cid, ["missing.json"])


def test_read__multi_chunk_v0_file__bytes_in_order():
    data = bytes(range(256)) * 2100  # 537,600 bytes: three chunks under a file node
    node = add_bytes(data, cid_version=0)
    store = BlockStore(node.blocks())

    assert len(node.children) == 3
    assert b"".join(store.read(node.cid)) == data


def test_read__directory__not_a_file():
    root = add_tree(FILES)
    store = BlockStore(root.blocks())

    with pytest.raises(NotFound, match="is not a file"):
        list(store.read(root.cid))


def test_block_store__kubo_sharded_directory_from_the_importer__every_entry_resolves():
    files = {f"{i}.json": add_bytes(b'{"token": %d}' % i) for i in range(600)}
    root = add_sharded_directory(files)
    assert any(len(link.name) == 2 for link in decode_node(root.block).links)  # sub-shards too
    store = BlockStore()
    store.add_car(write_car(root))

    entry = store.resolve(root.cid)
    assert entry.is_directory
    assert len(entry.links) == 600
    for i in (0, 1, 299, 599):
        file = store.resolve(root.cid, [f"{i}.json"])
        assert b"".join(store.read(file.cid)) == b'{"token": %d}' % i
