"""Airdrop planning: batch sizes from the block gas limit, stable ids, ids that change with the plan."""

from typing import Any

import pytest
from eth_abi import encode
from eth_utils import keccak

from collectibles.chain.airdrop.plan import (
    GAS_PER_BATCH,
    GAS_PER_TOKEN,
    MAX_BATCH_SIZE,
    TX_GAS_CAP,
    TX_GAS_SHARE,
    batch_id_of,
    estimate_batch_gas,
    max_batch_size,
    plan_airdrop,
)
from collectibles.domain.errors import AirdropNotPossible

GENESIS = "0x" + "11" * 32
CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
MEMBERS = [f"0x{0xA000 + i:040x}" for i in range(25)]


def plan(**overrides):
    args: dict[str, Any] = {
        "chain_id": 31337,
        "genesis_hash": GENESIS,
        "contract": CONTRACT,
        "series_id": 1,
        "addresses": MEMBERS,
        "batch_size": 10,
    }
    args.update(overrides)
    return plan_airdrop(**args)


# ------------------------------------------------------------------ batch sizes


def test_max_batch_size__30m_block__half_the_block():
    assert max_batch_size(30_000_000) == (15_000_000 - GAS_PER_BATCH) // GAS_PER_TOKEN == 317


def test_max_batch_size__huge_block_without_tx_cap__capped():
    assert max_batch_size(2_000_000_000, tx_gas_cap=None) == MAX_BATCH_SIZE == 500


@pytest.mark.parametrize("block_gas_limit", [60_000_000, 2_000_000_000])
def test_max_batch_size__big_block__within_eip7825_cap_with_margin(block_gas_limit):
    size = max_batch_size(block_gas_limit)

    assert size == int((TX_GAS_CAP * TX_GAS_SHARE - GAS_PER_BATCH) // GAS_PER_TOKEN) == 337
    assert estimate_batch_gas(size) <= TX_GAS_CAP * TX_GAS_SHARE < TX_GAS_CAP == 2**24


def test_max_batch_size__tiny_block__refused():
    with pytest.raises(AirdropNotPossible, match="no room for an airdrop batch"):
        max_batch_size(100_000)


def test_plan__25_members_by_10__batches_10_10_5_in_order():
    p = plan()

    assert [(b.index, b.start, b.count) for b in p.batches] == [(0, 0, 10), (1, 10, 10), (2, 20, 5)]
    assert p.estimated_gas == 3 * GAS_PER_BATCH + 25 * GAS_PER_TOKEN
    assert estimate_batch_gas(5) == GAS_PER_BATCH + 5 * GAS_PER_TOKEN


def test_plan__batch_larger_than_members__one_batch():
    assert [(b.start, b.count) for b in plan(batch_size=500).batches] == [(0, 25)]


@pytest.mark.parametrize("bad", [{"batch_size": 0}, {"addresses": []}])
def test_plan__no_batch_size_or_members__value_error(bad):
    with pytest.raises(ValueError):
        plan(**bad)


# ------------------------------------------------------------------ ids


def test_plan__same_input__same_ids():
    assert plan() == plan()
    assert plan(contract=CONTRACT.lower()).plan_id == plan().plan_id
    assert (
        plan(addresses=[a.upper().replace("0X", "0x") for a in MEMBERS]).plan_id == plan().plan_id
    )


def test_plan__plan_id__keccak_of_encoded_inputs():
    expected = keccak(
        encode(
            ["uint256", "bytes32", "address", "uint256", "uint256", "address[]"],
            [31337, bytes.fromhex("11" * 32), CONTRACT, 1, 10, MEMBERS],
        )
    )

    assert plan().plan_id == "0x" + expected.hex()


def test_plan__batch_id__keccak_of_plan_id_and_index():
    p = plan()

    assert (
        p.batches[2].batch_id
        == "0x" + keccak(encode(["bytes32", "uint256"], [bytes.fromhex(p.plan_id[2:]), 2])).hex()
    )
    assert p.batches[2].batch_id == batch_id_of(p.plan_id, 2)
    assert len({b.batch_id for b in p.batches}) == 3


@pytest.mark.parametrize(
    "change",
    [
        {"addresses": MEMBERS[:-1]},
        {"addresses": MEMBERS[1:] + MEMBERS[:1]},
        {"addresses": [*MEMBERS[:-1], f"0x{0xB000:040x}"]},
        {"series_id": 2},
        {"chain_id": 1},
        {"genesis_hash": "0x" + "22" * 32},
        {"contract": "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"},
        {"batch_size": 11},
    ],
)
def test_plan__any_input_changes__plan_and_batch_ids_change(change):
    base, other = plan(), plan(**change)

    assert other.plan_id != base.plan_id
    assert not {b.batch_id for b in base.batches} & {b.batch_id for b in other.batches}
