"""The airdrop runner: execute a plan exactly once, or resume it after a crash anywhere, then write the report.

:class:`Airdropper` writes every signed transaction to the :class:`~collectibles.chain.airdrop.journal.Journal`
before broadcasting it, signs and sends every batch before waiting for any receipt, then collects the
receipts. ``Collectible.airdrop`` marks every campaign member it mints for (keyed by our account, the series
and the campaign) and skips a marked one, so a rerun can safely resume, from the journal or without it: the
plan is made against the chain (our campaign's executed calls become batches as they were sent, members the
series already served are left out), and for each unfinished batch the runner asks the chain whether its
members are marked; an executed batch is recorded once its ``AirdropExecuted`` event matches the batch
(:class:`~collectibles.domain.errors.ExecutionMismatch` otherwise), an unexecuted one is rebroadcast with
the same signed bytes, or signed afresh when its nonce was consumed by another transaction.

The plan (:mod:`~collectibles.chain.airdrop.plan`), the chain calls (:mod:`~collectibles.chain.airdrop.sender`),
the checks before sending (:mod:`~collectibles.chain.airdrop.preflight`) and the CSV
(:mod:`~collectibles.chain.airdrop.report`) live beside it, and so does the execution of a journaled plan
(:mod:`~collectibles.chain.airdrop.execution`, the base class); this module plans, starts and finishes a run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collectibles.chain.airdrop import preflight
from collectibles.chain.airdrop.execution import BatchExecution
from collectibles.chain.airdrop.fees import FeePolicy
from collectibles.chain.airdrop.journal import Journal
from collectibles.chain.airdrop.mempool import Mempool
from collectibles.chain.airdrop.modes import ARRAY, AirdropMode
from collectibles.chain.airdrop.plan import (
    TX_GAS_CAP,
    AirdropPlan,
    plan_airdrop,
    with_chain_state,
)
from collectibles.chain.airdrop.preflight import DryRun
from collectibles.chain.airdrop.records import (
    OPEN,
    PlanRecord,
)
from collectibles.chain.airdrop.report import write_report
from collectibles.chain.airdrop.sender import BatchSender
from collectibles.chain.deployment import chain_identity
from collectibles.domain.errors import (
    AirdropNotPossible,
    JournalMismatch,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ape.api import AccountAPI
    from ape.contracts import ContractInstance

    from collectibles.chain.airdrop.plan import Batch
    from collectibles.chain.airdrop.records import BatchRecord
    from collectibles.domain.members import MemberFile


@dataclass
class AirdropResult:
    """What a run did; ``status`` is ``done`` or ``already_done``."""

    status: str
    plan_id: str
    members: int
    batches: int
    confirmed_now: int = 0
    """Batches found or confirmed executed by this run."""
    resumed: bool = False
    tx_hashes: list[str] = field(default_factory=list)
    """The transaction that executed each batch, in batch order."""
    gas_used: int = 0
    mode: str = ARRAY.name
    """The mode this run sends in: ``airdrop`` or ``roster`` (``airdropRoster``); a resumed plan's batches
    signed before may be in the other one."""
    already_served: int = 0
    """Members the chain showed served before this airdrop (another mint of the series): in no batch."""
    report_path: str | None = None
    journal_path: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready values (the scripts' ``--json`` output)."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class Airdropper(BatchExecution):
    """Runs airdrops of ``contract`` signed by ``sender``; ``log`` and ``progress`` report as it goes."""

    def __init__(
        self,
        contract: ContractInstance,
        sender: AccountAPI,
        *,
        log: Callable[[str], None] = lambda message: None,
        progress: Callable[[int], None] = lambda members: None,
        receipt_timeout: float = 300,
        fees: FeePolicy | None = None,
        confirmations: int = 1,
        poll_interval: float = 0.2,
        rpc_patience: float | None = None,
        allow_second: bool = False,
        mode: AirdropMode = ARRAY,
    ):
        self.contract = contract
        self.sender = sender
        self.mode = mode
        """How batches are sent (``airdrop`` or ``airdropRoster``, see :mod:`~collectibles.chain.airdrop.modes`)."""
        self.chain = BatchSender(contract, sender, patience=rpc_patience, log=log, mode=mode)
        self.log = log
        self.progress = progress
        self.receipt_timeout = receipt_timeout
        """Seconds without progress (a batch confirmed, replaced or signed again) before :class:`BatchPending`."""
        self.fees = fees or FeePolicy()
        self.confirmations = confirmations
        """Blocks deep an execution must be before its batch counts as delivered (1: mined)."""
        self.poll_interval = poll_interval
        self.mempool = Mempool(self)
        self.allow_second = allow_second
        """Plan members whose address already holds a token of the series (still once per campaign)."""

    # ------------------------------------------------------------------ planning against the chain

    def plan(
        self, series_id: int, members: MemberFile, batch_size: int | None = None
    ) -> AirdropPlan:
        """The plan for ``members`` on this chain as the chain finds it: our campaign's executed calls as
        batches, members served otherwise left out (see :func:`~collectibles.chain.airdrop.preflight.chain_state`);
        the batch size defaults to what the block gas limit allows in this run's mode."""
        ident = chain_identity(self.contract.provider)
        if batch_size is None:
            batch_size = self.mode.max_batch_size(self.chain.block_gas_limit())
        plan = plan_airdrop(
            chain_id=ident.chain_id,
            genesis_hash=ident.genesis_hash,
            contract=self.contract.address,
            series_id=series_id,
            addresses=members.members,  # compact: the plan copies no address
            batch_size=batch_size,
        )
        executed, served = preflight.chain_state(self.chain, series_id, plan, self.allow_second)
        if served:
            self.log(f"{len(served)} of {len(plan.addresses)} members already served on chain")
        return with_chain_state(plan, executed, served) if executed or served else plan

    def dry_run(self, series_id: int, members: MemberFile, batch_size: int | None = None) -> DryRun:
        """Plan without writing or sending anything; members already served on chain are counted apart."""
        plan = self.plan(series_id, members, batch_size)
        pending = self._not_executed(series_id, plan.batches)
        cap_left, refusal = self._refusal(series_id, pending, plan.addresses)
        return DryRun(
            plan,
            len(plan.batches) - len(pending),
            sum(b.count for b in pending),
            sum(self.mode.estimate_batch_gas(b.count) for b in pending),
            self.chain.gas_price(),
            cap_left,
            refusal,
            already_served=len(plan.served),
            mode=self.mode.name,
        )

    # ------------------------------------------------------------------ the run

    def run(
        self,
        series_id: int,
        members: MemberFile,
        *,
        members_path: str,
        journal_path: str | Path,
        report_path: str | Path | None = None,
        batch_size: int | None = None,
    ) -> AirdropResult:
        """Execute the airdrop, or resume it from its journal; returns what happened.

        A plan of which nothing was ever signed (a start that failed or was killed before its first
        signature) is discarded rather than resumed, so it never blocks another member file.
        """
        with Journal(journal_path) as journal:
            open_plan = journal.open_plan()
            if open_plan is not None and self._discard_unsigned(journal, open_plan.plan_id):
                open_plan = None
            batch_size = self._batch_size_for(journal, open_plan, members, members_path, batch_size)
            plan = self.plan(series_id, members, batch_size)
            if open_plan is not None and open_plan.plan_id != plan.plan_id:
                raise JournalMismatch(
                    journal.path,
                    "plan (members after merging duplicates, chain, contract)",
                    open_plan.plan_id,
                    plan.plan_id,
                )
            record = journal.plan(plan.plan_id)
            if record is not None and record.status != OPEN:
                if self._executions_intact(journal, record):
                    return self._result(journal, record, "already_done")
                journal.reopen(record.plan_id)  # a deep reorg or a rollback since it completed
                record = journal.plan(plan.plan_id)
            resumed = record is not None
            if record is None:
                record = self._start(journal, plan, members, members_path)
            else:
                self.log(f"resuming airdrop {plan.plan_id[:18]}… from {journal.path}")
                # The journal keeps no mode: its batches may be sized for the other one (see modes).
                self._refuse_oversized(
                    list(journal.iter_unfinished(record.plan_id)),
                    "the journal's batches are bigger than this mode takes here; resume it with the "
                    "--roster setting it was started with",
                )
            try:
                confirmed_now = self._execute(journal, record)
            except BaseException:
                self._discard_unsigned(journal, record.plan_id)
                raise
            source = members.content or members_path
            return self._finish(journal, record, source, report_path, confirmed_now, resumed)

    def _executions_intact(self, journal: Journal, record: PlanRecord) -> bool:
        """Whether every batch of a completed plan still has its execution on chain: one log query over
        the plan's blocks (our campaign's ``AirdropExecuted``), so a rerun after a rollback resumes."""
        start = min(record.start_block, self.chain.block_number())
        found = {
            (e.first_index, e.count)
            for e in self.chain.executions(record.series_id, record.plan_id, start)
        }
        missing = [
            b.index for b in journal.batches(record.plan_id) if (b.start, b.count) not in found
        ]
        if missing:
            self.log(
                f"airdrop {record.plan_id[:18]}… completed, but the chain no longer has batch(es) "
                f"{', '.join(map(str, missing))} (reorg or rollback): resuming it"
            )
        return not missing

    def _discard_unsigned(self, journal: Journal, plan_id: str) -> bool:
        """Drop an open plan with no signed transaction (nothing of it can be on the wire)."""
        if not journal.discard_plan(plan_id):
            return False
        self.log(f"airdrop {plan_id[:18]}… had signed nothing: its plan was discarded")
        return True

    def _batch_size_for(
        self,
        journal: Journal,
        open_plan: PlanRecord | None,
        members: MemberFile,
        members_path: str,
        batch_size: int | None,
    ) -> int | None:
        """The batch size this run must use: the open plan's, or the one this member file was planned with."""
        if open_plan is not None:
            journal.check_resume(
                open_plan, members, members_path, batch_size, sender=self.sender.address
            )
            return open_plan.batch_size if batch_size is None else batch_size
        if batch_size is None and (done := journal.plan_for_members(members.sha256)):
            # The default batch size follows the block gas limit, which may have changed since: reuse the one
            # this member file was planned with, so a rerun finds the same plan id.
            return done.batch_size
        return batch_size

    def _start(
        self, journal: Journal, plan: AirdropPlan, members: MemberFile, members_path: str
    ) -> PlanRecord:
        """Journal a new plan, after refusing up front what the chain would refuse."""
        pending = self._not_executed(plan.series_id, plan.batches)
        self._refuse_oversized(pending)
        _, refusal = self._refusal(plan.series_id, pending, plan.addresses)
        if refusal:
            raise AirdropNotPossible(refusal)
        return journal.create_plan(
            plan,
            members,
            sender=self.sender.address,
            members_path=str(members_path),
            start_block=max(0, self.chain.block_number() - 1),
        )

    def _refuse_oversized(
        self, pending: Sequence[Batch | BatchRecord], hint: str | None = None
    ) -> None:
        """Refuse a batch size (``--batch-size``, or a journal's planned in the other mode) whose largest batch
        still to send cannot be one call of this mode here: at most its recipients per call, under the block
        gas limit and under EIP-7825's per-transaction cap."""
        block = self.chain.block_gas_limit()
        limit, what = (
            (TX_GAS_CAP, "EIP-7825's per-transaction gas cap")
            if block > TX_GAS_CAP
            else (block, "the block gas limit")
        )
        largest = max((b.count for b in pending), default=0)
        hint = hint or f"use --batch-size {self.mode.max_batch_size(block)} or less"
        if largest > self.mode.max_recipients:
            raise AirdropNotPossible(
                f"a batch of {largest} recipients is more than one {self.mode.function} call may take "
                f"({self.mode.max_recipients}): {hint}"
            )
        gas = self.mode.estimate_batch_gas(largest)
        if largest and gas > limit:
            raise AirdropNotPossible(
                f"a batch of {largest} recipients needs about {gas:,} gas, more "
                f"than {what} of {limit:,}: {hint}"
            )

    def _finish(
        self,
        journal: Journal,
        record: PlanRecord,
        members_file: bytes | str | Path,
        report_path: str | Path | None,
        confirmed_now: int,
        resumed: bool,
    ) -> AirdropResult:
        """Write the report (beside the journal unless told), then mark the plan complete.

        The report's columns are read from ``members_file`` again (the member file's path or bytes), which
        must be what the plan was made from (its SHA-256 is checked); completing the plan wipes its last
        signed bytes.
        """
        if report_path is None:
            report_path = (
                Path(journal.path).parent
                / f"report-series{record.series_id}-{record.plan_id[2:10]}.csv"
            )
        write_report(
            report_path,
            record.columns,
            journal.members(record.plan_id),
            journal.batches(record.plan_id),
            members_file=members_file,
            members_sha256=record.members_sha256,
        )
        journal.complete(record.plan_id, str(report_path))
        completed = journal.plan(record.plan_id)
        if completed is None:
            raise RuntimeError(f"plan {record.plan_id} vanished from {journal.path}")
        result = self._result(journal, completed, "done")
        result.confirmed_now = confirmed_now
        result.resumed = resumed
        return result

    def _result(self, journal: Journal, record: PlanRecord, status: str) -> AirdropResult:
        batches = journal.batches(record.plan_id)
        return AirdropResult(
            status=status,
            plan_id=record.plan_id,
            members=record.member_count,
            batches=len(batches),
            tx_hashes=[b.exec_tx_hash or b.tx_hash or "" for b in batches],
            gas_used=sum(b.gas_used or 0 for b in batches),
            mode=self.mode.name,
            already_served=record.member_count - sum(b.count for b in batches),
            report_path=record.report_path,
            journal_path=str(journal.path),
        )
