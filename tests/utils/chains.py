"""Local chains started by tests as separate processes (Anvil or Ganache 7) on a free port.

End-to-end tests use them instead of Ape's test chain: a script under test must find the chain by URL, as
an ops person's would, and crash tests must see what a killed process left behind, without snapshots.
"""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

BIN = Path(__file__).resolve().parents[2] / "node_modules" / ".bin"
MNEMONIC = "test test test test test test test test test test test junk"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chain_command(kind, port):
    if kind == "anvil":
        return [
            str(BIN / "anvil"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--mnemonic",
            MNEMONIC,
            "--hardfork",
            "shanghai",
        ]
    return [
        str(BIN / "ganache"),
        "--server.host",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--wallet.mnemonic",
        MNEMONIC,
        "--chain.hardfork",
        "shanghai",
        "--logging.quiet",
    ]


def rpc(url, method, *params):
    body = json.dumps(
        {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
    ).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())["result"]


class Chain:
    """A local chain process on a free port, restartable from scratch."""

    def __init__(self, kind):
        self.kind = kind
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            chain_command(self.kind, self.port),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                rpc(self.url, "eth_chainId")
            except OSError:
                time.sleep(0.3)
            else:
                return
        raise RuntimeError(f"{self.kind} did not start on {self.url}")

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        self.process = None

    def genesis(self):
        return rpc(self.url, "eth_getBlockByNumber", "0x0", False)["hash"]

    def nonce(self, address):
        return int(rpc(self.url, "eth_getTransactionCount", address, "latest"), 16)
