"""Minting: ``mint`` (one serial) and ``mintBatch`` (a run of serials with one ownership slot).

A run written by ``mintBatch`` stores only its first token's owner; every other token's owner is found by
scanning back. The run tests therefore check every token, the middle and the last ones included, and the
tokens minted on either side of the run.
"""

import pytest
from utils.chain_time import block_timestamp
from utils.logs import ZERO_ADDRESS, event_args
from utils.reverts import reverts

from collectibles.domain.tokens import TransferPolicy, split_token_id, token_id

FREE, GIFT, SOULBOUND = (
    TransferPolicy.FREE,
    TransferPolicy.GIFT_AFTER_HOLD,
    TransferPolicy.SOULBOUND,
)
MAX_MINT_BATCH = 128


@pytest.fixture
def series_of(free_series, gift_series, badge_series):
    return {FREE: free_series, GIFT: gift_series, SOULBOUND: badge_series}


@pytest.fixture
def small_series(create_series):
    """A free series with a cap of 3."""
    return create_series(name="Limited", max_supply=3, policy=FREE)


POLICIES = [
    pytest.param(FREE, id="free"),
    pytest.param(GIFT, id="gift"),
    pytest.param(SOULBOUND, id="soulbound"),
]


# ------------------------------------------------------------------ mint


def test_mint__first_token__id_is_series_stride_plus_one(collectible, minter, free_series, fan):
    tx = collectible.mint(free_series, fan, sender=minter)

    token = free_series * 1_000_000 + 1
    assert event_args(tx, collectible.Transfer) == [
        {"from": ZERO_ADDRESS, "to": fan.address, "tokenId": token}
    ]
    assert collectible.ownerOf(token) == fan.address
    assert collectible.balanceOf(fan) == 1
    assert collectible.tokenSeries(token) == (free_series, 1)
    assert collectible.series(free_series).minted == 1


def test_mint__return_value__next_token_id(collectible, minter, free_series, mint_to, fan):
    mint_to(free_series, fan)

    assert collectible.mint.call(free_series, fan, sender=minter) == token_id(free_series, 2)


def test_mint__repeated__serials_sequential(collectible, free_series, mint_to, fan, friend):
    tokens = [mint_to(free_series, to) for to in (fan, friend, fan, friend, fan)]

    assert tokens == [token_id(free_series, serial) for serial in range(1, 6)]
    assert [collectible.tokenSeries(t) for t in tokens] == [(free_series, s) for s in range(1, 6)]
    assert [collectible.ownerOf(t) for t in tokens] == [
        a.address for a in (fan, friend, fan, friend, fan)
    ]
    assert collectible.balanceOf(fan) == 3
    assert collectible.balanceOf(friend) == 2


def test_mint__any_token__acquired_at_is_block_timestamp(
    chain, collectible, minter, gift_series, fan
):
    chain.mine(deltatime=1234)
    tx = collectible.mint(gift_series, fan, sender=minter)

    assert collectible.acquiredAt(token_id(gift_series, 1)) == block_timestamp(chain, tx)


@pytest.mark.parametrize("policy", POLICIES)
def test_mint__each_policy__locked_event_only_for_soulbound(
    collectible, minter, series_of, fan, policy
):
    series_id = series_of[policy]

    tx = collectible.mint(series_id, fan, sender=minter)

    token = token_id(series_id, 1)
    expected = [{"tokenId": token}] if policy == SOULBOUND else []
    assert event_args(tx, collectible.Locked) == expected
    assert collectible.locked(token) is (policy == SOULBOUND)


def test_mint__up_to_cap__serials_one_to_cap(collectible, small_series, mint_to, fan):
    tokens = [mint_to(small_series, fan) for _ in range(3)]

    assert [split_token_id(t) for t in tokens] == [
        (small_series, 1),
        (small_series, 2),
        (small_series, 3),
    ]


def test_mint__past_cap__reverts_max_supply_reached(
    collectible, minter, small_series, mint_to, fan
):
    for _ in range(3):
        mint_to(small_series, fan)

    with reverts(collectible.CollectibleMaxSupplyReached, seriesId=small_series, maxSupply=3):
        collectible.mint(small_series, fan, sender=minter)

    assert collectible.series(small_series).minted == 3
    assert collectible.balanceOf(fan) == 3


def test_mint__zero_address__reverts_invalid_receiver(collectible, minter, free_series):
    with reverts(collectible.ERC721InvalidReceiver, receiver=ZERO_ADDRESS):
        collectible.mint(free_series, ZERO_ADDRESS, sender=minter)

    assert collectible.series(free_series).minted == 0


def test_mint__contract_without_receiver_hook__reverts_invalid_receiver(
    collectible, minter, free_series, non_receiver
):
    with reverts(collectible.ERC721InvalidReceiver, receiver=non_receiver.address):
        collectible.mint(free_series, non_receiver, sender=minter)

    assert collectible.series(free_series).minted == 0


def test_mint__receiver_contract__called_once_and_owns(collectible, minter, free_series, receiver):
    collectible.mint(free_series, receiver, sender=minter)

    assert receiver.received() == 1
    assert collectible.ownerOf(token_id(free_series, 1)) == receiver.address


def test_mint__paused__reverts_enforced_pause(collectible, admin, minter, free_series, fan):
    collectible.pause(sender=admin)

    with reverts(collectible.EnforcedPause):
        collectible.mint(free_series, fan, sender=minter)


def test_mint__unpaused_again__mints(collectible, admin, free_series, mint_to, fan):
    collectible.pause(sender=admin)
    collectible.unpause(sender=admin)

    assert mint_to(free_series, fan) == token_id(free_series, 1)


@pytest.mark.parametrize("caller", ["admin", "curator", "fan", "stranger"])
def test_mint__without_minter_role__reverts_unauthorized(
    collectible, free_series, fan, caller, request
):
    account = request.getfixturevalue(caller)

    with reverts(
        collectible.AccessControlUnauthorizedAccount,
        account=account.address,
        neededRole=collectible.MINTER_ROLE(),
    ):
        collectible.mint(free_series, fan, sender=account)
    with reverts(
        collectible.AccessControlUnauthorizedAccount,
        account=account.address,
        neededRole=collectible.MINTER_ROLE(),
    ):
        collectible.mintBatch(free_series, fan, 2, sender=account)


def test_mint__minter_role_granted_then_revoked__follows_role(
    collectible, admin, free_series, stranger, fan
):
    role = collectible.MINTER_ROLE()
    collectible.grantRole(role, stranger, sender=admin)
    collectible.mint(free_series, fan, sender=stranger)
    collectible.revokeRole(role, stranger, sender=admin)

    with reverts(
        collectible.AccessControlUnauthorizedAccount, account=stranger.address, neededRole=role
    ):
        collectible.mint(free_series, fan, sender=stranger)
    assert collectible.ownerOf(token_id(free_series, 1)) == fan.address


# ------------------------------------------------------------------ mintBatch


def test_mint_batch__run_of_five__every_token_owned(chain, collectible, minter, free_series, fan):
    tx = collectible.mintBatch(free_series, fan, 5, sender=minter)

    tokens = [token_id(free_series, serial) for serial in range(1, 6)]
    assert event_args(tx, collectible.Transfer) == [
        {"from": ZERO_ADDRESS, "to": fan.address, "tokenId": t} for t in tokens
    ]
    assert [collectible.ownerOf(t) for t in tokens] == [fan.address] * 5
    assert [collectible.tokenSeries(t) for t in tokens] == [(free_series, s) for s in range(1, 6)]
    assert [collectible.acquiredAt(t) for t in tokens] == [block_timestamp(chain, tx)] * 5
    assert collectible.balanceOf(fan) == 5
    assert collectible.series(free_series).minted == 5
    with reverts(collectible.ERC721NonexistentToken, tokenId=token_id(free_series, 6)):
        collectible.ownerOf(token_id(free_series, 6))


def test_mint_batch__return_value__first_token_id(collectible, minter, free_series, mint_to, fan):
    mint_to(free_series, fan)

    assert collectible.mintBatch.call(free_series, fan, 4, sender=minter) == token_id(
        free_series, 2
    )


def test_mint_batch__between_single_mints__neighbours_keep_owners(
    collectible, minter, free_series, mint_to, fan, friend
):
    before = mint_to(free_series, friend)
    collectible.mintBatch(free_series, fan, 4, sender=minter)
    after = mint_to(free_series, friend)

    assert (before, after) == (token_id(free_series, 1), token_id(free_series, 6))
    assert collectible.ownerOf(before) == friend.address
    assert [collectible.ownerOf(token_id(free_series, s)) for s in range(2, 6)] == [fan.address] * 4
    assert collectible.ownerOf(after) == friend.address
    assert collectible.balanceOf(fan) == 4
    assert collectible.balanceOf(friend) == 2


def test_mint_batch__two_runs_back_to_back__each_run_owned_by_its_recipient(
    collectible, minter, free_series, fan, friend
):
    collectible.mintBatch(free_series, fan, 3, sender=minter)
    collectible.mintBatch(free_series, friend, 3, sender=minter)

    owners = [collectible.ownerOf(token_id(free_series, s)) for s in range(1, 7)]
    assert owners == [fan.address] * 3 + [friend.address] * 3


def test_mint_batch__quantity_one__same_as_mint(collectible, minter, free_series, fan, friend):
    collectible.mintBatch(free_series, fan, 1, sender=minter)
    collectible.mintBatch(free_series, friend, 1, sender=minter)

    assert collectible.ownerOf(token_id(free_series, 1)) == fan.address
    assert collectible.ownerOf(token_id(free_series, 2)) == friend.address
    collectible.transferFrom(fan, friend, token_id(free_series, 1), sender=fan)
    assert collectible.ownerOf(token_id(free_series, 2)) == friend.address
    assert collectible.balanceOf(friend) == 2


def test_mint_batch__max_batch__every_token_owned(collectible, minter, create_series, fan):
    series_id = create_series(name="Treasury", max_supply=MAX_MINT_BATCH)

    tx = collectible.mintBatch(series_id, fan, MAX_MINT_BATCH, sender=minter)

    assert len(tx.events.filter(collectible.Transfer)) == MAX_MINT_BATCH
    assert collectible.MAX_MINT_BATCH() == MAX_MINT_BATCH
    for serial in (1, 2, 64, 127, 128):
        assert collectible.ownerOf(token_id(series_id, serial)) == fan.address
    assert collectible.balanceOf(fan) == MAX_MINT_BATCH


@pytest.mark.parametrize("quantity", [0, MAX_MINT_BATCH + 1, 10**6])
def test_mint_batch__quantity_out_of_range__reverts_invalid_quantity(
    collectible, minter, free_series, fan, quantity
):
    with reverts(collectible.CollectibleInvalidQuantity, quantity=quantity):
        collectible.mintBatch(free_series, fan, quantity, sender=minter)

    assert collectible.series(free_series).minted == 0


def test_mint_batch__larger_than_cap__reverts_max_supply_reached(
    collectible, minter, small_series, fan
):
    with reverts(collectible.CollectibleMaxSupplyReached, seriesId=small_series, maxSupply=3):
        collectible.mintBatch(small_series, fan, 4, sender=minter)

    assert collectible.series(small_series).minted == 0


def test_mint_batch__larger_than_room_left__reverts_max_supply_reached(
    collectible, minter, small_series, mint_to, fan
):
    mint_to(small_series, fan)

    with reverts(collectible.CollectibleMaxSupplyReached, seriesId=small_series, maxSupply=3):
        collectible.mintBatch(small_series, fan, 3, sender=minter)

    collectible.mintBatch(small_series, fan, 2, sender=minter)
    assert collectible.series(small_series).minted == 3
    assert collectible.ownerOf(token_id(small_series, 3)) == fan.address


def test_mint_batch__zero_address__reverts_invalid_receiver(collectible, minter, free_series):
    with reverts(collectible.ERC721InvalidReceiver, receiver=ZERO_ADDRESS):
        collectible.mintBatch(free_series, ZERO_ADDRESS, 3, sender=minter)


def test_mint_batch__contract_without_receiver_hook__reverts_invalid_receiver(
    collectible, minter, free_series, non_receiver
):
    with reverts(collectible.ERC721InvalidReceiver, receiver=non_receiver.address):
        collectible.mintBatch(free_series, non_receiver, 3, sender=minter)

    assert collectible.series(free_series).minted == 0


def test_mint_batch__receiver_contract__called_once_per_token(
    collectible, minter, free_series, receiver
):
    collectible.mintBatch(free_series, receiver, 4, sender=minter)

    assert receiver.received() == 4
    assert collectible.balanceOf(receiver) == 4
    assert collectible.ownerOf(token_id(free_series, 4)) == receiver.address


@pytest.mark.parametrize("policy", POLICIES)
def test_mint_batch__each_policy__locked_event_per_token_only_for_soulbound(
    collectible, minter, series_of, fan, policy
):
    series_id = series_of[policy]

    tx = collectible.mintBatch(series_id, fan, 3, sender=minter)

    tokens = [token_id(series_id, s) for s in range(1, 4)]
    expected = [{"tokenId": t} for t in tokens] if policy == SOULBOUND else []
    assert event_args(tx, collectible.Locked) == expected
    assert [collectible.locked(t) for t in tokens] == [policy == SOULBOUND] * 3


def test_mint_batch__paused__reverts_enforced_pause(collectible, admin, minter, free_series, fan):
    collectible.pause(sender=admin)

    with reverts(collectible.EnforcedPause):
        collectible.mintBatch(free_series, fan, 2, sender=minter)

    assert collectible.series(free_series).minted == 0
