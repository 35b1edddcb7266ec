"""A read-only IPFS path gateway on localhost: ``GET /ipfs/<cid>[/<path>]`` over a :class:`BlockStore`.

HTTP only: the blocks, their checks and the UnixFS paths through them are the block store's
(:mod:`collectibles.ipfs.blockstore`). A directory answers with its ``index.html`` or a listing; a file
with a content type from its name's extension (Python's own table in :mod:`mimetypes`), or sniffed from
its first bytes when the name has none. Nothing is fetched from the network: a CID the store does not
hold is a 404.
"""

from __future__ import annotations

import html
import json
import mimetypes
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import PurePosixPath
from urllib.parse import quote, unquote, urlsplit

from collectibles.ipfs.blockstore import BlockStore, Entry, NotFound
from collectibles.ipfs.car import MEDIA_TYPE as CAR_MEDIA_TYPE
from collectibles.ipfs.cid import parse_cid

OCTET_STREAM = "application/octet-stream"

# Python's built-in table only (MimeTypes() skips /etc/mime.types), so every machine answers alike; it
# lacks WebP before Python 3.13 and the CAR type, both of which a collection may publish.
_TYPES = mimetypes.MimeTypes()
_TYPES.add_type("image/webp", ".webp")
_TYPES.add_type(CAR_MEDIA_TYPE, ".car")


def content_type(name: str, head: bytes = b"") -> str:
    """By extension (text types in UTF-8); without one, PNG, SVG and JSON sniffed from the first bytes."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix and (guess := _TYPES.guess_type("file" + suffix)[0]):
        return f"{guess}; charset=utf-8" if guess.startswith("text/") else guess
    return _sniff(head)


def _sniff(head: bytes) -> str:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    stripped = head.lstrip()
    if stripped.startswith(b"<svg") or (stripped.startswith(b"<?xml") and b"<svg" in head):
        return "image/svg+xml"
    if stripped[:1] in (b"{", b"["):
        try:
            json.loads(head)
        except ValueError:
            return OCTET_STREAM
        return "application/json"
    return OCTET_STREAM


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
                index = entry.by_name.get("index.html")
                if index is None:
                    listing = _listing(url_path, entry)
                    self._send(HTTPStatus.OK, content_type("index.html"), listing, body)
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
