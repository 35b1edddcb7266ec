"""Airdrop planning: batch sizes from the block gas limit, campaign ids that follow the set of members (not
their order or split), member numbers by sorted place, served members left out."""

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
    campaign_entries,
    campaign_id_of,
    estimate_batch_gas,
    max_batch_size,
    plan_airdrop,
    unserved_runs,
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


def test_plan__campaign_id__keccak_of_chain_contract_series_and_sorted_entries():
    body = b"".join(bytes.fromhex(a[2:]) + (0).to_bytes(4, "big") for a in sorted(MEMBERS))
    head = (31337).to_bytes(32, "big") + bytes.fromhex(CONTRACT[2:]) + (1).to_bytes(32, "big")

    assert plan().plan_id == plan().campaign_id == "0x" + keccak(head + body).hex()


def test_plan__batch_id__keccak_of_campaign_first_member_and_count():
    p = plan()

    assert (
        p.batches[2].batch_id
        == "0x"
        + keccak(
            encode(["bytes32", "uint256", "uint256"], [bytes.fromhex(p.plan_id[2:]), 20, 5])
        ).hex()
    )
    assert p.batches[2].batch_id == batch_id_of(p.plan_id, 20, 5)
    assert {b.campaign_id for b in p.batches} == {p.campaign_id}
    assert len({b.batch_id for b in p.batches}) == 3


@pytest.mark.parametrize(
    "change",
    [
        {"batch_size": 11},
        {"batch_size": 1},
        {"addresses": MEMBERS[::-1]},
        {"addresses": MEMBERS[7:] + MEMBERS[:7]},
        {"genesis_hash": "0x" + "22" * 32},
    ],
    ids=["batch-11", "batch-1", "reversed", "rotated", "other-genesis"],
)
def test_plan__order_split_or_genesis_changes__same_campaign_and_member_numbers(change):
    base, other = plan(), plan(**change)

    assert other.campaign_id == base.campaign_id
    assert other.addresses == base.addresses


@pytest.mark.parametrize(
    "change",
    [
        {"addresses": MEMBERS[:-1]},
        {"addresses": [*MEMBERS[:-1], f"0x{0xB000:040x}"]},
        {"addresses": [*MEMBERS, MEMBERS[0]]},
        {"series_id": 2},
        {"chain_id": 1},
        {"contract": "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"},
    ],
    ids=["one-fewer", "one-other", "one-kept-twice", "series", "chain", "contract"],
)
def test_plan__member_set_or_target_changes__campaign_and_batch_ids_change(change):
    base, other = plan(), plan(**change)

    assert other.campaign_id != base.campaign_id
    assert not {b.batch_id for b in base.batches} & {b.batch_id for b in other.batches}


# ------------------------------------------------------------------ member numbers


def test_plan__members__numbered_by_sorted_address_with_file_positions():
    shuffled = [MEMBERS[i] for i in (3, 0, 2, 1)]

    p = plan(addresses=shuffled)

    assert [a.lower() for a in p.addresses] == sorted(shuffled)
    assert [shuffled[i] for i in p.order] == [a.lower() for a in p.addresses]


def test_campaign_entries__address_kept_twice__occurrences_in_file_order():
    a, b = MEMBERS[1], MEMBERS[0]

    entries = campaign_entries([a, b, a])

    assert [(raw.hex(), occurrence, position) for raw, occurrence, position in entries] == [
        (b[2:], 0, 1),
        (a[2:], 0, 0),
        (a[2:], 1, 2),
    ]
    assert campaign_id_of(1, CONTRACT, 1, entries) != campaign_id_of(
        1, CONTRACT, 1, campaign_entries([a, b])
    )


# ------------------------------------------------------------------ served members


def test_unserved_runs__gaps__consecutive_runs():
    assert list(unserved_runs(10, frozenset({0, 3, 4, 9}))) == [(1, 2), (5, 4)]
    assert list(unserved_runs(3, frozenset())) == [(0, 3)]
    assert list(unserved_runs(3, frozenset({0, 1, 2}))) == []


def test_plan__served_members__left_out_and_batches_never_span_them():
    p = plan(served=frozenset({0, 1, 12, 13, 14}), batch_size=4)

    assert [(b.index, b.start, b.count) for b in p.batches] == [
        (0, 2, 4),
        (1, 6, 4),
        (2, 10, 2),
        (3, 15, 4),
        (4, 19, 4),
        (5, 23, 2),
    ]
    assert p.served == frozenset({0, 1, 12, 13, 14})
    assert len(p.addresses) == 25


def test_plan__every_member_served__no_batches_same_campaign():
    p = plan(served=frozenset(range(25)))

    assert p.batches == ()
    assert p.campaign_id == plan().campaign_id
    assert p.estimated_gas == 0
