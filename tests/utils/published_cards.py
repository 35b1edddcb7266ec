"""A published series of two cards and the chain view the audit reads of it, shared by the tests of the
audit, its report and the fetchers.

Series 1 "Card", cap 2: ``1.json`` and ``2.json`` (their Series and Serial attributes as the chain has
them), both pointing at one image, ``card.png``, large enough to span several blocks.
"""

import json
import threading
from types import SimpleNamespace

from collectibles.ipfs.blockstore import BlockStore
from collectibles.ipfs.car import write_car
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


def published_cards():
    """``FILES`` as a directory, loaded from its CAR: ``(directory CID, block store)``."""
    root = add_tree(FILES)
    store = BlockStore()
    store.add_car(write_car(root))
    return str(root.cid), store


def serve(server):
    """``server`` (a gateway over the published cards, say) answering from a daemon thread; returns it."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
