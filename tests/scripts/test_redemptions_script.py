"""scripts/redemptions.py: `fulfil` records each redemption once (a rerun adds nothing), `--follow` polls,
`verify` is clean or exits 1 naming each mismatch in either direction, `settle` records an orphan dealt with
off chain (then verify is clean again) and refuses anything else, and bad inputs are one line and exit 1."""

from __future__ import annotations

import sqlite3

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
    assert "then `ape run redemptions settle F-" in result.output


def test_fulfil__follow_with_polls__each_pass_picks_up_new_redemptions(run, redeem, last_json):
    redeem(1)

    result = run("fulfil", "--follow", "--polls", "2", "--interval", "0.1", "--json")

    assert result.exit_code == 0, result.output
    assert (last_json(result)["passes"], len(last_json(result)["fulfilled"])) == (2, 1)


def test_fulfil__no_contract_given_or_registered__one_line_exit_2(invoke, tmp_path):
    result = invoke(cli, "fulfil", "--ledger", tmp_path / "l.sqlite")

    assert result.exit_code == 2
    assert "no CollectibleRedemption to read: pass --redemption ADDRESS" in result.output


def test_fulfil__no_contract_with_json__the_error_is_one_json_line(invoke, tmp_path):
    result = invoke(cli, "fulfil", "--ledger", tmp_path / "l.sqlite", "--json")

    errors = [line for line in result.output.splitlines() if line.startswith('{"error"')]
    assert result.exit_code == 2
    assert len(errors) == 1
    assert '"kind": "UsageError"' in errors[0]


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


@pytest.fixture
def orphan(run, redeem, chain, last_json):
    """Redemption #2 fulfilled, then its block dropped by a reorganisation (a snapshot reverted) that the
    ledger followed: its orphaned fulfilment's id, and the signed transaction that had redeemed it."""
    redeem(1)
    snapshot = chain.snapshot()
    receipt = redeem(2)
    run("fulfil")
    chain.restore(snapshot)
    chain.mine(2)
    orphaned = last_json(run("fulfil", "--json"))["orphaned"]
    assert [f["count"] for f in orphaned] == [2]
    return orphaned[0]["fulfilment_id"], receipt.transaction.serialize_transaction()


def settlement_rows(path):
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT fulfilment_id, reason, cleared FROM settlements").fetchall()
    finally:
        db.close()


def test_settle__orphan_of_a_reorg__verify_exit_0_reports_it_settled(run, orphan, last_json):
    ident, _ = orphan
    before = run("verify")

    settled = run("settle", ident, "--reason", "order cancelled, refund 123", "--json")
    result = run("verify", "--json")

    assert before.exit_code == 1
    assert settled.exit_code == 0, settled.output
    assert f"settled {ident} (campaign 1 token" in settled.output
    assert last_json(settled)["settled"]["reason"] == "order cancelled, refund 123"
    assert result.exit_code == 0, result.output
    assert f"settled off chain: {ident} for campaign 1 token" in result.output
    assert ": order cancelled, refund 123" in result.output
    assert "clean, 1 orphan(s) settled off chain" in result.output
    report = last_json(result)
    assert (report["clean"], report["unredeemed"]) == (True, [])
    assert [(s["fulfilment_id"], s["reason"]) for s in report["settled"]] == [
        (ident, "order cancelled, refund 123")
    ]
    assert report["settled"][0]["settled_at"].endswith("Z")


def test_verify__orphan_not_settled__exit_1_says_how_to_settle_it(run, orphan):
    ident, _ = orphan

    result = run("verify")

    assert result.exit_code == 1
    assert f"fulfilled but not redeemed: {ident}" in result.output
    assert "record it: ape run redemptions settle FULFILMENT_ID --reason TEXT" in result.output


def test_settle__live_fulfilment__one_line_exit_1_nothing_recorded(
    run, redeem, last_json, tmp_path
):
    redeem(1)
    [live] = last_json(run("fulfil", "--json"))["fulfilled"]

    result = run("settle", live["fulfilment_id"], "--reason", "order cancelled")

    assert result.exit_code == 1
    assert f"{live['fulfilment_id']} is not orphaned" in result.output
    assert settlement_rows(tmp_path / "ledger.sqlite") == []


def test_settle__settled_already__exit_1_says_when_and_why(run, orphan, tmp_path):
    ident, _ = orphan
    run("settle", ident, "--reason", "order cancelled, refund 123")

    result = run("settle", ident, "--reason", "shipped after all")

    assert result.exit_code == 1
    assert f"{ident} was already settled on 20" in result.output
    assert "UTC: order cancelled, refund 123; nothing was changed" in result.output
    assert [r[1] for r in settlement_rows(tmp_path / "ledger.sqlite")] == [
        "order cancelled, refund 123"
    ]


@pytest.mark.parametrize("reason", ["", "  "])
def test_settle__empty_reason__exit_1_nothing_recorded(run, orphan, tmp_path, reason):
    ident, _ = orphan

    result = run("settle", ident, "--reason", reason)

    assert result.exit_code == 1
    assert "a settlement needs a reason" in result.output
    assert settlement_rows(tmp_path / "ledger.sqlite") == []


def test_settle__unknown_id__exit_1_names_it(run, orphan):
    result = run("settle", "F-" + "0" * 20, "--reason", "order cancelled", "--json")

    assert result.exit_code == 1
    assert f"no fulfilment F-{'0' * 20} in the ledger" in result.output


def test_settle__while_a_watcher_holds_the_ledger__refused_busy(run, orphan, redemption, tmp_path):
    from collectibles.domain.redemptions_ledger import RedemptionLedger

    ident, _ = orphan
    path = tmp_path / "ledger.sqlite"
    with RedemptionLedger.read(path) as reader:
        identity = reader.identity()
    with RedemptionLedger.open(path, identity):  # what a running watcher holds
        result = run("settle", ident, "--reason", "order cancelled")

    assert result.exit_code == 1
    assert "another fulfilment process (a watcher?) holds the ledger" in result.output
    assert settlement_rows(path) == []


def test_settle__no_ledger_yet__says_run_fulfil_first_creates_none(run, tmp_path):
    result = run("settle", "F-" + "0" * 20, "--reason", "order cancelled")

    assert result.exit_code == 1
    assert "no redemption ledger at" in result.output
    assert not (tmp_path / "ledger.sqlite").exists()


def test_fulfil__settled_orphan_back_on_chain__same_fulfilment_revived_with_a_warning(
    run, orphan, chain, last_json, tmp_path
):
    ident, signed = orphan
    run("settle", ident, "--reason", "order cancelled, refund 123")
    chain.provider.web3.eth.send_raw_transaction(signed)  # the dropped transaction is mined again
    chain.mine(1)

    result = run("fulfil", "--json")
    check = run("verify", "--json")

    assert result.exit_code == 0, result.output
    assert f"WARNING: {ident} (campaign 1 token" in result.output
    assert "had been settled off chain on 20" in result.output
    assert "its redemption is back on chain" in result.output
    assert last_json(result)["fulfilled"] == []
    assert [f["fulfilment_id"] for f in last_json(result)["unsettled"]] == [ident]
    assert check.exit_code == 0, check.output
    assert (last_json(check)["fulfilments"], last_json(check)["settled"]) == (2, [])
    [(_, reason, cleared)] = settlement_rows(tmp_path / "ledger.sqlite")
    assert reason == "order cancelled, refund 123"
    assert (cleared or "").startswith("its redemption is back on chain")
