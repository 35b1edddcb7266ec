"""collectibles/chain/claims.py: a series' claim root and members' claims, checked before anything is sent."""

import pytest
from utils.reverts import reverts

from collectibles.chain.claims import (
    check_claims_match,
    claim,
    claim_root,
    is_claimed,
    root_is_set,
    set_claim_root,
)
from collectibles.domain.claim_tree import build_tree, file_sha256, load_claims, write_claims
from collectibles.domain.errors import InvalidClaims, MemberNotInClaims, UnknownSeries


@pytest.fixture
def claims_of(tmp_path):
    """Returns a builder: the claims folder of some addresses, written and read back."""

    def build(*members, name="claims"):
        folder = tmp_path / name
        source = tmp_path / f"{name}.csv"
        source.write_text("address\n" + "".join(f"{m.address}\n" for m in members))
        addresses = [m.address for m in members]
        write_claims(build_tree(addresses), addresses, folder, source, file_sha256(source))
        return load_claims(folder)

    return build


def test_set_claim_root__new_root__sent_then_rerun_sends_nothing(
    collectible, free_series, minter, fan, friend, claims_of
):
    claims = claims_of(fan, friend)
    assert claim_root(collectible, free_series) == bytes(32)
    assert not root_is_set(collectible, free_series, claims)

    first = set_claim_root(collectible, free_series, claims, minter)
    again = set_claim_root(collectible, free_series, claims, minter)

    assert (first.changed, first.root) == (True, claims.root)
    assert first.tx_hash.startswith("0x")
    assert (again.changed, again.tx_hash) == (False, "")
    assert claim_root(collectible, free_series) == claims.root
    assert root_is_set(collectible, free_series, claims)


def test_set_claim_root__without_minter_role__reverts_unauthorized(
    collectible, free_series, stranger, fan, claims_of
):
    with reverts(
        collectible.AccessControlUnauthorizedAccount,
        account=stranger.address,
        neededRole=collectible.MINTER_ROLE(),
    ):
        set_claim_root(collectible, free_series, claims_of(fan), stranger)


def test_claim_root__unknown_series__named(collectible):
    with pytest.raises(UnknownSeries):
        claim_root(collectible, 42)


def test_claim__member_of_tree__token_minted_once(
    collectible, free_series, minter, fan, friend, stranger, claims_of
):
    claims = claims_of(fan, friend)
    set_claim_root(collectible, free_series, claims, minter)

    outcome = claim(collectible, free_series, claims, fan.address, stranger)
    rerun = claim(collectible, free_series, claims, fan.address, stranger)

    assert outcome.claimed
    assert collectible.ownerOf(outcome.token_id) == fan.address
    assert outcome.index == 0
    assert is_claimed(collectible, free_series, 0)
    assert not is_claimed(collectible, free_series, 1)
    assert (rerun.claimed, rerun.token_id, rerun.tx_hash) == (False, None, "")
    assert collectible.balanceOf(fan) == 1


def test_claim__member_not_in_tree__refused_before_sending(
    collectible, free_series, minter, fan, friend, stranger, claims_of
):
    claims = claims_of(fan)
    set_claim_root(collectible, free_series, claims, minter)

    with pytest.raises(MemberNotInClaims):
        claim(collectible, free_series, claims, friend.address, stranger)


def test_claim__folder_of_another_tree__invalid_claims(
    collectible, free_series, minter, fan, friend, stranger, claims_of
):
    set_claim_root(collectible, free_series, claims_of(fan, friend), minter)
    other = claims_of(fan, name="other")

    with pytest.raises(InvalidClaims, match="not series"):
        check_claims_match(collectible, free_series, other)
    with pytest.raises(InvalidClaims, match="not series"):
        claim(collectible, free_series, other, fan.address, stranger)
    assert not is_claimed(collectible, free_series, 0)


def test_set_claim_root__same_root_other_member_count__sent_again(
    collectible, free_series, minter, fan, friend, claims_of
):
    claims = claims_of(fan, friend)
    collectible.setMerkleRoot(free_series, claims.root, 7, sender=minter)
    assert not root_is_set(collectible, free_series, claims)

    change = set_claim_root(collectible, free_series, claims, minter)

    assert change.changed
    assert collectible.claimMembers(free_series) == 2
    assert root_is_set(collectible, free_series, claims)


def test_set_claim_root__tree_moves_a_member_who_claimed__refused_nothing_sent(
    collectible, free_series, minter, fan, friend, stranger, claims_of
):
    first = claims_of(fan, friend, name="first")
    set_claim_root(collectible, free_series, first, minter)
    claim(collectible, free_series, first, fan.address, stranger)
    moved = claims_of(stranger, fan, friend, name="moved")  # fan was member 0, would be member 1

    with pytest.raises(InvalidClaims, match=r"member 0 .* already claimed"):
        set_claim_root(collectible, free_series, moved, minter)

    assert claim_root(collectible, free_series) == first.root


def test_set_claim_root__members_appended_after_a_claim__accepted(
    collectible, free_series, minter, fan, friend, stranger, claims_of
):
    first = claims_of(fan, friend, name="first")
    set_claim_root(collectible, free_series, first, minter)
    claim(collectible, free_series, first, fan.address, stranger)
    grown = claims_of(fan, friend, stranger, name="grown")

    assert set_claim_root(collectible, free_series, grown, minter).changed
    assert claim(collectible, free_series, grown, stranger.address, stranger).claimed
    assert not claim(collectible, free_series, grown, fan.address, stranger).claimed
