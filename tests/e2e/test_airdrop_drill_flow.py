"""Fault drill: the airdrop on dedicated Anvils configured like real networks, with the faults they bring.

Each case starts its own Anvil (interval mining, no automine, Osaka's transaction gas cap, a proxy that resets
connections and answers 429/5xx…), connects Ape to it, deploys a Collectible and runs
:class:`~collectibles.chain.airdrop.Airdropper` in-process, injecting the fault at a crash point or from the
progress callback. Each ends with :func:`assert_drill_exact`: every member holds exactly the planned token,
the account has no nonce gap (nothing of ours left waiting, every journaled batch mined at its own nonce),
and the journal is consistent with the chain.
"""

import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from ape import accounts, networks
from utils.chains import BIN, MNEMONIC, free_port, rpc
from utils.rpc_proxy import FaultyProxy

from collectibles.chain.airdrop import Airdropper, Journal
from collectibles.chain.airdrop.fees import GWEI, FeePolicy, OutOfFunds
from collectibles.chain.airdrop.plan import TX_GAS_CAP
from collectibles.chain.airdrop.records import COMPLETE, CONFIRMED
from collectibles.chain.airdrop.retry import ChainUnavailable
from collectibles.domain import faults
from collectibles.domain.members import parse_members
from collectibles.domain.tokens import TransferPolicy


class Anvil:
    """A dedicated Anvil on a free port with the given flags (the standard test mnemonic)."""

    def __init__(self, *flags):
        self.url = f"http://127.0.0.1:{free_port()}"
        port = self.url.rsplit(":", 1)[1]
        command = [
            str(BIN / "anvil"),
            "--host",
            "127.0.0.1",
            "--port",
            port,
            "--mnemonic",
            MNEMONIC,
        ]
        self.process = subprocess.Popen(
            [*command, *flags],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                rpc(self.url, "eth_chainId")
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.1)
            else:
                return

    def call(self, method, *params):
        return rpc(self.url, method, *params)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


class Miner:
    """Mines a block every ``interval`` seconds on a chain started with ``--no-mining``, unless paused."""

    def __init__(self, anvil, interval=0.2):
        self.anvil = anvil
        self.interval = interval
        self.paused = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(self.interval):
            if not self.paused.is_set():
                self.anvil.call("evm_mine")

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)


class Drill:
    """One case: a chain, a Collectible with an open series on it, a member file, and the journal."""

    def __init__(self, anvil, tmp_path, provider, members=30):
        self.anvil = anvil
        self.provider = provider
        self.admin, self.minter = accounts.test_accounts[0], accounts.test_accounts[1]
        from ape import project

        self.nft = self.admin.deploy(
            project.Collectible, "Drill", "DRILL", self.admin, 0, self.admin, 0
        )
        self.nft.grantRole(self.nft.MINTER_ROLE(), self.minter, sender=self.admin)
        tx = self.nft.createSeries(
            "Drill", 100_000, int(TransferPolicy.FREE), 0, "ipfs://d/", sender=self.admin
        )
        self.series = tx.events.filter(self.nft.SeriesCreated)[0].seriesId
        self.addresses = [f"0x{0xD1D1000000 + i:040x}" for i in range(members)]
        rows = ["address,member_id"] + [f"{a},M{i}" for i, a in enumerate(self.addresses)]
        self.members_path = tmp_path / "members.csv"
        self.members_path.write_text("\n".join(rows) + "\n")
        self.journal_path = tmp_path / "journal.sqlite"
        self.logs: list[str] = []
        self.miner: Miner | None = None
        self.proxy: FaultyProxy | None = None
        self.start_nonce = self.nonce("latest")

    def nonce(self, block):
        return int(self.anvil.call("eth_getTransactionCount", self.minter.address, block), 16)

    def airdropper(self, contract=None, **options):
        options.setdefault("receipt_timeout", 30)
        options.setdefault("poll_interval", 0.05)
        return Airdropper(contract or self.nft, self.minter, log=self.logs.append, **options)

    def run(self, airdropper=None, batch_size=10, **options):
        airdropper = airdropper or self.airdropper(**options)
        members = parse_members(self.members_path.read_bytes(), self.members_path)
        return airdropper.run(
            self.series,
            members,
            members_path=str(self.members_path),
            journal_path=self.journal_path,
            batch_size=batch_size,
        )


@pytest.fixture
def drill(tmp_path):
    """Returns a builder: ``drill(*anvil_flags, members=30, proxy=None)`` starts the chain (behind a
    :class:`FaultyProxy` with the ``proxy`` options, if given), connects Ape to it, deploys."""
    stack: list[Any] = []

    def build(*flags, members=30, proxy=None):
        anvil = Anvil(*flags)
        stack.append(anvil)
        miner = Miner(anvil) if "--no-mining" in flags else None
        if miner is not None:
            stack.append(miner)
        faulty = None if proxy is None else FaultyProxy(anvil.url, lifetime=100, **proxy).start()
        if faulty is not None:
            stack.append(faulty)
        context = networks.parse_network_choice(faulty.url if faulty else anvil.url)
        provider = context.__enter__()
        stack.append(context)
        built = Drill(anvil, tmp_path, provider, members)
        built.miner, built.proxy = miner, faulty
        return built

    yield build
    for item in reversed(stack):
        if isinstance(item, (Anvil, Miner, FaultyProxy)):
            item.stop()
        else:
            item.__exit__(None, None, None)


@pytest.fixture
def at_point(monkeypatch):
    """``at_point("after_send", 2, action)``: run ``action`` at the second ``after_send`` crash point.

    Several points may be armed; ``at_point.disarm()`` forgets them all.
    """
    armed: dict[tuple[str, int], Callable[[], object]] = {}
    seen: dict[str, int] = {}

    def hook(point):
        seen[point] = seen.get(point, 0) + 1
        action = armed.get((point, seen[point]))
        if action is not None:
            action()

    monkeypatch.setattr(faults, "crash_point", hook)

    class Arm:
        def __call__(self, name, count, action):
            armed[(name, count)] = action

        def disarm(self):
            armed.clear()
            seen.clear()

    return Arm()


def assert_drill_exact(drill, result):
    """Every member holds exactly one token of the series; no nonce gap; the journal matches the chain."""
    nft = drill.nft
    assert [nft.balanceOf(a) for a in drill.addresses] == [1] * len(drill.addresses)
    assert nft.series(drill.series).minted == len(drill.addresses)
    assert drill.nonce("pending") == drill.nonce("latest")  # nothing of ours left waiting
    with Journal(drill.journal_path) as journal:
        record = journal.plan(result.plan_id)
        batches = journal.batches(result.plan_id)
    assert record is not None
    assert record.status == COMPLETE
    assert all(b.status == CONFIRMED for b in batches)
    nonces = []
    for batch in batches:
        receipt = drill.provider.web3.eth.get_transaction_receipt(batch.exec_tx_hash)
        assert (receipt["status"], receipt["blockNumber"]) == (1, batch.block_number)
        tx = drill.provider.web3.eth.get_transaction(batch.exec_tx_hash)
        nonces.append(tx["nonce"])
    assert len(set(nonces)) == len(nonces)  # each batch executed at a nonce of its own
    assert drill.start_nonce <= min(nonces)
    assert max(nonces) < drill.nonce("latest")
    owners = {nft.ownerOf((b.first_token_id or 0) + i) for b in batches for i in range(b.count)}
    assert {o.lower() for o in owners} == {a.lower() for a in drill.addresses}


# ------------------------------------------------------------------ the cases


def test_drill__interval_mining_automine_off__every_member_once(drill):
    d = drill("--block-time", "0.3")

    result = d.run(confirmations=2)

    assert (result.status, result.batches) == ("done", 3)
    assert_drill_exact(d, result)


def test_drill__base_fee_spike_after_first_broadcast__stalled_batches_replaced(drill, at_point):
    d = drill("--block-time", "0.3")
    spike = 200 * GWEI
    at_point("after_send", 1, lambda: d.anvil.call("anvil_setNextBlockBaseFeePerGas", hex(spike)))

    result = d.run(fees=FeePolicy(max_fee_cap=1000 * GWEI))

    assert result.status == "done"
    replaced = [line for line in d.logs if "replaced at nonce" in line]
    assert replaced, d.logs
    # A send refused under the spike is replaced with bumped fees, never broadcast again as it was.
    assert not [line for line in d.logs if "broadcasting it again" in line], d.logs
    with Journal(d.journal_path) as journal:
        variants = [journal.sends(result.plan_id, i) for i in range(result.batches)]
    assert any(len({n for n, _ in v}) == 1 and len(v) > 1 for v in variants)  # same nonce, new fees
    assert_drill_exact(d, result)


def test_drill__fee_cap_under_the_spike__waits_then_batch_pending_and_rerun_finishes(
    drill, at_point
):
    d = drill("--block-time", "0.3")
    at_point(
        "after_send", 1, lambda: d.anvil.call("anvil_setNextBlockBaseFeePerGas", hex(500 * GWEI))
    )

    from collectibles.domain.errors import BatchPending

    with pytest.raises(BatchPending):
        d.run(fees=FeePolicy(max_fee_cap=50 * GWEI), receipt_timeout=1.5)

    assert any("waiting under the fee cap" in line for line in d.logs)
    at_point.disarm()
    result = d.run(fees=FeePolicy(max_fee_cap=5000 * GWEI))  # the operator raises the cap
    assert_drill_exact(d, result)


def test_drill__dropped_transaction__broadcast_again(drill, at_point):
    d = drill("--no-mining")
    miner = d.miner
    dropped = {}

    def drop():  # the runner holds the journal's lock: read it as a plain SQLite file
        with sqlite3.connect(f"file:{d.journal_path}?mode=ro", uri=True) as db:
            (dropped["hash"],) = db.execute("SELECT tx_hash FROM batches WHERE idx = 1").fetchone()
        d.anvil.call("anvil_dropTransaction", dropped["hash"])
        miner.paused.clear()

    at_point("after_sign", 1, miner.paused.set)  # hold every batch in the pool until the drop
    at_point("before_receipt", 1, drop)

    result = d.run()

    assert "batch 1: dropped from the pool; broadcasting it again" in d.logs
    assert result.tx_hashes[1] == dropped["hash"]  # the same signed bytes, sent again
    assert_drill_exact(d, result)


def test_drill__reorg_over_confirmed_batches__sent_again(drill):
    d = drill("--block-time", "0.3")
    airdropper = d.airdropper(confirmations=3)
    reorged: list[int] = []

    def reorg_once(count):  # replace the blocks from the first confirmed batch's up to the head
        if count and not reorged:
            with sqlite3.connect(f"file:{d.journal_path}?mode=ro", uri=True) as db:
                (block,) = db.execute(
                    "SELECT min(block_number) FROM batches WHERE status = 'confirmed'"
                ).fetchone()
            head = int(d.anvil.call("eth_blockNumber"), 16)
            reorged.append(head)
            d.anvil.call("anvil_reorg", head - block + 1, [])

    airdropper.progress = reorg_once

    result = d.run(airdropper)

    assert reorged
    assert any("left the chain (reorg or rollback)" in line for line in d.logs), d.logs
    assert_drill_exact(d, result)


BURNER_INIT = "0x6004600c60003960046000f3" + "5b600056"
"""Creation code of a contract whose code loops until its gas runs out (``JUMPDEST PUSH1 0 JUMP``)."""
BURN_GAS = 3_000_000_000
"""Gas the burner spends in one call: a block holding it takes Anvil seconds to execute (about 3 s here)."""
REORG_DEPTH = 3


def long_call(url, method, *params):
    """One JSON-RPC call that may wait for a long block (the suite's ``rpc`` gives up after 5 s)."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
    request = urllib.request.Request(url, body.encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())["result"]


def test_drill__reorg_races_a_block_being_mined__batches_sent_again_once(drill, at_point):
    # Anvil's anvil_reorg does not wait for a block being mined: that block lands on the new branch, its
    # receipts canonical, while the state is rolled back under it. Our batches in it have successful
    # receipts and no marks, their nonces unused: they never happened for the contract, and are sent again.
    d = drill("--no-mining", "--gas-limit", str(2 * BURN_GAS))
    miner = d.miner
    burner_tx = d.anvil.call("eth_sendTransaction", {"from": d.admin.address, "data": BURNER_INIT})
    burner = d.provider.web3.eth.wait_for_transaction_receipt(burner_tx, timeout=30)[
        "contractAddress"
    ]
    for _ in range(REORG_DEPTH):  # blocks for the reorg to replace, above the deployment's
        d.anvil.call("evm_mine")
    raced: dict[str, Any] = {}

    def race():  # every batch waits in the pool: mine them with the burner, and reorg meanwhile
        with sqlite3.connect(f"file:{d.journal_path}?mode=ro", uri=True) as db:
            raced["hashes"] = [h for (h,) in db.execute("SELECT tx_hash FROM batches")]
        d.anvil.call(
            "eth_sendTransaction", {"from": d.admin.address, "to": burner, "gas": hex(BURN_GAS)}
        )
        mining = threading.Thread(target=long_call, args=(d.anvil.url, "evm_mine"))
        mining.start()
        time.sleep(0.3)  # the block is being executed: the reorg comes in under it
        long_call(d.anvil.url, "anvil_reorg", REORG_DEPTH, [])
        mining.join()
        receipts = [d.anvil.call("eth_getTransactionReceipt", h) for h in raced["hashes"]]
        raced["canonical"] = [
            r is not None
            and d.anvil.call("eth_getBlockByNumber", r["blockNumber"], False)["hash"]
            == r["blockHash"]
            for r in receipts
        ]
        raced["nonce"] = d.nonce("latest")
        miner.paused.clear()

    at_point("after_sign", 1, miner.paused.set)
    at_point("before_receipt", 1, race)

    result = d.run(confirmations=2)

    # The race happened: every batch has a receipt in a block of the chain, none is in its state.
    assert raced["canonical"] == [True] * 3, raced
    assert raced["nonce"] == d.start_nonce, raced
    assert result.status == "done"
    resent = [line for line in d.logs if "the chain's state does not include it" in line]
    assert sorted(line.split(":")[0] for line in resent) == ["batch 0", "batch 1", "batch 2"], (
        d.logs
    )
    assert result.tx_hashes == raced["hashes"]  # the same signed bytes, mined again
    assert_drill_exact(d, result)


def test_drill__mainnet_like_osaka_chain__batches_under_the_tx_gas_cap(drill):
    d = drill(
        "--hardfork", "osaka", "--gas-limit", "60000000", "--enable-tx-gas-limit", members=700
    )
    airdropper = d.airdropper()

    result = d.run(airdropper, batch_size=None)

    assert result.batches == 3  # 337 + 337 + 26: the block would take 500, the cap does not
    for tx_hash in result.tx_hashes:
        tx = d.provider.web3.eth.get_transaction(tx_hash)
        assert tx["gas"] <= TX_GAS_CAP
    assert_drill_exact(d, result)


def test_drill__proxy_resets_429_5xx_and_delays__retried_exactly_once(drill):
    d = drill("--block-time", "0.2", proxy={"every": 3, "delay": 0.3})
    airdropper = d.airdropper(rpc_patience=20)

    result = d.run(airdropper)

    assert set(d.proxy.injected) == {"reset", "429", "503", "delay"}
    assert airdropper.chain.retrying.retries > 0
    assert_drill_exact(d, result)


def test_drill__chain_goes_away_mid_run__clear_error_then_same_command_resumes(drill, at_point):
    d = drill("--block-time", "0.2", proxy={"every": 10**9})
    at_point("after_send", 1, d.proxy.down)

    with pytest.raises(ChainUnavailable) as raised:
        d.run(rpc_patience=1.0)
    assert "rerun the same command to resume" in str(raised.value)
    d.proxy.up()
    at_point.disarm()

    result = d.run(rpc_patience=10)

    assert result.resumed
    assert_drill_exact(d, result)


def test_drill__foreign_transaction_from_same_account__remaining_batches_resigned(drill, at_point):
    d = drill("--block-time", "0.2")

    def foreign():  # another process of the same account takes the nonce batch 0 was signed with
        minter = d.minter.address
        d.anvil.call(
            "eth_sendTransaction",
            {
                "from": minter,
                "to": minter,
                "value": "0x0",
                "nonce": hex(d.nonce("pending")),
                "maxFeePerGas": hex(
                    100 * GWEI
                ),  # too dear for our batch 0 to replace it in the pool
                "maxPriorityFeePerGas": hex(50 * GWEI),
            },
        )

    at_point("after_sign", 2, foreign)

    result = d.run()

    assert any("was used by another transaction; signing it again" in line for line in d.logs)
    assert_drill_exact(d, result)


def test_drill__out_of_funds__stopped_with_amount_then_resumes_after_funding(drill):
    d = drill("--block-time", "0.2")
    d.anvil.call("anvil_setBalance", d.minter.address, hex(10**12))

    with pytest.raises(OutOfFunds) as raised:
        d.run()

    assert raised.value.needed > raised.value.balance == 10**12
    assert "send it at least" in str(raised.value)
    assert d.nft.series(d.series).minted == 0
    d.anvil.call("anvil_setBalance", d.minter.address, hex(10**20))

    result = d.run()

    assert result.status == "done"
    assert_drill_exact(d, result)
