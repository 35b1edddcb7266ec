"""scripts/redemptions.py: `fulfil` records each redemption once (a rerun adds nothing), `--follow` polls,
`verify` is clean or exits 1 naming each mismatch in either direction, and bad inputs are one line and exit 1."""

from __future__ import annotations

import pytest
from eth_utils import keccak

from scripts.redemptions import cli

MARK = 1


@pytest.fixture
def redemption(project, admin, collectible, free_series, chain):
    contract = admin.deploy(project.CollectibleRedemption, collectible, admin)
    contract.grantRole(contract.CAMPAIGN_ROLE(), admin, sender=admin)
    now = chain.pending_timestamp
    contract.createCampaign([free_series], now - 60, now + 10**7, MARK, 100, sender=admin)
    return contract


@pytest.fixture
def token(collectible, free_series, minter, fan):
    tx = collectible.mint(free_series, fan, sender=minter)
    return tx.events.filter(collectible.Transfer)[0].tokenId


@pytest.fixture
def redeem(redemption, token, fan):
    def send(n):
        return redemption.redeem(1, token, keccak(text=f"order {n}"), sender=fan)

    return send


@pytest.fixture
def run(invoke, redemption, tmp_path):
    """Runs ``redemptions COMMAND`` on the fixture's contract and ledger (extra arguments override them)."""

    def go(command, *args, contract=None, ledger=None):
        return invoke(
            cli,
            command,
            "--redemption",
            contract or redemption.address,
            "--ledger",
            ledger or tmp_path / "ledger.sqlite",
            *args,
        )

    return go


def test_fulfil__three_redemptions__three_fulfilments_then_a_rerun_adds_none(
    run, redeem, last_json
):
    for n in (1, 2, 3):
        redeem(n)

    first = run("fulfil", "--json")
    again = run("fulfil", "--json")

    assert first.exit_code == 0, first.output
    assert [f["count"] for f in last_json(first)["fulfilled"]] == [1, 2, 3]
    assert "fulfilled F-" in first.output
    assert again.exit_code == 0, again.output
    assert last_json(again)["fulfilled"] == []
    assert "0 new fulfilment(s), 0 already recorded" in again.output


def test_verify__after_fulfil__clean_exit_0(run, redeem, last_json):
    redeem(1)
    run("fulfil")

    result = run("verify", "--json")

    assert result.exit_code == 0, result.output
    assert (last_json(result)["clean"], last_json(result)["redemptions"]) == (True, 1)


def test_verify__redeemed_after_the_last_fulfil__exit_1_names_it(run, redeem, last_json, token):
    redeem(1)
    run("fulfil")
    redeem(2)

    result = run("verify", "--json")

    assert result.exit_code == 1
    assert (
        f"redeemed but not fulfilled (after the ledger's cursor: run fulfil): campaign 1 token {token} redemption #2"
        in result.output
    )
    assert last_json(result)["unfulfilled"] == [f"1/{token}/2"]


def test_verify__fulfilled_redemption_whose_block_left_the_chain__exit_1_names_it(
    run, redeem, chain, last_json
):
    redeem(1)
    snapshot = chain.snapshot()
    redeem(2)
    fulfilled = last_json(run("fulfil", "--json"))["fulfilled"]
    chain.restore(
        snapshot
    )  # the chain forgets redemption #2, the ledger still holds its fulfilment

    result = run("verify", "--json")

    assert result.exit_code == 1
    assert f"fulfilled but not redeemed: {fulfilled[1]['fulfilment_id']}" in result.output
    assert last_json(result)["unredeemed"] == [fulfilled[1]["fulfilment_id"]]


def test_fulfil__after_that_reorg__warns_the_fulfilment_is_orphaned(run, redeem, chain):
    redeem(1)
    snapshot = chain.snapshot()
    redeem(2)
    run("fulfil")
    chain.restore(snapshot)
    chain.mine(2)

    result = run("fulfil")

    assert result.exit_code == 0, result.output
    assert "reorganisation: the chain no longer has block" in result.output
    assert "#2) was fulfilled but its block left the chain" in result.output


def test_fulfil__follow_with_polls__each_pass_picks_up_new_redemptions(run, redeem, last_json):
    redeem(1)

    result = run("fulfil", "--follow", "--polls", "2", "--interval", "0.1", "--json")

    assert result.exit_code == 0, result.output
    assert (last_json(result)["passes"], len(last_json(result)["fulfilled"])) == (2, 1)


def test_fulfil__no_contract_given_or_registered__one_line_exit_2(invoke, tmp_path):
    result = invoke(cli, "fulfil", "--ledger", tmp_path / "l.sqlite")

    assert result.exit_code == 2
    assert "no CollectibleRedemption to read: pass --redemption ADDRESS" in result.output


def test_fulfil__address_without_code__one_line_exit_1(run):
    result = run("fulfil", contract="0x" + "12" * 20)

    assert result.exit_code == 1
    assert "no contract at 0x1212" in result.output


def test_fulfil__ledger_folder_is_a_file__one_line_exit_1_nothing_recorded(run, redeem, tmp_path):
    redeem(1)
    (tmp_path / "file").write_text("x")

    result = run("fulfil", ledger=tmp_path / "file" / "ledger.sqlite")

    assert result.exit_code == 1
    assert "cannot write the redemption ledger" in result.output
    assert "nothing was recorded" in result.output


def test_fulfil__ledger_of_another_contract__refused_naming_both(
    run, redeem, project, admin, collectible
):
    redeem(1)
    run("fulfil")
    other = admin.deploy(project.CollectibleRedemption, collectible, admin)

    result = run("fulfil", contract=other.address)

    assert result.exit_code == 1
    assert "records fulfilments of contract" in result.output
    assert other.address.lower() in result.output


def test_verify__no_ledger_yet__says_run_fulfil_first(run):
    result = run("verify")

    assert result.exit_code == 1
    assert "no redemption ledger at" in result.output
