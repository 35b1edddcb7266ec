"""The audit's batched chain reads find what one call at a time finds: current owners, burns, URIs, and a
node that refuses batches changes nothing but the speed."""

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from web3 import HTTPProvider

from collectibles.chain.audit import audit_series
from collectibles.chain.readers import BatchReader, Reverted, RpcError, uint_call
from collectibles.content.artwork import render_card
from collectibles.content.metadata import SeriesProfile
from collectibles.content.publish import build_series
from collectibles.domain.tokens import TransferPolicy, token_id
from collectibles.ipfs.blockstore import BlockStore
from collectibles.ipfs.fetch import store_fetcher

OWNER_OF = bytes.fromhex("6352211e")
CAP = 8


@pytest.fixture
def court(collectible, create_series, curator, minter, fan, friend):
    """A free series of cap 8, published and revealed; serials 1-6 minted in one lazy run to ``fan``,
    then serial 4 (inside the run, its owner slot never written by the mint) given to ``friend`` and
    serial 2 burned. ``(series id, fetch)``."""
    series_id = create_series(name="Court", max_supply=CAP, policy=TransferPolicy.FREE)
    profile = SeriesProfile("Court", CAP, TransferPolicy.FREE)
    bundle = build_series(profile, render_card("Court", CAP, TransferPolicy.FREE))
    collectible.setSeriesBaseURI(series_id, bundle.base_uri, sender=curator)
    collectible.mintBatch(series_id, fan, 6, sender=minter)
    collectible.transferFrom(fan, friend, token_id(series_id, 4), sender=fan)
    collectible.burn(token_id(series_id, 2), sender=fan)
    return series_id, store_fetcher(BlockStore(bundle.root.blocks()))


class OneCallAtATime:
    """The contract seen through its own ``ownerOf`` and ``tokenURI``, a call per token (no batches)."""

    def __init__(self, nft):
        self.series, self.ownerOf, self.tokenURI = nft.series, nft.ownerOf, nft.tokenURI


@pytest.mark.parametrize("chunk", [1_000, 2])
def test_audit_series__transferred_and_burned_in_a_lazy_run__current_owners_and_no_burned_token(
    collectible, court, fan, friend, chunk
):
    series_id, fetch = court

    audit = audit_series(collectible, series_id, fetch, chunk=chunk)

    assert [(t.serial, t.owner) for t in audit.tokens] == [
        (1, fan.address),
        (3, fan.address),
        (4, friend.address),
        (5, fan.address),
        (6, fan.address),
    ]
    assert (audit.minted, audit.burned, audit.failures) == (6, 1, [])
    assert all(t.json_cid and t.image_cid for t in audit.tokens)


def test_audit_series__batched_and_one_call_at_a_time__the_same_audit(collectible, court, curator):
    series_id, fetch = court
    collectible.setSeriesBaseURI(series_id, "ipfs://placeholder/card.json", sender=curator)

    batched = audit_series(collectible, series_id, fetch)
    singly = audit_series(OneCallAtATime(collectible), series_id, fetch)

    assert batched.tokens == singly.tokens
    assert [t.token_uri for t in batched.tokens] == ["ipfs://placeholder/card.json"] * 5
    assert all("cannot be fetched" in t.problems[0] for t in batched.tokens)


def test_audit_series__uri_not_ipfs__every_live_token_named(collectible, court, curator):
    series_id, fetch = court
    collectible.setSeriesBaseURI(series_id, "https://example.com/court/", sender=curator)

    audit = audit_series(collectible, series_id, fetch)

    assert [t.problems for t in audit.failures] == [
        [f"tokenURI 'https://example.com/court/{serial}.json' is not an ipfs:// URI"]
        for serial in (1, 3, 4, 5, 6)
    ]


# ------------------------------------------------------------------------- nodes that refuse batches


class Node:
    """A JSON-RPC proxy in front of the test chain: single calls are forwarded; a batch is refused as
    ``refusal`` says, or forwarded when it is ``None``. ``single_error`` answers every single eth_call
    with that error instead."""

    def __init__(self, upstream, refusal=None, single_error=None):
        self.upstream, self.refusal, self.single_error = upstream, refusal, single_error
        self.batches = self.singles = 0
        node = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status, answer = node.answer(body)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, body):
        if isinstance(body, list):
            self.batches += 1
            if self.refusal == "http 405":
                return 405, {"error": "batch requests are not allowed"}
            if self.refusal == "one error":
                error = {"code": -32600, "message": "batch requests are not supported"}
                return 200, {"jsonrpc": "2.0", "id": None, "error": error}
            if self.refusal == "an error per call":
                error = {"code": -32005, "message": "batch too large"}
                return 200, [{"jsonrpc": "2.0", "id": b["id"], "error": error} for b in body]
            return 200, self.forward(body)
        self.singles += 1
        if self.single_error and body["method"] == "eth_call":
            return 200, {"jsonrpc": "2.0", "id": body["id"], "error": self.single_error}
        return 200, self.forward(body)

    def forward(self, body):
        request = urllib.request.Request(
            self.upstream, json.dumps(body).encode(), {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


@pytest.fixture
def node(chain):
    nodes = []

    def start(refusal=None, single_error=None):
        nodes.append(Node(chain.provider.web3.provider.endpoint_uri, refusal, single_error))
        return nodes[-1]

    yield start
    for n in nodes:
        n.server.shutdown()


def owner_calls(series_id):
    return [uint_call(OWNER_OF, token_id(series_id, serial)) for serial in range(1, CAP + 1)]


def test_batch_reader__accepting_node__one_batch_for_every_call(collectible, court, node):
    series_id, _ = court
    proxy = node()

    answers = BatchReader(HTTPProvider(proxy.url), collectible.address).call(owner_calls(series_id))

    assert (proxy.batches, proxy.singles) == (1, 1)  # the single one: eth_blockNumber
    assert [isinstance(a, Reverted) for a in answers] == [False, True] + [False] * 4 + [True] * 2


@pytest.mark.parametrize("refusal", ["http 405", "one error", "an error per call"])
def test_batch_reader__node_refuses_batches__same_answers_one_call_at_a_time(
    collectible, court, node, refusal
):
    series_id, _ = court
    proxy = node(refusal)
    calls = owner_calls(series_id)
    block = int(collectible.provider.web3.eth.block_number)
    direct = BatchReader(collectible.provider.web3.provider, collectible.address, block)

    reader = BatchReader(HTTPProvider(proxy.url), collectible.address, block, batch_size=3)
    answers = reader.call(calls)

    assert answers == direct.call(calls)
    assert reader.batches is False
    assert (proxy.batches, proxy.singles) == (1, CAP)  # refused once, never asked again


def test_batch_reader__error_that_is_not_a_revert__raised_never_taken_for_a_burn(
    collectible, court, node
):
    series_id, _ = court
    proxy = node("one error", single_error={"code": -32005, "message": "rate limit exceeded"})

    with pytest.raises(RpcError, match="rate limit exceeded"):
        BatchReader(HTTPProvider(proxy.url), collectible.address).call(owner_calls(series_id))


@pytest.mark.parametrize(
    "error",
    [
        {"code": 3, "message": "execution reverted: custom error 0x7e273289", "data": "0x7e273289"},
        {
            "code": -32000,
            "message": "VM Exception while processing transaction: revert",
            "data": "0x7e273289",
        },
        {"code": -32603, "message": "Error: VM Exception while processing transaction: reverted"},
    ],
    ids=["anvil", "ganache 7", "no data"],
)
def test_batch_reader__revert_answers_of_anvil_and_ganache__reverted(error):
    assert BatchReader._outcome({"id": 1, "error": error}) == Reverted(error.get("data", "0x"))
