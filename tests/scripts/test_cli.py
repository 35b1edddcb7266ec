"""scripts/_cli.py and its helpers: the confirmation rule for non-local chains, the signer, JSON output,
addresses, where settings come from."""

from types import SimpleNamespace

import click
import pytest
from click.testing import CliRunner

from scripts._cli import confirm_network, is_local_chain
from scripts._output import emit_json
from scripts._params import ADDRESS, backend_option


def network(name="custom", is_local=False, is_fork=False):
    return SimpleNamespace(
        name=name, is_local=is_local, is_fork=is_fork, ecosystem=SimpleNamespace(name="ethereum")
    )


def provider(uri, chain_id=1, client="Geth/v1.14.12-stable/linux-amd64/go1.23.4"):
    """A provider stub: its URL, the chain id it reports, and its ``web3_clientVersion``."""
    return SimpleNamespace(
        http_uri=uri, chain_id=chain_id, web3=SimpleNamespace(client_version=client)
    )


class Silent:
    """A node that will not say what client it runs."""

    @property
    def client_version(self):
        raise ConnectionError("web3_clientVersion is not served")


@pytest.mark.parametrize(
    "uri", ["http://127.0.0.1:8545", "http://localhost:9000", "ws://127.0.0.1:8546"]
)
def test_is_local_chain__mainnet_node_through_a_local_tunnel__not_local(uri):
    assert not is_local_chain(network(), provider(uri))


@pytest.mark.parametrize(
    ("client", "chain_id"),
    [("anvil/v1.7.1", 31337), ("Ganache/v7.9.2/EthereumJS TestRPC/v7.9.2/ethereum-js", 1337),
     ("HardhatNetwork/2.22.0/@ethereumjs/vm/5.9.3", 31337)],
)  # fmt: skip
def test_is_local_chain__development_client_and_chain_id__local(client, chain_id):
    assert is_local_chain(network(), provider("https://tunnel.example.org", chain_id, client))


def test_is_local_chain__anvil_with_a_public_chain_id__not_local():
    assert not is_local_chain(network(), provider("http://127.0.0.1:8545", 1, "anvil/v1.7.1"))


def test_is_local_chain__anvil_fork_of_mainnet__local():
    fork = network("mainnet-fork", is_fork=True)
    assert is_local_chain(fork, provider("http://127.0.0.1:8545", 1, "anvil/v1.7.1"))


def test_is_local_chain__ape_local_network__local_only_with_a_development_client():
    local = network("local", is_local=True)
    tester = "EthereumTester/0.12.0/linux/python3.11"
    assert is_local_chain(local, provider("", 131277322940537, tester))
    assert not is_local_chain(local, provider("http://127.0.0.1:8545", 1))


def test_is_local_chain__client_unknown_or_no_provider__not_local():
    silent = SimpleNamespace(http_uri="http://127.0.0.1:8545", chain_id=31337, web3=Silent())
    assert not is_local_chain(network(), silent)
    assert not is_local_chain(network("local", is_local=True), None)


def test_is_local_chain__remote_uri__not_local():
    assert not is_local_chain(network("sepolia"), provider("https://rpc.sepolia.org"))


def confirm_cli(yes):
    @click.command()
    def cli():
        confirm_network(network("sepolia"), yes, provider("https://rpc.sepolia.org"))
        click.echo("sent")

    return cli


def test_confirm_network__remote_without_yes_or_tty__aborts():
    result = CliRunner().invoke(confirm_cli(False))
    assert result.exit_code == 1
    assert "pass --yes" in result.output
    assert "sent" not in result.output


def test_confirm_network__remote_with_yes__goes_on():
    result = CliRunner().invoke(confirm_cli(True))
    assert result.exit_code == 0, result.output
    assert "sent" in result.output


def test_emit_json__one_line():
    @click.command()
    def cli():
        emit_json({"b": 1, "a": [1, 2]})

    assert CliRunner().invoke(cli).output == '{"a": [1, 2], "b": 1}\n'


def test_address__checksums_and_refuses_junk():
    assert ADDRESS.convert("0x90f79bf6eb2c4f870365e785982e1f101e93b906", None, None) == (
        "0x90F79bf6EB2c4f870365E785982E1f101E93b906"
    )
    with pytest.raises(click.BadParameter):
        ADDRESS.convert("0x1234", None, None)


def test_load_env__fills_gaps_but_shell_wins(tmp_path, monkeypatch):
    from collectibles.domain.settings import load_settings
    from scripts._settings import load_env

    env_file = tmp_path / ".env"
    env_file.write_text("COLLECTIBLES_SYMBOL=FROMFILE\nCOLLECTIBLES_NAME=From File\n")
    monkeypatch.delenv("COLLECTIBLES_SYMBOL", raising=False)
    monkeypatch.setenv("COLLECTIBLES_NAME", "From Shell")
    assert load_env(env_file)
    settings = load_settings(config={"symbol": "FROMCONFIG"})
    assert (settings.symbol, settings.name) == ("FROMFILE", "From Shell")
    monkeypatch.delenv("COLLECTIBLES_SYMBOL")


class FakeKeyfileAccount:
    alias = "deployer"

    def __init__(self):
        self.autosign = False

    def set_autosign(self, enabled):
        self.autosign = enabled


def test_prepare_signer__yes_with_passphrase_variable__autosigns(monkeypatch):
    from scripts._cli import prepare_signer

    monkeypatch.setenv("APE_ACCOUNTS_deployer_PASSPHRASE", "not printed")
    account = FakeKeyfileAccount()
    prepare_signer(account, yes=True)
    assert account.autosign is True


def test_prepare_signer__yes_without_passphrase_or_tty__refused(monkeypatch):
    from scripts._cli import prepare_signer

    monkeypatch.delenv("APE_ACCOUNTS_deployer_PASSPHRASE", raising=False)
    account = FakeKeyfileAccount()
    with pytest.raises(click.ClickException, match="APE_ACCOUNTS_deployer_PASSPHRASE"):
        prepare_signer(account, yes=True)
    assert account.autosign is False


def test_prepare_signer__without_yes__untouched():
    from scripts._cli import prepare_signer

    account = FakeKeyfileAccount()
    prepare_signer(account, yes=False)
    assert account.autosign is False


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [([], None, "car"), ([], "kubo", "kubo"), (["--backend", "pinata"], "kubo", "pinata")],
)
def test_backend_option__flag_then_environment_then_car(args, env, expected, monkeypatch):
    if env is None:
        monkeypatch.delenv("COLLECTIBLES_PUBLISH_BACKEND", raising=False)
    else:
        monkeypatch.setenv("COLLECTIBLES_PUBLISH_BACKEND", env)

    @click.command()
    @backend_option()
    def cli(backend):
        click.echo(backend)

    result = CliRunner().invoke(cli, args)

    assert result.exit_code == 0, result.output
    assert result.output.strip() == expected
