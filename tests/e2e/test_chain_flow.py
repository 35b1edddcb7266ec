"""`make chain` (the README's long-lived chain) keeps its state across a restart, on Anvil and Ganache."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from utils.chains import free_port, rpc

ROOT = Path(__file__).resolve().parents[2]
FAN = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"  # TEST::3


def start(kind, port, folder):
    process = subprocess.Popen(
        ["make", "--no-print-directory", "chain", f"CHAIN={kind}", f"CHAIN_PORT={port}",
         f"CHAIN_DIR={folder}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            rpc(url, "eth_chainId")
        except OSError:
            time.sleep(0.3)
        else:
            return process, url
    os.killpg(process.pid, signal.SIGTERM)
    pytest.fail(f"make chain CHAIN={kind} did not start")


def stop(process):
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl+C sends: both chains save their state on it
    process.wait(timeout=60)


def mined(url, tx):
    deadline = time.monotonic() + 30
    while rpc(url, "eth_getTransactionReceipt", tx) is None:
        if time.monotonic() > deadline:
            pytest.fail(f"{tx} was not mined within 30 s")
        time.sleep(0.05)


@pytest.mark.parametrize("kind", ["anvil", "ganache"])
def test_make_chain__restart__state_kept(kind, tmp_path):
    port = free_port()
    process, url = start(kind, port, tmp_path)
    try:
        sender = rpc(url, "eth_accounts")[0]
        tx = rpc(url, "eth_sendTransaction", {"from": sender, "to": FAN, "value": hex(12345)})
        # Anvil answers with the hash before its automine has made the block: wait for the receipt.
        mined(url, tx)
        balance = rpc(url, "eth_getBalance", FAN, "latest")
        genesis = rpc(url, "eth_getBlockByNumber", "0x0", False)["hash"]
    finally:
        stop(process)

    process, url = start(kind, port, tmp_path)
    try:
        assert rpc(url, "eth_getBalance", FAN, "latest") == balance
        assert rpc(url, "eth_getTransactionReceipt", tx) is not None
        assert rpc(url, "eth_getBlockByNumber", "0x0", False)["hash"] == genesis
    finally:
        stop(process)
