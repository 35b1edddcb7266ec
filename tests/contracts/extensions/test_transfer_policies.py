"""Transfers under each series policy: Free (plain ERC-721), GiftAfterHold (90 days) and Soulbound.

The matrix is policy x caller (the owner, an address approved for the token, an operator approved with
``setApprovalForAll``, the admin, who has no special power) x time (one second before the hold ends, the very
second it ends) x method (``transferFrom`` and both ``safeTransferFrom`` overloads). Every token is minted to
``fan`` and sent to ``friend``. Times are set relative to the token's ``acquiredAt``, so they stay exact
whatever the chain clock says when the test starts.
"""

import pytest
from utils.chain_time import HOLD_SECONDS, block_timestamp, mine_at, set_next_block_time
from utils.logs import ZERO_ADDRESS, event_args
from utils.reverts import reverts

from collectibles.domain.tokens import SERIES_STRIDE, TransferPolicy

FREE, GIFT, SOULBOUND = (
    TransferPolicy.FREE,
    TransferPolicy.GIFT_AFTER_HOLD,
    TransferPolicy.SOULBOUND,
)
GIFT_MESSAGE = b"happy birthday"


def transfer_from(nft, source, target, token, sender):
    return nft.transferFrom(source, target, token, sender=sender)


def safe_transfer_from(nft, source, target, token, sender):
    return nft.safeTransferFrom(source, target, token, sender=sender)


def safe_transfer_from_with_data(nft, source, target, token, sender):
    return nft.safeTransferFrom(source, target, token, GIFT_MESSAGE, sender=sender)


ALL_TRANSFERS = [
    pytest.param(transfer_from, id="transferFrom"),
    pytest.param(safe_transfer_from, id="safeTransferFrom"),
    pytest.param(safe_transfer_from_with_data, id="safeTransferFrom_data"),
]
SAFE_TRANSFERS = ALL_TRANSFERS[1:]
TIMES = ["before_hold", "after_hold"]
POLICIES = [
    pytest.param(FREE, id="free"),
    pytest.param(GIFT, id="gift"),
    pytest.param(SOULBOUND, id="soulbound"),
]


# ------------------------------------------------------------------ fixtures


@pytest.fixture
def series_of(free_series, gift_series, badge_series):
    return {FREE: free_series, GIFT: gift_series, SOULBOUND: badge_series}


@pytest.fixture
def token_of(series_of, mint_to, fan):
    """Mints a token of the given policy to ``fan`` and returns its id."""
    return lambda policy: mint_to(series_of[policy], fan)


@pytest.fixture
def free_token(token_of):
    return token_of(FREE)


@pytest.fixture
def gift_token(token_of):
    return token_of(GIFT)


@pytest.fixture
def badge_token(token_of):
    return token_of(SOULBOUND)


@pytest.fixture
def act_as(collectible, fan, operator, admin):
    """Returns a builder: gives the caller of the named kind its approval (where the policy allows one)."""

    def prepare(kind, token, policy):
        if kind == "owner":
            return fan
        if kind == "approved":
            if policy == FREE:
                collectible.approve(operator, token, sender=fan)
            else:
                with reverts(collectible.CollectibleApprovalNotAllowed, tokenId=token):
                    collectible.approve(operator, token, sender=fan)
            return operator
        if kind == "operator":
            collectible.setApprovalForAll(operator, True, sender=fan)
            return operator
        assert kind == "admin"
        return admin

    return prepare


@pytest.fixture
def travel(chain, collectible):
    """Returns a function that puts the next block one second before, or exactly at, the end of the hold."""

    def to(token, when):
        acquired = collectible.acquiredAt(token)
        target = acquired + HOLD_SECONDS - 1 if when == "before_hold" else acquired + HOLD_SECONDS
        set_next_block_time(chain, target)
        return target

    return to


def assert_moved(chain, nft, tx, token, source, target, at=None):
    assert nft.ownerOf(token) == target.address
    assert nft.balanceOf(source) == 0
    assert nft.balanceOf(target) == 1
    assert event_args(tx, nft.Transfer) == [
        {"from": source.address, "to": target.address, "tokenId": token}
    ]
    assert nft.getApproved(token) == ZERO_ADDRESS
    assert nft.acquiredAt(token) == block_timestamp(chain, tx)
    if at is not None:
        assert block_timestamp(chain, tx) == at


def assert_not_moved(nft, token, owner):
    assert nft.ownerOf(token) == owner.address
    assert nft.balanceOf(owner) == 1


# ------------------------------------------------------------------ the matrix: Free


@pytest.mark.parametrize("when", TIMES)
@pytest.mark.parametrize("caller_kind", ["owner", "approved", "operator"])
@pytest.mark.parametrize("transfer", ALL_TRANSFERS)
def test_transfer__free_token_by_owner_approved_or_operator__moves(
    chain, collectible, free_token, act_as, travel, fan, friend, transfer, caller_kind, when
):
    caller = act_as(caller_kind, free_token, FREE)
    at = travel(free_token, when)

    tx = transfer(collectible, fan, friend, free_token, caller)

    assert_moved(chain, collectible, tx, free_token, fan, friend, at=at)


@pytest.mark.parametrize("when", TIMES)
@pytest.mark.parametrize("transfer", ALL_TRANSFERS)
def test_transfer__free_token_by_admin__reverts_insufficient_approval(
    collectible, free_token, travel, admin, fan, friend, transfer, when
):
    travel(free_token, when)

    with reverts(
        collectible.ERC721InsufficientApproval, operator=admin.address, tokenId=free_token
    ):
        transfer(collectible, fan, friend, free_token, admin)

    assert_not_moved(collectible, free_token, fan)


# ------------------------------------------------------------------ the matrix: GiftAfterHold


@pytest.mark.parametrize("transfer", ALL_TRANSFERS)
def test_transfer__gift_by_owner_before_hold__reverts_hold_not_over(
    collectible, gift_token, travel, fan, friend, transfer
):
    transferable_at = collectible.acquiredAt(gift_token) + HOLD_SECONDS
    travel(gift_token, "before_hold")

    with reverts(
        collectible.CollectibleHoldNotOver, tokenId=gift_token, transferableAt=transferable_at
    ):
        transfer(collectible, fan, friend, gift_token, fan)

    assert_not_moved(collectible, gift_token, fan)


@pytest.mark.parametrize("transfer", ALL_TRANSFERS)
def test_transfer__gift_by_owner_when_hold_ends__moves(
    chain, collectible, gift_token, travel, fan, friend, transfer
):
    at = travel(gift_token, "after_hold")

    tx = transfer(collectible, fan, friend, gift_token, fan)

    assert_moved(chain, collectible, tx, gift_token, fan, friend, at=at)


@pytest.mark.parametrize("when", TIMES)
@pytest.mark.parametrize("caller_kind", ["approved", "operator", "admin"])
@pytest.mark.parametrize("transfer", ALL_TRANSFERS)
def test_transfer__gift_by_anyone_but_owner__reverts_caller_not_owner(
    collectible, gift_token, act_as, travel, fan, friend, transfer, caller_kind, when
):
    caller = act_as(caller_kind, gift_token, GIFT)
    travel(gift_token, when)

    with reverts(collectible.CollectibleCallerNotOwner, tokenId=gift_token, caller=caller.address):
        transfer(collectible, fan, friend, gift_token, caller)

    assert_not_moved(collectible, gift_token, fan)


# ------------------------------------------------------------------ the matrix: Soulbound


@pytest.mark.parametrize("when", TIMES)
@pytest.mark.parametrize("caller_kind", ["owner", "approved", "operator", "admin"])
@pytest.mark.parametrize("transfer", ALL_TRANSFERS)
def test_transfer__soulbound_by_anyone__reverts_soulbound(
    collectible, badge_token, act_as, travel, fan, friend, transfer, caller_kind, when
):
    caller = act_as(caller_kind, badge_token, SOULBOUND)
    travel(badge_token, when)

    with reverts(collectible.CollectibleSoulbound, tokenId=badge_token):
        transfer(collectible, fan, friend, badge_token, caller)

    assert_not_moved(collectible, badge_token, fan)


# ------------------------------------------------------------------ ERC-6454 isTransferable in every cell

EXPECTED_TRANSFERABLE = {
    (FREE, "before_hold"): True,
    (FREE, "after_hold"): True,
    (GIFT, "before_hold"): False,
    (GIFT, "after_hold"): True,
    (SOULBOUND, "before_hold"): False,
    (SOULBOUND, "after_hold"): False,
}


@pytest.mark.parametrize("when", TIMES)
@pytest.mark.parametrize("policy", POLICIES)
def test_is_transferable__each_policy_and_time__predicts_owner_transfer(
    chain, collectible, token_of, fan, friend, policy, when
):
    token = token_of(policy)
    acquired = collectible.acquiredAt(token)
    # The view reads the latest block, the transfer lands in the next one: keep both on the same side.
    view_at, send_at = (
        (acquired + HOLD_SECONDS - 2, acquired + HOLD_SECONDS - 1)
        if when == "before_hold"
        else (acquired + HOLD_SECONDS, acquired + HOLD_SECONDS + 1)
    )
    mine_at(chain, view_at)

    answer = collectible.isTransferable(token, fan, friend)

    assert answer is EXPECTED_TRANSFERABLE[(policy, when)]
    set_next_block_time(chain, send_at)
    if answer:
        collectible.transferFrom(fan, friend, token, sender=fan)
        assert collectible.ownerOf(token) == friend.address
    elif policy == GIFT:
        with reverts(
            collectible.CollectibleHoldNotOver,
            tokenId=token,
            transferableAt=acquired + HOLD_SECONDS,
        ):
            collectible.transferFrom(fan, friend, token, sender=fan)
        assert collectible.ownerOf(token) == fan.address
    else:
        with reverts(collectible.CollectibleSoulbound, tokenId=token):
            collectible.transferFrom(fan, friend, token, sender=fan)
        assert collectible.ownerOf(token) == fan.address


@pytest.mark.parametrize("policy", POLICIES)
def test_is_transferable__from_is_not_owner__false(
    chain, collectible, token_of, friend, stranger, policy
):
    token = token_of(policy)
    mine_at(chain, collectible.acquiredAt(token) + HOLD_SECONDS)

    assert collectible.isTransferable(token, friend, stranger) is False
    assert collectible.isTransferable(token, friend, ZERO_ADDRESS) is False


@pytest.mark.parametrize("policy", POLICIES)
def test_is_transferable__burn_by_owner_before_hold__true_and_burn_works(
    collectible, token_of, fan, policy
):
    token = token_of(policy)

    assert collectible.isTransferable(token, fan, ZERO_ADDRESS) is True

    tx = collectible.burn(token, sender=fan)
    assert event_args(tx, collectible.Transfer) == [
        {"from": fan.address, "to": ZERO_ADDRESS, "tokenId": token}
    ]
    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        collectible.ownerOf(token)


@pytest.mark.parametrize("policy", POLICIES)
def test_is_transferable__paused__false_for_every_cell(
    chain, collectible, token_of, series_of, admin, fan, friend, policy
):
    token = token_of(policy)
    mine_at(chain, collectible.acquiredAt(token) + HOLD_SECONDS)
    collectible.pause(sender=admin)

    assert collectible.isTransferable(token, fan, friend) is False
    assert collectible.isTransferable(token, fan, ZERO_ADDRESS) is False
    next_serial = series_of[policy] * SERIES_STRIDE + 2
    assert collectible.isTransferable(next_serial, ZERO_ADDRESS, fan) is False


def test_is_transferable__mint_of_next_serial__true_and_mint_gives_it(
    collectible, free_series, mint_to, fan
):
    mint_to(free_series, fan)
    next_token = free_series * SERIES_STRIDE + 2

    assert collectible.isTransferable(next_token, ZERO_ADDRESS, fan) is True
    assert mint_to(free_series, fan) == next_token


def test_is_transferable__mint_of_minted_serial__false(collectible, free_token, fan):
    assert collectible.isTransferable(free_token, ZERO_ADDRESS, fan) is False


def test_is_transferable__mint_past_cap_closed_or_unknown_series__false(
    collectible, create_series, admin, fan
):
    capped = create_series(name="Pair", max_supply=2)
    closed = create_series(name="Closed")
    collectible.closeSeries(closed, sender=admin)
    unknown = collectible.seriesCount() + 1

    assert collectible.isTransferable(capped * SERIES_STRIDE + 2, ZERO_ADDRESS, fan) is True
    assert collectible.isTransferable(capped * SERIES_STRIDE + 3, ZERO_ADDRESS, fan) is False
    assert collectible.isTransferable(capped * SERIES_STRIDE, ZERO_ADDRESS, fan) is False
    assert collectible.isTransferable(closed * SERIES_STRIDE + 1, ZERO_ADDRESS, fan) is False
    assert collectible.isTransferable(unknown * SERIES_STRIDE + 1, ZERO_ADDRESS, fan) is False


def test_is_transferable__mint_to_zero_address__false(collectible, free_series):
    next_token = free_series * SERIES_STRIDE + 1

    assert collectible.isTransferable(next_token, ZERO_ADDRESS, ZERO_ADDRESS) is False


def test_is_transferable__nonexistent_token_from_an_owner__reverts_nonexistent(
    collectible, free_series, fan, friend
):
    token = free_series * SERIES_STRIDE + 1

    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        collectible.isTransferable(token, fan, friend)


# ------------------------------------------------------------------ GiftAfterHold: the hold restarts


def test_transfer__gift_after_hold__restarts_hold_for_new_owner(
    chain, collectible, gift_token, travel, fan, friend
):
    travel(gift_token, "after_hold")
    tx = collectible.transferFrom(fan, friend, gift_token, sender=fan)
    received_at = block_timestamp(chain, tx)

    assert collectible.acquiredAt(gift_token) == received_at
    assert collectible.isTransferable(gift_token, friend, fan) is False
    with reverts(
        collectible.CollectibleHoldNotOver,
        tokenId=gift_token,
        transferableAt=received_at + HOLD_SECONDS,
    ):
        collectible.transferFrom(friend, fan, gift_token, sender=friend)

    set_next_block_time(chain, received_at + HOLD_SECONDS)
    tx = collectible.transferFrom(friend, fan, gift_token, sender=friend)

    assert collectible.ownerOf(gift_token) == fan.address
    assert collectible.acquiredAt(gift_token) == received_at + HOLD_SECONDS
    assert event_args(tx, collectible.Transfer) == [
        {"from": friend.address, "to": fan.address, "tokenId": gift_token}
    ]


def test_transfer__gift_by_previous_owner__reverts_caller_not_owner(
    collectible, gift_token, travel, fan, friend
):
    travel(gift_token, "after_hold")
    collectible.transferFrom(fan, friend, gift_token, sender=fan)

    with reverts(collectible.CollectibleCallerNotOwner, tokenId=gift_token, caller=fan.address):
        collectible.transferFrom(friend, fan, gift_token, sender=fan)


def test_transfer__gift_by_owner_with_wrong_from__reverts_incorrect_owner(
    collectible, gift_token, travel, fan, friend, stranger
):
    travel(gift_token, "after_hold")

    with reverts(
        collectible.ERC721IncorrectOwner,
        sender=stranger.address,
        tokenId=gift_token,
        owner=fan.address,
    ):
        collectible.transferFrom(stranger, friend, gift_token, sender=fan)


def test_transfer__free_by_approved_with_wrong_from__reverts_incorrect_owner(
    collectible, free_token, fan, friend, operator, stranger
):
    collectible.approve(operator, free_token, sender=fan)

    with reverts(
        collectible.ERC721IncorrectOwner,
        sender=stranger.address,
        tokenId=free_token,
        owner=fan.address,
    ):
        collectible.transferFrom(stranger, friend, free_token, sender=operator)


def test_transfer__batch_minted_gift__hold_counts_from_batch_mint(
    chain, collectible, gift_series, minter, fan, friend
):
    tx = collectible.mintBatch(gift_series, fan, 3, sender=minter)
    minted_at = block_timestamp(chain, tx)
    middle = gift_series * SERIES_STRIDE + 2

    assert collectible.acquiredAt(middle) == minted_at
    with reverts(
        collectible.CollectibleHoldNotOver, tokenId=middle, transferableAt=minted_at + HOLD_SECONDS
    ):
        collectible.transferFrom(fan, friend, middle, sender=fan)

    set_next_block_time(chain, minted_at + HOLD_SECONDS)
    collectible.transferFrom(fan, friend, middle, sender=fan)

    assert [
        collectible.ownerOf(middle - 1),
        collectible.ownerOf(middle),
        collectible.ownerOf(middle + 1),
    ] == [
        fan.address,
        friend.address,
        fan.address,
    ]
    assert collectible.acquiredAt(middle + 1) == minted_at


# ------------------------------------------------------------------ approvals


@pytest.mark.parametrize(
    "policy", [pytest.param(GIFT, id="gift"), pytest.param(SOULBOUND, id="soulbound")]
)
def test_approve__gift_or_soulbound_by_owner__reverts_approval_not_allowed(
    collectible, token_of, fan, operator, policy
):
    token = token_of(policy)

    with reverts(collectible.CollectibleApprovalNotAllowed, tokenId=token):
        collectible.approve(operator, token, sender=fan)

    assert collectible.getApproved(token) == ZERO_ADDRESS


@pytest.mark.parametrize(
    "policy", [pytest.param(GIFT, id="gift"), pytest.param(SOULBOUND, id="soulbound")]
)
def test_approve__gift_or_soulbound_by_operator__reverts_approval_not_allowed(
    collectible, token_of, fan, operator, stranger, policy
):
    token = token_of(policy)
    collectible.setApprovalForAll(operator, True, sender=fan)

    with reverts(collectible.CollectibleApprovalNotAllowed, tokenId=token):
        collectible.approve(stranger, token, sender=operator)


def test_approve__free_by_owner__sets_approved_and_emits_approval(
    collectible, free_token, fan, operator
):
    assert collectible.getApproved(free_token) == ZERO_ADDRESS

    tx = collectible.approve(operator, free_token, sender=fan)

    assert collectible.getApproved(free_token) == operator.address
    assert event_args(tx, collectible.Approval) == [
        {"owner": fan.address, "approved": operator.address, "tokenId": free_token}
    ]


def test_approve__free_by_operator__emits_approval_from_owner(
    collectible, free_token, fan, operator, stranger
):
    collectible.setApprovalForAll(operator, True, sender=fan)

    tx = collectible.approve(stranger, free_token, sender=operator)

    assert collectible.getApproved(free_token) == stranger.address
    assert event_args(tx, collectible.Approval) == [
        {"owner": fan.address, "approved": stranger.address, "tokenId": free_token}
    ]


def test_approve__zero_address__clears_approval(collectible, free_token, fan, operator):
    collectible.approve(operator, free_token, sender=fan)

    collectible.approve(ZERO_ADDRESS, free_token, sender=fan)

    assert collectible.getApproved(free_token) == ZERO_ADDRESS
    with reverts(
        collectible.ERC721InsufficientApproval, operator=operator.address, tokenId=free_token
    ):
        collectible.transferFrom(fan, operator, free_token, sender=operator)


@pytest.mark.parametrize("caller_kind", ["stranger", "approved"])
def test_approve__free_by_non_owner__reverts_invalid_approver(
    collectible, free_token, fan, operator, stranger, caller_kind
):
    # An address approved for the token is not an operator: it cannot pass the approval on.
    if caller_kind == "approved":
        collectible.approve(operator, free_token, sender=fan)
    caller = stranger if caller_kind == "stranger" else operator

    with reverts(collectible.ERC721InvalidApprover, approver=caller.address):
        collectible.approve(stranger, free_token, sender=caller)


def test_approve__nonexistent_token__reverts_nonexistent(collectible, free_series, fan, operator):
    token = free_series * SERIES_STRIDE + 1

    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        collectible.approve(operator, token, sender=fan)


def test_get_approved__nonexistent_token__reverts_nonexistent(collectible, free_token):
    with reverts(collectible.ERC721NonexistentToken, tokenId=free_token + 1):
        collectible.getApproved(free_token + 1)


def test_set_approval_for_all__zero_operator__reverts_invalid_operator(collectible, fan):
    with reverts(collectible.ERC721InvalidOperator, operator=ZERO_ADDRESS):
        collectible.setApprovalForAll(ZERO_ADDRESS, True, sender=fan)


def test_set_approval_for_all__grant_then_revoke__emits_approval_for_all(
    collectible, fan, operator
):
    granted = collectible.setApprovalForAll(operator, True, sender=fan)
    assert collectible.isApprovedForAll(fan, operator) is True

    revoked = collectible.setApprovalForAll(operator, False, sender=fan)

    assert collectible.isApprovedForAll(fan, operator) is False
    assert event_args(granted, collectible.ApprovalForAll) == [
        {"owner": fan.address, "operator": operator.address, "approved": True}
    ]
    assert event_args(revoked, collectible.ApprovalForAll) == [
        {"owner": fan.address, "operator": operator.address, "approved": False}
    ]


def test_set_approval_for_all__revoked_operator__cannot_move_free_token(
    collectible, free_token, fan, friend, operator
):
    collectible.setApprovalForAll(operator, True, sender=fan)
    collectible.setApprovalForAll(operator, False, sender=fan)

    with reverts(
        collectible.ERC721InsufficientApproval, operator=operator.address, tokenId=free_token
    ):
        collectible.transferFrom(fan, friend, free_token, sender=operator)


def test_transfer__free_token__clears_token_approval(
    collectible, free_token, fan, friend, operator
):
    collectible.approve(operator, free_token, sender=fan)

    collectible.transferFrom(fan, friend, free_token, sender=fan)

    assert collectible.getApproved(free_token) == ZERO_ADDRESS
    with reverts(
        collectible.ERC721InsufficientApproval, operator=operator.address, tokenId=free_token
    ):
        collectible.transferFrom(friend, fan, free_token, sender=operator)


@pytest.fixture
def run_token(collectible, minter, free_series, fan):
    """The middle token of a three-token ``mintBatch`` run to ``fan``: it has no ownership slot of its own."""
    tx = collectible.mintBatch(free_series, fan, 3, sender=minter)
    return [log.tokenId for log in tx.events.filter(collectible.Transfer)][1]


def test_transfer__run_token_by_approved_address__moves_and_clears_approval(
    collectible, run_token, fan, friend, operator
):
    collectible.approve(operator, run_token, sender=fan)

    collectible.transferFrom(fan, friend, run_token, sender=operator)

    assert collectible.ownerOf(run_token) == friend.address
    assert collectible.getApproved(run_token) == ZERO_ADDRESS
    with reverts(
        collectible.ERC721InsufficientApproval, operator=operator.address, tokenId=run_token
    ):
        collectible.transferFrom(friend, fan, run_token, sender=operator)


def test_transfer__approved_then_moved_back__old_approval_not_revived(
    collectible, free_token, fan, friend, operator
):
    collectible.approve(operator, free_token, sender=fan)
    collectible.transferFrom(fan, friend, free_token, sender=fan)
    collectible.transferFrom(friend, fan, free_token, sender=friend)

    assert collectible.getApproved(free_token) == ZERO_ADDRESS
    with reverts(
        collectible.ERC721InsufficientApproval, operator=operator.address, tokenId=free_token
    ):
        collectible.transferFrom(fan, friend, free_token, sender=operator)


def test_approve__again_after_a_transfer__new_approval_moves_it(
    collectible, free_token, fan, friend, operator, stranger
):
    collectible.approve(operator, free_token, sender=fan)
    collectible.transferFrom(fan, friend, free_token, sender=fan)

    collectible.approve(stranger, free_token, sender=friend)
    collectible.transferFrom(friend, fan, free_token, sender=stranger)

    assert collectible.ownerOf(free_token) == fan.address
    assert collectible.getApproved(free_token) == ZERO_ADDRESS


def test_burn__approved_token__approval_gone_with_it(collectible, free_token, fan, operator):
    collectible.approve(operator, free_token, sender=fan)

    collectible.burn(free_token, sender=fan)

    with reverts(collectible.ERC721NonexistentToken, tokenId=free_token):
        collectible.getApproved(free_token)
    with reverts(collectible.ERC721NonexistentToken, tokenId=free_token):
        collectible.transferFrom(fan, operator, free_token, sender=operator)


def test_transfer__by_approved_address__approval_is_spent(
    collectible, free_token, fan, friend, operator, stranger
):
    collectible.approve(operator, free_token, sender=fan)
    collectible.transferFrom(fan, friend, free_token, sender=operator)

    with reverts(
        collectible.ERC721InsufficientApproval, operator=operator.address, tokenId=free_token
    ):
        collectible.transferFrom(friend, stranger, free_token, sender=operator)


def test_transfer__operator_approval__stays_with_previous_owner(
    collectible, free_token, fan, friend, operator
):
    collectible.setApprovalForAll(operator, True, sender=fan)

    collectible.transferFrom(fan, friend, free_token, sender=operator)

    assert collectible.isApprovedForAll(fan, operator) is True
    assert collectible.isApprovedForAll(friend, operator) is False
    with reverts(
        collectible.ERC721InsufficientApproval, operator=operator.address, tokenId=free_token
    ):
        collectible.transferFrom(friend, fan, free_token, sender=operator)


# ------------------------------------------------------------------ receivers


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("transfer", ALL_TRANSFERS)
def test_transfer__to_zero_address__reverts_invalid_receiver(
    collectible, token_of, travel, fan, transfer, policy
):
    token = token_of(policy)
    travel(token, "after_hold")

    with reverts(collectible.ERC721InvalidReceiver, receiver=ZERO_ADDRESS):
        transfer(collectible, fan, ZERO_ADDRESS, token, fan)

    assert_not_moved(collectible, token, fan)


@pytest.mark.parametrize("transfer", SAFE_TRANSFERS)
def test_safe_transfer__to_non_receiver_contract__reverts_invalid_receiver(
    collectible, free_token, non_receiver, fan, transfer
):
    with reverts(collectible.ERC721InvalidReceiver, receiver=non_receiver.address):
        transfer(collectible, fan, non_receiver, free_token, fan)

    assert_not_moved(collectible, free_token, fan)


def test_transfer_from__to_non_receiver_contract__moves_unchecked(
    collectible, free_token, non_receiver, fan
):
    collectible.transferFrom(fan, non_receiver, free_token, sender=fan)

    assert collectible.ownerOf(free_token) == non_receiver.address


@pytest.mark.parametrize("transfer", SAFE_TRANSFERS)
def test_safe_transfer__to_receiver_contract__delivers_and_calls_back(
    collectible, free_token, receiver, fan, transfer
):
    tx = transfer(collectible, fan, receiver, free_token, fan)

    assert collectible.ownerOf(free_token) == receiver.address
    assert receiver.received() == 1
    assert event_args(tx, collectible.Transfer) == [
        {"from": fan.address, "to": receiver.address, "tokenId": free_token}
    ]


@pytest.mark.parametrize("transfer", SAFE_TRANSFERS)
def test_safe_transfer__gift_after_hold_to_receiver_contract__delivers(
    collectible, gift_token, travel, receiver, fan, transfer
):
    travel(gift_token, "after_hold")

    transfer(collectible, fan, receiver, gift_token, fan)

    assert collectible.ownerOf(gift_token) == receiver.address
    assert receiver.received() == 1


# ------------------------------------------------------------------ pause


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("transfer", ALL_TRANSFERS)
def test_transfer__paused__reverts_enforced_pause(
    collectible, token_of, travel, admin, fan, friend, transfer, policy
):
    token = token_of(policy)
    collectible.pause(sender=admin)
    travel(token, "after_hold")

    with reverts(collectible.EnforcedPause):
        transfer(collectible, fan, friend, token, fan)

    assert_not_moved(collectible, token, fan)


def test_transfer__after_unpause__moves(collectible, free_token, admin, fan, friend):
    collectible.pause(sender=admin)
    collectible.unpause(sender=admin)

    collectible.transferFrom(fan, friend, free_token, sender=fan)

    assert collectible.ownerOf(free_token) == friend.address


# ------------------------------------------------------------------ ERC-5192


@pytest.mark.parametrize(
    ("policy", "expected"),
    [(FREE, False), (GIFT, False), (SOULBOUND, True)],
    ids=["free", "gift", "soulbound"],
)
def test_locked__each_policy__true_only_for_soulbound(collectible, token_of, policy, expected):
    assert collectible.locked(token_of(policy)) is expected


def test_mint__soulbound__emits_locked(collectible, badge_series, minter, fan):
    tx = collectible.mint(badge_series, fan, sender=minter)

    token = badge_series * SERIES_STRIDE + 1
    assert event_args(tx, collectible.Locked) == [{"tokenId": token}]


@pytest.mark.parametrize("policy", [pytest.param(FREE, id="free"), pytest.param(GIFT, id="gift")])
def test_mint__transferable_policy__emits_no_locked(collectible, series_of, minter, fan, policy):
    tx = collectible.mint(series_of[policy], fan, sender=minter)

    assert event_args(tx, collectible.Locked) == []


def test_locked__nonexistent_token__reverts_nonexistent(collectible, badge_series):
    token = badge_series * SERIES_STRIDE + 1

    with reverts(collectible.ERC721NonexistentToken, tokenId=token):
        collectible.locked(token)
