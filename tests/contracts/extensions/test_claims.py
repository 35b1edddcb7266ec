"""Merkle claims: the minter sets a series' root, members (or anyone for them) claim one token each."""

import pytest
from utils.logs import ZERO_ADDRESS, event_args
from utils.reverts import reverts

from collectibles.domain.merkle import StandardMerkleTree
from collectibles.domain.tokens import SERIES_STRIDE, TransferPolicy

ZERO_ROOT = b"\x00" * 32


def tree_of(*accounts):
    return StandardMerkleTree.of([[a.address] for a in accounts], ["address"])


def proof_of(tree, account):
    return tree.proof([account.address])


@pytest.fixture
def members(fan, friend, operator):
    return [fan, friend, operator]


@pytest.fixture
def tree(members):
    return tree_of(*members)


@pytest.fixture
def open_series(collectible, free_series, tree, minter):
    """The free series with its claim root set to ``tree``."""
    collectible.setMerkleRoot(free_series, tree.root, sender=minter)
    return free_series


# ------------------------------------------------------------------ setMerkleRoot


def test_set_merkle_root__by_minter__stores_root_and_emits_event(
    collectible, free_series, tree, minter
):
    tx = collectible.setMerkleRoot(free_series, tree.root, sender=minter)

    assert collectible.series(free_series).merkleRoot == tree.root
    assert event_args(tx, collectible.MerkleRootUpdated) == [
        {"seriesId": free_series, "root": tree.root}
    ]


@pytest.mark.parametrize("caller_name", ["admin", "curator", "stranger", "fan"])
def test_set_merkle_root__without_minter_role__reverts_unauthorized(
    request, collectible, free_series, tree, caller_name
):
    caller = request.getfixturevalue(caller_name)

    with reverts(
        collectible.AccessControlUnauthorizedAccount,
        account=caller.address,
        neededRole=collectible.MINTER_ROLE(),
    ):
        collectible.setMerkleRoot(free_series, tree.root, sender=caller)

    assert collectible.series(free_series).merkleRoot == ZERO_ROOT


def test_set_merkle_root__unknown_series__reverts_unknown_series(collectible, tree, minter):
    unknown = collectible.seriesCount() + 1

    with reverts(collectible.CollectibleUnknownSeries, seriesId=unknown):
        collectible.setMerkleRoot(unknown, tree.root, sender=minter)


# ------------------------------------------------------------------ claim


def test_claim__valid_proof_sent_by_stranger__mints_to_account(
    collectible, open_series, tree, fan, stranger
):
    token = open_series * SERIES_STRIDE + 1

    tx = collectible.claim(open_series, fan, proof_of(tree, fan), sender=stranger)

    assert collectible.ownerOf(token) == fan.address
    assert collectible.balanceOf(fan) == 1
    assert collectible.balanceOf(stranger) == 0
    assert event_args(tx, collectible.Transfer) == [
        {"from": ZERO_ADDRESS, "to": fan.address, "tokenId": token}
    ]
    assert event_args(tx, collectible.Claimed) == [
        {"seriesId": open_series, "account": fan.address, "tokenId": token}
    ]
    assert collectible.hasClaimed(open_series, fan) is True
    assert collectible.series(open_series).minted == 1


def test_claim__by_account_itself__mints_to_it(collectible, open_series, tree, friend):
    tx = collectible.claim(open_series, friend, proof_of(tree, friend), sender=friend)

    token = open_series * SERIES_STRIDE + 1
    assert collectible.ownerOf(token) == friend.address
    assert event_args(tx, collectible.Claimed) == [
        {"seriesId": open_series, "account": friend.address, "tokenId": token}
    ]


def test_claim__every_member__gets_next_serial(collectible, open_series, tree, members, stranger):
    for serial, member in enumerate(members, start=1):
        collectible.claim(open_series, member, proof_of(tree, member), sender=stranger)

        assert collectible.ownerOf(open_series * SERIES_STRIDE + serial) == member.address
        assert collectible.tokenSeries(open_series * SERIES_STRIDE + serial) == (
            open_series,
            serial,
        )
    assert [collectible.hasClaimed(open_series, m) for m in members] == [True, True, True]


def test_has_claimed__before_any_claim__false(collectible, open_series, members, stranger):
    assert [collectible.hasClaimed(open_series, a) for a in [*members, stranger]] == [False] * 4


def test_claim__second_time__reverts_already_claimed(collectible, open_series, tree, fan):
    proof = proof_of(tree, fan)
    collectible.claim(open_series, fan, proof, sender=fan)

    with reverts(collectible.CollectibleAlreadyClaimed, seriesId=open_series, account=fan.address):
        collectible.claim(open_series, fan, proof, sender=fan)

    assert collectible.balanceOf(fan) == 1


def test_claim__proof_of_another_member__reverts_invalid_proof(
    collectible, open_series, tree, fan, friend
):
    with reverts(collectible.CollectibleInvalidProof, seriesId=open_series, account=fan.address):
        collectible.claim(open_series, fan, proof_of(tree, friend), sender=fan)

    assert collectible.hasClaimed(open_series, fan) is False


def test_claim__account_not_in_tree__reverts_invalid_proof(
    collectible, open_series, tree, fan, stranger
):
    with reverts(
        collectible.CollectibleInvalidProof, seriesId=open_series, account=stranger.address
    ):
        collectible.claim(open_series, stranger, proof_of(tree, fan), sender=stranger)


def test_claim__empty_proof_in_larger_tree__reverts_invalid_proof(collectible, open_series, fan):
    with reverts(collectible.CollectibleInvalidProof, seriesId=open_series, account=fan.address):
        collectible.claim(open_series, fan, [], sender=fan)


def test_claim__tampered_proof__reverts_invalid_proof(collectible, open_series, tree, fan):
    proof = proof_of(tree, fan)
    proof[0] = bytes(31) + b"\x01"

    with reverts(collectible.CollectibleInvalidProof, seriesId=open_series, account=fan.address):
        collectible.claim(open_series, fan, proof, sender=fan)


def test_claim__proof_from_another_series_tree__reverts_invalid_proof(
    collectible, open_series, create_series, tree, minter, fan, friend, stranger
):
    other = create_series(name="Other")
    collectible.setMerkleRoot(other, tree_of(friend, stranger).root, sender=minter)

    # fan's proof is valid, but for the tree of open_series only.
    with reverts(collectible.CollectibleInvalidProof, seriesId=other, account=fan.address):
        collectible.claim(other, fan, proof_of(tree, fan), sender=fan)

    collectible.claim(open_series, fan, proof_of(tree, fan), sender=fan)
    assert collectible.hasClaimed(open_series, fan) is True
    assert collectible.hasClaimed(other, fan) is False


def test_claim__single_member_tree_with_empty_proof__mints(collectible, free_series, minter, fan):
    collectible.setMerkleRoot(free_series, tree_of(fan).root, sender=minter)

    collectible.claim(free_series, fan, [], sender=fan)

    assert collectible.ownerOf(free_series * SERIES_STRIDE + 1) == fan.address


def test_claim__no_root__reverts_claims_not_open(collectible, free_series, tree, fan):
    with reverts(collectible.CollectibleClaimsNotOpen, seriesId=free_series):
        collectible.claim(free_series, fan, proof_of(tree, fan), sender=fan)


def test_claim__root_reset_to_zero__reverts_claims_not_open(
    collectible, open_series, tree, minter, fan
):
    collectible.setMerkleRoot(open_series, ZERO_ROOT, sender=minter)

    with reverts(collectible.CollectibleClaimsNotOpen, seriesId=open_series):
        collectible.claim(open_series, fan, proof_of(tree, fan), sender=fan)


def test_claim__unknown_series__reverts_unknown_series(collectible, tree, fan):
    unknown = collectible.seriesCount() + 1

    with reverts(collectible.CollectibleUnknownSeries, seriesId=unknown):
        collectible.claim(unknown, fan, proof_of(tree, fan), sender=fan)


def test_claim__series_at_cap__reverts_max_supply_reached(
    collectible, create_series, tree, members, minter
):
    capped = create_series(name="Pair", max_supply=2)
    collectible.setMerkleRoot(capped, tree.root, sender=minter)
    first, second, third = members
    collectible.claim(capped, first, proof_of(tree, first), sender=first)
    collectible.claim(capped, second, proof_of(tree, second), sender=second)

    with reverts(collectible.CollectibleMaxSupplyReached, seriesId=capped, maxSupply=2):
        collectible.claim(capped, third, proof_of(tree, third), sender=third)

    assert collectible.hasClaimed(capped, third) is False


def test_claim__closed_series__reverts_series_closed(collectible, open_series, tree, admin, fan):
    collectible.closeSeries(open_series, sender=admin)

    with reverts(collectible.CollectibleSeriesClosed, seriesId=open_series):
        collectible.claim(open_series, fan, proof_of(tree, fan), sender=fan)


def test_claim__paused__reverts_enforced_pause_then_works_after_unpause(
    collectible, open_series, tree, admin, fan
):
    collectible.pause(sender=admin)

    with reverts(collectible.EnforcedPause):
        collectible.claim(open_series, fan, proof_of(tree, fan), sender=fan)

    assert collectible.hasClaimed(open_series, fan) is False
    collectible.unpause(sender=admin)
    collectible.claim(open_series, fan, proof_of(tree, fan), sender=fan)
    assert collectible.hasClaimed(open_series, fan) is True


def test_set_merkle_root__new_root__keeps_claimed_accounts_claimed(
    collectible, open_series, tree, minter, fan, friend, stranger
):
    collectible.claim(open_series, fan, proof_of(tree, fan), sender=fan)
    new_tree = tree_of(fan, stranger)

    collectible.setMerkleRoot(open_series, new_tree.root, sender=minter)

    assert collectible.hasClaimed(open_series, fan) is True
    with reverts(collectible.CollectibleAlreadyClaimed, seriesId=open_series, account=fan.address):
        collectible.claim(open_series, fan, proof_of(new_tree, fan), sender=fan)
    with reverts(collectible.CollectibleInvalidProof, seriesId=open_series, account=friend.address):
        collectible.claim(open_series, friend, proof_of(tree, friend), sender=friend)
    collectible.claim(open_series, stranger, proof_of(new_tree, stranger), sender=stranger)
    assert collectible.ownerOf(open_series * SERIES_STRIDE + 2) == stranger.address


def test_claim__same_account_in_two_series__claims_each_once(
    collectible, open_series, create_series, tree, minter, fan
):
    other = create_series(name="Second Card")
    collectible.setMerkleRoot(other, tree.root, sender=minter)

    collectible.claim(open_series, fan, proof_of(tree, fan), sender=fan)
    collectible.claim(other, fan, proof_of(tree, fan), sender=fan)

    assert collectible.balanceOf(fan) == 2
    assert collectible.hasClaimed(open_series, fan) is True
    assert collectible.hasClaimed(other, fan) is True


def test_claim__soulbound_series__emits_locked(collectible, badge_series, tree, minter, fan):
    collectible.setMerkleRoot(badge_series, tree.root, sender=minter)

    tx = collectible.claim(badge_series, fan, proof_of(tree, fan), sender=fan)

    token = badge_series * SERIES_STRIDE + 1
    assert event_args(tx, collectible.Locked) == [{"tokenId": token}]
    assert collectible.locked(token) is True


def test_claim__gift_series__starts_hold_at_claim(
    chain, collectible, gift_series, tree, minter, fan
):
    collectible.setMerkleRoot(gift_series, tree.root, sender=minter)

    tx = collectible.claim(gift_series, fan, proof_of(tree, fan), sender=fan)

    token = gift_series * SERIES_STRIDE + 1
    assert collectible.acquiredAt(token) == chain.provider.get_block(tx.block_number).timestamp


def test_claim__receiver_contract_account__delivers_and_calls_back(
    project, collectible, free_series, admin, minter
):
    receiver = admin.deploy(project.ReceiverMock)
    contract_tree = tree_of(receiver)
    collectible.setMerkleRoot(free_series, contract_tree.root, sender=minter)

    collectible.claim(free_series, receiver, [], sender=admin)

    assert collectible.ownerOf(free_series * SERIES_STRIDE + 1) == receiver.address
    assert receiver.received() == 1


def test_claim__non_receiver_contract_account__reverts_invalid_receiver(
    project, collectible, free_series, admin, minter
):
    non_receiver = admin.deploy(project.NonReceiverMock)
    collectible.setMerkleRoot(free_series, tree_of(non_receiver).root, sender=minter)

    with reverts(collectible.ERC721InvalidReceiver, receiver=non_receiver.address):
        collectible.claim(free_series, non_receiver, [], sender=admin)

    assert collectible.hasClaimed(free_series, non_receiver) is False
    assert collectible.series(free_series).minted == 0


def test_claim__policy_of_series__carried_by_claimed_token(
    collectible, create_series, tree, minter, fan
):
    gift = create_series(
        name="Claimed Gift", policy=TransferPolicy.GIFT_AFTER_HOLD, hold_seconds=60
    )
    collectible.setMerkleRoot(gift, tree.root, sender=minter)

    collectible.claim(gift, fan, proof_of(tree, fan), sender=fan)

    token = gift * SERIES_STRIDE + 1
    with reverts(collectible.CollectibleApprovalNotAllowed, tokenId=token):
        collectible.approve(minter, token, sender=fan)
