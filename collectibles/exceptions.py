"""Errors raised by the collectibles package: one base class, a subclass per problem."""


class CollectiblesError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidMerkleTree(CollectiblesError):
    """A Merkle tree dump or its values do not hold together."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"invalid Merkle tree: {reason}")


class ValueNotInTree(CollectiblesError):
    """A proof was asked for a value that is not a leaf of the tree."""

    def __init__(self, value: object):
        self.value = value
        super().__init__(f"value {value!r} is not in the Merkle tree")
