"""deploy -> series -> mint -> claims, as a user runs them: `ape run ...` subprocesses against a chain started
separately (anvil, and ganache 7), reached with `--network http://127.0.0.1:PORT`. Restarting the chain gives it
a new genesis block: the registry must then refuse the old address, and deploy must deploy afresh.
"""

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from utils.chains import BIN, Chain

ROOT = Path(__file__).resolve().parents[2]
APE = ROOT / ".venv" / "bin" / "ape"
FAN = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"  # TEST::3
TREASURY = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"  # TEST::1


@pytest.fixture(params=["anvil", "ganache"])
def local_chain(request):
    if not (BIN / request.param).exists():
        pytest.skip(f"{request.param} is not installed (npm ci)")
    chain = Chain(request.param)
    chain.start()
    yield chain
    chain.stop()


@pytest.fixture
def ape_run(tmp_path, local_chain):
    """Returns a function: `ape run SCRIPT ARGS --network URL` with a private registry; returns the process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLLECTIBLES_")}
    env["COLLECTIBLES_DEPLOYMENTS"] = str(tmp_path / "deployments.json")
    env["PATH"] = f"{BIN}:{env.get('PATH', '')}"

    def run(*args):
        command = [str(APE), "run", *map(str, args), "--network", local_chain.url]
        return subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
        )

    return run


def last_json(process):
    assert process.returncode == 0, process.stdout + process.stderr
    return json.loads(process.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not APE.exists(), reason="needs the project venv (make setup)")
def test_deploy_flow__separate_chain__deploy_series_mint_airdrop_claim_and_restart(
    ape_run, local_chain, tmp_path
):
    admin = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"  # TEST::0
    deployed = last_json(ape_run("deploy", "--account", "TEST::0", "--json"))
    assert deployed["deployed"] is True
    assert deployed["genesis_hash"] == local_chain.genesis()
    again = last_json(ape_run("deploy", "--account", "TEST::0", "--json"))
    assert (again["deployed"], again["address"]) == (False, deployed["address"])

    catalogue = ROOT / "examples" / "catalogue.yaml"
    series = last_json(
        ape_run("series", "--account", "TEST::0", "--catalogue", catalogue, "--json")
    )
    ids = {s["name"]: s["series_id"] for s in series["series"]}
    assert list(ids.values()) == [1, 2, 3, 4, 5, 6]
    rerun = last_json(ape_run("series", "--account", "TEST::0", "--catalogue", catalogue, "--json"))
    assert not any(s["created"] for s in rerun["series"])

    minted = last_json(
        ape_run(
            "mint",
            "--account",
            "TEST::0",
            "--series",
            ids["Court"],
            "--to",
            TREASURY,
            "--quantity",
            130,
            "--json",
        )
    )
    assert len(minted["token_ids"]) == 130
    assert len(minted["tx_hashes"]) == 2

    sent = local_chain.nonce(admin)
    refused = ape_run(
        "mint", "--account", "TEST::0", "--series", ids["Court"], "--to", TREASURY, "--quantity", 71
    )
    assert refused.returncode == 1
    assert "70 tokens left" in refused.stderr + refused.stdout
    assert local_chain.nonce(admin) == sent

    # Airdrop the greeting card to a member file, then re-run: the second run sends nothing.
    wallets = [f"0x{i:040x}" for i in range(0x1001, 0x1001 + 25)]
    member_file = tmp_path / "members.csv"
    member_file.write_text(
        "address,member_id\n" + "".join(f"{w},M{i}\n" for i, w in enumerate(wallets))
    )
    drop = (
        "airdrop",
        "--account",
        "TEST::0",
        "--series",
        ids["Spring Festival Greeting Card"],
        "--members",
        member_file,
        "--batch-size",
        10,
        "--journal",
        tmp_path / "airdrop.sqlite",
        "--json",
    )
    dropped = last_json(ape_run(*drop))
    assert (dropped["status"], dropped["members"], dropped["batches"]) == ("done", 25, 3)
    before = local_chain.nonce(admin)
    assert last_json(ape_run(*drop))["status"] == "already_done"
    assert local_chain.nonce(admin) == before

    members = ROOT / "tests" / "data" / "claim_members.csv"
    out = tmp_path / "claims"
    setup = last_json(
        ape_run(
            "claims",
            "setup",
            "--account",
            "TEST::0",
            "--series",
            ids["All-Star Badge"],
            "--members",
            members,
            "--out",
            out,
            "--json",
        )
    )
    assert setup["changed"] is True
    claim = last_json(
        ape_run(
            "claims",
            "claim",
            "--account",
            "TEST::5",
            "--series",
            ids["All-Star Badge"],
            "--member",
            FAN,
            "--out",
            out,
            "--json",
        )
    )
    assert claim["token_id"] == 3_000_001

    # A restarted chain has a new genesis: the old address is never handed out, and deploy starts afresh.
    old_genesis = local_chain.genesis()
    local_chain.stop()
    time.sleep(1.1)  # a genesis block carries its start time, in seconds
    local_chain.start()
    assert local_chain.genesis() != old_genesis
    stale = ape_run("series", "--account", "TEST::0", "--catalogue", catalogue)
    assert stale.returncode == 1
    assert "restarted or reset" in stale.stderr + stale.stdout
    fresh = last_json(ape_run("deploy", "--account", "TEST::0", "--json"))
    assert fresh["deployed"] is True
    assert fresh["reset_detected"] is True
    registry = json.loads((tmp_path / "deployments.json").read_text())
    assert len(registry["chains"]) == 2
