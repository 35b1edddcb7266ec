"""Merkle claims on chain: a series' claim root, setting it, and a member's claim with its proof.

The tree itself (building it, proofs, the claims folder) is pure and lives in
:mod:`collectibles.domain.claim_tree`; this module is what the contract's ``setMerkleRoot``, ``claim`` and
``isClaimed`` do with it. Each check that can fail is made before anything is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from collectibles.chain.mint import remaining_supply
from collectibles.domain.claim_tree import Claims
from collectibles.domain.errors import InvalidClaims

if TYPE_CHECKING:
    from ape.api import AccountAPI
    from ape.contracts import ContractInstance


def claim_root(nft: ContractInstance, series_id: int) -> bytes:
    """The claim root ``series_id`` has on chain (32 zero bytes when claims are not open).

    :class:`~collectibles.domain.errors.UnknownSeries` if there is no such series.
    """
    remaining_supply(nft, series_id)  # names a missing series instead of a bare revert
    return bytes(nft.series(series_id).merkleRoot)


def root_is_set(nft: ContractInstance, series_id: int, claims: Claims) -> bool:
    """Whether ``series_id`` already has the root and member count of ``claims``: then setting them would
    send nothing."""
    return claim_root(nft, series_id) == claims.root and int(nft.claimMembers(series_id)) == (
        claims.members
    )


@dataclass(frozen=True)
class RootChange:
    """What :func:`set_claim_root` did."""

    root: bytes
    changed: bool
    """False when the series already had this root and nothing was sent."""
    tx_hash: str = ""


def set_claim_root(
    nft: ContractInstance, series_id: int, claims: Claims, sender: AccountAPI
) -> RootChange:
    """Point ``series_id``'s claims at the root and member count of ``claims`` (MINTER_ROLE); a no-op when it
    already does."""
    if root_is_set(nft, series_id, claims):
        return RootChange(claims.root, changed=False)
    check_claimed_members_kept(nft, series_id, claims)
    receipt = nft.setMerkleRoot(series_id, claims.root, claims.members, sender=sender)
    return RootChange(claims.root, changed=True, tx_hash=str(receipt.txn_hash))


def check_claimed_members_kept(nft: ContractInstance, series_id: int, claims: Claims) -> None:
    """:class:`InvalidClaims` unless every member who already claimed in ``series_id`` has the same index in
    ``claims``.

    Claims are bits by leaf index, so a new root whose tree moved a member who claimed (a row added above
    them, say) would let them claim again at their new index, and lock out whoever took their old one. The
    series' ``Claimed`` events say who claimed at which index; each must still be that index's account.
    """
    if claim_root(nft, series_id) == bytes(32):
        return
    for log in nft.Claimed.range(
        0, nft.chain_manager.blocks.height + 1, search_topics={"seriesId": series_id}
    ):
        index, account = int(log.index), str(log.account)
        kept = index < claims.members and claims.tree.account(index).lower() == account.lower()
        if not kept:
            raise InvalidClaims(
                claims.folder,
                f"member {index} ({account}) already claimed in series {series_id} under the current root, and "
                "this tree puts another member there: a new root must keep every claimed member at its index "
                "(append new members at the end of the member file)",
            )


def is_claimed(nft: ContractInstance, series_id: int, index: int) -> bool:
    """Whether member ``index`` of ``series_id``'s claim tree has already claimed its token."""
    return bool(nft.isClaimed(series_id, index))


def check_claims_match(nft: ContractInstance, series_id: int, claims: Claims) -> None:
    """:class:`InvalidClaims` unless ``claims`` is the tree whose root ``series_id`` has on chain."""
    on_chain = claim_root(nft, series_id)
    if on_chain != claims.root:
        raise InvalidClaims(
            claims.folder,
            f"its root is not series {series_id}'s root on chain (0x{on_chain.hex()})",
        )


@dataclass(frozen=True)
class ClaimOutcome:
    """What :func:`claim` did."""

    member: str
    index: int
    """The member's leaf index in the tree."""
    claimed: bool
    """False when ``member`` had already claimed and nothing was sent."""
    token_id: int | None = None
    tx_hash: str = ""


def claim(
    nft: ContractInstance, series_id: int, claims: Claims, member: str, sender: AccountAPI
) -> ClaimOutcome:
    """Claim ``member``'s token of ``series_id`` with its proof from ``claims``; ``sender`` pays the gas.

    The proof and the root are checked first (:class:`~collectibles.domain.errors.MemberNotInClaims`,
    :class:`InvalidClaims`); a member who already claimed gets nothing sent.
    """
    index, proof = claims.member(member)
    check_claims_match(nft, series_id, claims)
    if is_claimed(nft, series_id, index):
        return ClaimOutcome(member, index, claimed=False)
    receipt = nft.claim(series_id, index, member, proof, sender=sender)
    token_id = int(receipt.events.filter(nft.Claimed)[0].tokenId)
    return ClaimOutcome(
        member, index, claimed=True, token_id=token_id, tx_hash=str(receipt.txn_hash)
    )
