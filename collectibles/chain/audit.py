"""The audit behind ``ape run verify``: from the chain outward, check that every token shows what it should.

For every minted token the chain gives its owner and ``tokenURI``. The URI must be ``ipfs://<cid>/<path>``;
the path is resolved in the published DAG (blocks from CAR files, each checked against its CID when read),
the JSON is fetched (from those blocks, or through a gateway, whose bytes must then match the DAG), its CID
and its image's CID are recomputed as kubo would, and its Series and Serial attributes are checked against
the chain. Nothing is sent.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collectibles.domain.tokens import token_id
from collectibles.ipfs.blockstore import BlockStore, NotFound
from collectibles.ipfs.cid import parse_cid
from collectibles.ipfs.unixfs import add_bytes

if TYPE_CHECKING:
    from ape.contracts import ContractInstance

Fetch = Callable[[str, list[str]], tuple[str, bytes]]
"""``(cid, path) -> (CID of the file the path names in the DAG, the bytes fetched)``."""


@dataclass
class TokenAudit:
    """What the audit found for one token; ``problems`` is empty when everything matched."""

    token_id: int
    serial: int
    owner: str | None
    token_uri: str | None
    json_cid: str | None = None
    image_cid: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class SeriesAudit:
    series_id: int
    name: str
    minted: int
    burned: int
    tokens: list[TokenAudit]

    @property
    def failures(self) -> list[TokenAudit]:
        return [t for t in self.tokens if not t.ok]


def store_fetcher(store: BlockStore) -> Fetch:
    """Fetch from published blocks: the bytes are the DAG's own."""

    def fetch(cid: str, path: list[str]) -> tuple[str, bytes]:
        entry = store.resolve(parse_cid(cid), path)
        if entry.is_directory:
            raise NotFound(f"{cid}/{'/'.join(path)} is a directory")
        return str(entry.cid), b"".join(store.read(entry.cid))

    return fetch


def gateway_fetcher(store: BlockStore, gateway_url: str, timeout: float = 10) -> Fetch:
    """Fetch through an HTTP gateway; the DAG (from ``store``) says which CID the bytes must have."""

    def fetch(cid: str, path: list[str]) -> tuple[str, bytes]:
        entry = store.resolve(parse_cid(cid), path)
        quoted = "/".join(urllib.parse.quote(p) for p in path)
        url = f"{gateway_url.rstrip('/')}/ipfs/{cid}/{quoted}".rstrip("/")
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return str(entry.cid), response.read()

    return fetch


def audit_series(nft: ContractInstance, series_id: int, fetch: Fetch) -> SeriesAudit:
    """Audit every token minted in ``series_id`` of ``nft`` (an Ape contract instance)."""
    from ape.exceptions import ContractLogicError
    from web3.exceptions import ContractLogicError as Web3LogicError

    info = nft.series(series_id)
    owner_of, token_uri = _readers(nft)
    tokens = []
    for serial in range(1, int(info.minted) + 1):
        token = token_id(series_id, serial)
        try:
            owner = owner_of(token)
        except (ContractLogicError, Web3LogicError):  # ERC721NonexistentToken: burned
            continue
        audit = TokenAudit(token, serial, str(owner), str(token_uri(token)))
        _check_token(audit, info, fetch)
        tokens.append(audit)
    return SeriesAudit(series_id, str(info.name), int(info.minted), int(info.burned), tokens)


def _readers(nft: ContractInstance) -> tuple[Callable[[int], Any], Callable[[int], Any]]:
    """``ownerOf`` and ``tokenURI`` as plain web3 calls when ``nft`` is an Ape contract: an audit makes two
    calls per token, and Ape's call machinery costs a few milliseconds each."""
    contract_type = getattr(nft, "contract_type", None)
    if contract_type is None:
        return nft.ownerOf, nft.tokenURI
    abi = [
        item.model_dump(by_alias=True, mode="json", exclude_none=True)
        for item in contract_type.abi
        if getattr(item, "name", None) in ("ownerOf", "tokenURI")
    ]
    functions = nft.provider.web3.eth.contract(address=nft.address, abi=abi).functions
    return (lambda t: functions.ownerOf(t).call()), (lambda t: functions.tokenURI(t).call())


def write_report(audits: list[SeriesAudit], path: Path) -> None:
    """The audit as JSON: one object per series, every token with its CIDs and problems."""
    document = [
        {
            **{k: v for k, v in asdict(a).items() if k != "tokens"},
            "tokens": [asdict(t) for t in a.tokens],
            "failures": len(a.failures),
        }
        for a in audits
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")


# ---------------------------------------------------------------------------------------------- checks


def _check_traits(audit: TokenAudit, document: dict[str, Any], info: Any) -> None:
    """The Serial and Series attributes against the chain's serial, cap and series name."""
    traits = {a.get("trait_type"): a for a in document.get("attributes", []) if isinstance(a, dict)}
    serial = traits.get("Serial", {})
    if serial.get("value") != audit.serial:
        audit.problems.append(
            f"Serial attribute is {serial.get('value')!r}, the chain says {audit.serial}"
        )
    if serial.get("max_value") != int(info.maxSupply):
        audit.problems.append(
            f"Serial max_value is {serial.get('max_value')!r}, the series cap is {int(info.maxSupply)}"
        )
    series_name = traits.get("Series", {}).get("value")
    if series_name != str(info.name):
        audit.problems.append(
            f"Series attribute is {series_name!r}, the chain says {str(info.name)!r}"
        )


def _check_token(audit: TokenAudit, info: Any, fetch: Fetch) -> None:
    located = _ipfs_location(audit.token_uri or "")
    if located is None:
        audit.problems.append(f"tokenURI {audit.token_uri!r} is not an ipfs:// URI")
        return
    fetched = _fetch_verified(audit, fetch, *located, what="metadata")
    if fetched is None:
        return
    audit.json_cid, document_bytes = fetched
    try:
        document = json.loads(document_bytes)
    except ValueError:
        audit.problems.append("metadata is not JSON")
        return
    if not isinstance(document, dict):
        audit.problems.append("metadata is not a JSON object")
        return
    _check_traits(audit, document, info)
    image = _ipfs_location(str(document.get("image", "")))
    if image is None:
        audit.problems.append(f"image {document.get('image')!r} is not an ipfs:// URI")
        return
    fetched = _fetch_verified(audit, fetch, *image, what="image")
    if fetched is None:
        return
    audit.image_cid, image_bytes = fetched
    if image_bytes.lstrip()[:1] in (b"{", b"["):
        audit.problems.append("image URI points at a JSON document, not an image")


def _fetch_verified(
    audit: TokenAudit, fetch: Fetch, cid: str, path: list[str], what: str
) -> tuple[str, bytes] | None:
    """Fetch, then recompute the CID of the bytes as kubo would; ``(cid, bytes)`` if it is the DAG's."""
    try:
        expected, data = fetch(cid, path)
    except (NotFound, ValueError, OSError) as err:
        audit.problems.append(f"{what} at ipfs://{cid}/{'/'.join(path)} cannot be fetched: {err}")
        return None
    version = 0 if expected.startswith("Qm") else 1
    actual = str(add_bytes(data, cid_version=version).cid)
    if actual != expected:
        audit.problems.append(f"{what} bytes hash to {actual}, the published DAG says {expected}")
        return None
    return expected, data


def _ipfs_location(uri: str) -> tuple[str, list[str]] | None:
    if not uri.startswith("ipfs://"):
        return None
    cid, _, path = uri[len("ipfs://") :].partition("/")
    return cid, [urllib.parse.unquote(p) for p in path.split("/") if p]
