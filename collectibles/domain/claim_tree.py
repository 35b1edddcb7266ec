"""Claim trees: members -> OpenZeppelin StandardMerkleTree over ``[index, address]``, written to a folder.

``Collectible.claim(seriesId, index, account, proof)`` checks
``keccak256(keccak256(abi.encode(index, account)))`` against the series root, which is exactly a
``StandardMerkleTree.of([[index, address], …], ["uint256", "address"])`` leaf; the index is the member's place
among the member file's members (0 for the first; duplicate rows merged into their first), and the contract
records claims by it. A claims folder holds:

- ``tree.json``: the ``standard-v1`` dump (``StandardMerkleTree.load`` in ``@openzeppelin/merkle-tree`` reads it),
  for anyone who serves proofs with the npm library;
- ``claims.json``: the root, the member count, and the member file it was built from with its SHA-256, so
  ``setup`` and ``claim`` use the tree only while the member file still has those bytes;
- ``nodes.bin`` (every node, 32 bytes each, root first), ``accounts.bin`` (each member's 20 address bytes, by
  index) and ``places.bin`` (each member's place in the tree, 4 bytes big-endian, by index): the same tree in
  the form ``setup`` and ``claim`` read in well under a second, where parsing the JSON of a million members
  would take a minute and gigabytes;
- ``root.txt``: the root, ``0x`` hex, to set on chain.

Scale: a million members' tree is built from flat byte buffers (:func:`~collectibles.domain.merkle.flat_tree`)
in seconds and about 200 MB, and the JSON dump is streamed to disk in chunks rather than built in memory.
"""

from __future__ import annotations

import hashlib
import json
import sys
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sha3 import keccak_256

from collectibles.domain.errors import InvalidClaims, MemberNotInClaims
from collectibles.domain.merkle import flat_tree, process_proof, proof_of

LEAF_ENCODING = ["uint256", "address"]
FORMAT = "collectibles-claims-v1"
TREE_FILE = "tree.json"
MANIFEST_FILE = "claims.json"
NODES_FILE = "nodes.bin"
ACCOUNTS_FILE = "accounts.bin"
PLACES_FILE = "places.bin"
ROOT_FILE = "root.txt"
_PAD = bytes(12)  # an address's ABI word: 12 zero bytes, then its 20 bytes
_CHUNK = 4096  # nodes or values per write of the JSON dump


def member_leaf(index: int, account: bytes) -> bytes:
    """The leaf of member ``index`` with 20-byte address ``account``, as the contract hashes it."""
    encoded = index.to_bytes(32, "big") + _PAD + account
    return keccak_256(keccak_256(encoded).digest()).digest()


class ClaimTree:
    """The claim tree of a member list: nodes, the members' addresses by index, and each one's place."""

    def __init__(self, nodes: bytes | bytearray, accounts: bytes, places: array[int]):
        if len(accounts) != 20 * len(places) or len(nodes) != 32 * (2 * len(places) - 1):
            raise ValueError("a claim tree needs 2n - 1 nodes, n addresses and n places")
        self.nodes = nodes
        """Every node, 32 bytes each, root first (OpenZeppelin's layout)."""
        self.accounts = accounts
        """Member ``i``'s 20 address bytes at ``[20 i, 20 i + 20)``."""
        self.places = places
        """Member ``i``'s leaf is node ``places[i]``."""

    @property
    def root(self) -> bytes:
        """The 32-byte root to set on chain."""
        return bytes(self.nodes[:32])

    @property
    def members(self) -> int:
        """The number of leaves; their indices are 0 to ``members - 1``."""
        return len(self.places)

    def account(self, index: int) -> str:
        """The address of member ``index`` as ``0x`` lowercase hex."""
        return "0x" + self.accounts[20 * index : 20 * index + 20].hex()

    def index_of(self, address: str) -> int | None:
        """The index of ``address`` (any case), or None when it is not a member."""
        try:
            raw = bytes.fromhex(address.removeprefix("0x"))
        except ValueError:
            return None
        if len(raw) != 20:
            return None
        at = self.accounts.find(raw)
        while at != -1 and at % 20:  # a match across two addresses: look further
            at = self.accounts.find(raw, at + 1)
        return None if at == -1 else at // 20

    def proof(self, index: int) -> list[bytes]:
        """The proof of member ``index``: sibling hashes from its leaf up."""
        if not 0 <= index < self.members:
            raise IndexError(f"member index {index} out of range (the tree has {self.members})")
        return proof_of(self.nodes, self.places[index])

    def verify(self, index: int, proof: Iterable[bytes]) -> bool:
        """Whether ``proof`` leads from member ``index``'s leaf to the root."""
        leaf = member_leaf(index, self.accounts[20 * index : 20 * index + 20])
        return process_proof(leaf, proof) == self.root


def build_tree(addresses: Iterable[str]) -> ClaimTree:
    """The claim tree of ``addresses`` in order (member ``i`` is the ``i``-th; duplicates already merged)."""
    accounts = b"".join(bytes.fromhex(a.removeprefix("0x")) for a in addresses)
    if len(accounts) % 20:
        raise ValueError("every address must have 20 bytes")
    leaves = [  # member_leaf, inlined: a million calls are a second
        keccak_256(
            keccak_256(i.to_bytes(32, "big") + _PAD + accounts[k : k + 20]).digest()
        ).digest()
        for i, k in enumerate(range(0, len(accounts), 20))
    ]
    nodes, places = flat_tree(leaves)
    return ClaimTree(nodes, accounts, places)


def write_claims(
    tree: ClaimTree, checksummed: Iterable[str], folder: Path | str, source: Path, sha256: str
) -> Path:
    """Write the claims folder of ``tree`` (created if needed), built from member file ``source`` with SHA-256
    ``sha256``; ``checksummed`` are the members' EIP-55 addresses in order, for the JSON dump."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # First: while the files change, the folder has no manifest, so an interrupted build is never read.
    (folder / MANIFEST_FILE).unlink(missing_ok=True)
    root = "0x" + tree.root.hex()
    (folder / NODES_FILE).write_bytes(tree.nodes)
    (folder / ACCOUNTS_FILE).write_bytes(tree.accounts)
    places = array("I", tree.places)
    if places.itemsize != 4:  # pragma: no cover - array("I") is 4 bytes on every platform we run on
        raise RuntimeError("array('I') is not 4 bytes here")
    if sys.byteorder == "little":
        places.byteswap()
    (folder / PLACES_FILE).write_bytes(places.tobytes())
    with open(folder / TREE_FILE, "w") as out:
        _dump(tree, checksummed, out)
    (folder / ROOT_FILE).write_text(root + "\n")
    manifest = {
        "format": FORMAT,
        "root": root,
        "members": tree.members,
        "leafEncoding": LEAF_ENCODING,
        "members_file": str(source),
        "members_sha256": sha256,
    }
    # Last: a folder whose manifest is there was written completely.
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def _dump(tree: ClaimTree, checksummed: Iterable[str], out: IO[str]) -> None:
    """Stream the ``standard-v1`` JSON of ``tree``: the same text ``json.dump`` would give, a chunk at a time."""
    out.write('{"format":"standard-v1","leafEncoding":["uint256","address"],"tree":[')
    nodes = tree.nodes
    for start in range(0, len(nodes), 32 * _CHUNK):
        text = nodes[start : start + 32 * _CHUNK].hex()
        out.write(
            ("," if start else "")
            + ",".join(f'"0x{text[i : i + 64]}"' for i in range(0, len(text), 64))
        )
    out.write('],"values":[')
    places = tree.places
    batch = []
    for index, address in enumerate(checksummed):
        batch.append(f'{{"value":["{index}","{address}"],"treeIndex":{places[index]}}}')
        if len(batch) == _CHUNK:
            out.write(("," if index >= _CHUNK else "") + ",".join(batch))
            batch.clear()
    if batch:
        out.write(("," if tree.members > len(batch) else "") + ",".join(batch))
    out.write("]}\n")


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of the bytes of ``path``, read a megabyte at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Claims:
    """A claims folder, read back and checked against its member file."""

    folder: Path
    tree: ClaimTree
    source: Path
    """The member file the tree was built from."""

    @property
    def root(self) -> bytes:
        return self.tree.root

    @property
    def members(self) -> int:
        return self.tree.members

    def member(self, address: str) -> tuple[int, list[bytes]]:
        """``(index, proof)`` of ``address``; :class:`MemberNotInClaims` if it is not in the tree, and
        :class:`InvalidClaims` if the proof read from the folder does not lead to its root."""
        index = self.tree.index_of(address)
        if index is None:
            raise MemberNotInClaims(address, self.folder)
        proof = self.tree.proof(index)
        if not self.tree.verify(index, proof):
            raise InvalidClaims(
                self.folder, f"the proof of member {index} does not lead to the root"
            )
        return index, proof


def load_claims(folder: Path | str, members: Path | None = None) -> Claims:
    """Read a claims folder written by :func:`write_claims`, refusing it when its member file (``members``,
    or the one it records) is missing or no longer has the bytes the tree was built from."""
    folder = Path(folder)
    manifest = _manifest(folder)
    source = Path(members) if members is not None else Path(manifest["members_file"])
    if not source.is_file():
        raise InvalidClaims(folder, f"its member file {source} is missing (pass --members)")
    found = file_sha256(source)
    if found != manifest["members_sha256"]:
        raise InvalidClaims(
            folder,
            f"{source} changed since `claims build` wrote it (sha256 {manifest['members_sha256'][:16]}…, now "
            f"{found[:16]}…): run `claims build` again",
        )
    try:
        tree = ClaimTree(
            (folder / NODES_FILE).read_bytes(),
            (folder / ACCOUNTS_FILE).read_bytes(),
            _places((folder / PLACES_FILE).read_bytes()),
        )
    except (OSError, ValueError) as err:
        raise InvalidClaims(folder, f"its tree files are missing or inconsistent ({err})") from None
    if tree.members != manifest["members"] or "0x" + tree.root.hex() != manifest["root"]:
        raise InvalidClaims(folder, f"{NODES_FILE} does not match {MANIFEST_FILE}")
    return Claims(folder, tree, source)


def _manifest(folder: Path) -> dict:
    path = folder / MANIFEST_FILE
    if not path.is_file():
        raise InvalidClaims(folder, f"no {MANIFEST_FILE}: run `claims build` first")
    try:
        manifest = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise InvalidClaims(folder, f"{MANIFEST_FILE} is not JSON ({err})") from None
    fields = ("format", "root", "members", "members_file", "members_sha256")
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not all(key in manifest for key in fields)
    ):
        raise InvalidClaims(
            folder, f"{MANIFEST_FILE} is not a {FORMAT} manifest with {', '.join(fields)}"
        )
    return manifest


def _places(raw: bytes) -> array[int]:
    places = array("I")
    places.frombytes(raw)
    if sys.byteorder == "little":
        places.byteswap()
    return places
