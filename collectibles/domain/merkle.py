"""OpenZeppelin StandardMerkleTree, in Python.

Builds the same tree, root, proofs and ``standard-v1`` JSON dump as ``@openzeppelin/merkle-tree``: leaves are
``keccak256(keccak256(abi.encode(types, value)))``, sorted by hash, stored at the end of a flat array in
reverse order; a parent hashes its two children in sorted order. ``Collectible.claim`` checks proofs with
OpenZeppelin's ``MerkleProof``, so trees from either implementation work on chain.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from eth_abi import encode
from eth_utils import to_checksum_address
from sha3 import keccak_256

from collectibles.domain.errors import InvalidMerkleTree, ValueNotInTree


def leaf_hash(leaf_encoding: Sequence[str], value: Sequence[Any]) -> bytes:
    """The double-hashed leaf of ``value`` under ABI types ``leaf_encoding``."""
    encoded = encode(list(leaf_encoding), list(_abi_values(leaf_encoding, value)))
    return keccak_256(keccak_256(encoded).digest()).digest()


def node_hash(a: bytes, b: bytes) -> bytes:
    """The parent of two nodes: the hash of both, smaller first."""
    return keccak_256(a + b if a <= b else b + a).digest()


def flat_tree(leaves: Sequence[bytes]) -> tuple[bytearray, array[int]]:
    """The nodes of the tree over ``leaves`` (32-byte leaf hashes) in OpenZeppelin's layout, and where each leaf went.

    Returns ``(nodes, tree_index)``: ``nodes`` holds the ``2n - 1`` nodes as one buffer of 32-byte words, root
    first; the leaves, sorted by hash, fill the last ``n`` places in reverse order, and node ``i`` below them is
    the :func:`node_hash` of nodes ``2i + 1`` and ``2i + 2``. ``tree_index[k]`` is the place of ``leaves[k]``.
    One flat buffer rather than a list of ``bytes``: a million members' tree is 64 MB instead of about 140 MB,
    and the two children of a node are one 64-byte slice.
    """
    count = len(leaves)
    if count == 0:
        raise InvalidMerkleTree("a tree needs at least one value")
    size = 2 * count - 1
    nodes = bytearray(32 * size)
    tree_index = array("I", bytes(4 * count))
    for rank, k in enumerate(sorted(range(count), key=leaves.__getitem__)):
        place = size - 1 - rank
        nodes[32 * place : 32 * place + 32] = leaves[k]
        tree_index[k] = place
    # Level by level from the deepest: the inner nodes are 0 to n - 2, those of depth d are 2**d - 1 to
    # 2**(d + 1) - 2, and the children of a run of nodes are one run of bytes, hashed pair by pair.
    depth = (count - 1).bit_length() - 1 if count > 1 else -1
    while depth >= 0:
        first, last = (1 << depth) - 1, min((1 << (depth + 1)) - 2, count - 2)
        children = bytes(nodes[32 * (2 * first + 1) : 32 * (2 * last + 3)])
        nodes[32 * first : 32 * (last + 1)] = _parents(children)
        depth -= 1
    return nodes, tree_index


def _parents(children: bytes) -> bytes:
    """The parents of consecutive pairs of 32-byte nodes, concatenated."""
    parents: list[bytes] = []
    append = parents.append
    for at in range(0, len(children), 64):
        left, right = children[at : at + 32], children[at + 32 : at + 64]
        append(keccak_256(left + right if left <= right else right + left).digest())
    return b"".join(parents)


def proof_of(nodes: bytes | bytearray, place: int) -> list[bytes]:
    """The proof of the node at ``place`` in a :func:`flat_tree` buffer: its siblings, from it up to the root."""
    proof = []
    while place > 0:
        sibling = place - 1 if place % 2 == 0 else place + 1
        proof.append(bytes(nodes[32 * sibling : 32 * sibling + 32]))
        place = (place - 1) // 2
    return proof


def process_proof(leaf: bytes, proof: Iterable[bytes]) -> bytes:
    """The root that ``proof`` leads to from ``leaf``."""
    node = leaf
    for sibling in proof:
        node = node_hash(node, sibling)
    return node


class StandardMerkleTree:
    """A Merkle tree over ABI-encoded values, compatible with ``@openzeppelin/merkle-tree``."""

    def __init__(
        self, tree: list[bytes], values: list[tuple[list[Any], int]], leaf_encoding: list[str]
    ):
        self.tree = tree
        """Every node, root first, leaves last."""
        self.values = values
        """Each value, in input order, with the index of its leaf in :attr:`tree`."""
        self.leaf_encoding = leaf_encoding
        """ABI types of a value's fields, e.g. ``["address"]``."""
        self._index = {self._key(v): i for i, (v, _) in enumerate(values)}

    @classmethod
    def of(
        cls, values: Iterable[Sequence[Any]], leaf_encoding: Sequence[str]
    ) -> StandardMerkleTree:
        """Build the tree of ``values``, as ``StandardMerkleTree.of(values, leafEncoding)`` does."""
        encoding = list(leaf_encoding)
        items = [list(v) for v in values]
        nodes, tree_index = flat_tree([leaf_hash(encoding, v) for v in items])
        tree = [bytes(nodes[i : i + 32]) for i in range(0, len(nodes), 32)]
        return cls(tree, [(v, tree_index[i]) for i, v in enumerate(items)], encoding)

    @property
    def root(self) -> bytes:
        """The 32-byte root to set on chain."""
        return self.tree[0]

    def proof(self, value: Sequence[Any]) -> list[bytes]:
        """The proof of ``value``, sibling hashes from the leaf up."""
        try:
            index = self.values[self._index[self._key(value)]][1]
        except KeyError:
            raise ValueNotInTree(value) from None
        proof = []
        while index > 0:
            proof.append(self.tree[index - 1 if index % 2 == 0 else index + 1])
            index = (index - 1) // 2
        return proof

    def verify(self, value: Sequence[Any], proof: Sequence[bytes]) -> bool:
        """Whether ``proof`` shows ``value`` under this tree's root."""
        return process_proof(leaf_hash(self.leaf_encoding, value), proof) == self.root

    def dump(self) -> dict[str, Any]:
        """The ``standard-v1`` JSON object that ``StandardMerkleTree.load`` accepts."""
        return {
            "format": "standard-v1",
            "leafEncoding": self.leaf_encoding,
            "tree": ["0x" + node.hex() for node in self.tree],
            "values": [
                {
                    "value": [
                        _json_value(t, f) for t, f in zip(self.leaf_encoding, v, strict=True)
                    ],
                    "treeIndex": i,
                }
                for v, i in self.values
            ],
        }

    @classmethod
    def load(cls, data: dict[str, Any]) -> StandardMerkleTree:
        """Read a ``standard-v1`` dump and check every node against the values."""
        if data.get("format") != "standard-v1":
            raise InvalidMerkleTree(f"unknown format {data.get('format')!r}")
        encoding = list(data["leafEncoding"])
        tree = [bytes.fromhex(node.removeprefix("0x")) for node in data["tree"]]
        values = [(list(v["value"]), int(v["treeIndex"])) for v in data["values"]]
        for value, index in values:
            if not 0 <= index < len(tree) or tree[index] != leaf_hash(encoding, value):
                raise InvalidMerkleTree(f"leaf {index} does not hash value {value!r}")
        for i in range(len(tree) - 1, -1, -1):
            if 2 * i + 2 < len(tree) and tree[i] != node_hash(tree[2 * i + 1], tree[2 * i + 2]):
                raise InvalidMerkleTree(f"node {i} is not the hash of its children")
        return cls(tree, values, encoding)

    def write(self, path: Path) -> None:
        """Write :meth:`dump` as JSON to ``path``."""
        path.write_text(json.dumps(self.dump(), indent=2) + "\n")

    def _key(self, value: Sequence[Any]) -> tuple[Any, ...]:
        return _abi_values(self.leaf_encoding, value)


def _abi_values(leaf_encoding: Sequence[str], value: Sequence[Any]) -> tuple[Any, ...]:
    """Every field of a leaf normalised; a leaf with more or fewer fields than its encoding is refused, since
    hashing it short (as a plain ``zip`` would) gives a leaf nobody can prove."""
    if len(value) != len(leaf_encoding):
        raise InvalidMerkleTree(
            f"leaf {list(value)!r} has {len(value)} fields, the encoding {list(leaf_encoding)} has "
            f"{len(leaf_encoding)}"
        )
    return tuple(_abi_value(t, v) for t, v in zip(leaf_encoding, value, strict=True))


def _abi_value(abi_type: str, value: Any) -> Any:
    """Normalise one field so that equal values encode and compare equal (checksums, decimal strings)."""
    if abi_type == "address":
        return to_checksum_address(value)
    if abi_type.startswith(("uint", "int")):
        return int(value, 0) if isinstance(value, str) else int(value)
    if abi_type.startswith("bytes") and isinstance(value, str):
        return bytes.fromhex(value.removeprefix("0x"))
    return value


def _json_value(abi_type: str, value: Any) -> Any:
    """One field as ``@openzeppelin/merkle-tree`` writes it: numbers as decimal strings, bytes as hex."""
    value = _abi_value(abi_type, value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value
