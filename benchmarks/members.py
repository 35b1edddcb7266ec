"""Member-file scale: a 1,000,000-member CSV validated streaming, then planned, with time and peak memory.

Run with ``python benchmarks/members.py [members]``. Writes the file (address, member id, tier, e-mail) to a
temporary folder, then prints the validation's wall time and the process's peak resident memory after it
(``resource.getrusage``: the whole process, interpreter and imports included), then the same for planning
the airdrop (:func:`collectibles.chain.airdrop.plan.plan_airdrop`, batch ids and all). Target: validated
and planned in at most 400 MB and about a minute. A measurement, not a test: it never fails on time.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from collectibles.chain.airdrop.plan import max_batch_size, plan_airdrop
from collectibles.domain.members import checksum_address, load_members

MEMBERS = 1_000_000
TIERS = ("gold", "silver", "bronze")


def write_member_file(path: Path, count: int) -> None:
    """``count`` distinct addresses (checksummed, so every row's checksum is verified), 64 KB at a time."""
    with open(path, "w", newline="") as out:
        out.write("address,member_id,tier,email\n")
        lines = []
        for i in range(count):
            digits = checksum_address(f"{i + 1:040x}".encode()).decode()
            lines.append(f"0x{digits},M{i:07d},{TIERS[i % 3]},member{i}@example.org\n")
            if len(lines) == 1000:
                out.write("".join(lines))
                lines.clear()
        out.write("".join(lines))


def peak_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(count: int = MEMBERS) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "members.csv"
        started = time.perf_counter()
        write_member_file(path, count)
        written = time.perf_counter() - started
        size_mb = os.path.getsize(path) / 1e6
        before = peak_mb()

        started = time.perf_counter()
        members = load_members(path)
        validated = time.perf_counter() - started
        after_validation = peak_mb()

        started = time.perf_counter()
        plan = plan_airdrop(
            chain_id=31337,
            genesis_hash="0x" + "11" * 32,
            contract="0x" + "22" * 20,
            series_id=1,
            addresses=members.addresses,
            batch_size=max_batch_size(30_000_000),
        )
        planned = time.perf_counter() - started
        after_planning = peak_mb()

    print(f"member file: {count:,} members, {size_mb:,.1f} MB, written in {written:.1f} s")
    print(f"{'step':28} {'wall s':>8} {'members/s':>11} {'peak RSS MB':>12}")
    print(f"{'before validation':28} {'':>8} {'':>11} {before:>12,.0f}")
    print(
        f"{'validate (load_members)':28} {validated:>8.2f} {count / validated:>11,.0f} "
        f"{after_validation:>12,.0f}"
    )
    print(
        f"{'plan (plan_airdrop)':28} {planned:>8.2f} {count / planned:>11,.0f} "
        f"{after_planning:>12,.0f}"
    )
    print(f"batches planned: {len(plan.batches):,}; members validated: {len(members.members):,}")
    print("target: validated and planned in <= 400 MB peak and about a minute")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else MEMBERS))
