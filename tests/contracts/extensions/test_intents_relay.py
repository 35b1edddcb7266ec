"""``relay``: many signed intents in one transaction, each kept or undone alone, never all-or-nothing.

Failures are reported per intent (the return values and an ``IntentFailed`` event with the revert data);
only ``giftBySig`` and ``claimVoucher`` calls are accepted, so a relayer cannot slip in a call that would act
with its own address (the ERC-2771 × multicall spoofing: no address is ever appended, none is read).
"""

import pytest
from eth_abi import encode
from eth_utils import keccak
from utils.chain_time import HOLD_SECONDS, set_next_block_time
from utils.logs import event_args

from collectibles.chain.intents import intent_call, sign_intent
from collectibles.domain.intents import Gift, Voucher


@pytest.fixture
def held(chain, collectible, gift_series, mint_to, fan):
    """Three GiftAfterHold tokens of ``fan``, all past their hold."""
    tokens = [mint_to(gift_series, fan) for _ in range(3)]
    set_next_block_time(chain, collectible.acquiredAt(tokens[-1]) + HOLD_SECONDS)
    chain.mine()
    return tokens


@pytest.fixture
def vouchers_allowed(collectible, admin, voucher_signer, free_series):
    collectible.grantRole(collectible.VOUCHER_SIGNER_ROLE(), voucher_signer, sender=admin)
    collectible.setVoucherAllowance(voucher_signer, free_series, 10, sender=admin)
    return free_series


def gift_call(nft, domain, owner, token, to, deadline):
    gift = Gift(token, to.address, deadline, nft.acquiredAt(token))
    return intent_call(nft, gift, sign_intent(owner, domain, gift))


def error_data(signature: str, types: list[str], values: list) -> bytes:
    return keccak(text=signature)[:4] + encode(types, values)


def test_relay__mixed_batch__each_intent_kept_or_undone_alone(
    chain,
    collectible,
    held,
    domain,
    fan,
    friend,
    operator,
    stranger,
    voucher_signer,
    vouchers_allowed,
):
    deadline = chain.pending_timestamp + 3600
    voucher = Voucher(vouchers_allowed, operator.address, 1, deadline)
    calls = [
        gift_call(collectible, domain, fan, held[0], friend, deadline),
        gift_call(
            collectible, domain, friend, held[1], friend, deadline
        ),  # not the owner's signature
        intent_call(collectible, voucher, sign_intent(voucher_signer, domain, voucher)),
        gift_call(collectible, domain, fan, held[2], operator, deadline),
    ]

    tx = collectible.relay(calls, sender=stranger)

    assert collectible.ownerOf(held[0]) == friend.address
    assert collectible.ownerOf(held[1]) == fan.address
    assert collectible.ownerOf(held[2]) == operator.address
    assert collectible.isVoucherUsed(voucher_signer, 1) is True
    refused = error_data(
        "CollectibleInvalidGiftSignature(uint256,address)",
        ["uint256", "address"],
        [held[1], fan.address],
    )
    assert event_args(tx, collectible.IntentFailed) == [{"index": 1, "reason": refused}]
    assert [log["to"] for log in event_args(tx, collectible.Transfer)] == [
        friend.address,
        operator.address,
        operator.address,
    ]


def test_relay__simulated__returns_per_intent_success_and_data(
    chain, collectible, held, domain, fan, friend, stranger, voucher_signer, vouchers_allowed
):
    deadline = chain.pending_timestamp + 3600
    voucher = Voucher(vouchers_allowed, friend.address, 2, deadline)
    calls = [
        intent_call(collectible, voucher, sign_intent(voucher_signer, domain, voucher)),
        gift_call(collectible, domain, fan, held[0], friend, deadline - 7200),  # expired
    ]

    succeeded, results = collectible.relay.call(calls, sender=stranger)

    assert list(succeeded) == [True, False]
    token = int.from_bytes(bytes(results[0]), "big")
    assert token == vouchers_allowed * 1_000_000 + 1
    assert bytes(results[1]) == error_data(
        "CollectibleIntentExpired(uint256)", ["uint256"], [deadline - 7200]
    )


def test_relay__same_gift_twice__second_refused(
    chain, collectible, held, domain, fan, friend, stranger
):
    call = gift_call(collectible, domain, fan, held[0], friend, chain.pending_timestamp + 3600)

    tx = collectible.relay([call, call], sender=stranger)

    assert collectible.ownerOf(held[0]) == friend.address
    assert len(event_args(tx, collectible.Transfer)) == 1
    assert [log["index"] for log in event_args(tx, collectible.IntentFailed)] == [1]


def test_relay__gift_of_token_acquired_in_same_batch__too_soon(
    chain, collectible, domain, fan, friend, stranger, voucher_signer, vouchers_allowed
):
    """A voucher mints to ``fan`` and a gift of that token, signed in advance for its acquisition time, follows
    in the same transaction: refused, or a signature could be replayed within the second it was made for."""
    at = chain.pending_timestamp + 10
    voucher = Voucher(vouchers_allowed, fan.address, 3, at + 3600)
    token = vouchers_allowed * 1_000_000 + 1
    gift = Gift(token, friend.address, at + 3600, at)
    calls = [
        intent_call(collectible, voucher, sign_intent(voucher_signer, domain, voucher)),
        intent_call(collectible, gift, sign_intent(fan, domain, gift)),
    ]
    set_next_block_time(chain, at)

    tx = collectible.relay(calls, sender=stranger)

    assert collectible.ownerOf(token) == fan.address
    assert event_args(tx, collectible.IntentFailed) == [
        {"index": 1, "reason": error_data("CollectibleGiftTooSoon(uint256)", ["uint256"], [token])}
    ]


def test_relay__not_an_intent__refused_alone(
    chain, collectible, held, domain, fan, friend, stranger
):
    steal = collectible.transferFrom.encode_input(fan, stranger, held[1])
    nested = collectible.relay.encode_input([])
    calls = [
        bytes(steal),
        gift_call(collectible, domain, fan, held[0], friend, chain.pending_timestamp + 3600),
        bytes(nested),
        b"\x01\x02",
    ]

    tx = collectible.relay(calls, sender=stranger)

    assert collectible.ownerOf(held[0]) == friend.address
    assert collectible.ownerOf(held[1]) == fan.address
    not_intent = "CollectibleNotAnIntent(bytes4)"
    assert event_args(tx, collectible.IntentFailed) == [
        {"index": 0, "reason": error_data(not_intent, ["bytes4"], [bytes(steal)[:4]])},
        {"index": 2, "reason": error_data(not_intent, ["bytes4"], [bytes(nested)[:4]])},
        {"index": 3, "reason": error_data(not_intent, ["bytes4"], [b"\x00" * 4])},
    ]


def test_relay__empty__does_nothing(collectible, stranger):
    tx = collectible.relay([], sender=stranger)

    assert tx.events == []


def test_relay__erc1271_wallet_burning_gas__bounded_and_next_intent_runs(
    project, chain, collectible, gift_series, mint_to, held, domain, admin, fan, friend, stranger
):
    wallet = admin.deploy(project.ERC1271WalletMock, fan)
    token = mint_to(gift_series, wallet)
    set_next_block_time(chain, collectible.acquiredAt(token) + HOLD_SECONDS)
    chain.mine()
    wallet.setBurnGas(True, sender=admin)
    deadline = chain.pending_timestamp + 3600
    calls = [
        gift_call(collectible, domain, fan, token, friend, deadline),  # the wallet spins: refused
        gift_call(collectible, domain, fan, held[0], friend, deadline),
    ]

    tx = collectible.relay(calls, sender=stranger, gas_limit=3_000_000)

    assert collectible.ownerOf(token) == wallet.address
    assert collectible.ownerOf(held[0]) == friend.address
    assert [log["index"] for log in event_args(tx, collectible.IntentFailed)] == [0]
    # The wallet burned at most its 500,000 gas, not the batch's.
    assert tx.gas_used < 700_000


def test_supports_interface__collectible_intents__true(collectible):
    signatures = [
        "giftBySig(uint256,address,uint256,bytes)",
        "setVoucherAllowance(address,uint256,uint128)",
        "claimVoucher(uint256,address,uint256,uint256,bytes)",
        "voucherAllowance(address,uint256)",
        "isVoucherUsed(address,uint256)",
        "relay(bytes[])",
    ]
    interface = 0
    for signature in signatures:
        interface ^= int.from_bytes(keccak(text=signature)[:4], "big")

    assert collectible.supportsInterface(interface.to_bytes(4, "big")) is True
