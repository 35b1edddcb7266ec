"""Claim trees: members -> OpenZeppelin StandardMerkleTree over ``[address]``, written to a folder.

``Collectible.claim(seriesId, account, proof)`` checks ``keccak256(keccak256(abi.encode(account)))`` against the
series root, which is exactly a ``StandardMerkleTree.of([[address], …], ["address"])`` leaf. A claims folder
holds:

- ``tree.json``: the ``standard-v1`` dump (``StandardMerkleTree.load`` in ``@openzeppelin/merkle-tree`` reads it);
- ``root.txt``: the root, ``0x`` hex, to set on chain;
- ``proofs.json``: ``{"root": "0x…", "proofs": {"<checksummed address>": ["0x…", …]}}``, one proof per member.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from eth_utils import to_checksum_address

from collectibles.domain.errors import InvalidClaims, InvalidMerkleTree, MemberNotInClaims
from collectibles.domain.merkle import StandardMerkleTree

LEAF_ENCODING = ["address"]
TREE_FILE = "tree.json"
ROOT_FILE = "root.txt"
PROOFS_FILE = "proofs.json"


def build_tree(addresses: Iterable[str]) -> StandardMerkleTree:
    """The claim tree of ``addresses`` (checksummed; duplicates must already be merged)."""
    return StandardMerkleTree.of([[to_checksum_address(a)] for a in addresses], LEAF_ENCODING)


def proofs_of(tree: StandardMerkleTree) -> dict[str, list[str]]:
    """Each member's proof as ``0x`` hex strings, keyed by checksummed address."""
    return {
        to_checksum_address(value[0]): ["0x" + node.hex() for node in tree.proof(value)]
        for value, _ in tree.values
    }


def write_claims(tree: StandardMerkleTree, folder: Path | str) -> Path:
    """Write ``tree.json``, ``root.txt`` and ``proofs.json`` to ``folder`` (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    root = "0x" + tree.root.hex()
    tree.write(folder / TREE_FILE)
    (folder / ROOT_FILE).write_text(root + "\n")
    (folder / PROOFS_FILE).write_text(
        json.dumps({"root": root, "proofs": proofs_of(tree)}, indent=2) + "\n"
    )
    return folder


@dataclass
class Claims:
    """A claims folder, read back and checked."""

    folder: Path
    tree: StandardMerkleTree

    @property
    def root(self) -> bytes:
        return self.tree.root

    def proof(self, member: str) -> list[bytes]:
        """The proof of ``member``; :class:`MemberNotInClaims` if it is not in the tree."""
        try:
            address = to_checksum_address(member)
        except ValueError:
            raise MemberNotInClaims(member, self.folder) from None
        if not any(to_checksum_address(v[0]) == address for v, _ in self.tree.values):
            raise MemberNotInClaims(address, self.folder)
        return self.tree.proof([address])


def load_claims(folder: Path | str) -> Claims:
    """Read the tree dump of a claims folder, checking every node (and ``root.txt`` if present)."""
    folder = Path(folder)
    path = folder / TREE_FILE
    if not path.is_file():
        raise InvalidClaims(folder, f"no {TREE_FILE}: run `claims build` first")
    try:
        tree = StandardMerkleTree.load(json.loads(path.read_text()))
    except (json.JSONDecodeError, InvalidMerkleTree, KeyError, ValueError) as err:
        raise InvalidClaims(
            folder, f"{TREE_FILE} is not a valid standard-v1 tree ({err})"
        ) from None
    if tree.leaf_encoding != LEAF_ENCODING:
        raise InvalidClaims(
            folder, f"the tree's leaves are {tree.leaf_encoding}, expected {LEAF_ENCODING}"
        )
    root_file = folder / ROOT_FILE
    if root_file.is_file() and root_file.read_text().strip().lower() != "0x" + tree.root.hex():
        raise InvalidClaims(folder, f"{ROOT_FILE} does not match the root of {TREE_FILE}")
    return Claims(folder, tree)
