"""collectibles.domain.raffle_files (and the snapshot file it reads): entries from a snapshot, the entries file
read back only when every row holds, and the winners file as an airdrop member file."""

import json

import pytest

from collectibles.domain.members import parse_members
from collectibles.domain.raffle import RaffleError, WeightRule, draw_winners
from collectibles.domain.raffle_files import (
    InvalidEntries,
    entries_of_snapshot,
    read_entries,
    read_winner_accounts,
    write_entries,
    write_winners,
)
from collectibles.domain.snapshot import (
    Holding,
    InvalidSnapshot,
    Ownership,
    SnapshotHeader,
    read_snapshot,
    write_snapshot,
)

HEADER = SnapshotHeader(31337, "0x" + "ab" * 20, 1, 40, "0x" + "cd" * 32)
HOLDERS = [
    Holding("0x" + "01" * 20, (1_000_001,)),
    Holding("0x" + "02" * 20, (1_000_002, 1_000_003, 1_000_004)),
    Holding("0x" + "03" * 20, (1_000_005, 1_000_006)),
]
RANDOMNESS = bytes(range(32))


@pytest.fixture
def snapshot(tmp_path):
    path = tmp_path / "snapshot.jsonl"
    write_snapshot(path, HEADER, HOLDERS)
    return path


@pytest.fixture
def entries_file(snapshot, tmp_path):
    entries, header = entries_of_snapshot(snapshot, WeightRule.parse("per-badge"))
    path = tmp_path / "entries.jsonl"
    write_entries(path, header, entries)
    return path


def rewrite_line(path, number, change):
    lines = path.read_text().splitlines()
    lines[number - 1] = change(lines[number - 1])
    path.write_text("\n".join(lines) + "\n")


# ------------------------------------------------------------------ snapshot files


def test_ownership__transfers_and_a_burn__holders_sorted_by_address():
    ownership = Ownership(1, 4)
    a, b = bytes.fromhex("02" * 20), bytes.fromhex("01" * 20)
    for token, to in [(1_000_001, a), (1_000_002, a), (1_000_003, b), (1_000_002, b)]:
        ownership.transfer(token, to)
    ownership.transfer(1_000_003, bytes(20))  # burned
    ownership.transfer(2_000_001, a)  # another series

    holdings = ownership.holdings()

    assert [(h.address.lower(), h.token_ids) for h in holdings] == [
        ("0x" + "01" * 20, (1_000_002,)),
        ("0x" + "02" * 20, (1_000_001,)),
    ]
    assert ownership.owner_of(4) is None


def test_write_snapshot__holders__header_counts_them_and_reads_back(snapshot):
    read = read_snapshot(snapshot)

    assert (read.header.holders, read.header.tokens) == (3, 6)
    assert list(read.holdings()) == HOLDERS
    assert json.loads(snapshot.read_text().splitlines()[0])["format"] == "collectibles-snapshot-v1"


def test_read_snapshot__holder_lines_out_of_order__invalid_snapshot(snapshot):
    lines = snapshot.read_text().splitlines()
    snapshot.write_text("\n".join([lines[0], lines[2], lines[1], lines[3]]) + "\n")

    with pytest.raises(InvalidSnapshot, match=r"line 3: 0x\w+ is not after the line before"):
        list(read_snapshot(snapshot).holdings())


def test_read_snapshot__a_holder_removed__counts_differ_invalid_snapshot(snapshot):
    lines = snapshot.read_text().splitlines()
    snapshot.write_text("\n".join(lines[:-1]) + "\n")

    with pytest.raises(InvalidSnapshot, match="the header says 3 holders and 6 tokens"):
        list(read_snapshot(snapshot).holdings())


# ------------------------------------------------------------------ entries files


@pytest.mark.parametrize(
    ("rule", "weights"),
    [("per-badge", [1, 3, 2]), ("per-holder", [1, 1, 1]), ("capped:2", [1, 2, 2])],
)
def test_entries_of_snapshot__rule__one_entry_per_holder_weighted(snapshot, rule, weights):
    entries, header = entries_of_snapshot(snapshot, WeightRule.parse(rule))

    assert list(entries.weights) == weights
    assert (header.weight, header.entries, header.entry_count) == (rule, 3, sum(weights))
    assert header.snapshot["block_hash"] == HEADER.block_hash
    assert len(header.snapshot["sha256"]) == 64


def test_read_entries__written_file__same_entries_and_root(entries_file):
    header, entries = read_entries(entries_file)

    assert header.entries_root == "0x" + entries.root().hex()
    assert [entries.account(i).lower() for i in range(3)] == [h.address for h in HOLDERS]
    assert list(entries.weights) == [1, 3, 2]


def test_read_entries__a_weight_changed__total_differs_from_the_header(entries_file):
    rewrite_line(entries_file, 3, lambda line: line.replace(", 3]", ", 30]"))

    with pytest.raises(InvalidEntries, match="the header says 3 entries of total weight 6"):
        read_entries(entries_file)


def test_read_entries__weight_changed_and_header_count_too__root_mismatch(entries_file):
    rewrite_line(entries_file, 3, lambda line: line.replace(", 3]", ", 4]"))
    rewrite_line(entries_file, 1, lambda line: line.replace('"entry_count": 6', '"entry_count": 7'))

    with pytest.raises(InvalidEntries, match=r"its rows hash to 0x[0-9a-f]+, not the root"):
        read_entries(entries_file)


def test_read_entries__indices_not_from_zero__invalid_entries(entries_file):
    rewrite_line(entries_file, 2, lambda line: line.replace("[0,", "[7,"))

    with pytest.raises(InvalidEntries, match="line 2: entries must be numbered from 0"):
        read_entries(entries_file)


def test_read_entries__not_an_entries_file__invalid_entries(snapshot):
    with pytest.raises(InvalidEntries, match="line 1 is not a collectibles-raffle-entries-v1"):
        read_entries(snapshot)


def test_entries_of_snapshot__no_holders__refused(tmp_path):
    path = tmp_path / "empty.jsonl"
    write_snapshot(path, HEADER, [])

    with pytest.raises(RaffleError, match="has no holders"):
        entries_of_snapshot(path, WeightRule.parse("per-badge"))


# ------------------------------------------------------------------ winners files


def test_write_winners__winners__a_member_file_the_airdrop_reads_in_rank_order(
    entries_file, tmp_path
):
    _, entries = read_entries(entries_file)
    winners = draw_winners(entries, RANDOMNESS, 2)
    path = tmp_path / "winners.csv"

    write_winners(path, winners, entries)

    members = parse_members(path.read_bytes(), path)
    assert members.addresses == [w.account for w in winners]
    assert members.columns == ("address", "rank", "entry_index", "weight", "ticket")
    assert read_winner_accounts(path) == [w.account for w in winners]
