"""Journal hygiene: private files, no signed bytes once settled, no member columns, a schema version, a lock
held across processes, and a disk that refuses a write named in one error."""

import os
import signal
import sqlite3
import stat
import subprocess
import sys

import pytest
from utils.journals import ADDRESSES, SENDER, create, small_plan

from collectibles.chain.airdrop import schema
from collectibles.chain.airdrop.files import make_private_folder
from collectibles.chain.airdrop.journal import Journal
from collectibles.chain.airdrop.records import CONFIRMED, PLANNED, SIGNED
from collectibles.domain.errors import (
    JournalBusy,
    JournalSchemaUnsupported,
    JournalUnreadable,
    WriteFailed,
)
from collectibles.domain.members import parse_members

SECRET_COLUMN = "alice@example.org"
RAW = "0x02f8" + "ab" * 60


@pytest.fixture
def members():
    text = "address,email\n" + "".join(f"{a},{SECRET_COLUMN}\n" for a in ADDRESSES)
    return parse_members(text.encode())


@pytest.fixture
def plan(members):
    return small_plan(members)


@pytest.fixture
def path(tmp_path):
    return tmp_path / "airdrops" / "journal.sqlite"


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def confirm(journal, plan, index):
    journal.record_confirmed(
        plan.plan_id, index, first_token_id=1, exec_tx_hash="0xe", gas_used=1, block_number=1
    )


# ------------------------------------------------------------------ private files


def test_journal__new_folder_and_files__owner_only(path, plan, members):
    with Journal(path) as journal:
        create(journal, plan, members)
        journal._db.execute("BEGIN IMMEDIATE")
        journal._db.execute("UPDATE plans SET report_path = ?", ("dirty",))
        side = path.with_name(path.name + "-journal")

        assert side.exists()
        assert mode(side) == 0o600
        journal._db.execute("ROLLBACK")

    assert mode(path.parent) == 0o700
    assert {p.name: mode(p) for p in path.parent.iterdir()} == {
        "journal.sqlite": 0o600,
        "journal.sqlite.lock": 0o600,
    }


def test_journal__older_readable_files__narrowed_on_open(path, plan, members):
    with Journal(path) as journal:
        create(journal, plan, members)
    for p in path.parent.iterdir():
        p.chmod(0o644)

    Journal(path).close()

    assert {mode(p) for p in path.parent.iterdir()} == {0o600}


def test_make_private_folder__existing_open_folder__narrowed(tmp_path):
    folder = tmp_path / "airdrops"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)

    make_private_folder(folder)

    assert mode(folder) == 0o700


# ------------------------------------------------------------------ what is kept


def test_members_table__address_and_row_only(path, plan, members):
    with Journal(path) as journal:
        create(journal, plan, members)
        columns = [r[1] for r in journal._db.execute("PRAGMA table_info(members)")]

    assert columns == ["plan_id", "position", "row", "address"]
    assert SECRET_COLUMN.encode() not in path.read_bytes()


def test_record_confirmed__signed_bytes_wiped_from_rows_and_file(path, plan, members):
    with Journal(path) as journal:
        create(journal, plan, members)
        journal.record_signed(plan.plan_id, 0, 4, "0xh0", RAW)
        journal.record_signed(plan.plan_id, 1, 5, "0xh1", RAW.replace("ab", "cd"))

        confirm(journal, plan, 0)

        assert journal.batch(plan.plan_id, 0).raw_tx is None
        assert journal.batch(plan.plan_id, 0).status == CONFIRMED
        assert journal.signed_bytes(plan.plan_id) == [RAW.replace("ab", "cd")] * 2
        assert journal.sends(plan.plan_id, 0) == [(4, "0xh0")]  # the history stays, the bytes go
    assert RAW.encode() not in path.read_bytes()


def test_reset_to_planned__abandoned_bytes_wiped(path, plan, members):
    with Journal(path) as journal:
        create(journal, plan, members)
        journal.record_signed(plan.plan_id, 0, 4, "0xh0", RAW)

        journal.reset_to_planned(plan.plan_id, 0)

        assert journal.signed_bytes(plan.plan_id) == []
        assert journal.batch(plan.plan_id, 0).status == PLANNED


def test_complete__no_signed_bytes_left(path, plan, members):
    with Journal(path) as journal:
        create(journal, plan, members)
        journal.record_signed(plan.plan_id, 2, 6, "0xh2", RAW)

        journal.complete(plan.plan_id, "report.csv")

        assert journal.signed_bytes(plan.plan_id) == []
    assert RAW.encode() not in path.read_bytes()


def test_discard_plan__nothing_signed__gone_else_kept(path, plan, members):
    with Journal(path) as journal:
        create(journal, plan, members)
        assert journal.discard_plan(plan.plan_id) is True
        assert journal.open_plan() is None
        assert journal.members(plan.plan_id) == []
        assert journal.batches(plan.plan_id) == []

        create(journal, plan, members)
        journal.record_signed(plan.plan_id, 0, 4, "0xh0", RAW)
        assert journal.discard_plan(plan.plan_id) is False
        assert journal.batch(plan.plan_id, 0).status == SIGNED


# ------------------------------------------------------------------ schema version

V1_SCHEMA = """
CREATE TABLE plans (plan_id TEXT PRIMARY KEY, chain_id INTEGER NOT NULL, genesis_hash TEXT NOT NULL,
  contract TEXT NOT NULL, series_id INTEGER NOT NULL, sender TEXT NOT NULL, batch_size INTEGER NOT NULL,
  members_path TEXT NOT NULL, members_sha256 TEXT NOT NULL, member_count INTEGER NOT NULL,
  columns_json TEXT NOT NULL, start_block INTEGER NOT NULL, status TEXT NOT NULL, report_path TEXT,
  created_at REAL NOT NULL);
CREATE TABLE members (plan_id TEXT NOT NULL, position INTEGER NOT NULL, row INTEGER NOT NULL,
  address TEXT NOT NULL, fields_json TEXT NOT NULL, PRIMARY KEY (plan_id, position));
CREATE TABLE batches (plan_id TEXT NOT NULL, idx INTEGER NOT NULL, batch_id TEXT NOT NULL,
  start INTEGER NOT NULL, count INTEGER NOT NULL, status TEXT NOT NULL, nonce INTEGER, tx_hash TEXT,
  raw_tx TEXT, first_token_id INTEGER, exec_tx_hash TEXT, gas_used INTEGER, block_number INTEGER,
  PRIMARY KEY (plan_id, idx));
CREATE TABLE sends (plan_id TEXT NOT NULL, idx INTEGER NOT NULL, nonce INTEGER NOT NULL,
  tx_hash TEXT NOT NULL, raw_tx TEXT NOT NULL, signed_at REAL NOT NULL);
"""


def write_v1_journal(path, plan):
    """A journal as the first version wrote it: every column of each row, signed bytes kept forever."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    db.execute(
        "INSERT INTO plans VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (plan.plan_id, 31337, plan.genesis_hash, plan.contract, 3, SENDER, 2, "m.csv", "ff" * 32, 5,
         '["address", "email"]', 7, "open", None, 1.0),
    )  # fmt: skip
    for i, a in enumerate(ADDRESSES):
        db.execute(
            "INSERT INTO members VALUES (?,?,?,?,?)",
            (plan.plan_id, i, i + 2, a, f'{{"email": "{SECRET_COLUMN}"}}'),
        )
    for b in plan.batches:
        status = CONFIRMED if b.index == 0 else SIGNED
        db.execute(
            "INSERT INTO batches (plan_id, idx, batch_id, start, count, status, nonce, tx_hash, raw_tx)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            (plan.plan_id, b.index, b.batch_id, b.start, b.count, status, b.index, f"0xh{b.index}",
             RAW + f"{b.index:02x}"),
        )  # fmt: skip
        db.execute(
            "INSERT INTO sends VALUES (?,?,?,?,?,?)",
            (plan.plan_id, b.index, b.index, f"0xh{b.index}", RAW + f"{b.index:02x}", 1.0),
        )
    db.commit()
    db.close()


def test_journal__new_file__current_schema_version(path):
    Journal(path).close()

    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION == 2


def test_journal__version_1_file__migrated_and_readable(path, plan):
    write_v1_journal(path, plan)

    with Journal(path) as journal:
        record = journal.open_plan()
        assert record is not None
        assert record.plan_id == plan.plan_id
        assert [m.address for m in journal.members(plan.plan_id)] == ADDRESSES
        assert [(b.status, b.raw_tx) for b in journal.batches(plan.plan_id)] == [
            (CONFIRMED, None),
            (SIGNED, RAW + "01"),
            (SIGNED, RAW + "02"),
        ]
        assert journal.sends(plan.plan_id, 1) == [(1, "0xh1")]
        assert schema.stored_version(journal._db) == 2
    data = path.read_bytes()
    assert SECRET_COLUMN.encode() not in data
    assert (RAW + "00").encode() not in data


def test_journal__newer_schema__refused_and_left_alone(path):
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE plans (plan_id TEXT)")
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    before = path.read_bytes()

    with pytest.raises(
        JournalSchemaUnsupported, match="schema version 99, newer than this program"
    ):
        Journal(path)

    assert path.read_bytes() == before
    # the lock was released: another open fails the same way, not as busy
    with pytest.raises(JournalSchemaUnsupported):
        Journal(path)


def test_journal__not_a_database__unreadable_and_left_alone(path):
    path.parent.mkdir(parents=True)
    path.write_text("address\n0x" + "ab" * 20 + "\n" * 200)  # a member file given as --journal
    before = path.read_bytes()

    with pytest.raises(JournalUnreadable, match="not an airdrop journal, or it is damaged"):
        Journal(path)

    assert path.read_bytes() == before
    with pytest.raises(JournalUnreadable):  # and the lock was released
        Journal(path)


# ------------------------------------------------------------------ the lock, across processes

HOLDER = """
import sys, time
from collectibles.chain.airdrop.journal import Journal
journal = Journal(sys.argv[1])
print("locked", flush=True)
time.sleep(120)
"""


def test_journal__held_by_another_process__busy_until_it_is_killed(path):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(JournalBusy, match=f"another airdrop process is using {path}"):
            Journal(path)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)

    Journal(path).close()  # the OS released the dead process's lock


# ------------------------------------------------------------------ a disk that refuses


def many_members(n):
    text = "address\n" + "".join(f"0x{0xD0000 + i:040x}\n" for i in range(n))
    return parse_members(text.encode())


def test_create_plan__disk_full__write_failed_and_journal_as_before(tiny_disk):
    members = many_members(2000)
    plan = small_plan(members)
    path = tiny_disk / "journal.sqlite"
    with Journal(path) as journal:
        with pytest.raises(
            WriteFailed, match=f"cannot write the airdrop journal {path}: the disk is full"
        ):
            create(journal, plan, members)

        assert journal.open_plan() is None
    with Journal(path) as journal:
        assert journal.open_plan() is None


def test_journal__read_only_folder__write_failed(tiny_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    path = tiny_disk / "journal.sqlite"

    with pytest.raises(WriteFailed, match="the file system is read-only"):
        Journal(path)

    assert list(tiny_disk.iterdir()) == []


def test_v1_fixture_is_what_the_old_code_would_write(path, plan):
    """The migration test above reads a realistic old file: the raw bytes and columns are in it."""
    write_v1_journal(path, plan)

    data = path.read_bytes()
    assert SECRET_COLUMN.encode() in data
    assert (RAW + "00").encode() in data
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 0
