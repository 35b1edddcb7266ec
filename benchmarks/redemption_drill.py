"""The fulfilment SIGKILL drill: ``ape run redemptions fulfil`` killed 20 times, then the ledger against the chain.

A drill, not a test: it prints a line per round and the figures (kills, fulfilments, doubles, missed), and
exits non-zero if a fulfilment was doubled or a redemption missed. Run with
``python benchmarks/redemption_drill.py [--kills 20] [--seed 12]`` (about two and a half minutes: one
``ape run`` a round on one Anvil; rounds go on until that many runs were SIGKILLed). Each round:

1. a holder sends a few redemptions (1 to :data:`MAX_PER_ROUND`, on two tokens, Mark mode);
2. ``fulfil`` runs with ``--range 2`` (a commit every two blocks, so a run has several) and is SIGKILLed,
   either by itself at a crash point of :mod:`collectibles.domain.redemptions_fulfil` picked at random
   (``COLLECTIBLES_CRASH_AT``: after a range is read, inside the transaction, after a commit; its n-th hit),
   or from outside, 0 to 0.4 s after it opened the ledger (its write-ahead log appeared or grew), so among
   its reads and commits (or, for a short round, just after its last one);
3. the ledger is checked at once: no redemption fulfilled twice, no fulfilment of a redemption the chain
   does not hold.

Runs that finish before their kill point count as runs, not kills. After the last round one clean run
catches up and ``verify`` reconciles; a redemption on chain without a fulfilment is *missed*.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from ape import accounts, networks, project
from ape.logging import logger
from eth_utils import keccak
from web3 import HTTPProvider

from collectibles.chain.redemptions import RpcRedemptions
from collectibles.domain.faults import CRASH_ENV
from collectibles.domain.redemptions_ledger import RedemptionLedger
from collectibles.domain.tokens import TransferPolicy

ROOT = Path(__file__).resolve().parents[1]
APE = Path(sys.executable).parent / "ape"
MAX_PER_ROUND = 8
POINTS = ("redemption_after_read", "redemption_in_transaction", "redemption_after_commit")
MARK = 1


def fulfil(url: str, address: str, ledger: Path, crash_at: str | None, kill_after: float | None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLLECTIBLES_")}
    if crash_at:
        env[CRASH_ENV] = crash_at
    argv = [
        *(str(APE), "run", "redemptions", "fulfil", "--network", url),
        *("--redemption", address, "--ledger", str(ledger), "--range", "2"),
    ]
    wal = ledger.with_name(ledger.name + "-wal")
    before = _size(wal)
    proc = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    if kill_after is not None:
        # From outside, mid-run: once the run opened the ledger (its write-ahead log appeared or grew), a
        # random moment later, so the kill lands among reads and commits rather than in Ape's start-up.
        while proc.poll() is None and _size(wal) == before:
            time.sleep(0.01)
        time.sleep(kill_after)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out + err


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return -1


def ledger_state(ledger: Path, chain_keys: set[tuple[int, int, int]]) -> tuple[int, int, int]:
    """``(fulfilments, doubles, not on chain)`` of the ledger as a kill left it."""
    if not ledger.exists():
        return 0, 0, 0
    with RedemptionLedger.read(ledger) as opened:
        rows = [f.redemption.key for f in opened.fulfilments() if f.orphaned is None]
    doubles = sum(n - 1 for n in Counter(rows).values() if n > 1)
    return len(rows), doubles, len(set(rows) - chain_keys)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--kills", type=int, default=20, help="SIGKILLs to reach (rounds go on until then)"
    )
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    logger.set_level("ERROR")  # not a line per redemption sent
    started = time.perf_counter()
    with networks.parse_network_choice("ethereum:local:foundry") as provider:
        admin, holder = accounts.test_accounts[0], accounts.test_accounts[3]
        nft = admin.deploy(project.Collectible, "Drill", "DRILL", admin, 0, admin, 500)
        nft.grantRole(nft.MINTER_ROLE(), admin, sender=admin)
        tx = nft.createSeries("Members", 1_000, int(TransferPolicy.FREE), 0, "", sender=admin)
        series = int(tx.events.filter(nft.SeriesCreated)[0].seriesId)
        tokens = [
            int(nft.mint(series, holder, sender=admin).events.filter(nft.Transfer)[0].tokenId)
            for _ in range(2)
        ]
        redemption = admin.deploy(project.CollectibleRedemption, nft, admin)
        redemption.grantRole(redemption.CAMPAIGN_ROLE(), admin, sender=admin)
        now = provider.chain_manager.pending_timestamp
        redemption.createCampaign([series], now - 60, now + 10**8, MARK, 10_000, sender=admin)
        url = str(provider.uri)
        source = RpcRedemptions(HTTPProvider(url), redemption.address)
        counts = dict.fromkeys(tokens, 0)
        kills = doubles = strays = 0
        with tempfile.TemporaryDirectory() as folder:
            ledger = Path(folder) / "ledger.sqlite"
            number = 0
            while kills < args.kills and number < 3 * args.kills:
                number += 1
                for _ in range(rng.randint(1, MAX_PER_ROUND)):
                    token = rng.choice(tokens)
                    counts[token] += 1
                    order = keccak(text=f"drill order {token} {counts[token]}")
                    redemption.redeem(1, token, order, sender=holder)
                if rng.random() < 0.6:
                    crash_at, kill_after = f"{rng.choice(POINTS)}:{rng.randint(1, 5)}", None
                else:
                    crash_at, kill_after = None, rng.uniform(0.0, 0.4)
                code, output = fulfil(url, redemption.address, ledger, crash_at, kill_after)
                killed = code == -signal.SIGKILL
                kills += killed
                on_chain = {r.key for r in source.redemptions(0, source.head())}
                rows, doubled, stray = ledger_state(ledger, on_chain)
                doubles, strays = doubles + doubled, strays + stray
                how = crash_at or f"SIGKILL {kill_after:.2f} s after open"
                print(
                    f"round {number:2}: {len(on_chain):3} redeemed, {'killed' if killed else f'exit {code}':7}"
                    f" ({how:30}); ledger {rows:3} fulfilled, {doubled} doubled, {stray} not on chain",
                    flush=True,
                )
                if not killed and code != 0:
                    print(output[-2000:])
            final, output = fulfil(url, redemption.address, ledger, None, None)
            on_chain = {r.key for r in source.redemptions(0, source.head())}
            with RedemptionLedger.read(ledger) as opened:
                rows = [f.redemption.key for f in opened.fulfilments() if f.orphaned is None]
            verify = subprocess.run(
                [
                    *(str(APE), "run", "redemptions", "verify", "--network", url),
                    *("--redemption", redemption.address, "--ledger", str(ledger)),
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
    doubles += sum(n - 1 for n in Counter(rows).values() if n > 1)
    missed = len(on_chain - set(rows))
    print(
        f"\n{number} rounds in {time.perf_counter() - started:.0f} s: {kills} SIGKILLs, "
        f"{len(on_chain)} redemptions, {len(set(rows))} fulfilments, {doubles} doubled, {missed} missed, "
        f"{strays} fulfilments not on chain; final run exit {final}, verify exit {verify.returncode}"
    )
    if final or verify.returncode:
        print(output[-1500:] + verify.stdout[-1500:] + verify.stderr[-1500:])
    return 1 if doubles or missed or strays or final or verify.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
