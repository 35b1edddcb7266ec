"""ERC-2981 royalties: the default set at deployment, changes by the admin only, and the 10% cap."""

import pytest
from ape.exceptions import ContractLogicError
from hexbytes import HexBytes
from utils.logs import ZERO_ADDRESS, event_args
from utils.reverts import reverts

from collectibles.chain.reverts import decode_error_args
from collectibles.domain.tokens import SERIES_STRIDE

SALE_PRICE = 10_000


def test_royalty_info__after_deploy__five_percent_to_receiver(
    collectible, free_series, mint_to, fan, royalty_receiver
):
    token = mint_to(free_series, fan)

    assert collectible.royaltyInfo(token, SALE_PRICE) == (royalty_receiver.address, 500)
    assert collectible.royaltyInfo(token, 10**18) == (royalty_receiver.address, 5 * 10**16)


def test_royalty_info__any_token_id__same_default(collectible, royalty_receiver):
    # ERC-2981 answers for any id: the default applies to the whole collection, minted or not.
    for token in (0, SERIES_STRIDE + 1, 7 * SERIES_STRIDE + 999_999):
        assert collectible.royaltyInfo(token, SALE_PRICE) == (royalty_receiver.address, 500)


def test_royalty_info__odd_price__rounds_down(collectible, royalty_receiver):
    assert collectible.royaltyInfo(1, 1_999) == (royalty_receiver.address, 99)


def test_max_royalty_bps__is_one_thousand(collectible):
    assert collectible.MAX_ROYALTY_BPS() == 1_000


def test_deploy__emits_default_royalty_updated(collectible, royalty_receiver):
    tx = collectible.creation_metadata.receipt

    assert event_args(tx, collectible.DefaultRoyaltyUpdated) == [
        {"receiver": royalty_receiver.address, "feeNumerator": 500}
    ]


# ------------------------------------------------------------------ setDefaultRoyalty


def test_set_default_royalty__by_admin__updates_and_emits(collectible, admin, friend):
    tx = collectible.setDefaultRoyalty(friend, 250, sender=admin)

    assert collectible.royaltyInfo(1, SALE_PRICE) == (friend.address, 250)
    assert event_args(tx, collectible.DefaultRoyaltyUpdated) == [
        {"receiver": friend.address, "feeNumerator": 250}
    ]


@pytest.mark.parametrize("caller_name", ["minter", "curator", "royalty_receiver", "stranger"])
def test_set_default_royalty__without_admin_role__reverts_unauthorized(
    request, collectible, friend, royalty_receiver, caller_name
):
    caller = request.getfixturevalue(caller_name)

    with reverts(
        collectible.AccessControlUnauthorizedAccount,
        account=caller.address,
        neededRole=collectible.DEFAULT_ADMIN_ROLE(),
    ):
        collectible.setDefaultRoyalty(friend, 250, sender=caller)

    assert collectible.royaltyInfo(1, SALE_PRICE) == (royalty_receiver.address, 500)


def test_set_default_royalty__at_cap__allowed(collectible, admin, friend):
    collectible.setDefaultRoyalty(friend, 1_000, sender=admin)

    assert collectible.royaltyInfo(1, SALE_PRICE) == (friend.address, 1_000)


def test_set_default_royalty__zero_fee__allowed(collectible, admin, friend):
    collectible.setDefaultRoyalty(friend, 0, sender=admin)

    assert collectible.royaltyInfo(1, SALE_PRICE) == (friend.address, 0)


@pytest.mark.parametrize("fee", [1_001, 10_000, 10_001, 2**96 - 1])
def test_set_default_royalty__above_cap__reverts_royalty_too_high(
    collectible, admin, friend, royalty_receiver, fee
):
    with reverts(collectible.CollectibleRoyaltyTooHigh, feeNumerator=fee, maxFeeNumerator=1_000):
        collectible.setDefaultRoyalty(friend, fee, sender=admin)

    assert collectible.royaltyInfo(1, SALE_PRICE) == (royalty_receiver.address, 500)


def test_set_default_royalty__zero_receiver__reverts_invalid_default_royalty_receiver(
    collectible, admin
):
    with reverts(collectible.ERC2981InvalidDefaultRoyaltyReceiver, receiver=ZERO_ADDRESS):
        collectible.setDefaultRoyalty(ZERO_ADDRESS, 250, sender=admin)


# ------------------------------------------------------------------ deployment choices


def test_deploy__zero_receiver__no_royalty_and_no_event(deploy_collectible):
    nft = deploy_collectible(receiver=ZERO_ADDRESS)

    assert nft.royaltyInfo(1, SALE_PRICE) == (ZERO_ADDRESS, 0)
    assert event_args(nft.creation_metadata.receipt, nft.DefaultRoyaltyUpdated) == []


def test_deploy__zero_receiver_then_admin_sets_royalty__royalty_applies(
    deploy_collectible, admin, friend
):
    nft = deploy_collectible(receiver=ZERO_ADDRESS)

    nft.setDefaultRoyalty(friend, 300, sender=admin)

    assert nft.royaltyInfo(1, SALE_PRICE) == (friend.address, 300)


def test_deploy__fee_above_cap__reverts_royalty_too_high(project, admin, royalty_receiver):
    # Ape leaves a constructor's custom error undecoded (there is no address to look the ABI up by).
    with pytest.raises(ContractLogicError) as info:
        admin.deploy(
            project.Collectible, "Spring Festival", "SPRING", admin, 0, royalty_receiver, 1_001
        )

    assert decode_error_args(project.Collectible, HexBytes(info.value.revert_message)) == (
        "CollectibleRoyaltyTooHigh",
        {"feeNumerator": 1_001, "maxFeeNumerator": 1_000},
    )


def test_deploy__custom_fee__used(deploy_collectible, royalty_receiver):
    nft = deploy_collectible(royalty_bps=750)

    assert nft.royaltyInfo(1, SALE_PRICE) == (royalty_receiver.address, 750)
