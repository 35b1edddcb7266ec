"""collectibles/chain/reverts.py: every kind of revert decoded by Ape into the contract's own error class."""

import pytest
from ape.exceptions import ContractLogicError
from hexbytes import HexBytes

from collectibles.chain.reverts import (
    decode_error_args,
    decode_revert,
    describe_revert,
    refusal,
    revert_data,
    simulate_revert,
)

UNKNOWN = 999


def test_decode_revert__transaction_revert__ape_error_returned_as_is(collectible, minter):
    with pytest.raises(ContractLogicError) as info:
        collectible.mint(UNKNOWN, minter, sender=minter)

    decoded = decode_revert(collectible, info.value)

    assert decoded is info.value
    assert isinstance(decoded, collectible.CollectibleUnknownSeries)
    assert (
        describe_revert(collectible, info.value) == f"CollectibleUnknownSeries(seriesId={UNKNOWN})"
    )


def test_decode_revert__view_revert_left_undecoded__contract_error_class_with_inputs(collectible):
    with pytest.raises(ContractLogicError) as info:
        collectible.series(UNKNOWN)
    assert not isinstance(info.value, collectible.CollectibleUnknownSeries)  # what Ape gives us

    decoded = decode_revert(collectible, info.value)

    assert isinstance(decoded, collectible.CollectibleUnknownSeries)
    assert decoded.inputs == {"seriesId": UNKNOWN}
    assert refusal(collectible, info.value) == (
        f"the chain refused: CollectibleUnknownSeries(seriesId={UNKNOWN})"
    )


@pytest.mark.parametrize("series_id", [42, 0x2A2A, UNKNOWN])
def test_decode_revert__view_revert_any_argument_bytes__exact_inputs(collectible, series_id):
    # anvil shows the arguments as text when their bytes are valid UTF-8 (42 is "*"), else as hex
    with pytest.raises(ContractLogicError) as info:
        collectible.series(series_id)

    assert decode_error_args(collectible, info.value) == (
        "CollectibleUnknownSeries",
        {"seriesId": series_id},
    )


def test_decode_revert__truncated_arguments__not_made_up(collectible):
    data = _selector(collectible, "CollectibleUnknownSeries") + bytes(31)

    assert decode_revert(collectible, data) is None
    assert describe_revert(collectible, data) == "0x" + data.hex()


def test_decode_error_args__constructor_revert__named_from_the_container(
    project, admin, royalty_receiver
):
    with pytest.raises(ContractLogicError) as info:
        admin.deploy(project.Collectible, "S", "S", admin, 0, royalty_receiver, 1_001)

    assert decode_error_args(project.Collectible, info.value) == (
        "CollectibleRoyaltyTooHigh",
        {"feeNumerator": 1_001, "maxFeeNumerator": 1_000},
    )


def test_describe_revert__address_input__shown_checksummed(collectible, free_series, fan):
    data = HexBytes(
        _selector(collectible, "CollectibleInvalidProof")
        + free_series.to_bytes(32, "big")
        + (7).to_bytes(32, "big")
        + bytes(12)
        + bytes.fromhex(fan.address[2:])
    )

    assert describe_revert(collectible, data) == (
        f"CollectibleInvalidProof(seriesId={free_series}, index=7, account={fan.address})"
    )


def test_describe_revert__unknown_selector__raw_hex_kept(collectible):
    data = bytes.fromhex("deadbeef") + bytes(32)

    assert decode_revert(collectible, data) is None
    assert describe_revert(collectible, data) == "0x" + data.hex()


def test_describe_revert__no_revert_data__error_type_and_message(collectible):
    err = ContractLogicError("execution reverted")

    assert revert_data(err) is None
    assert describe_revert(collectible, err) == "ContractLogicError: execution reverted"


def test_simulate_revert__would_revert__decoded_error_and_nothing_sent(
    collectible, minter, fan, chain
):
    height = chain.blocks.height

    reason = simulate_revert(collectible, "mint", UNKNOWN, fan.address, sender=minter)

    assert reason == f"CollectibleUnknownSeries(seriesId={UNKNOWN})"
    assert chain.blocks.height == height


def test_simulate_revert__would_succeed__none(collectible, free_series, minter, fan):
    assert simulate_revert(collectible, "mint", free_series, fan, sender=minter.address) is None
    assert collectible.balanceOf(fan) == 0  # a simulation mints nothing


def _selector(contract, name):
    from eth_utils import keccak

    return keccak(text=contract.contract_type.errors[name].selector)[:4]
