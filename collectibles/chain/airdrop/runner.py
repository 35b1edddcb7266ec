"""Exactly-once push airdrops: plan batches, journal every send, execute or resume, reconcile, report.

The plan is pure (:func:`plan_airdrop`): ``plan id = keccak(abi.encode(chainId, genesisHash, contract, seriesId,
batchSize, members[]))`` and ``batch id = keccak(abi.encode(planId, index))``. The batch size is part of the plan
id so that a different split of the same members can never reuse a batch id for other recipients.

Execution (:class:`Airdropper`) writes every signed transaction to the :class:`~collectibles.chain.airdrop.journal.Journal`
before broadcasting it, signs and sends every batch before waiting for any receipt, then collects the
receipts. ``Collectible.airdrop`` mints nothing for a batch id it has seen, so a rerun after a crash anywhere
can safely resume: for each unfinished batch it asks the chain ``airdropFirstTokenId(batchId)``; an executed
batch is recorded, an unexecuted one is rebroadcast with the same signed bytes, or signed afresh when its
nonce was consumed by another transaction.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from collectibles.chain.deployment import chain_identity
from collectibles.domain.errors import AirdropNotPossible, BatchPending, BatchReverted, JournalMismatch
from collectibles.domain.faults import crash_point
from collectibles.chain.airdrop.journal import CONFIRMED, PLANNED, BatchRecord, Journal, PlanRecord
from collectibles.domain.members import REPORT_COLUMNS, MemberFile
from collectibles.domain.tokens import split_token_id

if TYPE_CHECKING:
    from collectibles.chain.airdrop.journal import MemberRecord

GAS_PER_TOKEN = 47_000
"""Measured cost of one airdropped token (two cold storage writes and a Transfer log), rounded up."""
GAS_PER_BATCH = 60_000
"""The fixed part of an airdrop transaction: intrinsic gas, calldata head, the batch id record and event."""
BLOCK_GAS_SHARE = 0.5
"""Fill at most half a block, so a batch still fits when the block is busy or the estimate is low."""
MAX_BATCH_SIZE = 500
"""Upper bound on recipients per batch, whatever the block gas limit."""
GAS_LIMIT_MULTIPLIER = 1.2
"""Headroom over ``eth_estimateGas`` for each signed transaction."""

AIRDROP_EXECUTED_TOPIC = (
    "0x" + keccak(text="AirdropExecuted(bytes32,uint256,uint256,uint256)").hex()
)


# ---------------------------------------------------------------------------------------------- planning


@dataclass(frozen=True)
class Batch:
    """A slice of the members sent in one transaction."""

    index: int
    batch_id: str
    """0x-hex bytes32 given to ``Collectible.airdrop``."""
    start: int
    """Position of the batch's first member in the plan."""
    count: int


@dataclass(frozen=True)
class AirdropPlan:
    """Who gets which batch, and the ids that make sending it again harmless."""

    chain_id: int
    genesis_hash: str
    contract: str
    series_id: int
    batch_size: int
    addresses: tuple[str, ...]
    plan_id: str
    batches: tuple[Batch, ...]

    @property
    def estimated_gas(self) -> int:
        return sum(estimate_batch_gas(b.count) for b in self.batches)


def max_batch_size(
    block_gas_limit: int, share: float = BLOCK_GAS_SHARE, cap: int = MAX_BATCH_SIZE
) -> int:
    """The most recipients a batch may have so that it uses at most ``share`` of a block."""
    size = min(cap, int((block_gas_limit * share - GAS_PER_BATCH) // GAS_PER_TOKEN))
    if size < 1:
        raise AirdropNotPossible(
            f"a block gas limit of {block_gas_limit} leaves no room for an airdrop batch"
        )
    return size


def estimate_batch_gas(count: int) -> int:
    """Rough gas of a batch of ``count`` recipients (for planning; signing uses ``eth_estimateGas``)."""
    return GAS_PER_BATCH + GAS_PER_TOKEN * count


def plan_id_of(
    chain_id: int,
    genesis_hash: str,
    contract: str,
    series_id: int,
    batch_size: int,
    addresses: list[str],
) -> str:
    """The plan id: keccak of the ABI-encoded chain, contract, series, batch size and ordered recipients."""
    data = encode(
        ["uint256", "bytes32", "address", "uint256", "uint256", "address[]"],
        [
            chain_id,
            bytes.fromhex(genesis_hash.removeprefix("0x")),
            contract,
            series_id,
            batch_size,
            addresses,
        ],
    )
    return "0x" + keccak(data).hex()


def batch_id_of(plan_id: str, index: int) -> str:
    """The batch id: keccak of the ABI-encoded plan id and batch index (never zero)."""
    return (
        "0x"
        + keccak(
            encode(["bytes32", "uint256"], [bytes.fromhex(plan_id.removeprefix("0x")), index])
        ).hex()
    )


def plan_airdrop(
    *,
    chain_id: int,
    genesis_hash: str,
    contract: str,
    series_id: int,
    addresses: list[str],
    batch_size: int,
) -> AirdropPlan:
    """Split ``addresses`` into batches of ``batch_size`` (the last may be shorter) and name everything."""
    if batch_size < 1:
        raise ValueError(f"batch size must be at least 1, not {batch_size}")
    if not addresses:
        raise ValueError("an airdrop needs at least one recipient")
    contract = to_checksum_address(contract)
    addresses = [to_checksum_address(a) for a in addresses]
    plan_id = plan_id_of(chain_id, genesis_hash, contract, series_id, batch_size, addresses)
    batches = tuple(
        Batch(index, batch_id_of(plan_id, index), start, min(batch_size, len(addresses) - start))
        for index, start in enumerate(range(0, len(addresses), batch_size))
    )
    return AirdropPlan(
        chain_id, genesis_hash, contract, series_id, batch_size, tuple(addresses), plan_id, batches
    )


# ---------------------------------------------------------------------------------------------- report


def write_report(
    path: str | Path,
    columns: tuple[str, ...],
    members: list[MemberRecord],
    batches: list[BatchRecord],
) -> Path:
    """Write the report CSV (member columns + token_id, serial, tx_hash) atomically: temp file, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    by_position = {}
    for b in batches:
        for offset in range(b.count):
            by_position[b.start + offset] = (b.first_token_id + offset, b.exec_tx_hash or b.tx_hash)  # type: ignore[operator]
    with open(tmp, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*columns, *REPORT_COLUMNS])
        for i, member in enumerate(members):
            token, tx_hash = by_position[member.position]
            writer.writerow(
                [
                    *(member.fields.get(c, "") for c in columns),
                    token,
                    split_token_id(token)[1],
                    tx_hash,
                ]
            )
            if i == len(members) // 2:
                handle.flush()
                crash_point("during_report")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return path


# ---------------------------------------------------------------------------------------------- execution


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
    report_path: str | None = None
    journal_path: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class DryRun:
    """The plan a run would execute, and whether the chain allows it."""

    plan: AirdropPlan
    executed_batches: int
    remaining_members: int
    estimated_gas: int
    gas_price: int
    cap_left: int
    refusal: str | None

    @property
    def estimated_cost(self) -> int:
        return self.estimated_gas * self.gas_price


def default_journal_path(
    root: str | Path, chain_id: int, genesis_hash: str, contract: str, series_id: int
) -> Path:
    """One journal per chain, contract and series under ``root`` (the script uses ``airdrops/``)."""
    return (
        Path(root)
        / f"{chain_id}-{genesis_hash[2:10]}-{to_checksum_address(contract)}-series{series_id}.sqlite"
    )


class Airdropper:
    """Runs airdrops of ``contract`` (an Ape contract instance) signed by ``sender`` (an Ape account)."""

    def __init__(
        self,
        contract: Any,
        sender: Any,
        *,
        log: Callable[[str], None] = lambda message: None,
        progress: Callable[[int], None] = lambda members: None,
        receipt_timeout: float = 300,
    ):
        self.contract = contract
        self.sender = sender
        self.web3 = contract.provider.web3
        self.log = log
        self.progress = progress
        self.receipt_timeout = receipt_timeout

    # ------------------------------------------------------------------ planning against the chain

    def plan(
        self, series_id: int, members: MemberFile, batch_size: int | None = None
    ) -> AirdropPlan:
        ident = chain_identity(self.contract.provider)
        if batch_size is None:
            batch_size = max_batch_size(int(self.web3.eth.get_block("latest")["gasLimit"]))
        return plan_airdrop(
            chain_id=ident.chain_id,
            genesis_hash=ident.genesis_hash,
            contract=self.contract.address,
            series_id=series_id,
            addresses=members.addresses,
            batch_size=batch_size,
        )

    def dry_run(self, series_id: int, members: MemberFile, batch_size: int | None = None) -> DryRun:
        """Plan without writing or sending anything; batches already on chain are counted as done."""
        plan = self.plan(series_id, members, batch_size)
        pending = [b for b in plan.batches if not self._first_token_id(b.batch_id)]
        remaining = sum(b.count for b in pending)
        cap_left, refusal = self._check_allowed(series_id, pending, plan.addresses)
        return DryRun(
            plan,
            len(plan.batches) - len(pending),
            remaining,
            sum(estimate_batch_gas(b.count) for b in pending),
            int(self.web3.eth.gas_price),
            cap_left,
            refusal,
        )

    def _check_allowed(
        self, series_id: int, pending: list[Any], addresses: tuple[str, ...]
    ) -> tuple[int, str | None]:
        """``(tokens the series can still mint, reason the chain would refuse the pending batches or None)``."""
        from collectibles.chain.reverts import simulate_revert

        try:
            info = self.contract.series(series_id)
        except Exception:  # noqa: BLE001 - any revert here means the series is unknown
            return 0, f"series {series_id} does not exist on {self.contract.address}"
        cap_left = int(info.maxSupply) - int(info.minted)
        if info.closed:
            return cap_left, f"series {series_id} is closed"
        needed = sum(b.count for b in pending)
        if needed > cap_left:
            return (
                cap_left,
                f"series {series_id} can mint {cap_left} more tokens, the airdrop needs {needed}",
            )
        if pending:
            first = pending[0]
            recipients = list(addresses[first.start : first.start + first.count])
            reason = simulate_revert(
                self.contract,
                "airdrop",
                series_id,
                bytes.fromhex(first.batch_id[2:]),
                recipients,
                sender=self.sender,
            )
            if reason:
                return cap_left, reason
        return cap_left, None

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
        """Execute the airdrop, or resume it from its journal; returns what happened."""
        with Journal(journal_path) as journal:
            open_plan = journal.open_plan()
            if open_plan is not None:
                if open_plan.members_sha256 != members.sha256:
                    raise JournalMismatch(
                        journal.path,
                        "member file",
                        f"{open_plan.members_path} (sha256 {open_plan.members_sha256[:16]}…)",
                        f"{members_path} (sha256 {members.sha256[:16]}…)",
                    )
                if batch_size is None:
                    batch_size = open_plan.batch_size
                elif batch_size != open_plan.batch_size:
                    raise JournalMismatch(
                        journal.path, "batch size", open_plan.batch_size, batch_size
                    )
                if open_plan.sender != self.sender.address:
                    raise JournalMismatch(
                        journal.path, "sender", open_plan.sender, self.sender.address
                    )
            elif batch_size is None and (done := journal.plan_for_members(members.sha256)):
                # The default batch size follows the block gas limit, which may have changed since: reuse
                # the one this member file was planned with, so a rerun finds the same plan id.
                batch_size = done.batch_size
            plan = self.plan(series_id, members, batch_size)
            if open_plan is not None and open_plan.plan_id != plan.plan_id:
                raise JournalMismatch(
                    journal.path,
                    "plan (members after merging duplicates, chain, contract)",
                    open_plan.plan_id,
                    plan.plan_id,
                )

            record = journal.plan(plan.plan_id)
            if record is not None and record.status != "open":
                return self._result(journal, record, "already_done")
            resumed = record is not None
            if record is None:
                # Refuse up front what the chain would refuse, before the journal commits to anything.
                pending = [b for b in plan.batches if not self._first_token_id(b.batch_id)]
                _, refusal = self._check_allowed(series_id, pending, plan.addresses)
                if refusal:
                    raise AirdropNotPossible(refusal)
                record = journal.create_plan(
                    plan,
                    members,
                    sender=self.sender.address,
                    members_path=str(members_path),
                    start_block=max(0, int(self.web3.eth.block_number) - 1),
                )
            else:
                self.log(f"resuming airdrop {plan.plan_id[:18]}… from {journal.path}")
            confirmed_now = self._execute(journal, record)
            if report_path is None:
                report_path = (
                    Path(journal.path).parent / f"report-series{series_id}-{plan.plan_id[2:10]}.csv"
                )
            write_report(
                report_path,
                record.columns,
                journal.members(record.plan_id),
                journal.batches(record.plan_id),
            )
            journal.complete(record.plan_id, str(report_path))
            record = journal.plan(record.plan_id)
            assert record is not None
            result = self._result(journal, record, "done")
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
            report_path=record.report_path,
            journal_path=str(journal.path),
        )

    def _execute(self, journal: Journal, record: PlanRecord) -> int:
        """Bring every batch of the plan to ``confirmed``; returns how many this call confirmed."""
        plan_id = record.plan_id
        addresses = [m.address for m in journal.members(plan_id)]
        confirmed = 0
        self.progress(sum(b.count for b in journal.batches(plan_id) if b.status == CONFIRMED))

        # 1. Reconcile what an earlier run may have left on the wire.
        for batch in list(journal.iter_unfinished(plan_id)):
            if self._reconcile(journal, record, batch):
                confirmed += 1

        # 2. Check what is left against the chain, then sign it all, journaling each before any broadcast.
        unfinished = list(journal.iter_unfinished(plan_id))
        if unfinished:
            _, refusal = self._check_allowed(record.series_id, unfinished, tuple(addresses))
            if refusal:
                raise AirdropNotPossible(refusal)
        planned = [b for b in unfinished if b.status == PLANNED]
        held = [b.nonce for b in journal.iter_unfinished(plan_id) if b.nonce is not None]
        nonce = max([self._nonce("pending"), *(n + 1 for n in held)])
        for batch in planned:
            recipients = addresses[batch.start : batch.start + batch.count]
            raw, tx_hash = self._sign(record.series_id, batch.batch_id, recipients, nonce)
            journal.record_signed(plan_id, batch.index, nonce, tx_hash, raw)
            crash_point("after_sign")
            nonce += 1

        # 3. Broadcast every signed batch in nonce order, without waiting for receipts.
        to_send = sorted(journal.iter_unfinished(plan_id), key=lambda b: b.nonce)  # type: ignore[arg-type, return-value]
        for batch in to_send:
            try:
                self.web3.eth.send_raw_transaction(batch.raw_tx)
            except Exception as err:  # noqa: BLE001 - "already known", "nonce too low": the receipt decides
                self.log(f"batch {batch.index}: broadcast answered {err}; checking the chain")
            crash_point("after_send")
            journal.record_sent(plan_id, batch.index)
        crash_point("before_receipt")

        # 4. Collect the receipts.
        for batch in journal.iter_unfinished(plan_id):
            if self._await(journal, record, batch):
                confirmed += 1
        return confirmed

    def _reconcile(self, journal: Journal, record: PlanRecord, batch: BatchRecord) -> bool:
        """Settle one unfinished batch from an earlier run; returns whether it was found executed."""
        if self._first_token_id(batch.batch_id):
            self._confirm(journal, record, batch)
            self.log(f"batch {batch.index}: already executed on chain, recorded")
            return True
        if batch.status == PLANNED:
            return False
        receipt = self._receipt(batch.tx_hash)
        if receipt is not None:
            reason = "reverted" if receipt["status"] == 0 else "was mined without executing"
            self.log(f"batch {batch.index}: transaction {batch.tx_hash} {reason}; signing it again")
            journal.reset_to_planned(record.plan_id, batch.index)
        elif batch.nonce is not None and batch.nonce < self._nonce("latest"):
            self.log(
                f"batch {batch.index}: nonce {batch.nonce} was used by another transaction; signing it again"
            )
            journal.reset_to_planned(record.plan_id, batch.index)
        else:
            self.log(
                f"batch {batch.index}: not on chain yet; rebroadcasting the same signed transaction"
            )
        return False

    def _await(self, journal: Journal, record: PlanRecord, batch: BatchRecord) -> bool:
        from web3.exceptions import TimeExhausted

        try:
            receipt = self.web3.eth.wait_for_transaction_receipt(
                batch.tx_hash, timeout=self.receipt_timeout, poll_latency=0.1
            )
        except TimeExhausted:
            raise BatchPending(batch.index, str(batch.tx_hash), self.receipt_timeout) from None
        if not self._first_token_id(batch.batch_id):
            if receipt["status"] == 0:
                raise BatchReverted(batch.index, str(batch.tx_hash))
            raise BatchReverted(
                batch.index, str(batch.tx_hash), "mined, but the batch is not executed"
            )
        self._confirm(journal, record, batch)
        return True

    def _confirm(self, journal: Journal, record: PlanRecord, batch: BatchRecord) -> None:
        first, tx_hash, block = self._execution(record, batch)
        gas = int(self._receipt(tx_hash)["gasUsed"]) if tx_hash else None  # type: ignore[index]
        journal.record_confirmed(
            record.plan_id,
            batch.index,
            first_token_id=first,
            exec_tx_hash=tx_hash,
            gas_used=gas,
            block_number=block,
        )
        self.progress(batch.count)

    # ------------------------------------------------------------------ chain helpers

    def _sign(
        self, series_id: int, batch_id: str, recipients: list[str], nonce: int
    ) -> tuple[str, str]:
        """Sign one airdrop transaction; returns ``(raw tx hex, tx hash hex)``. Sends nothing."""
        batch_bytes = bytes.fromhex(batch_id[2:])
        data = self.contract.airdrop.encode_input(series_id, batch_bytes, recipients)
        estimate = self.web3.eth.estimate_gas(
            {"from": self.sender.address, "to": self.contract.address, "data": data}
        )
        txn = self.contract.airdrop.as_transaction(
            series_id,
            batch_bytes,
            recipients,
            sender=self.sender,
            nonce=nonce,
            gas_limit=int(estimate * GAS_LIMIT_MULTIPLIER),
        )
        signed = self.sender.sign_transaction(txn)
        if signed is None:
            raise AirdropNotPossible(f"{self.sender.address} did not sign the airdrop transaction")
        raw = bytes(signed.serialize_transaction())
        return "0x" + raw.hex(), "0x" + keccak(raw).hex()

    def _first_token_id(self, batch_id: str) -> int:
        return int(self.contract.airdropFirstTokenId(bytes.fromhex(batch_id[2:])))

    def _nonce(self, block: str) -> int:
        return int(self.web3.eth.get_transaction_count(self.sender.address, block))

    def _receipt(self, tx_hash: str | None) -> Any:
        from web3.exceptions import TransactionNotFound

        if not tx_hash:
            return None
        try:
            return self.web3.eth.get_transaction_receipt(tx_hash)
        except TransactionNotFound:
            return None

    def _execution(
        self, record: PlanRecord, batch: BatchRecord
    ) -> tuple[int, str | None, int | None]:
        """``(first token id, executing tx hash, block)`` of an executed batch, from its AirdropExecuted log."""
        logs = self.web3.eth.get_logs(
            {
                "address": self.contract.address,
                "fromBlock": record.start_block,
                "toBlock": "latest",
                "topics": [AIRDROP_EXECUTED_TOPIC, batch.batch_id],
            }
        )
        if logs:
            log = logs[0]
            first = int.from_bytes(bytes(log["data"])[:32], "big")
            return first, "0x" + bytes(log["transactionHash"]).hex(), int(log["blockNumber"])
        return self._first_token_id(batch.batch_id), None, None
