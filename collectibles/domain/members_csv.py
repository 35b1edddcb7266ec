"""The rows of a member CSV, streamed from a binary file object, each numbered, the file's SHA-256 on the way.

Split from :mod:`collectibles.domain.members` along the seam between reading a CSV and judging its rows:
the members module validates what this one reads, and reads the same rows again for the report.

The bytes go through SHA-256 as they are read, so the digest is that of exactly the bytes validated; they
are decoded as UTF-8 (a leading BOM dropped) and split as ``csv`` with ``newline=""`` splits them (``\\n``,
``\\r\\n`` or ``\\r``; a quoted field may hold line breaks). Bytes that are not UTF-8, a NUL byte and
malformed quoting are refused with the number of the row they are in (the header is row 1), as
:class:`~collectibles.domain.errors.InvalidMemberFile`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

from collectibles.domain.errors import InvalidMemberFile

_UNREADABLE = re.compile("[\x00\udc80-\udcff]")
"""A NUL, or a byte that is not UTF-8 (decoded with ``surrogateescape``, it becomes U+DC80…U+DCFF)."""


class _Hashing(io.RawIOBase):
    """A binary file that hashes every byte read from it."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self.sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self.sha.update(data)
        return len(data)


class _Unreadable(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class RowReader:
    """An iterator of ``(row number, fields)``; :attr:`sha256` once it is exhausted."""

    def __init__(self, raw: BinaryIO, source: object):
        self._hashing = _Hashing(raw)
        self._text = io.TextIOWrapper(
            io.BufferedReader(self._hashing, 1 << 16),
            encoding="utf-8-sig",
            errors="surrogateescape",
            newline="",
        )
        self._source = source
        self._rows = self._read()

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self

    def __next__(self) -> tuple[int, list[str]]:
        return next(self._rows)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of every byte of the file (what is left unread is read and hashed first)."""
        while self._hashing.read(1 << 16):
            pass
        return self._hashing.sha.hexdigest()

    def _read(self) -> Iterator[tuple[int, list[str]]]:
        number = 0
        # strict: a quote opened and never closed is an error, not a field that swallows the rows after it
        reader = csv.reader(self._checked_lines(), strict=True)
        try:
            for number, values in enumerate(reader, start=1):  # number: the row an error is in
                yield number, values
        except _Unreadable as err:
            raise InvalidMemberFile(self._source, [(number + 1, err.reason)]) from None
        except csv.Error as err:
            reason = (
                "a quoted field is never closed"
                if "unexpected end of data" in str(err)
                else f"not a readable CSV file ({err})"
            )
            raise InvalidMemberFile(self._source, [(number + 1, reason)]) from None

    def _checked_lines(self) -> Iterator[str]:
        for line in self._text:
            if _UNREADABLE.search(line):
                raise _Unreadable(_why_unreadable(line))
            yield line


def _why_unreadable(line: str) -> str:
    if "\x00" in line:
        return "not a CSV text file (it holds NUL bytes)"
    try:
        line.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeDecodeError as err:
        return f"not a CSV text file (not UTF-8: {err.reason})"
    return "not a CSV text file (not UTF-8)"


def read_rows(raw: BinaryIO, source: object) -> RowReader:
    """The numbered CSV rows of the binary file ``raw``; ``source`` names it in errors."""
    return RowReader(raw, source)
