"""collectibles.ipfs.fetch gives a file by ``(cid, path)``, from published blocks or through a gateway, with
the CID the DAG gives it. Gateways that lie, trickle, go silent or cut short are tested through the audit, in
tests/chain/test_audit.py."""

import pytest
from utils.published_cards import IMAGE, IMAGE_CID, published_cards, serve

from collectibles.ipfs.fetch import gateway_fetcher, store_fetcher
from collectibles.ipfs.gateway import GatewayServer


@pytest.fixture
def published():
    return published_cards()


def test_gateway_fetcher__honest_gateway__bytes_and_dag_cid(published):
    cid, store = published
    server = serve(GatewayServer(store, port=0, quiet=True))
    try:
        file_cid, data = gateway_fetcher(store, server.url)(cid, ["card.png"])
    finally:
        server.shutdown()

    assert (file_cid, data) == (IMAGE_CID, IMAGE)


def test_store_fetcher__directory_path__not_a_file(published):
    cid, store = published

    with pytest.raises(LookupError, match="is a directory"):
        store_fetcher(store)(cid, [])
