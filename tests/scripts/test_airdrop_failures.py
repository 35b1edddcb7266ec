"""``ape run airdrop`` when things go wrong: every failure is one clear line and a non-zero exit (with
``--json``, a JSON ``error``/``kind`` object as the last stdout line), never a traceback, and nothing is sent
that the journal does not know; the same command then finishes the airdrop exactly once."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from collectibles.chain.airdrop.journal import Journal
from collectibles.domain import faults
from scripts._cli import NO_ACCOUNT
from scripts.airdrop import cli

ROOT = Path(__file__).resolve().parents[2]
APE = Path(sys.executable).parent / "ape"


def member_address(i):
    return "0x" + f"{0xFA11E000 + i:040x}"


@pytest.fixture
def write_members(tmp_path):
    def write(addresses, name="members.csv"):
        path = tmp_path / name
        path.write_text(
            "address,email\n" + "".join(f"{a},m{i}@example.org\n" for i, a in enumerate(addresses))
        )
        return path

    return write


@pytest.fixture
def journal_path(tmp_path):
    return tmp_path / "airdrops" / "journal.sqlite"


@pytest.fixture
def airdrop(chain, collectible, journal_path):
    """Returns a runner: ``ape run airdrop`` as the minter with a private journal; stdout and stderr apart."""

    def run(series, members, *extra, account="TEST::1", journal=journal_path):
        args = ["--contract", collectible.address, "--series", series, "--members", members]
        args += ["--journal", journal, *extra]
        if account:
            args = ["--account", account, *args]
        return CliRunner(mix_stderr=False).invoke(
            cli, [str(a) for a in args], catch_exceptions=False, obj={"provider": chain.provider}
        )

    return run


def assert_one_clear_line(result, *words):
    """Exit non-zero, no traceback, and the error is one ``Error:`` line naming ``words``."""
    assert result.exit_code != 0, result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


def last_json(result):
    return json.loads(result.stdout.strip().splitlines()[-1])


def fail_at(monkeypatch, point, action, nth=1):
    """At the ``nth`` hit of crash point ``point``, run ``action()`` (which may raise)."""
    hits = {"n": 0}

    def hook(name):
        if name == point:
            hits["n"] += 1
            if hits["n"] == nth:
                action()

    monkeypatch.setattr(faults, "crash_point", hook)


def holds_one_each(collectible, addresses):
    return [collectible.balanceOf(a) for a in addresses] == [1] * len(addresses)


# ------------------------------------------------------------------ refused before anything is sent


def test_airdrop__bad_member_file_with_json__error_object_is_last_stdout_line(
    airdrop, tmp_path, minter, free_series
):
    path = tmp_path / "bad.csv"
    path.write_text("address\n0x1234\n")
    nonce = minter.nonce

    result = airdrop(free_series, path, "--json")

    assert_one_clear_line(result, "1 problem, nothing was sent")
    out = last_json(result)
    assert out["kind"] == "InvalidMemberFile"
    assert "row 2: '0x1234' is not an address" in out["error"]
    assert minter.nonce == nonce


def test_airdrop__no_account_and_no_terminal__a_real_sentence(airdrop, write_members, free_series):
    result = airdrop(free_series, write_members([member_address(1)]), "--json", account=None)

    line = assert_one_clear_line(result, "no account to sign with", "--account")
    assert "{" not in line
    assert last_json(result) == {"error": NO_ACCOUNT, "kind": "UsageError"}


def test_airdrop__second_run_while_the_first_holds_the_journal__refused(
    airdrop, write_members, minter, free_series, journal_path
):
    nonce = minter.nonce

    with Journal(journal_path):  # the first run, still going
        result = airdrop(free_series, write_members([member_address(1)]), "--json")

    assert_one_clear_line(result, "another airdrop process is using", str(journal_path))
    assert last_json(result)["kind"] == "JournalBusy"
    assert minter.nonce == nonce


def test_airdrop__read_only_journal_folder__refused_nothing_sent(
    airdrop, write_members, minter, free_series, tiny_disk
):
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    nonce = minter.nonce

    result = airdrop(
        free_series, write_members([member_address(1)]), "--json", journal=tiny_disk / "j.sqlite"
    )

    assert_one_clear_line(result, "cannot write the airdrop journal", "read-only")
    assert last_json(result)["kind"] == "WriteFailed"
    assert minter.nonce == nonce


def test_airdrop__disk_full_while_planning__refused_nothing_sent(
    airdrop, write_members, minter, create_series, tiny_disk
):
    members = write_members([member_address(i) for i in range(3000)])
    big = create_series(name="Big", max_supply=5000)
    nonce = minter.nonce

    result = airdrop(big, members, "--batch-size", 100, journal=tiny_disk / "j.sqlite")

    assert_one_clear_line(result, "cannot write the airdrop journal", "the disk is full")
    assert minter.nonce == nonce


# ------------------------------------------------------------------ failing mid-run, then resumed


def test_airdrop__disk_full_while_signing__one_line_then_resumed_exactly_once(
    airdrop, write_members, collectible, free_series, tiny_disk, monkeypatch
):
    addresses = [member_address(100 + i) for i in range(6)]
    members = write_members(addresses)
    journal = tiny_disk / "j.sqlite"
    filler = tiny_disk / "filler"

    def fill_the_disk():
        try:
            with open(filler, "wb") as handle:
                while True:
                    handle.write(b"\0" * 4096)
                    handle.flush()
        except OSError:  # full: what the journal's next write meets
            pass

    fail_at(monkeypatch, "after_sign", fill_the_disk)
    full = airdrop(free_series, members, "--batch-size", 2, journal=journal)

    assert_one_clear_line(full, "cannot write the airdrop journal", "the disk is full")
    filler.unlink()
    monkeypatch.setattr(faults, "crash_point", lambda name: None)
    again = airdrop(free_series, members, "--batch-size", 2, "--json", journal=journal)
    assert again.exit_code == 0, again.stdout + again.stderr
    assert last_json(again)["status"] == "done"
    assert holds_one_each(collectible, addresses)


def test_airdrop__chain_dies_after_a_send__one_line_then_resumed_exactly_once(
    airdrop, write_members, collectible, free_series, monkeypatch
):
    addresses = [member_address(200 + i) for i in range(5)]
    members = write_members(addresses)

    def die():
        raise requests.exceptions.ConnectionError("Connection refused: 127.0.0.1:8545")

    fail_at(monkeypatch, "after_send", die)
    dead = airdrop(free_series, members, "--batch-size", 2, "--json")

    assert_one_clear_line(dead, "the chain's node cannot be reached", "rerun the same command")
    assert last_json(dead)["kind"] == "ChainUnreachable"
    monkeypatch.setattr(faults, "crash_point", lambda name: None)
    again = airdrop(free_series, members, "--batch-size", 2, "--json")
    assert again.exit_code == 0, again.stdout + again.stderr
    assert holds_one_each(collectible, addresses)


def test_airdrop__paused_while_signing__one_line_then_resumed_after_unpause(
    airdrop, write_members, collectible, free_series, admin, monkeypatch
):
    addresses = [member_address(300 + i) for i in range(6)]
    members = write_members(addresses)
    fail_at(monkeypatch, "after_sign", lambda: collectible.pause(sender=admin))

    paused = airdrop(free_series, members, "--batch-size", 2, "--json")

    assert_one_clear_line(paused, "EnforcedPause")
    collectible.unpause(sender=admin)
    monkeypatch.setattr(faults, "crash_point", lambda name: None)
    again = airdrop(free_series, members, "--batch-size", 2, "--json")
    assert again.exit_code == 0, again.stdout + again.stderr
    assert holds_one_each(collectible, addresses)


def test_airdrop__report_disk_full__one_line_then_rerun_writes_it(
    airdrop, write_members, collectible, free_series, monkeypatch, tmp_path
):
    import errno
    import os

    addresses = [member_address(400 + i) for i in range(3)]
    members = write_members(addresses)
    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    report = tmp_path / "report.csv"
    failed = airdrop(free_series, members, "--report", report, "--json")

    assert_one_clear_line(failed, "cannot write the airdrop report", "the disk is full")
    assert not report.exists()
    monkeypatch.setattr(os, "fsync", real_fsync)
    again = airdrop(free_series, members, "--report", report, "--json")
    assert again.exit_code == 0, again.stdout + again.stderr
    assert last_json(again)["status"] == "done"
    assert "m0@example.org" in report.read_text()
    assert holds_one_each(collectible, addresses)


# ------------------------------------------------------------------ the node is not there at all


def test_airdrop__dead_rpc__one_line_exit_1_json_last(tmp_path, write_members):
    from utils.chains import free_port

    members = write_members([member_address(1)])
    url = f"http://127.0.0.1:{free_port()}"
    command = [APE, "run", "airdrop", "--account", "TEST::1", "--series", 1,
               "--members", members, "--journal", tmp_path / "j.sqlite", "--json", "--network", url]  # fmt: skip

    done = subprocess.run(
        [str(c) for c in command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode != 0
    assert "Traceback" not in done.stdout + done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(out) == {"error", "kind"}
    assert (
        url.split("//")[1] in out["error"] or "reach" in out["error"] or "connect" in out["error"]
    )


def block_gas_limit(chain, limit):
    """Set the test chain's block gas limit (a block mined to apply it); yields it, then restores the old one."""
    provider = chain.provider
    before = provider.web3.eth.get_block("latest")["gasLimit"]
    provider.make_request("evm_setBlockGasLimit", [hex(limit)])
    provider.make_request("evm_mine", [])
    yield limit
    provider.make_request("evm_setBlockGasLimit", [hex(before)])
    provider.make_request("evm_mine", [])


@pytest.fixture
def small_blocks(chain):
    """Blocks of 5M gas."""
    yield from block_gas_limit(chain, 5_000_000)


def test_airdrop__batch_too_big_for_the_block__one_line_names_a_size_that_fits(
    airdrop, write_members, minter, free_series, small_blocks, journal_path
):
    members = write_members([member_address(500 + i) for i in range(120)])
    nonce = minter.nonce

    result = airdrop(free_series, members, "--batch-size", 120, "--json")

    assert_one_clear_line(result, "more than the block gas limit of 5,000,000", "--batch-size 51")
    assert last_json(result)["kind"] == "AirdropNotPossible"
    assert minter.nonce == nonce
    with Journal(journal_path) as journal:
        assert journal.open_plan() is None


@pytest.fixture
def mainnet_blocks(chain):
    """Blocks of mainnet's 60M gas."""
    yield from block_gas_limit(chain, 60_000_000)


def test_airdrop__batch_over_the_per_transaction_cap__one_line_names_the_cap(
    airdrop, write_members, minter, free_series, mainnet_blocks, journal_path
):
    members = write_members([member_address(900 + i) for i in range(400)])
    nonce = minter.nonce

    result = airdrop(free_series, members, "--batch-size", 400, "--json")

    assert_one_clear_line(
        result, "more than EIP-7825's per-transaction gas cap of 16,777,216", "--batch-size 337"
    )
    assert last_json(result)["kind"] == "AirdropNotPossible"
    assert minter.nonce == nonce
    with Journal(journal_path) as journal:
        assert journal.open_plan() is None


def test_airdrop__member_file_edited_mid_run__no_report_then_restored_and_finished(
    airdrop, write_members, collectible, free_series, monkeypatch, tmp_path
):
    addresses = [member_address(600 + i) for i in range(4)]
    members = write_members(addresses)
    original = members.read_text()
    edit = lambda: members.write_text(original.replace("m1@", "changed@"))  # noqa: E731
    fail_at(monkeypatch, "after_send", edit)
    report = tmp_path / "report.csv"

    edited = airdrop(free_series, members, "--batch-size", 2, "--report", report, "--json")

    assert_one_clear_line(edited, f"member file {members} changed since the airdrop was planned")
    assert last_json(edited)["kind"] == "MemberFileChanged"
    assert not report.exists()
    members.write_text(original)
    monkeypatch.setattr(faults, "crash_point", lambda name: None)
    again = airdrop(free_series, members, "--batch-size", 2, "--report", report, "--json")
    assert again.exit_code == 0, again.stdout + again.stderr
    assert "m1@example.org" in report.read_text()
    assert holds_one_each(collectible, addresses)
