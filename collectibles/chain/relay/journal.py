"""The relay journal: the airdrop's journal file, plans, batches and sends, with the relay's intents beside them.

A relay is journaled exactly as an airdrop is (:class:`~collectibles.chain.airdrop.journal.Journal`: the same
lock, private files, commit-before-broadcast, ``planned → signed → sent → confirmed`` batches, wiped signed
bytes), so the airdrop's execution and mempool watch run it unchanged. What an airdrop keeps as members a relay
keeps as two tables of its own in the same file: the valid intents (their calldata, and how to ask the chain
whether each can still execute) and the bad rows (line and reason, for the report). A plan row's airdrop fields
are used as follows: ``series_id`` 0, ``members_path`` the intents file, ``members_sha256`` its SHA-256,
``member_count`` its lines, ``batch_size`` the most intents a batch took.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

from collectibles.chain.airdrop.journal import Journal
from collectibles.chain.airdrop.records import OPEN, PLANNED, PlanRecord
from collectibles.chain.relay.plan import PlannedIntent
from collectibles.chain.relay.schema import Problem

if TYPE_CHECKING:
    from pathlib import Path

    from collectibles.chain.relay.plan import RelayPlan

_TABLES = (
    "CREATE TABLE IF NOT EXISTS relay_intents ("
    " plan_id TEXT NOT NULL, position INTEGER NOT NULL, line INTEGER NOT NULL, kind TEXT NOT NULL,"
    " digest TEXT NOT NULL, calldata TEXT NOT NULL, check_key TEXT NOT NULL, gas INTEGER NOT NULL,"
    " PRIMARY KEY (plan_id, position))",
    "CREATE TABLE IF NOT EXISTS relay_problems ("
    " plan_id TEXT NOT NULL, line INTEGER NOT NULL, reason TEXT NOT NULL, kind TEXT NOT NULL,"
    " digest TEXT NOT NULL)",
)


class RelayJournal(Journal):
    """An open relay journal (a context manager, as :class:`Journal` is)."""

    def __init__(self, path: str | Path):
        super().__init__(path)
        self._write_many([(sql, ()) for sql in _TABLES])

    def create_relay_plan(
        self, plan: RelayPlan, *, sender: str, intents_path: str, start_block: int
    ) -> PlanRecord:
        """Store a new open plan, its intents, its bad rows and its batches (all ``planned``), at once."""
        plan_row = (
            plan.plan_id, plan.chain_id, plan.genesis_hash, plan.contract, 0, sender,
            plan.batch_size, intents_path, plan.sha256, plan.lines, json.dumps([]), start_block,
            OPEN, None, time.time(),
        )  # fmt: skip
        self._write_many(
            [
                ("INSERT INTO plans VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [plan_row]),
                (
                    "INSERT INTO relay_intents VALUES (?,?,?,?,?,?,?,?)",
                    [
                        (
                            plan.plan_id,
                            i.position,
                            i.line,
                            i.kind,
                            i.digest,
                            i.calldata,
                            i.check,
                            i.gas,
                        )
                        for i in plan.intents
                    ],
                ),
                (
                    "INSERT INTO relay_problems VALUES (?,?,?,?,?)",
                    [(plan.plan_id, p.line, p.reason, p.kind, p.digest) for p in plan.problems],
                ),
                (
                    "INSERT INTO batches (plan_id, idx, batch_id, start, count, status)"
                    " VALUES (?,?,?,?,?,?)",
                    [
                        (plan.plan_id, b.index, b.batch_id, b.start, b.count, PLANNED)
                        for b in plan.batches
                    ],
                ),
            ],
            many=True,
        )
        record = self.plan(plan.plan_id)
        assert record is not None
        return record

    def discard_plan(self, plan_id: str) -> bool:
        """Forget an open plan of which nothing was ever signed, its intents and bad rows too."""
        if not super().discard_plan(plan_id):
            return False
        self._write_many(
            [
                (f"DELETE FROM {table} WHERE plan_id = ?", (plan_id,))
                for table in ("relay_intents", "relay_problems")
            ]
        )
        return True

    def intents(
        self, plan_id: str, start: int = 0, count: int | None = None
    ) -> list[PlannedIntent]:
        """The plan's valid intents by position (``count`` of them from ``start``; all by default)."""
        rows = self._db.execute(
            "SELECT position, line, kind, digest, calldata, check_key, gas FROM relay_intents"
            " WHERE plan_id = ? AND position >= ? AND position < ? ORDER BY position",
            (plan_id, start, start + count if count is not None else 2**62),
        )
        return [PlannedIntent(*row) for row in rows]

    def problems(self, plan_id: str) -> list[Problem]:
        """The plan's bad rows, by line."""
        rows = self._db.execute(
            "SELECT line, reason, kind, digest FROM relay_problems WHERE plan_id = ? ORDER BY line",
            (plan_id,),
        )
        return [Problem(*row) for row in rows]
