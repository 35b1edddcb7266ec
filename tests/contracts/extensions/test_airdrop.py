"""Push airdrops: one token to each recipient, in order, once per batch id.

A batch id is recorded with the first token id it minted, so sending the same batch again (after a crash or
a lost receipt) mints nothing and answers with the original first token id.
"""

import pytest
from utils.chain_time import block_timestamp
from utils.logs import ZERO_ADDRESS, event_args
from utils.reverts import reverts

from collectibles.domain.tokens import token_id

BATCH = bytes.fromhex("ab" * 32)
OTHER_BATCH = bytes.fromhex("cd" * 32)
ZERO_BATCH = b"\x00" * 32


@pytest.fixture
def small_series(create_series):
    """A free series with a cap of 3."""
    return create_series(name="Limited", max_supply=3)


@pytest.fixture
def members(fan, friend, operator, stranger):
    return [fan, friend, operator, stranger]


def minted(nft, series_id):
    return nft.series(series_id).minted


# ------------------------------------------------------------------ happy path


def test_airdrop__four_members__one_token_each_in_order(collectible, minter, free_series, members):
    tx = collectible.airdrop(free_series, BATCH, members, sender=minter)

    tokens = [token_id(free_series, serial) for serial in range(1, 5)]
    assert event_args(tx, collectible.Transfer) == [
        {"from": ZERO_ADDRESS, "to": member.address, "tokenId": token}
        for member, token in zip(members, tokens, strict=True)
    ]
    assert [collectible.ownerOf(t) for t in tokens] == [m.address for m in members]
    assert [collectible.tokenSeries(t) for t in tokens] == [(free_series, s) for s in range(1, 5)]
    assert [collectible.balanceOf(m) for m in members] == [1, 1, 1, 1]
    assert minted(collectible, free_series) == 4
    assert collectible.totalSupply() == 4


def test_airdrop__executed__emits_airdrop_executed(
    collectible, minter, free_series, mint_to, fan, members
):
    mint_to(free_series, fan)

    tx = collectible.airdrop(free_series, BATCH, members, sender=minter)

    assert event_args(tx, collectible.AirdropExecuted) == [
        {
            "batchId": BATCH,
            "seriesId": free_series,
            "firstTokenId": token_id(free_series, 2),
            "count": 4,
        }
    ]


def test_airdrop__executed__records_first_token_id(
    collectible, minter, free_series, mint_to, fan, members
):
    mint_to(free_series, fan)
    assert collectible.airdropFirstTokenId(BATCH) == 0

    collectible.airdrop(free_series, BATCH, members, sender=minter)

    assert collectible.airdropFirstTokenId(BATCH) == token_id(free_series, 2)
    assert collectible.airdropFirstTokenId(OTHER_BATCH) == 0


def test_airdrop__return_value__first_token_id(
    collectible, minter, free_series, mint_to, fan, members
):
    mint_to(free_series, fan)

    assert collectible.airdrop.call(free_series, BATCH, members, sender=minter) == token_id(
        free_series, 2
    )


def test_airdrop__any_batch__acquired_at_is_block_timestamp(
    chain, collectible, minter, gift_series, members
):
    chain.mine(deltatime=777)

    tx = collectible.airdrop(gift_series, BATCH, members, sender=minter)

    at = block_timestamp(chain, tx)
    assert [collectible.acquiredAt(token_id(gift_series, s)) for s in range(1, 5)] == [at] * 4


def test_airdrop__duplicate_recipient__gets_two_tokens(
    collectible, minter, free_series, fan, friend
):
    collectible.airdrop(free_series, BATCH, [fan, friend, fan], sender=minter)

    assert collectible.balanceOf(fan) == 2
    assert collectible.balanceOf(friend) == 1
    assert collectible.ownerOf(token_id(free_series, 1)) == fan.address
    assert collectible.ownerOf(token_id(free_series, 2)) == friend.address
    assert collectible.ownerOf(token_id(free_series, 3)) == fan.address


def test_airdrop__soulbound_series__locked_event_per_token(
    collectible, minter, badge_series, members
):
    tx = collectible.airdrop(badge_series, BATCH, members, sender=minter)

    tokens = [token_id(badge_series, s) for s in range(1, 5)]
    assert event_args(tx, collectible.Locked) == [{"tokenId": t} for t in tokens]
    assert [collectible.locked(t) for t in tokens] == [True] * 4


def test_airdrop__free_series__no_locked_event(collectible, minter, free_series, members):
    tx = collectible.airdrop(free_series, BATCH, members, sender=minter)

    assert event_args(tx, collectible.Locked) == []
    assert collectible.locked(token_id(free_series, 1)) is False


def test_airdrop__contract_recipient__no_receiver_callback(
    project, admin, collectible, minter, free_series, fan
):
    receiver = admin.deploy(project.ReceiverMock)
    non_receiver = admin.deploy(project.NonReceiverMock)

    collectible.airdrop(free_series, BATCH, [receiver, non_receiver, fan], sender=minter)

    assert receiver.received() == 0
    assert collectible.ownerOf(token_id(free_series, 1)) == receiver.address
    assert collectible.ownerOf(token_id(free_series, 2)) == non_receiver.address


def test_airdrop__exactly_fills_cap__accepted(
    collectible, minter, small_series, fan, friend, stranger
):
    collectible.airdrop(small_series, BATCH, [fan, friend, stranger], sender=minter)

    assert minted(collectible, small_series) == 3
    assert collectible.ownerOf(token_id(small_series, 3)) == stranger.address


def test_airdrop__two_batches__consecutive_serials(
    collectible, minter, free_series, fan, friend, stranger
):
    collectible.airdrop(free_series, BATCH, [fan, friend], sender=minter)
    tx = collectible.airdrop(free_series, OTHER_BATCH, [stranger, fan], sender=minter)

    assert [log.tokenId for log in tx.events.filter(collectible.Transfer)] == [
        token_id(free_series, 3),
        token_id(free_series, 4),
    ]
    assert collectible.airdropFirstTokenId(BATCH) == token_id(free_series, 1)
    assert collectible.airdropFirstTokenId(OTHER_BATCH) == token_id(free_series, 3)


# ------------------------------------------------------------------ replay


def test_airdrop__replayed_batch__mints_nothing(collectible, minter, free_series, members, fan):
    collectible.airdrop(free_series, BATCH, members, sender=minter)

    tx = collectible.airdrop(free_series, BATCH, members, sender=minter)

    assert event_args(tx, collectible.Transfer) == []
    assert event_args(tx, collectible.AirdropExecuted) == []
    assert [collectible.balanceOf(m) for m in members] == [1, 1, 1, 1]
    assert minted(collectible, free_series) == 4
    assert collectible.airdropFirstTokenId(BATCH) == token_id(free_series, 1)


def test_airdrop__replayed_batch__returns_original_first_token_id(
    collectible, minter, free_series, mint_to, fan, members
):
    mint_to(free_series, fan)
    collectible.airdrop(free_series, BATCH, members, sender=minter)
    mint_to(free_series, fan)

    assert collectible.airdrop.call(free_series, BATCH, members, sender=minter) == token_id(
        free_series, 2
    )


def test_airdrop__replayed_batch_with_other_recipients_and_series__mints_nothing(
    collectible, minter, free_series, badge_series, fan, friend, stranger
):
    collectible.airdrop(free_series, BATCH, [fan], sender=minter)

    tx = collectible.airdrop(badge_series, BATCH, [friend, stranger], sender=minter)

    assert event_args(tx, collectible.Transfer) == []
    assert minted(collectible, badge_series) == 0
    assert collectible.balanceOf(friend) == 0
    assert collectible.airdropFirstTokenId(BATCH) == token_id(free_series, 1)


def test_airdrop__replayed_batch_after_series_full__mints_nothing_without_revert(
    collectible, minter, small_series, fan, friend, stranger
):
    collectible.airdrop(small_series, BATCH, [fan, friend, stranger], sender=minter)

    tx = collectible.airdrop(small_series, BATCH, [fan, friend, stranger], sender=minter)

    assert event_args(tx, collectible.Transfer) == []
    assert minted(collectible, small_series) == 3


# ------------------------------------------------------------------ reverts


def test_airdrop__zero_batch_id__reverts_invalid_batch_id(
    collectible, minter, free_series, members
):
    with reverts(collectible.CollectibleInvalidBatchId):
        collectible.airdrop(free_series, ZERO_BATCH, members, sender=minter)

    assert minted(collectible, free_series) == 0


@pytest.mark.parametrize("position", [0, 1, 3], ids=["first", "middle", "last"])
def test_airdrop__zero_address_recipient__reverts_invalid_receiver_and_mints_nothing(
    collectible, minter, free_series, members, position
):
    recipients = [m.address for m in members]
    recipients[position] = ZERO_ADDRESS

    with reverts(collectible.ERC721InvalidReceiver, receiver=ZERO_ADDRESS):
        collectible.airdrop(free_series, BATCH, recipients, sender=minter)

    assert minted(collectible, free_series) == 0
    assert [collectible.balanceOf(m) for m in members] == [0, 0, 0, 0]
    assert collectible.airdropFirstTokenId(BATCH) == 0


def test_airdrop__reverted_batch__can_be_resent_fixed(
    collectible, minter, free_series, fan, friend
):
    with reverts(collectible.ERC721InvalidReceiver, receiver=ZERO_ADDRESS):
        collectible.airdrop(free_series, BATCH, [fan, ZERO_ADDRESS], sender=minter)

    tx = collectible.airdrop(free_series, BATCH, [fan, friend], sender=minter)

    assert len(tx.events.filter(collectible.Transfer)) == 2
    assert collectible.airdropFirstTokenId(BATCH) == token_id(free_series, 1)


def test_airdrop__empty_list__reverts_invalid_quantity(collectible, minter, free_series):
    with reverts(collectible.CollectibleInvalidQuantity, quantity=0):
        collectible.airdrop(free_series, BATCH, [], sender=minter)

    assert collectible.airdropFirstTokenId(BATCH) == 0


def test_airdrop__past_cap__reverts_max_supply_reached_and_mints_nothing(
    collectible, minter, small_series, mint_to, fan, friend, stranger
):
    mint_to(small_series, fan)

    with reverts(collectible.CollectibleMaxSupplyReached, seriesId=small_series, maxSupply=3):
        collectible.airdrop(small_series, BATCH, [fan, friend, stranger], sender=minter)

    assert minted(collectible, small_series) == 1
    assert collectible.balanceOf(friend) == 0
    assert collectible.balanceOf(stranger) == 0
    assert collectible.airdropFirstTokenId(BATCH) == 0


def test_airdrop__closed_series__reverts_series_closed(
    collectible, admin, minter, free_series, fan
):
    collectible.closeSeries(free_series, sender=admin)

    with reverts(collectible.CollectibleSeriesClosed, seriesId=free_series):
        collectible.airdrop(free_series, BATCH, [fan], sender=minter)


def test_airdrop__paused__reverts_enforced_pause(collectible, admin, minter, free_series, members):
    collectible.pause(sender=admin)

    with reverts(collectible.EnforcedPause):
        collectible.airdrop(free_series, BATCH, members, sender=minter)

    collectible.unpause(sender=admin)
    assert collectible.airdropFirstTokenId(BATCH) == 0


def test_airdrop__paused_replay__reverts_enforced_pause(
    collectible, admin, minter, free_series, members
):
    collectible.airdrop(free_series, BATCH, members, sender=minter)
    collectible.pause(sender=admin)

    with reverts(collectible.EnforcedPause):
        collectible.airdrop(free_series, BATCH, members, sender=minter)


@pytest.mark.parametrize("caller", ["admin", "curator", "fan", "stranger"])
def test_airdrop__without_minter_role__reverts_unauthorized(
    collectible, free_series, members, caller, request
):
    account = request.getfixturevalue(caller)

    with reverts(
        collectible.AccessControlUnauthorizedAccount,
        account=account.address,
        neededRole=collectible.MINTER_ROLE(),
    ):
        collectible.airdrop(free_series, BATCH, members, sender=account)

    assert minted(collectible, free_series) == 0


# ------------------------------------------------------------------ mixed with mint and mintBatch


def test_airdrop__mixed_with_mint_and_mint_batch__serials_unique_and_owned(
    collectible, minter, free_series, fan, friend, operator, stranger
):
    collectible.mint(free_series, fan, sender=minter)  # serial 1
    collectible.airdrop(free_series, BATCH, [friend, stranger], sender=minter)  # 2, 3
    collectible.mintBatch(free_series, operator, 3, sender=minter)  # 4, 5, 6
    collectible.airdrop(free_series, OTHER_BATCH, [fan], sender=minter)  # 7
    collectible.airdrop(free_series, BATCH, [fan, fan], sender=minter)  # replay: nothing
    collectible.mintBatch(free_series, stranger, 2, sender=minter)  # 8, 9

    expected = [fan, friend, stranger, operator, operator, operator, fan, stranger, stranger]
    assert minted(collectible, free_series) == 9
    assert [collectible.ownerOf(token_id(free_series, s)) for s in range(1, 10)] == [
        a.address for a in expected
    ]
    assert [collectible.balanceOf(a) for a in (fan, friend, operator, stranger)] == [2, 1, 3, 3]
    assert collectible.totalSupply() == 9
    assert collectible.airdropFirstTokenId(OTHER_BATCH) == token_id(free_series, 7)
