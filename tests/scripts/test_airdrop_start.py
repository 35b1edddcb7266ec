"""``ape run airdrop`` before its first send: a dry run exits non-zero when the chain or the funds would refuse,
a start that stops at the signing prompt leaves no open plan, and progress goes to stderr (plain lines without
a terminal) while ``--json`` stays the last stdout line."""

import io
import json

import pytest
from click.testing import CliRunner
from eth_account import Account

import scripts._output as output_module
from collectibles.chain.airdrop.journal import Journal
from scripts._output import Progress
from scripts.airdrop import cli

KEYFILE_ALIAS = "collectibles-abort-signer"
PASSPHRASE = "a passphrase nobody types"


def member_address(i):
    return "0x" + f"{0x57A27000 + i:040x}"


@pytest.fixture
def write_members(tmp_path):
    def write(addresses, name="members.csv"):
        path = tmp_path / name
        path.write_text("address\n" + "".join(f"{a}\n" for a in addresses))
        return path

    return write


@pytest.fixture
def journal_path(tmp_path):
    return tmp_path / "airdrops" / "journal.sqlite"


@pytest.fixture
def airdrop(chain, collectible, journal_path):
    def run(series, members, *extra, account="TEST::1"):
        args = ["--account", account, "--contract", collectible.address, "--series", series]
        args += ["--members", members, "--journal", journal_path, *extra]
        return CliRunner(mix_stderr=False).invoke(
            cli, [str(a) for a in args], catch_exceptions=False, obj={"provider": chain.provider}
        )

    return run


def last_json(result):
    return json.loads(result.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ the dry run


def test_dry_run__chain_would_refuse__exit_1_error_in_json(
    airdrop, write_members, create_series, minter
):
    small = create_series(name="Small", max_supply=2)
    nonce = minter.nonce

    result = airdrop(
        small, write_members([member_address(i) for i in range(3)]), "--dry-run", "--json"
    )

    assert result.exit_code == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert f"series {small} can mint 2 more tokens, the airdrop needs 3" in result.stderr
    out = last_json(result)
    assert (out["allowed"], out["kind"]) == (False, "AirdropNotPossible")
    assert "can mint 2 more tokens" in out["error"]
    assert minter.nonce == nonce


def test_dry_run__sender_cannot_pay__exit_1_amount_named(
    airdrop, write_members, free_series, minter, chain
):
    chain.provider.set_balance(minter.address, 10**12)  # far below 3 batches of gas at any price
    nonce = minter.nonce

    result = airdrop(
        free_series, write_members([member_address(i) for i in range(5)]), "--dry-run", "--json"
    )

    assert result.exit_code == 1
    assert "fund it first" in result.stderr
    out = last_json(result)
    assert (out["kind"], out["allowed"]) == ("InsufficientFunds", True)
    assert out["balance_wei"] == 10**12
    assert out["max_cost_wei"] > 10**12
    assert minter.nonce == nonce


def test_dry_run__allowed_and_funded__exit_0(airdrop, write_members, free_series):
    result = airdrop(free_series, write_members([member_address(1)]), "--dry-run", "--json")

    assert result.exit_code == 0, result.stdout + result.stderr
    out = last_json(result)
    assert "error" not in out
    assert out["balance_wei"] >= out["max_cost_wei"] > 0
    assert "Funds: enough" in result.stdout


# ------------------------------------------------------------------ a start that stops at the prompt


@pytest.fixture
def keyfile_minter(tmp_path, monkeypatch, accounts, collectible, admin):
    """A keyfile account with MINTER_ROLE and ether, in a private Ape data folder (no passphrase set)."""
    from ape import accounts as account_manager
    from ape.managers.accounts import AccountManager
    from ape_accounts.accounts import AccountContainer

    container = account_manager.containers["accounts"]
    folder = tmp_path / "ape-accounts"
    folder.mkdir()
    monkeypatch.setitem(container.__dict__, "data_folder", folder)
    monkeypatch.setattr(AccountContainer, "loaded_accounts", {})
    monkeypatch.setattr(AccountManager, "_alias_to_account_cache", {})
    key = Account.create()
    (folder / f"{KEYFILE_ALIAS}.json").write_text(json.dumps(Account.encrypt(key.key, PASSPHRASE)))
    accounts[0].transfer(key.address, 10**18)
    collectible.grantRole(collectible.MINTER_ROLE(), key.address, sender=admin)
    return key.address


def test_airdrop__keyfile_prompt_without_terminal__no_open_plan_other_file_not_blocked(
    airdrop, write_members, free_series, keyfile_minter, journal_path, chain, collectible
):
    first = write_members([member_address(i) for i in range(3)])

    aborted = airdrop(free_series, first, "--json", account=KEYFILE_ALIAS)

    assert aborted.exit_code == 1
    assert "Traceback" not in aborted.stdout + aborted.stderr
    out = last_json(aborted)
    # declined, or no answer at all
    assert out["kind"] in ("AirdropNotPossible", "Interrupted"), out
    assert "sign" in out["error"], out
    assert chain.provider.get_nonce(keyfile_minter) == 0
    with Journal(journal_path) as journal:
        assert journal.open_plan() is None
    other = write_members([member_address(10 + i) for i in range(2)], name="other.csv")
    result = airdrop(free_series, other, "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert [collectible.balanceOf(member_address(10 + i)) for i in range(2)] == [1, 1]


# ------------------------------------------------------------------ progress


def test_airdrop__no_terminal__plain_progress_lines_on_stderr_json_last_on_stdout(
    airdrop, write_members, free_series, monkeypatch
):
    monkeypatch.setattr(output_module, "PLAIN_INTERVAL", 0.01)
    addresses = [member_address(50 + i) for i in range(7)]

    result = airdrop(free_series, write_members(addresses), "--batch-size", 3, "--json")

    assert result.exit_code == 0, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("airdrop: ")]
    assert lines[0].startswith("airdrop: 0/7 members (0%)")
    assert lines[-1].startswith("airdrop: 7/7 members (100%), ")
    assert all(" members/s; " in line for line in lines)
    assert "airdrop: " not in result.stdout
    assert last_json(result)["status"] == "done"


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress__terminal__a_bar_with_rate_and_time_left():
    stream = Terminal()

    with Progress(10, "airdrop", stream=stream) as progress:
        progress.advance(4)
        progress.status("waiting for batch 2's receipt")
        progress.advance(6)

    text = stream.getvalue()
    assert "10/10" in text
    assert "members/s" in text
    assert "airdrop: waiting for batch 2's receipt" in text


def test_progress__plain__rate_counts_only_this_run_and_says_what_it_waits_for():
    stream = io.StringIO()
    progress = Progress(100, "airdrop", stream=stream)

    progress.advance(40)  # what an earlier run had done
    progress._started -= 2.0
    progress.advance(20)
    progress.status("waiting for 2 receipts")

    assert progress.rate() == pytest.approx(10.0, rel=0.2)
    assert progress.line().startswith("airdrop: 60/100 members (60%), ")
    assert progress.line().endswith("members/s; waiting for 2 receipts")


def test_progress__plain__a_stall_says_for_how_long():
    progress = Progress(10, "airdrop", stream=io.StringIO())
    progress.advance(3)
    progress.status("waiting for batch 1's receipt")

    assert "no progress for" not in progress.line()
    progress._last_advance -= 42
    assert progress.line().endswith("waiting for batch 1's receipt (no progress for 42s)")


def test_dry_run__priced_at_the_fee_cap__exit_1_when_the_cap_could_cost_more_than_held(
    airdrop, write_members, free_series
):
    members = write_members([member_address(70 + i) for i in range(5)])
    assert airdrop(free_series, members, "--dry-run").exit_code == 0  # at today's price: enough

    result = airdrop(free_series, members, "--dry-run", "--max-fee-gwei", 10**8, "--json")

    assert result.exit_code == 1
    assert "gas at 1e+08 gwei): fund it first" in result.stderr
    out = last_json(result)
    assert out["kind"] == "InsufficientFunds"
    assert out["max_cost_wei"] == out["estimated_gas"] * 10**8 * 10**9
