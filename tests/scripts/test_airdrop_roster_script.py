"""``ape run airdrop --roster``: each batch one ``airdropRoster`` call, with the same output, JSON, report and
dry run as a plain airdrop, and the mode named in them."""

import csv
import json

import pytest
from eth_utils import keccak

from collectibles.chain.airdrop.modes import MAX_ROSTER, ROSTER
from collectibles.domain.tokens import token_id
from scripts.airdrop import cli

ROSTER_SELECTOR = keccak(text="airdropRoster(uint256,bytes32,uint256,bytes)")[:4]


def member_address(i):
    """Distinct addresses that sort in ``i``'s order."""
    return "0x" + f"{0xC0FFE000 + i:040x}"


@pytest.fixture
def write_members(tmp_path):
    def write(count):
        path = tmp_path / "members.csv"
        rows = ["address,member_id"] + [f"{member_address(i)},M{i:03}" for i in range(count)]
        path.write_text("\n".join(rows) + "\n")
        return path

    return write


@pytest.fixture
def airdrop(runner, chain, collectible, tmp_path):
    """``ape run airdrop`` as the minter (TEST::1) on the test chain, with a private journal."""

    def run(series, members, *extra):
        args = ["--account", "TEST::1", "--contract", collectible.address, "--series", series]
        args += ["--members", members, "--journal", tmp_path / "journal.sqlite", *extra]
        return runner.invoke(
            cli, [str(a) for a in args], catch_exceptions=False, obj={"provider": chain.provider}
        )

    return run


def test_airdrop__roster_json__one_airdrop_roster_call_a_batch_tokens_in_member_order(
    airdrop, write_members, last_json, collectible, free_series, chain
):
    result = airdrop(free_series, write_members(9), "--roster", "--batch-size", 4, "--json")

    assert result.exit_code == 0, result.output
    assert "Airdrop (airdropRoster) to 9 members" in result.output
    out = last_json(result)
    assert (out["status"], out["mode"], out["members"], out["batches"]) == ("done", "roster", 9, 3)
    for tx_hash in out["tx_hashes"]:
        assert chain.provider.get_receipt(tx_hash).transaction.data[:4] == ROSTER_SELECTOR
    tokens = [token_id(free_series, serial) for serial in range(1, 10)]
    assert [collectible.ownerOf(t).lower() for t in tokens] == [member_address(i) for i in range(9)]
    with open(out["report_path"], newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["address"], int(r["token_id"])) for r in rows] == [
        (member_address(i), tokens[i]) for i in range(9)
    ]


def test_airdrop__roster_dry_run__mode_batches_and_roster_gas_nothing_sent(
    airdrop, write_members, last_json, minter, free_series, chain
):
    nonce = minter.nonce

    result = airdrop(free_series, write_members(25), "--roster", "--dry-run", "--json")

    assert result.exit_code == 0, result.output
    assert "Mode: roster (one airdropRoster call a batch)" in result.output
    out = last_json(result)
    block = chain.provider.web3.eth.get_block("latest")["gasLimit"]
    assert (out["mode"], out["batch_size"]) == ("roster", ROSTER.max_batch_size(block))
    assert (out["members"], out["batches"], out["allowed"]) == (25, 1, True)
    assert out["estimated_gas"] == ROSTER.estimate_batch_gas(25) == 150_000 + 25 * 7_000
    assert minter.nonce == nonce


def test_airdrop__dry_run_without_roster__mode_airdrop(
    airdrop, write_members, last_json, free_series
):
    result = airdrop(free_series, write_members(3), "--dry-run", "--json")

    assert result.exit_code == 0, result.output
    assert "Mode: airdrop (one airdrop call a batch)" in result.output
    assert last_json(result)["mode"] == "airdrop"


def test_airdrop__batch_size_over_500_without_roster__one_line_refusal_nothing_sent(
    airdrop, write_members, minter, create_series
):
    series = create_series(name="Big", max_supply=1_000)
    nonce = minter.nonce

    result = airdrop(series, write_members(600), "--batch-size", 600, "--json")

    assert result.exit_code == 1
    lines = result.output.splitlines()
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    assert "more than one airdrop call may take (500): use --batch-size" in errors[0]
    (out,) = [json.loads(line) for line in lines if line.startswith("{")]
    assert out["kind"] == "AirdropNotPossible"
    assert minter.nonce == nonce


def test_airdrop__roster_batch_size_over_max_roster__refused_by_the_option(
    airdrop, write_members, free_series
):
    result = airdrop(free_series, write_members(2), "--roster", "--batch-size", MAX_ROSTER + 1)

    assert result.exit_code == 2
    assert "1229 is not in the range 1<=x<=1228" in result.output
