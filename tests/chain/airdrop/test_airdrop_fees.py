"""The fee policy: first fees under the operator's cap, and replacements that geth's and reth's pools accept."""

import pytest

from collectibles.chain.airdrop.fees import (
    GWEI,
    FeeCapTooLow,
    FeePolicy,
    Fees,
    is_replacement,
    is_underpriced_refusal,
    minimum_replacement,
    next_base_fee,
)


def test_initial__no_cap__twice_the_base_fee_plus_tip():
    fees = FeePolicy().initial(base_fee=30 * GWEI, suggested_tip=2 * GWEI)

    assert fees == Fees(max_fee=62 * GWEI, priority_fee=2 * GWEI)


def test_initial__operator_tip__replaces_the_nodes_suggestion():
    fees = FeePolicy(priority_fee=3 * GWEI).initial(base_fee=10 * GWEI, suggested_tip=1 * GWEI)

    assert fees == Fees(max_fee=23 * GWEI, priority_fee=3 * GWEI)


def test_initial__cap_below_the_rule__max_fee_is_the_cap_and_tip_within_it():
    policy = FeePolicy.from_gwei(max_fee_gwei=25, priority_fee_gwei=30)

    fees = policy.initial(base_fee=20 * GWEI, suggested_tip=0)

    assert fees == Fees(max_fee=25 * GWEI, priority_fee=25 * GWEI)


def test_from_gwei__fractions__wei_exactly():
    assert FeePolicy.from_gwei(1.5, 0.1) == FeePolicy(1_500_000_000, 100_000_000)
    assert FeePolicy.from_gwei(None, None) == FeePolicy(None, None)


def test_check_cap__below_base_fee__refused_with_both_figures():
    with pytest.raises(FeeCapTooLow) as raised:
        FeePolicy(max_fee_cap=5 * GWEI).check_cap(base_fee=7 * GWEI)

    assert (raised.value.cap, raised.value.base_fee) == (5 * GWEI, 7 * GWEI)
    assert "--max-fee-gwei" in str(raised.value)
    FeePolicy(max_fee_cap=7 * GWEI).check_cap(base_fee=7 * GWEI)  # equal is includable


@pytest.mark.parametrize(
    ("fee", "minimum"),
    [(100, 110), (101, 112), (9, 10), (1, 2), (0, 1), (GWEI, 1_100_000_000)],
)
def test_minimum_replacement__ten_percent_rounded_up_and_at_least_one_wei(fee, minimum):
    assert minimum_replacement(fee) == minimum


def test_is_replacement__both_fees_must_rise_ten_percent():
    old = Fees(100 * GWEI, 2 * GWEI)

    assert is_replacement(old, Fees(110 * GWEI, 2_200_000_000))
    assert not is_replacement(old, Fees(200 * GWEI, 2 * GWEI))  # the tip did not rise
    assert not is_replacement(old, Fees(109 * GWEI, 3 * GWEI))  # the max fee rose 9%


def test_bump__calm_base_fee__each_fee_raised_by_the_pools_minimum():
    old = Fees(40 * GWEI, 2 * GWEI)

    new = FeePolicy().bump(old, base_fee=10 * GWEI)

    assert new == Fees(44 * GWEI, 2_200_000_000)
    assert is_replacement(old, new)


def test_bump__base_fee_spike__max_fee_follows_twice_the_new_base_fee():
    old = Fees(40 * GWEI, 2 * GWEI)

    new = FeePolicy().bump(old, base_fee=100 * GWEI)

    assert new == Fees(200 * GWEI + 2_200_000_000, 2_200_000_000)
    assert is_replacement(old, new)


def test_bump__spike_over_cap__max_fee_held_at_the_cap_while_it_still_replaces():
    old = Fees(40 * GWEI, 2 * GWEI)

    new = FeePolicy(max_fee_cap=60 * GWEI).bump(old, base_fee=100 * GWEI)

    assert new == Fees(60 * GWEI, 2_200_000_000)
    assert is_replacement(old, new)


def test_bump__already_at_the_cap__none():
    assert FeePolicy(max_fee_cap=60 * GWEI).bump(Fees(60 * GWEI, 2 * GWEI), 100 * GWEI) is None
    assert FeePolicy(max_fee_cap=65 * GWEI).bump(Fees(60 * GWEI, 2 * GWEI), 100 * GWEI) is None


def test_bump__repeated__fees_never_pass_the_cap_and_each_step_replaces():
    policy = FeePolicy(max_fee_cap=100 * GWEI)
    fees = policy.initial(base_fee=10 * GWEI, suggested_tip=GWEI)
    steps = 0
    while (bumped := policy.bump(fees, base_fee=10 * GWEI)) is not None:
        assert is_replacement(fees, bumped)
        assert bumped.max_fee <= 100 * GWEI
        fees, steps = bumped, steps + 1

    # 21 gwei x 1.1^16 = 96.5 gwei; a 17th step needs 106 gwei, over the cap.
    assert (steps, fees.max_fee // GWEI) == (16, 96)


@pytest.mark.parametrize(
    ("gas_used", "expected"),
    [
        (15_000_000, 10 * GWEI),  # at the target (half the limit): unchanged
        (30_000_000, 11_250_000_000),  # a full block: +1/8
        (0, 8_750_000_000),  # an empty block: -1/8
        (22_500_000, 10_625_000_000),  # halfway above the target: +1/16
    ],
)
def test_next_base_fee__eip1559_rule__moves_at_most_an_eighth_towards_the_target(
    gas_used, expected
):
    assert next_base_fee(10 * GWEI, gas_used, 30_000_000) == expected


def test_next_base_fee__tiny_base_fee_over_target__rises_by_at_least_one_wei():
    assert next_base_fee(7, 15_000_001, 30_000_000) == 8


@pytest.mark.parametrize(
    "answer",
    [
        "max fee per gas less than block base fee",  # Anvil
        "max fee per gas less than block base fee: address 0xab, maxFeePerGas: 1, baseFee: 9",  # geth
        "fee cap less than block base fee",
        "transaction underpriced",  # geth, reth
        "replacement transaction underpriced",
        "Replacement transaction underpriced",
    ],
)
def test_is_underpriced_refusal__pools_answers_for_low_fees__true(answer):
    assert is_underpriced_refusal(answer)


@pytest.mark.parametrize(
    "answer",
    [
        "nonce too low",
        "already known",
        "insufficient funds for gas * price + value",
        "intrinsic gas too low",
    ],
)
def test_is_underpriced_refusal__other_refusals__false(answer):
    assert not is_underpriced_refusal(answer)
