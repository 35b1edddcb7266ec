"""Validation progress (issue 9, item 7): a million-row file takes seconds, so ``load_members`` reports the
rows it has read, and :func:`count_lines` gives the bar its total without parsing the file."""

import pytest

from collectibles.domain import members as members_module
from collectibles.domain.errors import InvalidMemberFile
from collectibles.domain.members import count_lines, load_members


def write(tmp_path, rows, end="\n"):
    path = tmp_path / "members.csv"
    path.write_text("address,id\n" + "\n".join(rows) + end)
    return path


def address(i):
    return f"0x{0xF00D0000 + i:040x}"


def test_load_members__progress__zero_then_every_step_then_the_rest(tmp_path, monkeypatch):
    monkeypatch.setattr(members_module, "PROGRESS_ROWS", 4)
    calls: list[int] = []

    members = load_members(
        write(tmp_path, [f"{address(i)},M{i}" for i in range(10)]), progress=calls.append
    )

    assert calls == [0, 4, 4, 2]
    assert sum(calls) == len(members.members) == 10


def test_load_members__bad_rows__progress_counts_them_and_the_error_names_them(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(members_module, "PROGRESS_ROWS", 2)
    calls: list[int] = []
    rows = [f"{address(0)},M0", "0x12,M1", f"{address(2)},M2"]

    with pytest.raises(InvalidMemberFile) as raised:
        load_members(write(tmp_path, rows), progress=calls.append)

    assert calls == [0, 2, 1]
    assert [row for row, _ in raised.value.problems] == [3]


def test_count_lines__data_lines_with_or_without_final_newline(tmp_path):
    rows = [f"{address(i)},M{i}" for i in range(5)]

    assert count_lines(write(tmp_path, rows)) == 5
    assert count_lines(write(tmp_path, rows, end="")) == 5
    assert count_lines(write(tmp_path, [], end="")) == 0
