"""Where a published CAR goes: kept as a file (``car``, the default), imported into a kubo node (``kubo``), or
uploaded to Pinata (``pinata``).

Every backend answers ``publish(car, root)`` with the root CID the service reports, and refuses to answer
anything but ours: a different CID raises :class:`~collectibles.domain.errors.CidMismatch`, because the chain
would then point at content nobody holds. Secrets (Pinata's JWT, a kubo ``Authorization`` header) are kept
out of ``repr``, messages and logs.
"""

from __future__ import annotations

import json
import os
import secrets
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote, urlsplit, urlunsplit

from collectibles.ipfs.cid import CID, read_car
from collectibles.ipfs.cidparse import cid_from_bytes, parse_cid
from collectibles.domain.errors import CidMismatch, MissingSecret, PublicationFailed

if TYPE_CHECKING:
    from collectibles.domain.settings import Settings

BACKENDS = ("car", "kubo", "pinata")
CAR_MEDIA_TYPE = "application/vnd.ipld.car"
PINATA_UPLOAD_URL = "https://uploads.pinata.cloud/v3"
KUBO_AUTH_VARIABLE = "COLLECTIBLES_KUBO_API_AUTH"
PINATA_JWT_VARIABLE = "COLLECTIBLES_PINATA_JWT"


class Backend(Protocol):
    """Publishes a CAR whose only root is ``root``; returns the root CID the service reports."""

    name: str

    def publish(self, car: bytes | Path, root: CID | str) -> str: ...


class CarBackend:
    """Writes the CAR to ``path`` (or keeps the file it is given) and reports the root its header names."""

    name = "car"

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else None

    def publish(self, car: bytes | Path, root: CID | str) -> str:
        data = _car_bytes(car)
        if self.path is not None and not (isinstance(car, Path) and _same_file(car, self.path)):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(data)
        roots, _ = read_car(data)
        reported = ",".join(str(cid_from_bytes(r)) for r in roots)
        return check_root(self.name, root, reported)

    def __repr__(self) -> str:
        return f"CarBackend(path={self.path!r})"


class KuboBackend:
    """Any endpoint of the kubo RPC API (kubo's own, js-ipfs's, a pinning service's ``/api/v0``).

    ``POST /api/v0/dag/import?pin-roots=true`` with the CAR as multipart ``file``, then ``block/stat`` of the
    root to make sure the node holds it (https://docs.ipfs.tech/reference/kubo/rpc/#api-v0-dag-import).
    """

    name = "kubo"

    def __init__(self, url: str, auth: str | None = None, timeout: float = 300.0):
        self.url = url.rstrip("/")
        self._auth = auth
        self.timeout = timeout

    def publish(self, car: bytes | Path, root: CID | str) -> str:
        body, content_type = multipart(
            {}, {"file": ("collection.car", _car_bytes(car), CAR_MEDIA_TYPE)}
        )
        answer = self._rpc("dag/import?pin-roots=true", body, content_type)
        reported = []
        for line in answer.decode().splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            if "Root" not in item:
                continue
            if error := item["Root"].get("PinErrorMsg"):
                raise PublicationFailed(self.name, self.url, f"pinning the root failed: {error}")
            reported.append(item["Root"]["Cid"]["/"])
        cid = check_root(self.name, root, ",".join(reported))
        stat = json.loads(self._rpc(f"block/stat?arg={quote(cid)}"))
        if stat.get("Key") is None:
            raise PublicationFailed(
                self.name, self.url, f"the node does not hold {cid} after import"
            )
        return cid

    def _rpc(self, command: str, body: bytes = b"", content_type: str | None = None) -> bytes:
        headers = {"Content-Type": content_type} if content_type else {}
        if self._auth:
            headers["Authorization"] = self._auth
        return _post(self.name, f"{self.url}/api/v0/{command}", body, headers, self.timeout)

    def __repr__(self) -> str:
        return f"KuboBackend(url={self.url!r}, auth={'***' if self._auth else None})"


class PinataBackend:
    """Pinata's v3 upload API with a CAR file, which keeps our CIDs.

    Request shape from Pinata's docs, "Uploading Files > Upload by CAR File"
    (https://docs.pinata.cloud/files/uploading-files) and the v3 "Upload a File" reference
    (https://docs.pinata.cloud/api-reference/endpoint/upload-a-file): ``POST
    https://uploads.pinata.cloud/v3/files``, ``Authorization: Bearer <JWT>``, multipart fields ``file``
    (the CAR), ``network=public``, ``name`` and ``car=true``; the answer is ``{"data": {"cid": …, …}}``.
    CAR uploads need a paid plan, a single root and the public network; Pinata imports them
    asynchronously after answering.
    """

    name = "pinata"

    def __init__(
        self,
        jwt: str,
        url: str = PINATA_UPLOAD_URL,
        name: str = "collection.car",
        timeout: float = 300.0,
    ):
        if not jwt:
            raise MissingSecret(PINATA_JWT_VARIABLE, self.name)
        self._jwt = jwt
        self.url = url.rstrip("/")
        self.upload_name = name
        self.timeout = timeout

    def publish(self, car: bytes | Path, root: CID | str) -> str:
        body, content_type = multipart(
            {"network": "public", "name": self.upload_name, "car": "true"},
            {"file": (self.upload_name, _car_bytes(car), CAR_MEDIA_TYPE)},
        )
        headers = {"Content-Type": content_type, "Authorization": f"Bearer {self._jwt}"}
        answer = json.loads(_post(self.name, f"{self.url}/files", body, headers, self.timeout))
        data = answer.get("data", answer) if isinstance(answer, dict) else {}
        reported = data.get("cid") or data.get("IpfsHash") if isinstance(data, dict) else None
        if not reported:
            raise PublicationFailed(
                self.name, self.url, f"no CID in the answer: {str(answer)[:200]}"
            )
        return check_root(self.name, root, str(reported))

    def __repr__(self) -> str:
        return f"PinataBackend(url={self.url!r}, jwt=***)"


def make_backend(
    name: str,
    settings: Settings,
    car_path: Path | str | None = None,
    env: Mapping[str, str] | None = None,
) -> Backend:
    """The backend ``name`` (one of :data:`BACKENDS`) configured from the settings and, for secrets, ``env``."""
    env = os.environ if env is None else env
    if name == "car":
        return CarBackend(car_path)
    if name == "kubo":
        return KuboBackend(settings.kubo_api_url, env.get(KUBO_AUTH_VARIABLE) or None)
    if name == "pinata":
        return PinataBackend(env.get(PINATA_JWT_VARIABLE, ""), settings.pinata_upload_url)
    raise ValueError(f"unknown publication backend {name!r}: choose one of {', '.join(BACKENDS)}")


def check_root(backend: str, expected: CID | str, reported: str) -> str:
    """``reported`` if it names the same CID as ``expected`` (same version, codec and digest)."""
    want = expected if isinstance(expected, CID) else parse_cid(expected)
    try:
        same = parse_cid(reported) == want
    except ValueError:
        same = False
    if not same:
        raise CidMismatch(backend, str(want), reported)
    return reported


def multipart(
    fields: Mapping[str, str], files: Mapping[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body and its content type: text ``fields``, then ``(filename, data, type)``."""
    boundary = "----collectibles" + secrets.token_hex(16)
    out = bytearray()
    for key, value in fields.items():
        out += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
        ).encode()
    for key, (filename, data, media_type) in files.items():
        out += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
            f'filename="{filename}"\r\nContent-Type: {media_type}\r\n\r\n'
        ).encode()
        out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def _post(backend: str, url: str, body: bytes, headers: dict[str, str], timeout: float) -> bytes:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as err:
        detail = err.read()[:300].decode(errors="replace").strip()
        raise PublicationFailed(backend, _redact(url), f"HTTP {err.code}: {detail}") from None
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise PublicationFailed(backend, _redact(url), f"cannot reach it: {reason}") from None


def _redact(url: str) -> str:
    """The URL without a query string or user:password (which may carry a token)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _car_bytes(car: bytes | Path | Any) -> bytes:
    return car if isinstance(car, bytes) else Path(car).read_bytes()


def _same_file(a: Path, b: Path) -> bool:
    return b.exists() and a.resolve() == b.resolve()
