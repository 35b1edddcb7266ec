"""Whether a chain is local is asked of the node (its client and chain id), not read from its address: a node
on 127.0.0.1 that says it is chain 1 (a mainnet node reached through an SSH tunnel looks the same) makes a
sending script ask, and without a terminal or ``--yes`` nothing is sent."""

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from utils.chains import BIN, MNEMONIC, free_port, rpc

ROOT = Path(__file__).resolve().parents[2]
APE = ROOT / ".venv" / "bin" / "ape"
DEPLOYER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # TEST::0


@pytest.fixture
def chain_one(tmp_path):
    """Anvil on 127.0.0.1 that reports chain id 1."""
    if not (BIN / "anvil").exists():
        pytest.skip("anvil is not installed (npm ci)")
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "anvil"), "--host", "127.0.0.1", "--port", str(port), "--mnemonic", MNEMONIC,
         "--chain-id", "1", "--hardfork", "shanghai"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            rpc(url, "eth_chainId")
            break
        except OSError:
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=30)


def ape_run(tmp_path, url, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLLECTIBLES_")}
    env["COLLECTIBLES_DEPLOYMENTS"] = str(tmp_path / "deployments.json")
    env["COLLECTIBLES_ENV_FILE"] = str(tmp_path / "absent.env")
    env["APE_DATA_FOLDER"] = str(tmp_path / "ape-data")
    command = [str(APE), "run", *map(str, args), "--network", url]
    return subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.skipif(not APE.exists(), reason="needs the project venv (make setup)")
def test_deploy__node_on_localhost_says_chain_1__asks_and_sends_nothing_without_yes(
    chain_one, tmp_path
):
    refused = ape_run(tmp_path, chain_one, "deploy", "--account", "TEST::0", "--json")

    assert refused.returncode != 0
    assert "refusing to send transactions" in refused.stderr
    assert "chain id 1" in refused.stderr
    assert json.loads(refused.stdout.strip().splitlines()[-1])["kind"] == "ClickException"
    assert int(rpc(chain_one, "eth_getTransactionCount", DEPLOYER, "latest"), 16) == 0
