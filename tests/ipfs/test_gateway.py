"""collectibles.ipfs.gateway serves /ipfs/<cid>/<path> from CAR blocks, as a local kubo gateway would."""

import json
import threading
import urllib.error
import urllib.request

import pytest
from utils.data import stream

from collectibles.ipfs.blockstore import BlockStore
from collectibles.ipfs.car import write_car
from collectibles.ipfs.cid import CID, MURMUR3_X64_64
from collectibles.ipfs.dagpb import UNIXFS_HAMT_SHARD, encode_link, encode_node, encode_unixfs
from collectibles.ipfs.gateway import GatewayServer, content_type
from collectibles.ipfs.unixfs import CHUNK_SIZE, Node, add_bytes, add_tree

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(200))


BIG = stream(2 * CHUNK_SIZE + 1234, "gateway")
FILES = {
    "card.png": PNG,
    "big.bin": BIG,
    "collection.json": b'{"name": "Spring Festival"}',
    "logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"/>',
    "meta/1.json": b'{"name": "Greeting Card #1", "image": "ipfs://x/card.png"}',
    "meta/2": b'{"name": "Greeting Card #2"}',
    "site/index.html": b"<h1>hello</h1>",
}


def _shard(links: list[bytes]) -> Node:
    """A HAMT shard node (UnixFS type 5, murmur3-x64-64, fanout 256) over prepared links."""
    data = encode_unixfs(UNIXFS_HAMT_SHARD, hash_type=MURMUR3_X64_64, fanout=256)
    block = encode_node(links, data)
    return Node(CID.of(block, 1), block, 0, len(block))


def sharded_car() -> tuple[CID, bytes]:
    """A two-level sharded directory: "A3card.json" at the top, "0Bdeep.json" in sub-shard "1F"."""
    card, deep = add_bytes(b'{"card": true}'), add_bytes(b'{"deep": true}')
    sub = _shard([encode_link(deep.cid, "0Bdeep.json", deep.dag_size)])
    top = _shard(
        [
            encode_link(sub.cid, "1F", sub.dag_size),
            encode_link(card.cid, "A3card.json", card.dag_size),
        ]
    )
    top.children = [sub, card]
    sub.children = [deep]
    return top.cid, write_car(top)


@pytest.fixture(scope="module")
def published():
    v1, v0 = add_tree(FILES, cid_version=1), add_tree(FILES, cid_version=0)
    shard_cid, shard_car = sharded_car()
    store = BlockStore()
    for car in (write_car(v1), write_car(v0), shard_car):
        store.add_car(car)
    server = GatewayServer(store, port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": server.url, "v1": v1.cid, "v0": v0.cid, "shard": shard_cid}
    server.shutdown()
    server.server_close()


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read()


def test_get__json_under_a_directory__application_json(published):
    status, ctype, body = fetch(f"{published['url']}/ipfs/{published['v1']}/meta/1.json")

    assert status == 200
    assert ctype == "application/json"
    assert json.loads(body)["name"] == "Greeting Card #1"


def test_get__png__image_png_byte_exact(published):
    status, ctype, body = fetch(f"{published['url']}/ipfs/{published['v1']}/card.png")

    assert (status, ctype, body) == (200, "image/png", PNG)


@pytest.mark.parametrize("version", ["v1", "v0"])
def test_get__multi_chunk_file__byte_exact(published, version):
    status, ctype, body = fetch(f"{published['url']}/ipfs/{published[version]}/big.bin")

    assert status == 200
    assert ctype == "application/octet-stream"
    assert body == BIG


def test_get__file_by_its_own_cid__served(published):
    cid = add_bytes(BIG, cid_version=1).cid

    status, _, body = fetch(f"{published['url']}/ipfs/{cid}")

    assert (status, body) == (200, BIG)


def test_get__svg_and_name_without_extension__types_from_extension_or_content(published):
    base = f"{published['url']}/ipfs/{published['v0']}"

    assert fetch(f"{base}/logo.svg")[1] == "image/svg+xml"
    assert fetch(f"{base}/meta/2")[:2] == (200, "application/json")


def test_get__directory__index_html_or_listing(published):
    base = f"{published['url']}/ipfs/{published['v1']}"

    assert fetch(f"{base}/site/") == (200, "text/html; charset=utf-8", b"<h1>hello</h1>")
    status, ctype, body = fetch(f"{base}/meta")
    assert (status, ctype) == (200, "text/html; charset=utf-8")
    assert b"1.json" in body
    assert b"2" in body


def test_get__hamt_sharded_directory__entries_and_sub_shards_resolved(published):
    base = f"{published['url']}/ipfs/{published['shard']}"

    assert fetch(f"{base}/card.json") == (200, "application/json", b'{"card": true}')
    assert fetch(f"{base}/deep.json") == (200, "application/json", b'{"deep": true}')
    assert fetch(f"{base}/A3card.json")[0] == 404


@pytest.mark.parametrize(
    "path",
    [
        "/ipfs/{v1}/missing.json",
        "/ipfs/{v1}/card.png/inside",
        "/ipfs/" + str(add_bytes(b"not published").cid),
        "/ipns/example.eth",
        "/",
    ],
)
def test_get__unknown_cid_or_path__404(published, path):
    status, _, _ = fetch(published["url"] + path.format(v1=published["v1"]))

    assert status == 404


def test_get__not_a_cid__400(published):
    assert fetch(f"{published['url']}/ipfs/not-a-cid/x.json")[0] == 400


def test_content_type__known_extensions():
    assert content_type("a.json") == "application/json"
    assert content_type("a.PNG") == "image/png"
    assert content_type("x", PNG) == "image/png"
    assert content_type("x", b"\x00\x01") == "application/octet-stream"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("notes.txt", "text/plain; charset=utf-8"),
        ("card.webp", "image/webp"),
        ("card.jpeg", "image/jpeg"),
        ("series.car", "application/vnd.ipld.car"),
        ("meta/1.json", "application/json"),
    ],
)
def test_content_type__from_pythons_own_table__same_on_every_machine(name, expected):
    assert content_type(name) == expected


def test_content_type__unknown_extension__sniffed_from_the_bytes():
    assert content_type("card.unknownext", PNG) == "image/png"
    assert content_type("doc.unknownext", b'{"a": 1}') == "application/json"
    assert content_type("doc.unknownext", b"{not json") == "application/octet-stream"
