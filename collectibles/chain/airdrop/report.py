"""The airdrop report: one CSV row per member, its own columns followed by token id, serial and transaction.

The journal keeps only each member's address and row number, so the report reads the member's columns from
the member file again, streaming, and checks that the file still has the SHA-256 the airdrop was planned
from (:class:`~collectibles.domain.errors.MemberFileChanged` otherwise, and no report). Tokens and transactions come from the
journal's records alone (no chain access), so a rerun after a crash while writing it produces the same file.
The file appears whole or not at all (written beside its final name and renamed), readable by its owner only
(it carries every column of the member file), and a disk that refuses it raises
:class:`~collectibles.domain.errors.WriteFailed`.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from collectibles.chain.airdrop.files import FILE_MODE, private_umask, write_failure
from collectibles.chain.airdrop.records import BatchRecord, MemberRecord
from collectibles.domain import faults
from collectibles.domain.errors import MemberFileChanged, WriteFailed
from collectibles.domain.members import REPORT_COLUMNS, read_columns
from collectibles.domain.tokens import split_token_id

ALREADY_SERVED = "already served"
"""The transaction column of a member the chain showed served before this airdrop (no token of it)."""


def token_by_position(batches: list[BatchRecord]) -> dict[int, tuple[int, str | None]]:
    """``{member position: (token id, executing tx hash)}`` from confirmed batches."""
    by_position = {}
    for b in batches:
        if b.first_token_id is None:
            raise ValueError(f"batch {b.index} of plan {b.plan_id} is not confirmed: no token id")
        for offset in range(b.count):
            by_position[b.start + offset] = (b.first_token_id + offset, b.exec_tx_hash or b.tx_hash)
    return by_position


def member_rows(
    members_file: bytes | str | Path, members_sha256: str, members: list[MemberRecord]
) -> Iterator[dict[str, str]]:
    """The columns of each member's row, in ``members`` order (file order), read again from the member file.

    :func:`~collectibles.domain.members.read_columns` numbers the rows as the planner did and raises
    :class:`~collectibles.domain.errors.MemberFileChanged` after the last row if the bytes changed.
    """
    wanted = iter(members)
    member = next(wanted, None)
    source = members_file if isinstance(members_file, bytes) else Path(members_file)
    for row, values in read_columns(source, members_sha256):
        while member is not None and member.row == row:
            yield values
            member = next(wanted, None)
    if member is not None:
        raise ValueError(f"row {member.row} ({member.address}) is not in the member file")


def write_report(
    path: str | Path,
    columns: tuple[str, ...],
    members: list[MemberRecord],
    batches: list[BatchRecord],
    *,
    members_file: bytes | str | Path,
    members_sha256: str,
) -> Path:
    """Write the report CSV (member columns + token_id, serial, tx_hash) atomically: temp file, then rename.

    ``columns`` is the member file's header; each member's values come from ``members_file`` (its path, or
    its bytes), which must still hash to ``members_sha256`` (else no report is left behind). A member file
    that cannot be read raises its own ``OSError``, before anything is written.
    """
    path = Path(path)
    # The journal numbers members in the campaign's sorted order; the file is read in row order.
    members = sorted(members, key=lambda m: m.row)
    by_position = token_by_position(batches)
    if not isinstance(members_file, bytes):
        Path(members_file).stat()  # a missing member file is its own error, not a failed write
    rows = member_rows(members_file, members_sha256, members)
    tmp = path.with_name(path.name + ".partial")
    try:
        with private_umask():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        os.fchmod(fd, FILE_MODE)
        with open(fd, "w", newline="") as handle:
            _write_rows(handle, columns, rows, members, by_position)
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise WriteFailed("airdrop report", path, write_failure(err)) from None
    except MemberFileChanged:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _write_rows(
    handle: TextIO,
    columns: tuple[str, ...],
    rows: Iterator[dict[str, str]],
    members: list[MemberRecord],
    by_position: dict[int, tuple[int, str | None]],
) -> None:
    writer = csv.writer(handle)
    writer.writerow([*columns, *REPORT_COLUMNS])
    for i, (member, values) in enumerate(zip(members, rows, strict=True)):
        delivered = by_position.get(member.position)
        if delivered is None:  # served on chain before this airdrop: in no batch of it
            writer.writerow([*(values.get(c, "") for c in columns), "", "", ALREADY_SERVED])
        else:
            token, tx_hash = delivered
            writer.writerow(
                [*(values.get(c, "") for c in columns), token, split_token_id(token)[1], tx_hash]
            )
        if i == len(members) // 2:
            handle.flush()
            faults.crash_point("during_report")
    handle.flush()
    os.fsync(handle.fileno())
