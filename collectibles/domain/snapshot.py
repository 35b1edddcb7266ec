"""Holder snapshots: who held which tokens of a series at one block, built from transfers, written as JSON Lines.

A snapshot file (``collectibles-snapshot-v1``) is UTF-8 text, one JSON object a line, ``\\n`` after each:

- line 1, the header: ``{"format": "collectibles-snapshot-v1", "chain_id": 31337, "contract": "0x…",
  "series": 1, "block": 812, "block_hash": "0x…", "holders": 3, "tokens": 7}`` (``contract`` EIP-55,
  ``block_hash`` lowercase hex; ``holders`` and ``tokens`` count the lines and token ids below);
- then one line per holder, sorted by address as a 160-bit number (so lowercase hex order):
  ``{"address": "0x…", "count": 2, "token_ids": [1000003, 1000007]}``, ``address`` EIP-55, ``token_ids``
  ascending, ``count`` their number.

The same chain, contract, series and block always give the same bytes (keys in that order, no spaces but
one after each ``:`` and ``,``, as ``json.dumps`` writes them). A reader needs one line at a time
(:func:`read_snapshot`), and so does the writer (:func:`write_snapshot`).

The owners are replayed from ``Transfer(from, to, tokenId)`` logs by :class:`Ownership`: a serial's owner is
the ``to`` of its last transfer (the zero address: burned), kept as a small integer per serial in a flat
array and each distinct address once, so a full series of 999,999 tokens costs 4 MB plus its holders.
"""

from __future__ import annotations

import itertools
import json
import os
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from collectibles.domain.errors import CollectiblesError
from collectibles.domain.members import checksum_address
from collectibles.domain.tokens import SERIES_STRIDE

FORMAT = "collectibles-snapshot-v1"
_ZERO = bytes(20)


class InvalidSnapshot(CollectiblesError):
    """A snapshot file cannot be read, or is not one this module writes."""

    def __init__(self, path: object, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"snapshot {path}: {reason}")


class CannotWrite(CollectiblesError):
    """An output file cannot be written (a missing or read-only folder, a path under a file, a full disk)."""

    def __init__(self, what: str, path: object, reason: str):
        self.path = path
        super().__init__(f"cannot write the {what} {path}: {reason}")


@dataclass(frozen=True)
class SnapshotHeader:
    """Where and when a snapshot was taken, and how much it holds."""

    chain_id: int
    contract: str
    """EIP-55."""
    series: int
    block: int
    block_hash: str
    """``0x`` lowercase hex."""
    holders: int = 0
    tokens: int = 0

    def as_json(self) -> str:
        return json.dumps({"format": FORMAT, **asdict(self)})


@dataclass(frozen=True, slots=True)
class Holding:
    """One holder's tokens of the series."""

    address: str
    """EIP-55."""
    token_ids: tuple[int, ...]
    """Ascending."""

    @property
    def count(self) -> int:
        return len(self.token_ids)

    def as_json(self) -> str:
        return json.dumps(
            {"address": self.address, "count": self.count, "token_ids": list(self.token_ids)}
        )


def checksummed(raw: bytes) -> str:
    """The EIP-55 text of 20 address bytes."""
    return "0x" + checksum_address(raw.hex().encode()).decode()


class Ownership:
    """The owner of every serial of one series, replayed from its transfers in chain order.

    ``owner[serial]`` is an index into the distinct addresses seen (0: no owner, never minted or burned).
    """

    def __init__(self, series_id: int, minted: int):
        self.series_id = series_id
        self.minted = minted
        self._first = series_id * SERIES_STRIDE + 1
        self._owner = array("I", bytes(4 * (minted + 1)))
        self._addresses: list[bytes] = [_ZERO]
        self._index: dict[bytes, int] = {_ZERO: 0}

    def covers(self, token: int) -> bool:
        """Whether ``token`` is one of this series' serials ``1..minted``."""
        return self._first <= token < self._first + self.minted

    def transfer(self, token: int, to: bytes) -> None:
        """``token`` now belongs to the 20-byte address ``to`` (zero: burned). Tokens of other series, or minted
        after the snapshot's block, are ignored."""
        if not self.covers(token):
            return
        index = self._index.get(to)
        if index is None:
            index = self._index[to] = len(self._addresses)
            self._addresses.append(to)
        self._owner[token - self._first + 1] = index

    def owner_of(self, serial: int) -> bytes | None:
        """The 20-byte owner of ``serial``, ``None`` when it has none (never minted, or burned)."""
        index = self._owner[serial]
        return self._addresses[index] if index else None

    def holdings(self) -> list[Holding]:
        """Every holder with its tokens, sorted by address (as a number), token ids ascending."""
        serials: dict[int, list[int]] = {}
        owner = self._owner
        base = self._first - 1
        for serial in range(1, self.minted + 1):
            if index := owner[serial]:
                serials.setdefault(index, []).append(base + serial)
        ordered = sorted(serials, key=self._addresses.__getitem__)
        return [Holding(checksummed(self._addresses[i]), tuple(serials[i])) for i in ordered]


def writable_temp(path: Path, what: str = "snapshot") -> Path:
    """Where an output file is written before it is moved to ``path``; created now, so a folder that cannot
    be written to fails before any work (:class:`CannotWrite`)."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if path.is_dir():
            raise IsADirectoryError(21, "it is a folder")
        temp.parent.mkdir(parents=True, exist_ok=True)
        temp.open("w").close()
    except OSError as err:
        raise CannotWrite(what, path, err.strerror or str(err)) from None
    return temp


def write_snapshot(
    path: Path, header: SnapshotHeader, holdings: Iterable[Holding]
) -> SnapshotHeader:
    """Write the snapshot to ``path`` (through a temporary file beside it, so a reader never sees half a
    file); the header's ``holders`` and ``tokens`` are counted from ``holdings``, and returned."""
    items = list(holdings)
    counted = SnapshotHeader(
        **{
            **asdict(header),
            "holders": len(items),
            "tokens": sum(h.count for h in items),
        }
    )
    temp = writable_temp(path)
    try:
        with temp.open("w", encoding="utf-8", newline="\n") as out:
            out.write(counted.as_json() + "\n")
            for holding in items:
                out.write(holding.as_json() + "\n")
        os.replace(temp, path)
    except OSError as err:
        raise CannotWrite("snapshot", path, err.strerror or str(err)) from None
    finally:
        temp.unlink(missing_ok=True)
    return counted


@dataclass
class Snapshot:
    """An open snapshot file: its header, and its holders read one line at a time."""

    path: Path
    header: SnapshotHeader
    _lines: IO[str]

    def holdings(self) -> Iterator[Holding]:
        """Every holder in file order, each line checked (fields, sorted addresses, counts); the file is
        closed once they are read. :class:`InvalidSnapshot` naming the line of the first problem."""
        previous = -1
        holders = tokens = 0
        with self._lines as lines:
            for number, line in enumerate(lines, start=2):
                holding = _holding(self.path, number, line, self.header.series)
                key = int(holding.address, 16)
                if key <= previous:
                    raise InvalidSnapshot(
                        self.path, f"line {number}: {holding.address} is not after the line before"
                    )
                previous = key
                holders += 1
                tokens += holding.count
                yield holding
        if (holders, tokens) != (self.header.holders, self.header.tokens):
            raise InvalidSnapshot(
                self.path,
                f"the header says {self.header.holders} holders and {self.header.tokens} tokens, the file "
                f"has {holders} and {tokens}",
            )


def read_snapshot(path: Path | str) -> Snapshot:
    """Open a snapshot file and read its header (:class:`InvalidSnapshot` if it is not one)."""
    path = Path(path)
    try:
        lines = path.open(encoding="utf-8")
    except OSError as err:
        raise InvalidSnapshot(path, f"cannot be read ({err.strerror or err})") from None
    try:
        first = json.loads(lines.readline())
    except (ValueError, UnicodeDecodeError):
        lines.close()
        raise InvalidSnapshot(path, "line 1 is not a JSON header") from None
    if not isinstance(first, dict) or first.get("format") != FORMAT:
        lines.close()
        raise InvalidSnapshot(path, f"line 1 is not a {FORMAT} header")
    try:
        header = SnapshotHeader(
            chain_id=int(first["chain_id"]),
            contract=str(first["contract"]),
            series=int(first["series"]),
            block=int(first["block"]),
            block_hash=str(first["block_hash"]),
            holders=int(first["holders"]),
            tokens=int(first["tokens"]),
        )
    except (KeyError, TypeError, ValueError) as err:
        lines.close()
        raise InvalidSnapshot(path, f"the header lacks or garbles {err}") from None
    return Snapshot(path, header, lines)


def _holding(path: Path, number: int, line: str, series: int) -> Holding:
    try:
        item = json.loads(line)
        address, tokens = str(item["address"]), [int(t) for t in item["token_ids"]]
        count = int(item["count"])
        raw = bytes.fromhex(address.removeprefix("0x"))
    except (ValueError, KeyError, TypeError):
        raise InvalidSnapshot(path, f"line {number} is not a holder line") from None
    if len(raw) != 20 or not address.startswith("0x"):
        raise InvalidSnapshot(path, f"line {number}: {address!r} is not an address")
    if count != len(tokens) or not tokens:
        raise InvalidSnapshot(path, f"line {number}: count {count} but {len(tokens)} token ids")
    if any(b <= a for a, b in itertools.pairwise(tokens)) or any(
        t // SERIES_STRIDE != series for t in tokens
    ):
        raise InvalidSnapshot(
            path, f"line {number}: token ids not ascending or not of series {series}"
        )
    return Holding(address, tuple(tokens))
