"""The SIGKILL drill: ``ape run airdrop`` killed at a random crash point, then rerun differently, 20 times.

A drill, not a test: it prints one line per round and the verdict, and exits non-zero if any round ends
inexact. Run with ``python benchmarks/airdrop_kill_drill.py [--rounds 20] [--seed 9]`` (a few minutes: two
real ``ape run`` processes a round). Each round takes a fresh series and a member file of
:data:`MEMBERS` rows (a few of them repeated), then:

1. runs the airdrop with ``COLLECTIBLES_CRASH_AT`` set to a random point of
   :mod:`collectibles.domain.faults` (``after_sign:N``, ``after_send:N``, ``before_receipt``,
   ``during_report``), with a random batch size (50, 100 or 317), so the process SIGKILLs itself there;
2. reruns it: with the journal deleted, another batch size, the rows reordered at random and
   ``--keep-duplicates`` or not; with the journal kept, the same command (a kept journal's open plan refuses
   another file, batch size or duplicates choice, by design, and sends nothing);
3. checks that every address holds exactly the tokens the two runs asked for (one, or one per row for a
   repeated address once a run kept duplicates) and that the series minted nothing else.

The chain's campaign marks, not the journal, are what keep the second run from minting twice.
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
from pathlib import Path
from typing import Any

from ape import accounts, networks, project
from eth_utils import keccak, to_checksum_address

from collectibles.domain.faults import CRASH_ENV
from collectibles.domain.tokens import SERIES_STRIDE, TransferPolicy

ROOT = Path(__file__).resolve().parents[1]
APE = Path(sys.executable).parent / "ape"
MEMBERS = 700
REPEATED = 12
"""Rows at the end of the member file that repeat an earlier row's address."""
BATCH_SIZES = (50, 100, 317)
CRASH_POINTS = (
    "after_sign:1",
    "after_sign:2",
    "after_sign:3",
    "after_send:1",
    "after_send:2",
    "after_send:3",
    "before_receipt",
    "during_report",
)


def member_rows(seed: int) -> list[str]:
    distinct: list[str] = [
        to_checksum_address(keccak(text=f"drill:{seed}:{i}")[-20:])
        for i in range(MEMBERS - REPEATED)
    ]
    return distinct + [distinct[i * 7] for i in range(REPEATED)]


def write_members(path: Path, rows: list[str]) -> None:
    path.write_text("address,row\n" + "".join(f"{a},{i}\n" for i, a in enumerate(rows)))


def airdrop(
    url: str, contract: str, series: int, members: Path, journal: Path, options: dict
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLLECTIBLES_")}
    if options.get("crash_at"):
        env[CRASH_ENV] = options["crash_at"]
    argv = [
        *(str(APE), "run", "airdrop", "--network", url, "--account", "TEST::1"),
        *("--contract", contract, "--series", str(series), "--members", str(members)),
        *("--batch-size", str(options["batch_size"]), "--journal", str(journal), "--json"),
        *(["--keep-duplicates"] if options.get("keep") else []),
    ]
    return subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def holdings(nft, series: int) -> dict[str, int]:
    held: dict[str, int] = {}
    for serial in range(1, int(nft.series(series).minted) + 1):
        owner = str(nft.ownerOf(series * SERIES_STRIDE + serial)).lower()
        held[owner] = held.get(owner, 0) + 1
    return held


def wanted(rows: list[str], kept: bool) -> dict[str, int]:
    counts: dict[str, int] = {}
    for address in rows:
        key = address.lower()
        counts[key] = counts.get(key, 0) + 1 if kept else 1
    return counts


def one_round(
    rng: random.Random, number: int, url: str, nft, admin, work: Path
) -> tuple[bool, str]:
    tx = nft.createSeries(f"Drill {number}", 999_999, int(TransferPolicy.FREE), 0, "", sender=admin)
    series = int(tx.events.filter(nft.SeriesCreated)[0].seriesId)
    rows = member_rows(number)
    first_file, second_file = work / f"m{number}a.csv", work / f"m{number}b.csv"
    write_members(first_file, rows)
    second_rows = rows[:]
    reorder = rng.random() < 0.5
    if reorder:
        rng.shuffle(second_rows)
    write_members(second_file, second_rows)
    journal = work / f"j{number}.sqlite"
    first: dict[str, Any] = {
        "crash_at": rng.choice(CRASH_POINTS),
        "batch_size": rng.choice(BATCH_SIZES),
        "keep": rng.random() < 0.3,
    }
    second: dict[str, Any] = {"batch_size": rng.choice(BATCH_SIZES), "keep": rng.random() < 0.3}
    drop_journal = rng.random() < 0.5
    if not drop_journal:
        # A kept journal's open plan is resumed by the same command: the same file, batch size and
        # --keep-duplicates (it refuses any other, by design, with nothing sent).
        second = {"batch_size": first["batch_size"], "keep": first["keep"]}
        second_rows, reorder = rows, False
        write_members(second_file, rows)

    crashed = airdrop(url, nft.address, series, first_file, journal, first)
    killed = crashed.returncode == -signal.SIGKILL
    if drop_journal:
        journal.unlink(missing_ok=True)
    rerun = airdrop(url, nft.address, series, second_file, journal, second)
    held = holdings(nft, series)
    # The rerun completes what it asks for; a repeated address may also keep the second token a killed
    # --keep-duplicates run minted before the kill, and never more.
    keep_now, keep_before = bool(second["keep"]), bool(first["keep"])
    low, high = wanted(rows, keep_now), wanted(rows, keep_now or keep_before)
    exact = (
        rerun.returncode == 0
        and held.keys() == low.keys()
        and all(low[a] <= held[a] <= high[a] for a in low)
    )
    outcome = "killed" if killed else f"exit {crashed.returncode}"
    note = (
        f"round {number:2}: kill at {first['crash_at']:14} batch {first['batch_size']:3}"
        f"{' keep' if first['keep'] else '     '} ({outcome}); "
        f"rerun batch {second['batch_size']:3}{' keep' if second['keep'] else '     '}"
        f"{' journal deleted' if drop_journal else ''}{' reordered' if reorder else ''}: "
        f"{sum(held.values())} tokens, {'exact' if exact else 'NOT EXACT'}"
    )
    if not exact:
        note += "\n" + rerun.stdout[-2000:] + rerun.stderr[-2000:]
    return exact, note


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    with networks.parse_network_choice("ethereum:local:foundry") as provider:
        admin, minter = accounts.test_accounts[0], accounts.test_accounts[1]
        nft = admin.deploy(project.Collectible, "Drill", "DRILL", admin, 0, admin, 500)
        nft.grantRole(nft.MINTER_ROLE(), minter, sender=admin)
        url = str(provider.uri)
        results = []
        with tempfile.TemporaryDirectory() as folder:
            for number in range(1, args.rounds + 1):
                exact, note = one_round(rng, number, url, nft, admin, Path(folder))
                print(note, flush=True)
                results.append(exact)
    inexact = results.count(False)
    print(
        f"\n{len(results)} rounds in {time.perf_counter() - started:.0f} s: "
        f"{len(results) - inexact} exact, {inexact} not exact"
    )
    return 1 if inexact else 0


if __name__ == "__main__":
    sys.exit(main())
