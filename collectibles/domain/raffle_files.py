"""The files a raffle publishes: its entries (JSON Lines) and its winners (an airdrop member file, CSV).

Entries file (``collectibles-raffle-entries-v1``), UTF-8, one JSON value a line, ``\\n`` after each:

- line 1, the header: ``{"format": "collectibles-raffle-entries-v1", "leafEncoding": ["uint256", "address",
  "uint256"], "weight": "per-badge", "entries": 3, "entry_count": 7, "entries_root": "0x…", "snapshot":
  {"chain_id": …, "contract": …, "series": …, "block": …, "block_hash": …, "sha256": …}}``. ``entry_count``
  is the total weight (what the chain records as ``entryCount``), ``entries_root`` the entries' Merkle root
  (:mod:`collectibles.domain.raffle`), ``snapshot`` where the holders came from (its header, and the SHA-256
  of the snapshot file's bytes);
- then one entry a line, by index from 0: ``[index, "0xAccount", weight]`` (EIP-55 address), sorted by
  address as a number.

:func:`read_entries` takes nothing on trust: the rows must be numbered from 0, sorted, weighted at least 1,
as many as the header says and hash to the root it states.

Winners file: a CSV whose columns are ``address,rank,entry_index,weight,ticket``, one row per winner by rank
from 0. It is a member file for ``ape run airdrop`` as it is (:mod:`collectibles.domain.members`: the
``address`` column, the other columns carried into the airdrop's report).
"""

from __future__ import annotations

import csv
import json
import os
from array import array
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from collectibles.domain.claim_tree import file_sha256
from collectibles.domain.errors import CollectiblesError
from collectibles.domain.raffle import ENTRY_ENCODING, Entries, RaffleError, WeightRule, Winner
from collectibles.domain.snapshot import CannotWrite, read_snapshot, writable_temp

ENTRIES_FORMAT = "collectibles-raffle-entries-v1"
WINNER_COLUMNS = ("address", "rank", "entry_index", "weight", "ticket")


class InvalidWinners(CollectiblesError):
    """A winners file cannot be read as one."""

    def __init__(self, path: object, reason: str):
        self.path = path
        super().__init__(f"winners file {path}: {reason}")


class InvalidEntries(CollectiblesError):
    """An entries file cannot be read, or its rows do not hold together."""

    def __init__(self, path: object, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"entries file {path}: {reason}")


@dataclass(frozen=True)
class EntriesHeader:
    weight: str
    """The weight rule, as the command stated it (``per-badge``, ``per-holder``, ``capped:K``)."""
    entries: int
    entry_count: int
    """The total weight."""
    entries_root: str
    """``0x`` hex."""
    snapshot: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> str:
        return json.dumps(
            {
                "format": ENTRIES_FORMAT,
                "leafEncoding": list(ENTRY_ENCODING),
                "weight": self.weight,
                "entries": self.entries,
                "entry_count": self.entry_count,
                "entries_root": self.entries_root,
                "snapshot": self.snapshot,
            }
        )


def entries_header(entries: Entries, weight: str, snapshot: dict[str, Any]) -> EntriesHeader:
    return EntriesHeader(weight, len(entries), entries.total, "0x" + entries.root().hex(), snapshot)


def entries_of_snapshot(path: Path | str, rule: WeightRule) -> tuple[Entries, EntriesHeader]:
    """The entries of a snapshot file's holders under ``rule``, and the header of their entries file."""
    snapshot = read_snapshot(path)
    entries = Entries.of(((h.address, h.count) for h in snapshot.holdings()), rule)
    if len(entries) == 0:
        raise RaffleError(f"snapshot {path} has no holders: a raffle needs at least one entry")
    source = {**asdict(snapshot.header), "sha256": file_sha256(Path(path))}
    return entries, entries_header(entries, str(rule), source)


def write_entries(path: Path, header: EntriesHeader, entries: Entries) -> None:
    """Write the entries file (through a temporary file beside ``path``)."""
    temp = writable_temp(path, "entries file")
    weights = entries.weights
    try:
        with temp.open("w", encoding="utf-8", newline="\n") as out:
            out.write(header.as_json() + "\n")
            chunk: list[str] = []
            for i in range(len(entries)):
                chunk.append(f'[{i}, "{entries.account(i)}", {weights[i]}]\n')
                if len(chunk) == 4096:
                    out.write("".join(chunk))
                    chunk.clear()
            out.write("".join(chunk))
        os.replace(temp, path)
    except OSError as err:
        raise CannotWrite("entries file", path, err.strerror or str(err)) from None
    finally:
        temp.unlink(missing_ok=True)


def read_entries(path: Path | str) -> tuple[EntriesHeader, Entries]:
    """The header and entries of an entries file, every row and the root checked (see the module)."""
    path = Path(path)
    try:
        source = path.open(encoding="utf-8")
    except OSError as err:
        raise InvalidEntries(path, f"cannot be read ({err.strerror or err})") from None
    with source:
        header = _header(path, source.readline())
        accounts, weights = bytearray(), array("Q")
        previous = b""
        for number, line in enumerate(source, start=2):
            index, raw, weight = _row(path, number, line)
            # Equal-length bytes compare as the numbers they spell: sorted by address as a number.
            if index != len(weights) or raw <= previous or weight < 1:
                raise InvalidEntries(
                    path,
                    f"line {number}: entries must be numbered from 0, sorted by address and weigh at "
                    "least 1",
                )
            previous = raw
            accounts += raw
            weights.append(weight)
    entries = Entries(bytes(accounts), weights)
    if (len(entries), entries.total) != (header.entries, header.entry_count):
        raise InvalidEntries(
            path,
            f"the header says {header.entries} entries of total weight {header.entry_count}, the rows "
            f"are {len(entries)} of {entries.total}",
        )
    if len(entries) == 0:
        raise InvalidEntries(path, "it has no entries")
    if "0x" + entries.root().hex() != header.entries_root.lower():
        raise InvalidEntries(
            path, f"its rows hash to 0x{entries.root().hex()}, not the root {header.entries_root}"
        )
    return header, entries


def _header(path: Path, line: str) -> EntriesHeader:
    try:
        item = json.loads(line)
        if item.get("format") != ENTRIES_FORMAT or list(item["leafEncoding"]) != list(
            ENTRY_ENCODING
        ):
            raise InvalidEntries(path, f"line 1 is not a {ENTRIES_FORMAT} header")
        return EntriesHeader(
            weight=str(item["weight"]),
            entries=int(item["entries"]),
            entry_count=int(item["entry_count"]),
            entries_root=str(item["entries_root"]),
            snapshot=dict(item.get("snapshot") or {}),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise InvalidEntries(path, f"line 1 is not a {ENTRIES_FORMAT} header") from None


def _row(path: Path, number: int, line: str) -> tuple[int, bytes, int]:
    """One ``[index, "0x…", weight]`` row. The rows :func:`write_entries` writes are split as text (half the
    time of ``json.loads`` over a million rows); any other spelling of the same JSON is parsed as JSON."""
    row = _canonical_row(line)
    if row is None:
        row = _json_row(path, number, line)
    if len(row[1]) != 20:
        raise InvalidEntries(path, f"line {number}: the account is not 20 bytes")
    return row


def _canonical_row(line: str) -> tuple[int, bytes, int] | None:
    """The row as :func:`write_entries` spells it, or ``None`` when it is spelled otherwise."""
    parts = line[1:-2].split(", ")
    if len(parts) != 3 or line[0] != "[" or line[-2:] != "]\n":
        return None
    first, address, last = parts
    if address[:3] != '"0x' or address[-1:] != '"':
        return None
    try:
        return int(first), bytes.fromhex(address[3:-1]), int(last)
    except ValueError:
        return None


def _json_row(path: Path, number: int, line: str) -> tuple[int, bytes, int]:
    problem = InvalidEntries(path, f"line {number} is not an [index, address, weight] row")
    try:
        index, address, weight = json.loads(line)
        raw = bytes.fromhex(address[2:]) if address.startswith("0x") else b""
    except (ValueError, TypeError, AttributeError):
        raise problem from None
    if type(index) is not int or type(weight) is not int:
        raise problem
    return index, raw, weight


def write_winners(path: Path, winners: Sequence[Winner], entries: Entries) -> None:
    """Write the winners as a member file (see the module), through a temporary file beside ``path``."""
    temp = writable_temp(path, "winners file")
    try:
        with temp.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(WINNER_COLUMNS)
            for w in winners:
                writer.writerow([w.account, w.rank, w.index, entries.weights[w.index], w.ticket])
        os.replace(temp, path)
    except OSError as err:
        raise CannotWrite("winners file", path, err.strerror or str(err)) from None
    finally:
        temp.unlink(missing_ok=True)


def read_winner_accounts(path: Path | str) -> list[str]:
    """The ``address`` column of a winners file, by rank (for comparing a published file)."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as source:
            rows = list(csv.DictReader(source))
    except OSError as err:
        raise InvalidWinners(path, f"cannot be read ({err.strerror or err})") from None
    try:
        ranked = sorted(rows, key=lambda row: int(row["rank"]))
        return [row["address"] for row in ranked]
    except (KeyError, ValueError, TypeError):
        raise InvalidWinners(path, "it has no address and rank columns") from None
