"""A read-only IPFS path gateway on localhost over the blocks of CAR files: ``GET /ipfs/<cid>[/<path>]``.

It resolves UnixFS as kubo's gateway does for the parts a collection uses: dag-pb directories, plain
(type 1) and HAMT-sharded (type 5), and files made of raw leaves, dag-pb leaves or many blocks, served
with a content type from the name's extension (or sniffed when the path has none). Nothing is fetched
from the network: a CID that none of the CAR files holds is a 404.
"""

from __future__ import annotations

import html
import json
import mimetypes
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from collectibles.ipfs.cid import CID, DAG_PB, RAW, read_car, read_varint
from collectibles.ipfs.cidparse import cid_from_bytes, parse_cid

UNIXFS_RAW = 0
UNIXFS_DIRECTORY = 1
UNIXFS_FILE = 2
UNIXFS_SYMLINK = 4
UNIXFS_HAMT_SHARD = 5

CONTENT_TYPES = {
    ".json": "application/json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
"""Extensions a collection publishes; anything else goes to :mod:`mimetypes`, then sniffing."""


class NotFound(LookupError):
    """A CID the CAR files do not hold, or a path its DAG does not have."""


@dataclass
class PBLink:
    cid: CID
    name: str
    tsize: int


@dataclass
class PBNode:
    links: list[PBLink]
    data: bytes


@dataclass
class UnixFS:
    kind: int
    data: bytes = b""
    file_size: int | None = None
    block_sizes: list[int] = field(default_factory=list)
    fanout: int | None = None


@dataclass
class Entry:
    """What a path resolves to: a file (its bytes come from :meth:`BlockStore.read`) or a directory."""

    cid: CID
    is_directory: bool
    links: list[PBLink] = field(default_factory=list)
    """A directory's entries (a sharded directory's, flattened), named."""

    @property
    def by_name(self) -> dict[str, PBLink]:
        """The entries by name (computed once per entry)."""
        if "_by_name" not in self.__dict__:
            self.__dict__["_by_name"] = {link.name: link for link in self.links}
        return self.__dict__["_by_name"]


class BlockStore:
    """Blocks by multihash, so a CIDv0 and a CIDv1 of the same dag-pb block find it alike."""

    def __init__(self, blocks: dict[bytes, bytes] | None = None):
        self._blocks: dict[bytes, bytes] = {}
        # Decoded directories by multihash: an audit resolves thousands of paths through the same shards.
        self._entries: dict[bytes, Entry] = {}
        self.roots: list[CID] = []
        for cid, block in (blocks or {}).items():
            self._blocks[cid_from_bytes(cid).multihash] = block

    @classmethod
    def from_cars(cls, paths: Iterable[Path | str]) -> BlockStore:
        """The blocks of CAR files; a folder stands for every ``*.car`` under it."""
        store = cls()
        for path in paths:
            path = Path(path)
            files = sorted(path.rglob("*.car")) if path.is_dir() else [path]
            for car in files:
                store.add_car(car.read_bytes())
        return store

    def add_car(self, data: bytes) -> None:
        """Add a CARv1 file's blocks; ``ValueError`` if it is not one (or a block does not match its CID)."""
        try:
            roots, blocks = read_car(data)
        except IndexError:
            raise ValueError("not a CARv1 file: truncated") from None
        if not roots:
            raise ValueError("not a CARv1 file: its header names no root")
        self.roots.extend(cid_from_bytes(root) for root in roots)
        for cid, block in blocks.items():
            self._blocks[cid_from_bytes(cid).multihash] = block

    def __contains__(self, cid: CID) -> bool:
        return cid.multihash in self._blocks

    def __len__(self) -> int:
        return len(self._blocks)

    def get(self, cid: CID) -> bytes:
        try:
            return self._blocks[cid.multihash]
        except KeyError:
            raise NotFound(f"no block {cid}") from None

    # -------------------------------------------------------------------------------- resolution

    def resolve(self, cid: CID, path: Iterable[str] = ()) -> Entry:
        """Walk ``path`` (names, already unescaped) from ``cid`` down UnixFS directories."""
        entry = self._entry(cid)
        for name in path:
            if not name:
                continue
            if not entry.is_directory:
                raise NotFound(f"{entry.cid} is a file, it has no {name!r}")
            link = entry.by_name.get(name)
            if link is None:
                raise NotFound(f"{entry.cid} has no entry {name!r}")
            entry = self._entry(link.cid)
        return entry

    def read(self, cid: CID) -> Iterator[bytes]:
        """The bytes of a UnixFS file (or a raw block), in order, a block at a time."""
        block = self.get(cid)
        if cid.codec == RAW:
            yield block
            return
        if cid.codec != DAG_PB:
            raise NotFound(f"{cid} is neither dag-pb nor raw")
        node = decode_pb(block)
        unixfs = decode_unixfs(node.data)
        if unixfs.kind not in (UNIXFS_FILE, UNIXFS_RAW):
            raise NotFound(f"{cid} is not a file")
        if unixfs.data:
            yield unixfs.data
        for link in node.links:
            yield from self.read(link.cid)

    def _entry(self, cid: CID) -> Entry:
        cached = self._entries.get(cid.multihash)
        if cached is not None:
            return cached
        entry = self._decode_entry(cid)
        if entry.is_directory:
            self._entries[cid.multihash] = entry
        return entry

    def _decode_entry(self, cid: CID) -> Entry:
        block = self.get(cid)
        if cid.codec == RAW:
            return Entry(cid, False)
        if cid.codec != DAG_PB:
            raise NotFound(f"{cid} is neither dag-pb nor raw")
        node = decode_pb(block)
        unixfs = decode_unixfs(node.data)
        if unixfs.kind == UNIXFS_DIRECTORY:
            return Entry(cid, True, node.links)
        if unixfs.kind == UNIXFS_HAMT_SHARD:
            return Entry(cid, True, list(self._shard_links(node, unixfs)))
        return Entry(cid, False)

    def _shard_links(self, node: PBNode, unixfs: UnixFS) -> Iterator[PBLink]:
        """The entries of a HAMT shard: a link named prefix + name is an entry; prefix alone, a sub-shard."""
        width = len(f"{(unixfs.fanout or 256) - 1:X}")
        for link in node.links:
            if len(link.name) > width:
                yield PBLink(link.cid, link.name[width:], link.tsize)
            else:
                child = decode_pb(self.get(link.cid))
                yield from self._shard_links(child, decode_unixfs(child.data))


# ------------------------------------------------------------------------------------- decoding


def decode_pb(block: bytes) -> PBNode:
    """A dag-pb block: links (field 2: hash 1, name 2, tsize 3) and data (field 1)."""
    links: list[PBLink] = []
    data = b""
    for number, value in _fields(block):
        if number == 2 and isinstance(value, bytes):
            cid, name, tsize = b"", "", 0
            for sub, item in _fields(value):
                if sub == 1 and isinstance(item, bytes):
                    cid = item
                elif sub == 2 and isinstance(item, bytes):
                    name = item.decode()
                elif sub == 3 and isinstance(item, int):
                    tsize = item
            links.append(PBLink(cid_from_bytes(cid), name, tsize))
        elif number == 1 and isinstance(value, bytes):
            data = value
    return PBNode(links, data)


def decode_unixfs(data: bytes) -> UnixFS:
    out = UnixFS(kind=-1)
    for number, value in _fields(data):
        if number == 1 and isinstance(value, int):
            out.kind = value
        elif number == 2 and isinstance(value, bytes):
            out.data = value
        elif number == 3 and isinstance(value, int):
            out.file_size = value
        elif number == 4 and isinstance(value, int):
            out.block_sizes.append(value)
        elif number == 6 and isinstance(value, int):
            out.fanout = value
    return out


def _fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(data, pos)
            yield number, value
        elif wire == 2:
            length, pos = read_varint(data, pos)
            if pos + length > len(data):
                raise ValueError("truncated protobuf field")
            yield number, data[pos : pos + length]
            pos += length
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")


# ----------------------------------------------------------------------------------------- HTTP


def content_type(name: str, head: bytes = b"") -> str:
    """By extension; without one, sniff PNG, SVG and JSON from the first bytes."""
    suffix = Path(name).suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    if suffix and (guess := mimetypes.guess_type(name)[0]):
        return guess
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    stripped = head.lstrip()
    if stripped.startswith(b"<svg") or (stripped.startswith(b"<?xml") and b"<svg" in head):
        return "image/svg+xml"
    if stripped[:1] in (b"{", b"["):
        try:
            json.loads(head)
            return "application/json"
        except ValueError:
            pass
    return "application/octet-stream"


class GatewayHandler(BaseHTTPRequestHandler):
    """Serves ``/ipfs/<cid>[/<path>]`` from ``server.store``."""

    server: GatewayServer
    server_version = "collectibles-gateway"

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    def _serve(self, body: bool) -> None:
        url_path = urlsplit(self.path).path
        parts = url_path.split("/")
        if len(parts) < 3 or parts[1] != "ipfs" or not parts[2]:
            self._error(HTTPStatus.NOT_FOUND, "only /ipfs/<cid>[/<path>] is served")
            return
        try:
            root = parse_cid(parts[2])
        except ValueError as err:
            self._error(HTTPStatus.BAD_REQUEST, str(err))
            return
        names = [unquote(part) for part in parts[3:]]
        store = self.server.store
        try:
            entry = store.resolve(root, names)
            if entry.is_directory:
                index = next((link for link in entry.links if link.name == "index.html"), None)
                if index is None:
                    self._send(
                        HTTPStatus.OK, "text/html; charset=utf-8", _listing(url_path, entry), body
                    )
                    return
                entry, names = store.resolve(index.cid), [*names, "index.html"]
            data = b"".join(store.read(entry.cid))
        except NotFound as err:
            self._error(HTTPStatus.NOT_FOUND, str(err))
            return
        name = next((n for n in reversed(names) if n), "")
        self._send(HTTPStatus.OK, content_type(name, data[:512]), data, body, etag=f'"{entry.cid}"')

    def _send(
        self,
        status: HTTPStatus,
        ctype: str,
        data: bytes,
        body: bool = True,
        etag: str | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if etag:
            self.send_header("Etag", etag)
            self.send_header("Cache-Control", "public, max-age=29030400, immutable")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(
            status,
            "text/plain; charset=utf-8",
            f"{status.value} {message}\n".encode(),
            self.command != "HEAD",
        )


def _listing(url_path: str, entry: Entry) -> bytes:
    base = url_path.rstrip("/")
    items = "".join(
        f'<li><a href="{html.escape(base)}/{quote(link.name)}">{html.escape(link.name)}</a></li>'
        for link in sorted(entry.links, key=lambda link: link.name)
    )
    return (
        f"<!doctype html><title>{html.escape(url_path)}</title>"
        f"<h1>{html.escape(url_path)}</h1><ul>{items}</ul>\n"
    ).encode()


class GatewayServer(ThreadingHTTPServer):
    """``GatewayServer(store, port=0)`` binds 127.0.0.1 (port 0: a free one, see ``server_port``)."""

    daemon_threads = True

    def __init__(
        self, store: BlockStore, port: int = 0, host: str = "127.0.0.1", quiet: bool = False
    ):
        self.store = store
        self.quiet = quiet
        super().__init__((host, port), GatewayHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}"
