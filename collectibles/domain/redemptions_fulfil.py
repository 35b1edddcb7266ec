"""The fulfilment loop: read ``Redeemed`` events from the ledger's cursor up to a confirmed head, a bounded
range at a time, and record each range's fulfilments with the cursor's move in one transaction.

Before every range the cursor's block hash is compared with the chain's: a different hash (or no block
there) is a reorganisation below the cursor, and the ledger rewinds to the newest checkpoint the chain still
has (:meth:`~collectibles.domain.redemptions_ledger.RedemptionLedger.rewind`) before reading on. A range is
taken only if its last block kept its hash while its logs were read, so a range is never recorded half from
one fork and half from another. ``--follow`` is the same pass, repeated: one cursor, one code path;
:class:`FulfilTotals` adds a run's passes up for ``fulfil --json``.

Crash points (``COLLECTIBLES_CRASH_AT``, :mod:`~collectibles.domain.faults`): ``redemption_after_read`` (a
range read, nothing committed), ``redemption_in_transaction`` (fulfilments inserted, not committed; in the
ledger), ``redemption_after_commit`` (a range committed, the next not read), ``redemption_in_rewind``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from collectibles.domain import faults
from collectibles.domain.errors import CollectiblesError
from collectibles.domain.redemptions import Fulfilment, LedgerError, Redemption, RedemptionSource
from collectibles.domain.redemptions_ledger import Cursor, RedemptionLedger, Rewound

DEFAULT_SPAN = 2_000
"""Blocks one range covers (one ``eth_getLogs``, split further by the reader if the node refuses it)."""
MAX_REREADS = 20
"""Ranges read again in a row because the chain moved under them, before the pass gives up."""


class ChainUnsettled(CollectiblesError):
    def __init__(self, block: int):
        super().__init__(
            f"block {block} changed its hash {MAX_REREADS} times while its range was read: the chain is "
            "reorganising; try again later or with more --confirmations"
        )


@dataclass
class PassResult:
    """What one pass did."""

    target: int
    """The confirmed head the pass read up to."""
    fulfilled: list[Fulfilment] = field(default_factory=list)
    orphaned: list[Fulfilment] = field(default_factory=list)
    """Fulfilments whose redemption left the chain (a reorganisation), not back by the end of the pass."""
    revived: int = 0
    unsettled: list[Fulfilment] = field(default_factory=list)
    """Revived fulfilments that a person had settled as orphans (the settlement as it was, now cleared):
    their orders need a person again."""
    duplicates: int = 0
    moved: int = 0
    rewinds: list[Rewound] = field(default_factory=list)
    ranges: int = 0
    cursor: Cursor | None = None


@dataclass
class FulfilTotals:
    """What the passes of one run did, for ``fulfil --json``: the counts always, and the fulfilments
    themselves only when ``listed`` (a watcher that runs until stopped would keep every one of them)."""

    listed: bool = True
    passes: int = 0
    fulfilled_count: int = 0
    fulfilled: list[Fulfilment] = field(default_factory=list)
    orphaned: list[Fulfilment] = field(default_factory=list)
    unsettled: list[Fulfilment] = field(default_factory=list)
    cursor: Cursor | None = None
    """The ledger's cursor after the last pass."""

    def add(self, result: PassResult) -> None:
        self.passes += 1
        self.fulfilled_count += len(result.fulfilled)
        if self.listed:
            self.fulfilled += result.fulfilled
            self.orphaned += result.orphaned
            self.unsettled += result.unsettled
        self.cursor = result.cursor

    def as_dict(self) -> dict[str, Any]:
        """The totals as JSON-ready values; ``cursor`` (a block number, ``None`` before the first range)
        only once a pass has run."""
        totals: dict[str, Any] = {
            "fulfilled": [f.as_dict() for f in self.fulfilled],
            "orphaned": [f.as_dict() for f in self.orphaned],
            "unsettled": [f.as_dict() for f in self.unsettled],
            "passes": self.passes,
            "fulfilled_count": self.fulfilled_count,
        }
        if self.passes:
            totals["cursor"] = None if self.cursor is None else self.cursor.block
        return totals


class Fulfiller:
    """Fulfils the redemptions of ``source`` into ``ledger``; ``on_fulfilment`` hears each new one once its
    transaction committed (the script prints it)."""

    def __init__(
        self,
        ledger: RedemptionLedger,
        source: RedemptionSource,
        *,
        confirmations: int = 1,
        span: int = DEFAULT_SPAN,
        on_fulfilment: Callable[[Fulfilment], None] = lambda f: None,
    ):
        if confirmations < 1 or span < 1:
            raise ValueError("confirmations and span must be at least 1")
        self.ledger = ledger
        self.source = source
        self.confirmations = confirmations
        self.span = span
        self.on_fulfilment = on_fulfilment

    def run_once(self) -> PassResult:
        """Read and record everything up to the confirmed head (``confirmations - 1`` below the head)."""
        result = PassResult(target=self.source.head() - (self.confirmations - 1))
        rereads = 0
        while True:
            self._follow_reorg(result)
            first = self.ledger.next_block()
            if first > result.target:
                break
            last = min(result.target, first + self.span - 1)
            read = self._read(first, last)
            if read is None:
                rereads += 1
                if rereads >= MAX_REREADS:
                    raise ChainUnsettled(last)
                continue
            rereads = 0
            events, last_hash = read
            faults.crash_point("redemption_after_read")
            applied = self.ledger.apply(events, last, last_hash)
            faults.crash_point("redemption_after_commit")
            result.ranges += 1
            result.duplicates += applied.duplicates
            result.moved += applied.moved
            result.revived += len(applied.revived)
            result.unsettled += applied.unsettled
            result.orphaned += applied.replaced
            back = {f.fulfilment_id for f in applied.revived}
            result.orphaned = [f for f in result.orphaned if f.fulfilment_id not in back]
            for fulfilment in applied.fulfilled:
                result.fulfilled.append(fulfilment)
                self.on_fulfilment(fulfilment)
        result.cursor = self.ledger.cursor()
        return result

    def _follow_reorg(self, result: PassResult) -> None:
        """Rewind the ledger if the chain no longer has the cursor's block."""
        cursor = self.ledger.cursor()
        if cursor is None or self.source.block_hash(cursor.block) == cursor.block_hash:
            return
        to = next(
            (
                c
                for c in self.ledger.checkpoints()
                if c.block < cursor.block and self.source.block_hash(c.block) == c.block_hash
            ),
            None,
        )
        reason = (
            f"its block left the chain (a reorganisation below block {cursor.block}, seen "
            f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC)"
        )
        rewound = self.ledger.rewind(to, reason)
        result.rewinds.append(rewound)
        result.orphaned += rewound.orphaned

    def _read(self, first: int, last: int) -> tuple[list[Redemption], str] | None:
        """The events of ``first..last`` and the hash of ``last``, or ``None`` if it changed meanwhile."""
        before = self.source.block_hash(last)
        events = self.source.redemptions(first, last)
        after = self.source.block_hash(last)
        if before is None or before != after:
            return None
        if any(e.block_number == last and e.block_hash != after for e in events):
            return None
        return events, after

    def follow(
        self,
        interval: float,
        *,
        polls: int | None = None,
        on_pass: Callable[[PassResult], None] = lambda r: None,
        on_error: Callable[[Exception], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> int:
        """Run passes every ``interval`` seconds (``polls`` of them, or until interrupted); the passes run.

        With ``on_error``, a pass that fails on the node (unreachable, refusing) is reported to it and the
        next poll tries again; a ledger error always ends the watch (retrying cannot fix a disk or a lock).
        """
        done = 0
        while polls is None or done < polls:
            try:
                on_pass(self.run_once())
            except LedgerError:
                raise
            except Exception as err:
                if on_error is None:
                    raise
                on_error(err)
            done += 1
            if polls is None or done < polls:
                sleep(interval)
        return done
