"""The relayer: check an intents file, then send its valid intents in ``relay`` batches exactly once.

:class:`Relayer` is the airdrop's :class:`~collectibles.chain.airdrop.execution.BatchExecution` with its own
plan: the same journal (commit before broadcast), the same fee policy and mempool watch (replacement of a stuck
batch, rebroadcast of a dropped one, a fresh signature when its nonce was taken, reorgs), the same crash points.
What a relay adds:

- **Checks first** (:mod:`~collectibles.chain.relay.schema`, :mod:`~collectibles.chain.relay.checks`,
  :mod:`~collectibles.chain.relay.simulation`): every row, before anything is journaled; a file with bad rows is
  refused whole (nothing sent) unless ``skip_invalid``, when the bad rows go in the report.
- **A batch signed is re-checked against the chain** (:mod:`~collectibles.chain.relay.state`): an intent that
  can no longer execute (executed by an earlier transaction, or by anyone) is left out of it. A batch signed
  before a crash and neither mined nor pooled is rebroadcast as it is only if all its intents can still
  execute, else signed again without the others. (One still pooled may be mined as it is: an intent in it
  executed meanwhile fails alone on chain, since the contract keeps every intent single-use.)
- **The report** (:mod:`~collectibles.chain.relay.report`) is read from the chain: per intent, executed or
  refused with the contract's error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collectibles.chain.airdrop.execution import BatchExecution
from collectibles.chain.airdrop.fees import FeePolicy
from collectibles.chain.airdrop.mempool import Mempool
from collectibles.chain.airdrop.records import OPEN, PLANNED
from collectibles.chain.deployment import chain_identity
from collectibles.chain.intents import contract_domain, intent_call
from collectibles.chain.relay.checks import check_rows
from collectibles.chain.relay.errors import IntentsRefused, NoIntents, RelayOpen
from collectibles.chain.relay.journal import RelayJournal
from collectibles.chain.relay.plan import (
    MAX_INTENTS,
    PlannedIntent,
    RelayPlan,
    gas_limit,
    pack,
    relay_plan_id,
)
from collectibles.chain.relay.report import outcomes, write_report
from collectibles.chain.relay.schema import Problem, load_intents
from collectibles.chain.relay.sender import RelaySender
from collectibles.chain.relay.simulation import EMPTY_RELAY_GAS, relay_calldata, simulate
from collectibles.chain.relay.state import check_key, still_executable
from collectibles.domain import faults

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ape.api import AccountAPI
    from ape.contracts import ContractInstance

    from collectibles.chain.airdrop.fees import Fees
    from collectibles.chain.airdrop.node import Receipt
    from collectibles.chain.airdrop.records import BatchRecord, PlanRecord
    from collectibles.chain.airdrop.sender import Execution, SignedBatch
    from collectibles.chain.relay.report import Outcome


@dataclass
class RelayResult:
    """What a run did; ``status`` is ``done`` or ``already_done``."""

    status: str
    plan_id: str
    intents: int
    """Valid intents planned (the bad rows are ``invalid``)."""
    invalid: int
    executed: int = 0
    refused: int = 0
    not_sent: int = 0
    batches: int = 0
    tx_hashes: list[str] = field(default_factory=list)
    gas_used: int = 0
    resumed: bool = False
    report_path: str | None = None
    journal_path: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class RelayDryRun:
    """The plan a run would make now, and its estimated gas and price; nothing written or sent."""

    plan: RelayPlan
    estimated_gas: int
    gas_price: int


class Relayer(BatchExecution):
    """Relays intents files to ``contract`` from ``sender``; ``log`` and ``progress`` report as it goes."""

    chain: RelaySender  # type: ignore[assignment]  # what the execution asks of its sender, for relay calls

    def __init__(
        self,
        contract: ContractInstance,
        sender: AccountAPI,
        *,
        log: Callable[[str], None] = lambda message: None,
        progress: Callable[[int], None] = lambda intents: None,
        receipt_timeout: float = 300,
        fees: FeePolicy | None = None,
        confirmations: int = 1,
        poll_interval: float = 0.2,
        rpc_patience: float | None = None,
    ):
        self.contract = contract
        self.sender = sender
        self.chain = RelaySender(contract, sender, patience=rpc_patience, log=log)
        self.log = log
        self.progress = progress
        self.receipt_timeout = receipt_timeout
        self.fees = fees or FeePolicy()
        self.confirmations = confirmations
        self.poll_interval = poll_interval
        # The airdrop watch, unchanged: it asks of its sender only what RelaySender answers for relay calls.
        self.mempool = Mempool(self)  # type: ignore[arg-type]
        self._journal: RelayJournal | None = None

    # ------------------------------------------------------------------ checking and planning

    def check(self, path: str | Path, batch_size: int | None = None) -> RelayPlan:
        """Every row of the file checked against the chain now, and the valid ones planned in batches."""
        file = load_intents(path)
        if not file.rows and not file.problems:
            raise NoIntents(str(path))
        nft = self.contract
        now = int(
            self.chain.request("reading the time", "eth_getBlockByNumber", "latest", False)[
                "timestamp"
            ],
            16,
        )
        good, problems = check_rows(nft, self.chain, contract_domain(nft), file.rows, now)
        calls = [intent_call(nft, row.intent, row.signature) for row in good]
        verdicts, empty = simulate(nft, self.chain, self.sender.address, calls)
        valid: list[PlannedIntent] = []
        for row, call, verdict in zip(good, calls, verdicts, strict=True):
            if verdict.refusal is not None:
                reason = f"the contract would refuse it now: {verdict.refusal}"
                problems.append(Problem(row.line, reason, row.kind, row.digest))
                continue
            check = check_key(row.intent, row.signer)
            valid.append(
                PlannedIntent(
                    len(valid),
                    row.line,
                    row.kind,
                    row.digest,
                    "0x" + call.hex(),
                    check,
                    verdict.gas,
                )
            )
        limit = gas_limit(self.chain.block_gas_limit())
        batches = pack([i.gas for i in valid], empty, limit, batch_size or MAX_INTENTS)
        ident = chain_identity(nft.provider)
        return RelayPlan(
            relay_plan_id(
                ident.chain_id,
                ident.genesis_hash,
                str(nft.address),
                self.sender.address,
                file.sha256,
            ),
            ident.chain_id,
            ident.genesis_hash,
            str(nft.address),
            file.sha256,
            file.lines,
            valid,
            sorted([*file.problems, *problems], key=lambda p: p.line),
            batches,
            max((b.count for b in batches), default=0),
        )

    def dry_run(self, path: str | Path, batch_size: int | None = None) -> RelayDryRun:
        """The plan and its cost; nothing is written or sent."""
        plan = self.check(path, batch_size)
        _, empty = simulate(self.contract, self.chain, self.sender.address, [])
        gas = sum(
            empty + sum(i.gas for i in plan.intents[b.start : b.start + b.count])
            for b in plan.batches
        )
        return RelayDryRun(plan, gas, self.chain.gas_price())

    def journaled(self, path: str | Path, journal_path: str | Path) -> PlanRecord | None:
        """The journal's plan of this file, if the journal exists and has one (a dry run asks first: after a
        relay, every row is spent on chain and would read as bad)."""
        if not Path(journal_path).exists():
            return None
        with RelayJournal(journal_path) as journal:
            return journal.plan(self._plan_id(path))

    # ------------------------------------------------------------------ the run

    def run(
        self,
        path: str | Path,
        *,
        journal_path: str | Path,
        report_path: str | Path | None = None,
        batch_size: int | None = None,
        skip_invalid: bool = False,
    ) -> RelayResult:
        """Relay the file's valid intents exactly once, or resume the run its journal holds; the result."""
        with RelayJournal(journal_path) as journal:
            self._journal = journal
            self.chain.variants = lambda batch: Mempool.variants(journal, batch)
            plan_id = self._plan_id(path)
            record = self._open_or_done(journal, plan_id, str(path))
            if record is not None and record.status != OPEN:
                return self._result(journal, record, "already_done")
            resumed = record is not None
            if record is None:
                plan = self.check(path, batch_size)
                if plan.problems and not skip_invalid:
                    raise IntentsRefused(str(path), plan.problems)
                for problem in plan.problems:
                    self.log(f"line {problem.line}: {problem.reason} (skipped)")
                record = journal.create_relay_plan(
                    plan,
                    sender=self.sender.address,
                    intents_path=str(path),
                    start_block=max(0, self.chain.block_number() - 1),
                )
            else:
                self.log(f"resuming relay {plan_id[:18]}… from {journal.path}")
            intents = journal.intents(plan_id)
            self.chain.mode.per_intent = max((i.gas for i in intents), default=0)
            try:
                self._execute(journal, record)
            except BaseException:
                self._discard_unsigned(journal, record.plan_id)
                raise
            return self._finish(journal, record, report_path, resumed)

    def _plan_id(self, path: str | Path) -> str:
        import hashlib

        ident = chain_identity(self.contract.provider)
        sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        return relay_plan_id(
            ident.chain_id, ident.genesis_hash, str(self.contract.address), self.sender.address, sha
        )

    def _open_or_done(self, journal: RelayJournal, plan_id: str, path: str) -> PlanRecord | None:
        """This file's plan if the journal has it (a complete one reopened if the chain lost a batch), after
        refusing an unfinished plan of another file."""
        open_plan = journal.open_plan()
        if (
            open_plan is not None
            and open_plan.plan_id != plan_id
            and not self._discard_unsigned(journal, open_plan.plan_id)
        ):
            raise RelayOpen(journal.path, open_plan.members_path, path)
        record = journal.plan(plan_id)
        if record is not None and record.status != OPEN and not self._intact(journal, record):
            journal.reopen(plan_id)  # a deep reorg or a rollback since it completed
            record = journal.plan(plan_id)
        return record

    def _intact(self, journal: RelayJournal, record: PlanRecord) -> bool:
        """Whether every batch of a complete plan still has its transaction on the chain."""
        lost = [
            b.index
            for b in journal.batches(record.plan_id)
            if b.exec_tx_hash and self.chain.canonical_receipt(b.exec_tx_hash) is None
        ]
        if lost:
            self.log(
                f"relay {record.plan_id[:18]}… completed, but batch(es) {lost} left the chain: resuming it"
            )
        return not lost

    def _discard_unsigned(self, journal: RelayJournal, plan_id: str) -> bool:
        if not journal.discard_plan(plan_id):
            return False
        self.log(f"relay {plan_id[:18]}… had signed nothing: its plan was discarded")
        return True

    def _finish(
        self,
        journal: RelayJournal,
        record: PlanRecord,
        report_path: str | Path | None,
        resumed: bool,
    ) -> RelayResult:
        """Write the report (beside the journal unless told), then mark the plan complete."""
        if report_path is None:
            report_path = Path(journal.path).parent / f"relay-report-{record.plan_id[2:10]}.csv"
        found = outcomes(self.contract, self.chain, journal, record.plan_id)
        faults.crash_point("during_report")
        write_report(report_path, found)
        journal.complete(record.plan_id, str(report_path))
        completed = journal.plan(record.plan_id)
        assert completed is not None
        result = self._result(journal, completed, "done", found)
        result.resumed = resumed
        return result

    def _result(
        self,
        journal: RelayJournal,
        record: PlanRecord,
        status: str,
        found: list[Outcome] | None = None,
    ) -> RelayResult:
        if found is None:
            found = outcomes(self.contract, self.chain, journal, record.plan_id)
        batches = journal.batches(record.plan_id)
        count = {
            s: sum(o.status == s for o in found)
            for s in ("executed", "refused", "not_sent", "invalid")
        }
        return RelayResult(
            status=status,
            plan_id=record.plan_id,
            intents=len(found) - count["invalid"],
            invalid=count["invalid"],
            executed=count["executed"],
            refused=count["refused"],
            not_sent=count["not_sent"],
            batches=len(batches),
            tx_hashes=[b.exec_tx_hash for b in batches if b.exec_tx_hash],
            gas_used=sum(b.gas_used or 0 for b in batches),
            report_path=record.report_path,
            journal_path=str(journal.path),
        )

    # ------------------------------------------------------------------ the execution's hooks

    def _refusal(
        self, series_id: int, pending: Any, addresses: Sequence[str]
    ) -> tuple[int, str | None]:
        """No batch-wide refusal: a relay's refusals are per intent, checked before the plan and at signing."""
        return 0, None

    def _sign_unsigned(self, journal: Any, record: PlanRecord, addresses: Sequence[str]) -> None:
        """Settle, without a transaction, every batch to sign whose intents can none of them execute any more;
        sign the others (the airdrop's order: all signed and journaled before any broadcast)."""
        for batch in list(journal.iter_unfinished(record.plan_id)):
            if batch.status == PLANNED and not any(self._executable(batch)):
                self.log(
                    f"batch {batch.index}: none of its intents can execute any more; nothing to send"
                )
                journal.record_confirmed(
                    record.plan_id,
                    batch.index,
                    first_token_id=0,
                    exec_tx_hash=None,
                    gas_used=None,
                    block_number=None,
                )
        super()._sign_unsigned(journal, record, addresses)

    def _reconcile(self, journal: Any, record: PlanRecord, batch: BatchRecord) -> bool:
        """The airdrop's settling of a batch an earlier run left unfinished; then, for one signed but neither
        mined nor in the pool, a look at its intents: if some can no longer execute (executed meanwhile, by
        anyone), it is signed again without them instead of being rebroadcast as it was."""
        if super()._reconcile(journal, record, batch):
            return True
        current = journal.batch(record.plan_id, batch.index)
        if current.status == PLANNED or current.tx_hash is None:
            return False
        if self.chain.in_pool(current.tx_hash) or all(self._executable(current)):
            return False
        self.log(
            f"batch {batch.index}: some of its intents executed meanwhile; signing it again without them"
        )
        journal.reset_to_planned(record.plan_id, batch.index)
        return False

    def _sign_batch(
        self,
        record: PlanRecord,
        batch: BatchRecord,
        addresses: Sequence[str],
        nonce: int,
        fees: Fees,
        gas_limit: int | None = None,
    ) -> SignedBatch:
        """Sign ``relay`` of the batch's intents that can still execute, at ``nonce`` with ``fees``."""
        intents = self._batch_intents(batch)
        executable = self._executable(batch, intents)
        kept = [i for i, ok in zip(intents, executable, strict=True) if ok]
        calls = [bytes.fromhex(i.calldata[2:]) for i in kept]
        if len(calls) < len(intents):
            self.log(
                f"batch {batch.index}: {len(intents) - len(calls)} intent(s) can no longer execute, left out"
            )
        planned = EMPTY_RELAY_GAS + sum(i.gas for i in kept)
        return self.chain.sign_call(
            relay_calldata(calls), nonce, fees, gas_limit, planned_gas=planned
        )

    def _confirm(
        self,
        journal: Any,
        record: PlanRecord,
        batch: BatchRecord,
        execution: Execution | None = None,
        receipt: Receipt | None = None,
        *,
        count_progress: bool = True,
    ) -> None:
        faults.crash_point("after_receipt")  # the receipt is in, the journal does not know it yet
        super()._confirm(journal, record, batch, execution, receipt, count_progress=count_progress)

    def _batch_intents(self, batch: BatchRecord) -> list[PlannedIntent]:
        assert self._journal is not None
        return self._journal.intents(batch.plan_id, batch.start, batch.count)

    def _executable(
        self, batch: BatchRecord, intents: list[PlannedIntent] | None = None
    ) -> list[bool]:
        intents = self._batch_intents(batch) if intents is None else intents
        return still_executable(self.chain, self.chain.address, intents)
