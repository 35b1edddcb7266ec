"""The relay plan (pure): batches packed under the gas limit in file order, and the id a rerun finds again."""

import pytest

from collectibles.chain.relay.plan import RelayBatch, gas_limit, pack, relay_plan_id

GENESIS = "0x" + "ab" * 32
CONTRACT = "0x" + "11" * 20
SENDER = "0x" + "22" * 20


def test_pack__all_fit__one_batch():
    assert pack([40_000] * 10, 30_000, 1_000_000) == [RelayBatch(0, 0, 10)]


def test_pack__gas_limit__consecutive_batches_each_under_it():
    batches = pack([40_000] * 10, 30_000, 200_000)

    assert [(b.start, b.count) for b in batches] == [(0, 4), (4, 4), (8, 2)]
    assert all(30_000 + 40_000 * b.count <= 200_000 for b in batches)


def test_pack__most_per_batch__split_by_count():
    assert [b.count for b in pack([1] * 5, 0, 10**9, most=2)] == [2, 2, 1]


def test_pack__intent_bigger_than_limit__alone():
    assert [(b.start, b.count) for b in pack([10, 900, 10], 0, 100)] == [(0, 1), (1, 1), (2, 1)]


def test_pack__nothing__no_batch():
    assert pack([], 30_000, 100) == []


def test_gas_limit__lower_of_tx_cap_and_block__over_headroom():
    assert gas_limit(30_000_000) == int(16_777_216 / 1.2)
    assert gas_limit(1_200_000) == 1_000_000


@pytest.mark.parametrize(
    "changed", [(2, GENESIS, CONTRACT, SENDER, "00" * 32), (1, GENESIS, CONTRACT, "0x" + "33" * 20, "00" * 32),
                (1, GENESIS, CONTRACT, SENDER, "01" * 32)],
)  # fmt: skip
def test_relay_plan_id__chain_sender_or_file_differs__other_id(changed):
    same = relay_plan_id(1, GENESIS, CONTRACT, SENDER, "00" * 32)

    assert relay_plan_id(1, GENESIS, CONTRACT, SENDER, "00" * 32) == same
    assert relay_plan_id(*changed) != same
