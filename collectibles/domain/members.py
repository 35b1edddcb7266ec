"""Member CSV rows -> validated, deduplicated :class:`Member` records, streamed and stored compactly.

A member file is a UTF-8 CSV whose header row has an ``address`` column (matched without regard to case or
surrounding spaces); every other column is carried along into the airdrop report. Rows are numbered as a
spreadsheet shows them: the header is row 1, the first member row 2.

Every problem in the file is collected before anything is raised, so one run shows them all:

- a file that is not UTF-8 text, or that the CSV reader cannot parse;
- a missing (or repeated) ``address`` column, a header with no member rows;
- an empty row (blank lines at the very end of the file are ignored), a row with more or fewer fields
  than the header, an empty address;
- an address that is not ``0x`` and 40 hex digits, a mixed-case address whose EIP-55 checksum is wrong
  (all-lowercase and all-uppercase hex carry no checksum and are accepted), the zero address.

Duplicate addresses are merged into their first row and listed in :attr:`MemberFile.duplicates`, unless
``keep_duplicates`` asks to keep every row (each row then receives its own token).

Scale: a file is read once, streaming (the CSV reader over the file object, the SHA-256 taken from the same
bytes), and a validated member is its row number and its checksummed address, 44 bytes in two flat buffers
(:class:`Members`), so a million members take about 45 MB. Duplicates are found by sorting the members by
address (:meth:`Members.by_address`, 4 bytes a member, sorted 64K at a time and merged) rather than in a set of every
address seen (about 100 MB at a million); the airdrop plan numbers its members in that same order. The other columns are not kept: the report reads
them again, row by row, with :func:`read_columns` (or :meth:`MemberFile.with_columns`), which also checks
that the file still has the bytes that were validated. The EIP-55 checksum is computed here from keccak
directly (:func:`checksum_address`, about ten times faster than ``eth_utils.to_checksum_address``, whose
result it equals; the tests compare the two).
"""

from __future__ import annotations

import heapq
import io
import re
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, overload

from sha3 import keccak_256

from collectibles.domain.errors import InvalidMemberFile, MemberFileChanged
from collectibles.domain.members_csv import read_rows

ADDRESS_COLUMN = "address"
ZERO_ADDRESS = "0x" + "0" * 40
REPORT_COLUMNS = ("token_id", "serial", "tx_hash")
"""Columns the airdrop report appends to each member row; a member file may not have them."""
_HEX_DIGITS = re.compile(r"[0-9a-fA-F]{40}")
# EIP-55, byte-wise: a hash hex digit of 8 or more upper-cases the address letter at its place. Each table
# maps an ASCII byte to 0x20 (the case bit) or 0, so the whole address is upper-cased in one subtraction.
_HASH_SETS_CASE = bytes(0x20 if c in b"89abcdef" else 0 for c in range(256))
_IS_LETTER = bytes(0x20 if c in b"abcdef" else 0 for c in range(256))
_ZERO_HEX = b"0" * 40
PROGRESS_ROWS = 10_000
"""Data rows between two calls of :func:`load_members`'s ``progress``."""
_SORT_RUN = 1 << 16
"""Members sorted at once by :meth:`Members.by_address` (a list of 64K ints, about 4 MB)."""


def checksum_address(lower_hex: bytes) -> bytes:
    """The EIP-55 form of an address given as 40 lowercase ASCII hex digits (no ``0x``), as 40 ASCII bytes.

    EIP-55: hash the lowercase hex with keccak-256; a letter is upper-cased where the hash's hex digit at
    the same place is 8 or more.
    """
    hashed = keccak_256(lower_hex).hexdigest()[:40].encode()
    case = int.from_bytes(hashed.translate(_HASH_SETS_CASE), "big") & int.from_bytes(
        lower_hex.translate(_IS_LETTER), "big"
    )
    return (int.from_bytes(lower_hex, "big") - case).to_bytes(40, "big")


@dataclass(frozen=True, slots=True)
class Member:
    """One row of the member file that will receive a token."""

    row: int
    """The row's number in the file (the header is row 1)."""
    address: str
    """The recipient, EIP-55 checksummed."""


class Members(Sequence[Member]):
    """The recipients in file order, compactly: 40 ASCII hex digits and a row number each."""

    __slots__ = ("_by_address", "_hex", "_rows")

    def __init__(self, hex_digits: bytes | bytearray = b"", rows: array[int] | None = None):
        """``hex_digits``: 40 checksummed ASCII hex digits per member; ``rows``: their row numbers. Both are
        kept as given, not copied (a million members' digits are 40 MB)."""
        self._hex = hex_digits
        self._rows = rows if rows is not None else array("I")
        self._by_address: array[int] | None = None
        if len(self._hex) != 40 * len(self._rows):
            raise ValueError("Members needs 40 hex digits per row number")

    @classmethod
    def of_addresses(cls, addresses: Sequence[str]) -> Members:
        """Members from ``0x``-hex addresses in any case (checksummed here), rows numbered from 2 as in a
        file; for callers that hold a plain list (tests, small tools)."""
        digits = bytearray()
        for address in addresses:
            digits += checksum_address(address[2:].lower().encode())
        return cls(digits, array("I", range(2, 2 + len(addresses))))

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Member: ...
    @overload
    def __getitem__(self, index: slice) -> list[Member]: ...
    def __getitem__(self, index: int | slice) -> Member | list[Member]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("member index out of range")
        return Member(self._rows[index], "0x" + self._hex[40 * index : 40 * index + 40].decode())

    def __iter__(self) -> Iterator[Member]:
        digits = self._hex  # one member at a time: no list of a million addresses on the way
        for i, row in enumerate(self._rows):
            yield Member(row, "0x" + digits[40 * i : 40 * i + 40].decode())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Members):
            return NotImplemented
        return self._hex == other._hex and self._rows == other._rows

    def __hash__(self) -> int:
        return hash(bytes(self._hex))

    def __repr__(self) -> str:
        return f"Members({len(self)} members)"

    def addresses(self) -> list[str]:
        """Every recipient's checksummed address, in order."""
        text = self._hex.decode()  # one string, then slices: faster than decoding each address
        return ["0x" + text[i : i + 40] for i in range(0, len(text), 40)]

    @property
    def rows(self) -> array[int]:
        """Every recipient's row number, in order."""
        return self._rows

    @property
    def hex_digits(self) -> bytes | bytearray:
        """The 40 checksummed ASCII hex digits of every recipient, back to back, in order (not a copy)."""
        return self._hex

    def by_address(self) -> array[int]:
        """Every recipient's position in file order, sorted by address, then by position (so the rows of an
        address kept twice follow the file); computed once.

        Sorted as Python ints (address << 32 | position) a run of :data:`_SORT_RUN` members at a time, then
        the runs merged: the transient list is one run, not every member (64 MB at a million), whatever
        the addresses look like.
        """
        if self._by_address is None:
            digits, count = self._hex, len(self._rows)

            def key(position: int) -> int:
                return int(digits[40 * position : 40 * position + 40], 16) << 32 | position

            runs = []
            for start in range(0, count, _SORT_RUN):
                keys = sorted(map(key, range(start, min(count, start + _SORT_RUN))))
                runs.append(array("I", (k & 0xFFFFFFFF for k in keys)))
            if len(runs) > 1:
                merged = heapq.merge(*(map(key, run) for run in runs))
                runs = [array("I", (k & 0xFFFFFFFF for k in merged))]
            self._by_address = runs[0] if runs else array("I")
        return self._by_address

    def without(self, positions: set[int]) -> Members:
        """These members but those at ``positions`` (file order kept)."""
        digits, rows = bytearray(), array("I")
        for position, row in enumerate(self._rows):
            if position not in positions:
                digits += self._hex[40 * position : 40 * position + 40]
                rows.append(row)
        return Members(digits, rows)


@dataclass(frozen=True)
class Duplicate:
    """A row whose address an earlier row already has."""

    row: int
    """The repeated row."""
    first_row: int
    """The earlier row with the same address."""
    address: str
    """The address, checksummed."""


@dataclass(frozen=True)
class MemberFile:
    """A validated member file: who gets a token, in file order."""

    members: Members
    """The recipients, in file order (duplicates merged unless they were kept)."""
    columns: tuple[str, ...]
    """The header, in file order."""
    sha256: str
    """Hex SHA-256 of the file's bytes, so a journal can tell whether the file changed."""
    duplicates: tuple[Duplicate, ...] = ()
    """Rows whose address an earlier row has: merged away, or kept when asked."""
    kept_duplicates: bool = False
    """Whether duplicate rows were kept as members of their own."""
    content: bytes | Path = field(default=b"", repr=False, compare=False)
    """Where the rows' columns are read again from: the file's path, or its bytes when given bytes."""

    @property
    def addresses(self) -> list[str]:
        """The recipients' checksummed addresses, in order."""
        return self.members.addresses()

    def with_columns(self) -> Iterator[tuple[Member, dict[str, str]]]:
        """Every member with the columns of its row (header name -> value, the address as written), read
        again from the file; :class:`MemberFileChanged` if the file no longer has the validated bytes."""
        wanted = iter(self.members)
        member = next(wanted, None)
        for row, columns in read_columns(self.content, self.sha256):
            while member is not None and member.row == row:  # a kept duplicate is its own row
                yield member, columns
                member = next(wanted, None)


def read_columns(
    content: bytes | str | Path, sha256: str | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream a validated member file's data rows again: ``(row number, {column: value})``, header names
    stripped as :func:`parse_members` strips them. When ``sha256`` is given and the bytes read no longer
    hash to it, :class:`MemberFileChanged` is raised after the last row (a report written from the rows
    must then be discarded)."""
    with _open(content) as raw:
        reader = read_rows(raw, content)
        header: list[str] | None = None
        for number, values in reader:
            if header is None:
                header = [name.strip() for name in values]
            elif len(values) == len(header):
                yield number, dict(zip(header, values, strict=True))
        if sha256 is not None and reader.sha256 != sha256:
            raise MemberFileChanged(content, sha256, reader.sha256)


def address_problem(text: str) -> str | None:
    """Why ``text`` is not a usable recipient address, or ``None`` if it is one."""
    return _checked(text)[1]


def parse_members(
    data: bytes, source: object = "<members>", keep_duplicates: bool = False
) -> MemberFile:
    """Validate the bytes of a member file; raises :class:`InvalidMemberFile` listing every problem."""
    return _validate(io.BytesIO(data), source, keep_duplicates, data)


def load_members(
    path: str | Path, keep_duplicates: bool = False, progress: Callable[[int], None] | None = None
) -> MemberFile:
    """Read and validate the member file at ``path``, streaming (see :func:`parse_members`).

    ``progress`` (a progress bar's ``advance``) is called with 0 first, then with the number of data rows
    read since its last call, every :data:`PROGRESS_ROWS` rows and once at the end.
    """
    with open(path, "rb") as raw:
        return _validate(raw, path, keep_duplicates, Path(path), progress)


def count_lines(path: str | Path) -> int:
    """The lines after the header of the file at ``path``, read fast in binary: the total of a progress
    bar over :func:`load_members` (an upper bound of its rows: a quoted field may hold a line break)."""
    lines, last = 0, b"\n"
    with open(path, "rb") as raw:
        while chunk := raw.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return max(0, lines - (last == b"\n"))


# ---------------------------------------------------------------------------------------------- checks


def _open(content: bytes | str | Path) -> BinaryIO:
    return io.BytesIO(content) if isinstance(content, bytes) else open(content, "rb")


def _checked(text: str) -> tuple[bytes, str | None]:
    """``(the checksummed hex digits, None)``, or ``(b"", why text is not a usable recipient address)``."""
    if not text:
        return b"", "the address is empty"
    digits = text[2:]
    if text[:2] != "0x" or not _HEX_DIGITS.fullmatch(digits):
        return b"", f"{text!r} is not an address (0x and 40 hex digits)"
    lower = digits.lower().encode()
    checksummed = checksum_address(lower)
    written = digits.encode()
    if written != lower and written != checksummed and written != digits.upper().encode():
        return b"", (f"{text} has a wrong EIP-55 checksum (did you mean 0x{checksummed.decode()}?)")
    if lower == _ZERO_HEX:
        return b"", "the zero address cannot receive a token"
    return checksummed, None


def _validate(
    raw: BinaryIO,
    source: object,
    keep_duplicates: bool,
    content: bytes | Path,
    progress: Callable[[int], None] | None = None,
) -> MemberFile:
    reader = read_rows(raw, source)
    first = next(reader, None)
    if first is None:
        raise InvalidMemberFile(
            source, [(1, "the file is empty: expected a header row with an 'address' column")]
        )
    header = [name.strip() for name in first[1]]
    column = _address_column(header, source)
    collected = _Collector(len(header), column)
    tick = progress or (lambda rows: None)
    tick(0)
    number = 1
    for number, values in reader:
        collected.add(number, values)
        if number % PROGRESS_ROWS == 1:  # rows 2 .. PROGRESS_ROWS + 1 are the first PROGRESS_ROWS
            tick(PROGRESS_ROWS)
    tick((number - 1) % PROGRESS_ROWS)
    problems = collected.problems
    if not problems and not collected.rows:
        problems.append((1, "the file has a header row but no members"))
    if problems:
        raise InvalidMemberFile(source, problems)
    members = Members(collected.hex, collected.rows)
    repeats = _repeats(members)
    duplicates = tuple(
        Duplicate(
            members.rows[p],
            members.rows[first],
            "0x" + collected.hex[40 * p : 40 * p + 40].decode(),
        )
        for p, first in repeats
    )
    if repeats and not keep_duplicates:
        members = members.without({position for position, _ in repeats})
    return MemberFile(members, tuple(header), reader.sha256, duplicates, keep_duplicates, content)


def _repeats(members: Members) -> list[tuple[int, int]]:
    """``(position, position of the first row with its address)`` of every repeated row, in file order:
    repeats are neighbours in address order, the first row of an address the first of them."""
    digits, found = members.hex_digits, []
    previous: bytes | bytearray = b""
    first = 0
    for position in members.by_address():
        address = digits[40 * position : 40 * position + 40]
        if address == previous:
            found.append((position, first))
        else:
            previous, first = address, position
    found.sort()
    return found


class _Collector:
    """The members of the data rows as they stream by (every valid row, repeats too), and the row problems."""

    def __init__(self, width: int, column: int):
        self.width, self.column = width, column
        self.problems: list[tuple[int, str]] = []
        self.hex = bytearray()
        self.rows: array[int] = array("I")
        self._blank: list[int] = []
        """Blank rows not yet known to be before another row (blank rows at the very end are harmless)."""

    def add(self, number: int, values: list[str]) -> None:
        if not values:
            self._blank.append(number)
            return
        self.problems += [(blank, "empty row") for blank in self._blank]
        self._blank.clear()
        if problem := _row_problem(values, self.width):
            self.problems.append((number, problem))
            return
        checksummed, problem = _checked(values[self.column].strip())
        if problem:
            self.problems.append((number, problem))
            return
        self.hex += checksummed
        self.rows.append(number)


def _address_column(header: list[str], source: object) -> int:
    """The index of the one ``address`` column; every header problem raised at once."""
    matches = [i for i, name in enumerate(header) if name.lower() == ADDRESS_COLUMN]
    if not matches:
        shown = ", ".join(repr(n) for n in header) or "nothing"
        raise InvalidMemberFile(
            source, [(1, f"no 'address' column in the header row (found {shown})")]
        )
    if len(matches) > 1:
        raise InvalidMemberFile(source, [(1, "the header row has more than one 'address' column")])
    header_problems = [
        (1, f"column {name!r} appears more than once")
        for name in sorted({n for n in header if header.count(n) > 1})
    ] + [
        (1, f"column {name!r} is reserved for the airdrop report")
        for name in header
        if name in REPORT_COLUMNS
    ]
    if header_problems:
        raise InvalidMemberFile(source, header_problems)
    return matches[0]


def _row_problem(values: list[str], width: int) -> str | None:
    """Why a data row cannot be a member, before its address is looked at, or None."""
    if not any(v.strip() for v in values):
        return "empty row"
    if len(values) != width:
        return f"{len(values)} fields, but the header has {width}"
    return None
