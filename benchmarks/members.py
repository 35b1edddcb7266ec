"""Member-file scale: a 1,000,000-member CSV validated streaming, then planned and journaled, with time and peak memory.

Run with ``python benchmarks/members.py [members]``. Writes the file (address, member id, tier, e-mail) to a
temporary folder, then measures each phase in a fresh Python process of its own, so a phase's peak is not
an earlier phase's leftovers and nothing measured here was imported or allocated by the benchmark itself:

- ``imports``: the modules the airdrop loads to validate, plan and journal, and nothing else (the floor);
- ``validate``: :func:`~collectibles.domain.members.load_members`, what the airdrop command does first;
- ``plan + journal``: everything the airdrop does with the file before its first send, in one process as
  the command does it: validation, :func:`~collectibles.chain.airdrop.plan.plan_airdrop` from the members
  (as the runner calls it) and :meth:`~collectibles.chain.airdrop.journal.Journal.create_plan` writing the
  plan, its members and batches to a new journal, then reading the addresses back from the journal as the
  runner does before it signs (:meth:`~collectibles.chain.airdrop.journal.Journal.addresses`);
- ``airdrop to the first signature``: the real thing on a local Anvil, Ape connected and a Collectible
  deployed: :class:`~collectibles.chain.airdrop.runner.Airdropper` runs from the member file (one member
  fewer: a series holds at most 999,999) through the chain's state, the checks, the journal and the read back
  to its first signed batch, where it is stopped (the ``after_sign`` crash point). Ape, web3 and the
  provider are in this peak; ``connected`` is the same process before it read the file.

Each phase's peak is the child's own ``resource.getrusage(RUSAGE_SELF).ru_maxrss``: the whole process,
interpreter and imports included; its CPU time (``time.process_time``, imports included) is printed beside
the wall time, which other work on the machine stretches. Target: validated and planned in at most 400 MB and about a minute. A
measurement, not a test: it never fails on time.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEMBERS = 1_000_000
TIERS = ("gold", "silver", "bronze")
PHASES = ("imports", "validate", "plan", "airdrop")
FEWER = "fewer.csv"
"""The airdrop phase's member file: the same, less the rows beyond :data:`SERIES_MAX`."""
SERIES_MAX = 999_999
"""The most tokens a series may hold (``Collectible.SERIES_STRIDE`` - 1)."""


class FirstSignature(Exception):
    """Raised at the airdrop's first ``after_sign`` crash point: the run got as far as its first send."""


def write_member_file(path: Path, count: int) -> None:
    """``count`` distinct addresses (checksummed, so every row's checksum is verified), 1,000 rows at a time."""
    from collectibles.domain.members import checksum_address

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
    """This process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_phase(phase: str, path: Path) -> dict[str, float]:
    """Run one phase in this (fresh) process; its step times in seconds and its peak in MB."""
    from collectibles.chain.airdrop.journal import Journal
    from collectibles.chain.airdrop.plan import max_batch_size, plan_airdrop
    from collectibles.domain.members import load_members

    figures: dict[str, float] = {}
    if phase == "airdrop":
        return run_airdrop(path, figures)
    if phase != "imports":
        started = time.perf_counter()
        members = load_members(path)
        figures["validate"] = time.perf_counter() - started
    if phase == "plan":
        started = time.perf_counter()
        plan = plan_airdrop(
            chain_id=31337,
            genesis_hash="0x" + "11" * 32,
            contract="0x" + "22" * 20,
            series_id=1,
            addresses=members.members,
            batch_size=max_batch_size(30_000_000),
        )
        figures["plan"] = time.perf_counter() - started
        figures["batches"] = len(plan.batches)
        started = time.perf_counter()
        with Journal(path.with_suffix(".sqlite")) as journal:
            journal.create_plan(
                plan, members, sender="0x" + "33" * 20, members_path=str(path), start_block=0
            )
            figures["journal"] = time.perf_counter() - started
            started = time.perf_counter()
            addresses = journal.addresses(
                plan.plan_id
            )  # what signing reads back, as the runner does
            figures["read_back"] = time.perf_counter() - started
            figures["first_batch"] = len(addresses[: plan.batches[0].count])
    figures["cpu"] = time.process_time()
    figures["peak_mb"] = peak_mb()
    return figures


def run_airdrop(path: Path, figures: dict[str, float]) -> dict[str, float]:
    """The airdrop of the member file (less its last row) on a fresh Anvil, up to its first signature."""
    from ape import accounts, networks, project

    from collectibles.chain.airdrop import Airdropper
    from collectibles.domain import faults
    from collectibles.domain.members import load_members
    from collectibles.domain.tokens import TransferPolicy

    def first_signature(point: str) -> None:
        if point == "after_sign":
            raise FirstSignature

    fewer = path.with_name(FEWER)
    with networks.parse_network_choice("ethereum:local:foundry"):
        admin = accounts.test_accounts[0]
        nft = admin.deploy(project.Collectible, "Bench", "BENCH", admin, 0, admin, 500)
        nft.grantRole(nft.MINTER_ROLE(), admin, sender=admin)
        tx = nft.createSeries(
            "Big", SERIES_MAX, int(TransferPolicy.FREE), 0, "ipfs://x/", sender=admin
        )
        series_id = int(tx.events.filter(nft.SeriesCreated)[0].seriesId)
        figures["connected_mb"] = peak_mb()
        faults.crash_point = first_signature
        started = time.perf_counter()
        members = load_members(fewer)
        try:
            Airdropper(nft, admin).run(
                series_id,
                members,
                members_path=str(fewer),
                journal_path=fewer.with_suffix(".sqlite"),
            )
        except FirstSignature:
            pass
        else:
            raise RuntimeError("the airdrop finished without reaching its first signature")
        figures["airdrop"] = time.perf_counter() - started
        figures["members"] = len(members.members)
    figures["cpu"] = time.process_time()
    figures["peak_mb"] = peak_mb()
    return figures


def write_fewer(path: Path, count: int) -> None:
    """A copy of the member file beside it with at most :data:`SERIES_MAX` members (its last rows cut),
    streamed: the airdrop phase's peak must be the airdrop's, not this copy's."""
    fewer = path.with_name(FEWER)
    shutil.copyfile(path, fewer)
    if count <= SERIES_MAX:
        return
    with open(fewer, "r+b") as out:  # the rows are the same length give or take: cut from the end
        size = out.seek(0, os.SEEK_END)
        tail = 4096 * (count - SERIES_MAX)
        out.seek(max(0, size - tail))
        lines = out.read().split(b"\n")[:-1]  # the file ends with a newline
        out.truncate(size - sum(len(line) + 1 for line in lines[-(count - SERIES_MAX) :]))


def measure(phase: str, path: Path) -> dict[str, float]:
    """One phase's figures, from a child process of its own."""
    child = subprocess.run(
        [sys.executable, __file__, "--phase", phase, str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,  # Ape finds the project (its contracts) from here
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    (line,) = [line for line in child.stdout.splitlines() if line.startswith("{")]  # Ape logs too
    figures: dict[str, float] = json.loads(line)
    return figures


def main(count: int = MEMBERS) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "members.csv"
        started = time.perf_counter()
        write_member_file(path, count)
        written = time.perf_counter() - started
        size_mb = os.path.getsize(path) / 1e6
        write_fewer(path, count)
        figures = {phase: measure(phase, path) for phase in PHASES}

    print(f"member file: {count:,} members, {size_mb:,.1f} MB, written in {written:.1f} s")
    print("each phase in a fresh process; peak RSS: that process's ru_maxrss")
    print(f"{'phase':34} {'wall s':>8} {'cpu s':>7} {'members/s':>11} {'peak RSS MB':>12}")
    imports = figures["imports"]
    print(
        f"{'imports only':34} {'':>8} {imports['cpu']:>7.2f} {'':>11} {imports['peak_mb']:>12,.0f}"
    )
    validate = figures["validate"]
    print(
        f"{'validate (load_members)':34} {validate['validate']:>8.2f} {validate['cpu']:>7.2f} "
        f"{count / validate['validate']:>11,.0f} {validate['peak_mb']:>12,.0f}"
    )
    plan = figures["plan"]
    total = plan["validate"] + plan["plan"] + plan["journal"] + plan["read_back"]
    print(
        f"{'validate + plan + journal + read':34} {total:>8.2f} {plan['cpu']:>7.2f} "
        f"{count / total:>11,.0f} {plan['peak_mb']:>12,.0f}"
    )
    print(
        f"{'  of which plan_airdrop':34} {plan['plan']:>8.2f}\n"
        f"{'  of which Journal.create_plan':34} {plan['journal']:>8.2f}\n"
        f"{'  of which Journal.addresses':34} {plan['read_back']:>8.2f}"
    )
    chain = figures["airdrop"]
    print(
        f"{'airdrop: Ape connected, deployed':34} {'':>8} {'':>7} {'':>11} {chain['connected_mb']:>12,.0f}"
    )
    print(
        f"{'airdrop to the first signature':34} {chain['airdrop']:>8.2f} {chain['cpu']:>7.2f} "
        f"{chain['members'] / chain['airdrop']:>11,.0f} {chain['peak_mb']:>12,.0f}"
    )
    print(
        f"batches planned: {plan['batches']:,.0f}; the airdrop's members: {chain['members']:,.0f}"
    )
    print("target: validated and planned in <= 400 MB peak and about a minute")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--phase"]:
        print(json.dumps(run_phase(sys.argv[2], Path(sys.argv[3]))))
        sys.exit(0)
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else MEMBERS))
