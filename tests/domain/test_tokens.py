"""collectibles.domain.tokens: transfer policy names and the series/serial encoding of token ids."""

import pytest

from collectibles.domain.tokens import SERIES_STRIDE, TransferPolicy, split_token_id, token_id


def test_transfer_policy__values__match_solidity_enum():
    assert [(p.name, int(p)) for p in TransferPolicy] == [
        ("FREE", 0),
        ("GIFT_AFTER_HOLD", 1),
        ("SOULBOUND", 2),
    ]


@pytest.mark.parametrize(
    ("text", "policy"),
    [
        ("free", TransferPolicy.FREE),
        ("gift", TransferPolicy.GIFT_AFTER_HOLD),
        ("soulbound", TransferPolicy.SOULBOUND),
        ("  Gift \n", TransferPolicy.GIFT_AFTER_HOLD),
        ("SOULBOUND", TransferPolicy.SOULBOUND),
    ],
)
def test_parse__known_name_any_case_or_padding__returns_policy(text, policy):
    assert TransferPolicy.parse(text) is policy


@pytest.mark.parametrize("text", ["", "gift-after-hold", "GIFT_AFTER_HOLD", "locked", "0"])
def test_parse__unknown_name__raises_value_error_listing_choices(text):
    with pytest.raises(ValueError) as info:
        TransferPolicy.parse(text)

    assert str(info.value) == f"unknown transfer policy {text!r}: use one of free, gift, soulbound"


def test_series_stride__is_one_million():
    assert SERIES_STRIDE == 1_000_000


@pytest.mark.parametrize(
    ("series_id", "serial", "expected"),
    [
        (3, 12, 3_000_012),
        (1, 1, 1_000_001),
        (1, 999_999, 1_999_999),
        (0, 5, 5),
        (42, 500, 42_000_500),
    ],
)
def test_token_id__series_and_serial__encodes_and_splits_back(series_id, serial, expected):
    assert token_id(series_id, serial) == expected
    assert split_token_id(expected) == (series_id, serial)


@pytest.mark.parametrize("serial", [0, -1, SERIES_STRIDE, SERIES_STRIDE + 1])
def test_token_id__serial_out_of_range__raises_value_error(serial):
    with pytest.raises(ValueError) as info:
        token_id(1, serial)

    assert str(info.value) == f"serial {serial} is outside 1..999999"


def test_split_token_id__series_boundary__serial_zero():
    assert split_token_id(2_000_000) == (2, 0)
    assert split_token_id(1_999_999) == (1, 999_999)
