"""The airdrop report CSV: member columns then token, serial and transaction; written whole or not at all."""

import csv

import pytest

from collectibles.chain.airdrop.records import CONFIRMED, SENT, BatchRecord, MemberRecord
from collectibles.chain.airdrop.report import write_report

MEMBERS = [f"0x{0xA000 + i:040x}" for i in range(25)]


def read_rows(path):
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def members():
    """Three recorded members with an id column and their address."""
    return [
        MemberRecord(i, i + 2, a, {"id": f"M{i}", "address": a}) for i, a in enumerate(MEMBERS[:3])
    ]


def test_write_report__member_columns_then_token_serial_tx(tmp_path, members):
    batches = [
        BatchRecord("p", 0, "0xb0", 0, 2, CONFIRMED, first_token_id=1_000_005, exec_tx_hash="0xaa"),
        BatchRecord("p", 1, "0xb1", 2, 1, CONFIRMED, first_token_id=1_000_004, exec_tx_hash="0xbb"),
    ]

    path = write_report(tmp_path / "out" / "report.csv", ("id", "address"), members, batches)

    assert read_rows(path) == [
        ["id", "address", "token_id", "serial", "tx_hash"],
        ["M0", MEMBERS[0], "1000005", "5", "0xaa"],
        ["M1", MEMBERS[1], "1000006", "6", "0xaa"],
        ["M2", MEMBERS[2], "1000004", "4", "0xbb"],
    ]
    assert not (tmp_path / "out" / "report.csv.partial").exists()


def test_write_report__no_executing_tx_recorded__signed_tx_hash_instead(tmp_path, members):
    batches = [
        BatchRecord("p", 0, "0xb0", 0, 3, CONFIRMED, tx_hash="0xsigned", first_token_id=2_000_001)
    ]

    path = write_report(tmp_path / "report.csv", ("id",), members, batches)

    assert [row[-1] for row in read_rows(path)[1:]] == ["0xsigned"] * 3


def test_write_report__unconfirmed_batch__value_error_and_no_file(tmp_path, members):
    batches = [BatchRecord("p", 0, "0xb0", 0, 3, SENT, tx_hash="0xaa")]

    with pytest.raises(ValueError, match="batch 0 of plan p is not confirmed"):
        write_report(tmp_path / "report.csv", ("id",), members, batches)

    assert not (tmp_path / "report.csv").exists()


def test_write_report__existing_report__replaced(tmp_path, members):
    path = tmp_path / "report.csv"
    path.write_text("stale\n")
    batches = [BatchRecord("p", 0, "0xb0", 0, 3, CONFIRMED, first_token_id=3_000_001)]

    write_report(path, ("id",), members, batches)

    assert [row[0] for row in read_rows(path)] == ["id", "M0", "M1", "M2"]
