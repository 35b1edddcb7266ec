"""Push airdrops to the members of a campaign: one token to each member not served before, in order.

Recipient ``i`` of a call is member ``firstIndex + i`` of the campaign; a bitmap keyed by the minter, the
series and the campaign marks every member minted, so replays, other splits and overlapping batches mint
only for members no call has served, and another minter's calls never mark ours.
"""

import pytest
from eth_abi import encode
from eth_utils import keccak
from utils.chain_time import block_timestamp
from utils.logs import ZERO_ADDRESS, event_args
from utils.reverts import reverts

from collectibles.domain.tokens import token_id

CAMPAIGN = bytes.fromhex("ab" * 32)
OTHER_CAMPAIGN = bytes.fromhex("cd" * 32)
ZERO_CAMPAIGN = b"\x00" * 32
MAX_UINT = 2**256 - 1


@pytest.fixture
def small_series(create_series):
    """A free series with a cap of 3."""
    return create_series(name="Limited", max_supply=3)


@pytest.fixture
def members(fan, friend, operator, stranger):
    return [fan, friend, operator, stranger]


@pytest.fixture
def second_minter(collectible, admin, curator):
    """Another MINTER_ROLE holder."""
    collectible.grantRole(collectible.MINTER_ROLE(), curator, sender=admin)
    return curator


def minted(nft, series_id):
    return nft.series(series_id).minted


def served(nft, minter, series_id, campaign, count):
    return [nft.isAirdropped(minter, series_id, campaign, i) for i in range(count)]


# ------------------------------------------------------------------ happy path


def test_airdrop__four_members__one_token_each_in_order(collectible, minter, free_series, members):
    tx = collectible.airdrop(free_series, CAMPAIGN, 0, members, sender=minter)

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

    tx = collectible.airdrop(free_series, CAMPAIGN, 7, members, sender=minter)

    assert event_args(tx, collectible.AirdropExecuted) == [
        {
            "minter": minter.address,
            "seriesId": free_series,
            "campaignId": CAMPAIGN,
            "firstIndex": 7,
            "count": 4,
            "firstTokenId": token_id(free_series, 2),
            "minted": 4,
        }
    ]


def test_airdrop__executed__marks_exactly_its_members(collectible, minter, free_series, members):
    assert served(collectible, minter, free_series, CAMPAIGN, 12) == [False] * 12

    collectible.airdrop(free_series, CAMPAIGN, 5, members, sender=minter)

    assert (
        served(collectible, minter, free_series, CAMPAIGN, 12)
        == [False] * 5 + [True] * 4 + [False] * 3
    )
    assert collectible.airdropMarks(minter, free_series, CAMPAIGN, 0) == 0b1111 << 5
    assert served(collectible, minter, free_series, OTHER_CAMPAIGN, 12) == [False] * 12


def test_airdrop__across_words__each_word_marked(collectible, minter, free_series, members):
    collectible.airdrop(free_series, CAMPAIGN, 254, members, sender=minter)

    assert collectible.airdropMarks(minter, free_series, CAMPAIGN, 0) == 0b11 << 254
    assert collectible.airdropMarks(minter, free_series, CAMPAIGN, 1) == 0b11
    assert [
        collectible.isAirdropped(minter, free_series, CAMPAIGN, i) for i in range(253, 259)
    ] == [
        False,
        True,
        True,
        True,
        True,
        False,
    ]


def test_airdrop__return_value__first_token_id_and_minted(
    collectible, minter, free_series, mint_to, fan, members
):
    mint_to(free_series, fan)

    assert collectible.airdrop.call(free_series, CAMPAIGN, 0, members, sender=minter) == (
        token_id(free_series, 2),
        4,
    )


def test_airdrop__any_batch__acquired_at_is_block_timestamp(
    chain, collectible, minter, gift_series, members
):
    chain.mine(deltatime=777)

    tx = collectible.airdrop(gift_series, CAMPAIGN, 0, members, sender=minter)

    at = block_timestamp(chain, tx)
    assert [collectible.acquiredAt(token_id(gift_series, s)) for s in range(1, 5)] == [at] * 4


def test_airdrop__same_address_as_two_members__gets_two_tokens(
    collectible, minter, free_series, fan, friend
):
    collectible.airdrop(free_series, CAMPAIGN, 0, [fan, friend, fan], sender=minter)

    assert collectible.balanceOf(fan) == 2
    assert collectible.balanceOf(friend) == 1
    assert collectible.ownerOf(token_id(free_series, 1)) == fan.address
    assert collectible.ownerOf(token_id(free_series, 2)) == friend.address
    assert collectible.ownerOf(token_id(free_series, 3)) == fan.address


def test_airdrop__soulbound_series__locked_event_per_token(
    collectible, minter, badge_series, members
):
    tx = collectible.airdrop(badge_series, CAMPAIGN, 0, members, sender=minter)

    tokens = [token_id(badge_series, s) for s in range(1, 5)]
    assert event_args(tx, collectible.Locked) == [{"tokenId": t} for t in tokens]
    assert [collectible.locked(t) for t in tokens] == [True] * 4


def test_airdrop__soulbound_overlap__locked_event_per_new_token_only(
    collectible, minter, badge_series, fan, friend, stranger
):
    collectible.airdrop(badge_series, CAMPAIGN, 0, [fan], sender=minter)

    tx = collectible.airdrop(badge_series, CAMPAIGN, 0, [fan, friend, stranger], sender=minter)

    tokens = [token_id(badge_series, s) for s in (2, 3)]
    assert event_args(tx, collectible.Locked) == [{"tokenId": t} for t in tokens]
    assert [collectible.locked(t) for t in tokens] == [True, True]


def test_airdrop__free_series__no_locked_event(collectible, minter, free_series, members):
    tx = collectible.airdrop(free_series, CAMPAIGN, 0, members, sender=minter)

    assert event_args(tx, collectible.Locked) == []
    assert collectible.locked(token_id(free_series, 1)) is False


def test_airdrop__contract_recipient__no_receiver_callback(
    project, admin, collectible, minter, free_series, fan
):
    receiver = admin.deploy(project.ReceiverMock)
    non_receiver = admin.deploy(project.NonReceiverMock)

    collectible.airdrop(free_series, CAMPAIGN, 0, [receiver, non_receiver, fan], sender=minter)

    assert receiver.received() == 0
    assert collectible.ownerOf(token_id(free_series, 1)) == receiver.address
    assert collectible.ownerOf(token_id(free_series, 2)) == non_receiver.address


def test_airdrop__exactly_fills_cap__accepted(
    collectible, minter, small_series, fan, friend, stranger
):
    collectible.airdrop(small_series, CAMPAIGN, 0, [fan, friend, stranger], sender=minter)

    assert minted(collectible, small_series) == 3
    assert collectible.ownerOf(token_id(small_series, 3)) == stranger.address


def test_airdrop__two_batches__consecutive_serials(
    collectible, minter, free_series, fan, friend, stranger
):
    collectible.airdrop(free_series, CAMPAIGN, 0, [fan, friend], sender=minter)
    tx = collectible.airdrop(free_series, CAMPAIGN, 2, [stranger, fan], sender=minter)

    assert [log.tokenId for log in tx.events.filter(collectible.Transfer)] == [
        token_id(free_series, 3),
        token_id(free_series, 4),
    ]
    assert served(collectible, minter, free_series, CAMPAIGN, 5) == [True] * 4 + [False]


# ------------------------------------------------------------------ replays and overlaps


def test_airdrop__replayed_batch__mints_nothing_and_emits_nothing(
    collectible, minter, free_series, members
):
    collectible.airdrop(free_series, CAMPAIGN, 0, members, sender=minter)

    tx = collectible.airdrop(free_series, CAMPAIGN, 0, members, sender=minter)

    assert event_args(tx, collectible.Transfer) == []
    assert event_args(tx, collectible.AirdropExecuted) == []
    assert [collectible.balanceOf(m) for m in members] == [1, 1, 1, 1]
    assert minted(collectible, free_series) == 4


def test_airdrop__replayed_batch__returns_zero(collectible, minter, free_series, members):
    collectible.airdrop(free_series, CAMPAIGN, 0, members, sender=minter)

    assert collectible.airdrop.call(free_series, CAMPAIGN, 0, members, sender=minter) == (0, 0)


def test_airdrop__other_split__mints_only_unserved_members(
    collectible, minter, free_series, fan, friend, operator, stranger
):
    collectible.airdrop(free_series, CAMPAIGN, 1, [friend, operator], sender=minter)  # members 1, 2

    tx = collectible.airdrop(
        free_series, CAMPAIGN, 0, [fan, friend, operator, stranger], sender=minter
    )

    assert event_args(tx, collectible.Transfer) == [
        {"from": ZERO_ADDRESS, "to": fan.address, "tokenId": token_id(free_series, 3)},
        {"from": ZERO_ADDRESS, "to": stranger.address, "tokenId": token_id(free_series, 4)},
    ]
    assert event_args(tx, collectible.AirdropExecuted) == [
        {
            "minter": minter.address,
            "seriesId": free_series,
            "campaignId": CAMPAIGN,
            "firstIndex": 0,
            "count": 4,
            "firstTokenId": token_id(free_series, 3),
            "minted": 2,
        }
    ]
    assert [collectible.balanceOf(a) for a in (fan, friend, operator, stranger)] == [1, 1, 1, 1]


def test_airdrop__overlap_across_words__mints_only_unserved(
    collectible, minter, free_series, fan, friend, operator, stranger
):
    collectible.airdrop(free_series, CAMPAIGN, 255, [friend], sender=minter)

    tx = collectible.airdrop(free_series, CAMPAIGN, 254, [fan, friend, operator], sender=minter)

    assert [log.to for log in tx.events.filter(collectible.Transfer)] == [
        fan.address,
        operator.address,
    ]
    assert collectible.airdropMarks(minter, free_series, CAMPAIGN, 0) == 0b11 << 254
    assert collectible.airdropMarks(minter, free_series, CAMPAIGN, 1) == 1


def test_airdrop__replay_into_other_series__is_a_campaign_of_its_own(
    collectible, minter, free_series, badge_series, fan, friend
):
    collectible.airdrop(free_series, CAMPAIGN, 0, [fan], sender=minter)

    tx = collectible.airdrop(badge_series, CAMPAIGN, 0, [friend], sender=minter)

    assert event_args(tx, collectible.Transfer) == [
        {"from": ZERO_ADDRESS, "to": friend.address, "tokenId": token_id(badge_series, 1)}
    ]
    assert collectible.isAirdropped(minter, badge_series, CAMPAIGN, 0) is True
    assert collectible.isAirdropped(minter, free_series, CAMPAIGN, 1) is False


def test_airdrop__replay_after_series_full__mints_nothing_without_revert(
    collectible, minter, small_series, fan, friend, stranger
):
    collectible.airdrop(small_series, CAMPAIGN, 0, [fan, friend, stranger], sender=minter)

    tx = collectible.airdrop(small_series, CAMPAIGN, 0, [fan, friend, stranger], sender=minter)

    assert event_args(tx, collectible.Transfer) == []
    assert minted(collectible, small_series) == 3


def test_airdrop__replay_after_series_closed__mints_nothing_without_revert(
    collectible, admin, minter, free_series, fan
):
    collectible.airdrop(free_series, CAMPAIGN, 0, [fan], sender=minter)
    collectible.closeSeries(free_series, sender=admin)

    tx = collectible.airdrop(free_series, CAMPAIGN, 0, [fan], sender=minter)

    assert event_args(tx, collectible.Transfer) == []


def test_airdrop__overlap_past_cap__reverts_max_supply_with_only_new_members_counted(
    collectible, minter, small_series, fan, friend, operator, stranger
):
    collectible.airdrop(small_series, CAMPAIGN, 0, [fan, friend], sender=minter)

    with reverts(collectible.CollectibleMaxSupplyReached, seriesId=small_series, maxSupply=3):
        collectible.airdrop(
            small_series, CAMPAIGN, 0, [fan, friend, operator, stranger], sender=minter
        )
    tx = collectible.airdrop(small_series, CAMPAIGN, 0, [fan, friend, operator], sender=minter)

    assert [log.to for log in tx.events.filter(collectible.Transfer)] == [operator.address]
    assert minted(collectible, small_series) == 3
    assert collectible.isAirdropped(minter, small_series, CAMPAIGN, 3) is False


# ------------------------------------------------------------------ two minters


def test_airdrop__other_minter_same_campaign__cannot_shadow_ours(
    collectible, minter, second_minter, free_series, fan, friend
):
    collectible.airdrop(free_series, CAMPAIGN, 0, [friend], sender=second_minter)

    tx = collectible.airdrop(free_series, CAMPAIGN, 0, [fan], sender=minter)

    assert event_args(tx, collectible.Transfer) == [
        {"from": ZERO_ADDRESS, "to": fan.address, "tokenId": token_id(free_series, 2)}
    ]
    assert collectible.isAirdropped(minter, free_series, CAMPAIGN, 0) is True
    assert collectible.isAirdropped(second_minter, free_series, CAMPAIGN, 0) is True
    assert [log.minter for log in tx.events.filter(collectible.AirdropExecuted)] == [minter.address]


def test_airdrop__other_minter_first__our_marks_untouched(
    collectible, minter, second_minter, free_series, members
):
    collectible.airdrop(free_series, CAMPAIGN, 0, members, sender=second_minter)

    assert served(collectible, minter, free_series, CAMPAIGN, 4) == [False] * 4
    assert collectible.airdropMarks(minter, free_series, CAMPAIGN, 0) == 0
    assert collectible.airdropMarks(second_minter, free_series, CAMPAIGN, 0) == 0b1111


# ------------------------------------------------------------------ reverts


def test_airdrop__zero_campaign_id__reverts_invalid_campaign_id(
    collectible, minter, free_series, members
):
    with reverts(collectible.CollectibleInvalidCampaignId):
        collectible.airdrop(free_series, ZERO_CAMPAIGN, 0, members, sender=minter)

    assert minted(collectible, free_series) == 0


def test_airdrop__member_range_past_uint256__reverts_invalid_member_range(
    collectible, minter, free_series, fan, friend
):
    with reverts(collectible.CollectibleInvalidMemberRange, firstIndex=MAX_UINT, count=2):
        collectible.airdrop(free_series, CAMPAIGN, MAX_UINT, [fan, friend], sender=minter)


def test_airdrop__last_member_number__accepted(collectible, minter, free_series, fan):
    collectible.airdrop(free_series, CAMPAIGN, MAX_UINT, [fan], sender=minter)

    assert collectible.isAirdropped(minter, free_series, CAMPAIGN, MAX_UINT) is True
    assert collectible.airdropMarks(minter, free_series, CAMPAIGN, MAX_UINT >> 8) == 1 << 255


@pytest.mark.parametrize("position", [0, 1, 3], ids=["first", "middle", "last"])
def test_airdrop__zero_address_recipient__reverts_invalid_receiver_and_mints_nothing(
    collectible, minter, free_series, members, position
):
    recipients = [m.address for m in members]
    recipients[position] = ZERO_ADDRESS

    with reverts(collectible.ERC721InvalidReceiver, receiver=ZERO_ADDRESS):
        collectible.airdrop(free_series, CAMPAIGN, 0, recipients, sender=minter)

    assert minted(collectible, free_series) == 0
    assert [collectible.balanceOf(m) for m in members] == [0, 0, 0, 0]
    assert served(collectible, minter, free_series, CAMPAIGN, 4) == [False] * 4


def test_airdrop__zero_address_in_overlap__reverts_invalid_receiver(
    collectible, minter, free_series, fan, friend
):
    collectible.airdrop(free_series, CAMPAIGN, 0, [fan], sender=minter)

    with reverts(collectible.ERC721InvalidReceiver, receiver=ZERO_ADDRESS):
        collectible.airdrop(free_series, CAMPAIGN, 0, [fan, ZERO_ADDRESS, friend], sender=minter)

    assert minted(collectible, free_series) == 1
    assert collectible.isAirdropped(minter, free_series, CAMPAIGN, 1) is False


def test_airdrop__dirty_address_word__reverts_invalid_receiver_with_the_word(
    collectible, minter, free_series, fan
):
    """An ABI word with upper bits set is refused as given, not truncated to an address."""
    from web3.exceptions import ContractLogicError

    selector = keccak(text="airdrop(uint256,bytes32,uint256,address[])")[:4]
    dirty = (1 << 200) | int(fan.address, 16)
    data = selector + encode(
        ["uint256", "bytes32", "uint256", "uint256[]"], [free_series, CAMPAIGN, 0, [dirty]]
    )
    web3 = collectible.provider.web3

    with pytest.raises(ContractLogicError) as raised:
        web3.eth.call({"from": minter.address, "to": collectible.address, "data": data})

    expected = keccak(text="ERC721InvalidReceiver(address)")[:4] + dirty.to_bytes(32, "big")
    assert raised.value.data == "0x" + expected.hex()


def test_airdrop__reverted_batch__can_be_resent_fixed(
    collectible, minter, free_series, fan, friend
):
    with reverts(collectible.ERC721InvalidReceiver, receiver=ZERO_ADDRESS):
        collectible.airdrop(free_series, CAMPAIGN, 0, [fan, ZERO_ADDRESS], sender=minter)

    tx = collectible.airdrop(free_series, CAMPAIGN, 0, [fan, friend], sender=minter)

    assert len(tx.events.filter(collectible.Transfer)) == 2
    assert served(collectible, minter, free_series, CAMPAIGN, 2) == [True, True]


def test_airdrop__empty_list__reverts_invalid_quantity(collectible, minter, free_series):
    with reverts(collectible.CollectibleInvalidQuantity, quantity=0):
        collectible.airdrop(free_series, CAMPAIGN, 0, [], sender=minter)


def test_airdrop__past_cap__reverts_max_supply_reached_and_mints_nothing(
    collectible, minter, small_series, mint_to, fan, friend, stranger
):
    mint_to(small_series, fan)

    with reverts(collectible.CollectibleMaxSupplyReached, seriesId=small_series, maxSupply=3):
        collectible.airdrop(small_series, CAMPAIGN, 0, [fan, friend, stranger], sender=minter)

    assert minted(collectible, small_series) == 1
    assert collectible.balanceOf(friend) == 0
    assert collectible.balanceOf(stranger) == 0
    assert served(collectible, minter, small_series, CAMPAIGN, 3) == [False] * 3


def test_airdrop__closed_series__reverts_series_closed(
    collectible, admin, minter, free_series, fan
):
    collectible.closeSeries(free_series, sender=admin)

    with reverts(collectible.CollectibleSeriesClosed, seriesId=free_series):
        collectible.airdrop(free_series, CAMPAIGN, 0, [fan], sender=minter)


def test_airdrop__unknown_series__reverts_unknown_series(collectible, minter, fan):
    with reverts(collectible.CollectibleUnknownSeries, seriesId=99):
        collectible.airdrop(99, CAMPAIGN, 0, [fan], sender=minter)


def test_airdrop__paused__reverts_enforced_pause(collectible, admin, minter, free_series, members):
    collectible.pause(sender=admin)

    with reverts(collectible.EnforcedPause):
        collectible.airdrop(free_series, CAMPAIGN, 0, members, sender=minter)

    collectible.unpause(sender=admin)
    assert served(collectible, minter, free_series, CAMPAIGN, 4) == [False] * 4


def test_airdrop__paused_replay__reverts_enforced_pause(
    collectible, admin, minter, free_series, members
):
    collectible.airdrop(free_series, CAMPAIGN, 0, members, sender=minter)
    collectible.pause(sender=admin)

    with reverts(collectible.EnforcedPause):
        collectible.airdrop(free_series, CAMPAIGN, 0, members, sender=minter)


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
        collectible.airdrop(free_series, CAMPAIGN, 0, members, sender=account)

    assert minted(collectible, free_series) == 0


# ------------------------------------------------------------------ mixed with mint and mintBatch


def test_airdrop__mixed_with_mint_and_mint_batch__serials_unique_and_owned(
    collectible, minter, free_series, fan, friend, operator, stranger
):
    collectible.mint(free_series, fan, sender=minter)  # serial 1
    collectible.airdrop(free_series, CAMPAIGN, 0, [friend, stranger], sender=minter)  # 2, 3
    collectible.mintBatch(free_series, operator, 3, sender=minter)  # 4, 5, 6
    collectible.airdrop(free_series, OTHER_CAMPAIGN, 0, [fan], sender=minter)  # 7
    collectible.airdrop(free_series, CAMPAIGN, 0, [fan, fan], sender=minter)  # replay: nothing
    collectible.mintBatch(free_series, stranger, 2, sender=minter)  # 8, 9

    expected = [fan, friend, stranger, operator, operator, operator, fan, stranger, stranger]
    assert minted(collectible, free_series) == 9
    assert [collectible.ownerOf(token_id(free_series, s)) for s in range(1, 10)] == [
        a.address for a in expected
    ]
    assert [collectible.balanceOf(a) for a in (fan, friend, operator, stranger)] == [2, 1, 3, 3]
    assert collectible.totalSupply() == 9
