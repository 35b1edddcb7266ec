"""Raffle throughput, off chain: the entries root, the draw and the re-verification at 100,000 and 1,000,000
entries.

Run with ``python benchmarks/raffle.py [entries…]``. For each size it makes that many holders (random
addresses, one to five tokens each, ``per-badge`` weights), writes the entries file as ``raffle commit``
does, then times what each command computes:

- build root: the entries' ``StandardMerkleTree`` root (``raffle commit``);
- draw: what ``raffle draw`` computes: the entries file read and checked row by row, its root rebuilt and
  compared with the committed one, the randomness, 1,000 winners
  (:func:`~collectibles.domain.raffle.draw_winners`, Fenwick tree) and their root;
- verify: the entries file read and checked row by row, its root rebuilt, the winners re-derived and every
  check of :func:`~collectibles.domain.raffle_verify.verify_raffle` made (``raffle verify``, but the chain
  reads).

Target: 1,000,000 entries drawn and re-verified in under a minute (draw + verify). A measurement, not a
test: it fails only when the verification disagrees with the draw.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from collectibles.domain.raffle import (
    Entries,
    WeightRule,
    draw_winners,
    randomness_of,
    seed_hash,
    winners_root,
)
from collectibles.domain.raffle_files import entries_header, read_entries, write_entries
from collectibles.domain.raffle_verify import RaffleDraw, RaffleTerms, check_entries, verify_raffle

SIZES = (100_000, 1_000_000)
WINNERS = 1_000
TARGET_SECONDS = 60


def holders(count: int, seed: int) -> list[tuple[str, int]]:
    """``count`` distinct random addresses sorted as numbers, each with one to five tokens."""
    rng = random.Random(seed)
    accounts: set[bytes] = set()
    while len(accounts) < count:
        accounts.add(rng.randbytes(20))
    return [("0x" + a.hex(), rng.randint(1, 5)) for a in sorted(accounts)]


def run(size: int, folder: Path) -> tuple[float, float, float, float]:
    """``(write s, build-root s, draw s, verify s)`` for ``size`` entries."""
    rows = holders(size, seed=size)
    entries = Entries.of(rows, WeightRule.parse("per-badge"))
    started = time.perf_counter()
    root = entries.root()
    build = time.perf_counter() - started
    path = folder / f"entries-{size}.jsonl"
    started = time.perf_counter()
    write_entries(path, entries_header(entries, "per-badge", {}), entries)
    write = time.perf_counter() - started

    seed, block_hash = random.Random(1).randbytes(32), random.Random(2).randbytes(32)
    terms = RaffleTerms(1, root, entries.total, WINNERS, seed_hash(seed), 10, 200)
    started = time.perf_counter()
    _, read = read_entries(path)
    check_entries(terms, read)
    randomness = randomness_of(seed, block_hash)
    winners = draw_winners(read, randomness, WINNERS)
    drawn_root = winners_root(winners)
    draw = time.perf_counter() - started

    started = time.perf_counter()
    _, published = read_entries(path)
    verification = verify_raffle(
        terms, RaffleDraw(seed, randomness, drawn_root), block_hash, published
    )
    verify = time.perf_counter() - started
    if not verification.ok or verification.winners != winners:
        bad = [c for c in verification.checks if not c.ok]
        raise RuntimeError(f"the verification of {size:,} entries disagrees: {bad}")
    return write, build, draw, verify


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or list(SIZES)
    print(
        f"{'entries':>10} {'write s':>8} {'build-root s':>13} {'draw s':>8} {'verify s':>9} "
        f"{'draw+verify s':>14} {'target s':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            write, build, draw, verify = run(size, Path(tmp))
            print(
                f"{size:>10,} {write:>8.2f} {build:>13.2f} {draw:>8.2f} {verify:>9.2f} "
                f"{draw + verify:>14.2f} {TARGET_SECONDS:>9}",
                flush=True,
            )
    print(
        f"({WINNERS:,} winners each; draw and verify each read the entries file and rebuild its root)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
