"""Burning: only the owner may burn, under every policy; a burned token is gone for good.

Tokens of a ``mintBatch`` run share one run word and have no slot of their own, so burning or moving one
writes its own slot, which then shadows the run. The run tests burn (or move) the first, a middle and the last
token of a run and check every other token of the run and the single mints on either side. A token minted into
its own slot leaves that slot zero when burned (the slot tests read the storage itself).
"""

import pytest
from eth_abi import encode
from eth_utils import keccak
from utils.logs import ZERO_ADDRESS, event_args
from utils.reverts import reverts

from collectibles.domain.tokens import token_id

RUN = 5
POSITIONS = [
    pytest.param(1, id="first"),
    pytest.param(3, id="middle"),
    pytest.param(RUN, id="last"),
]


@pytest.fixture
def token(free_series, mint_to, fan):
    return mint_to(free_series, fan)


@pytest.fixture
def run(collectible, minter, free_series, mint_to, fan, friend):
    """Serial 1 to friend, serials 2..6 (a run of five) to fan, serial 7 to friend. Returns the run's ids."""
    mint_to(free_series, friend)
    collectible.mintBatch(free_series, fan, RUN, sender=minter)
    mint_to(free_series, friend)
    return [token_id(free_series, serial) for serial in range(2, 2 + RUN)]


def assert_run_owners(nft, series_id, run, fan, friend, gone=(), moved=None):
    """Checks serials 1..7: friend at both ends, fan across the run except burned (gone) or moved tokens."""
    moved = moved or {}
    assert nft.ownerOf(token_id(series_id, 1)) == friend.address
    assert nft.ownerOf(token_id(series_id, 2 + RUN)) == friend.address
    for token in run:
        if token in gone:
            with reverts(nft.ERC721NonexistentToken, tokenId=token):
                nft.ownerOf(token)
        else:
            assert nft.ownerOf(token) == moved.get(token, fan).address, f"owner of {token}"


# ------------------------------------------------------------------ owner burns


def test_burn__by_owner__token_gone(collectible, free_series, token, fan):
    tx = collectible.burn(token, sender=fan)

    assert event_args(tx, collectible.Transfer) == [
        {"from": fan.address, "to": ZERO_ADDRESS, "tokenId": token}
    ]
    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        collectible.ownerOf(token)
    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        collectible.tokenSeries(token)
    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        collectible.acquiredAt(token)
    assert collectible.balanceOf(fan) == 0


def test_burn__by_owner__series_burned_count_and_total_supply(
    collectible, free_series, mint_to, fan, friend
):
    first = mint_to(free_series, fan)
    mint_to(free_series, friend)
    third = mint_to(free_series, fan)
    assert collectible.totalSupply() == 3

    collectible.burn(first, sender=fan)
    collectible.burn(third, sender=fan)

    info = collectible.series(free_series)
    assert (info.minted, info.burned) == (3, 2)
    assert collectible.totalSupply() == 1
    assert collectible.balanceOf(fan) == 0
    assert collectible.balanceOf(friend) == 1


def test_burn__burned_serial__never_reissued(collectible, free_series, token, mint_to, fan):
    collectible.burn(token, sender=fan)

    assert mint_to(free_series, fan) == token_id(free_series, 2)
    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        collectible.ownerOf(token)


def test_burn__twice__reverts_nonexistent(collectible, token, fan):
    collectible.burn(token, sender=fan)

    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        collectible.burn(token, sender=fan)
    assert collectible.series(token // 1_000_000).burned == 1


def test_burn__never_minted__reverts_nonexistent(collectible, free_series, token, fan):
    unminted = token_id(free_series, 2)

    with reverts(collectible.ERC721NonexistentToken, tokenId=unminted):
        collectible.burn(unminted, sender=fan)


def test_burn__soulbound_by_owner__allowed(collectible, badge_series, mint_to, fan):
    badge = mint_to(badge_series, fan)

    tx = collectible.burn(badge, sender=fan)

    assert event_args(tx, collectible.Transfer) == [
        {"from": fan.address, "to": ZERO_ADDRESS, "tokenId": badge}
    ]
    assert collectible.balanceOf(fan) == 0
    assert collectible.series(badge_series).burned == 1


def test_burn__gift_during_hold__allowed(collectible, gift_series, mint_to, fan):
    gift = mint_to(gift_series, fan)

    collectible.burn(gift, sender=fan)

    assert collectible.balanceOf(fan) == 0


def test_burn__transferred_token__by_new_owner(collectible, token, fan, friend):
    collectible.transferFrom(fan, friend, token, sender=fan)

    with reverts(collectible.CollectibleCallerNotOwner, tokenId=token, caller=fan.address):
        collectible.burn(token, sender=fan)
    collectible.burn(token, sender=friend)

    assert collectible.balanceOf(friend) == 0


# ------------------------------------------------------------------ others cannot burn


@pytest.mark.parametrize("caller", ["stranger", "admin", "minter"])
def test_burn__by_non_owner__reverts_caller_not_owner(collectible, token, fan, caller, request):
    account = request.getfixturevalue(caller)

    with reverts(collectible.CollectibleCallerNotOwner, tokenId=token, caller=account.address):
        collectible.burn(token, sender=account)

    assert collectible.ownerOf(token) == fan.address


def test_burn__by_approved_address__reverts_caller_not_owner(collectible, token, fan, operator):
    collectible.approve(operator, token, sender=fan)

    with reverts(collectible.CollectibleCallerNotOwner, tokenId=token, caller=operator.address):
        collectible.burn(token, sender=operator)

    assert collectible.ownerOf(token) == fan.address


def test_burn__by_operator__reverts_caller_not_owner(collectible, token, fan, operator):
    collectible.setApprovalForAll(operator, True, sender=fan)

    with reverts(collectible.CollectibleCallerNotOwner, tokenId=token, caller=operator.address):
        collectible.burn(token, sender=operator)

    assert collectible.balanceOf(fan) == 1


def test_burn__paused__reverts_enforced_pause(collectible, admin, token, fan):
    collectible.pause(sender=admin)

    with reverts(collectible.EnforcedPause):
        collectible.burn(token, sender=fan)

    collectible.unpause(sender=admin)
    assert collectible.ownerOf(token) == fan.address


# ------------------------------------------------------------------ runs from mintBatch


@pytest.mark.parametrize("position", POSITIONS)
def test_burn__token_of_batch_run__others_keep_owner(
    collectible, free_series, run, fan, friend, position
):
    burned = run[position - 1]

    collectible.burn(burned, sender=fan)

    assert_run_owners(collectible, free_series, run, fan, friend, gone={burned})
    assert collectible.balanceOf(fan) == RUN - 1
    assert collectible.balanceOf(friend) == 2
    assert collectible.totalSupply() == RUN + 1


def test_burn__whole_run_from_the_end__others_keep_owner(
    collectible, free_series, run, fan, friend
):
    for index, token in enumerate(reversed(run)):
        collectible.burn(token, sender=fan)
        assert_run_owners(
            collectible, free_series, run, fan, friend, gone=set(run[RUN - 1 - index :])
        )

    assert collectible.balanceOf(fan) == 0


def test_burn__whole_run_from_the_start__others_keep_owner(
    collectible, free_series, run, fan, friend
):
    for index, token in enumerate(run):
        collectible.burn(token, sender=fan)
        assert_run_owners(collectible, free_series, run, fan, friend, gone=set(run[: index + 1]))

    assert collectible.balanceOf(fan) == 0


def test_burn__neighbour_of_burned_run_token__still_burnable(
    collectible, free_series, run, fan, friend
):
    collectible.burn(run[2], sender=fan)
    collectible.burn(run[3], sender=fan)
    collectible.burn(run[1], sender=fan)

    assert_run_owners(collectible, free_series, run, fan, friend, gone={run[1], run[2], run[3]})
    assert collectible.balanceOf(fan) == 2


@pytest.mark.parametrize("position", POSITIONS)
def test_transfer__token_of_batch_run__neighbours_keep_owner(
    collectible, free_series, run, fan, friend, stranger, position
):
    moved = run[position - 1]

    collectible.transferFrom(fan, stranger, moved, sender=fan)

    assert_run_owners(collectible, free_series, run, fan, friend, moved={moved: stranger})
    assert collectible.balanceOf(fan) == RUN - 1
    assert collectible.balanceOf(stranger) == 1


def test_transfer__middle_then_its_successor__each_owned_correctly(
    collectible, free_series, run, fan, friend, stranger, operator
):
    collectible.transferFrom(fan, stranger, run[2], sender=fan)
    collectible.transferFrom(fan, operator, run[3], sender=fan)
    collectible.transferFrom(stranger, operator, run[2], sender=stranger)

    assert_run_owners(
        collectible, free_series, run, fan, friend, moved={run[2]: operator, run[3]: operator}
    )
    assert collectible.balanceOf(operator) == 2
    assert collectible.balanceOf(stranger) == 0


def test_burn__after_middle_transfer__neighbours_keep_owner(
    collectible, free_series, run, fan, friend, stranger
):
    collectible.transferFrom(fan, stranger, run[2], sender=fan)

    collectible.burn(run[1], sender=fan)
    collectible.burn(run[2], sender=stranger)

    assert_run_owners(collectible, free_series, run, fan, friend, gone={run[1], run[2]})
    assert collectible.balanceOf(fan) == RUN - 2
    assert collectible.balanceOf(stranger) == 0


def test_burn__last_of_run_before_next_mint__next_token_owned_by_its_recipient(
    collectible, minter, free_series, mint_to, fan, friend
):
    collectible.mintBatch(free_series, fan, 3, sender=minter)
    collectible.burn(token_id(free_series, 3), sender=fan)

    following = mint_to(free_series, friend)

    assert following == token_id(free_series, 4)
    assert collectible.ownerOf(following) == friend.address
    assert collectible.ownerOf(token_id(free_series, 2)) == fan.address


# ------------------------------------------------------------ the slot itself


def ownership_slot(nft, token, owner) -> int:
    """The storage slot of ``token``'s ownership word: the mapping slot whose word holds ``owner``'s address."""
    web3 = nft.provider.web3
    for index in range(64):
        slot = int.from_bytes(keccak(encode(["uint256", "uint256"], [token, index])), "big")
        word = int.from_bytes(web3.eth.get_storage_at(nft.address, slot), "big")
        if word & ((1 << 160) - 1) == int(owner.address, 16):
            return slot
    raise AssertionError(f"no ownership word of {token} holds {owner.address}")


def stored_word(nft, slot) -> int:
    return int.from_bytes(nft.provider.web3.eth.get_storage_at(nft.address, slot), "big")


def test_burn__token_minted_into_its_slot__slot_left_zero(collectible, token, fan):
    slot = ownership_slot(collectible, token, fan)

    collectible.burn(token, sender=fan)

    assert stored_word(collectible, slot) == 0
    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        collectible.ownerOf(token)


def test_burn__transferred_single_token__slot_left_zero(collectible, token, fan, friend):
    collectible.transferFrom(fan, friend, token, sender=fan)
    slot = ownership_slot(collectible, token, friend)

    collectible.burn(token, sender=friend)

    assert stored_word(collectible, slot) == 0
    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        collectible.transferFrom(friend, fan, token, sender=friend)


def test_burn__airdropped_token__slot_left_zero(collectible, minter, free_series, fan, friend):
    tx = collectible.airdrop(free_series, b"\x01" * 32, 0, [fan, friend], sender=minter)
    first, second = (log.tokenId for log in tx.events.filter(collectible.Transfer))
    slot = ownership_slot(collectible, first, fan)

    collectible.burn(first, sender=fan)

    assert stored_word(collectible, slot) == 0
    assert collectible.ownerOf(second) == friend.address
    assert collectible.balanceOf(fan) == 0


@pytest.mark.parametrize("position", POSITIONS)
def test_burn__token_of_batch_run__slot_kept_so_the_run_stays_shadowed(
    collectible, free_series, run, fan, friend, position
):
    burned = run[position - 1]
    collectible.transferFrom(fan, friend, burned, sender=fan)
    slot = ownership_slot(collectible, burned, friend)

    collectible.burn(burned, sender=friend)

    assert stored_word(collectible, slot) != 0
    assert_run_owners(collectible, free_series, run, fan, friend, gone={burned})
