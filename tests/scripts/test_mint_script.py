"""``ape run mint``: one token, or a quantity split into mintBatch calls of at most 128."""

import pytest

from scripts.mint import cli
from scripts.series import cli as series_cli


@pytest.fixture
def court(invoke, deployed):
    result = invoke(series_cli, "--account", "TEST::0", "--name", "Court", "--max-supply", 300)
    assert result.exit_code == 0, result.output
    return 1


def test_mint__one__json(invoke, last_json, deployed, court, accounts):
    result = invoke(
        cli, "--account", "TEST::0", "--series", court, "--to", accounts[3].address, "--json"
    )
    assert result.exit_code == 0, result.output
    out = last_json(result)
    assert out["token_ids"] == [1_000_001]
    assert len(out["tx_hashes"]) == 1
    assert deployed.ownerOf(1_000_001) == accounts[3].address


def test_mint__quantity__batched_by_128(invoke, last_json, deployed, court, accounts):
    result = invoke(
        cli,
        "--account",
        "TEST::0",
        "--series",
        court,
        "--to",
        accounts[1].address,
        "--quantity",
        260,
        "--json",
    )
    assert result.exit_code == 0, result.output
    out = last_json(result)
    assert len(out["tx_hashes"]) == 3
    assert out["token_ids"] == [1_000_000 + i for i in range(1, 261)]
    assert deployed.balanceOf(accounts[1]) == 260


def test_mint__above_remaining_supply__refused_nothing_sent(invoke, deployed, court, accounts):
    nonce = accounts[0].nonce
    result = invoke(
        cli,
        "--account",
        "TEST::0",
        "--series",
        court,
        "--to",
        accounts[1].address,
        "--quantity",
        301,
    )
    assert result.exit_code == 1
    assert "series 1 has 300 tokens left; 301 requested" in result.output
    assert accounts[0].nonce == nonce
    assert deployed.totalSupply() == 0


def test_mint__unknown_series__refused(invoke, deployed, court, accounts):
    result = invoke(cli, "--account", "TEST::0", "--series", 7, "--to", accounts[1].address)
    assert result.exit_code == 1
    assert "series 7 does not exist (the contract has 1 series)" in result.output


def test_mint__not_minter__refused_nothing_sent(invoke, deployed, court, accounts):
    nonce = accounts[4].nonce
    result = invoke(cli, "--account", "TEST::4", "--series", court, "--to", accounts[1].address)
    assert result.exit_code == 1
    assert "lacks MINTER_ROLE" in result.output
    assert accounts[4].nonce == nonce


def test_mint__bad_recipient__usage_error(invoke, deployed, court):
    result = invoke(cli, "--account", "TEST::0", "--series", court, "--to", "fan")
    assert result.exit_code == 2
    assert "is not an address" in result.output


def test_mint__zero_quantity__usage_error(invoke, deployed, court, accounts):
    result = invoke(
        cli, "--account", "TEST::0", "--series", court, "--to", accounts[1].address, "--quantity", 0
    )
    assert result.exit_code == 2
