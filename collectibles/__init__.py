"""Themed digital collectibles on EVM chains: the Python side of the ``Collectible`` contract."""

from collectibles.exceptions import CollectiblesError
from collectibles.merkle import StandardMerkleTree
from collectibles.policy import TransferPolicy

__all__ = ["CollectiblesError", "StandardMerkleTree", "TransferPolicy"]
