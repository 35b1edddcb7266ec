"""``ape run claims``: build the tree of a member CSV, set its root, claim with a proof."""

import json
from pathlib import Path

import pytest

from collectibles.domain.claim_tree import load_claims
from scripts.claims import cli
from scripts.series import cli as series_cli

MEMBERS = Path(__file__).resolve().parents[1] / "data" / "claim_members.csv"
FAN = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"  # TEST::3


@pytest.fixture
def court(invoke, deployed):
    result = invoke(series_cli, "--account", "TEST::0", "--name", "Court", "--max-supply", 200)
    assert result.exit_code == 0, result.output
    return 1


@pytest.fixture
def out_dir(tmp_path):
    return tmp_path / "claims"


def test_claims_build__writes_tree_root_and_proofs(invoke, last_json, out_dir):
    result = invoke(cli, "build", "--members", MEMBERS, "--out", out_dir, "--json")
    assert result.exit_code == 0, result.output
    out = last_json(result)
    claims = load_claims(out_dir)
    assert out["root"] == "0x" + claims.root.hex() == (out_dir / "root.txt").read_text().strip()
    assert out["members"] == 3
    proofs = json.loads((out_dir / "proofs.json").read_text())["proofs"]
    assert set(proofs) == {
        FAN,
        "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
        "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
    }


def test_claims_build__bad_csv__lists_problems(invoke, tmp_path, out_dir):
    bad = tmp_path / "bad.csv"
    bad.write_text("address\n0x1234\n")
    result = invoke(cli, "build", "--members", bad, "--out", out_dir)
    assert result.exit_code == 1
    assert "row 2" in result.output
    assert "is not an address" in result.output
    assert not out_dir.exists()


def test_claims_setup_then_claim__json_and_rerun(
    invoke, last_json, deployed, court, out_dir, accounts
):
    setup = invoke(
        cli,
        "setup",
        "--account",
        "TEST::0",
        "--series",
        court,
        "--members",
        MEMBERS,
        "--out",
        out_dir,
        "--json",
    )
    assert setup.exit_code == 0, setup.output
    assert last_json(setup)["changed"] is True
    assert "0x" + bytes(deployed.series(court).merkleRoot).hex() == last_json(setup)["root"]

    nonce = accounts[0].nonce
    again = invoke(
        cli, "setup", "--account", "TEST::0", "--series", court, "--out", out_dir, "--json"
    )
    assert again.exit_code == 0, again.output
    assert last_json(again)["changed"] is False
    assert accounts[0].nonce == nonce

    claim = invoke(
        cli,
        "claim",
        "--account",
        "TEST::5",
        "--series",
        court,
        "--member",
        FAN,
        "--out",
        out_dir,
        "--json",
    )
    assert claim.exit_code == 0, claim.output
    assert last_json(claim)["token_id"] == 1_000_001
    assert deployed.ownerOf(1_000_001) == FAN

    nonce = accounts[5].nonce
    rerun = invoke(
        cli,
        "claim",
        "--account",
        "TEST::5",
        "--series",
        court,
        "--member",
        FAN,
        "--out",
        out_dir,
        "--json",
    )
    assert rerun.exit_code == 0, rerun.output
    assert last_json(rerun)["claimed"] is False
    assert accounts[5].nonce == nonce


def test_claims_claim__not_a_member__refused_nothing_sent(
    invoke, deployed, court, out_dir, accounts
):
    invoke(
        cli,
        "setup",
        "--account",
        "TEST::0",
        "--series",
        court,
        "--members",
        MEMBERS,
        "--out",
        out_dir,
    )
    nonce = accounts[5].nonce
    result = invoke(
        cli,
        "claim",
        "--account",
        "TEST::5",
        "--series",
        court,
        "--member",
        accounts[8].address,
        "--out",
        out_dir,
    )
    assert result.exit_code == 1
    assert f"{accounts[8].address} is not in the claim tree" in result.output
    assert accounts[5].nonce == nonce


def test_claims_claim__root_not_set__refused_nothing_sent(
    invoke, deployed, court, out_dir, accounts
):
    invoke(cli, "build", "--members", MEMBERS, "--out", out_dir)
    nonce = accounts[5].nonce
    result = invoke(
        cli, "claim", "--account", "TEST::5", "--series", court, "--member", FAN, "--out", out_dir
    )
    assert result.exit_code == 1
    assert "its root is not series 1's root on chain" in result.output
    assert accounts[5].nonce == nonce


def test_claims_setup__not_minter__refused_nothing_sent(invoke, deployed, court, out_dir, accounts):
    nonce = accounts[6].nonce
    result = invoke(
        cli,
        "setup",
        "--account",
        "TEST::6",
        "--series",
        court,
        "--members",
        MEMBERS,
        "--out",
        out_dir,
    )
    assert result.exit_code == 1
    assert "lacks MINTER_ROLE" in result.output
    assert accounts[6].nonce == nonce


def test_claims_claim__no_tree__points_to_build(invoke, deployed, court, out_dir):
    result = invoke(
        cli, "claim", "--account", "TEST::5", "--series", court, "--member", FAN, "--out", out_dir
    )
    assert result.exit_code == 1
    assert "run `claims build` first" in result.output
