"""Roster airdrops: the campaign rules of ``airdrop``, with the owners kept as a data contract's code.

``airdropRoster`` takes the members' wallets packed (20 bytes each, sorted as numbers), marks the same
campaign bitmap as ``airdrop``, writes the new members' wallets as the code of one new contract and emits the
ERC-721 events without writing any owner or balance slot. Every read (owner, balance, URI, policy answers)
and every move (transfer, burn, approval) must behave as for a token of a normal airdrop.
"""

import pytest
from eth_utils import to_checksum_address
from utils.chain_time import HOLD_SECONDS, block_timestamp, mine_at, set_next_block_time
from utils.logs import ZERO_ADDRESS, event_args
from utils.reverts import reverts

from collectibles.domain.tokens import token_id

CAMPAIGN = bytes.fromhex("ab" * 32)
OTHER_CAMPAIGN = bytes.fromhex("cd" * 32)
MAX_UINT = 2**256 - 1


def number(account) -> int:
    return int(getattr(account, "address", account), 16)


def packed(accounts) -> bytes:
    """The recipients as ``airdropRoster`` takes them, in the order given."""
    return b"".join(number(a).to_bytes(20, "big") for a in accounts)


@pytest.fixture
def members(fan, friend, operator, stranger):
    """Four wallets sorted ascending, as the planner numbers a campaign's members."""
    return sorted([fan, friend, operator, stranger], key=number)


@pytest.fixture
def small_series(create_series):
    return create_series(name="Limited", max_supply=3)


def minted(nft, series_id):
    return nft.series(series_id).minted


def served(nft, minter, series_id, campaign, count):
    return [nft.isAirdropped(minter, series_id, campaign, i) for i in range(count)]


def tokens(series_id, first_serial, count):
    return [token_id(series_id, s) for s in range(first_serial, first_serial + count)]


# ------------------------------------------------------------------ happy path


def test_airdrop_roster__four_members__one_token_each_in_order(
    collectible, minter, free_series, members
):
    tx = collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)

    ids = tokens(free_series, 1, 4)
    assert event_args(tx, collectible.Transfer) == [
        {"from": ZERO_ADDRESS, "to": m.address, "tokenId": t}
        for m, t in zip(members, ids, strict=True)
    ]
    assert [collectible.ownerOf(t) for t in ids] == [m.address for m in members]
    assert [collectible.balanceOf(m) for m in members] == [1, 1, 1, 1]
    assert [collectible.tokenSeries(t) for t in ids] == [(free_series, s) for s in range(1, 5)]
    assert minted(collectible, free_series) == 4
    assert collectible.totalSupply() == 4


def test_airdrop_roster__executed__emits_roster_stored_then_airdrop_executed(
    collectible, minter, free_series, mint_to, fan, members
):
    mint_to(free_series, fan)

    tx = collectible.airdropRoster(free_series, CAMPAIGN, 7, packed(members), sender=minter)

    (stored,) = event_args(tx, collectible.RosterStored)
    assert stored == {
        "seriesId": free_series,
        "index": 0,
        "pointer": stored["pointer"],
        "firstTokenId": token_id(free_series, 2),
        "count": 4,
    }
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
    names = [log.event_name for log in tx.events]
    assert names.index("RosterStored") < names.index("AirdropExecuted")


def test_airdrop_roster__data_contract__stop_byte_then_packed_owners(
    chain, collectible, minter, free_series, members
):
    tx = collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)

    pointer = event_args(tx, collectible.RosterStored)[0]["pointer"]
    assert bytes(chain.provider.get_code(pointer)) == b"\x00" + packed(members)
    assert collectible.rosterCount(free_series) == 1
    assert collectible.roster(free_series, 0) == (
        pointer,
        token_id(free_series, 1),
        4,
        block_timestamp(chain, tx),
    )


def test_airdrop_roster__unknown_roster__reverts_unknown_roster(collectible, free_series):
    with reverts(collectible.CollectibleUnknownRoster, seriesId=free_series, index=0):
        collectible.roster(free_series, 0)


def test_airdrop_roster__executed__marks_the_airdrop_bitmap(
    collectible, minter, free_series, members
):
    collectible.airdropRoster(free_series, CAMPAIGN, 254, packed(members), sender=minter)

    assert collectible.airdropMarks(minter, free_series, CAMPAIGN, 0) == 0b11 << 254
    assert collectible.airdropMarks(minter, free_series, CAMPAIGN, 1) == 0b11
    assert served(collectible, minter, free_series, OTHER_CAMPAIGN, 260) == [False] * 260


def test_airdrop_roster__return_value__first_token_id_and_minted(
    collectible, minter, free_series, mint_to, fan, members
):
    mint_to(free_series, fan)

    assert collectible.airdropRoster.call(
        free_series, CAMPAIGN, 0, packed(members), sender=minter
    ) == (token_id(free_series, 2), 4)


def test_airdrop_roster__any_batch__acquired_at_is_block_timestamp(
    chain, collectible, minter, gift_series, members
):
    chain.mine(deltatime=777)

    tx = collectible.airdropRoster(gift_series, CAMPAIGN, 0, packed(members), sender=minter)

    at = block_timestamp(chain, tx)
    assert [collectible.acquiredAt(t) for t in tokens(gift_series, 1, 4)] == [at] * 4


def test_airdrop_roster__same_address_as_two_members__gets_two_tokens(
    collectible, minter, free_series, fan, friend
):
    wallets = sorted([fan, fan, friend], key=number)

    collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(wallets), sender=minter)

    assert collectible.balanceOf(fan) == 2
    assert collectible.balanceOf(friend) == 1
    assert [collectible.ownerOf(t) for t in tokens(free_series, 1, 3)] == [
        w.address for w in wallets
    ]


def test_airdrop_roster__soulbound_series__locked_event_per_token(
    collectible, minter, badge_series, members
):
    tx = collectible.airdropRoster(badge_series, CAMPAIGN, 0, packed(members), sender=minter)

    ids = tokens(badge_series, 1, 4)
    assert event_args(tx, collectible.Locked) == [{"tokenId": t} for t in ids]
    assert [collectible.locked(t) for t in ids] == [True] * 4


def test_airdrop_roster__free_series__no_locked_event_and_unlocked(
    collectible, minter, free_series, members
):
    tx = collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)

    assert tx.events.filter(collectible.Locked) == []
    assert [collectible.locked(t) for t in tokens(free_series, 1, 4)] == [False] * 4


def test_airdrop_roster__odd_and_even_counts__every_token_announced(
    collectible, minter, free_series, members
):
    for count, first in ((1, 0), (3, 1)):
        wallets = members[first : first + count]
        tx = collectible.airdropRoster(free_series, CAMPAIGN, first, packed(wallets), sender=minter)
        assert [log.to for log in tx.events.filter(collectible.Transfer)] == [
            w.address for w in wallets
        ]
    assert minted(collectible, free_series) == 4


def test_airdrop_roster__token_uri__same_as_any_token_of_the_series(
    collectible, curator, minter, free_series, members
):
    collectible.setSeriesBaseURI(free_series, "ipfs://folder/", sender=curator)
    collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)

    assert collectible.tokenURI(token_id(free_series, 3)) == "ipfs://folder/3.json"


# ------------------------------------------------------------------ exactly once


def test_airdrop_roster__replayed_batch__mints_nothing_and_emits_nothing(
    collectible, minter, free_series, members
):
    collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)

    tx = collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)

    assert list(tx.events) == []
    assert minted(collectible, free_series) == 4
    assert collectible.rosterCount(free_series) == 1
    assert collectible.airdropRoster.call(
        free_series, CAMPAIGN, 0, packed(members), sender=minter
    ) == (0, 0)


def test_airdrop_roster__replay_of_a_normal_airdrop__mints_nothing(
    collectible, minter, free_series, members
):
    collectible.airdrop(free_series, CAMPAIGN, 0, members, sender=minter)

    tx = collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)

    assert list(tx.events) == []
    assert minted(collectible, free_series) == 4


def test_airdrop_roster__overlap__stores_and_mints_only_unserved_members(
    chain, collectible, minter, free_series, members
):
    collectible.airdrop(free_series, CAMPAIGN, 1, members[1:3], sender=minter)  # members 1, 2

    tx = collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)

    new = [members[0], members[3]]
    assert [log.to for log in tx.events.filter(collectible.Transfer)] == [m.address for m in new]
    (stored,) = event_args(tx, collectible.RosterStored)
    assert bytes(chain.provider.get_code(stored["pointer"])) == b"\x00" + packed(new)
    assert event_args(tx, collectible.AirdropExecuted)[0]["minted"] == 2
    assert [collectible.ownerOf(t) for t in tokens(free_series, 3, 2)] == [m.address for m in new]
    assert [collectible.balanceOf(m) for m in members] == [1, 1, 1, 1]


def test_airdrop_roster__overlap_past_cap__reverts_max_supply_counting_only_new_members(
    collectible, minter, small_series, members
):
    collectible.airdropRoster(small_series, CAMPAIGN, 0, packed(members[:2]), sender=minter)

    with reverts(collectible.CollectibleMaxSupplyReached, seriesId=small_series, maxSupply=3):
        collectible.airdropRoster(small_series, CAMPAIGN, 0, packed(members), sender=minter)
    tx = collectible.airdropRoster(small_series, CAMPAIGN, 0, packed(members[:3]), sender=minter)

    assert event_args(tx, collectible.AirdropExecuted)[0]["minted"] == 1
    assert minted(collectible, small_series) == 3


def test_airdrop_roster__replay_after_series_closed__mints_nothing_without_revert(
    collectible, admin, minter, free_series, members
):
    collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)
    collectible.closeSeries(free_series, sender=admin)

    tx = collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)

    assert list(tx.events) == []


# ------------------------------------------------------------------ reverts


def test_airdrop_roster__zero_campaign_id__reverts_invalid_campaign_id(
    collectible, minter, free_series, members
):
    with reverts(collectible.CollectibleInvalidCampaignId):
        collectible.airdropRoster(free_series, b"\x00" * 32, 0, packed(members), sender=minter)


def test_airdrop_roster__empty__reverts_invalid_quantity(collectible, minter, free_series):
    with reverts(collectible.CollectibleInvalidQuantity, quantity=0):
        collectible.airdropRoster(free_series, CAMPAIGN, 0, b"", sender=minter)


@pytest.mark.parametrize("length", [19, 21, 41])
def test_airdrop_roster__partial_address__reverts_invalid_roster_length(
    collectible, minter, free_series, length
):
    with reverts(collectible.CollectibleInvalidRosterLength, length=length):
        collectible.airdropRoster(free_series, CAMPAIGN, 0, b"\x01" * length, sender=minter)


def test_airdrop_roster__more_than_max_roster__reverts_invalid_roster_length(
    collectible, minter, free_series
):
    limit = collectible.MAX_ROSTER()
    recipients = b"".join((i + 1).to_bytes(20, "big") for i in range(limit + 1))

    with reverts(collectible.CollectibleInvalidRosterLength, length=20 * (limit + 1)):
        collectible.airdropRoster(free_series, CAMPAIGN, 0, recipients, sender=minter)


def test_airdrop_roster__max_roster__accepted_and_code_fits(
    chain, create_series, collectible, minter
):
    series_id = create_series(name="Big", max_supply=2000)
    limit = collectible.MAX_ROSTER()
    recipients = b"".join((i + 1).to_bytes(20, "big") for i in range(limit))

    tx = collectible.airdropRoster(series_id, CAMPAIGN, 0, recipients, sender=minter)

    pointer = event_args(tx, collectible.RosterStored)[0]["pointer"]
    assert len(chain.provider.get_code(pointer)) == 1 + 20 * limit <= 24_576
    last_owner = to_checksum_address(limit.to_bytes(20, "big"))
    assert collectible.ownerOf(token_id(series_id, limit)) == last_owner


def test_airdrop_roster__member_range_past_uint256__reverts_invalid_member_range(
    collectible, minter, free_series, members
):
    with reverts(collectible.CollectibleInvalidMemberRange, firstIndex=MAX_UINT, count=2):
        collectible.airdropRoster(
            free_series, CAMPAIGN, MAX_UINT, packed(members[:2]), sender=minter
        )


def test_airdrop_roster__unsorted__reverts_not_sorted_with_the_pair_and_mints_nothing(
    collectible, minter, free_series, members
):
    wallets = [members[0], members[2], members[1], members[3]]

    with reverts(
        collectible.CollectibleRosterNotSorted,
        previous=members[2].address,
        next=members[1].address,
    ):
        collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(wallets), sender=minter)

    assert minted(collectible, free_series) == 0
    assert served(collectible, minter, free_series, CAMPAIGN, 4) == [False] * 4


def test_airdrop_roster__unsorted_last_of_an_odd_count__reverts_not_sorted(
    collectible, minter, free_series, members
):
    wallets = [members[0], members[2], members[1]]

    with reverts(
        collectible.CollectibleRosterNotSorted, previous=members[2].address, next=members[1].address
    ):
        collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(wallets), sender=minter)


def test_airdrop_roster__unsorted_soulbound__reverts_not_sorted(
    collectible, minter, badge_series, members
):
    wallets = [members[1], members[0]]

    with reverts(
        collectible.CollectibleRosterNotSorted, previous=members[1].address, next=members[0].address
    ):
        collectible.airdropRoster(badge_series, CAMPAIGN, 0, packed(wallets), sender=minter)


def test_airdrop_roster__zero_address__reverts_invalid_receiver(
    collectible, minter, free_series, members
):
    with reverts(collectible.ERC721InvalidReceiver, receiver=ZERO_ADDRESS):
        collectible.airdropRoster(
            free_series, CAMPAIGN, 0, packed([ZERO_ADDRESS, *members]), sender=minter
        )


def test_airdrop_roster__past_cap__reverts_max_supply_reached(
    collectible, minter, small_series, members
):
    with reverts(collectible.CollectibleMaxSupplyReached, seriesId=small_series, maxSupply=3):
        collectible.airdropRoster(small_series, CAMPAIGN, 0, packed(members), sender=minter)

    assert served(collectible, minter, small_series, CAMPAIGN, 4) == [False] * 4


def test_airdrop_roster__closed_series__reverts_series_closed(
    collectible, admin, minter, free_series, members
):
    collectible.closeSeries(free_series, sender=admin)

    with reverts(collectible.CollectibleSeriesClosed, seriesId=free_series):
        collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)


def test_airdrop_roster__unknown_series__reverts_unknown_series(collectible, minter, members):
    with reverts(collectible.CollectibleUnknownSeries, seriesId=99):
        collectible.airdropRoster(99, CAMPAIGN, 0, packed(members), sender=minter)


def test_airdrop_roster__paused__reverts_enforced_pause(
    collectible, admin, minter, free_series, members
):
    collectible.pause(sender=admin)

    with reverts(collectible.EnforcedPause):
        collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)


@pytest.mark.parametrize("caller", ["admin", "curator", "fan"])
def test_airdrop_roster__without_minter_role__reverts_unauthorized(
    collectible, free_series, members, caller, request
):
    account = request.getfixturevalue(caller)

    with reverts(
        collectible.AccessControlUnauthorizedAccount,
        account=account.address,
        neededRole=collectible.MINTER_ROLE(),
    ):
        collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=account)


# ------------------------------------------------------------------ moves and reads of roster tokens


def test_roster_token__first_transfer__owner_and_balances_exact(
    collectible, minter, free_series, members, fan, friend
):
    collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)
    token = token_id(free_series, 1 + members.index(fan))

    tx = collectible.transferFrom(fan, friend, token, sender=fan)

    assert event_args(tx, collectible.Transfer) == [
        {"from": fan.address, "to": friend.address, "tokenId": token}
    ]
    assert collectible.ownerOf(token) == friend.address
    assert collectible.balanceOf(fan) == 0
    assert collectible.balanceOf(friend) == 2
    # The neighbours keep their roster owners.
    assert [collectible.ownerOf(t) for t in tokens(free_series, 1, 4) if t != token] == [
        m.address for m in members if m != fan
    ]


def test_roster_token__approved_operator__moves_it_and_approval_clears(
    collectible, minter, free_series, members, fan, stranger, operator
):
    collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)
    token = token_id(free_series, 1 + members.index(fan))

    collectible.approve(operator, token, sender=fan)
    assert collectible.getApproved(token) == operator.address
    collectible.transferFrom(fan, stranger, token, sender=operator)

    assert collectible.ownerOf(token) == stranger.address
    assert collectible.getApproved(token) == ZERO_ADDRESS


def test_roster_token__not_owner__reverts_insufficient_approval(
    collectible, minter, free_series, members, fan, stranger
):
    collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)
    token = token_id(free_series, 1 + members.index(fan))

    with reverts(collectible.ERC721InsufficientApproval, operator=stranger.address, tokenId=token):
        collectible.transferFrom(fan, stranger, token, sender=stranger)
    with reverts(
        collectible.ERC721IncorrectOwner, sender=stranger.address, tokenId=token, owner=fan.address
    ):
        collectible.transferFrom(stranger, fan, token, sender=fan)


def test_roster_token__burned__nonexistent_and_balance_down(
    collectible, minter, free_series, members, fan
):
    collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)
    token = token_id(free_series, 1 + members.index(fan))

    tx = collectible.burn(token, sender=fan)

    assert event_args(tx, collectible.Transfer) == [
        {"from": fan.address, "to": ZERO_ADDRESS, "tokenId": token}
    ]
    assert collectible.balanceOf(fan) == 0
    assert collectible.totalSupply() == 3
    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        collectible.ownerOf(token)


def test_roster_token__soulbound__transfer_reverts_and_not_transferable(
    collectible, minter, badge_series, members, fan, friend
):
    collectible.airdropRoster(badge_series, CAMPAIGN, 0, packed(members), sender=minter)
    token = token_id(badge_series, 1 + members.index(fan))

    with reverts(collectible.CollectibleSoulbound, tokenId=token):
        collectible.transferFrom(fan, friend, token, sender=fan)
    with reverts(collectible.CollectibleApprovalNotAllowed, tokenId=token):
        collectible.approve(friend, token, sender=fan)
    assert collectible.isTransferable(token, fan, friend) is False
    assert collectible.isTransferable(token, fan, ZERO_ADDRESS) is True
    assert collectible.ownerOf(token) == fan.address


def test_roster_token__gift__waits_its_hold_from_the_airdrop(
    chain, collectible, minter, gift_series, members, fan, friend
):
    tx = collectible.airdropRoster(gift_series, CAMPAIGN, 0, packed(members), sender=minter)
    token = token_id(gift_series, 1 + members.index(fan))
    transferable_at = block_timestamp(chain, tx) + HOLD_SECONDS

    mine_at(chain, transferable_at - 2)
    assert collectible.isTransferable(token, fan, friend) is False
    set_next_block_time(chain, transferable_at - 1)
    with reverts(collectible.CollectibleHoldNotOver, tokenId=token, transferableAt=transferable_at):
        collectible.transferFrom(fan, friend, token, sender=fan)
    mine_at(chain, transferable_at)
    assert collectible.isTransferable(token, fan, friend) is True

    collectible.transferFrom(fan, friend, token, sender=fan)

    assert collectible.ownerOf(token) == friend.address
    assert collectible.acquiredAt(token) > transferable_at - 1


def test_roster_token__gift__operator_refused(
    chain, collectible, minter, gift_series, members, fan, friend, operator
):
    collectible.airdropRoster(gift_series, CAMPAIGN, 0, packed(members), sender=minter)
    token = token_id(gift_series, 1 + members.index(fan))
    collectible.setApprovalForAll(operator, True, sender=fan)
    chain.mine(deltatime=HOLD_SECONDS + 1)

    with reverts(collectible.CollectibleCallerNotOwner, tokenId=token, caller=operator.address):
        collectible.transferFrom(fan, friend, token, sender=operator)


def test_roster_token__paused__transfer_reverts(
    collectible, admin, minter, free_series, members, fan, friend
):
    collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)
    token = token_id(free_series, 1 + members.index(fan))
    collectible.pause(sender=admin)

    with reverts(collectible.EnforcedPause):
        collectible.transferFrom(fan, friend, token, sender=fan)
    assert collectible.isTransferable(token, fan, friend) is False


def test_roster_token__beside_lazy_runs__each_token_its_own_owner(
    collectible, minter, free_series, members, fan, friend
):
    collectible.mintBatch(free_series, fan, 3, sender=minter)  # serials 1..3, one run
    collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)  # 4..7
    collectible.mintBatch(free_series, friend, 2, sender=minter)  # 8, 9

    # The run's last token moves: the slot after it is the roster's first token, which must not be written.
    collectible.transferFrom(fan, friend, token_id(free_series, 3), sender=fan)

    owners = [fan, fan, friend, *members, friend, friend]
    assert [collectible.ownerOf(t) for t in tokens(free_series, 1, 9)] == [
        o.address for o in owners
    ]
    accounts = {m.address for m in members} | {fan.address, friend.address}
    assert {a: collectible.balanceOf(a) for a in accounts} == {
        a: sum(o.address == a for o in owners) for a in accounts
    }


def test_roster_token__many_rosters__ownership_found_in_each(
    collectible, minter, free_series, members
):
    for index, member in enumerate(members):
        collectible.airdropRoster(free_series, CAMPAIGN, index, packed([member]), sender=minter)
        collectible.mint(free_series, member, sender=minter)

    assert collectible.rosterCount(free_series) == 4
    assert [collectible.ownerOf(t) for t in tokens(free_series, 1, 8)] == [
        m.address for m in members for _ in range(2)
    ]
    assert [collectible.balanceOf(m) for m in members] == [2, 2, 2, 2]


def test_roster_token__unminted_serial_after_a_roster__nonexistent(
    collectible, minter, free_series, members
):
    collectible.airdropRoster(free_series, CAMPAIGN, 0, packed(members), sender=minter)

    with reverts(collectible.ERC721NonexistentToken, tokenId=token_id(free_series, 5)):
        collectible.ownerOf(token_id(free_series, 5))
