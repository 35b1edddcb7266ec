"""The airdrop journal: a SQLite file that records the plan and every send before it happens.

Each step is committed before the action it describes (the states are listed in
:mod:`~collectibles.chain.airdrop.records`), so a process killed at any point leaves a journal from which a
rerun can tell what might have reached the chain. One journal holds the airdrops of one series of one contract
on one chain, at most one of them open. A lock file beside the journal keeps two processes from running the
same journal at once.

This is our own code on the standard library's ``sqlite3``: no library keeps a write-ahead record of signed
transactions keyed by our plan and batch ids, and the guarantees (commit before broadcast, an exclusive
``flock``, ``synchronous=FULL``) are the part that must be read and tested here.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Self

from eth_utils import to_checksum_address

from collectibles.chain.airdrop.records import (
    COMPLETE,
    CONFIRMED,
    OPEN,
    PLANNED,
    SENT,
    SIGNED,
    BatchRecord,
    MemberRecord,
    PlanRecord,
)
from collectibles.domain.errors import JournalBusy, JournalMismatch

if TYPE_CHECKING:
    from collectibles.chain.airdrop.plan import AirdropPlan
    from collectibles.domain.members import MemberFile

_SCHEMA = """
CREATE TABLE IF NOT EXISTS plans (
    plan_id TEXT PRIMARY KEY,
    chain_id INTEGER NOT NULL,
    genesis_hash TEXT NOT NULL,
    contract TEXT NOT NULL,
    series_id INTEGER NOT NULL,
    sender TEXT NOT NULL,
    batch_size INTEGER NOT NULL,
    members_path TEXT NOT NULL,
    members_sha256 TEXT NOT NULL,
    member_count INTEGER NOT NULL,
    columns_json TEXT NOT NULL,
    start_block INTEGER NOT NULL,
    status TEXT NOT NULL,
    report_path TEXT,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
    plan_id TEXT NOT NULL REFERENCES plans(plan_id),
    position INTEGER NOT NULL,
    row INTEGER NOT NULL,
    address TEXT NOT NULL,
    fields_json TEXT NOT NULL,
    PRIMARY KEY (plan_id, position)
);
CREATE TABLE IF NOT EXISTS batches (
    plan_id TEXT NOT NULL REFERENCES plans(plan_id),
    idx INTEGER NOT NULL,
    batch_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    count INTEGER NOT NULL,
    status TEXT NOT NULL,
    nonce INTEGER,
    tx_hash TEXT,
    raw_tx TEXT,
    first_token_id INTEGER,
    exec_tx_hash TEXT,
    gas_used INTEGER,
    block_number INTEGER,
    PRIMARY KEY (plan_id, idx)
);
CREATE TABLE IF NOT EXISTS sends (
    plan_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    nonce INTEGER NOT NULL,
    tx_hash TEXT NOT NULL,
    raw_tx TEXT NOT NULL,
    signed_at REAL NOT NULL
);
"""


def default_journal_path(
    root: str | Path, chain_id: int, genesis_hash: str, contract: str, series_id: int
) -> Path:
    """One journal per chain, contract and series under ``root`` (the script uses ``airdrops/``)."""
    return (
        Path(root)
        / f"{chain_id}-{genesis_hash[2:10]}-{to_checksum_address(contract)}-series{series_id}.sqlite"
    )


class Journal:
    """An open journal file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Held open for the journal's lifetime (closed in close()): the flock lives as long as the handle.
        self._lock = open(self.path.with_name(self.path.name + ".lock"), "w")  # noqa: SIM115
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise JournalBusy(self.path) from None
        # Autocommit mode: every write below runs in an explicit transaction that commits before returning.
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()
        self._lock.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, sql: str, *params: object) -> None:
        self._write_many([(sql, params)])

    def _write_many(self, statements: list[tuple[str, tuple]]) -> None:
        cur = self._db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in statements:
                cur.execute(sql, params)
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")

    # ------------------------------------------------------------------ plans

    def create_plan(
        self,
        plan: AirdropPlan,
        members: MemberFile,
        *,
        sender: str,
        members_path: str,
        start_block: int,
    ) -> PlanRecord:
        """Store a new open plan, its members and its batches (all ``planned``) in one transaction."""
        statements: list[tuple[str, tuple]] = [
            (
                "INSERT INTO plans VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    plan.plan_id,
                    plan.chain_id,
                    plan.genesis_hash,
                    plan.contract,
                    plan.series_id,
                    sender,
                    plan.batch_size,
                    members_path,
                    members.sha256,
                    len(members.members),
                    json.dumps(list(members.columns)),
                    start_block,
                    OPEN,
                    None,
                    time.time(),
                ),
            )
        ]
        statements += [
            (
                "INSERT INTO members VALUES (?,?,?,?,?)",
                (plan.plan_id, i, m.row, m.address, json.dumps(m.fields)),
            )
            for i, m in enumerate(members.members)
        ]
        statements += [
            (
                "INSERT INTO batches (plan_id, idx, batch_id, start, count, status) VALUES (?,?,?,?,?,?)",
                (plan.plan_id, b.index, b.batch_id, b.start, b.count, PLANNED),
            )
            for b in plan.batches
        ]
        self._write_many(statements)
        record = self.plan(plan.plan_id)
        assert record is not None
        return record

    def plan(self, plan_id: str) -> PlanRecord | None:
        """The plan with id ``plan_id``, if the journal has it."""
        return self._plan_where("plan_id = ?", plan_id)

    def plan_for_members(self, members_sha256: str) -> PlanRecord | None:
        """The latest plan made from a member file with this SHA-256, if any."""
        return self._plan_where("members_sha256 = ?", members_sha256)

    def open_plan(self) -> PlanRecord | None:
        """The plan that is not complete yet, if any."""
        return self._plan_where("status = ?", OPEN)

    def _plan_where(self, where: str, value: object) -> PlanRecord | None:
        row = self._db.execute(
            "SELECT plan_id, chain_id, genesis_hash, contract, series_id, sender, batch_size, members_path,"
            " members_sha256, member_count, columns_json, start_block, status, report_path"
            f" FROM plans WHERE {where} ORDER BY created_at DESC LIMIT 1",
            (value,),
        ).fetchone()
        if row is None:
            return None
        values = list(row)
        values[10] = tuple(json.loads(values[10]))
        return PlanRecord(*values)

    def check_resume(
        self,
        open_plan: PlanRecord,
        members: MemberFile,
        members_path: str,
        batch_size: int | None,
        *,
        sender: str,
    ) -> None:
        """Refuse to resume ``open_plan`` with another member file, batch size or sender."""
        if open_plan.members_sha256 != members.sha256:
            raise JournalMismatch(
                self.path,
                "member file",
                f"{open_plan.members_path} (sha256 {open_plan.members_sha256[:16]}…)",
                f"{members_path} (sha256 {members.sha256[:16]}…)",
            )
        if batch_size is not None and batch_size != open_plan.batch_size:
            raise JournalMismatch(self.path, "batch size", open_plan.batch_size, batch_size)
        if open_plan.sender != sender:
            raise JournalMismatch(self.path, "sender", open_plan.sender, sender)

    def complete(self, plan_id: str, report_path: str) -> None:
        """Mark the plan complete once its report is written."""
        self._write(
            "UPDATE plans SET status = ?, report_path = ? WHERE plan_id = ?",
            COMPLETE,
            report_path,
            plan_id,
        )

    # ------------------------------------------------------------------ members and batches

    def members(self, plan_id: str) -> list[MemberRecord]:
        rows = self._db.execute(
            "SELECT position, row, address, fields_json FROM members WHERE plan_id = ? ORDER BY position",
            (plan_id,),
        )
        return [MemberRecord(p, r, a, json.loads(f)) for p, r, a, f in rows]

    def batches(self, plan_id: str) -> list[BatchRecord]:
        rows = self._db.execute(
            "SELECT plan_id, idx, batch_id, start, count, status, nonce, tx_hash, raw_tx, first_token_id,"
            " exec_tx_hash, gas_used, block_number FROM batches WHERE plan_id = ? ORDER BY idx",
            (plan_id,),
        )
        return [BatchRecord(*row) for row in rows]

    def batch(self, plan_id: str, index: int) -> BatchRecord:
        return next(b for b in self.batches(plan_id) if b.index == index)

    def sends(self, plan_id: str, index: int) -> list[tuple[int, str]]:
        """Every ``(nonce, tx_hash)`` ever signed for a batch, oldest first."""
        rows = self._db.execute(
            "SELECT nonce, tx_hash FROM sends WHERE plan_id = ? AND idx = ? ORDER BY rowid",
            (plan_id, index),
        )
        return [(n, h) for n, h in rows]

    def record_signed(
        self, plan_id: str, index: int, nonce: int, tx_hash: str, raw_tx: str
    ) -> None:
        """Store a signed transaction for a batch: must commit before it is broadcast."""
        self._write_many(
            [
                (
                    "UPDATE batches SET status = ?, nonce = ?, tx_hash = ?, raw_tx = ? WHERE plan_id = ? AND idx = ?",
                    (SIGNED, nonce, tx_hash, raw_tx, plan_id, index),
                ),
                (
                    "INSERT INTO sends VALUES (?,?,?,?,?,?)",
                    (plan_id, index, nonce, tx_hash, raw_tx, time.time()),
                ),
            ]
        )

    def record_sent(self, plan_id: str, index: int) -> None:
        self._write(
            "UPDATE batches SET status = ? WHERE plan_id = ? AND idx = ? AND status = ?",
            SENT,
            plan_id,
            index,
            SIGNED,
        )

    def record_confirmed(
        self,
        plan_id: str,
        index: int,
        *,
        first_token_id: int,
        exec_tx_hash: str | None,
        gas_used: int | None,
        block_number: int | None,
    ) -> None:
        self._write(
            "UPDATE batches SET status = ?, first_token_id = ?, exec_tx_hash = ?, gas_used = ?, block_number = ?"
            " WHERE plan_id = ? AND idx = ?",
            CONFIRMED,
            first_token_id,
            exec_tx_hash,
            gas_used,
            block_number,
            plan_id,
            index,
        )

    def reset_to_planned(self, plan_id: str, index: int) -> None:
        """Forget a signed transaction whose nonce something else consumed: the batch gets signed afresh."""
        self._write(
            "UPDATE batches SET status = ?, nonce = NULL, tx_hash = NULL, raw_tx = NULL WHERE plan_id = ? AND idx = ?",
            PLANNED,
            plan_id,
            index,
        )

    def iter_unfinished(self, plan_id: str) -> Iterator[BatchRecord]:
        return (b for b in self.batches(plan_id) if b.status != CONFIRMED)
