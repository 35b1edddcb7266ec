"""The long fault drill: 100,000 members airdropped through a faulty RPC to a mainnet-like Anvil, with figures.

Run with ``make drill`` (``python benchmarks/drill.py [members] [--prune-history] [--stop-after-reorg]``). It starts its own Anvil configured like
Ethereum mainnet today (Osaka, EIP-7825's per-transaction gas cap, a 60M block gas limit, a block every half
second, no automine), puts the test suite's fault proxy (``tests/utils/rpc_proxy.py``: connection resets, HTTP
429 and 503, slow answers) in front of it, and runs :class:`~collectibles.chain.airdrop.Airdropper` while it
injects, at fixed points of the run: a base-fee spike after the first broadcast (batches stall and must be
replaced), a foreign transaction from the same account (a nonce taken: the batch is signed again), dropped
transactions, the node going away for a few seconds, and a reorg over confirmed batches (Anvil's reorg does
not wait for a block being mined: such a block stays on the chain with its receipts while the state is rolled
back under it, and its batches must be sent again). It then checks the result (the series minted exactly one
token per member, a sample of members holds exactly one, no nonce left waiting, every batch confirmed) and
prints the wall time, members per second and what each fault cost. A run that stops prints the history of
the batch it stopped on (every variant signed, its receipt and block, the account's mined nonce).

Anvil keeps hundreds of block states, each a copy of the whole state: at 100,000 minted tokens it grows past
9 GB. ``--prune-history`` keeps :data:`STATE_HISTORY` of them (enough for the reorg): 170 MB at 20,000
members, but at 100,000 Anvil's reorg over a pruned history took over 5 s once, so it is not the default. The report prints Anvil's peak memory.

``--stop-after-reorg`` ends the run right after the reorg, as a killed process would (only what the
journal committed survives), and runs the same airdrop again with a fresh runner: it must finish exact.

A measurement, not a test: it never fails on time, only when the airdrop is not exact.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the fault proxy is the test suite's

from ape import accounts, networks, project  # noqa: E402
from eth_utils import keccak, to_checksum_address  # noqa: E402
from utils.chains import BIN, MNEMONIC, free_port, rpc  # noqa: E402
from utils.rpc_proxy import FaultyProxy  # noqa: E402

from collectibles.chain.airdrop import Airdropper  # noqa: E402
from collectibles.chain.airdrop.fees import GWEI, FeePolicy  # noqa: E402
from collectibles.domain import faults  # noqa: E402
from collectibles.domain.members import load_members  # noqa: E402
from collectibles.domain.tokens import TransferPolicy  # noqa: E402

MEMBERS = 100_000
ANVIL_FLAGS = ("--hardfork", "osaka", "--gas-limit", "60000000", "--enable-tx-gas-limit")
BLOCK_TIME = "0.5"
MAX_REORG = 64
"""The deepest reorg the drill makes (over the latest confirmed batch): mainnet finalizes within 64 blocks, and
the runner re-checks confirmed batches that deep (``REORG_WINDOW``). Shallower missed the moment on a loaded
machine, where one watch pass over every batch outlasts 16 half-second blocks."""
ANVIL_TIMEOUT = 120.0
STATE_HISTORY = MAX_REORG + 16
"""Block states Anvil keeps in memory: enough to reorg :data:`MAX_REORG` blocks, with a margin."""
SAMPLE = 500
"""Members whose balance is read one by one at the end (the series' minted count covers the rest)."""


def start_anvil(prune_history: bool) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        str(BIN / "anvil"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--mnemonic",
        MNEMONIC,
    ]
    history = ["--prune-history", str(STATE_HISTORY)] if prune_history else []
    process = subprocess.Popen(
        [*command, *ANVIL_FLAGS, *history, "--block-time", BLOCK_TIME],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            rpc(url, "eth_chainId")
        except OSError:
            time.sleep(0.1)
        else:
            return process, url
    raise SystemExit(f"anvil did not start on {url}")


def member_file(folder: Path, count: int) -> Path:
    path = folder / "members.csv"
    rows = ["address,member_id"]
    rows += [
        f"{to_checksum_address(keccak(text=f'drill:{i}')[-20:])},M{i:06d}" for i in range(count)
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


class Faults:
    """The faults of the drill, each fired once at its point of the run; ``fired`` says when."""

    def __init__(
        self,
        anvil_url: str,
        proxy: FaultyProxy,
        journal: Path,
        minter: str,
        members: int,
        contract: str,
    ):
        self.anvil_url = anvil_url
        self.proxy = proxy
        self.journal = journal
        self.minter = minter
        self.members = members
        self.contract = contract
        self.fired: dict[str, float] = {}
        self.stop_after_reorg = False
        """Whether the run stops right after the reorg (then the drill runs the same airdrop again)."""
        self.started = time.perf_counter()
        self._confirmed = 0

    def fire(self, name: str, action: Any) -> None:
        if name not in self.fired:
            self.fired[name] = time.perf_counter() - self.started
            action()

    def at_point(self, name: str) -> None:
        """The runner's crash points, used here as the moments to strike."""
        if name == "after_sign" and "foreign" not in self.fired:
            self._signed = getattr(self, "_signed", 0) + 1
            if self._signed == 3:
                self.fire("foreign", self.foreign_transaction)
        elif name == "after_send":
            self.fire(
                "base_fee_spike",
                lambda: self.anvil("anvil_setNextBlockBaseFeePerGas", hex(60 * GWEI)),
            )
        elif name == "before_receipt":
            self.fire("drops", self.drop_some)
            self.fire("node_away", self.node_away)

    def log(self, message: str) -> None:
        """The runner's lines on stderr, timed from the start (stdout keeps the figures)."""
        print(f"[{time.perf_counter() - self.started:7.1f}s] {message}", file=sys.stderr)

    def progress(self, count: int) -> None:
        self._confirmed += count
        if self._confirmed >= self.members // 3 and "reorg" not in self.fired:
            depth = self.depth_of_latest_execution()
            if depth is not None:  # a real chain's reorg is shallow; wait for a batch near the head
                self.fire("reorg", lambda: self.reorg(depth))

    def reorg(self, depth: int) -> None:
        """``anvil_reorg`` of ``depth`` blocks, logged with the head it started from and the time it took."""
        head = int(self.anvil("eth_blockNumber"), 16)
        began = time.perf_counter()
        self.anvil("anvil_reorg", depth, [])
        self.log(
            f"drill: reorg of {depth} blocks from head {head} (blocks {head - depth + 1}..{head} replaced) "
            f"took {time.perf_counter() - began:.1f} s; head now {int(self.anvil('eth_blockNumber'), 16)}"
        )
        if self.stop_after_reorg:
            raise StoppedAfterReorg

    def depth_of_latest_execution(self) -> int | None:
        """Blocks from the block of the latest batch the journal records as confirmed to the head, both
        included, when it is within :data:`MAX_REORG` blocks: the reorg then removes at least one confirmed
        batch (progress is reported once the pass's confirmations are on disk, so the journal has them)."""
        head = int(self.anvil("eth_blockNumber"), 16)
        with sqlite3.connect(f"file:{self.journal}?mode=ro", uri=True) as db:
            (latest,) = db.execute(
                "SELECT max(block_number) FROM batches WHERE status = 'confirmed'"
            ).fetchone()
        if latest is None or head - latest + 1 > MAX_REORG:
            return None
        return head - latest + 1

    def anvil(self, method: str, *params: Any) -> Any:
        return anvil_call(self.anvil_url, method, *params)

    def foreign_transaction(self) -> None:
        """Another process of the same account takes the nonce of the first batch, at a fee ours cannot beat."""
        nonce = int(self.anvil("eth_getTransactionCount", self.minter, "pending"), 16)
        self.anvil(
            "eth_sendTransaction",
            {
                "from": self.minter,
                "to": self.minter,
                "value": "0x0",
                "nonce": hex(nonce),
                "maxFeePerGas": hex(2000 * GWEI),
                "maxPriorityFeePerGas": hex(1000 * GWEI),
            },
        )

    def drop_some(self) -> None:
        with sqlite3.connect(f"file:{self.journal}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT tx_hash FROM batches WHERE status = 'sent'").fetchall()
        for (tx_hash,) in rows[-5:]:
            self.anvil("anvil_dropTransaction", tx_hash)

    def node_away(self) -> None:
        self.proxy.down()
        threading.Timer(3.0, self.proxy.up).start()


def check_exact(
    nft: Any, series_id: int, members_path: Path, web3: Any, minter: str, anvil_url: str
) -> None:
    members = load_members(members_path)
    minted = int(nft.series(series_id).minted)
    if minted != len(members.addresses):
        raise SystemExit(
            f"NOT EXACT: the series minted {minted} for {len(members.addresses)} members"
        )
    sample = random.Random(9).sample(list(members.addresses), min(SAMPLE, len(members.addresses)))
    wrong = [a for a in sample if balance_of(anvil_url, str(nft.address), a) != 1]
    if wrong:
        raise SystemExit(f"NOT EXACT: {len(wrong)} sampled members do not hold exactly one token")
    if web3.eth.get_transaction_count(minter, "pending") != web3.eth.get_transaction_count(minter):
        raise SystemExit("NONCE GAP: transactions of the sender are still waiting")


def print_history(anvil_url: str, journal: Path, index: int, minter: str) -> None:
    """What the journal and Anvil show of the batch a run stopped on (stderr): every variant signed, its
    transaction and receipt, whether the receipt's block is canonical, and the account's mined nonce."""
    with sqlite3.connect(f"file:{journal}?mode=ro", uri=True) as db:
        sends = db.execute(
            "SELECT nonce, tx_hash, signed_at FROM sends WHERE idx = ? ORDER BY rowid", (index,)
        ).fetchall()
        row = db.execute(
            "SELECT status, nonce, tx_hash, start, count FROM batches WHERE idx = ?", (index,)
        ).fetchone()
    head = int(anvil_call(anvil_url, "eth_blockNumber"), 16)
    nonce = int(anvil_call(anvil_url, "eth_getTransactionCount", minter, "latest"), 16)
    print(f"history of batch {index} {row}: head {head}, mined nonce {nonce}", file=sys.stderr)
    for signed_nonce, tx_hash, signed_at in sends:
        tx = anvil_call(anvil_url, "eth_getTransactionByHash", tx_hash)
        receipt = anvil_call(anvil_url, "eth_getTransactionReceipt", tx_hash)
        where = "unknown to the node"
        if receipt is not None:
            number = int(receipt["blockNumber"], 16)
            block = anvil_call(anvil_url, "eth_getBlockByNumber", hex(number), False)
            canonical = block is not None and block["hash"] == receipt["blockHash"]
            where = (
                f"receipt status {int(receipt['status'], 16)} in block {number} "
                f"({'canonical' if canonical else 'not canonical'})"
            )
        elif tx is not None:
            where = "in the pool" if tx.get("blockNumber") is None else "mined, no receipt"
        print(
            f"  nonce {signed_nonce} {tx_hash} signed at {signed_at:.1f}: {where}", file=sys.stderr
        )


def anvil_call(url: str, method: str, *params: Any) -> Any:
    """One JSON-RPC call to Anvil itself, waiting up to :data:`ANVIL_TIMEOUT` seconds: at 100,000 tokens a
    reorg takes Anvil longer than the test suite's 5 s."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
    request = urllib.request.Request(url, body.encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=ANVIL_TIMEOUT) as response:
        answer = json.loads(response.read())
    if "error" in answer:
        raise SystemExit(f"anvil refused {method}: {answer['error']}")
    return answer["result"]


def balance_of(anvil_url: str, contract: str, owner: str) -> int:
    """``balanceOf(owner)``, a plain ``eth_call`` to Anvil itself (not through the proxy, nor Ape)."""
    data = "0x70a08231" + owner[2:].lower().rjust(64, "0")
    return int(anvil_call(anvil_url, "eth_call", {"to": contract, "data": data}, "latest"), 16)


def peak_memory_mb(pid: int) -> float | None:
    """A process's peak resident memory (``VmHWM``) in MB, where ``/proc`` tells it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


class StoppedAfterReorg(Exception):
    """Raised from the progress callback right after the reorg (``--stop-after-reorg``): the run ends there,
    as a killed process would, with only what the journal had committed."""


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    prune_history = "--prune-history" in sys.argv[1:]
    stop_after_reorg = "--stop-after-reorg" in sys.argv[1:]
    count = int(args[0]) if args else MEMBERS
    anvil, anvil_url = start_anvil(prune_history)
    proxy = FaultyProxy(anvil_url, every=25, delay=0.2, max_faults=10_000, lifetime=3600).start()
    try:
        with (
            networks.parse_network_choice(proxy.url) as provider,
            tempfile.TemporaryDirectory() as tmp,
        ):
            admin, minter = accounts.test_accounts[0], accounts.test_accounts[1]
            nft = admin.deploy(project.Collectible, "Drill", "DRILL", admin, 0, admin, 0)
            nft.grantRole(nft.MINTER_ROLE(), minter, sender=admin)
            tx = nft.createSeries(
                "Drill", count, int(TransferPolicy.FREE), 0, "ipfs://d/", sender=admin
            )
            series_id = int(tx.events.filter(nft.SeriesCreated)[0].seriesId)
            members_path = member_file(Path(tmp), count)
            journal = Path(tmp) / "journal.sqlite"
            drill = Faults(anvil_url, proxy, journal, minter.address, count, nft.address)
            drill.stop_after_reorg = stop_after_reorg
            faults.crash_point = drill.at_point  # the runner calls faults.crash_point(name)
            runs: list[Airdropper] = []
            started = time.perf_counter()
            result = None
            while result is None:
                runs.append(airdropper_for(nft, minter, drill))
                try:
                    result = run_once(runs[-1], series_id, members_path, journal, anvil_url)
                except StoppedAfterReorg:
                    drill.log(
                        "drill: run stopped right after the reorg; running the same airdrop again"
                    )
            seconds = time.perf_counter() - started
            check_exact(nft, series_id, members_path, provider.web3, minter.address, anvil_url)
            report(count, seconds, result, runs, drill, proxy)
            history = (
                f"--prune-history {STATE_HISTORY}" if prune_history else "default state history"
            )
            peak = peak_memory_mb(anvil.pid)
            if peak is not None:
                print(f"  anvil ({history}): peak memory {peak:,.0f} MB")
    finally:
        proxy.stop()
        os.killpg(anvil.pid, signal.SIGTERM)
        anvil.wait(timeout=30)
    return 0


def airdropper_for(nft: Any, minter: Any, drill: Faults) -> Airdropper:
    """A fresh runner, as a new process of the airdrop command would have: nothing remembered but the
    journal."""
    return Airdropper(
        nft,
        minter,
        log=drill.log,
        progress=drill.progress,
        confirmations=2,
        fees=FeePolicy(max_fee_cap=5000 * GWEI),
        poll_interval=0.25,
    )


def run_once(
    airdropper: Airdropper, series_id: int, members_path: Path, journal: Path, anvil_url: str
) -> Any:
    """One run of the airdrop; a run that stops on a batch prints that batch's history first."""
    try:
        return airdropper.run(
            series_id,
            load_members(members_path),
            members_path=str(members_path),
            journal_path=journal,
        )
    except Exception as stop:
        index = getattr(stop, "index", None)
        if index is not None:
            print_history(anvil_url, journal, index, airdropper.sender.address)
        raise


def report(
    count: int,
    seconds: float,
    result: Any,
    runs: list[Airdropper],
    drill: Faults,
    proxy: FaultyProxy,
) -> None:
    def total(counter: str) -> int:
        return sum(getattr(run.mempool, counter) for run in runs)

    retries = sum(run.chain.retrying.retries for run in runs)
    print(f"Drill: {count:,} members on Anvil ({' '.join(ANVIL_FLAGS)}, --block-time {BLOCK_TIME})")
    print(
        f"  exact: series minted {count:,}, {SAMPLE} sampled members hold one each, no nonce waiting"
    )
    print(
        f"  wall time {seconds:.1f} s, {count / seconds:,.0f} members/s"
        + (f" ({len(runs)} runs: stopped after the reorg, then run again)" if len(runs) > 1 else "")
    )
    print(
        f"  {result.batches} transactions, {result.gas_used:,} gas ({result.gas_used / count:,.0f} per token)"
    )
    print(
        f"  faults fired: {', '.join(f'{k} at {v:.1f}s' for k, v in drill.fired.items())}; "
        f"proxy injected {proxy.total_faults} of {proxy.requests:,} requests {dict(proxy.injected)}"
    )
    print(
        f"  sender: {retries} RPC retries, {total('replacements')} replacements, "
        f"{total('rebroadcasts')} rebroadcasts, {total('resigned')} re-signed, "
        f"{total('reorged')} batches reorged (sent again), "
        f"{total('outside_state')} receipts outside the state (sent again)"
    )


if __name__ == "__main__":
    sys.exit(main())
