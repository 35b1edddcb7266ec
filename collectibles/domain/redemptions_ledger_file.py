"""The fulfilment ledger's SQLite file: whose it is, where it lives by default, and how it is opened.

:class:`LedgerFile` is what :class:`~collectibles.domain.redemptions_ledger.RedemptionLedger` stands on, as
the airdrop's :class:`~collectibles.chain.airdrop.store.JournalFile` is what its journal stands on. A writer
holds an exclusive ``flock`` on a lock file beside the ledger (released by the OS however the process dies),
so two fulfilment processes never interleave; a reader takes no lock. The file is in WAL mode with
``synchronous=FULL`` (every commit is fsync'd before it returns), so what was committed survives a power cut
too, and ``verify`` can read while a watcher writes. Every write runs in :meth:`LedgerFile.transaction`,
whole or not at all; a write SQLite refuses is :class:`~collectibles.domain.redemptions.LedgerUnwritable`.

Opening checks the schema version (:mod:`~collectibles.domain.redemptions_schema`): a writer migrates an older
ledger and refuses a newer one, a reader reads any version up to the current one without changing it. Both
check the file's :class:`LedgerIdentity`, so a ledger is never used for another chain's or contract's
redemptions.

It is apart from the ledger's records because none of this knows what a fulfilment is: the rules of exactly
once and of reorganisations read on their own in :mod:`~collectibles.domain.redemptions_ledger`, and the file
handling (locks, pragmas, the failures of a disk) on its own here.
"""

from __future__ import annotations

import errno
import fcntl
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Self, TextIO

from collectibles.domain import redemptions_schema
from collectibles.domain.redemptions import (
    LedgerBusy,
    LedgerMismatch,
    LedgerMissing,
    LedgerSchemaUnsupported,
    LedgerUnreadable,
    LedgerUnwritable,
)
from collectibles.domain.redemptions_schema import SCHEMA_VERSION


@dataclass(frozen=True)
class LedgerIdentity:
    """Whose fulfilments a ledger holds: one contract on one chain, read from ``start_block``."""

    chain_id: int
    genesis_hash: str
    contract: str
    start_block: int


def default_ledger_path(root: str | Path, identity: LedgerIdentity) -> Path:
    """One ledger per chain and contract under ``root`` (the script uses ``redemptions/``)."""
    return (
        Path(root) / f"{identity.chain_id}-{identity.genesis_hash[2:10]}-{identity.contract}.sqlite"
    )


class LedgerFile:
    """An open ledger file: :meth:`open` for a writer (locked, migrated), :meth:`read` for a reader (no lock:
    it only reads, and WAL lets it read beside a running watcher)."""

    def __init__(self, path: Path, db: sqlite3.Connection, lock: TextIO | None):
        self.path = path
        self.db = db
        self._lock = lock
        self.version = SCHEMA_VERSION
        """The schema version the file is at: the current one once a writer opened it; a reader's may be
        older (read as it is, not migrated)."""

    @classmethod
    def open(cls, path: str | Path, identity: LedgerIdentity, *, create: bool = True) -> Self:
        """Open (or, with ``create``, create) the ledger at ``path`` for ``identity``'s fulfilments, holding
        its lock; an older schema is migrated.

        Raises :class:`LedgerMismatch` when the file records another chain or contract, :class:`LedgerBusy`
        when another process holds it, :class:`LedgerUnwritable` when it cannot be created or written,
        :class:`LedgerSchemaUnsupported` when a newer program wrote it, :class:`LedgerMissing` when there is
        none and not ``create``.
        """
        path = Path(path)
        if not create and not path.is_file():
            raise LedgerMissing(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            lock = open(path.with_name(path.name + ".lock"), "a")  # noqa: SIM115 - held until close()
        except OSError as err:
            raise LedgerUnwritable(path, _text_failure(err)) from None
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise LedgerBusy(path) from None
        try:
            db = _connect(path)
        except BaseException:
            lock.close()
            raise
        file = cls(path, db, lock)
        try:
            file._prepare(identity, create)
        except BaseException:
            file.close()  # the connection and the lock: a refused open leaves nothing open
            raise
        return file

    @classmethod
    def read(cls, path: str | Path, identity: LedgerIdentity | None = None) -> Self:
        """Open an existing ledger to read it (checked against ``identity`` when given)."""
        path = Path(path)
        if not path.is_file():
            raise LedgerMissing(path)
        file = cls(path, _connect(path), None)
        try:
            file._check_readable(identity)
        except BaseException:
            file.close()
            raise
        return file

    @property
    def writable(self) -> bool:
        """Whether this process holds the ledger's lock (opened with :meth:`open`)."""
        return self._lock is not None

    def identity(self) -> LedgerIdentity | None:
        row = self.db.execute(
            "SELECT chain_id, genesis_hash, contract, start_block FROM identity"
        ).fetchone()
        return None if row is None else LedgerIdentity(*row)

    def transaction(self) -> _Transaction:
        """A write, whole or not at all (``with file.transaction(): ...``)."""
        return _Transaction(self)

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            self._lock.close()

    def _check_readable(self, identity: LedgerIdentity | None) -> None:
        version = self._version()
        if version > SCHEMA_VERSION:
            raise LedgerSchemaUnsupported(self.path, version, SCHEMA_VERSION)
        if version == 0:
            raise LedgerUnreadable(self.path, "no redemption ledger tables")
        self.version = version  # read as it is: migrating is for the process holding the lock
        stored = self.identity()
        if stored is None:
            raise LedgerUnreadable(self.path, "it records no chain or contract")
        if identity is not None:
            _check_identity(self.path, stored, identity)

    def _version(self) -> int:
        try:
            return int(self.db.execute("PRAGMA user_version").fetchone()[0])
        except sqlite3.DatabaseError as err:
            raise LedgerUnreadable(self.path, str(err)) from None

    def _prepare(self, identity: LedgerIdentity, create: bool) -> None:
        version = self._version()
        if version > SCHEMA_VERSION:
            raise LedgerSchemaUnsupported(self.path, version, SCHEMA_VERSION)
        if version == 0:
            tables = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables:
                raise LedgerUnreadable(self.path, "it holds other tables")
            if not create:
                raise LedgerUnreadable(self.path, "no redemption ledger tables")
            with self.transaction():
                redemptions_schema.create(self.db)
                self.db.execute(
                    "INSERT INTO identity VALUES (1, ?, ?, ?, ?)",
                    (
                        identity.chain_id,
                        identity.genesis_hash.lower(),
                        identity.contract.lower(),
                        identity.start_block,
                    ),
                )
        elif version < SCHEMA_VERSION:
            with self.transaction():
                redemptions_schema.migrate(self.db, version)
        stored = self.identity()
        assert stored is not None
        _check_identity(self.path, stored, identity)


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any error; a refused write is
    :class:`LedgerUnwritable`."""

    def __init__(self, file: LedgerFile):
        self._file = file

    def __enter__(self) -> None:
        try:
            self._file.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            raise LedgerUnwritable(self._file.path, str(err)) from None

    def __exit__(self, kind: object, err: BaseException | None, tb: object) -> None:
        db = self._file.db
        if err is None:
            try:
                db.execute("COMMIT")
            except sqlite3.OperationalError as failure:
                err = failure
            else:
                return
        if db.in_transaction:
            db.execute("ROLLBACK")
        if isinstance(err, sqlite3.OperationalError):
            raise LedgerUnwritable(self._file.path, str(err)) from None


def _connect(path: Path) -> sqlite3.Connection:
    db = None
    try:
        # Autocommit: every write runs in an explicit transaction (see _Transaction).
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
    except sqlite3.DatabaseError as err:
        if db is not None:
            db.close()
        if isinstance(err, sqlite3.OperationalError):
            raise LedgerUnwritable(path, str(err)) from None
        raise LedgerUnreadable(path, str(err)) from None
    return db


def _check_identity(path: Path, stored: LedgerIdentity, given: LedgerIdentity) -> None:
    if (stored.chain_id, stored.genesis_hash) != (given.chain_id, given.genesis_hash.lower()):
        raise LedgerMismatch(
            path,
            "chain",
            f"{stored.chain_id} (genesis {stored.genesis_hash[:10]}…)",
            f"{given.chain_id} (genesis {given.genesis_hash[:10]}…)",
        )
    if stored.contract != given.contract.lower():
        raise LedgerMismatch(path, "contract", stored.contract, given.contract.lower())


def _text_failure(err: BaseException) -> str:
    if isinstance(err, OSError):
        if err.errno == errno.ENOSPC:
            return "the disk is full"
        if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return "permission denied" if err.errno != errno.EROFS else "read-only file system"
        if err.errno in (errno.ENOTDIR, errno.EEXIST):
            return "a part of the path is a file, not a folder"
        return err.strerror or str(err)
    return str(err)
