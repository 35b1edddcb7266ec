"""The SQLite airdrop journal: plans, members and batches survive a reopen; one process at a time."""

import sqlite3

import pytest
from utils.journals import ADDRESSES, SENDER, create, small_plan

from collectibles.chain.airdrop.journal import Journal, default_journal_path
from collectibles.chain.airdrop.records import COMPLETE, CONFIRMED, OPEN, PLANNED, SENT, SIGNED
from collectibles.domain.errors import JournalBusy, JournalMismatch
from collectibles.domain.members import parse_members


@pytest.fixture
def members():
    text = "address,tier\n" + "".join(f"{a},gold\n" for a in ADDRESSES)
    return parse_members(text.encode())


@pytest.fixture
def plan(members):
    return small_plan(members)


@pytest.fixture
def path(tmp_path):
    return tmp_path / "airdrops" / "journal.sqlite"


def test_create_plan__stored_open_with_members_and_planned_batches(path, plan, members):
    with Journal(path) as journal:
        record = create(journal, plan, members)

        assert (record.plan_id, record.status, record.series_id, record.batch_size) == (
            plan.plan_id,
            OPEN,
            3,
            2,
        )
        assert (record.sender, record.members_sha256, record.member_count) == (
            SENDER,
            members.sha256,
            5,
        )
        assert record.columns == ("address", "tier")
        assert journal.open_plan() == record
        assert [(m.position, m.row, m.address) for m in journal.members(plan.plan_id)] == [
            (i, i + 2, members.addresses[i]) for i in range(5)
        ]
        assert [
            (b.index, b.batch_id, b.start, b.count, b.status) for b in journal.batches(plan.plan_id)
        ] == [(b.index, b.batch_id, b.start, b.count, PLANNED) for b in plan.batches]


def test_journal__reopened__every_step_survives(path, plan, members):
    with Journal(path) as journal:
        create(journal, plan, members)
        journal.record_signed(plan.plan_id, 0, 4, "0xh0", "0xraw0")
        journal.record_signed(plan.plan_id, 1, 5, "0xh1", "0xraw1")
        journal.record_sent(plan.plan_id, 0)
        journal.record_confirmed(
            plan.plan_id,
            0,
            first_token_id=3_000_001,
            exec_tx_hash="0xh0",
            gas_used=99,
            block_number=9,
        )

    with Journal(path) as journal:
        b0, b1, b2 = journal.batches(plan.plan_id)
        assert (
            b0.status,
            b0.nonce,
            b0.first_token_id,
            b0.exec_tx_hash,
            b0.gas_used,
            b0.block_number,
        ) == (CONFIRMED, 4, 3_000_001, "0xh0", 99, 9)
        assert (b1.status, b1.nonce, b1.tx_hash, b1.raw_tx) == (SIGNED, 5, "0xh1", "0xraw1")
        assert b2.status == PLANNED
        assert [b.index for b in journal.iter_unfinished(plan.plan_id)] == [1, 2]


def test_record_sent__only_from_signed(path, plan, members):
    with Journal(path) as journal:
        create(journal, plan, members)
        journal.record_signed(plan.plan_id, 0, 4, "0xh0", "0xraw0")
        journal.record_sent(plan.plan_id, 0)
        journal.record_sent(plan.plan_id, 1)  # never signed: stays planned

        assert [b.status for b in journal.batches(plan.plan_id)] == [SENT, PLANNED, PLANNED]


def test_record_sent__several_batches__one_transaction_from_signed_only(path, plan, members):
    with Journal(path) as journal:
        create(journal, plan, members)
        journal.record_signed(plan.plan_id, 0, 4, "0xh0", "0xraw0")
        journal.record_signed(plan.plan_id, 2, 5, "0xh2", "0xraw2")
        journal.record_sent(plan.plan_id, 0, 1, 2)

        assert [b.status for b in journal.batches(plan.plan_id)] == [SENT, PLANNED, SENT]


def confirm(journal, plan, index):
    journal.record_confirmed(
        plan.plan_id, index, first_token_id=7, exec_tx_hash="0xe", gas_used=1, block_number=9
    )


def on_disk(path, plan):
    """The batch statuses another reader of the file sees (what a crash would leave)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT status FROM batches WHERE plan_id = ? ORDER BY idx", (plan.plan_id,)
        )
        return [status for (status,) in rows]


def test_deferring__confirmations__written_together_when_the_block_ends(path, plan, members):
    with Journal(path) as journal:
        create(journal, plan, members)
        journal.record_signed(plan.plan_id, 0, 4, "0xh0", "0xraw0")
        journal.record_signed(plan.plan_id, 1, 5, "0xh1", "0xraw1")
        with journal.deferring():
            confirm(journal, plan, 0)
            confirm(journal, plan, 1)
            assert on_disk(path, plan) == [SIGNED, SIGNED, PLANNED]

        assert on_disk(path, plan) == [CONFIRMED, CONFIRMED, PLANNED]


def test_deferring__a_signature_meanwhile__committed_at_once_with_the_waiting_writes(
    path, plan, members
):
    with Journal(path) as journal:
        create(journal, plan, members)
        journal.record_signed(plan.plan_id, 0, 4, "0xh0", "0xraw0")
        with journal.deferring():
            confirm(journal, plan, 0)
            journal.record_signed(
                plan.plan_id, 1, 5, "0xh1", "0xraw1"
            )  # must be on disk before a send

            assert on_disk(path, plan) == [CONFIRMED, SIGNED, PLANNED]


def test_reset_to_planned__forgets_the_tx_but_keeps_its_history(path, plan, members):
    with Journal(path) as journal:
        create(journal, plan, members)
        journal.record_signed(plan.plan_id, 0, 4, "0xh0", "0xraw0")
        journal.reset_to_planned(plan.plan_id, 0)
        journal.record_signed(plan.plan_id, 0, 8, "0xh0b", "0xraw0b")

        batch = journal.batch(plan.plan_id, 0)
        assert (batch.status, batch.nonce, batch.tx_hash) == (SIGNED, 8, "0xh0b")
        assert journal.sends(plan.plan_id, 0) == [(4, "0xh0"), (8, "0xh0b")]


def test_complete__no_open_plan_left(path, plan, members):
    with Journal(path) as journal:
        create(journal, plan, members)
        journal.complete(plan.plan_id, "report.csv")

        assert journal.open_plan() is None
        record = journal.plan(plan.plan_id)
        assert record is not None
        assert (record.status, record.report_path) == (COMPLETE, "report.csv")
        assert journal.plan("0x" + "00" * 32) is None


def test_journal__second_process__busy(path):
    with Journal(path), pytest.raises(JournalBusy, match="another airdrop process is using"):
        Journal(path)
    Journal(path).close()  # free again once the first closed


def test_create_plan__same_plan_twice__refused_atomically(path, plan, members):
    import sqlite3

    with Journal(path) as journal:
        create(journal, plan, members)
        with pytest.raises(sqlite3.IntegrityError):
            create(journal, plan, members)

        assert len(journal.batches(plan.plan_id)) == 3
        assert len(journal.members(plan.plan_id)) == 5


def test_check_resume__same_input__accepted(path, plan, members):
    with Journal(path) as journal:
        record = create(journal, plan, members)

        journal.check_resume(record, members, "members.csv", None, sender=SENDER)
        journal.check_resume(record, members, "members.csv", 2, sender=SENDER)


OTHER_SENDER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"


@pytest.mark.parametrize(
    ("rows", "batch_size", "sender", "field"),
    [
        (1, 2, SENDER, "member file members.csv"),
        (5, 3, SENDER, "batch size 2, not 3"),
        (5, None, OTHER_SENDER, f"sender {SENDER}, not {OTHER_SENDER}"),
    ],
)
def test_check_resume__other_input__journal_mismatch_naming_it(
    path, plan, members, rows, batch_size, sender, field
):
    given = parse_members(
        ("address,tier\n" + "".join(f"{a},gold\n" for a in ADDRESSES[:rows])).encode()
    )
    with Journal(path) as journal:
        record = create(journal, plan, members)

        with pytest.raises(JournalMismatch, match=field):
            journal.check_resume(record, given, "new.csv", batch_size, sender=sender)


def test_default_journal_path__one_file_per_chain_contract_and_series(tmp_path):
    path = default_journal_path(
        tmp_path, 31337, "0x" + "ab" * 32, "0x5fbdb2315678afecb367f032d93f642f64180aa3", 4
    )

    assert (
        path
        == tmp_path / "31337-abababab-0x5FbDB2315678afecb367f032d93F642f64180aa3-series4.sqlite"
    )


def test_when_written__while_deferring__called_after_the_commit(path, plan, members):
    with Journal(path) as journal:
        create(journal, plan, members)
        journal.record_signed(plan.plan_id, 0, 4, "0xh0", "0xraw0")
        seen = []
        with journal.deferring():
            confirm(journal, plan, 0)
            journal.when_written(lambda: seen.append(on_disk(path, plan)[0]))
            assert seen == []

        assert seen == [CONFIRMED]
