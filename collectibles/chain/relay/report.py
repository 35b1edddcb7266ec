"""The relay's report: per intent, executed (its transaction) or refused (the contract's error), from the chain.

What happened to each intent is read from the transaction that executed its batch, not from the journal: the
``relay`` input says which intents it carried (a batch signed again leaves out those that could no longer
execute), and its ``IntentFailed`` logs say which failed and with what revert data, decoded with the project's
revert decoder (:mod:`~collectibles.chain.reverts`). The bad rows, refused before anything was sent, are in it
too. A CSV, 0600 like the airdrop's report, one row per line of the intents file that held an intent:

``line, kind, digest, status, tx_hash, error, error_args, reason`` where ``status`` is ``executed``,
``refused`` (on chain: ``error`` is the custom error's name, ``error_args`` its arguments as JSON),
``invalid`` (refused before sending: ``reason``) or ``not_sent`` (it could no longer execute when its batch
was signed: executed meanwhile by anyone, or its token moved).
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eth_abi import decode
from eth_utils import keccak

from collectibles.chain.airdrop.files import FILE_MODE, private_umask
from collectibles.chain.relay.simulation import decode_relay_input
from collectibles.chain.reverts import decode_error_args

if TYPE_CHECKING:
    from ape.contracts import ContractInstance

    from collectibles.chain.airdrop.records import BatchRecord
    from collectibles.chain.relay.journal import RelayJournal
    from collectibles.chain.relay.plan import PlannedIntent
    from collectibles.chain.relay.sender import RelaySender

COLUMNS = ("line", "kind", "digest", "status", "tx_hash", "error", "error_args", "reason")
INTENT_FAILED = "0x" + keccak(text="IntentFailed(uint256,bytes)").hex()
LEFT_OUT = (
    "it could no longer execute when its batch was signed (executed meanwhile, or its token moved)"
)


@dataclass(frozen=True)
class Outcome:
    line: int
    kind: str
    digest: str
    status: str
    tx_hash: str = ""
    error: str = ""
    error_args: str = ""
    reason: str = ""


def outcomes(
    nft: ContractInstance, chain: RelaySender, journal: RelayJournal, plan_id: str
) -> list[Outcome]:
    """What became of every row of the plan, by line."""
    found = [
        Outcome(p.line, p.kind, p.digest, "invalid", reason=p.reason)
        for p in journal.problems(plan_id)
    ]
    for batch in journal.batches(plan_id):
        intents = journal.intents(plan_id, batch.start, batch.count)
        found += _batch_outcomes(nft, chain, batch, intents)
    return sorted(found, key=lambda o: o.line)


def _batch_outcomes(
    nft: ContractInstance, chain: RelaySender, batch: BatchRecord, intents: list[PlannedIntent]
) -> list[Outcome]:
    tx_hash = batch.exec_tx_hash
    if not tx_hash:
        return [Outcome(i.line, i.kind, i.digest, "not_sent", reason=LEFT_OUT) for i in intents]
    carried = {
        "0x" + call.hex(): index
        for index, call in enumerate(decode_relay_input(chain.transaction_input(tx_hash)))
    }
    failed = _failures(nft, chain.receipt(tx_hash) or {})
    found = []
    for intent in intents:
        index = carried.get(intent.calldata.lower())
        if index is None:
            found.append(
                Outcome(intent.line, intent.kind, intent.digest, "not_sent", reason=LEFT_OUT)
            )
        elif index in failed:
            error, args = _error(nft, failed[index])
            found.append(
                Outcome(intent.line, intent.kind, intent.digest, "refused", tx_hash, error, args)
            )
        else:
            found.append(Outcome(intent.line, intent.kind, intent.digest, "executed", tx_hash))
    return found


def _failures(nft: ContractInstance, receipt: dict[str, Any]) -> dict[int, bytes]:
    """``{intent index: revert data}`` of the ``IntentFailed`` logs the contract emitted in ``receipt``."""
    failed = {}
    for log in receipt.get("logs", ()):
        topics = log.get("topics") or []
        if str(log.get("address", "")).lower() != str(nft.address).lower() or not topics:
            continue
        if str(topics[0]).lower() == INTENT_FAILED:
            index, reason = decode(["uint256", "bytes"], bytes.fromhex(str(log["data"])[2:]))
            failed[int(index)] = bytes(reason)
    return failed


def _error(nft: ContractInstance, data: bytes) -> tuple[str, str]:
    """The custom error's name and its arguments as JSON; raw hex when it is none of the contract's."""
    decoded = decode_error_args(nft, data)
    if decoded is None:
        return "0x" + data.hex(), ""
    name, args = decoded
    return name, json.dumps({k: _plain(v) for k, v in args.items()})


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value if isinstance(value, int | str | bool) else str(value)


def write_report(path: str | Path, found: list[Outcome]) -> Path:
    """Write the CSV (readable by its owner only)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with private_umask(), open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(asdict(o) for o in found)
    path.chmod(FILE_MODE)
    return path
