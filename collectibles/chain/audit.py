"""The audit behind ``ape run verify``: from the chain outward, check that every token shows what it should.

For every minted token the chain gives its owner and ``tokenURI``, read in JSON-RPC batches at one block
(:mod:`collectibles.chain.readers`: 10,000 tokens in a few seconds on Anvil, where a call at a time took
16 ms a token); a token whose ``ownerOf`` reverts is burned and left out. The URI must be ``ipfs://<cid>/<path>``;
the path is resolved in the published DAG (blocks from CAR files, each checked against its CID when read),
the JSON is fetched (from those blocks, or through a gateway, whose bytes must then match the DAG), its CID
and its image's CID are recomputed as kubo would, and its Series and Serial attributes are checked against
the chain. Nothing is sent.

Bad content never stops the audit: CAR files are read with :func:`load_published`, which keeps every block
that matches its CID and records what it could not keep (an unreadable or truncated file, a block whose
bytes were altered) as :class:`ContentProblem`; a token whose metadata or image needs a block that is
missing or was refused gets a problem naming that block (and the CAR it was altered in), and so does a token
whose gateway answer is other bytes, too slow or cut short. :func:`write_report` puts both in the JSON.
"""

from __future__ import annotations

import functools
import http.client
import json
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from collectibles.chain.readers import (
    BatchReader,
    Reverted,
    decode_address,
    decode_string,
    uint_call,
)
from collectibles.domain.tokens import token_id
from collectibles.ipfs.blockstore import BlockStore, NotFound
from collectibles.ipfs.car import NotACar, read_car_sections
from collectibles.ipfs.cid import BlockMismatch, parse_cid
from collectibles.ipfs.unixfs import add_bytes

if TYPE_CHECKING:
    from ape.contracts import ContractInstance

Fetch = Callable[[str, list[str]], tuple[str, bytes]]
"""``(cid, path) -> (CID of the file the path names in the DAG, the bytes fetched)``."""


@dataclass(slots=True)
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


@dataclass(frozen=True)
class ContentProblem:
    """Damage found in the published CAR files; the tokens it affects say so in their own problems."""

    car: str
    """The CAR file (or the folder that holds none)."""
    problem: str
    block: str | None = None
    """The CID of the block concerned, when one is (altered bytes)."""


def load_published(paths: Iterable[Path | str]) -> tuple[BlockStore, list[ContentProblem]]:
    """The blocks of the CAR files at ``paths`` (a folder stands for every ``*.car`` under it), and what
    was wrong with them. Unlike :meth:`BlockStore.from_cars`, damage does not stop the reading: every
    block that matches its CID is kept; a block that does not is refused (asking for it says so)."""
    store = BlockStore()
    problems: list[ContentProblem] = []
    for path in map(Path, paths):
        files = sorted(path.rglob("*.car")) if path.is_dir() else [path]
        if not files:
            problems.append(ContentProblem(str(path), "the folder holds no CAR file"))
        for car in files:
            problems += _salvage_car(store, car)
    return store, problems


def _salvage_car(store: BlockStore, car: Path) -> list[ContentProblem]:
    """Add what can be kept of one CAR file to ``store``; the problems it has."""
    try:
        roots, sections = read_car_sections(car.read_bytes())
    except OSError as err:
        return [ContentProblem(str(car), f"cannot be read ({err.strerror or err})")]
    except NotACar as err:
        return [ContentProblem(str(car), str(err))]
    store.roots.extend(roots)
    problems = []
    try:
        for cid, block in sections:
            try:
                store.put(cid, block)
            except BlockMismatch:
                store.refuse(cid, f"in {car.name} does not match its CID (its bytes were altered)")
                problems.append(
                    ContentProblem(str(car), "a block does not match its CID", str(cid))
                )
    except NotACar as err:
        problems.append(ContentProblem(str(car), f"{err.problem}: the blocks after it are lost"))
    return problems


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


READ_CHUNK = 1_000
"""Tokens read from the chain at a time: the owners and URIs of one chunk are in memory, then checked."""

_OWNER_OF = bytes.fromhex("6352211e")  # ownerOf(uint256)
_TOKEN_URI = bytes.fromhex("c87b56dd")  # tokenURI(uint256)

TokenRead = tuple[str, "str | Reverted"] | None
"""What the chain says of one token: ``(owner, tokenURI or how it reverted)``, or ``None`` when
``ownerOf`` reverts (burned: ``ERC721NonexistentToken``)."""


def audit_series(
    nft: ContractInstance, series_id: int, fetch: Fetch, chunk: int = READ_CHUNK
) -> SeriesAudit:
    """Audit every token minted in ``series_id`` of ``nft`` (an Ape contract instance).

    The chain is read ``chunk`` tokens at a time in JSON-RPC batches (:mod:`collectibles.chain.readers`),
    the next chunk while this one is checked: the node works while we hash."""
    info = nft.series(series_id)
    read = _token_reader(
        nft
    )  # pinned after the series is read: every serial up to `minted` exists there
    verified_image = _image_check(fetch)
    tokens = []
    for serial, token, answer in _read_all(read, series_id, int(info.minted), chunk):
        if answer is None:
            continue
        owner, uri = answer
        if isinstance(uri, Reverted):
            audit = TokenAudit(token, serial, owner, None)
            audit.problems.append(f"tokenURI reverts ({uri.data}) though ownerOf answers")
        else:
            audit = TokenAudit(token, serial, owner, uri)
            _check_token(audit, info, fetch, verified_image)
        tokens.append(audit)
    return SeriesAudit(series_id, str(info.name), int(info.minted), int(info.burned), tokens)


def _read_all(
    read: Callable[[list[int]], list[TokenRead]], series_id: int, minted: int, chunk: int
) -> Iterator[tuple[int, int, TokenRead]]:
    """``(serial, token id, what the chain says)`` for serials ``1..minted``, read a chunk ahead."""
    chunks = [range(first, min(first + chunk, minted + 1)) for first in range(1, minted + 1, chunk)]

    def read_chunk(serials: range) -> list[TokenRead]:
        return read([token_id(series_id, s) for s in serials])

    with ThreadPoolExecutor(max_workers=1) as pool:
        ahead = [pool.submit(read_chunk, c) for c in chunks[:1]]
        for i, serials in enumerate(chunks):
            answers = ahead.pop().result()
            ahead += [pool.submit(read_chunk, c) for c in chunks[i + 1 : i + 2]]
            for serial, answer in zip(serials, answers, strict=True):
                yield serial, token_id(series_id, serial), answer


def _token_reader(nft: ContractInstance) -> Callable[[list[int]], list[TokenRead]]:
    """Reads the owners, then the URIs of the tokens that have one, in batched ``eth_call`` at one block.

    An object that is not an Ape contract (a test's stand-in) is asked through its own ``ownerOf`` and
    ``tokenURI``, one token at a time."""
    if getattr(nft, "contract_type", None) is None:
        return lambda tokens: [_read_one(nft, t) for t in tokens]
    reader = BatchReader(nft.provider.web3.provider, nft.address)

    def read(tokens: list[int]) -> list[TokenRead]:
        owners = reader.call([uint_call(_OWNER_OF, t) for t in tokens])
        live = [t for t, o in zip(tokens, owners, strict=True) if not isinstance(o, Reverted)]
        uris = iter(reader.call([uint_call(_TOKEN_URI, t) for t in live]))
        return [
            None if isinstance(o, Reverted) else (decode_address(o), _uri(next(uris)))
            for o in owners
        ]

    return read


def _uri(answer: str | Reverted) -> str | Reverted:
    return answer if isinstance(answer, Reverted) else decode_string(answer)


def _read_one(nft: Any, token: int) -> TokenRead:
    from ape.exceptions import ContractLogicError
    from web3.exceptions import ContractLogicError as Web3LogicError

    try:
        owner = nft.ownerOf(token)
    except (ContractLogicError, Web3LogicError):  # ERC721NonexistentToken: burned
        return None
    return str(owner), str(nft.tokenURI(token))


def write_report(
    audits: list[SeriesAudit], path: Path, content_problems: Iterable[ContentProblem] = ()
) -> None:
    """The audit as JSON: one object per series, every token with its CIDs and problems, and the damage
    found in the published CAR files (the same list in each series: the blocks are shared).

    Written a token at a time (100,000 tokens make a 40 MB document, which need not be in memory twice);
    the text is what ``json.dumps(document, indent=2)`` would write."""
    damage = [asdict(p) for p in content_problems]
    skeleton = [
        {
            **{f.name: getattr(a, f.name) for f in fields(a) if f.name != "tokens"},
            "tokens": _TOKENS_HERE,
            "failures": len(a.failures),
            "content_problems": damage,
        }
        for a in audits
    ]
    # Split at the key: inside a JSON string a quote is escaped, so only the key itself matches.
    pieces = json.dumps(skeleton, indent=2).split(f'"tokens": {json.dumps(_TOKENS_HERE)}')
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as out:
        out.write(pieces[0])
        for audit, after in zip(audits, pieces[1:], strict=True):
            out.write('"tokens": ')
            _write_tokens(out, audit.tokens)
            out.write(after)
        out.write("\n")


_TOKENS_HERE = "\0tokens\0"
"""Where a series' token list goes in the report's skeleton."""


def _write_tokens(out: TextIO, tokens: list[TokenAudit]) -> None:
    """A token list as ``json.dumps(indent=2)`` writes it three levels down (6 spaces per item)."""
    if not tokens:
        out.write("[]")
        return
    indent = "\n" + " " * 6
    out.write("[")
    for i, token in enumerate(tokens):
        out.write(
            ("," if i else "") + indent + json.dumps(asdict(token), indent=2).replace("\n", indent)
        )
    out.write("\n" + " " * 4 + "]")


# ---------------------------------------------------------------------------------------------- checks


def _check_traits(audit: TokenAudit, document: dict[str, Any], info: Any) -> None:
    """The Serial and Series attributes against the chain's serial, cap and series name."""
    attributes = document.get("attributes", [])
    if not isinstance(attributes, list):
        audit.problems.append(f"attributes is not a list: {attributes!r:.60}")
        attributes = []
    traits = {a.get("trait_type"): a for a in attributes if isinstance(a, dict)}
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


ImageCheck = Callable[[str, list[str]], tuple[str | None, list[str]]]
"""``(cid, path) -> (the image's CID when its bytes are the DAG's, the problems found)``."""


def _check_token(audit: TokenAudit, info: Any, fetch: Fetch, check_image: ImageCheck) -> None:
    located = _ipfs_location(audit.token_uri or "")
    if located is None:
        audit.problems.append(f"tokenURI {audit.token_uri!r} is not an ipfs:// URI")
        return
    fetched, problem = _fetch_verified(fetch, *located, what="metadata")
    if fetched is None:
        audit.problems.append(problem)
        return
    audit.json_cid, document_bytes = fetched
    if _nests_too_deep(document_bytes):
        audit.problems.append(f"metadata nests deeper than {_MAX_NESTING} levels")
        return
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
    audit.image_cid, problems = check_image(*image)
    audit.problems += problems


def _image_check(fetch: Fetch) -> ImageCheck:
    """Checks an image: fetched, its CID recomputed, not a JSON document. From published blocks
    (a :class:`StoreFetcher`, whose answers never change) the last few images' outcomes are kept, so a
    series sharing one image hashes it once, not once per token; through a gateway every token asks."""

    def check(cid: str, path: list[str]) -> tuple[str | None, list[str]]:
        fetched, problem = _fetch_verified(fetch, cid, path, what="image")
        if fetched is None:
            return None, [problem]
        image_cid, data = fetched
        if _STARTS_LIKE_JSON.match(data):
            return image_cid, ["image URI points at a JSON document, not an image"]
        return image_cid, []

    if not isinstance(fetch, StoreFetcher):
        return check
    cached = functools.lru_cache(maxsize=16)(lambda cid, path: check(cid, list(path)))
    return lambda cid, path: _copied(cached(cid, tuple(path)))


def _copied(outcome: tuple[str | None, list[str]]) -> tuple[str | None, list[str]]:
    return outcome[0], list(outcome[1])  # each token its own list of problems


_STARTS_LIKE_JSON = re.compile(rb"\s*[{\[]")
"""``bytes.lstrip()`` then ``{`` or ``[``, without copying a large image to strip it."""


def _fetch_verified(
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


_MAX_NESTING = 100
"""Deeper JSON is refused before parsing: with the recursion limit Ape's dependencies set (py_ecc: 100,000),
``json.loads`` on a deep enough document overflows the C stack and kills the process."""
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


def _nests_too_deep(document: bytes) -> bool:
    """Whether the arrays and objects of a JSON text nest deeper than ``_MAX_NESTING`` (strings skipped;
    not a validation). A text with no more brackets than that cannot, and is not scanned."""
    if document.count(b"[") + document.count(b"{") <= _MAX_NESTING:
        return False
    depth = deepest = 0
    for bracket in _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b"", document)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest > _MAX_NESTING


def _ipfs_location(uri: str) -> tuple[str, list[str]] | None:
    if not uri.startswith("ipfs://"):
        return None
    cid, _, path = uri[len("ipfs://") :].partition("/")
    return cid, [urllib.parse.unquote(p) for p in path.split("/") if p]
