"""Deterministic sample members for the demo and the examples: ``examples/members.csv`` and friends.

Each member's key is ``keccak256("<seed>:<index>")``, so the demo can sign as a member (to show a gift
after the hold). These keys are public by construction: they are for local chains only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from eth_account import Account
from eth_utils import keccak

TIERS = ("gold", "silver", "silver", "bronze", "bronze", "bronze")


@dataclass(frozen=True)
class SampleMember:
    index: int
    member_id: str
    tier: str
    address: str
    private_key: bytes


def sample_members(count: int, seed: str) -> list[SampleMember]:
    """``count`` members of ``seed``, the same every time."""
    return [sample_member(i, seed) for i in range(1, count + 1)]


def sample_member(index: int, seed: str) -> SampleMember:
    """Member ``index`` (from 1) of ``seed``: one key derived, not the ``index - 1`` before it."""
    key = keccak(text=f"{seed}:{index}")
    return SampleMember(
        index,
        f"{seed[:3].upper()}-{index:05d}",
        TIERS[index % len(TIERS)],
        Account.from_key(key).address,
        key,
    )


def members_csv(members: list[SampleMember]) -> str:
    """The member file: ``address,member_id,tier`` with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["address", "member_id", "tier"])
    for m in members:
        writer.writerow([m.address, m.member_id, m.tier])
    return out.getvalue()


EXAMPLES = {
    "members.csv": ("spring-festival-member", 1_000),
    "claim-members.csv": ("court-claim", 100),
}
"""The committed example files and how they are generated."""


def write_examples(folder: Path) -> list[Path]:
    """(Re)write the example member files under ``folder`` (created if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (seed, count) in EXAMPLES.items():
        path = folder / name
        path.write_text(members_csv(sample_members(count, seed)))
        paths.append(path)
    return paths


if __name__ == "__main__":  # `make examples`
    import sys

    for written in write_examples(Path(sys.argv[1] if len(sys.argv) > 1 else "examples")):
        print(f"wrote {written}")
