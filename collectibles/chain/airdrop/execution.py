"""The execution half of the airdrop runner: sign, broadcast, reconcile and confirm the batches of a plan.

:class:`BatchExecution` is the base of :class:`~collectibles.chain.airdrop.runner.Airdropper`, split out so that
each file holds one part of the run: the runner plans, starts and finishes a run (and writes the report); this
module takes a journaled plan to every batch ``confirmed``. The order of the steps is what makes a crash
anywhere harmless: every batch is signed and journaled before any is broadcast, every broadcast is journaled,
and a batch is recorded only with its ``AirdropExecuted`` event (the mempool watch in
:mod:`~collectibles.chain.airdrop.mempool` replaces, rebroadcasts and re-checks in between).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from collectibles.chain.airdrop import preflight
from collectibles.chain.airdrop.lifecycle import State, classify, free_nonces
from collectibles.chain.airdrop.records import (
    CONFIRMED,
    PLANNED,
    SENT,
    SIGNED,
    BatchRecord,
    PlanRecord,
)
from collectibles.domain import faults
from collectibles.domain.errors import AirdropNotPossible, ExecutionMismatch

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ape.api import AccountAPI
    from ape.contracts import ContractInstance

    from collectibles.chain.airdrop.fees import Fees
    from collectibles.chain.airdrop.journal import Journal
    from collectibles.chain.airdrop.mempool import Mempool
    from collectibles.chain.airdrop.node import Receipt
    from collectibles.chain.airdrop.plan import Batch
    from collectibles.chain.airdrop.sender import BatchSender, Execution, SignedBatch


class BatchExecution:
    """Takes a journaled plan to every batch confirmed; :class:`~collectibles.chain.airdrop.runner.Airdropper`
    sets the attributes below in its constructor."""

    contract: ContractInstance
    sender: AccountAPI
    chain: BatchSender
    mempool: Mempool
    log: Callable[[str], None]
    progress: Callable[[int], None]

    # ------------------------------------------------------------------ what the chain would refuse

    def _not_executed(self, series_id: int, batches: Sequence[Batch]) -> list[Batch]:
        done = self.chain.executed_many(series_id, batches)
        return [b for b, executed in zip(batches, done, strict=True) if not executed]

    def _refusal(
        self,
        series_id: int,
        pending: Sequence[Batch | BatchRecord] | Callable[[], Sequence[Batch | BatchRecord]],
        addresses: Sequence[str],
    ) -> tuple[int, str | None]:
        return preflight.refusal(
            self.contract, self.sender, series_id, pending, addresses, self.chain.mode
        )

    # ------------------------------------------------------------------ executing the batches

    def _execute(self, journal: Journal, record: PlanRecord) -> int:
        """Bring every batch of the plan to ``confirmed``; returns how many this call confirmed."""
        plan_id = record.plan_id
        addresses = journal.addresses(plan_id)  # compact: 40 bytes a member
        self.progress(sum(b.count for b in journal.batches(plan_id) if b.status == CONFIRMED))
        # 0. Re-check what an earlier run recorded as confirmed: a reorg or rollback sends it back.
        self.mempool.recheck_confirmed(journal, record, self.chain.block_number())
        # 1. Reconcile what an earlier run may have left on the wire.
        confirmed = sum(
            self._reconcile(journal, record, b) for b in list(journal.iter_unfinished(plan_id))
        )
        # 2. Check what is left against the chain, then sign it all, journaling each before any broadcast.
        self._sign_unsigned(journal, record, addresses)
        # 3. Broadcast every signed batch in nonce order, without waiting for receipts.
        self._broadcast(journal, plan_id)
        faults.crash_point("before_receipt")
        # 4. Watch the pool and the chain until every batch is confirmed deep enough.
        confirmed += self._await(journal, record, addresses)
        return confirmed

    def _sign_unsigned(
        self, journal: Journal, record: PlanRecord, addresses: Sequence[str]
    ) -> None:
        """Sign every ``planned`` batch at the lowest free nonces, journaling each signed transaction.

        Refused before anything is signed when the chain would refuse the batches, when the fee cap is below
        the base fee, or when the sender cannot pay for them (:class:`OutOfFunds` names the amount).
        """
        unfinished = list(journal.iter_unfinished(record.plan_id))
        if not unfinished:
            return

        # Also when everything is signed already: a resumed run must not rebroadcast into a pause. Batches
        # executed but not yet deep enough have minted already: they are not asked for again.
        def pending() -> list[
            BatchRecord
        ]:  # read after the series' minted count (see preflight.refusal)
            sent = [b for b in unfinished if b.status != PLANNED]
            done = set()
            for batch, executed in zip(
                sent, self.chain.executed_many(record.series_id, sent), strict=True
            ):
                if executed:
                    done.add(batch.index)
            return [b for b in unfinished if b.index not in done]

        _, refusal = self._refusal(record.series_id, pending, addresses)
        if refusal:
            raise AirdropNotPossible(refusal)
        planned = [b for b in unfinished if b.status == PLANNED]
        if not planned:
            return
        fees = self.mempool.first_fees(planned)
        held = [b.nonce for b in unfinished if b.nonce is not None and b.status != PLANNED]
        nonces = free_nonces(self.chain.nonce("latest"), self.chain.nonce("pending"), held)
        for batch, nonce in zip(planned, nonces, strict=False):
            signed = self._sign_batch(record, batch, addresses, nonce, fees)
            journal.record_signed(record.plan_id, batch.index, nonce, signed.tx_hash, signed.raw_tx)
            faults.crash_point("after_sign")

    def _sign_batch(
        self,
        record: PlanRecord,
        batch: BatchRecord,
        addresses: Sequence[str],
        nonce: int,
        fees: Fees,
        gas_limit: int | None = None,
    ) -> SignedBatch:
        """Sign ``batch`` at ``nonce`` with ``fees``: the one place that builds the airdrop call's arguments
        (first sends and same-nonce replacements alike; a replacement passes its batch's ``gas_limit``)."""
        recipients = list(addresses[batch.start : batch.start + batch.count])
        return self.chain.sign(record.series_id, batch, recipients, nonce, fees, gas_limit)

    def _is_executed(self, record: PlanRecord, batch: BatchRecord) -> bool:
        """Whether the chain has executed ``batch``: all its members marked served in our campaign (the
        mempool watch asks before each judgement)."""
        return self.chain.executed(record.series_id, batch)

    def _broadcast(
        self, journal: Journal, plan_id: str, statuses: tuple[str, ...] = (SIGNED, SENT)
    ) -> None:
        """Send every signed batch (in ``statuses``), lowest nonce first; the node's answer is only logged,
        except a refusal for lack of funds, which stops the run with the amount needed."""
        batches = [b for b in journal.iter_unfinished(plan_id) if b.status in statuses]
        head = self.chain.block_number() if batches else 0
        sent: list[int] = []
        try:
            for batch in sorted(batches, key=_signed_nonce):
                refused = self.chain.broadcast(str(batch.raw_tx))
                if refused is not None:
                    self.mempool.check_funds_refusal(refused, batch)
                    self.log(
                        f"batch {batch.index}: broadcast answered {refused}; checking the chain"
                    )
                faults.crash_point("after_send")
                sent.append(batch.index)
                self.mempool.sent(batch.index, head)
        finally:
            # One commit for the whole phase: ``sent`` only tells a rerun the bytes went out, and a rerun
            # treats a ``signed`` batch the same way (it asks the chain), so a crash before this loses nothing.
            journal.record_sent(plan_id, *sent)

    def _reconcile(self, journal: Journal, record: PlanRecord, batch: BatchRecord) -> bool:
        """Settle one unfinished batch from an earlier run; returns whether it was found executed."""
        if self._is_executed(record, batch):
            self._confirm(journal, record, batch)
            self.log(f"batch {batch.index}: already executed on chain, recorded")
            return True
        if batch.status == PLANNED or batch.nonce is None:
            return False
        seen = self.chain.observe(self.mempool.variants(journal, batch), batch.nonce)
        state = classify(False, seen)
        if state is State.REVERTED:
            reason = "reverted" if seen.mined_status == 0 else "was mined without executing"
            self.log(
                f"batch {batch.index}: transaction {seen.mined_hash} {reason}; signing it again"
            )
            journal.reset_to_planned(record.plan_id, batch.index)
        elif state is State.NONCE_TAKEN:
            self.log(
                f"batch {batch.index}: nonce {batch.nonce} was used by another transaction; signing it again"
            )
            journal.reset_to_planned(record.plan_id, batch.index)
        else:
            self.log(
                f"batch {batch.index}: not on chain yet; rebroadcasting the same signed transaction"
            )
        return False

    def _await(self, journal: Journal, record: PlanRecord, addresses: Sequence[str]) -> int:
        """Watch every sent batch until all are confirmed ``confirmations`` deep; returns how many it confirmed
        (see :meth:`~collectibles.chain.airdrop.mempool.Mempool.watch`)."""
        return self.mempool.watch(journal, record, addresses)

    def _confirm(
        self,
        journal: Journal,
        record: PlanRecord,
        batch: BatchRecord,
        execution: Execution | None = None,
        receipt: Receipt | None = None,
        *,
        count_progress: bool = True,
    ) -> None:
        """Record an executed batch with its first token id, executing transaction, gas and block."""
        if execution is None:
            execution = self.chain.execution(record.series_id, batch, record.start_block)
            if (
                execution.tx_hash is None
            ):  # the logs read this pass may predate the marks: read again
                self.chain.new_pass()
                execution = self.chain.execution(record.series_id, batch, record.start_block)
        if execution.tx_hash is None:
            # Marked served, but by no execution of this batch: another split of our campaign, sent by
            # another run of the same account, served these members. Never recorded as ours.
            raise ExecutionMismatch(
                batch.index,
                None,
                f"the AirdropExecuted event of members {batch.start}..{batch.start + batch.count - 1}",
                "one from this run",
                "none since the plan's start block",
            )
        if receipt is None:
            receipt = self.chain.receipt(execution.tx_hash)
        journal.record_confirmed(
            record.plan_id,
            batch.index,
            first_token_id=execution.first_token_id,
            exec_tx_hash=execution.tx_hash,
            gas_used=int(receipt["gasUsed"]) if receipt is not None else None,
            block_number=execution.block_number,
        )
        if count_progress:
            journal.when_written(lambda: self.progress(batch.count))


def _signed_nonce(batch: BatchRecord) -> int:
    """The nonce of a signed batch: by broadcast time every unfinished batch has been signed."""
    if batch.nonce is None or batch.raw_tx is None:
        raise RuntimeError(
            f"batch {batch.index} of plan {batch.plan_id} reached broadcast unsigned"
        )
    return batch.nonce
