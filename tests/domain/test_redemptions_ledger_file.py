"""collectibles/domain/redemptions_ledger_file.py: a ledger file is opened for its own chain and contract only,
by one writer at a time; a file that is not a ledger, a path that cannot hold one and a missing ledger are each
refused with a line that says so; each chain and contract has its own default file."""

import os
import sqlite3
from pathlib import Path

import pytest

from collectibles.domain.redemptions import (
    LedgerBusy,
    LedgerMismatch,
    LedgerMissing,
    LedgerUnreadable,
    LedgerUnwritable,
)
from collectibles.domain.redemptions_ledger_file import (
    LedgerFile,
    LedgerIdentity,
    default_ledger_path,
)

CONTRACT = "0x" + "cd" * 20
IDENTITY = LedgerIdentity(31337, "0x" + "11" * 32, CONTRACT, 1)


@pytest.fixture
def path(tmp_path):
    return tmp_path / "redemptions" / "ledger.sqlite"


@pytest.fixture
def writer(path):
    """The ledger file of ``IDENTITY`` at ``path``, created and held open (with its lock) by this test."""
    file = LedgerFile.open(path, IDENTITY)
    yield file
    file.close()


def test_open__ledger_of_another_contract__mismatch_names_both(writer, path):
    writer.close()
    other = LedgerIdentity(31337, IDENTITY.genesis_hash, "0x" + "ef" * 20, 1)

    with pytest.raises(LedgerMismatch, match=f"contract {CONTRACT}, not 0x(ef)+"):
        LedgerFile.open(path, other)


def test_open__ledger_of_another_chain__mismatch(writer, path):
    writer.close()
    other = LedgerIdentity(1, "0x" + "22" * 32, CONTRACT, 1)

    with pytest.raises(LedgerMismatch, match="records fulfilments of chain 31337"):
        LedgerFile.read(path, other)


def test_open__refused_for_another_contract__lock_released_for_the_next_writer(writer, path):
    writer.close()
    # `refused` is kept to the end: its traceback holds the refused open's frame, lock and all, so only
    # open() closing the lock (not the garbage collector) lets the next writer in.
    with pytest.raises(LedgerMismatch) as refused:
        LedgerFile.open(path, LedgerIdentity(31337, IDENTITY.genesis_hash, "0x" + "ef" * 20, 1))

    again = LedgerFile.open(path, IDENTITY)

    assert (again.writable, again.identity()) == (True, IDENTITY)
    assert refused.value.what == "contract"
    again.close()


def open_files(path):
    """The file descriptors of this process open on ``path`` or its SQLite side files."""
    fds = Path("/proc/self/fd")
    names = {str(path), f"{path}-wal", f"{path}-shm", f"{path}.lock"}
    return [fd for fd in fds.iterdir() if os.path.realpath(fd) in names]


def test_open__refused_for_another_contract__leaves_no_file_open(writer, path):
    writer.close()
    before = len(open_files(path))
    # Kept to the end, as above, so that only open() closing them can free the descriptors.
    with pytest.raises(LedgerMismatch) as refused:
        LedgerFile.open(path, LedgerIdentity(31337, IDENTITY.genesis_hash, "0x" + "ef" * 20, 1))

    assert len(open_files(path)) == before
    assert refused.value.what == "contract"


def test_open__second_writer__busy(writer, path):
    with pytest.raises(LedgerBusy, match="another fulfilment process"):
        LedgerFile.open(path, IDENTITY)


def test_read__beside_a_writer__reads_without_the_lock(writer, path):
    reader = LedgerFile.read(path, IDENTITY)

    assert (reader.writable, writer.writable) == (False, True)
    assert reader.identity() == IDENTITY
    reader.close()


def test_transaction__error_inside__rolled_back(writer):
    def killed_after_a_write():
        with writer.transaction():
            writer.db.execute("INSERT INTO cursor VALUES (1, 9, '0xb9')")
            raise KeyError("killed")

    with pytest.raises(KeyError):
        killed_after_a_write()

    assert writer.db.execute("SELECT count(*) FROM cursor").fetchone() == (0,)


def test_open__folder_is_a_file__unwritable_names_the_path(tmp_path):
    (tmp_path / "file").write_text("x")

    with pytest.raises(
        LedgerUnwritable, match=r"file/ledger\.sqlite: a part of the path is a file"
    ):
        LedgerFile.open(tmp_path / "file" / "ledger.sqlite", IDENTITY)


def test_open__not_a_database__unreadable(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("this is not SQLite, it is a note " * 100)

    with pytest.raises(LedgerUnreadable, match=r"notes\.sqlite is not a redemption ledger"):
        LedgerFile.open(path, IDENTITY)


def test_open__another_programs_database__unreadable(tmp_path):
    path = tmp_path / "other.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE t (x)")

    with pytest.raises(LedgerUnreadable, match="other tables"):
        LedgerFile.open(path, IDENTITY)


def test_read__missing_file__says_run_fulfil_first(tmp_path):
    with pytest.raises(LedgerMissing, match="run `ape run redemptions fulfil` first"):
        LedgerFile.read(tmp_path / "absent.sqlite")


def test_open__without_create_and_no_ledger__missing_and_nothing_created(tmp_path):
    path = tmp_path / "redemptions" / "absent.sqlite"

    with pytest.raises(LedgerMissing, match="no redemption ledger at"):
        LedgerFile.open(path, IDENTITY, create=False)

    assert not path.parent.exists()


def test_default_ledger_path__chain_genesis_and_contract__one_file_each(tmp_path):
    other = LedgerIdentity(31337, IDENTITY.genesis_hash, "0x" + "ef" * 20, 1)

    path = default_ledger_path(tmp_path / "redemptions", IDENTITY)

    assert path == tmp_path / "redemptions" / f"31337-11111111-{CONTRACT}.sqlite"
    assert default_ledger_path(tmp_path / "redemptions", other) != path
