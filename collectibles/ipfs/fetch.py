"""Fetching the file an ``ipfs://<cid>/<path>`` URI names, and trusting it only if it hashes to the DAG's CID.

A :data:`Fetch` answers ``(cid, path)`` with the CID the published DAG gives that file and the bytes it
got: from the blocks themselves (:class:`StoreFetcher`) or through an HTTP gateway (:func:`gateway_fetcher`,
bounded in time and size, and given up on after a run of timeouts). :func:`fetch_verified` then recomputes
the CID of the bytes as kubo would, so a gateway that serves other bytes is caught. The audit behind
``ape run verify`` (:mod:`collectibles.chain.audit`) fetches every token's metadata and image this way;
none of it needs a chain, so it sits here beside the block store and the gateway it talks to.
"""

from __future__ import annotations

import functools
import http.client
import time
import urllib.parse
import urllib.request
from collections.abc import Callable

from collectibles.ipfs.blockstore import BlockStore, NotFound
from collectibles.ipfs.cid import parse_cid
from collectibles.ipfs.unixfs import add_bytes

Fetch = Callable[[str, list[str]], tuple[str, bytes]]
"""``(cid, path) -> (CID of the file the path names in the DAG, the bytes fetched)``."""


class StoreFetcher:
    """Fetch from published blocks: the bytes are the DAG's own, and the same every time."""

    def __init__(self, store: BlockStore):
        self._store = store
        self._parse = functools.lru_cache(maxsize=64)(parse_cid)  # one directory CID for a series

    def __call__(self, cid: str, path: list[str]) -> tuple[str, bytes]:
        entry = self._store.resolve(self._parse(cid), path)
        if entry.is_directory:
            raise NotFound(f"{cid}/{'/'.join(path)} is a directory")
        return str(entry.cid), b"".join(self._store.read(entry.cid))


def store_fetcher(store: BlockStore) -> StoreFetcher:
    """Fetch from published blocks (see :class:`StoreFetcher`)."""
    return StoreFetcher(store)


def gateway_fetcher(
    store: BlockStore,
    gateway_url: str,
    timeout: float = 10,
    max_bytes: int = 64 << 20,
    give_up_after: int = 3,
) -> Fetch:
    """Fetch through an HTTP gateway; the DAG (from ``store``) says which CID the bytes must have.

    An answer must arrive whole within ``timeout`` seconds (not only each read: a gateway that trickles
    bytes is as stuck as a silent one) and be at most ``max_bytes`` long. After ``give_up_after`` timeouts
    in a row the gateway is not asked again (every later fetch fails at once, saying so): a dead gateway
    must not cost ``timeout`` seconds per token of a large collection."""
    timeouts_in_a_row = 0

    def fetch(cid: str, path: list[str]) -> tuple[str, bytes]:
        nonlocal timeouts_in_a_row
        entry = store.resolve(parse_cid(cid), path)
        if timeouts_in_a_row >= give_up_after:
            raise TimeoutError(
                f"not asked: the gateway timed out {timeouts_in_a_row} times in a row"
            )
        quoted = "/".join(urllib.parse.quote(p) for p in path)
        url = f"{gateway_url.rstrip('/')}/ipfs/{cid}/{quoted}".rstrip("/")
        try:
            data = _download(url, timeout, max_bytes)
        except OSError as err:  # urllib wraps a timeout while connecting or sending in URLError
            if isinstance(err, TimeoutError) or isinstance(
                getattr(err, "reason", None), TimeoutError
            ):
                timeouts_in_a_row += 1
            raise
        timeouts_in_a_row = 0
        return str(entry.cid), data

    return fetch


def _download(url: str, timeout: float, max_bytes: int) -> bytes:
    """The whole body at ``url``, within ``timeout`` seconds in all and ``max_bytes``."""
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    size = 0
    with urllib.request.urlopen(url, timeout=timeout) as response:
        while chunk := response.read1(1 << 16):  # read1: what has arrived, so the clock is seen
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                raise ValueError(f"the gateway sent more than {max_bytes:,} bytes")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the gateway's answer took more than {timeout:g} s")
        if missing := getattr(response, "length", None):  # what its Content-Length still owed
            raise ValueError(
                f"the gateway's answer stopped after {size:,} of {size + missing:,} bytes"
            )
    return b"".join(chunks)


def fetch_verified(
    fetch: Fetch, cid: str, path: list[str], what: str
) -> tuple[tuple[str, bytes] | None, str]:
    """Fetch, then recompute the CID of the bytes as kubo would: ``((cid, bytes), "")`` if it is the
    DAG's, else ``(None, the problem)``."""
    try:
        expected, data = fetch(cid, path)
    except (NotFound, ValueError, OSError, http.client.HTTPException) as err:
        # NotFound: a block missing or refused; ValueError: a malformed CID, block or answer; OSError:
        # the gateway refused, timed out or reset; HTTPException: it answered nonsense or cut the body short
        return None, f"{what} at ipfs://{cid}/{'/'.join(path)} cannot be fetched: {err}"
    version = 0 if expected.startswith("Qm") else 1
    actual = str(add_bytes(data, cid_version=version).cid)
    if actual != expected:
        return None, f"{what} bytes hash to {actual}, the published DAG says {expected}"
    return (expected, data), ""


def ipfs_location(uri: str) -> tuple[str, list[str]] | None:
    """``ipfs://<cid>/<path>`` as ``(cid, the path's unquoted segments)``; ``None`` for any other URI."""
    if not uri.startswith("ipfs://"):
        return None
    cid, _, path = uri[len("ipfs://") :].partition("/")
    return cid, [urllib.parse.unquote(p) for p in path.split("/") if p]
