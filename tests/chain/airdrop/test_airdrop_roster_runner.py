"""The roster mode of the airdrop runner (``airdropRoster``) on Ape's test chain: the same exactly-once run,
resume and report as ``airdrop``, the same campaign and marks (so the two modes never serve a member twice),
its own calldata and batch sizes."""

import csv

import pytest
from eth_abi import encode
from eth_utils import keccak

from collectibles.chain.airdrop import Airdropper, Journal, preflight
from collectibles.chain.airdrop.modes import (
    ARRAY,
    MAX_ROSTER,
    ROSTER,
    ROSTER_GAS_PER_TOKEN,
    is_out_of_gas,
    mode_for,
)
from collectibles.chain.airdrop.plan import TX_GAS_CAP, TX_GAS_SHARE, Batch
from collectibles.chain.airdrop.records import CONFIRMED, PLANNED
from collectibles.chain.airdrop.sender import BatchSender
from collectibles.domain import faults
from collectibles.domain.errors import AirdropNotPossible
from collectibles.domain.members import parse_members
from collectibles.domain.tokens import token_id

CAMPAIGN = "0x" + "cd" * 32
ROSTER_SELECTOR = keccak(text="airdropRoster(uint256,bytes32,uint256,bytes)")[:4]


class Crash(Exception):
    """Stands in for SIGKILL at a crash point."""


def member_address(i):
    """Member ``i`` of a campaign: the addresses sort in ``i``'s order."""
    return "0x" + f"{0xB0B00000 + i:040x}"


def members_of(count):
    rows = ["address,member_id"] + [f"{member_address(i)},M{i:04}" for i in range(count)]
    return parse_members(("\n".join(rows) + "\n").encode())


def read_report(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def big_series(create_series):
    return create_series(name="Roster", max_supply=2_000)


@pytest.fixture
def run(collectible, minter, tmp_path):
    """Returns a runner: ``Airdropper.run`` in ``mode`` with the journal named ``journal``."""

    def go(series, members, mode=ROSTER, batch_size=4, journal="journal", **options):
        return Airdropper(collectible, minter, mode=mode, **options).run(
            series,
            members,
            members_path="members.csv",
            journal_path=tmp_path / f"{journal}.sqlite",
            batch_size=batch_size,
        )

    return go


@pytest.fixture
def crash_at(monkeypatch):
    """Returns an arming function: ``crash_at("after_send", 2)`` raises :class:`Crash` at that hit."""

    def arm(point, nth=1):
        hits = {"n": 0}

        def hook(name):
            if name == point:
                hits["n"] += 1
                if hits["n"] == nth:
                    raise Crash(point)

        monkeypatch.setattr(faults, "crash_point", hook)

    yield arm
    monkeypatch.setattr(faults, "crash_point", lambda name: None)


def assert_exactly_once_in_order(collectible, series, count):
    """Every member holds one token of the series, serials in member order, nothing else was minted."""
    assert collectible.series(series).minted == count
    owners = [collectible.ownerOf(token_id(series, s)).lower() for s in range(1, count + 1)]
    assert owners == [member_address(i) for i in range(count)]
    assert [collectible.balanceOf(member_address(i)) for i in range(count)] == [1] * count


# ------------------------------------------------------------------ calldata and sizing


@pytest.mark.parametrize("count", [1, 7, 300, MAX_ROSTER])
def test_roster_calldata__by_hand__same_bytes_as_eth_abi_and_the_contract(
    collectible, minter, free_series, count
):
    sender = BatchSender(collectible, minter, mode=ROSTER)
    recipients = [member_address(i) for i in range(count)]
    packed = b"".join(bytes.fromhex(a[2:]) for a in recipients)

    data = sender.airdrop_calldata(free_series, CAMPAIGN, 257, recipients)

    args = [free_series, bytes.fromhex(CAMPAIGN[2:]), 257, packed]
    assert data[4:] == encode(["uint256", "bytes32", "uint256", "bytes"], args)
    assert data == bytes(collectible.airdropRoster.encode_input(*args))


def test_mode_for__flag__roster_or_array():
    assert (mode_for(True), mode_for(False)) == (ROSTER, ARRAY)
    assert (ROSTER.function, ARRAY.function) == ("airdropRoster", "airdrop")


@pytest.mark.parametrize("block_gas_limit", [30_000_000, 60_000_000, 2_000_000_000])
def test_roster_batch_size__big_blocks__max_roster_within_the_per_transaction_cap(
    block_gas_limit,
):
    size = ROSTER.max_batch_size(block_gas_limit)

    assert size == MAX_ROSTER == 1228
    assert ROSTER.estimate_batch_gas(size) <= TX_GAS_CAP * TX_GAS_SHARE < 2**24


def test_roster_batch_size__5m_block__half_the_block_at_the_roster_gas():
    size = ROSTER.max_batch_size(5_000_000)

    assert ROSTER.estimate_batch_gas(size) <= 2_500_000 < ROSTER.estimate_batch_gas(size + 1)
    assert size > 6 * ARRAY.max_batch_size(5_000_000)


def test_run__max_roster_batch__one_transaction_within_the_planned_gas(
    run, collectible, big_series, chain
):
    result = run(big_series, members_of(MAX_ROSTER), batch_size=None)

    assert (result.status, result.batches, result.mode) == ("done", 1, "roster")
    gas = chain.provider.get_receipt(result.tx_hashes[0]).gas_used
    assert gas <= ROSTER.estimate_batch_gas(MAX_ROSTER) < TX_GAS_CAP * TX_GAS_SHARE
    assert gas / MAX_ROSTER <= ROSTER_GAS_PER_TOKEN
    assert_exactly_once_in_order(collectible, big_series, MAX_ROSTER)
    assert collectible.rosterCount(big_series) == 1


# ------------------------------------------------------------------ a run, a replay, a resume


def test_run__roster_ten_members_by_four__one_token_each_in_order_with_report(
    run, collectible, free_series, chain
):
    result = run(free_series, members_of(10))

    assert (result.status, result.members, result.batches) == ("done", 10, 3)
    assert_exactly_once_in_order(collectible, free_series, 10)
    assert collectible.rosterCount(free_series) == 3
    for tx_hash in result.tx_hashes:  # each batch one airdropRoster call, its roster stored
        receipt = chain.provider.get_receipt(tx_hash)
        assert receipt.transaction.data[:4] == ROSTER_SELECTOR
        assert len(receipt.events.filter(collectible.RosterStored)) == 1
    rows = read_report(result.report_path)
    assert [(r["address"], r["member_id"]) for r in rows] == [
        (member_address(i), f"M{i:04}") for i in range(10)
    ]
    assert [int(r["serial"]) for r in rows] == list(range(1, 11))
    assert [r["tx_hash"] for r in rows] == [result.tx_hashes[i // 4] for i in range(10)]


def test_run__roster_replayed_by_hand_and_rerun__nothing_minted_nothing_sent(
    run, collectible, free_series, minter
):
    first = run(free_series, members_of(6))
    args = (
        free_series,
        bytes.fromhex(first.plan_id[2:]),
        0,
        b"".join(bytes.fromhex(member_address(i)[2:]) for i in range(6)),
    )
    assert list(collectible.airdropRoster.call(*args, sender=minter)) == [0, 0]
    replay = collectible.airdropRoster(*args, sender=minter)
    nonce = minter.nonce

    again = run(free_series, members_of(6))

    assert list(replay.events) == []
    assert (again.status, again.tx_hashes) == ("already_done", first.tx_hashes)
    assert minter.nonce == nonce
    assert_exactly_once_in_order(collectible, free_series, 6)


@pytest.mark.parametrize("point", ["after_sign", "after_send", "before_receipt"])
def test_run__roster_crash_mid_run_then_resume__exactly_once(
    run, collectible, free_series, crash_at, tmp_path, point
):
    crash_at(point, 2 if point != "before_receipt" else 1)
    with pytest.raises(Crash):
        run(free_series, members_of(11))
    crash_at("none")

    result = run(free_series, members_of(11))

    assert (result.status, result.resumed, result.batches) == ("done", True, 3)
    assert_exactly_once_in_order(collectible, free_series, 11)


# ------------------------------------------------------------------ the two modes, one campaign


@pytest.mark.parametrize(("first", "then"), [(ARRAY, ROSTER), (ROSTER, ARRAY)])
def test_run__other_mode_after_a_partial_run__only_the_unserved_minted(
    run, collectible, free_series, crash_at, first, then
):
    crash_at("after_send", 1)  # the first batch on chain, then killed
    with pytest.raises(Crash):
        run(free_series, members_of(10), mode=first, journal="first")
    crash_at("none")
    assert collectible.series(free_series).minted == 4

    result = run(free_series, members_of(10), mode=then, batch_size=3, journal="second")

    assert (result.status, result.mode) == ("done", then.name)
    assert_exactly_once_in_order(collectible, free_series, 10)
    assert collectible.rosterCount(free_series) == (1 if first is ROSTER else 2)


def test_run__array_journal_resumed_with_roster__finished_exactly_once(
    run, collectible, free_series, crash_at, tmp_path
):
    crash_at("after_sign", 1)  # one batch signed as airdrop, the others planned
    with pytest.raises(Crash):
        run(free_series, members_of(9), mode=ARRAY)
    crash_at("none")
    with Journal(tmp_path / "journal.sqlite") as journal:
        plan_id = journal.open_plan().plan_id
        assert [b.status for b in journal.batches(plan_id)] == ["signed", PLANNED, PLANNED]

    result = run(free_series, members_of(9), mode=ROSTER)

    assert (result.status, result.resumed, result.plan_id) == ("done", True, plan_id)
    assert_exactly_once_in_order(collectible, free_series, 9)
    assert collectible.rosterCount(free_series) == 2  # the signed batch kept its airdrop bytes


def test_run__roster_journal_too_big_for_airdrop__resume_refused_nothing_signed(
    run, collectible, big_series, crash_at, tmp_path, minter
):
    crash_at("after_sign", 1)
    with pytest.raises(Crash):
        run(big_series, members_of(1_100), batch_size=550)
    crash_at("none")
    nonce = minter.nonce

    with pytest.raises(AirdropNotPossible, match="--roster setting it was started with"):
        run(big_series, members_of(1_100), mode=ARRAY, batch_size=None)

    assert minter.nonce == nonce
    with Journal(tmp_path / "journal.sqlite") as journal:
        batches = journal.batches(journal.open_plan().plan_id)
    assert [b.status for b in batches] == ["signed", PLANNED]
    assert CONFIRMED not in {b.status for b in batches}

    result = run(big_series, members_of(1_100), batch_size=None)

    assert (result.status, result.batches) == ("done", 2)
    assert_exactly_once_in_order(collectible, big_series, 1_100)


def test_run__roster_batch_over_max_roster__refused_before_anything_is_journaled(
    collectible, minter, big_series, tmp_path
):
    dropper = Airdropper(collectible, minter, mode=ROSTER)

    with pytest.raises(
        AirdropNotPossible, match=r"more than one airdropRoster call may take \(1228\)"
    ):
        dropper.run(
            big_series,
            members_of(MAX_ROSTER + 1),
            members_path="members.csv",
            journal_path=tmp_path / "j.sqlite",
            batch_size=MAX_ROSTER + 1,
        )

    with Journal(tmp_path / "j.sqlite") as journal:
        assert journal.open_plan() is None


@pytest.fixture
def small_blocks(chain):
    """Blocks of 5M gas: less than a full roster's CREATE needs."""
    provider = chain.provider
    before = provider.web3.eth.get_block("latest")["gasLimit"]
    provider.make_request("evm_setBlockGasLimit", [hex(5_000_000)])
    provider.make_request("evm_mine", [])
    yield
    provider.make_request("evm_setBlockGasLimit", [hex(before)])
    provider.make_request("evm_mine", [])


def test_refusal__roster_too_big_for_the_gas__named_out_of_gas(
    collectible, minter, big_series, small_blocks
):
    addresses = [member_address(i) for i in range(MAX_ROSTER)]
    batch = Batch(0, "0x" + "01" * 32, 0, MAX_ROSTER, CAMPAIGN)

    _, reason = preflight.refusal(collectible, minter, big_series, [batch], addresses, ROSTER)

    assert reason is not None
    assert "CollectibleRosterNotStored" in reason
    assert "the roster ran out of gas, the batch is too big for one transaction" in reason


def test_sign__roster_estimate_out_of_gas__refused_naming_the_batch(
    collectible, minter, big_series, small_blocks
):
    sender = BatchSender(collectible, minter, mode=ROSTER)
    batch = Batch(3, "0x" + "01" * 32, 0, MAX_ROSTER, CAMPAIGN)
    nonce = minter.nonce

    with pytest.raises(AirdropNotPossible, match=r"batch 3 \(1228 recipients\): .*ran out of gas"):
        sender.sign(big_series, batch, [member_address(i) for i in range(MAX_ROSTER)], nonce)

    assert minter.nonce == nonce


def test_refusal__array_batch_too_big_for_the_gas__refused_naming_the_batch_and_its_gas(
    collectible, minter, big_series, small_blocks
):
    addresses = [member_address(i) for i in range(150)]
    batch = Batch(2, "0x" + "01" * 32, 0, 150, CAMPAIGN)

    _, reason = preflight.refusal(collectible, minter, big_series, [batch], addresses, ARRAY)

    assert reason is not None
    assert reason.startswith("batch 2 (150 recipients) runs out of gas"), reason
    assert f"{ARRAY.estimate_batch_gas(150):,} gas" in reason
    assert "use a smaller --batch-size" in reason


def test_sign__array_estimate_out_of_gas__refused_naming_the_batch_and_its_gas(
    collectible, minter, big_series, small_blocks
):
    sender = BatchSender(collectible, minter, mode=ARRAY)
    batch = Batch(4, "0x" + "01" * 32, 0, 150, CAMPAIGN)
    nonce = minter.nonce

    with pytest.raises(AirdropNotPossible, match=r"batch 4 \(150 recipients\) runs out of gas"):
        sender.sign(big_series, batch, [member_address(i) for i in range(150)], nonce)

    assert minter.nonce == nonce


@pytest.mark.parametrize(
    ("error", "out_of_gas"),
    [
        ("{'code': -32603, 'message': 'EVM error ReentrancySentryOOG'}", True),
        ("EVM error OutOfGas", True),
        ("gas required exceeds allowance (5000000)", True),
        ("execution reverted: out of gas", True),
        ("nonce too low", False),
        ("503 from https://eth.googleapis.example", False),
    ],
)
def test_is_out_of_gas__node_wordings__only_running_out_of_gas(error, out_of_gas):
    assert is_out_of_gas(error) is out_of_gas
