"""``ape run airdrop``: validate the member file, plan, send every batch once, resume, report."""

import csv

import pytest

from collectibles.chain.airdrop.modes import ArrayMode
from collectibles.domain import faults
from collectibles.domain.tokens import token_id
from scripts.airdrop import cli


def member_address(i):
    """A distinct, valid, all-lowercase address per index (no key needed to receive a token)."""
    return "0x" + f"{0xA11CE000 + i:040x}"


@pytest.fixture
def write_members(tmp_path):
    """Returns a builder: writes a member CSV (address, member_id, tier) and returns its path."""

    def write(addresses, name="members.csv"):
        path = tmp_path / name
        lines = ["address,member_id,tier"] + [
            f"{a},M{i:03},gold" for i, a in enumerate(addresses, start=1)
        ]
        path.write_text("\n".join(lines) + "\n")
        return path

    return write


@pytest.fixture
def airdrop(runner, chain, collectible, tmp_path):
    """Returns a runner: ``ape run airdrop`` as the minter (TEST::1) with a private journal.

    The test's own provider is handed to the command (``obj``), so it runs on the test chain rather than
    starting a chain of its own.
    """

    def run(series, members, *extra, account="TEST::1"):
        args = [
            "--account",
            account,
            "--contract",
            collectible.address,
            "--series",
            series,
            "--members",
            members,
            "--journal",
            tmp_path / "journal.sqlite",
            *extra,
        ]
        return runner.invoke(
            cli, [str(a) for a in args], catch_exceptions=False, obj={"provider": chain.provider}
        )

    return run


def read_report(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


class Crash(BaseException):
    """Stands in for SIGKILL at a crash point, in-process: a BaseException, so that no error report catches
    it (the scripts turn every Exception into one line and exit code 1)."""


@pytest.fixture
def crash_at(monkeypatch):
    """Returns a function: make the airdrop raise :class:`Crash` the n-th time it reaches ``point``."""

    def arm(point, nth=1):
        hits = {"n": 0}

        def fake(name):
            if name == point:
                hits["n"] += 1
                if hits["n"] == nth:
                    raise Crash(point)

        monkeypatch.setattr(faults, "crash_point", fake)

    def disarm():
        monkeypatch.setattr(faults, "crash_point", lambda name: None)

    arm.disarm = disarm
    return arm


def assert_each_holds_one(collectible, series, addresses):
    assert [collectible.balanceOf(a) for a in addresses] == [1] * len(addresses)
    assert collectible.series(series).minted == len(addresses)


# ------------------------------------------------------------------ happy path


def test_airdrop__seven_members__one_token_each_in_order_with_report(
    airdrop, write_members, last_json, collectible, free_series, minter
):
    addresses = [member_address(i) for i in range(7)]

    result = airdrop(free_series, write_members(addresses), "--batch-size", 3, "--json")

    assert result.exit_code == 0, result.output
    out = last_json(result)
    assert (out["status"], out["members"], out["batches"]) == ("done", 7, 3)
    assert len(set(out["tx_hashes"])) == 3
    assert out["gas_used"] > 7 * 40_000
    tokens = [token_id(free_series, serial) for serial in range(1, 8)]
    assert [collectible.ownerOf(t).lower() for t in tokens] == addresses
    rows = read_report(out["report_path"])
    assert [(r["address"], r["member_id"], r["tier"]) for r in rows] == [
        (a, f"M{i:03}", "gold") for i, a in enumerate(addresses, start=1)
    ]
    assert [int(r["token_id"]) for r in rows] == tokens
    assert [int(r["serial"]) for r in rows] == list(range(1, 8))
    assert [r["tx_hash"] for r in rows] == [out["tx_hashes"][i // 3] for i in range(7)]


def test_airdrop__rerun_after_success__nothing_sent(
    airdrop, write_members, last_json, minter, free_series
):
    members = write_members([member_address(i) for i in range(4)])
    first = airdrop(free_series, members, "--json")
    nonce = minter.nonce

    again = airdrop(free_series, members, "--json")

    assert again.exit_code == 0, again.output
    assert "Nothing to do" in again.output
    assert last_json(again)["status"] == "already_done"
    assert last_json(again)["tx_hashes"] == last_json(first)["tx_hashes"]
    assert minter.nonce == nonce


def test_airdrop__rerun_after_block_gas_limit_change__still_nothing_sent(
    airdrop, write_members, last_json, minter, free_series, monkeypatch
):
    members = write_members([member_address(i) for i in range(4)])
    first = airdrop(free_series, members, "--json")
    monkeypatch.setattr(ArrayMode, "max_batch_size", lambda mode, gas_limit: 3)
    nonce = minter.nonce

    again = airdrop(free_series, members, "--json")

    assert again.exit_code == 0, again.output
    assert last_json(again)["status"] == "already_done"
    assert last_json(again)["plan_id"] == last_json(first)["plan_id"]
    assert minter.nonce == nonce


def test_airdrop__dry_run__prints_plan_and_sends_nothing(
    airdrop, write_members, last_json, minter, free_series
):
    nonce = minter.nonce

    result = airdrop(
        free_series,
        write_members([member_address(i) for i in range(25)]),
        "--batch-size",
        10,
        "--dry-run",
        "--json",
    )

    assert result.exit_code == 0, result.output
    assert "Batches: 3 of up to 10" in result.output
    assert "the chain allows it" in result.output
    out = last_json(result)
    assert (out["members"], out["batches"], out["allowed"]) == (25, 3, True)
    assert out["estimated_gas"] == 3 * 60_000 + 25 * 47_000
    assert minter.nonce == nonce


def test_airdrop__duplicates__merged_and_reported(
    airdrop, write_members, last_json, collectible, free_series
):
    a, b = member_address(1), member_address(2)

    result = airdrop(free_series, write_members([a, b, a.upper().replace("0X", "0x")]), "--json")

    assert result.exit_code == 0, result.output
    assert "row 4:" in result.output
    assert "repeats row 2, merged" in result.output
    assert last_json(result)["members"] == 2
    assert [collectible.balanceOf(x) for x in (a, b)] == [1, 1]


def test_airdrop__keep_duplicates__repeated_member_gets_two(
    airdrop, write_members, last_json, collectible, free_series
):
    a, b = member_address(1), member_address(2)

    result = airdrop(free_series, write_members([a, b, a]), "--keep-duplicates", "--json")

    assert result.exit_code == 0, result.output
    assert last_json(result)["members"] == 3
    assert [collectible.balanceOf(x) for x in (a, b)] == [2, 1]


# ------------------------------------------------------------------ refused before sending


def test_airdrop__invalid_rows__every_problem_with_row_nothing_sent(
    airdrop, tmp_path, minter, free_series
):
    path = tmp_path / "bad.csv"
    path.write_text(
        "address,member_id\n"
        f"{member_address(1)},M1\n"
        "0x1234,M2\n"
        "0x0000000000000000000000000000000000000000,M3\n"
        ",\n"
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD,M5\n"
    )
    nonce = minter.nonce

    result = airdrop(free_series, path)

    assert result.exit_code != 0
    assert "4 problems, nothing was sent" in result.output
    assert "row 3: '0x1234' is not an address" in result.output
    assert "row 4: the zero address" in result.output
    assert "row 5: empty row" in result.output
    assert (
        "row 6: 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD has a wrong EIP-55 checksum"
        in result.output
    )
    assert minter.nonce == nonce


def test_airdrop__not_a_csv__clear_error_nothing_sent(airdrop, tmp_path, minter, free_series):
    path = tmp_path / "members.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe")
    nonce = minter.nonce

    result = airdrop(free_series, path)

    assert result.exit_code != 0
    assert "not a CSV text file" in result.output
    assert minter.nonce == nonce


def test_airdrop__over_series_cap__refused_nothing_sent(
    airdrop, write_members, create_series, minter, tmp_path
):
    small = create_series(name="Tiny", max_supply=3)
    nonce = minter.nonce

    result = airdrop(small, write_members([member_address(i) for i in range(4)]))

    assert result.exit_code != 0
    assert f"series {small} can mint 3 more tokens, the airdrop needs 4" in result.output
    assert minter.nonce == nonce


def test_airdrop__sender_without_minter_role__refused_nothing_sent(
    airdrop, write_members, stranger, free_series
):
    nonce = stranger.nonce

    result = airdrop(free_series, write_members([member_address(1)]), account="TEST::6")

    assert result.exit_code != 0
    assert "AccessControlUnauthorizedAccount" in result.output
    assert stranger.nonce == nonce


def test_airdrop__member_file_changed_under_half_done_run__refused(
    airdrop, write_members, collectible, minter, free_series, tmp_path, crash_at
):
    original = write_members([member_address(i) for i in range(6)])
    crash_at("after_sign", 1)
    with pytest.raises(Crash):
        airdrop(free_series, original, "--batch-size", 2)
    changed = write_members([member_address(i) for i in range(7)], name="changed.csv")
    nonce = minter.nonce

    result = airdrop(free_series, changed, "--batch-size", 2)

    assert result.exit_code != 0
    assert "an unfinished airdrop" in result.output
    assert "member file" in result.output
    assert "rerun it with the original input" in result.output
    assert minter.nonce == nonce


# ------------------------------------------------------------------ resume after a crash (in-process)


@pytest.mark.parametrize(
    ("point", "nth"),
    [
        ("after_sign", 1),
        ("after_sign", 3),
        ("after_send", 1),
        ("after_send", 2),
        ("before_receipt", 1),
        ("during_report", 1),
    ],
)
def test_airdrop__crash_then_rerun__every_member_exactly_once(
    airdrop, write_members, last_json, collectible, free_series, crash_at, point, nth
):
    addresses = [member_address(i) for i in range(7)]
    members = write_members(addresses)
    crash_at(point, nth)
    with pytest.raises(Crash):
        airdrop(free_series, members, "--batch-size", 2)
    crash_at.disarm()

    result = airdrop(free_series, members, "--batch-size", 2, "--json")

    assert result.exit_code == 0, result.output
    out = last_json(result)
    assert (out["status"], out["resumed"], out["members"], out["batches"]) == ("done", True, 7, 4)
    assert_each_holds_one(collectible, free_series, addresses)
    assert [int(r["token_id"]) for r in read_report(out["report_path"])] == [
        token_id(free_series, s) for s in range(1, 8)
    ]


def test_airdrop__nonce_taken_by_other_tx_after_signing__resigned_once_each(
    airdrop, write_members, last_json, collectible, free_series, minter, fan, crash_at, mint_to
):
    addresses = [member_address(i) for i in range(5)]
    members = write_members(addresses)
    crash_at("after_sign", 2)
    with pytest.raises(Crash):
        airdrop(free_series, members, "--batch-size", 2)
    crash_at.disarm()
    mint_to(free_series, fan)  # the minter's next nonce, which batch 0 was signed with, is now used

    result = airdrop(free_series, members, "--batch-size", 2, "--json")

    assert result.exit_code == 0, result.output
    assert "was used by another transaction; signing it again" in result.output
    assert [collectible.balanceOf(a) for a in addresses] == [1] * 5
    assert collectible.series(free_series).minted == 6  # the five members and the fan's mint


def test_airdrop__journal_lost_after_success__rerun_mints_nothing(
    airdrop, write_members, last_json, collectible, free_series, tmp_path
):
    addresses = [member_address(i) for i in range(5)]
    members = write_members(addresses)
    airdrop(free_series, members, "--batch-size", 2)
    (tmp_path / "journal.sqlite").unlink()

    result = airdrop(free_series, members, "--batch-size", 2, "--json")

    assert result.exit_code == 0, result.output
    assert "already executed on chain, recorded" in result.output
    assert_each_holds_one(collectible, free_series, addresses)


def test_airdrop__paused_after_half_done_run__refused_then_finished_after_unpause(
    airdrop, write_members, last_json, collectible, free_series, admin, minter, crash_at
):
    addresses = [member_address(i) for i in range(6)]
    members = write_members(addresses)
    crash_at("after_send", 1)
    with pytest.raises(Crash):
        airdrop(free_series, members, "--batch-size", 2)
    crash_at.disarm()
    collectible.pause(sender=admin)
    nonce = minter.nonce

    refused = airdrop(free_series, members, "--batch-size", 2)

    assert refused.exit_code != 0
    assert "the chain would refuse this airdrop" in refused.output
    assert "EnforcedPause" in refused.output
    assert minter.nonce == nonce
    collectible.unpause(sender=admin)
    finished = airdrop(free_series, members, "--batch-size", 2, "--json")
    assert finished.exit_code == 0, finished.output
    assert last_json(finished)["status"] == "done"
    assert_each_holds_one(collectible, free_series, addresses)
