"""Merkle claims: the minter sets a series' tree (root and member count), members (or anyone for them) claim one
token per leaf ``[index, address]``, recorded in a bitmap by index."""

import pytest
from eth_utils import keccak, to_checksum_address
from utils.logs import ZERO_ADDRESS, event_args
from utils.reverts import reverts

from collectibles.domain.claim_tree import build_tree
from collectibles.domain.merkle import process_proof
from collectibles.domain.tokens import SERIES_STRIDE, TransferPolicy

ZERO_ROOT = b"\x00" * 32


def tree_of(*accounts):
    return build_tree(a.address for a in accounts)


def index_of(tree, account):
    return tree.index_of(account.address)


def proof_of(tree, account):
    return tree.proof(index_of(tree, account))


def claim_for(collectible, series_id, tree, account, sender):
    """Claims ``account``'s leaf: its index, its address, its proof."""
    index = index_of(tree, account)
    return collectible.claim(series_id, index, account, tree.proof(index), sender=sender)


def set_tree(collectible, series_id, tree, minter):
    return collectible.setMerkleRoot(series_id, tree.root, tree.members, sender=minter)


@pytest.fixture
def members(fan, friend, operator):
    return [fan, friend, operator]


@pytest.fixture
def tree(members):
    return tree_of(*members)


@pytest.fixture
def open_series(collectible, free_series, tree, minter):
    """The free series with its claim tree set to ``tree``."""
    set_tree(collectible, free_series, tree, minter)
    return free_series


# ------------------------------------------------------------------ setMerkleRoot


def test_set_merkle_root__by_minter__stores_root_and_members_and_emits_event(
    collectible, free_series, tree, minter
):
    tx = set_tree(collectible, free_series, tree, minter)

    assert collectible.series(free_series).merkleRoot == tree.root
    assert collectible.claimMembers(free_series) == 3
    assert event_args(tx, collectible.MerkleRootUpdated) == [
        {"seriesId": free_series, "root": tree.root, "members": 3}
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
        collectible.setMerkleRoot(free_series, tree.root, tree.members, sender=caller)

    assert collectible.series(free_series).merkleRoot == ZERO_ROOT
    assert collectible.claimMembers(free_series) == 0


def test_set_merkle_root__unknown_series__reverts_unknown_series(collectible, tree, minter):
    unknown = collectible.seriesCount() + 1

    with reverts(collectible.CollectibleUnknownSeries, seriesId=unknown):
        set_tree(collectible, unknown, tree, minter)


# ------------------------------------------------------------------ claim


def test_claim__valid_proof_sent_by_stranger__mints_to_leaf_account(
    collectible, open_series, tree, fan, stranger
):
    token = open_series * SERIES_STRIDE + 1

    tx = claim_for(collectible, open_series, tree, fan, stranger)

    assert collectible.ownerOf(token) == fan.address
    assert collectible.balanceOf(fan) == 1
    assert collectible.balanceOf(stranger) == 0
    assert event_args(tx, collectible.Transfer) == [
        {"from": ZERO_ADDRESS, "to": fan.address, "tokenId": token}
    ]
    assert event_args(tx, collectible.Claimed) == [
        {"seriesId": open_series, "account": fan.address, "index": 0, "tokenId": token}
    ]
    assert collectible.isClaimed(open_series, 0) is True
    assert collectible.series(open_series).minted == 1


def test_claim__by_account_itself__mints_to_it(collectible, open_series, tree, friend):
    tx = claim_for(collectible, open_series, tree, friend, friend)

    token = open_series * SERIES_STRIDE + 1
    assert collectible.ownerOf(token) == friend.address
    assert event_args(tx, collectible.Claimed) == [
        {"seriesId": open_series, "account": friend.address, "index": 1, "tokenId": token}
    ]


def test_claim__every_member__gets_next_serial_and_its_bit(
    collectible, open_series, tree, members, stranger
):
    for serial, member in enumerate(members, start=1):
        claim_for(collectible, open_series, tree, member, stranger)

        assert collectible.ownerOf(open_series * SERIES_STRIDE + serial) == member.address
        assert collectible.tokenSeries(open_series * SERIES_STRIDE + serial) == (
            open_series,
            serial,
        )
    assert [collectible.isClaimed(open_series, i) for i in range(4)] == [True, True, True, False]


def test_is_claimed__before_any_claim__false(collectible, open_series):
    assert [collectible.isClaimed(open_series, i) for i in (0, 1, 2, 255, 256, 2**256 - 1)] == [
        False
    ] * 6


def test_claim__second_time__reverts_already_claimed_with_index(
    collectible, open_series, tree, fan, friend
):
    claim_for(collectible, open_series, tree, fan, fan)

    with reverts(collectible.CollectibleAlreadyClaimed, seriesId=open_series, index=0):
        claim_for(collectible, open_series, tree, fan, friend)

    assert collectible.balanceOf(fan) == 1


def test_claim__index_of_another_member__reverts_invalid_proof(
    collectible, open_series, tree, fan, friend
):
    # friend's index and proof, fan's address: the leaf [1, fan] is in no tree.
    with reverts(
        collectible.CollectibleInvalidProof, seriesId=open_series, index=1, account=fan.address
    ):
        collectible.claim(open_series, 1, fan, proof_of(tree, friend), sender=fan)

    assert collectible.isClaimed(open_series, 1) is False


def test_claim__own_index_with_another_members_proof__reverts_invalid_proof(
    collectible, open_series, tree, fan, friend
):
    with reverts(
        collectible.CollectibleInvalidProof, seriesId=open_series, index=0, account=fan.address
    ):
        collectible.claim(open_series, 0, fan, proof_of(tree, friend), sender=fan)


def test_claim__account_not_in_tree__reverts_invalid_proof(
    collectible, open_series, tree, fan, stranger
):
    with reverts(
        collectible.CollectibleInvalidProof, seriesId=open_series, index=0, account=stranger.address
    ):
        collectible.claim(open_series, 0, stranger, proof_of(tree, fan), sender=stranger)


@pytest.mark.parametrize("index", [3, 256, 2**256 - 1], ids=["members", "next-word", "max"])
def test_claim__index_out_of_range__reverts_index_out_of_range(
    collectible, open_series, tree, fan, index
):
    with reverts(
        collectible.CollectibleClaimIndexOutOfRange, seriesId=open_series, index=index, members=3
    ):
        collectible.claim(open_series, index, fan, proof_of(tree, fan), sender=fan)


def test_claim__empty_proof_in_larger_tree__reverts_invalid_proof(collectible, open_series, fan):
    with reverts(
        collectible.CollectibleInvalidProof, seriesId=open_series, index=0, account=fan.address
    ):
        collectible.claim(open_series, 0, fan, [], sender=fan)


def test_claim__tampered_proof__reverts_invalid_proof(collectible, open_series, tree, fan):
    proof = proof_of(tree, fan)
    proof[0] = bytes(31) + b"\x01"

    with reverts(
        collectible.CollectibleInvalidProof, seriesId=open_series, index=0, account=fan.address
    ):
        collectible.claim(open_series, 0, fan, proof, sender=fan)


def test_claim__proof_from_another_series_tree__reverts_invalid_proof(
    collectible, open_series, create_series, tree, minter, fan, friend, stranger
):
    other = create_series(name="Other")
    set_tree(collectible, other, tree_of(friend, stranger, fan), minter)

    # fan's [0, fan] proof is valid, but for the tree of open_series only (fan is leaf 2 of the other).
    with reverts(collectible.CollectibleInvalidProof, seriesId=other, index=0, account=fan.address):
        collectible.claim(other, 0, fan, proof_of(tree, fan), sender=fan)

    claim_for(collectible, open_series, tree, fan, fan)
    assert collectible.isClaimed(open_series, 0) is True
    assert collectible.isClaimed(other, 0) is False


def test_claim__single_member_tree_with_empty_proof__mints(collectible, free_series, minter, fan):
    set_tree(collectible, free_series, tree_of(fan), minter)

    collectible.claim(free_series, 0, fan, [], sender=fan)

    assert collectible.ownerOf(free_series * SERIES_STRIDE + 1) == fan.address


def test_claim__twenty_hash_proof_in_a_million_member_tree__mints_and_sets_its_bit(
    collectible, free_series, minter, fan
):
    # A leaf at depth 20 of a tree of 2**20 leaves, its other leaves unknown: only the path is needed.
    index = 999_999
    siblings = [keccak(text=f"sibling {depth}") for depth in range(20)]
    leaf = keccak(keccak(index.to_bytes(32, "big") + bytes(12) + bytes.fromhex(fan.address[2:])))
    collectible.setMerkleRoot(free_series, process_proof(leaf, siblings), 2**20, sender=minter)

    tx = collectible.claim(free_series, index, fan, siblings, sender=fan)

    assert event_args(tx, collectible.Claimed)[0]["index"] == index
    assert [collectible.isClaimed(free_series, i) for i in (index - 1, index, index + 1)] == [
        False,
        True,
        False,
    ]


def test_claim__neighbours_in_one_bitmap_word__each_claims_once(
    collectible, free_series, minter, fan
):
    # 300 leaves, claims at 254, 255 (the end of word 0) and 256 (the start of word 1), all fan's.
    addresses = [to_checksum_address(keccak(text=f"member {i}")[-20:]) for i in range(300)]
    for i in (254, 255, 256):
        addresses[i] = fan.address
    tree = build_tree(addresses)
    set_tree(collectible, free_series, tree, minter)

    for i in (255, 256, 254):
        collectible.claim(free_series, i, fan, tree.proof(i), sender=fan)
    for i in (254, 255, 256):
        with reverts(collectible.CollectibleAlreadyClaimed, seriesId=free_series, index=i):
            collectible.claim(free_series, i, fan, tree.proof(i), sender=fan)

    assert collectible.balanceOf(fan) == 3
    assert [collectible.isClaimed(free_series, i) for i in range(253, 258)] == [
        False,
        True,
        True,
        True,
        False,
    ]


def test_claim__no_root__reverts_claims_not_open(collectible, free_series, tree, fan):
    with reverts(collectible.CollectibleClaimsNotOpen, seriesId=free_series):
        claim_for(collectible, free_series, tree, fan, fan)


def test_claim__root_reset_to_zero__reverts_claims_not_open(
    collectible, open_series, tree, minter, fan
):
    collectible.setMerkleRoot(open_series, ZERO_ROOT, 0, sender=minter)

    with reverts(collectible.CollectibleClaimsNotOpen, seriesId=open_series):
        claim_for(collectible, open_series, tree, fan, fan)


def test_claim__unknown_series__reverts_unknown_series(collectible, tree, fan):
    unknown = collectible.seriesCount() + 1

    with reverts(collectible.CollectibleUnknownSeries, seriesId=unknown):
        claim_for(collectible, unknown, tree, fan, fan)


def test_claim__series_at_cap__reverts_max_supply_reached(
    collectible, create_series, tree, members, minter
):
    capped = create_series(name="Pair", max_supply=2)
    set_tree(collectible, capped, tree, minter)
    first, second, third = members
    claim_for(collectible, capped, tree, first, first)
    claim_for(collectible, capped, tree, second, second)

    with reverts(collectible.CollectibleMaxSupplyReached, seriesId=capped, maxSupply=2):
        claim_for(collectible, capped, tree, third, third)

    assert collectible.isClaimed(capped, 2) is False


def test_claim__closed_series__reverts_series_closed(collectible, open_series, tree, admin, fan):
    collectible.closeSeries(open_series, sender=admin)

    with reverts(collectible.CollectibleSeriesClosed, seriesId=open_series):
        claim_for(collectible, open_series, tree, fan, fan)


def test_claim__paused__reverts_enforced_pause_then_works_after_unpause(
    collectible, open_series, tree, admin, fan
):
    collectible.pause(sender=admin)

    with reverts(collectible.EnforcedPause):
        claim_for(collectible, open_series, tree, fan, fan)

    assert collectible.isClaimed(open_series, 0) is False
    collectible.unpause(sender=admin)
    claim_for(collectible, open_series, tree, fan, fan)
    assert collectible.isClaimed(open_series, 0) is True


def test_set_merkle_root__new_root__keeps_claimed_indices_claimed(
    collectible, open_series, tree, minter, fan, friend, stranger
):
    claim_for(collectible, open_series, tree, fan, fan)
    new_tree = tree_of(fan, stranger)

    set_tree(collectible, open_series, new_tree, minter)

    assert collectible.isClaimed(open_series, 0) is True
    assert collectible.claimMembers(open_series) == 2
    with reverts(collectible.CollectibleAlreadyClaimed, seriesId=open_series, index=0):
        claim_for(collectible, open_series, new_tree, fan, fan)
    with reverts(
        collectible.CollectibleInvalidProof, seriesId=open_series, index=1, account=friend.address
    ):
        claim_for(collectible, open_series, tree, friend, friend)
    claim_for(collectible, open_series, new_tree, stranger, stranger)
    assert collectible.ownerOf(open_series * SERIES_STRIDE + 2) == stranger.address


def test_claim__same_account_in_two_series__claims_each_once(
    collectible, open_series, create_series, tree, minter, fan
):
    other = create_series(name="Second Card")
    set_tree(collectible, other, tree, minter)

    claim_for(collectible, open_series, tree, fan, fan)
    claim_for(collectible, other, tree, fan, fan)

    assert collectible.balanceOf(fan) == 2
    assert collectible.isClaimed(open_series, 0) is True
    assert collectible.isClaimed(other, 0) is True


def test_claim__soulbound_series__emits_locked(collectible, badge_series, tree, minter, fan):
    set_tree(collectible, badge_series, tree, minter)

    tx = claim_for(collectible, badge_series, tree, fan, fan)

    token = badge_series * SERIES_STRIDE + 1
    assert event_args(tx, collectible.Locked) == [{"tokenId": token}]
    assert collectible.locked(token) is True


def test_claim__gift_series__starts_hold_at_claim(
    chain, collectible, gift_series, tree, minter, fan
):
    set_tree(collectible, gift_series, tree, minter)

    tx = claim_for(collectible, gift_series, tree, fan, fan)

    token = gift_series * SERIES_STRIDE + 1
    assert collectible.acquiredAt(token) == chain.provider.get_block(tx.block_number).timestamp


def test_claim__receiver_contract_account__delivers_and_calls_back(
    project, collectible, free_series, admin, minter
):
    receiver = admin.deploy(project.ReceiverMock)
    set_tree(collectible, free_series, tree_of(receiver), minter)

    collectible.claim(free_series, 0, receiver, [], sender=admin)

    assert collectible.ownerOf(free_series * SERIES_STRIDE + 1) == receiver.address
    assert receiver.received() == 1


def test_claim__non_receiver_contract_account__reverts_invalid_receiver(
    project, collectible, free_series, admin, minter
):
    non_receiver = admin.deploy(project.NonReceiverMock)
    set_tree(collectible, free_series, tree_of(non_receiver), minter)

    with reverts(collectible.ERC721InvalidReceiver, receiver=non_receiver.address):
        collectible.claim(free_series, 0, non_receiver, [], sender=admin)

    assert collectible.isClaimed(free_series, 0) is False
    assert collectible.series(free_series).minted == 0


def test_claim__policy_of_series__carried_by_claimed_token(
    collectible, create_series, tree, minter, fan
):
    gift = create_series(
        name="Claimed Gift", policy=TransferPolicy.GIFT_AFTER_HOLD, hold_seconds=60
    )
    set_tree(collectible, gift, tree, minter)

    claim_for(collectible, gift, tree, fan, fan)

    token = gift * SERIES_STRIDE + 1
    with reverts(collectible.CollectibleApprovalNotAllowed, tokenId=token):
        collectible.approve(minter, token, sender=fan)
