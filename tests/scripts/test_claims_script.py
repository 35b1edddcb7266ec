"""``ape run claims``: build the tree of a member CSV, set its root, claim with a proof."""

import hashlib
import json
import shutil
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


def test_claims_build__writes_tree_manifest_and_root(invoke, last_json, out_dir):
    result = invoke(cli, "build", "--members", MEMBERS, "--out", out_dir, "--json")
    assert result.exit_code == 0, result.output
    out = last_json(result)
    claims = load_claims(out_dir)
    assert out["root"] == "0x" + claims.root.hex() == (out_dir / "root.txt").read_text().strip()
    assert out["members"] == claims.members == 3
    manifest = json.loads((out_dir / "claims.json").read_text())
    assert manifest["members_file"] == str(MEMBERS)
    assert manifest["members_sha256"] == hashlib.sha256(MEMBERS.read_bytes()).hexdigest()
    dump = json.loads((out_dir / "tree.json").read_text())
    assert dump["leafEncoding"] == ["uint256", "address"]
    assert [v["value"] for v in dump["values"]] == [
        ["0", FAN],
        ["1", "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"],
        ["2", "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"],
    ]


@pytest.fixture
def edited_members(tmp_path):
    """A copy of the member file, for tests that change it after the build."""
    copy = tmp_path / "members.csv"
    shutil.copyfile(MEMBERS, copy)
    return copy


def test_claims_setup__member_file_changed_since_build__refused_nothing_sent(
    invoke, deployed, court, out_dir, accounts, edited_members
):
    built = invoke(cli, "build", "--members", edited_members, "--out", out_dir)
    assert built.exit_code == 0, built.output
    edited_members.write_text(edited_members.read_text() + f"{accounts[8].address},late\n")
    nonce = accounts[0].nonce

    for extra in ([], ["--members", edited_members]):
        result = invoke(
            cli, "setup", "--account", "TEST::0", "--series", court, "--out", out_dir, *extra
        )

        assert result.exit_code == 1
        assert f"{edited_members} changed since `claims build` wrote it" in result.output
        assert "run `claims build` again" in result.output
    assert accounts[0].nonce == nonce
    assert bytes(deployed.series(court).merkleRoot) == bytes(32)


def test_claims_claim__member_file_changed_since_build__refused_nothing_sent(
    invoke, deployed, court, out_dir, accounts, edited_members
):
    setup = invoke(
        cli, "setup", "--account", "TEST::0", "--series", court,
        "--members", edited_members, "--out", out_dir,
    )  # fmt: skip
    assert setup.exit_code == 0, setup.output
    edited_members.write_text(edited_members.read_text().replace("fan", "fan2"))
    nonce = accounts[5].nonce

    result = invoke(
        cli, "claim", "--account", "TEST::5", "--series", court, "--member", FAN, "--out", out_dir
    )

    assert result.exit_code == 1
    assert "changed since `claims build` wrote it" in result.output
    assert accounts[5].nonce == nonce
    assert deployed.isClaimed(court, 0) is False


def test_claims_claim__member_file_moved__refused_then_named_with_members(
    invoke, last_json, deployed, court, out_dir, accounts, edited_members, tmp_path
):
    setup = invoke(
        cli, "setup", "--account", "TEST::0", "--series", court,
        "--members", edited_members, "--out", out_dir,
    )  # fmt: skip
    assert setup.exit_code == 0, setup.output
    moved = edited_members.rename(tmp_path / "moved.csv")
    args = ["claim", "--account", "TEST::5", "--series", court, "--member", FAN, "--out", out_dir]

    missing = invoke(cli, *args)
    found = invoke(cli, *args, "--members", moved, "--json")

    assert missing.exit_code == 1
    assert "is missing (pass --members)" in missing.output
    assert found.exit_code == 0, found.output
    assert last_json(found)["index"] == 0


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
    assert last_json(claim)["index"] == 0
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
