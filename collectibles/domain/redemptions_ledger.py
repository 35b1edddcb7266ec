"""The fulfilment ledger: a SQLite file recording each redemption's fulfilment once, and how far the chain
was read.

Crash safety comes from one rule: the fulfilments of a block range and the cursor moving past that range
commit in the same transaction (:meth:`RedemptionLedger.apply`). A process killed anywhere leaves either both
or neither, so a rerun reads the range again and finds nothing new, or reads it for the first time. The file
under it (:mod:`~collectibles.domain.redemptions_ledger_file`: the writer's lock, WAL with
``synchronous=FULL``, the identity and schema checks, the transactions) makes that commit durable and keeps
two fulfilment processes from interleaving.

Exactly once is also what the schema enforces, not only what the code does: a fulfilment's id (derived from
the redemption, :func:`~collectibles.domain.redemptions.fulfilment_id`) is ``UNIQUE``, and so is the
redemption key ``(campaign, token, count)`` among the rows whose event is on chain.

The cursor keeps the hash of its block, and each committed range leaves a checkpoint (block, hash). When
the chain's hash at the cursor differs (a reorganisation below the cursor), :meth:`rewind` goes back to the
newest checkpoint the chain still has (the start, if none), and every fulfilment above it is marked
*orphaned*, with why: it does not stay fulfilled silently. Reading forward again then revives a
fulfilment whose redemption is back on chain (the same content, perhaps in another block) instead of
fulfilling it a second time; one that stays gone is reported by ``verify`` as fulfilled but not redeemed
until a person deals with its order and records it with :meth:`settle` (a settlement, with its reason and
time). A settled fulfilment whose redemption comes back is revived all the same, and its settlement is
cleared (kept, with when and why it was cleared: :mod:`~collectibles.domain.redemptions_schema`), because
what the person settled (an order for a redemption the chain had dropped) no longer holds.

The schema is versioned (``PRAGMA user_version``); :meth:`open` migrates an older ledger and refuses a newer
one, :meth:`read` reads any version up to the current one without changing it (a version 1 ledger has no
settlements: its rows are read without them).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Self

from collectibles.domain import faults
from collectibles.domain.redemptions import (
    Fulfilment,
    FulfilmentLive,
    FulfilmentSettled,
    FulfilmentUnknown,
    Redemption,
    Settlement,
    fulfilment_id,
    settlement_reason,
)
from collectibles.domain.redemptions_ledger_file import LedgerFile, LedgerIdentity

CHECKPOINTS_KEPT = 256
"""Checkpoints kept behind the cursor: a reorganisation deeper than that many ranges re-reads from the start."""

_FIELDS = (
    "campaign_id",
    "token_id",
    "holder",
    "order_ref",
    "count",
    "block_number",
    "block_hash",
    "tx_hash",
    "log_index",
    "fulfilment_id",
    "fulfilled_at",
    "orphaned",
)
_COLUMNS = ", ".join(_FIELDS)
_SELECT = (
    f"SELECT {', '.join('f.' + c for c in _FIELDS)}, s.reason, s.settled_at FROM fulfilments f"
    " LEFT JOIN settlements s ON s.fulfilment_id = f.fulfilment_id AND s.cleared_at IS NULL"
)
"""A fulfilment with its open settlement, if any."""
_SELECT_1 = f"SELECT {', '.join('f.' + c for c in _FIELDS)}, NULL, NULL FROM fulfilments f"
"""The same of a version 1 ledger (read, not migrated), which has no settlements."""


@dataclass(frozen=True)
class Cursor:
    """The last fully processed block and its hash (``None`` before the first block was processed)."""

    block: int
    block_hash: str | None


@dataclass
class Applied:
    """What one :meth:`RedemptionLedger.apply` did."""

    fulfilled: list[Fulfilment] = field(default_factory=list)
    """New fulfilments: redemptions seen for the first time."""
    duplicates: int = 0
    """Events the ledger had already fulfilled, at the same place."""
    moved: int = 0
    """Events already fulfilled, now found in another block or transaction (the row follows them)."""
    revived: list[Fulfilment] = field(default_factory=list)
    """Orphaned fulfilments whose redemption is back on chain."""
    unsettled: list[Fulfilment] = field(default_factory=list)
    """Those of :attr:`revived` that a person had settled (as they were): their settlements are cleared."""
    replaced: list[Fulfilment] = field(default_factory=list)
    """Fulfilments orphaned because another redemption with their key took their place."""


@dataclass(frozen=True)
class Rewound:
    """A reorganisation handled by :meth:`RedemptionLedger.rewind`."""

    from_block: int
    to_block: int
    orphaned: list[Fulfilment]


class RedemptionLedger:
    """An open ledger. :meth:`open` for the fulfilment process (locked, writable); :meth:`read` for
    reconciliation (no lock: it only reads, and WAL lets it read beside a running watcher)."""

    def __init__(self, file: LedgerFile):
        self.path = file.path
        self._file = file
        self._db = file.db
        self._select = _SELECT_1 if file.version == 1 else _SELECT

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | Path, identity: LedgerIdentity, *, create: bool = True) -> Self:
        """The ledger at ``path`` for ``identity``'s fulfilments, opened (or created) to write, its lock held:
        :meth:`~collectibles.domain.redemptions_ledger_file.LedgerFile.open` says what it refuses and how."""
        return cls(LedgerFile.open(path, identity, create=create))

    @classmethod
    def read(cls, path: str | Path, identity: LedgerIdentity | None = None) -> Self:
        """Open an existing ledger to read it (checked against ``identity`` when given)."""
        return cls(LedgerFile.read(path, identity))

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reading

    def identity(self) -> LedgerIdentity | None:
        return self._file.identity()

    def cursor(self) -> Cursor | None:
        """The last fully processed block, ``None`` before the first range was committed."""
        row = self._db.execute("SELECT block, block_hash FROM cursor").fetchone()
        return None if row is None else Cursor(*row)

    def next_block(self) -> int:
        """The first block not processed yet."""
        cursor = self.cursor()
        if cursor is not None:
            return cursor.block + 1
        identity = self.identity()
        assert identity is not None
        return identity.start_block

    def checkpoints(self) -> list[Cursor]:
        """Committed range ends, newest first: where a rewind may stop."""
        rows = self._db.execute(
            "SELECT block, block_hash FROM checkpoints ORDER BY block DESC"
        ).fetchall()
        return [Cursor(b, h) for b, h in rows]

    def fulfilments(self) -> list[Fulfilment]:
        """Every fulfilment ever recorded (orphaned ones too), oldest first."""
        rows = self._db.execute(f"{self._select} ORDER BY f.id").fetchall()
        return [_fulfilment(row) for row in rows]

    # ------------------------------------------------------------------ writing

    def apply(self, events: Iterable[Redemption], last_block: int, last_hash: str) -> Applied:
        """Fulfil the new ``events`` of a range and move the cursor to its ``last_block``, in one transaction.

        An event already fulfilled is not fulfilled again, however often it is delivered; one that moved
        (another block or transaction) moves its row; an orphaned fulfilment whose redemption is back is
        revived. Killed anywhere, the ledger holds the whole range or none of it.
        """
        identity = self.identity()
        assert identity is not None
        applied = Applied()
        with self._transaction():
            for event in events:
                self._apply_one(identity, event, applied)
            faults.crash_point("redemption_in_transaction")
            self._db.execute(
                "INSERT INTO cursor VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE"
                " SET block = excluded.block, block_hash = excluded.block_hash",
                (last_block, last_hash),
            )
            self._db.execute(
                "INSERT OR REPLACE INTO checkpoints VALUES (?, ?)", (last_block, last_hash)
            )
            self._db.execute(
                "DELETE FROM checkpoints WHERE block NOT IN"
                " (SELECT block FROM checkpoints ORDER BY block DESC LIMIT ?)",
                (CHECKPOINTS_KEPT,),
            )
        return applied

    def _apply_one(self, identity: LedgerIdentity, event: Redemption, applied: Applied) -> None:
        key = (str(event.campaign_id), str(event.token_id), event.count)
        live = self._row(
            "f.orphaned IS NULL AND f.campaign_id = ? AND f.token_id = ? AND f.count = ?", key
        )
        if live is not None:
            if live.redemption.content == event.content:
                if live.redemption.location == event.location:
                    applied.duplicates += 1
                else:
                    self._locate(live.fulfilment_id, event, orphaned=None)
                    applied.moved += 1
                return
            reason = f"replaced on chain by another redemption with its key: {event.describe()}"
            self._db.execute(
                "UPDATE fulfilments SET orphaned = ? WHERE fulfilment_id = ?",
                (reason, live.fulfilment_id),
            )
            applied.replaced.append(live)
        ident = fulfilment_id(identity.chain_id, identity.contract, event)
        gone = self._row("f.fulfilment_id = ?", (ident,))
        if gone is not None:  # orphaned by a rewind, and back on chain: the same fulfilment, once
            self._locate(ident, event, orphaned=None)
            if gone.settled is not None:
                self._db.execute(
                    "UPDATE settlements SET cleared_at = ?, cleared = ?"
                    " WHERE fulfilment_id = ? AND cleared_at IS NULL",
                    (time.time(), f"its redemption is back on chain: {event.describe()}", ident),
                )
                applied.unsettled.append(gone)
            applied.revived.append(gone)
            return
        now = time.time()
        self._db.execute(
            f"INSERT INTO fulfilments ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,NULL)",
            (
                *key[:2],
                event.holder.lower(),
                event.order_ref.lower(),
                event.count,
                *event.location,
                ident,
                now,
            ),
        )
        applied.fulfilled.append(Fulfilment(event, ident, now))

    def _locate(self, ident: str, event: Redemption, orphaned: str | None) -> None:
        self._db.execute(
            "UPDATE fulfilments SET block_number = ?, block_hash = ?, tx_hash = ?, log_index = ?,"
            " orphaned = ? WHERE fulfilment_id = ?",
            (*event.location, orphaned, ident),
        )

    def rewind(self, to: Cursor | None, reason: str) -> Rewound:
        """Move the cursor back to ``to`` (a checkpoint the chain still has; ``None``: before the start
        block), orphaning every live fulfilment above it with ``reason``, in one transaction."""
        cursor = self.cursor()
        identity = self.identity()
        assert cursor is not None
        assert identity is not None
        floor = identity.start_block - 1 if to is None else to.block
        rows = self._rows("f.orphaned IS NULL AND f.block_number > ?", (floor,))
        with self._transaction():
            self._db.execute(
                "UPDATE fulfilments SET orphaned = ? WHERE orphaned IS NULL AND block_number > ?",
                (reason, floor),
            )
            self._db.execute("DELETE FROM checkpoints WHERE block > ?", (floor,))
            if to is None:
                self._db.execute("DELETE FROM cursor")
            else:
                self._db.execute(
                    "UPDATE cursor SET block = ?, block_hash = ?", (to.block, to.block_hash)
                )
            faults.crash_point("redemption_in_rewind")
        return Rewound(
            cursor.block,
            floor,
            [Fulfilment(r.redemption, r.fulfilment_id, r.fulfilled_at, reason) for r in rows],
        )

    def settle(self, ident: str, reason: str, *, now: float | None = None) -> Fulfilment:
        """Record that the orphaned fulfilment ``ident`` was dealt with off chain, with ``reason``, in one
        transaction; the fulfilment, settled.

        Raises (nothing changed) :class:`SettlementReasonEmpty` for a blank reason,
        :class:`FulfilmentUnknown`, :class:`FulfilmentLive` for a fulfilment that is not orphaned (its
        redemption is on chain, as far as the ledger knows) and :class:`FulfilmentSettled` for one settled
        already.
        """
        if not self._file.writable:
            raise TypeError("settle writes: open the ledger with RedemptionLedger.open")
        reason = settlement_reason(reason)
        with self._transaction():
            row = self._row("f.fulfilment_id = ?", (ident,))
            if row is None:
                raise FulfilmentUnknown(ident, self.path)
            if row.orphaned is None:
                raise FulfilmentLive(row)
            if row.settled is not None:
                raise FulfilmentSettled(ident, row.settled)
            settlement = Settlement(reason, time.time() if now is None else now)
            self._db.execute(
                "INSERT INTO settlements (fulfilment_id, reason, settled_at) VALUES (?, ?, ?)",
                (ident, settlement.reason, settlement.settled_at),
            )
        return replace(row, settled=settlement)

    # ------------------------------------------------------------------ plumbing

    def _row(self, where: str, params: tuple[object, ...]) -> Fulfilment | None:
        rows = self._rows(where, params)
        return rows[0] if rows else None

    def _rows(self, where: str, params: tuple[object, ...]) -> list[Fulfilment]:
        rows = self._db.execute(f"{self._select} WHERE {where} ORDER BY f.id", params)
        return [_fulfilment(row) for row in rows]

    def _transaction(self) -> AbstractContextManager[None]:
        return self._file.transaction()


def _fulfilment(row: tuple[object, ...]) -> Fulfilment:
    campaign, token, holder, order, count, number, block_hash, tx, index, ident, at, why = row[:12]
    reason, settled_at = row[12:]
    redemption = Redemption(
        int(str(campaign)),
        int(str(token)),
        str(holder),
        str(order),
        int(str(count)),
        int(str(number)),
        str(block_hash),
        str(tx),
        int(str(index)),
    )
    return Fulfilment(
        redemption,
        str(ident),
        float(str(at)),
        None if why is None else str(why),
        None if reason is None else Settlement(str(reason), float(str(settled_at))),
    )
