"""Themed digital collectibles on EVM chains: the Python side of the ``Collectible`` contract."""

from collectibles.domain.errors import CollectiblesError
from collectibles.domain.merkle import StandardMerkleTree
from collectibles.domain.tokens import TransferPolicy

__all__ = ["CollectiblesError", "StandardMerkleTree", "TransferPolicy"]
