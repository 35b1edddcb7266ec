"""The airdrop journal: a SQLite file that records the plan and every send before it happens.

Each step is committed before the action it describes (the states are listed in
:mod:`~collectibles.chain.airdrop.records`), so a process killed at any point leaves a journal from which a
rerun can tell what might have reached the chain. One journal holds the airdrops of one series of one contract
on one chain, at most one of them open. The file itself (:mod:`~collectibles.chain.airdrop.store`) is locked
against a second process and readable by its owner only.

It keeps no more than a rerun needs: a member is its address and row number (the report reads the other
columns from the member file again, checked against the SHA-256 the plan keeps), and a signed transaction's
bytes are wiped once its batch is settled, so an old journal cannot be used to broadcast anything.

This is our own code on the standard library's ``sqlite3``: no library keeps a write-ahead record of signed
transactions keyed by our plan and batch ids, and the guarantees (commit before broadcast, an exclusive
``flock``, ``synchronous=FULL``) are the part that must be read and tested here.
"""

from __future__ import annotations

import json
import time
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from eth_utils import to_checksum_address

from collectibles.chain.airdrop.plan import CampaignAddresses
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
from collectibles.chain.airdrop.store import JournalFile
from collectibles.domain.errors import JournalMismatch
from collectibles.domain.members import Members

if TYPE_CHECKING:
    from collectibles.chain.airdrop.plan import AirdropPlan
    from collectibles.domain.members import MemberFile

_WIPE_SENDS = "UPDATE sends SET raw_tx = NULL WHERE plan_id = ? AND idx = ?"


def default_journal_path(
    root: str | Path, chain_id: int, genesis_hash: str, contract: str, series_id: int
) -> Path:
    """One journal per chain, contract and series under ``root`` (the script uses ``airdrops/``)."""
    return (
        Path(root)
        / f"{chain_id}-{genesis_hash[2:10]}-{to_checksum_address(contract)}-series{series_id}.sqlite"
    )


def _numbered_members(
    plan: AirdropPlan, members: MemberFile
) -> Iterator[tuple[str, int, int, str]]:
    """``(plan id, member number, row, address)`` of every member: a member's position in the journal is its
    number in the campaign (the plan's sorted order, ``plan.order`` giving its place in the file)."""
    rows = members.members.rows
    order = plan.order or range(len(plan.addresses))
    for number, (place, address) in enumerate(zip(order, plan.addresses, strict=True)):
        yield plan.plan_id, number, rows[place], address


class Journal(JournalFile):
    """An open journal file. Use as a context manager, or call :meth:`close`."""

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
        """Store a new open plan, its members and its batches (all ``planned``) in one transaction.

        A member is stored as its address and row number only; the report reads the other columns from the
        member file again, whose SHA-256 the plan keeps.
        """
        self._write_many(
            [
                (
                    "INSERT INTO plans VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [
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
                            len(plan.addresses),
                            json.dumps(list(members.columns)),
                            start_block,
                            OPEN,
                            None,
                            time.time(),
                        )
                    ],
                ),
                (
                    "INSERT INTO members VALUES (?,?,?,?)",
                    _numbered_members(plan, members),
                ),
                (
                    "INSERT INTO batches (plan_id, idx, batch_id, start, count, status)"
                    " VALUES (?,?,?,?,?,?)",
                    (
                        (plan.plan_id, b.index, b.batch_id, b.start, b.count, PLANNED)
                        for b in plan.batches
                    ),
                ),
            ],
            many=True,
        )
        record = self.plan(plan.plan_id)
        assert record is not None
        return record

    def discard_plan(self, plan_id: str) -> bool:
        """Forget an open plan of which nothing was ever signed; returns whether it was discarded.

        Nothing of such a plan can be on the wire, so it must not block another member file for the series.
        """
        if self.has_sends(plan_id):
            return False
        self._write_many(
            [
                (f"DELETE FROM {table} WHERE plan_id = ?", (plan_id,))
                for table in ("members", "batches", "plans")
            ]
        )
        return True

    def has_sends(self, plan_id: str) -> bool:
        """Whether any transaction was ever signed for this plan."""
        row = self._db.execute("SELECT 1 FROM sends WHERE plan_id = ? LIMIT 1", (plan_id,))
        return row.fetchone() is not None

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
        """Mark the plan complete once its report is written; no signed bytes of it are kept."""
        self._write_many(
            [
                (
                    "UPDATE plans SET status = ?, report_path = ? WHERE plan_id = ?",
                    (COMPLETE, report_path, plan_id),
                ),
                ("UPDATE batches SET raw_tx = NULL WHERE plan_id = ?", (plan_id,)),
                ("UPDATE sends SET raw_tx = NULL WHERE plan_id = ?", (plan_id,)),
            ]
        )

    def reopen(self, plan_id: str) -> None:
        """Make a complete plan open again (the chain lost an execution it recorded): the run resumes it and
        writes its report again."""
        self._write(
            "UPDATE plans SET status = ?, report_path = NULL WHERE plan_id = ?", OPEN, plan_id
        )

    # ------------------------------------------------------------------ members and batches

    def members(self, plan_id: str) -> list[MemberRecord]:
        """The plan's recipients in order: position, row number in the member file, address."""
        rows = self._db.execute(
            "SELECT position, row, address FROM members WHERE plan_id = ? ORDER BY position",
            (plan_id,),
        )
        return [MemberRecord(p, r, a) for p, r, a in rows]

    def addresses(self, plan_id: str) -> CampaignAddresses:
        """The plan's recipients' addresses by member number, compactly (what signing needs: 40 bytes a
        member, where :meth:`members` builds an object and a string for each)."""
        digits, rows = bytearray(), array("I")
        for row, address in self._db.execute(
            "SELECT row, address FROM members WHERE plan_id = ? ORDER BY position", (plan_id,)
        ):
            digits += address[2:].encode()
            rows.append(row)
        return CampaignAddresses(Members(digits, rows), array("I", range(len(rows))))

    def batches(self, plan_id: str) -> list[BatchRecord]:
        rows = self._db.execute(
            "SELECT plan_id, idx, batch_id, start, count, status, nonce, tx_hash, raw_tx, first_token_id,"
            " exec_tx_hash, gas_used, block_number FROM batches WHERE plan_id = ? ORDER BY idx",
            (plan_id,),
        )
        return [BatchRecord(*row) for row in rows]

    def batch(self, plan_id: str, index: int) -> BatchRecord:
        return next(b for b in self.batches(plan_id) if b.index == index)

    def signed_bytes(self, plan_id: str) -> list[str]:
        """Every signed transaction of the plan the journal still holds (batches and sends)."""
        rows = self._db.execute(
            "SELECT raw_tx FROM batches WHERE plan_id = ? AND raw_tx IS NOT NULL"
            " UNION ALL SELECT raw_tx FROM sends WHERE plan_id = ? AND raw_tx IS NOT NULL",
            (plan_id, plan_id),
        )
        return [raw for (raw,) in rows]

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

    def record_sent(self, plan_id: str, *indexes: int) -> None:
        """Record batches as broadcast, in one transaction."""
        if not indexes:
            return
        self._write_many(
            [
                (
                    "UPDATE batches SET status = ? WHERE plan_id = ? AND idx = ? AND status = ?",
                    [(SENT, plan_id, index, SIGNED) for index in indexes],
                )
            ],
            many=True,
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
        """Record an executed batch; its signed bytes are wiped, as nothing may broadcast them again.

        Deferred inside :meth:`deferring` (the watch's pass): the chain keeps what this records.
        """
        self._defer(
            [
                (
                    "UPDATE batches SET status = ?, first_token_id = ?, exec_tx_hash = ?, gas_used = ?,"
                    " block_number = ?, raw_tx = NULL WHERE plan_id = ? AND idx = ?",
                    (
                        CONFIRMED,
                        first_token_id,
                        exec_tx_hash,
                        gas_used,
                        block_number,
                        plan_id,
                        index,
                    ),
                ),
                (_WIPE_SENDS, (plan_id, index)),
            ]
        )

    def reset_to_planned(self, plan_id: str, index: int) -> None:
        """Forget a signed transaction whose nonce something else consumed: the batch gets signed afresh.

        The old bytes are wiped too: their nonce is spent, and nobody should broadcast them again.
        """
        self._write_many(
            [
                (
                    "UPDATE batches SET status = ?, nonce = NULL, tx_hash = NULL, raw_tx = NULL"
                    " WHERE plan_id = ? AND idx = ?",
                    (PLANNED, plan_id, index),
                ),
                (_WIPE_SENDS, (plan_id, index)),
            ]
        )

    def iter_unfinished(self, plan_id: str) -> Iterator[BatchRecord]:
        return (b for b in self.batches(plan_id) if b.status != CONFIRMED)
