"""The runner's mempool watch: fees for new sends, replacement of stuck ones, drops, nonces taken, reorgs.

:class:`Mempool` is the part of :class:`~collectibles.chain.airdrop.runner.Airdropper` that, on each pass over
the chain, moves one sent batch along the states of :mod:`~collectibles.chain.airdrop.lifecycle`, and
re-checks the batches recorded as confirmed. Every signed variant (a replacement too) is journaled with
``record_signed`` before it is broadcast; the contract's campaign marks make whichever variant executes mint
for each member once. Kept apart from the runner so that the runner reads as the order of the steps.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Protocol

from collectibles.chain.airdrop.fees import Fees, OutOfFunds, is_underpriced_refusal
from collectibles.chain.airdrop.lifecycle import (
    Observation,
    State,
    classify,
    depth,
    needs_replacement,
)
from collectibles.chain.airdrop.node import (
    GAS_LIMIT_MULTIPLIER,
    Receipt,
    fees_of,
    gas_of,
    max_cost_of,
)
from collectibles.chain.airdrop.records import CONFIRMED, PLANNED, SIGNED
from collectibles.domain.errors import BatchPending, BatchReverted

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ape.api import AccountAPI

    from collectibles.chain.airdrop.fees import FeePolicy
    from collectibles.chain.airdrop.journal import Journal
    from collectibles.chain.airdrop.records import BatchRecord, PlanRecord
    from collectibles.chain.airdrop.sender import BatchSender, Execution, SignedBatch


REORG_WINDOW = 64
"""Blocks below the head within which a confirmed batch's block is re-checked on every new head (two epochs
of mainnet's 32 slots: deeper, a block is finalized). A run that starts re-checks every recorded batch once."""


class Runner(Protocol):
    """What the mempool watch uses of :class:`~collectibles.chain.airdrop.runner.Airdropper` (named here, so
    the runner imports this module and not the other way round)."""

    chain: BatchSender
    sender: AccountAPI
    fees: FeePolicy
    confirmations: int
    receipt_timeout: float
    poll_interval: float
    log: Callable[[str], None]

    def _sign_unsigned(
        self, journal: Journal, record: PlanRecord, addresses: Sequence[str]
    ) -> None: ...

    def _broadcast(
        self, journal: Journal, plan_id: str, statuses: tuple[str, ...] = ...
    ) -> None: ...

    def _is_executed(self, record: PlanRecord, batch: BatchRecord) -> bool: ...

    def _sign_batch(
        self,
        record: PlanRecord,
        batch: BatchRecord,
        addresses: Sequence[str],
        nonce: int,
        fees: Fees,
        gas_limit: int | None = None,
    ) -> SignedBatch: ...

    def _confirm(
        self,
        journal: Journal,
        record: PlanRecord,
        batch: BatchRecord,
        execution: Execution | None = None,
        receipt: Receipt | None = None,
        *,
        count_progress: bool = True,
    ) -> None: ...


class Mempool:
    """What the runner remembers between passes: heads at broadcast, confirmed blocks, the account's nonce."""

    def __init__(self, runner: Runner):
        self.runner = runner
        self.chain = runner.chain
        self._known: dict[int, tuple[int, str]] = {}
        """Batch index -> (block number, block hash) of its execution, as last verified."""
        self._head_hash: str | None = None
        self._latest_nonce = -1
        self._nonce_moved_at = 0
        self._base_fee = 0
        self._capped: set[int] = set()
        self._refused: set[int] = set()
        """Batches whose last broadcast the node refused as underpriced: replaced, never sent again as is."""
        self.replacements = 0
        self.rebroadcasts = 0
        self.resigned = 0
        self.reorged = 0
        """Confirmed batches a reorg removed, sent again (each once)."""
        self.outside_state = 0
        """Broadcasts again of a batch whose receipt the chain's state did not include."""

    # ------------------------------------------------------------------ new sends

    def first_fees(self, planned: Sequence[BatchRecord]) -> Fees:
        """Fees for the batches about to be signed; refuses a cap under the base fee and a short balance."""
        policy = self.runner.fees
        base_fee = self.chain.next_base_fee()
        policy.check_cap(base_fee)
        tip = self.chain.suggested_tip() if policy.priority_fee is None else 0
        fees = policy.initial(base_fee, tip)
        # The run's call: a roster token costs far less than an airdrop one.
        estimate = self.chain.mode.estimate_batch_gas
        gas = sum(int(estimate(b.count) * GAS_LIMIT_MULTIPLIER) for b in planned)
        balance = self.chain.balance()
        if balance < gas * fees.max_fee:
            raise OutOfFunds(self.runner.sender.address, gas * fees.max_fee, balance)
        return fees

    def check_funds_refusal(self, answer: str, batch: BatchRecord) -> None:
        """Stop with the amount needed when the node refused a broadcast for lack of funds; note a refusal
        for fees too low, so that the watch replaces the batch with bumped fees."""
        if "insufficient funds" in answer.lower():
            needed = max_cost_of(str(batch.raw_tx))
            raise OutOfFunds(self.runner.sender.address, needed, self.chain.balance())
        if is_underpriced_refusal(answer):
            self._refused.add(batch.index)

    def sent(self, index: int, head: int) -> None:
        """Note a broadcast: a batch sent afresh gets the stall allowance again."""
        self._nonce_moved_at = max(self._nonce_moved_at, head)
        self._capped.discard(index)

    @staticmethod
    def variants(journal: Journal, batch: BatchRecord) -> list[str]:
        """The hashes of every transaction signed for ``batch`` at its current nonce, newest first."""
        hashes = [h for n, h in journal.sends(batch.plan_id, batch.index) if n == batch.nonce]
        return hashes[::-1] or ([batch.tx_hash] if batch.tx_hash else [])

    # ------------------------------------------------------------------ the watch

    def watch(self, journal: Journal, record: PlanRecord, addresses: Sequence[str]) -> int:
        """Pass over the chain until every batch is confirmed deep enough; returns how many it confirmed.

        Each pass re-checks the confirmed batches (a reorg sends one back), then settles each unfinished one
        by its state (see :mod:`~collectibles.chain.airdrop.lifecycle`): record, wait, replace, rebroadcast
        or sign again at a free nonce. :class:`BatchPending` after ``receipt_timeout`` seconds without
        progress (a batch confirmed, replaced, sent back or signed again).
        """
        runner = self.runner
        confirmed = 0
        quiet_since = time.monotonic()
        while True:
            head = self.chain.block_number()
            self.begin_pass(head)
            moved, shallow = self.recheck_confirmed(journal, record, head)
            unfinished = sorted(journal.iter_unfinished(record.plan_id), key=_nonce_or_last)
            if not unfinished and not shallow:
                return confirmed
            sent = [b for b in unfinished if b.nonce is not None and b.raw_tx is not None]
            # One read of the campaign's marks for the whole pass, then one lookup of every variant of the
            # batches the marks do not show executed (JSON-RPC batches: a few round trips, not per batch).
            executed = dict(
                zip(
                    (b.index for b in sent),
                    self.chain.executed_many(record.series_id, sent),
                    strict=True,
                )
            )
            self.chain.prefetch_transactions(
                [h for b in sent if not executed[b.index] for h in self.variants(journal, b)]
            )
            # The batches found executed this pass are recorded in one commit (the chain keeps them).
            with journal.deferring():
                outcomes = [
                    self.advance(journal, record, b, head, addresses, executed.get(b.index))
                    for b in unfinished
                ]
            confirmed += outcomes.count(State.EXECUTED)
            if any(b.status == PLANNED for b in journal.iter_unfinished(record.plan_id)):
                runner._sign_unsigned(journal, record, addresses)
                runner._broadcast(journal, record.plan_id, statuses=(SIGNED,))
            if moved or any(outcome is not None for outcome in outcomes):
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > runner.receipt_timeout:
                late = (unfinished or shallow)[0]
                raise BatchPending(late.index, str(late.tx_hash), runner.receipt_timeout)
            time.sleep(runner.poll_interval)

    # ------------------------------------------------------------------ one pass

    def begin_pass(self, head: int) -> None:
        """Read what every batch of this pass is judged against: the base fee, the account's mined nonce;
        logs are read afresh once per pass."""
        self.chain.new_pass()
        self._base_fee = self.chain.next_base_fee()
        latest = self.chain.nonce("latest")
        if latest != self._latest_nonce:
            self._latest_nonce, self._nonce_moved_at = latest, head

    def advance(
        self,
        journal: Journal,
        record: PlanRecord,
        batch: BatchRecord,
        head: int,
        addresses: Sequence[str],
        executed: bool | None = None,
    ) -> State | None:
        """Move one unfinished batch along; returns its state when something changed (progress), else None.

        ``executed`` is what this pass's read of the marks said of the batch (``None``: ask the chain now).
        """
        if batch.nonce is None or batch.raw_tx is None:
            return None
        if executed is None:
            executed = self.runner._is_executed(record, batch)
        if executed:
            return State.EXECUTED if self._confirm_when_deep(journal, record, batch, head) else None
        seen = self.chain.observe(self.variants(journal, batch), batch.nonce, self._latest_nonce)
        state = classify(False, seen)
        if state is State.REVERTED:
            return self._settle_mined(journal, record, batch, head, addresses, seen)
        if state is State.NONCE_TAKEN:
            self.runner.log(
                f"batch {batch.index}: nonce {batch.nonce} was used by another transaction; signing it again"
            )
            journal.reset_to_planned(record.plan_id, batch.index)
            self.resigned += 1
            return state
        underpriced = self._underpriced(batch)
        if state is State.DROPPED and not underpriced:
            if seen.outside_state is not None:
                self.outside_state += 1
                self.runner.log(
                    f"batch {batch.index}: {seen.outside_state} has a receipt, but the chain's state "
                    f"does not include it (nonce {batch.nonce} unused; a reorg raced its block); "
                    "broadcasting it again"
                )
            else:
                self.runner.log(
                    f"batch {batch.index}: dropped from the pool; broadcasting it again"
                )
            self._send(batch.raw_tx, batch)
            self.rebroadcasts += 1
            return None
        # Pending, or refused by the pool for fees below the next block's base fee: replace it when due.
        return self._maybe_replace(journal, record, batch, head, addresses, force=underpriced)

    def _settle_mined(
        self,
        journal: Journal,
        record: PlanRecord,
        batch: BatchRecord,
        head: int,
        addresses: Sequence[str],
        seen: Observation,
    ) -> State | None:
        """A batch with a mined variant that this pass's marks did not show executed: stop with
        :class:`BatchReverted` if the receipt failed or if the batch is unexecuted in the state of the
        receipt's block; else record it if the latest state now shows it executed, or leave it to the next
        pass (the latest state does not include its block yet, or any more)."""
        if seen.mined_status == 1 and not self._unexecuted_in_its_block(record, batch, seen):
            if self.runner._is_executed(record, batch):
                return self.advance(journal, record, batch, head, addresses, True)
            return None
        detail = None if seen.mined_status == 0 else "mined, but the batch is not executed"
        raise BatchReverted(batch.index, str(seen.mined_hash), detail)

    def _unexecuted_in_its_block(
        self, record: PlanRecord, batch: BatchRecord, seen: Observation
    ) -> bool:
        """Whether the state right after the mined variant's block includes the transaction (the sender's
        nonce is past it) but not the batch's marks: the one proof that a successful receipt did not execute
        the batch. The latest state alone proves nothing: it may predate the block (a node behind) or have
        been rolled back under it (a reorg under way). Where the node keeps no state of that block, the
        latest stands in, if it includes the transaction."""
        nonce = batch.nonce if batch.nonce is not None else -1
        block = str(seen.mined_block)
        executed = self.chain.executed_at(record.series_id, batch, block)
        if executed is None:
            return (
                not self.runner._is_executed(record, batch) and self.chain.nonce("latest") > nonce
            )
        if executed:
            return False
        # Read after the marks: the state they were read in includes the transaction.
        after = self.chain.nonce_at(block)
        return after is not None and after > nonce

    def _underpriced(self, batch: BatchRecord) -> bool:
        """Whether the batch's fees are below the next block's base fee, or the node refused them as such."""
        if batch.index in self._refused:
            return True
        fees = fees_of(str(batch.raw_tx))
        return fees is not None and fees.max_fee < self._base_fee

    def _maybe_replace(
        self,
        journal: Journal,
        record: PlanRecord,
        batch: BatchRecord,
        head: int,
        addresses: Sequence[str],
        *,
        force: bool = False,
    ) -> State | None:
        """Replace a batch that is underpriced (``force``: the node said so), or the lowest one when the
        account has stalled."""
        fees = fees_of(str(batch.raw_tx))
        waited = head - self._nonce_moved_at if batch.nonce == self._latest_nonce else 0
        if fees is None or not (force or needs_replacement(fees, self._base_fee, waited)):
            return None
        bumped = self.runner.fees.bump(fees, self._base_fee)
        if bumped is None:
            if batch.index not in self._capped:
                self._capped.add(batch.index)
                self.runner.log(
                    f"batch {batch.index}: waiting under the fee cap ({fees.describe()}, base fee "
                    f"{self._base_fee / 10**9:g} gwei); raise --max-fee-gwei to replace it"
                )
            return None
        assert batch.nonce is not None
        # The same call as before, so the same gas: no new estimate (the node's heaviest work on a batch).
        signed = self.runner._sign_batch(
            record, batch, addresses, batch.nonce, bumped, gas_of(str(batch.raw_tx))
        )
        journal.record_signed(
            record.plan_id, batch.index, batch.nonce, signed.tx_hash, signed.raw_tx
        )
        self._refused.discard(batch.index)
        self._send(signed.raw_tx, batch)
        journal.record_sent(record.plan_id, batch.index)
        self.runner.log(
            f"batch {batch.index}: replaced at nonce {batch.nonce} with {bumped.describe()} "
            f"(was {fees.describe()})"
        )
        self._nonce_moved_at = head
        self.replacements += 1
        return State.PENDING

    def _send(self, raw_tx: str | None, batch: BatchRecord) -> None:
        refused = self.chain.broadcast(str(raw_tx))
        if refused is not None:
            self.check_funds_refusal(refused, batch)  # and notes an underpriced refusal
            self.runner.log(
                f"batch {batch.index}: broadcast answered {refused}; checking the chain"
            )

    def _confirm_when_deep(
        self, journal: Journal, record: PlanRecord, batch: BatchRecord, head: int
    ) -> bool:
        """Record an executed batch once its execution has a receipt, an event and enough confirmations."""
        execution = self.chain.execution(record.series_id, batch, record.start_block)
        if execution.tx_hash is None or execution.block_number is None:
            return False  # executed, but the event is not readable yet: never recorded without it
        if depth(execution.block_number, head) < self.runner.confirmations:
            return False
        receipt = self.chain.canonical_receipt(execution.tx_hash)
        if receipt is None or int(receipt["blockNumber"]) != execution.block_number:
            return False  # the event's block is not the receipt's on the chain now: read both again
        self.runner._confirm(journal, record, batch, execution, receipt)
        self._known[batch.index] = (execution.block_number, _hex(receipt["blockHash"]))
        return True

    # ------------------------------------------------------------------ reorgs

    def recheck_confirmed(
        self, journal: Journal, record: PlanRecord, head: int
    ) -> tuple[bool, list[BatchRecord]]:
        """Send back every confirmed batch a reorg removed; ``(any moved, those not deep enough yet)``."""
        confirmed = [
            b for b in journal.batches(record.plan_id) if b.status == CONFIRMED and b.exec_tx_hash
        ]
        head_hash = self.chain.block_hash(head)
        moved = False
        if head_hash != self._head_hash or any(b.index not in self._known for b in confirmed):
            moved = self._verify(journal, record, confirmed, head)
            self._head_hash = head_hash
        shallow = [
            b
            for b in journal.batches(record.plan_id)
            if b.status == CONFIRMED
            and b.block_number is not None
            and b.exec_tx_hash
            and depth(b.block_number, head) < self.runner.confirmations
        ]
        return moved, shallow

    def _verify(
        self, journal: Journal, record: PlanRecord, confirmed: list[BatchRecord], head: int
    ) -> bool:
        """Check each confirmed batch's block (one lookup per block); returns whether any moved.

        A block verified once and more than :data:`REORG_WINDOW` below the head is final for this run.
        """
        window = {
            known[0]
            for b in confirmed
            if (known := self._known.get(b.index)) is not None and known[0] >= head - REORG_WINDOW
        }
        hashes = self.chain.block_hashes(sorted(window))
        moved = False
        for batch in confirmed:
            known = self._known.get(batch.index)
            if known is not None:
                number, block_hash = known
                if number < head - REORG_WINDOW or hashes.get(number) == block_hash:
                    continue
            moved = self._check_receipt(journal, record, batch) or moved
        return moved

    def _check_receipt(self, journal: Journal, record: PlanRecord, batch: BatchRecord) -> bool:
        """Keep, re-record or send back one confirmed batch by its receipt; returns whether it moved.

        Only a receipt in a block on the chain now counts, and a moved one only with the batch's marks in
        the latest state: without them it is sent again (the marks keep that from minting twice).
        """
        receipt = self.chain.canonical_receipt(str(batch.exec_tx_hash))
        if receipt is not None and int(receipt["blockNumber"]) == batch.block_number:
            self._known[batch.index] = (int(receipt["blockNumber"]), _hex(receipt["blockHash"]))
            return False
        self._known.pop(batch.index, None)
        self.reorged += 1
        if (
            receipt is not None
            and int(receipt["status"]) == 1
            and self.runner._is_executed(record, batch)
        ):
            self.runner.log(
                f"batch {batch.index}: its transaction moved to block {receipt['blockNumber']} (reorg); "
                "recorded again"
            )
            self.runner._confirm(journal, record, batch, count_progress=False)
            return True
        self.runner.log(
            f"batch {batch.index}: its transaction {batch.exec_tx_hash} left the chain (reorg or rollback); "
            "sending it again"
        )
        journal.reset_to_planned(record.plan_id, batch.index)
        return True


def _nonce_or_last(batch: BatchRecord) -> tuple[int, int]:
    """Sent batches by nonce, then the ones waiting to be signed again."""
    return (0, batch.nonce) if batch.nonce is not None else (1, batch.index)


def _hex(value: bytes | str) -> str:
    return value if isinstance(value, str) else "0x" + bytes(value).hex()
