"""Crash flow: ``ape run airdrop`` killed with SIGKILL at each risky point, then rerun, mints exactly once.

The airdrop runs as a real subprocess against an Anvil started here (not Ape's test chain, whose snapshots
would hide what a crash leaves behind). ``COLLECTIBLES_CRASH_AT`` makes the process SIGKILL itself at a named
point; the rerun (the same command) must leave every member with exactly one token of the series.
"""

import csv
import json
import os
import pty
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from utils.chains import Chain
from web3 import Web3

ROOT = Path(__file__).resolve().parents[2]
APE = Path(sys.executable).parent / "ape"
MEMBERS = 30
BATCH_SIZE = 10


@pytest.fixture(scope="module")
def node():
    """A separate Anvil with the standard test mnemonic; yields ``(url, web3)``."""
    chain = Chain("anvil")
    chain.start()
    yield chain.url, Web3(Web3.HTTPProvider(chain.url))
    chain.stop()


@pytest.fixture(scope="module")
def nft(node, project):
    """A Collectible deployed on the node by account 0, with MINTER_ROLE granted to account 1."""
    _, web3 = node
    contract_type = project.Collectible.contract_type
    abi = [
        item.model_dump(by_alias=True, mode="json", exclude_none=True) for item in contract_type.abi
    ]
    admin, minter = web3.eth.accounts[0], web3.eth.accounts[1]
    factory = web3.eth.contract(abi=abi, bytecode=contract_type.deployment_bytecode.bytecode)
    tx = factory.constructor("Spring Festival", "SPRING", admin, 0, admin, 500).transact(
        {"from": admin}
    )
    address = web3.eth.wait_for_transaction_receipt(tx)["contractAddress"]
    contract = web3.eth.contract(address=address, abi=abi)
    wait(
        web3,
        contract.functions.grantRole(contract.functions.MINTER_ROLE().call(), minter).transact(
            {"from": admin}
        ),
    )
    return contract


def wait(web3, tx_hash):
    receipt = web3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt["status"] == 1
    return receipt


@pytest.fixture
def series(node, nft):
    """A fresh open series for each test, so tests never share minted counts."""
    _, web3 = node
    receipt = wait(
        web3,
        nft.functions.createSeries("Court", 1000, 0, 0, "ipfs://court/").transact(
            {"from": web3.eth.accounts[0]}
        ),
    )
    return nft.events.SeriesCreated().process_receipt(receipt)[0]["args"]["seriesId"]


@pytest.fixture
def members_csv(tmp_path, series):
    """30 members with addresses no other test uses, plus columns carried into the report."""
    addresses = [
        Web3.to_checksum_address(f"0x{0xBEEF000000 + series * 1000 + i:040x}")
        for i in range(MEMBERS)
    ]
    path = tmp_path / "members.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["member_id", "address", "tier"])
        writer.writerows(
            [f"M{i}", a, "gold" if i % 2 else "silver"] for i, a in enumerate(addresses)
        )
    return path, addresses


@pytest.fixture
def airdrop_command(node, nft, tmp_path):
    """Returns a builder: ``(argv, env)`` of the airdrop subprocess, optionally with a crash point."""
    url, _ = node

    def build(series_id, members_path, crash_at=None, batch_size=BATCH_SIZE, journal="journal"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("COLLECTIBLES_")}
        if crash_at:
            env["COLLECTIBLES_CRASH_AT"] = crash_at
        argv = [
            *(str(APE), "run", "airdrop", "--network", url, "--account", "TEST::1"),
            *(
                "--contract",
                nft.address,
                "--series",
                str(series_id),
                "--members",
                str(members_path),
            ),
            *(
                "--batch-size",
                str(batch_size),
                "--journal",
                str(tmp_path / f"{journal}.sqlite"),
                "--json",
            ),
        ]
        return argv, env

    return build


@pytest.fixture
def run_airdrop(airdrop_command):
    """Returns a runner: the airdrop as a subprocess (optionally with a crash point); returns the process."""

    def run(series_id, members_path, crash_at=None, **options):
        argv, env = airdrop_command(series_id, members_path, crash_at, **options)
        return subprocess.run(
            argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
        )

    return run


def last_json(proc):
    return json.loads(proc.stdout.strip().splitlines()[-1])


def assert_exactly_once(nft, series_id, addresses):
    """Every member holds exactly one token, all of this series, and the series minted nothing else."""
    assert [nft.functions.balanceOf(a).call() for a in addresses] == [1] * len(addresses)
    info = nft.functions.series(series_id).call()
    assert info[4] == len(addresses)  # SeriesInfo.minted
    owners = [
        nft.functions.ownerOf(series_id * 1_000_000 + s).call()
        for s in range(1, len(addresses) + 1)
    ]
    assert sorted(owners) == sorted(addresses)


@pytest.mark.parametrize(
    "crash_at",
    [
        "after_sign:1",
        "after_sign:3",
        "after_send:1",
        "after_send:2",
        "before_receipt",
        "during_report",
    ],
)
def test_airdrop__killed_then_rerun__every_member_exactly_once(
    run_airdrop, nft, series, members_csv, crash_at
):
    path, addresses = members_csv

    crashed = run_airdrop(series, path, crash_at=crash_at)
    assert crashed.returncode == -signal.SIGKILL, crashed.stdout + crashed.stderr
    rerun = run_airdrop(series, path)

    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    out = last_json(rerun)
    assert (out["status"], out["resumed"], out["members"], out["batches"]) == (
        "done",
        True,
        MEMBERS,
        3,
    )
    assert_exactly_once(nft, series, addresses)
    with open(out["report_path"], newline="") as handle:
        report = list(csv.DictReader(handle))
    assert [r["address"] for r in report] == addresses
    assert sorted(int(r["serial"]) for r in report) == list(range(1, MEMBERS + 1))
    assert all(nft.functions.ownerOf(int(r["token_id"])).call() == r["address"] for r in report)


@pytest.mark.parametrize(
    ("crash_at", "batch_size"),
    [("after_send:2", 7), ("before_receipt", 30), ("after_sign:2", 4)],
)
def test_airdrop__killed_then_rerun_with_other_split_and_no_journal__every_member_exactly_once(
    tmp_path, run_airdrop, nft, series, members_csv, crash_at, batch_size
):
    """The chain, not the journal, keeps it exactly once: the rerun splits the members otherwise, from a
    file in another order, with the crashed run's journal gone."""
    path, addresses = members_csv
    crashed = run_airdrop(series, path, crash_at=crash_at)
    assert crashed.returncode == -signal.SIGKILL, crashed.stdout + crashed.stderr
    (tmp_path / "journal.sqlite").unlink()
    reordered = tmp_path / "reordered.csv"
    header, *rows = path.read_text().splitlines(keepends=True)
    reordered.write_text(header + "".join(rows[::-1]))

    rerun = run_airdrop(series, reordered, batch_size=batch_size, journal="other")

    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert last_json(rerun)["status"] == "done"
    assert_exactly_once(nft, series, addresses)
    with open(last_json(rerun)["report_path"], newline="") as handle:
        report = list(csv.DictReader(handle))
    assert sorted(r["address"] for r in report) == sorted(addresses)
    assert all(nft.functions.ownerOf(int(r["token_id"])).call() == r["address"] for r in report)


def test_airdrop__rerun_after_success__nothing_sent(node, run_airdrop, nft, series, members_csv):
    _, web3 = node
    path, addresses = members_csv
    first = run_airdrop(series, path)
    assert first.returncode == 0, first.stdout + first.stderr
    nonce = web3.eth.get_transaction_count(web3.eth.accounts[1])

    again = run_airdrop(series, path)

    assert again.returncode == 0, again.stdout + again.stderr
    assert "Nothing to do" in again.stdout
    assert last_json(again)["status"] == "already_done"
    assert web3.eth.get_transaction_count(web3.eth.accounts[1]) == nonce
    assert_exactly_once(nft, series, addresses)


def test_airdrop__nonce_used_elsewhere_after_crash__resigned_exactly_once(
    node, run_airdrop, nft, series, members_csv
):
    _, web3 = node
    path, addresses = members_csv
    crashed = run_airdrop(series, path, crash_at="after_sign:2")
    assert crashed.returncode == -signal.SIGKILL
    minter = web3.eth.accounts[1]
    wait(
        web3, web3.eth.send_transaction({"from": minter, "to": minter, "value": 0})
    )  # takes batch 0's nonce

    rerun = run_airdrop(series, path)

    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "signing it again" in rerun.stdout
    assert_exactly_once(nft, series, addresses)


def test_airdrop__killed_with_batches_unmined__rerun_rebroadcasts_exactly_once(
    node, run_airdrop, airdrop_command, nft, series, members_csv
):
    _, web3 = node
    path, addresses = members_csv
    web3.provider.make_request("evm_setAutomine", [False])
    try:
        crashed = run_airdrop(series, path, crash_at="before_receipt")
        assert crashed.returncode == -signal.SIGKILL
        assert nft.functions.series(series).call()[4] == 0  # all three batches wait in the pool

        argv, env = airdrop_command(series, path)
        with subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) as rerun:
            assert rerun.stdout is not None
            lines = []
            # The rerun rebroadcasts, then waits for receipts: mine them now.
            for line in rerun.stdout:
                lines.append(line)
                if line.startswith("batch 2: not on chain yet"):
                    web3.provider.make_request("evm_mine", [])
                    break
            lines += rerun.stdout.readlines()
            rerun.wait(timeout=120)
    finally:
        web3.provider.make_request("evm_setAutomine", [True])

    output = "".join(lines)
    assert rerun.returncode == 0, output
    assert output.count("rebroadcasting the same signed transaction") == 3
    assert_exactly_once(nft, series, addresses)


def test_airdrop__on_a_terminal__shows_progress_bar(airdrop_command, nft, series, members_csv):
    path, addresses = members_csv
    argv, env = airdrop_command(series, path)
    argv.remove("--json")  # JSON output keeps stdout machine-readable: no bar
    primary, secondary = pty.openpty()
    with subprocess.Popen(argv, cwd=ROOT, env=env, stdout=secondary, stderr=secondary) as proc:
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=120)
    os.close(primary)
    output = b"".join(chunks).decode(errors="replace")

    assert proc.returncode == 0, output
    assert "Airdrop" in output
    assert "100%" in output
    assert_exactly_once(nft, series, addresses)
