"""The registry (and the airdrop journal) keep knowing a chain restarted from its state (``make chain``'s
Anvil with ``--state``), even when the restart gave it a new block 0, and still tell a chain that was really
reset."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from utils.chains import BIN, MNEMONIC, free_port, rpc

ROOT = Path(__file__).resolve().parents[2]
APE = ROOT / ".venv" / "bin" / "ape"
MAX_RESTARTS = 8


class StateChain:
    """Anvil as ``make chain`` starts it (``--state FILE``), stopped with Ctrl+C so it saves its state."""

    def __init__(self, state):
        self.state = state
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [str(BIN / "anvil"), "--host", "127.0.0.1", "--port", str(self.port), "--mnemonic",
             MNEMONIC, "--accounts", "10", "--hardfork", "shanghai", "--state", str(self.state)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                rpc(self.url, "eth_chainId")
            except OSError:
                time.sleep(0.2)
            else:
                return
        raise RuntimeError(f"anvil did not start on {self.url}")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(timeout=60)

    def genesis(self):
        return rpc(self.url, "eth_getBlockByNumber", "0x0", False)["hash"]


@pytest.fixture
def chain(tmp_path):
    if not (BIN / "anvil").exists():
        pytest.skip("anvil is not installed (npm ci)")
    chain = StateChain(tmp_path / "anvil-state.json")
    chain.start()
    yield chain
    if chain.process is not None and chain.process.poll() is None:
        chain.stop()


@pytest.fixture
def ape_run(tmp_path, chain):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLLECTIBLES_")}
    env["COLLECTIBLES_DEPLOYMENTS"] = str(tmp_path / "deployments.json")
    env["COLLECTIBLES_ENV_FILE"] = str(tmp_path / "absent.env")
    # Ape caches contract types by address for a chain reached by URL: a private data folder keeps another
    # run's Collectible at the same address (Anvil's addresses repeat) out of this one.
    env["APE_DATA_FOLDER"] = str(tmp_path / "ape-data")
    env["PATH"] = f"{BIN}:{env.get('PATH', '')}"

    def run(*args):
        command = [str(APE), "run", *map(str, args), "--network", chain.url]
        return subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
        )

    return run


def last_json(process):
    assert process.returncode == 0, process.stdout + process.stderr
    return json.loads(process.stdout.strip().splitlines()[-1])


def airdrop(ape_run, tmp_path, series):
    members = tmp_path / "members.csv"
    members.write_text("address\n" + "".join(f"0x{0xBEEF00 + i:040x}\n" for i in range(3)))
    return last_json(
        ape_run("airdrop", "--account", "TEST::0", "--series", series, "--members", members,
                "--journal", tmp_path / "journal.sqlite", "--json")
    )  # fmt: skip


@pytest.mark.skipif(not APE.exists(), reason="needs the project venv (make setup)")
def test_registry__anvil_restarted_from_state_with_new_genesis__same_deployment_and_airdrop(
    chain, ape_run, tmp_path
):
    deployed = last_json(ape_run("deploy", "--account", "TEST::0", "--json"))
    assert deployed["deployed"] is True
    series = ape_run("series", "--account", "TEST::0", "--name", "Kept", "--max-supply", 5)
    assert series.returncode == 0, series.stdout + series.stderr
    first = airdrop(ape_run, tmp_path, 1)
    assert first["status"] == "done"
    first_genesis = chain.genesis()
    for _ in range(
        MAX_RESTARTS
    ):  # Anvil makes a new block 0 on some loads of its state, not on all
        chain.stop()
        time.sleep(1.1)  # a genesis block carries its start time, in seconds
        chain.start()
        if chain.genesis() != first_genesis:
            break
    else:
        pytest.skip(f"anvil kept its genesis block over {MAX_RESTARTS} restarts")

    again = last_json(ape_run("deploy", "--account", "TEST::0", "--json"))
    rerun = airdrop(ape_run, tmp_path, 1)

    assert (again["deployed"], again["address"]) == (False, deployed["address"])
    assert again["genesis_hash"] == deployed["genesis_hash"] == first_genesis
    assert again["reset_detected"] is False
    assert list(json.loads((tmp_path / "deployments.json").read_text())["chains"]) == [
        f"31337:{first_genesis}"
    ]
    assert (rerun["status"], rerun["plan_id"]) == ("already_done", first["plan_id"])

    # A chain that really lost its state is still told apart: nothing is handed out.
    chain.stop()
    chain.state.unlink()
    time.sleep(1.1)
    chain.start()
    stale = ape_run("series", "--account", "TEST::0", "--name", "Lost", "--max-supply", 5)
    assert stale.returncode == 1
    assert "restarted or reset" in stale.stdout + stale.stderr
