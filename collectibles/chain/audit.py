"""The audit behind ``ape run verify``: from the chain outward, check that every token shows what it should.

For every minted token the chain gives its owner and ``tokenURI``, read in JSON-RPC batches at one block
(:mod:`collectibles.chain.readers`: 10,000 tokens in a few seconds on Anvil, where a call at a time took
16 ms a token); a token whose ``ownerOf`` reverts is burned and left out. The URI must be ``ipfs://<cid>/<path>``;
the path is resolved in the published DAG (blocks from CAR files, each checked against its CID when read),
the JSON is fetched (from those blocks, or through a gateway, whose bytes must then match the DAG), its CID
and its image's CID are recomputed as kubo would, and its Series and Serial attributes are checked against
the chain. Nothing is sent.

Bad content never stops the audit: CAR files are read with :func:`collectibles.ipfs.salvage.load_published`,
which keeps every block that matches its CID and records what it could not keep (an unreadable or truncated
file, a block whose bytes were altered) as a ``ContentProblem``; a token whose metadata or image needs a
block that is missing or was refused gets a problem naming that block (and the CAR it was altered in), and
so does a token whose gateway answer is other bytes, too slow or cut short (the fetching is
:mod:`collectibles.ipfs.fetch`'s). :func:`collectibles.chain.audit_report.write_report` puts both in the JSON.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from collectibles.chain.readers import (
    BatchReader,
    Reverted,
    decode_address,
    decode_string,
    uint_call,
)
from collectibles.domain.tokens import token_id
from collectibles.ipfs.fetch import Fetch, StoreFetcher, fetch_verified, ipfs_location

if TYPE_CHECKING:
    from ape.contracts import ContractInstance


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
    located = ipfs_location(audit.token_uri or "")
    if located is None:
        audit.problems.append(f"tokenURI {audit.token_uri!r} is not an ipfs:// URI")
        return
    fetched, problem = fetch_verified(fetch, *located, what="metadata")
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
    image = ipfs_location(str(document.get("image", "")))
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
        fetched, problem = fetch_verified(fetch, cid, path, what="image")
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
