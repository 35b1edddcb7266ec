"""collectibles.chain.audit fetches through a gateway and trusts only bytes that hash to the published DAG."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from collectibles.chain.audit import audit_series, gateway_fetcher, store_fetcher
from collectibles.ipfs.blockstore import BlockStore
from collectibles.ipfs.car import write_car
from collectibles.ipfs.gateway import GatewayServer
from collectibles.ipfs.unixfs import add_bytes, add_tree

IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(300_000)
IMAGE_CID = str(add_bytes(IMAGE).cid)


def token_json(serial):
    attributes = [
        {"trait_type": "Series", "value": "Card"},
        {"trait_type": "Serial", "value": serial, "max_value": 2, "display_type": "number"},
    ]
    return json.dumps(
        {"name": f"Card #{serial}", "image": f"ipfs://{IMAGE_CID}", "attributes": attributes}
    ).encode()


FILES = {"1.json": token_json(1), "2.json": token_json(2), "card.png": IMAGE}


class Chain:
    """What audit_series reads of a Collectible: series 1 "Card", cap 2, both minted, at ``base``."""

    def __init__(self, base):
        self.base = base

    def series(self, series_id):
        return SimpleNamespace(name="Card", minted=2, burned=0, maxSupply=2)

    def ownerOf(self, token):
        return "0x" + "ab" * 20

    def tokenURI(self, token):
        return f"{self.base}{token % 1_000_000}.json"


@pytest.fixture
def published():
    root = add_tree(FILES)
    store = BlockStore()
    store.add_car(write_car(root))
    return str(root.cid), store


def serve(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_gateway_fetcher__honest_gateway__bytes_and_dag_cid(published):
    cid, store = published
    server = serve(GatewayServer(store, port=0, quiet=True))
    try:
        file_cid, data = gateway_fetcher(store, server.url)(cid, ["card.png"])
    finally:
        server.shutdown()

    assert (file_cid, data) == (IMAGE_CID, IMAGE)


def test_audit_series__through_honest_gateway__no_problems(published):
    cid, store = published
    server = serve(GatewayServer(store, port=0, quiet=True))
    try:
        audit = audit_series(Chain(f"ipfs://{cid}/"), 1, gateway_fetcher(store, server.url))
    finally:
        server.shutdown()

    assert [(t.serial, t.problems, t.image_cid) for t in audit.tokens] == [
        (1, [], IMAGE_CID),
        (2, [], IMAGE_CID),
    ]


def test_audit_series__gateway_serves_other_bytes__named_mismatch(published):
    cid, store = published

    class Lying(BaseHTTPRequestHandler):
        def do_GET(self):
            name = self.path.rsplit("/", 1)[-1]
            body = token_json(1) if name == "2.json" else FILES.get(name, IMAGE)  # one lie
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = serve(ThreadingHTTPServer(("127.0.0.1", 0), Lying))
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        audit = audit_series(Chain(f"ipfs://{cid}/"), 1, gateway_fetcher(store, url))
    finally:
        server.shutdown()

    assert audit.tokens[0].ok
    expected = str(store.resolve(store.roots[0], ["2.json"]).cid)
    assert audit.tokens[1].problems == [
        f"metadata bytes hash to {add_bytes(token_json(1)).cid}, the published DAG says {expected}"
    ]


def test_store_fetcher__directory_path__not_a_file(published):
    cid, store = published

    with pytest.raises(LookupError, match="is a directory"):
        store_fetcher(store)(cid, [])
