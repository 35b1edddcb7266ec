"""The airdrop report CSV: member columns (read again from the member file) then token, serial and
transaction; written whole or not at all, readable by its owner only."""

import csv
import errno
import hashlib
import os
import stat

import pytest

from collectibles.chain.airdrop.records import CONFIRMED, SENT, BatchRecord, MemberRecord
from collectibles.chain.airdrop.report import write_report
from collectibles.domain.errors import MemberFileChanged, WriteFailed

MEMBERS = [f"0x{0xA000 + i:040x}" for i in range(25)]


def read_rows(path):
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def member_file(tmp_path):
    """A member file of three rows (id, address), as the plan read it: ``(path, sha256)``."""
    path = tmp_path / "members.csv"
    path.write_text("id,address\n" + "".join(f"M{i},{a}\n" for i, a in enumerate(MEMBERS[:3])))
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def members():
    """The three recorded members: position, row number in the member file, address."""
    return [MemberRecord(i, i + 2, a) for i, a in enumerate(MEMBERS[:3])]


@pytest.fixture
def report(member_file, members):
    """Returns a function: ``write_report`` of the three members from the member file."""
    path, sha256 = member_file

    def write(out, columns, batches, recorded=members):
        return write_report(
            out, columns, recorded, batches, members_file=path, members_sha256=sha256
        )

    return write


def test_write_report__member_columns_then_token_serial_tx(tmp_path, report):
    batches = [
        BatchRecord("p", 0, "0xb0", 0, 2, CONFIRMED, first_token_id=1_000_005, exec_tx_hash="0xaa"),
        BatchRecord("p", 1, "0xb1", 2, 1, CONFIRMED, first_token_id=1_000_004, exec_tx_hash="0xbb"),
    ]

    path = report(tmp_path / "out" / "report.csv", ("id", "address"), batches)

    assert read_rows(path) == [
        ["id", "address", "token_id", "serial", "tx_hash"],
        ["M0", MEMBERS[0], "1000005", "5", "0xaa"],
        ["M1", MEMBERS[1], "1000006", "6", "0xaa"],
        ["M2", MEMBERS[2], "1000004", "4", "0xbb"],
    ]
    assert not (tmp_path / "out" / "report.csv.partial").exists()


def test_write_report__no_executing_tx_recorded__signed_tx_hash_instead(tmp_path, report):
    batches = [
        BatchRecord("p", 0, "0xb0", 0, 3, CONFIRMED, tx_hash="0xsigned", first_token_id=2_000_001)
    ]

    path = report(tmp_path / "report.csv", ("id",), batches)

    assert [row[-1] for row in read_rows(path)[1:]] == ["0xsigned"] * 3


def test_write_report__unconfirmed_batch__value_error_and_no_file(tmp_path, report):
    batches = [BatchRecord("p", 0, "0xb0", 0, 3, SENT, tx_hash="0xaa")]

    with pytest.raises(ValueError, match="batch 0 of plan p is not confirmed"):
        report(tmp_path / "report.csv", ("id",), batches)

    assert not (tmp_path / "report.csv").exists()


def test_write_report__existing_report__replaced(tmp_path, report):
    path = tmp_path / "report.csv"
    path.write_text("stale\n")
    batches = [BatchRecord("p", 0, "0xb0", 0, 3, CONFIRMED, first_token_id=3_000_001)]

    report(path, ("id",), batches)

    assert [row[0] for row in read_rows(path)] == ["id", "M0", "M1", "M2"]


CONFIRMED_ALL = [BatchRecord("p", 0, "0xb0", 0, 3, CONFIRMED, first_token_id=3_000_001)]


def test_write_report__owner_only(tmp_path, report):
    path = report(tmp_path / "report.csv", ("id",), CONFIRMED_ALL)

    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_write_report__member_file_changed__refused_and_no_file(tmp_path, report, member_file):
    members_path, _ = member_file
    members_path.write_text(members_path.read_text().replace("M1", "X1"))

    with pytest.raises(MemberFileChanged, match=f"member file {members_path} changed since"):
        report(tmp_path / "report.csv", ("id",), CONFIRMED_ALL)

    assert list(tmp_path.glob("report.csv*")) == []


def test_write_report__members_in_campaign_order__rows_in_file_order(tmp_path, report):
    """The journal numbers members in the campaign's sorted order, not the file's: the report follows rows."""
    numbered = [MemberRecord(0, 3, MEMBERS[1]), MemberRecord(1, 2, MEMBERS[0])]
    numbered.append(MemberRecord(2, 4, MEMBERS[2]))
    batches = [
        BatchRecord("p", 0, "0xb0", 0, 3, CONFIRMED, first_token_id=1_000_001, exec_tx_hash="0xaa")
    ]

    path = report(tmp_path / "report.csv", ("id",), batches, recorded=numbered)

    assert [row[:2] for row in read_rows(path)[1:]] == [
        ["M0", "1000002"],
        ["M1", "1000001"],
        ["M2", "1000003"],
    ]


def test_write_report__member_row_not_in_file__value_error(tmp_path, report, members):
    missing = [*members[:2], MemberRecord(2, 9, MEMBERS[2])]

    with pytest.raises(ValueError, match=r"row 9 .* is not in"):
        report(tmp_path / "report.csv", ("id",), CONFIRMED_ALL, recorded=missing)


def test_write_report__member_in_no_batch__already_served(tmp_path, report):
    batches = [
        BatchRecord("p", 0, "0xb0", 1, 2, CONFIRMED, first_token_id=1_000_001, exec_tx_hash="0xaa")
    ]

    path = report(tmp_path / "report.csv", ("id",), batches)

    assert read_rows(path)[1:] == [
        ["M0", "", "", "already served"],
        ["M1", "1000001", "1", "0xaa"],
        ["M2", "1000002", "2", "0xaa"],
    ]


def test_write_report__disk_full__write_failed_and_no_file(tmp_path, report, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    path = tmp_path / "report.csv"

    with pytest.raises(
        WriteFailed, match=f"cannot write the airdrop report {path}: the disk is full"
    ):
        report(path, ("id",), CONFIRMED_ALL)

    assert list(tmp_path.glob("report.csv*")) == []


@pytest.fixture
def full_disk(tiny_disk):
    """The 64 KiB tmpfs filled to the last byte."""
    try:
        with open(tiny_disk / "filler", "wb") as handle:
            while True:
                handle.write(b"\0" * 4096)
                handle.flush()
    except OSError:
        pass
    return tiny_disk


def test_write_report__real_full_disk__write_failed_and_no_file(full_disk, report):
    path = full_disk / "report.csv"

    with pytest.raises(WriteFailed, match="the disk is full"):
        report(path, ("id",), CONFIRMED_ALL)

    assert sorted(p.name for p in full_disk.iterdir()) == ["filler"]
