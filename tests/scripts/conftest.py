"""Fixtures of the script tests: a CliRunner, a private deployment registry, and a deployed collection.

The scripts run in-process on the test chain (Ape's local network), so everything they send is rolled back
after each test like any other transaction.
"""

import pytest
from click.testing import CliRunner


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture(autouse=True)
def registry_path(tmp_path, monkeypatch):
    """Each test gets its own deployments.json, and no settings leak in from the environment or from a
    developer's .env (the commands load ``COLLECTIBLES_ENV_FILE``, here a file that does not exist)."""
    path = tmp_path / "deployments.json"
    monkeypatch.setenv("COLLECTIBLES_DEPLOYMENTS", str(path))
    monkeypatch.setenv("COLLECTIBLES_ENV_FILE", str(tmp_path / "absent.env"))
    for name in ("ACCOUNT", "CONTRACT", "ADMIN", "ROYALTY_RECEIVER", "CLAIMS_DIR"):
        monkeypatch.delenv(f"COLLECTIBLES_{name}", raising=False)
    return path


@pytest.fixture
def invoke(runner, chain, registry_path):
    """Returns a function: runs a script's ``cli`` with arguments and returns the Click result.

    The script uses the test's provider (``ctx.obj["provider"]``, which Ape's ``parse_network`` honours):
    with ``APE_FOUNDRY_HOST=auto`` a fresh ``--network`` choice would start another Anvil.
    """

    def run(cli, *args):
        return runner.invoke(
            cli, [str(a) for a in args], obj={"provider": chain.provider}, catch_exceptions=False
        )

    return run


@pytest.fixture
def last_json():
    """Returns a function: the JSON object on the last line of a result's output."""
    import json

    def parse(result):
        return json.loads(result.output.strip().splitlines()[-1])

    return parse


@pytest.fixture
def deployed(invoke, last_json, project):
    """A Collectible deployed by the deploy script as TEST::0 (admin, minter, curator), in the registry."""
    from scripts.deploy import cli

    result = invoke(cli, "--account", "TEST::0", "--json")
    assert result.exit_code == 0, result.output
    return project.Collectible.at(last_json(result)["address"])
