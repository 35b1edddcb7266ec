"""The airdrop runner on Ape's test chain: run, rerun, resume from the journal, and the errors it raises.

These call :class:`~collectibles.chain.airdrop.Airdropper` directly (no CLI). A crash is simulated in-process by
replacing ``faults.crash_point`` with a function that raises, or that changes the chain at that point.
"""

import csv

import pytest

from collectibles.chain.airdrop import Airdropper, Journal
from collectibles.chain.airdrop.records import CONFIRMED, PLANNED, SENT, SIGNED
from collectibles.domain import faults
from collectibles.domain.errors import BatchPending, BatchReverted, JournalMismatch
from collectibles.domain.members import parse_members
from collectibles.domain.tokens import token_id


class Crash(Exception):
    """Stands in for SIGKILL at a crash point."""


def member_address(i):
    return "0x" + f"{0xD00D0000 + i:040x}"


def members_of(count):
    """A parsed member file of ``count`` addresses with a member id and tier column."""
    rows = ["address,member_id,tier"] + [f"{member_address(i)},M{i:03},gold" for i in range(count)]
    return parse_members(("\n".join(rows) + "\n").encode())


def read_report(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def journal_path(tmp_path):
    return tmp_path / "airdrops" / "journal.sqlite"


@pytest.fixture
def logs():
    return []


@pytest.fixture
def dropper(collectible, minter, logs):
    """Returns a builder: an Airdropper of the test collection, by default signed by the minter."""

    def build(sender=minter, **options):
        return Airdropper(collectible, sender, log=logs.append, **options)

    return build


@pytest.fixture
def run(dropper, journal_path):
    """Returns a runner: ``Airdropper.run`` on a series with a private journal."""

    def go(series, members, batch_size=2, sender=None, **options):
        airdropper = dropper(**options) if sender is None else dropper(sender, **options)
        return airdropper.run(
            series,
            members,
            members_path="members.csv",
            journal_path=journal_path,
            batch_size=batch_size,
        )

    return go


class CrashPoints:
    """Replaces ``faults.crash_point`` for one test: at a named point, crash or change the chain."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def __call__(self, point, nth=1, action=None):
        """At the ``nth`` hit of ``point``, call ``action`` (by default, raise :class:`Crash`)."""
        hits = {"n": 0}

        def hook(name):
            if name != point:
                return
            hits["n"] += 1
            if hits["n"] == nth:
                if action is None:
                    raise Crash(point)
                action()

        self.monkeypatch.setattr(faults, "crash_point", hook)

    def disarm(self):
        self.monkeypatch.setattr(faults, "crash_point", lambda name: None)


@pytest.fixture
def at_point(monkeypatch):
    """Returns a :class:`CrashPoints`: ``at_point("after_sign", 2)`` crashes at the second signature."""
    return CrashPoints(monkeypatch)


@pytest.fixture
def manual_mining(chain):
    """Turns Anvil's automine off for the test, and back on afterwards whatever happens."""
    chain.provider.auto_mine = False
    yield chain
    chain.mine()
    chain.provider.auto_mine = True


def open_plan_id(journal_path):
    with Journal(journal_path) as journal:
        record = journal.open_plan()
    assert record is not None, "the crashed run left no open plan"
    return record.plan_id


def batches_of(journal_path, plan_id):
    """``(batches, sends per batch)`` as the journal holds them."""
    with Journal(journal_path) as journal:
        return journal.batches(plan_id), [
            journal.sends(plan_id, b.index) for b in journal.batches(plan_id)
        ]


def assert_each_holds_one(collectible, series, count):
    assert [collectible.balanceOf(member_address(i)) for i in range(count)] == [1] * count
    assert collectible.series(series).minted == count


# ------------------------------------------------------------------ a run, and a rerun


def test_run__five_members_by_two__one_token_each_in_order_with_report(
    run, collectible, free_series, chain
):
    progress: list[int] = []

    result = run(free_series, members_of(5), progress=progress.append)

    assert (result.status, result.members, result.batches) == ("done", 5, 3)
    assert (result.confirmed_now, result.resumed) == (3, False)
    assert len(set(result.tx_hashes)) == 3
    assert result.gas_used == sum(chain.provider.get_receipt(h).gas_used for h in result.tx_hashes)
    assert sum(progress) == 5
    tokens = [token_id(free_series, serial) for serial in range(1, 6)]
    assert [collectible.ownerOf(t).lower() for t in tokens] == [member_address(i) for i in range(5)]
    rows = read_report(result.report_path)
    assert [(r["address"], r["member_id"], r["tier"]) for r in rows] == [
        (member_address(i), f"M{i:03}", "gold") for i in range(5)
    ]
    assert [int(r["token_id"]) for r in rows] == tokens
    assert [int(r["serial"]) for r in rows] == [1, 2, 3, 4, 5]
    assert [r["tx_hash"] for r in rows] == [result.tx_hashes[i // 2] for i in range(5)]


def test_run__rerun_after_done__already_done_and_nothing_sent(run, free_series, minter):
    first = run(free_series, members_of(5))
    nonce = minter.nonce

    again = run(free_series, members_of(5))

    assert (again.status, again.plan_id, again.confirmed_now) == ("already_done", first.plan_id, 0)
    assert (again.tx_hashes, again.report_path) == (first.tx_hashes, first.report_path)
    assert minter.nonce == nonce


def test_run__journal_lost_after_done__recorded_from_chain_nothing_sent(
    run, collectible, free_series, minter, journal_path, logs
):
    first = run(free_series, members_of(5))
    journal_path.unlink()
    nonce = minter.nonce

    again = run(free_series, members_of(5))

    assert (again.status, again.confirmed_now, again.plan_id) == ("done", 3, first.plan_id)
    assert logs == [f"batch {i}: already executed on chain, recorded" for i in range(3)]
    assert minter.nonce == nonce
    assert_each_holds_one(collectible, free_series, 5)
    assert [int(r["token_id"]) for r in read_report(again.report_path)] == [
        token_id(free_series, serial) for serial in range(1, 6)
    ]


def test_run__journal_lost_after_done__executing_tx_and_gas_read_back(
    run, free_series, journal_path
):
    first = run(free_series, members_of(5))
    journal_path.unlink()

    again = run(free_series, members_of(5))

    assert (again.tx_hashes, again.gas_used) == (first.tx_hashes, first.gas_used)


# ------------------------------------------------------------------ resume from the journal


def test_run__resume_after_recorded_signed_batch__same_signed_bytes_sent_once(
    run, collectible, free_series, journal_path, at_point, logs
):
    at_point("after_sign", 1)
    with pytest.raises(Crash):
        run(free_series, members_of(5))
    at_point.disarm()
    plan_id = open_plan_id(journal_path)
    (signed, *unsigned), _ = batches_of(journal_path, plan_id)
    assert signed.status == SIGNED
    assert [b.status for b in unsigned] == [PLANNED, PLANNED]
    assert collectible.series(free_series).minted == 0

    result = run(free_series, members_of(5))

    assert (result.status, result.resumed, result.plan_id) == ("done", True, plan_id)
    assert "batch 0: not on chain yet; rebroadcasting the same signed transaction" in logs
    assert result.tx_hashes[0] == signed.tx_hash
    batches, sends = batches_of(journal_path, plan_id)
    assert [b.status for b in batches] == [CONFIRMED] * 3
    assert sends[0] == [(signed.nonce, signed.tx_hash)]  # never signed a second time
    assert [len(s) for s in sends] == [1, 1, 1]
    assert_each_holds_one(collectible, free_series, 5)


def test_run__nonce_of_signed_batch_taken__signed_again_at_a_new_nonce(
    run, collectible, free_series, journal_path, at_point, logs, mint_to, fan
):
    at_point("after_sign", 1)
    with pytest.raises(Crash):
        run(free_series, members_of(5))
    at_point.disarm()
    plan_id = open_plan_id(journal_path)
    mint_to(free_series, fan)  # uses the minter's next nonce, the one batch 0 was signed with

    result = run(free_series, members_of(5))

    assert result.status == "done"
    assert any("was used by another transaction; signing it again" in line for line in logs)
    _, sends = batches_of(journal_path, plan_id)
    (old_nonce, old_hash), (new_nonce, new_hash) = sends[0]
    assert new_nonce > old_nonce
    assert new_hash != old_hash
    assert result.tx_hashes[0] == new_hash
    assert [collectible.balanceOf(member_address(i)) for i in range(5)] == [1] * 5
    assert collectible.series(free_series).minted == 6  # the five members and the fan's mint


def test_run__open_plan_resumed_by_another_sender__journal_mismatch_nothing_sent(
    run, free_series, admin, minter, at_point
):
    at_point("after_sign", 1)
    with pytest.raises(Crash):
        run(free_series, members_of(5))
    at_point.disarm()
    nonces = (admin.nonce, minter.nonce)

    with pytest.raises(JournalMismatch, match=f"sender {minter.address}, not {admin.address}"):
        run(free_series, members_of(5), sender=admin)

    assert (admin.nonce, minter.nonce) == nonces


# ------------------------------------------------------------------ batches that do not execute


def test_run__batch_reverts__batch_reverted_then_rerun_signs_it_again(
    run, collectible, free_series, admin, journal_path, at_point, logs
):
    # Pause after the only batch is signed and before it is sent: the chain mines it and reverts it.
    at_point("after_sign", 1, action=lambda: collectible.pause(sender=admin))

    with pytest.raises(BatchReverted) as raised:
        run(free_series, members_of(3), batch_size=3)

    plan_id = open_plan_id(journal_path)
    (batch,), _ = batches_of(journal_path, plan_id)
    assert (raised.value.index, raised.value.tx_hash) == (0, batch.tx_hash)
    assert batch.status == SENT
    assert collectible.series(free_series).minted == 0
    at_point.disarm()
    collectible.unpause(sender=admin)

    result = run(free_series, members_of(3), batch_size=3)

    assert (result.status, result.resumed) == ("done", True)
    assert f"batch 0: transaction {batch.tx_hash} reverted; signing it again" in logs
    assert result.tx_hashes[0] != batch.tx_hash
    assert_each_holds_one(collectible, free_series, 3)


def test_run__no_receipt_in_time__batch_pending_then_rerun_records_it(
    run, collectible, free_series, journal_path, manual_mining, minter, logs
):
    with pytest.raises(BatchPending) as raised:
        run(free_series, members_of(3), receipt_timeout=0.5)

    plan_id = open_plan_id(journal_path)
    batches, _ = batches_of(journal_path, plan_id)
    assert (raised.value.index, raised.value.tx_hash, raised.value.timeout) == (
        0,
        batches[0].tx_hash,
        0.5,
    )
    assert [b.status for b in batches] == [SENT, SENT]
    manual_mining.mine()  # both batches wait in the pool: one block executes them
    nonce = minter.nonce

    result = run(free_series, members_of(3))

    assert (result.status, result.resumed, result.confirmed_now) == ("done", True, 2)
    assert result.tx_hashes == [b.tx_hash for b in batches]
    assert logs.count("batch 0: already executed on chain, recorded") == 1
    assert minter.nonce == nonce
    assert_each_holds_one(collectible, free_series, 3)


# ------------------------------------------------------------------ dry run


def test_dry_run__after_done__every_batch_counted_executed_nothing_left(
    run, dropper, free_series, minter
):
    run(free_series, members_of(5))
    nonce = minter.nonce

    dry = dropper().dry_run(free_series, members_of(5), batch_size=2)

    assert (dry.executed_batches, dry.remaining_members, dry.estimated_gas) == (3, 0, 0)
    assert dry.refusal is None
    assert minter.nonce == nonce


def test_dry_run__over_series_cap__refusal_names_cap_and_need(dropper, create_series, minter):
    tiny = create_series(name="Tiny", max_supply=3)

    dry = dropper().dry_run(tiny, members_of(4), batch_size=2)

    assert (dry.executed_batches, dry.remaining_members, dry.cap_left) == (0, 4, 3)
    assert dry.refusal == f"series {tiny} can mint 3 more tokens, the airdrop needs 4"
    assert dry.estimated_gas == dry.plan.estimated_gas
    assert dry.estimated_cost == dry.estimated_gas * dry.gas_price
