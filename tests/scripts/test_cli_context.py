"""scripts/_cli.py in use: every sending command goes through one context that checks the role, confirms
the network and prepares the signer; settings reach the commands flag > environment/.env > ape-config."""

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from eth_account import Account

import scripts._cli as cli_module
import scripts._settings as settings_module
from scripts.airdrop import cli as airdrop_cli
from scripts.claims import cli as claims_cli
from scripts.deploy import cli as deploy_cli
from scripts.mint import cli as mint_cli
from scripts.publish import cli as publish_cli
from scripts.series import cli as series_cli

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = ROOT / "tests" / "data" / "claim_members.csv"
FAN = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"  # TEST::3, in MEMBERS
KEYFILE_ALIAS = "collectibles-test-signer"
PASSPHRASE = "correct horse battery staple"
IMPORT_ALL_SCRIPTS = """
import importlib, os, pathlib
for path in sorted(pathlib.Path("scripts").glob("*.py")):
    importlib.import_module("scripts." + path.stem)
print(os.environ.get("COLLECTIBLES_PUBLISH_BACKEND"))
"""


@pytest.fixture
def signer_calls(monkeypatch):
    """Records every ``prepare_signer(account, yes)`` the commands make (the real one still runs)."""
    calls = []
    real = cli_module.prepare_signer

    def record(account, yes):
        calls.append((account.address, yes))
        real(account, yes)

    monkeypatch.setattr(cli_module, "prepare_signer", record)
    return calls


@pytest.fixture
def court(invoke, deployed):
    """Series 1 (free, 200) of the deployed collection."""
    result = invoke(series_cli, "--account", "TEST::0", "--name", "Court", "--max-supply", 200)
    assert result.exit_code == 0, result.output
    return 1


def sending_commands(tmp_path, address):
    """``(name, cli, arguments)`` of every command that sends, each with something to send."""
    members = tmp_path / "members.csv"
    members.write_text("address\n" + "".join(f"0x{0xA11CE000 + i:040x}\n" for i in range(3)))
    claims = tmp_path / "claims"
    return [
        ("deploy", deploy_cli, ["--account", "TEST::0", "--new"]),
        ("series", series_cli, ["--account", "TEST::0", "--name", "Badge", "--max-supply", 9]),
        ("mint", mint_cli, ["--account", "TEST::0", "--series", 1, "--to", address]),
        ("airdrop", airdrop_cli, ["--account", "TEST::0", "--series", 1, "--members", members,
                                  "--journal", tmp_path / "journal.sqlite"]),
        ("claims setup", claims_cli, ["setup", "--account", "TEST::0", "--series", 1,
                                      "--members", MEMBERS, "--out", claims]),
        ("claims claim", claims_cli, ["claim", "--account", "TEST::0", "--series", 1,
                                      "--member", FAN, "--out", claims]),
        ("publish", publish_cli, ["--account", "TEST::0", "--series", 1, "--out", tmp_path / "pub"]),
    ]  # fmt: skip


def test_sending_commands__yes__each_prepares_its_signer_once(
    invoke, court, accounts, tmp_path, signer_calls
):
    for name, command, args in sending_commands(tmp_path, accounts[4].address):
        signer_calls.clear()

        result = invoke(command, *args, "--yes")

        assert result.exit_code == 0, f"{name}: {result.output}"
        assert signer_calls == [(accounts[0].address, True)], name


def test_sending_commands__remote_chain_without_yes__refused_before_sending(
    invoke, court, deployed, accounts, tmp_path, monkeypatch
):
    from collectibles.domain.claim_tree import load_claims

    monkeypatch.setattr(cli_module, "is_local_chain", lambda network, provider=None: False)

    for name, command, args in sending_commands(tmp_path, accounts[4].address):
        if (
            name == "claims claim"
        ):  # something to claim: the root that the refused setup did not set
            built = invoke(claims_cli, "build", "--members", MEMBERS, "--out", tmp_path / "claims")
            assert built.exit_code == 0, built.output
            claims = load_claims(tmp_path / "claims")
            deployed.setMerkleRoot(1, claims.root, claims.members, sender=accounts[0])
        nonce = accounts[0].nonce

        result = invoke(command, *args)

        assert result.exit_code == 1, f"{name}: {result.output}"
        assert "refusing to send transactions" in result.output, name
        assert "pass --yes" in result.output, name
        assert accounts[0].nonce == nonce, name


def test_mint__signer_without_minter_role__refused_before_confirming(
    invoke, court, accounts, signer_calls
):
    nonce = accounts[6].nonce

    result = invoke(
        mint_cli, "--account", "TEST::6", "--series", 1, "--to", accounts[4].address, "--yes"
    )

    assert result.exit_code == 1
    assert f"{accounts[6].address} cannot mint: it lacks MINTER_ROLE" in result.output
    assert signer_calls == []
    assert accounts[6].nonce == nonce


# ------------------------------------------------------------------ a real keyfile account


@pytest.fixture
def keyfile_account(tmp_path, monkeypatch, accounts, deployed):
    """A keyfile account (Ape's ``accounts`` container, in a private data folder) holding MINTER_ROLE and
    some ether; its passphrase in ``APE_ACCOUNTS_<alias>_PASSPHRASE``, as ``.env.example`` says."""
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
    monkeypatch.setenv(f"APE_ACCOUNTS_{KEYFILE_ALIAS}_PASSPHRASE", PASSPHRASE)
    accounts[0].transfer(key.address, 10**18)
    deployed.grantRole(deployed.MINTER_ROLE(), key.address, sender=accounts[0])
    return key.address


def test_airdrop__keyfile_account_with_yes__signs_without_a_prompt(
    invoke, court, deployed, keyfile_account, tmp_path, last_json
):
    members = tmp_path / "members.csv"
    members.write_text("address\n0x00000000000000000000000000000000000a11ce\n")

    result = invoke(
        airdrop_cli, "--account", KEYFILE_ALIAS, "--series", 1, "--members", members,
        "--journal", tmp_path / "journal.sqlite", "--yes", "--json",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Sign:" not in result.output
    assert last_json(result)["members"] == 1
    assert deployed.balanceOf("0x00000000000000000000000000000000000a11ce") == 1


def test_airdrop__keyfile_account_without_yes__asks_to_sign_and_sends_nothing(
    invoke, court, deployed, keyfile_account, tmp_path, chain
):
    members = tmp_path / "members.csv"
    members.write_text("address\n0x00000000000000000000000000000000000a11ce\n")
    nonce = chain.provider.get_nonce(keyfile_account)

    result = invoke(
        airdrop_cli, "--account", KEYFILE_ALIAS, "--series", 1, "--members", members,
        "--journal", tmp_path / "journal.sqlite",
    )  # fmt: skip

    assert result.exit_code != 0
    assert "Sign:" in result.output  # no terminal answers the question: nothing is signed
    assert chain.provider.get_nonce(keyfile_account) == nonce
    assert deployed.balanceOf("0x00000000000000000000000000000000000a11ce") == 0


# ------------------------------------------------------------------ settings reach the commands


@pytest.fixture
def env_file(tmp_path, monkeypatch):
    """Returns a writer: a ``.env`` the scripts will load (``COLLECTIBLES_ENV_FILE``); whatever it sets in
    the process environment is removed after the test."""
    path = tmp_path / "test.env"
    monkeypatch.setenv("COLLECTIBLES_ENV_FILE", str(path))
    written = []

    def write(**variables):
        for name in variables:
            monkeypatch.setenv(
                name, "placeholder"
            )  # so monkeypatch restores it (absent) afterwards
            monkeypatch.delenv(name)
        written.extend(variables)
        path.write_text("".join(f"{k}={v}\n" for k, v in variables.items()))
        return path

    return write


def test_deploy__flag_over_env_file_over_ape_config_over_default(
    invoke, last_json, project, env_file, monkeypatch
):
    monkeypatch.setattr(
        settings_module,
        "ape_config_section",
        lambda: {"name": "From Config", "symbol": "CFG", "royalty_bps": 700},
    )
    env_file(COLLECTIBLES_SYMBOL="ENVSYM", COLLECTIBLES_ROYALTY_BPS="250")

    result = invoke(deploy_cli, "--account", "TEST::0", "--royalty-bps", 300, "--json")

    assert result.exit_code == 0, result.output
    nft = project.Collectible.at(last_json(result)["address"])
    assert nft.royaltyInfo(1, 10_000)[1] == 300  # the flag
    assert nft.symbol() == "ENVSYM"  # .env over the config
    assert nft.name() == "From Config"  # the config over the default
    assert int(nft.defaultAdminDelay()) == 0  # nobody set it: the default


def backend_group():
    """A ``Group`` of the scripts with one command that prints the ``--backend`` it resolved."""
    from scripts._params import backend_option

    @click.group(cls=cli_module.Group)
    def group():
        pass

    @group.command()
    @backend_option()
    def show(backend):
        click.echo(backend)

    return group


def test_env_file__loaded_when_a_command_runs_not_at_import(env_file, monkeypatch):
    path = env_file(COLLECTIBLES_PUBLISH_BACKEND="kubo")
    # A fresh interpreter: importing every script must leave the environment as it was.
    imported = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL_SCRIPTS],
        cwd=ROOT,
        env={**os.environ, "COLLECTIBLES_ENV_FILE": str(path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "None"
    assert "COLLECTIBLES_PUBLISH_BACKEND" not in os.environ

    group = backend_group()
    result = CliRunner().invoke(group, ["show"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "kubo"
    assert os.environ["COLLECTIBLES_PUBLISH_BACKEND"] == "kubo"


def test_env_file__shell_variable_wins(env_file, monkeypatch):
    env_file(COLLECTIBLES_PUBLISH_BACKEND="kubo")
    monkeypatch.setenv("COLLECTIBLES_PUBLISH_BACKEND", "pinata")
    group = backend_group()
    assert CliRunner().invoke(group, ["show"]).output.strip() == "pinata"


# ------------------------------------------------------------------ errors, decoded by the package


def test_reported_errors__undecoded_view_revert__named_with_its_arguments(deployed):
    from scripts._errors import reported_errors

    with pytest.raises(click.ClickException) as info, reported_errors(lambda: deployed):
        deployed.series(42)

    assert info.value.message == "the chain refused: CollectibleUnknownSeries(seriesId=42)"
