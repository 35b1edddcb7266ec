"""Token ids and transfer policies: the facts of ``Collectible`` that Python needs, and their words.

The numbers mirror the contract (``SERIES_STRIDE``, ``MAX_MINT_BATCH``, the ``TransferPolicy`` enum); they
live here, once, and ``tests/contracts/test_contract_facts.py`` compares each with the compiled contract, so
a change on one side fails the tests instead of drifting. The words of a policy (the CLI and catalogue
slug, the metadata trait, the card's label, the gallery's description) live beside its number.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

SERIES_STRIDE = 1_000_000
"""Token ids are ``series_id * SERIES_STRIDE + serial`` (``Collectible.SERIES_STRIDE``)."""

MAX_MINT_BATCH = 128
"""The largest ``mintBatch`` (``Collectible.MAX_MINT_BATCH``)."""


@dataclass(frozen=True)
class PolicyTerms:
    """How one transfer policy is named wherever people read it."""

    slug: str
    """CLI flags, catalogue files and the demo summary: ``free``, ``gift``, ``soulbound``."""
    trait: str
    """The ``Transfer Policy`` attribute of token metadata (changing it changes published CIDs)."""
    card: str
    """The line drawn on the card (changing it changes the artwork's bytes)."""
    description: str
    """The gallery's longer wording."""


class TransferPolicy(IntEnum):
    """Who may move a token; the values are the Solidity enum's (``ICollectible.TransferPolicy``)."""

    FREE = 0
    """Standard ERC-721 transfers."""
    GIFT_AFTER_HOLD = 1
    """Only the owner may transfer, once the series' hold period since acquisition is over."""
    SOULBOUND = 2
    """Never transferable (ERC-5192)."""

    @property
    def terms(self) -> PolicyTerms:
        """The words for this policy."""
        return _TERMS[self]

    @property
    def slug(self) -> str:
        """The short name used by flags and catalogues."""
        return _TERMS[self].slug

    @classmethod
    def parse(cls, text: str) -> TransferPolicy:
        """Read a policy from its slug: ``free``, ``gift`` or ``soulbound``."""
        wanted = text.strip().lower()
        for policy, terms in _TERMS.items():
            if terms.slug == wanted:
                return policy
        slugs = ", ".join(t.slug for t in _TERMS.values())
        raise ValueError(f"unknown transfer policy {text!r}: use one of {slugs}")


_TERMS = {
    TransferPolicy.FREE: PolicyTerms(
        slug="free",
        trait="Free",
        card="Freely transferable",
        description="Freely transferable",
    ),
    TransferPolicy.GIFT_AFTER_HOLD: PolicyTerms(
        slug="gift",
        trait="Gift after hold",
        card="Giftable after hold",
        description="Gift only, after a hold",
    ),
    TransferPolicy.SOULBOUND: PolicyTerms(
        slug="soulbound",
        trait="Soulbound",
        card="Soulbound",
        description="Soulbound (never transferable)",
    ),
}


def token_id(series_id: int, serial: int) -> int:
    """The token id of ``serial`` (1-based) in series ``series_id``."""
    if not 1 <= serial < SERIES_STRIDE:
        raise ValueError(f"serial {serial} is outside 1..{SERIES_STRIDE - 1}")
    return series_id * SERIES_STRIDE + serial


def split_token_id(token: int) -> tuple[int, int]:
    """The ``(series_id, serial)`` a token id encodes."""
    return divmod(token, SERIES_STRIDE)
