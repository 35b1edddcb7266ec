"""``ape run raffle commit|draw|verify``: a raffle among a snapshot's holders, committed and verified in process,
drawn by a separate ``ape run`` process; bad inputs as one line, exit 1 and nothing sent."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.airdrop import cli as airdrop_cli
from scripts.mint import cli as mint_cli
from scripts.raffle import cli
from scripts.series import cli as series_cli
from scripts.snapshot import cli as snapshot_cli

ROOT = Path(__file__).resolve().parents[2]
APE = Path(sys.executable).parent / "ape"


@pytest.fixture
def holders(invoke, deployed, accounts, tmp_path):
    """A snapshot of series 1: accounts[3] holds 3 badges, accounts[4] 1, accounts[5] 2."""
    result = invoke(series_cli, "--account", "TEST::0", "--name", "Badge", "--max-supply", 100)
    assert result.exit_code == 0, result.output
    for account, quantity in ((3, 3), (4, 1), (5, 2)):
        minted = invoke(
            mint_cli, "--account", "TEST::0", "--series", 1, "--to", accounts[account].address,
            "--quantity", quantity,
        )  # fmt: skip
        assert minted.exit_code == 0, minted.output
    path = tmp_path / "holders.jsonl"
    assert invoke(snapshot_cli, "--series", 1, "--out", path).exit_code == 0
    return path


@pytest.fixture
def raffle(project, accounts):
    contract = accounts[0].deploy(project.CollectibleRaffle, accounts[0])
    contract.grantRole(contract.RAFFLE_ROLE(), accounts[0], sender=accounts[0])
    return contract


@pytest.fixture
def commit(invoke, last_json, holders, raffle, tmp_path):
    """Returns a function: ``raffle commit`` of the snapshot with ``args``; returns the click result."""

    def run(*args, winners=2, weight="per-badge"):
        return invoke(
            cli, "commit", "--account", "TEST::0", "--raffle-contract", raffle.address,
            "--snapshot", holders, "--weight", weight, "--winners", winners,
            "--entries", tmp_path / "entries.jsonl", *args,
        )  # fmt: skip

    return run


def one_line_exit_1(result, message):
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


def ape_run(chain, tmp_path, *args):
    """``ape run ARGS --network <the test chain>`` in a process of its own."""
    env = {**os.environ, "COLLECTIBLES_DEPLOYMENTS": str(tmp_path / "deployments.json")}
    env["COLLECTIBLES_ENV_FILE"] = str(tmp_path / "absent.env")
    return subprocess.run(
        [str(APE), "run", *map(str, args), "--network", chain.provider.http_uri],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_raffle__commit_then_draw_in_another_process__verify_here_matches(
    invoke, last_json, commit, raffle, chain, tmp_path, holders
):
    committed = commit("--json")
    assert committed.exit_code == 0, committed.output
    summary = last_json(committed)
    seed = json.loads((tmp_path / "entries.jsonl.seed.json").read_text())["seed"]
    assert seed[2:] not in committed.output  # the secret is never printed
    assert (summary["raffle_id"], summary["entries"], summary["entry_count"]) == (1, 3, 6)
    chain.mine(2)

    drawn = ape_run(
        chain, tmp_path, "raffle", "draw", "--account", "TEST::0", "--raffle-contract",
        raffle.address, "--entries", tmp_path / "entries.jsonl", "--out", tmp_path / "winners.csv",
        "--json",
    )  # fmt: skip
    assert drawn.returncode == 0, drawn.stdout + drawn.stderr
    winners = json.loads(drawn.stdout.strip().splitlines()[-1])["winners"]

    result = invoke(
        cli, "verify", "--raffle-contract", raffle.address, "--raffle", 1,
        "--entries", tmp_path / "entries.jsonl", "--winners", tmp_path / "winners.csv",
        "--snapshot", holders, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert last_json(result)["match"] is True
    assert last_json(result)["winners"] == winners
    assert "match    entries from snapshot" in result.output
    assert "raffle 1: match" in result.output


def test_raffle__winners_file__the_limited_edition_airdropped_to_the_winners(
    invoke, commit, raffle, deployed, chain, tmp_path
):
    assert commit().exit_code == 0
    chain.mine(2)
    drawn = invoke(
        cli, "draw", "--account", "TEST::0", "--raffle-contract", raffle.address,
        "--entries", tmp_path / "entries.jsonl", "--out", tmp_path / "winners.csv",
    )  # fmt: skip
    assert drawn.exit_code == 0, drawn.output
    edition = invoke(series_cli, "--account", "TEST::0", "--name", "Limited", "--max-supply", 2)
    assert edition.exit_code == 0, edition.output

    sent = invoke(
        airdrop_cli, "--account", "TEST::0", "--series", 2, "--members", tmp_path / "winners.csv",
        "--journal", tmp_path / "journal.sqlite", "--report", tmp_path / "report.csv",
    )  # fmt: skip

    assert sent.exit_code == 0, sent.output
    winners = [
        line.split(",")[0] for line in (tmp_path / "winners.csv").read_text().splitlines()[1:]
    ]
    assert sorted(deployed.ownerOf(2_000_000 + serial) for serial in (1, 2)) == sorted(winners)


def test_raffle_verify__entries_file_of_other_weights__mismatch_exit_1(
    invoke, last_json, commit, raffle, chain, tmp_path, holders
):
    assert commit().exit_code == 0
    chain.mine(2)
    drawn = invoke(
        cli, "draw", "--account", "TEST::0", "--raffle-contract", raffle.address,
        "--entries", tmp_path / "entries.jsonl", "--out", tmp_path / "winners.csv",
    )  # fmt: skip
    assert drawn.exit_code == 0, drawn.output
    other = invoke(  # the same snapshot per holder, written where a tamperer would publish it
        cli, "commit", "--account", "TEST::0", "--raffle-contract", raffle.address,
        "--snapshot", holders, "--weight", "per-holder", "--winners", 2,
        "--entries", tmp_path / "other.jsonl",
    )  # fmt: skip
    assert other.exit_code == 0, other.output

    result = invoke(
        cli, "verify", "--raffle-contract", raffle.address, "--raffle", 1,
        "--entries", tmp_path / "other.jsonl", "--json",
    )  # fmt: skip

    assert result.exit_code == 1
    assert "MISMATCH entries root" in result.output
    assert "raffle 1: mismatch" in result.output
    assert "entries root" in last_json(result)["mismatched"]


def test_raffle_draw__right_after_commit__one_line_exit_1_nothing_sent(
    invoke, commit, raffle, accounts, tmp_path
):
    assert commit().exit_code == 0
    nonce = accounts[0].nonce

    result = invoke(
        cli, "draw", "--account", "TEST::0", "--raffle-contract", raffle.address,
        "--entries", tmp_path / "entries.jsonl", "--out", tmp_path / "winners.csv",
    )  # fmt: skip

    one_line_exit_1(result, "cannot be drawn before block")
    assert accounts[0].nonce == nonce


def test_raffle_draw__past_the_deadline__one_line_exit_1_nothing_sent(
    invoke, commit, raffle, accounts, chain, tmp_path
):
    assert commit("--window", 3).exit_code == 0
    chain.mine(4)
    nonce = accounts[0].nonce

    result = invoke(
        cli, "draw", "--account", "TEST::0", "--raffle-contract", raffle.address,
        "--entries", tmp_path / "entries.jsonl", "--out", tmp_path / "winners.csv",
    )  # fmt: skip

    one_line_exit_1(result, "it can no longer be drawn")
    assert accounts[0].nonce == nonce


def test_raffle_commit__more_winners_than_holders__one_line_exit_1_nothing_sent(commit, accounts):
    nonce = accounts[0].nonce

    one_line_exit_1(commit(winners=4), "4 winners asked for, but the raffle has only 3")
    assert accounts[0].nonce == nonce


def test_raffle_commit__unknown_weight_rule__one_line_exit_1(commit):
    one_line_exit_1(commit(weight="per-token"), "unknown weight rule 'per-token'")


def test_raffle_commit__account_without_raffle_role__one_line_exit_1(
    invoke, holders, raffle, tmp_path
):
    result = invoke(
        cli, "commit", "--account", "TEST::6", "--raffle-contract", raffle.address,
        "--snapshot", holders, "--weight", "per-badge", "--winners", 1,
        "--entries", tmp_path / "entries.jsonl",
    )  # fmt: skip

    one_line_exit_1(result, "lacks RAFFLE_ROLE")


def test_raffle_verify__never_committed__one_line_exit_1(invoke, raffle, holders, tmp_path):
    result = invoke(
        cli, "verify", "--raffle-contract", raffle.address, "--raffle", 5,
        "--entries", tmp_path / "entries.jsonl",
    )  # fmt: skip

    one_line_exit_1(result, "raffle 5 was never committed")


def test_raffle_commit__no_raffle_contract_option__the_registry_s_collectible_raffle(
    invoke, last_json, holders, raffle, chain, registry_path, tmp_path
):
    from collectibles.chain.deployment import chain_identity
    from collectibles.chain.registry import Deployment, Registry

    ident = chain_identity(chain.provider)
    registry = Registry.load(registry_path)
    registry.record(
        ident.chain_id, ident.genesis_hash, "CollectibleRaffle", Deployment(raffle.address)
    )
    registry.save()

    result = invoke(
        cli, "commit", "--account", "TEST::0", "--snapshot", holders, "--weight", "per-holder",
        "--winners", 1, "--entries", tmp_path / "entries.jsonl", "--json",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert last_json(result)["raffle_contract"] == raffle.address


def test_raffle_commit__no_raffle_contract_anywhere__one_line_exit_1(invoke, holders, tmp_path):
    result = invoke(
        cli, "commit", "--account", "TEST::0", "--snapshot", holders, "--weight", "per-holder",
        "--winners", 1, "--entries", tmp_path / "entries.jsonl",
    )  # fmt: skip

    one_line_exit_1(result, "no CollectibleRaffle recorded for chain 31337")
