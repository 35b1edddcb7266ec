"""collectibles.chain.audit fetches through a gateway and trusts only bytes that hash to the published DAG."""

import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from utils.published_cards import FILES, IMAGE, IMAGE_CID, Chain, published_cards, serve, token_json

from collectibles.chain.audit import audit_series
from collectibles.ipfs.blockstore import BlockStore
from collectibles.ipfs.car import write_car
from collectibles.ipfs.fetch import gateway_fetcher, store_fetcher
from collectibles.ipfs.gateway import GatewayServer
from collectibles.ipfs.salvage import ContentProblem, load_published
from collectibles.ipfs.unixfs import add_bytes, add_tree


@pytest.fixture
def published():
    return published_cards()


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


# ------------------------------------------------------------------ bad content: reported, never raised


class Partial:
    """A DAG written without some of its blocks (what a CAR missing a block holds)."""

    def __init__(self, root, missing):
        self.cid, self._root, self._missing = root.cid, root, {bytes(c) for c in missing}

    def blocks(self):
        return ((c, b) for c, b in self._root.blocks() if bytes(c) not in self._missing)


def serve_handler(handler):
    return serve(ThreadingHTTPServer(("127.0.0.1", 0), handler))


def audit_cars(tmp_path, car_bytes):
    (tmp_path / "published.car").write_bytes(car_bytes)
    store, damage = load_published([tmp_path])
    root = add_tree(FILES)
    return audit_series(Chain(f"ipfs://{root.cid}/"), 1, store_fetcher(store)), damage


def test_load_published__altered_block__refused_named_and_only_its_token_fails(tmp_path):
    car = write_car(add_tree(FILES))
    original = token_json(2)
    altered = original.replace(b"Card #2", b"Card #3")
    assert car.count(original) == 1

    audit, damage = audit_cars(tmp_path, car.replace(original, altered))

    block = str(add_bytes(original).cid)
    assert damage == [
        ContentProblem(str(tmp_path / "published.car"), "a block does not match its CID", block)
    ]
    assert audit.tokens[0].ok
    assert audit.tokens[1].problems == [
        f"metadata at ipfs://{add_tree(FILES).cid}/2.json cannot be fetched: block {block} in "
        "published.car does not match its CID (its bytes were altered)"
    ]


def test_load_published__truncated_car__blocks_before_the_cut_kept_and_the_rest_reported(tmp_path):
    car = write_car(add_tree(FILES))

    audit, damage = audit_cars(tmp_path, car[: len(car) - 100])

    assert len(damage) == 1
    assert damage[0].problem.endswith("runs past the end of the file: the blocks after it are lost")
    assert audit.failures  # the last block is lost, and with it what needs it
    assert all("no block" in p for t in audit.failures for p in t.problems)


def test_load_published__missing_image_block__every_token_names_it(tmp_path):
    root = add_tree(FILES)
    leaf = next(c for c, _ in add_bytes(IMAGE).blocks() if str(c) != IMAGE_CID)

    audit, damage = audit_cars(tmp_path, write_car(Partial(root, [leaf])))

    assert damage == []
    assert [t.problems for t in audit.tokens] == [
        [f"image at ipfs://{IMAGE_CID}/ cannot be fetched: no block {leaf}"]
    ] * 2


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "not a CARv1 file: truncated header"),
        (b"PK\x03\x04 a zip file", "not a CARv1 file: truncated header"),
        (b"\x03\xff\xff\xff garbage", "not a CARv1 file: its header is not CBOR"),
    ],
)
def test_load_published__not_a_car__reported_and_no_blocks(tmp_path, content, expected):
    audit, damage = audit_cars(tmp_path, content)

    assert [p.problem[: len(expected)] for p in damage] == [expected]
    assert len(audit.failures) == 2


def test_audit_series__gateway_too_slow__each_token_reported_timed_out(published):
    cid, store = published

    class Trickling(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "40")
            self.end_headers()
            for _ in range(40):  # a byte every 50 ms: each read is quick, the answer is not
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.05)

        def log_message(self, *args):
            pass

    server = serve_handler(Trickling)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        audit = audit_series(Chain(f"ipfs://{cid}/"), 1, gateway_fetcher(store, url, timeout=0.5))
    finally:
        server.shutdown()

    assert [t.problems for t in audit.tokens] == [
        [
            f"metadata at ipfs://{cid}/{serial}.json cannot be fetched: "
            "the gateway's answer took more than 0.5 s"
        ]
        for serial in (1, 2)
    ]


def test_gateway_fetcher__silent_gateway__not_asked_again_after_the_timeouts(published):
    cid, store = published

    class Silent(BaseHTTPRequestHandler):
        asked = 0

        def do_GET(self):
            Silent.asked += 1
            time.sleep(1)

        def log_message(self, *args):
            pass

    server = serve_handler(Silent)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        fetch = gateway_fetcher(store, url, timeout=0.3, give_up_after=2)
        audit = audit_series(Chain(f"ipfs://{cid}/"), 1, fetch)
        with pytest.raises(TimeoutError, match="not asked: the gateway timed out 2 times in a row"):
            fetch(cid, ["card.png"])
    finally:
        server.shutdown()

    assert [t.problems[0].rsplit(": ", 1)[-1] for t in audit.tokens] == ["timed out"] * 2
    assert Silent.asked == 2


def test_audit_series__gateway_cuts_the_answer_short__reported_not_raised(published):
    cid, store = published

    class Cut(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"name": ')
            self.close_connection = True

        def log_message(self, *args):
            pass

    server = serve_handler(Cut)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        audit = audit_series(Chain(f"ipfs://{cid}/"), 1, gateway_fetcher(store, url, timeout=5))
    finally:
        server.shutdown()

    assert [t.problems for t in audit.tokens] == [
        [
            f"metadata at ipfs://{cid}/{serial}.json cannot be fetched: "
            "the gateway's answer stopped after 9 of 1,000 bytes"
        ]
        for serial in (1, 2)
    ]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "metadata nests deeper than 100 levels"),
        (b'{"name": "[[[[", "image": 5', "metadata is not JSON"),
        (
            json.dumps({"attributes": 7, "image": "ipfs://x"}).encode(),
            "attributes is not a list: 7",
        ),
    ],
)
def test_audit_series__hostile_metadata__problem_not_crash(document, expected):
    files = {**FILES, "1.json": document}
    root = add_tree(files)
    store = BlockStore(root.blocks())

    audit = audit_series(Chain(f"ipfs://{root.cid}/"), 1, store_fetcher(store))

    assert expected in audit.tokens[0].problems
