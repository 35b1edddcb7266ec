"""The airdrop report: one CSV row per member, its own columns followed by token id, serial and transaction.

Built from the journal's records alone (no chain access), so a rerun after a crash while writing it produces
the same file. The file appears whole or not at all: it is written beside its final name and renamed.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from collectibles.chain.airdrop.records import BatchRecord, MemberRecord
from collectibles.domain import faults
from collectibles.domain.members import REPORT_COLUMNS
from collectibles.domain.tokens import split_token_id


def token_by_position(batches: list[BatchRecord]) -> dict[int, tuple[int, str | None]]:
    """``{member position: (token id, executing tx hash)}`` from confirmed batches."""
    by_position = {}
    for b in batches:
        if b.first_token_id is None:
            raise ValueError(f"batch {b.index} of plan {b.plan_id} is not confirmed: no token id")
        for offset in range(b.count):
            by_position[b.start + offset] = (b.first_token_id + offset, b.exec_tx_hash or b.tx_hash)
    return by_position


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
    by_position = token_by_position(batches)
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
                faults.crash_point("during_report")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return path
