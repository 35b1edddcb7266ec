"""Where a published CAR goes: kept as a file (``car``, the default), imported into a kubo node (``kubo``), or
uploaded to Pinata (``pinata``).

Every backend answers ``publish(car, root)`` with the root CID the service reports, and refuses to answer
anything but ours: a different CID raises :class:`~collectibles.domain.errors.CidMismatch`, because the chain
would then point at content nobody holds. Secrets (Pinata's JWT, a kubo ``Authorization`` header) are kept
out of ``repr``, messages and logs. Uploads are multipart POSTs made by ``requests``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote, urlsplit, urlunsplit

import requests

from collectibles.domain.errors import CidMismatch, MissingSecret, PublicationFailed
from collectibles.ipfs.car import MEDIA_TYPE as CAR_MEDIA_TYPE
from collectibles.ipfs.car import read_car
from collectibles.ipfs.cid import CID, cid_from_bytes, parse_cid

if TYPE_CHECKING:
    from collectibles.domain.settings import Settings

BACKENDS = ("car", "kubo", "pinata")
PINATA_UPLOAD_URL = "https://uploads.pinata.cloud/v3"
KUBO_AUTH_VARIABLE = "COLLECTIBLES_KUBO_API_AUTH"
PINATA_JWT_VARIABLE = "COLLECTIBLES_PINATA_JWT"


_Files = Mapping[str, tuple[str, bytes, str]]
"""Multipart file fields: name to ``(filename, data, media type)``."""


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
        upload = {"file": ("collection.car", _car_bytes(car), CAR_MEDIA_TYPE)}
        answer = self._rpc("dag/import?pin-roots=true", files=upload)
        reported = []
        for line in answer.decode().splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            if "Root" not in item:
                continue
            if error := item["Root"].get("PinErrorMsg"):
                reason = f"pinning the root failed: {error}"
                raise PublicationFailed(self.name, _redact(self.url), reason)
            reported.append(item["Root"]["Cid"]["/"])
        cid = check_root(self.name, root, ",".join(reported))
        stat = json.loads(self._rpc(f"block/stat?arg={quote(cid)}"))
        if stat.get("Key") is None:
            reason = f"the node does not hold {cid} after import"
            raise PublicationFailed(self.name, _redact(self.url), reason)
        return cid

    def _rpc(self, command: str, files: _Files | None = None) -> bytes:
        headers = {"Authorization": self._auth} if self._auth else {}
        url = f"{self.url}/api/v0/{command}"
        return _post(self.name, url, headers, self.timeout, files=files)

    def __repr__(self) -> str:
        return f"KuboBackend(url={_redact(self.url)!r}, auth={'***' if self._auth else None})"


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
        answer = json.loads(
            _post(
                self.name,
                f"{self.url}/files",
                {"Authorization": f"Bearer {self._jwt}"},
                self.timeout,
                fields={"network": "public", "name": self.upload_name, "car": "true"},
                files={"file": (self.upload_name, _car_bytes(car), CAR_MEDIA_TYPE)},
            )
        )
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


def _post(
    backend: str,
    url: str,
    headers: dict[str, str],
    timeout: float,
    fields: Mapping[str, str] | None = None,
    files: _Files | None = None,
) -> bytes:
    """POST ``fields`` and ``files`` as ``multipart/form-data`` (an empty body without them); the answer's
    body, or :class:`PublicationFailed` with the status or the reason it could not be sent, never a secret."""
    try:
        response = requests.post(url, headers=headers, data=fields, files=files, timeout=timeout)
    except requests.RequestException as err:
        raise PublicationFailed(backend, _redact(url), f"cannot reach it: {_reason(err)}") from None
    if not response.ok:
        detail = response.content[:300].decode(errors="replace").strip()
        status = f"HTTP {response.status_code}" + (f": {detail}" if detail else "")
        raise PublicationFailed(backend, _redact(url), status)
    return response.content


def _reason(err: requests.RequestException) -> str:
    """The innermost cause (such as "Connection refused"): requests' own message repeats the URL."""
    cause: BaseException = err
    while (inner := cause.__cause__ or cause.__context__) is not None:
        cause = inner
    return str(cause) or type(cause).__name__


def _redact(url: str) -> str:
    """The URL without a query string or user:password (which may carry a token)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _car_bytes(car: bytes | Path) -> bytes:
    return car if isinstance(car, bytes) else Path(car).read_bytes()


def _same_file(a: Path, b: Path) -> bool:
    return b.exists() and a.resolve() == b.resolve()
