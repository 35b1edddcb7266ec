"""Member CSV rows -> validated, deduplicated :class:`Member` records.

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
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from eth_utils import to_checksum_address

from collectibles.domain.errors import InvalidMemberFile

ADDRESS_COLUMN = "address"
ZERO_ADDRESS = "0x" + "0" * 40
REPORT_COLUMNS = ("token_id", "serial", "tx_hash")
"""Columns the airdrop report appends to each member row; a member file may not have them."""
_HEX_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


@dataclass(frozen=True)
class Member:
    """One row of the member file that will receive a token."""

    row: int
    """The row's number in the file (the header is row 1)."""
    address: str
    """The recipient, EIP-55 checksummed."""
    fields: dict[str, str] = field(default_factory=dict, compare=False)
    """Every column of the row, header name -> value, in file order (the address as written)."""


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

    members: tuple[Member, ...]
    """The recipients, in file order (duplicates merged unless they were kept)."""
    columns: tuple[str, ...]
    """The header, in file order."""
    sha256: str
    """Hex SHA-256 of the file's bytes, so a journal can tell whether the file changed."""
    duplicates: tuple[Duplicate, ...] = ()
    """Rows whose address an earlier row has: merged away, or kept when asked."""
    kept_duplicates: bool = False
    """Whether duplicate rows were kept as members of their own."""

    @property
    def addresses(self) -> list[str]:
        """The recipients' checksummed addresses, in order."""
        return [m.address for m in self.members]


def address_problem(text: str) -> str | None:
    """Why ``text`` is not a usable recipient address, or ``None`` if it is one."""
    if not text:
        return "the address is empty"
    if not _HEX_ADDRESS.fullmatch(text):
        return f"{text!r} is not an address (0x and 40 hex digits)"
    digits = text[2:]
    if digits != digits.lower() and digits != digits.upper() and text != to_checksum_address(text):
        return f"{text} has a wrong EIP-55 checksum (did you mean {to_checksum_address(text)}?)"
    if int(digits, 16) == 0:
        return "the zero address cannot receive a token"
    return None


def parse_members(
    data: bytes, source: object = "<members>", keep_duplicates: bool = False
) -> MemberFile:
    """Validate the bytes of a member file; raises :class:`InvalidMemberFile` listing every problem."""
    rows = _read_rows(data, source)
    header = [name.strip() for name in rows[0]]
    column = _address_column(header, source)
    members, duplicates, problems = _members(rows, header, column, keep_duplicates)
    if not problems and not members:
        problems.append((1, "the file has a header row but no members"))
    if problems:
        raise InvalidMemberFile(source, problems)
    digest = hashlib.sha256(data).hexdigest()
    return MemberFile(tuple(members), tuple(header), digest, tuple(duplicates), keep_duplicates)


def _read_rows(data: bytes, source: object) -> list[list[str]]:
    """The CSV rows of ``data``, trailing blank lines dropped; at least the header row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InvalidMemberFile(
            source, [(1, f"not a CSV text file (not UTF-8: {err.reason})")]
        ) from None
    if "\x00" in text:
        raise InvalidMemberFile(source, [(1, "not a CSV text file (it holds NUL bytes)")])
    rows: list[list[str]] = []
    try:
        # strict: a quote opened and never closed is an error, not a field that swallows the rows after it
        for values in csv.reader(io.StringIO(text, newline=""), strict=True):
            rows.append(values)  # noqa: PERF402 - one by one, so an error knows its row
    except csv.Error as err:
        reason = (
            "a quoted field is never closed"
            if "unexpected end of data" in str(err)
            else f"not a readable CSV file ({err})"
        )
        raise InvalidMemberFile(source, [(len(rows) + 1, reason)]) from None
    while rows and not rows[-1]:
        rows.pop()  # blank lines at the very end are harmless
    if not rows:
        raise InvalidMemberFile(
            source, [(1, "the file is empty: expected a header row with an 'address' column")]
        )
    return rows


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


def _row_problem(values: list[str], width: int, column: int) -> str | None:
    """Why a data row cannot be a member, or None."""
    if not any(v.strip() for v in values):
        return "empty row"
    if len(values) != width:
        return f"{len(values)} fields, but the header has {width}"
    return address_problem(values[column].strip())


def _members(
    rows: list[list[str]], header: list[str], column: int, keep_duplicates: bool
) -> tuple[list[Member], list[Duplicate], list[tuple[int, str]]]:
    """The members of the data rows (row 2 on), the duplicates found, and the row problems."""
    problems: list[tuple[int, str]] = []
    members: list[Member] = []
    duplicates: list[Duplicate] = []
    first_row_of: dict[str, int] = {}
    for number, values in enumerate(rows[1:], start=2):
        if problem := _row_problem(values, len(header), column):
            problems.append((number, problem))
            continue
        address = to_checksum_address(values[column].strip())
        if address in first_row_of:
            duplicates.append(Duplicate(number, first_row_of[address], address))
            if not keep_duplicates:
                continue
        else:
            first_row_of[address] = number
        members.append(Member(number, address, dict(zip(header, values, strict=True))))
    return members, duplicates, problems


def load_members(path: str | Path, keep_duplicates: bool = False) -> MemberFile:
    """Read and validate the member file at ``path`` (see :func:`parse_members`)."""
    return parse_members(Path(path).read_bytes(), source=path, keep_duplicates=keep_duplicates)
