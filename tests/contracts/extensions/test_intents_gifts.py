"""Gifts by signature: the owner signs ``Gift(tokenId, to, deadline, acquiredAt)``, a relayer submits it.

Every refusal the issue lists is here: an expired deadline, another chain id, another verifying contract, a
field changed after signing, a signature by someone else, a replay after the gift and after the token came
back, a high-s twin, a gift during the hold, a soulbound token; and the owner that is a contract (ERC-1271).
The relayer is always ``stranger``, who owns nothing and holds no role. Anvil mines blocks within the same
second, so a test that gifts a token it has just minted moves the clock one second first: a token acquired at
the current timestamp cannot be gifted by signature (``CollectibleGiftTooSoon``, see test_intents_relay.py).
"""

import dataclasses

import ape
import pytest
from utils.chain_time import HOLD_SECONDS, block_timestamp, set_next_block_time
from utils.logs import ZERO_ADDRESS, event_args
from utils.reverts import reverts

from collectibles.chain.intents import contract_domain, sign_intent
from collectibles.chain.reverts import decode_error_args
from collectibles.domain.intents import SECP256K1_N, Domain, Gift

DEADLINE_AFTER = 3600


@pytest.fixture
def held_token(chain, collectible, gift_series, mint_to, fan):
    """A GiftAfterHold token of ``fan`` whose hold is over (the next block is one second past it)."""
    token = mint_to(gift_series, fan)
    set_next_block_time(chain, collectible.acquiredAt(token) + HOLD_SECONDS)
    chain.mine()
    return token


@pytest.fixture
def gift_of(chain, collectible):
    """Returns a builder: the gift of ``token`` to ``to`` as its owner would sign it now."""

    def build(token, to, deadline=None):
        deadline = chain.pending_timestamp + DEADLINE_AFTER if deadline is None else deadline
        return Gift(token, to.address, deadline, collectible.acquiredAt(token))

    return build


def submit(nft, gift, signature, relayer):
    return nft.giftBySig(gift.token_id, gift.to, gift.deadline, signature, sender=relayer)


def high_s(signature: bytes) -> bytes:
    """The malleable twin of a valid signature: ``s' = N - s`` and the other ``v``; ``ecrecover`` accepts it."""
    s = int.from_bytes(signature[32:64], "big")
    return signature[:32] + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - signature[64]])


# ------------------------------------------------------------------ executed


def test_gift_by_sig__after_hold__moves_as_owner_transfer(
    chain, collectible, held_token, gift_of, domain, fan, friend, stranger
):
    gift = gift_of(held_token, friend)

    tx = submit(collectible, gift, sign_intent(fan, domain, gift), stranger)

    assert collectible.ownerOf(held_token) == friend.address
    assert event_args(tx, collectible.Transfer) == [
        {"from": fan.address, "to": friend.address, "tokenId": held_token}
    ]
    assert collectible.acquiredAt(held_token) == block_timestamp(chain, tx)
    assert collectible.balanceOf(fan) == 0
    assert collectible.balanceOf(friend) == 1


def test_gift_by_sig__free_token__moves_and_clears_approval(
    chain, collectible, free_series, mint_to, gift_of, domain, fan, friend, operator, stranger
):
    token = mint_to(free_series, fan)
    collectible.approve(operator, token, sender=fan)
    set_next_block_time(chain, collectible.acquiredAt(token) + 1)
    gift = gift_of(token, friend)

    submit(collectible, gift, sign_intent(fan, domain, gift), stranger)

    assert collectible.ownerOf(token) == friend.address
    assert collectible.getApproved(token) == ZERO_ADDRESS


def test_gift_by_sig__on_deadline__moves(
    chain, collectible, held_token, gift_of, domain, fan, friend, stranger
):
    gift = gift_of(held_token, friend, deadline=chain.pending_timestamp + 10)
    signature = sign_intent(fan, domain, gift)
    set_next_block_time(chain, gift.deadline)

    submit(collectible, gift, signature, stranger)

    assert collectible.ownerOf(held_token) == friend.address


def test_gift_by_sig__erc1271_owner__moves(
    project, chain, collectible, gift_series, mint_to, gift_of, domain, admin, fan, friend, stranger
):
    wallet = admin.deploy(project.ERC1271WalletMock, fan)
    token = mint_to(gift_series, wallet)
    set_next_block_time(chain, collectible.acquiredAt(token) + HOLD_SECONDS)
    gift = gift_of(token, friend)

    submit(collectible, gift, sign_intent(fan, domain, gift), stranger)

    assert collectible.ownerOf(token) == friend.address


# ------------------------------------------------------------------ refused


def test_gift_by_sig__erc1271_owner_refuses__reverts(
    project, chain, collectible, gift_series, mint_to, gift_of, domain, admin, fan, friend, stranger
):
    wallet = admin.deploy(project.ERC1271WalletMock, fan)
    token = mint_to(gift_series, wallet)
    wallet.setRefuseAll(True, sender=admin)
    set_next_block_time(chain, collectible.acquiredAt(token) + HOLD_SECONDS)
    gift = gift_of(token, friend)

    with reverts(collectible.CollectibleInvalidGiftSignature, tokenId=token, owner=wallet.address):
        submit(collectible, gift, sign_intent(fan, domain, gift), stranger)


def test_gift_by_sig__erc1271_owner_starved_of_gas__typed_error_and_signature_still_good(
    project, chain, collectible, gift_series, mint_to, gift_of, domain, admin, fan, friend, stranger
):
    """A relayer that sends too little gas for the wallet's 500,000 cannot make a valid signature read as a
    refused one: the gift stops with its own error, and the same signature works with enough gas."""
    wallet = admin.deploy(project.ERC1271WalletMock, fan)
    token = mint_to(gift_series, wallet)
    set_next_block_time(chain, collectible.acquiredAt(token) + HOLD_SECONDS)
    gift = gift_of(token, friend)
    signature = sign_intent(fan, domain, gift)

    with ape.reverts() as info:
        collectible.giftBySig(
            gift.token_id, gift.to, gift.deadline, signature, sender=stranger, gas=400_000
        )
    name, args = decode_error_args(collectible, info.value)

    assert name == "CollectibleSignatureCheckOutOfGas"
    assert args["gasNeeded"] == 500_000 + 500_000 // 63 + 5_000
    assert args["gasLeft"] < args["gasNeeded"]
    assert collectible.ownerOf(token) == wallet.address
    collectible.giftBySig(
        gift.token_id, gift.to, gift.deadline, signature, sender=stranger, gas=700_000
    )
    assert collectible.ownerOf(token) == friend.address


def test_gift_by_sig__expired_deadline__reverts(
    chain, collectible, held_token, gift_of, domain, fan, friend, stranger
):
    gift = gift_of(held_token, friend, deadline=chain.pending_timestamp + 10)
    signature = sign_intent(fan, domain, gift)
    set_next_block_time(chain, gift.deadline + 1)

    with reverts(collectible.CollectibleIntentExpired, deadline=gift.deadline):
        submit(collectible, gift, signature, stranger)


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(lambda d: dataclasses.replace(d, chain_id=d.chain_id + 1), id="chain_id"),
        pytest.param(
            lambda d: dataclasses.replace(d, verifying_contract="0x" + "11" * 20),
            id="verifying_contract",
        ),
        pytest.param(lambda d: dataclasses.replace(d, name=d.name + "!"), id="name"),
        pytest.param(lambda d: dataclasses.replace(d, version="2"), id="version"),
    ],
)
def test_gift_by_sig__signed_for_another_domain__reverts(
    collectible, held_token, gift_of, domain, fan, friend, stranger, other
):
    gift = gift_of(held_token, friend)
    signature = sign_intent(fan, other(domain), gift)

    with reverts(
        collectible.CollectibleInvalidGiftSignature, tokenId=held_token, owner=fan.address
    ):
        submit(collectible, gift, signature, stranger)


def test_gift_by_sig__signed_for_another_deployment__reverts(
    deploy_collectible, collectible, held_token, gift_of, fan, friend, stranger
):
    twin = deploy_collectible()  # same name and chain: only verifyingContract differs
    gift = gift_of(held_token, friend)
    signature = sign_intent(fan, contract_domain(twin), gift)

    with reverts(
        collectible.CollectibleInvalidGiftSignature, tokenId=held_token, owner=fan.address
    ):
        submit(collectible, gift, signature, stranger)


@pytest.mark.parametrize("field", ["to", "deadline", "token_id", "acquired_at"])
def test_gift_by_sig__field_changed_after_signing__reverts(
    chain,
    collectible,
    gift_series,
    mint_to,
    held_token,
    gift_of,
    domain,
    fan,
    friend,
    operator,
    stranger,
    field,
):
    other_token = mint_to(gift_series, fan)
    gift = gift_of(held_token, friend)
    signature = sign_intent(fan, domain, gift)
    changed = {
        "to": dataclasses.replace(gift, to=operator.address),
        "deadline": dataclasses.replace(gift, deadline=gift.deadline + 1),
        "token_id": dataclasses.replace(gift, token_id=other_token),
        "acquired_at": dataclasses.replace(gift, acquired_at=gift.acquired_at - 1),
    }[field]
    # The contract reads acquiredAt itself: a changed one is a signature over another message.
    if field == "acquired_at":
        signature = sign_intent(fan, domain, changed)
        changed = gift

    with reverts(
        collectible.CollectibleInvalidGiftSignature, tokenId=changed.token_id, owner=fan.address
    ):
        submit(collectible, changed, signature, stranger)


def test_gift_by_sig__signed_by_someone_else__reverts(
    collectible, held_token, gift_of, domain, fan, friend, stranger
):
    gift = gift_of(held_token, friend)

    with reverts(
        collectible.CollectibleInvalidGiftSignature, tokenId=held_token, owner=fan.address
    ):
        submit(collectible, gift, sign_intent(friend, domain, gift), stranger)


def test_gift_by_sig__replayed_after_gift__reverts(
    collectible, held_token, gift_of, domain, fan, friend, stranger
):
    gift = gift_of(held_token, friend)
    signature = sign_intent(fan, domain, gift)
    submit(collectible, gift, signature, stranger)

    with reverts(
        collectible.CollectibleInvalidGiftSignature, tokenId=held_token, owner=friend.address
    ):
        submit(collectible, gift, signature, stranger)


def test_gift_by_sig__replayed_after_token_came_back__reverts(
    chain, collectible, free_series, mint_to, gift_of, domain, fan, friend, stranger
):
    token = mint_to(free_series, fan)
    set_next_block_time(chain, collectible.acquiredAt(token) + 1)
    gift = gift_of(token, friend)
    signature = sign_intent(fan, domain, gift)
    submit(collectible, gift, signature, stranger)
    collectible.transferFrom(friend, fan, token, sender=friend)
    set_next_block_time(chain, collectible.acquiredAt(token) + 1)
    assert collectible.ownerOf(token) == fan.address

    with reverts(collectible.CollectibleInvalidGiftSignature, tokenId=token, owner=fan.address):
        submit(collectible, gift, signature, stranger)


def test_gift_by_sig__high_s_twin__reverts(
    collectible, held_token, gift_of, domain, fan, friend, stranger
):
    gift = gift_of(held_token, friend)
    twin = high_s(sign_intent(fan, domain, gift))

    with reverts(
        collectible.CollectibleInvalidGiftSignature, tokenId=held_token, owner=fan.address
    ):
        submit(collectible, gift, twin, stranger)


@pytest.mark.parametrize("length", [0, 64, 66])
def test_gift_by_sig__signature_not_65_bytes__reverts(
    collectible, held_token, gift_of, domain, fan, friend, stranger, length
):
    gift = gift_of(held_token, friend)
    signature = (sign_intent(fan, domain, gift) + b"\x00")[:length]

    with reverts(
        collectible.CollectibleInvalidGiftSignature, tokenId=held_token, owner=fan.address
    ):
        submit(collectible, gift, signature, stranger)


def test_gift_by_sig__during_hold__reverts(
    chain, collectible, gift_series, mint_to, gift_of, domain, fan, friend, stranger
):
    token = mint_to(gift_series, fan)
    transferable_at = collectible.acquiredAt(token) + HOLD_SECONDS
    gift = gift_of(token, friend, deadline=transferable_at + DEADLINE_AFTER)
    set_next_block_time(chain, transferable_at - 1)

    with reverts(collectible.CollectibleHoldNotOver, tokenId=token, transferableAt=transferable_at):
        submit(collectible, gift, sign_intent(fan, domain, gift), stranger)


def test_gift_by_sig__soulbound__reverts(
    chain, collectible, badge_series, mint_to, gift_of, domain, fan, friend, stranger
):
    token = mint_to(badge_series, fan)
    set_next_block_time(chain, collectible.acquiredAt(token) + 1)
    gift = gift_of(token, friend)

    with reverts(collectible.CollectibleSoulbound, tokenId=token):
        submit(collectible, gift, sign_intent(fan, domain, gift), stranger)


def test_gift_by_sig__paused__reverts(
    collectible, held_token, gift_of, domain, admin, fan, friend, stranger
):
    gift = gift_of(held_token, friend)
    collectible.pause(sender=admin)

    with reverts(collectible.EnforcedPause):
        submit(collectible, gift, sign_intent(fan, domain, gift), stranger)


def test_gift_by_sig__to_zero_address__reverts(
    collectible, held_token, domain, fan, stranger, chain
):
    deadline = chain.pending_timestamp + DEADLINE_AFTER
    acquired = collectible.acquiredAt(held_token)
    # The domain module refuses a gift to the zero address; the contract does too, with ERC-721's error.
    message = Gift(held_token, "0x" + "00" * 19 + "01", deadline, acquired)
    zero = dataclasses.replace(message)
    object.__setattr__(zero, "to", ZERO_ADDRESS)
    signature = sign_intent(fan, domain, zero)

    with reverts(collectible.ERC721InvalidReceiver, receiver=ZERO_ADDRESS):
        submit(collectible, zero, signature, stranger)


def test_gift_by_sig__nonexistent_token__reverts(collectible, domain, fan, friend, stranger, chain):
    gift = Gift(9_000_001, friend.address, chain.pending_timestamp + DEADLINE_AFTER, 0)

    with reverts(collectible.ERC721NonexistentToken, tokenId=9_000_001):
        submit(collectible, gift, sign_intent(fan, domain, gift), stranger)


def test_eip712_domain__is_collection_name_version_chain_contract(chain, collectible):
    assert contract_domain(collectible) == Domain(
        name=collectible.name(),
        version="1",
        chain_id=chain.chain_id,
        verifying_contract=collectible.address,
    )
