"""The journal's SQLite file: its lock, its private files, its schema version, and writes that are all or nothing.

:class:`JournalFile` is what :class:`~collectibles.chain.airdrop.journal.Journal` stands on: opening takes an
exclusive ``flock`` on a lock file beside the journal (the OS releases it when the process dies, however it
dies), creates every file 0600 in a 0700 folder, and migrates an older schema
(:mod:`~collectibles.chain.airdrop.schema`). A write the disk refuses (full, read-only) becomes a
:class:`~collectibles.domain.errors.WriteFailed` naming the file, and leaves the journal as it was.
"""

from __future__ import annotations

import fcntl
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self, TextIO

from collectibles.chain.airdrop import schema
from collectibles.chain.airdrop.files import (
    make_private_files,
    make_private_folder,
    private_umask,
    write_failure,
)
from collectibles.domain.errors import JournalBusy, JournalUnreadable, WriteFailed


class JournalFile:
    """An open journal file, locked; :class:`~collectibles.chain.airdrop.journal.Journal` adds the records.

    Opening takes the journal's lock (or raises :class:`JournalBusy`), makes the files private, and brings an
    older schema up to date (or raises :class:`JournalSchemaUnsupported` for a newer one). A write that the
    disk refuses raises :class:`WriteFailed`, with the journal as it was before that write.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._deferred: list[tuple[str, Iterable[object]]] = []
        self._on_commit: list[Callable[[], None]] = []
        self._deferring = False
        try:
            self._lock = self._take_lock()
        except OSError as err:
            raise WriteFailed("airdrop journal", self.path, write_failure(err)) from None
        try:
            self._db = self._connect()
        except BaseException as err:
            self._lock.close()
            if isinstance(err, OSError | sqlite3.OperationalError):
                raise WriteFailed("airdrop journal", self.path, write_failure(err)) from None
            if isinstance(err, sqlite3.DatabaseError):  # "file is not a database"
                raise JournalUnreadable(self.path, str(err)) from None
            raise

    def _take_lock(self) -> TextIO:
        """Hold the lock file beside the journal (``flock``: the OS releases it if the process dies)."""
        if not self.path.parent.is_dir():
            make_private_folder(self.path.parent)
        with private_umask():
            # Held open for the journal's lifetime (closed in close()): the flock lives as long as the handle.
            lock = open(self.path.with_name(self.path.name + ".lock"), "a")  # noqa: SIM115
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise JournalBusy(self.path) from None
        return lock

    def _connect(self) -> sqlite3.Connection:
        """Open (or create, 0600) the SQLite file and bring its schema to :data:`SCHEMA_VERSION`."""
        with private_umask():
            # Autocommit mode: every write below runs in an explicit transaction that commits before returning.
            db = sqlite3.connect(self.path, isolation_level=None)
        try:
            make_private_files(self.path)
            db.execute("PRAGMA synchronous=FULL")
            # Deleted and overwritten content (wiped signed bytes, dropped columns) is zeroed on disk.
            db.execute("PRAGMA secure_delete=ON")
            with private_umask():
                schema.prepare(db, self.path)
        except BaseException:
            db.close()
            raise
        # SQLite gives its side files the mode of the database file, so those made later are 0600 too.
        return db

    @contextmanager
    def deferring(self) -> Iterator[None]:
        """Inside, writes passed to :meth:`_defer` wait for the next write or the end of the block, and then
        commit in one transaction (first, so their order is kept).

        Only for writes a rerun can rebuild from the chain (a batch found executed): losing them in a crash
        costs a lookup, not a guarantee. Anything that must be on disk before an action still commits at once,
        taking the waiting writes with it.
        """
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False
            if self._deferred:
                self._write_many([])

    def _defer(self, statements: list[tuple[str, Iterable[object]]]) -> None:
        """Write ``statements`` now, or with the next write while :meth:`deferring`."""
        if not self._deferring:
            self._write_many(statements)
            return
        self._deferred.extend(statements)

    def when_written(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once every write made so far is on disk: now, or after the deferred writes commit
        (what is reported as done, a progress count, is then what a crash would leave)."""
        if self._deferred:
            self._on_commit.append(callback)
        else:
            callback()

    def close(self) -> None:
        self._db.close()
        self._lock.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, sql: str, *params: object) -> None:
        self._write_many([(sql, params)])

    def _write_many(
        self, statements: list[tuple[str, Iterable[object]]], many: bool = False
    ) -> None:
        """Run ``statements`` in one transaction (each ``executemany`` when ``many``); all or nothing."""
        cur = self._db.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
            try:
                for sql, params in self._deferred:
                    cur.execute(sql, tuple(params))
                for sql, params in statements:
                    if many:
                        cur.executemany(sql, params)  # type: ignore[arg-type]
                    else:
                        cur.execute(sql, tuple(params))
            except BaseException:
                if self._db.in_transaction:
                    cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")
            self._deferred.clear()
            callbacks, self._on_commit = self._on_commit, []
            for callback in callbacks:
                callback()
        except sqlite3.OperationalError as err:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise WriteFailed("airdrop journal", self.path, write_failure(err)) from None
