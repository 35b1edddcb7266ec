"""Published CAR files read despite damage: every block that matches its CID kept, the rest reported.

:meth:`BlockStore.from_cars <collectibles.ipfs.blockstore.BlockStore.from_cars>` stops at the first bad
file, which suits a gateway that must serve only what it can vouch for. The audit behind ``ape run verify``
(:mod:`collectibles.chain.audit`) must instead go on and say what the damage costs each token, so here an
unreadable or truncated file and a block whose bytes were altered each become a :class:`ContentProblem`,
and an altered block is refused in the store (asking for it says where it was altered). Separate from the
block store because the store holds verified blocks; deciding what to make of a damaged publication is
the reader's business. Files only: no chain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from collectibles.ipfs.blockstore import BlockStore
from collectibles.ipfs.car import NotACar, read_car_sections
from collectibles.ipfs.cid import BlockMismatch


@dataclass(frozen=True)
class ContentProblem:
    """Damage found in the published CAR files; the tokens it affects say so in their own problems."""

    car: str
    """The CAR file (or the folder that holds none)."""
    problem: str
    block: str | None = None
    """The CID of the block concerned, when one is (altered bytes)."""


def load_published(paths: Iterable[Path | str]) -> tuple[BlockStore, list[ContentProblem]]:
    """The blocks of the CAR files at ``paths`` (a folder stands for every ``*.car`` under it), and what
    was wrong with them. Unlike :meth:`BlockStore.from_cars`, damage does not stop the reading: every
    block that matches its CID is kept; a block that does not is refused (asking for it says so)."""
    store = BlockStore()
    problems: list[ContentProblem] = []
    for path in map(Path, paths):
        files = sorted(path.rglob("*.car")) if path.is_dir() else [path]
        if not files:
            problems.append(ContentProblem(str(path), "the folder holds no CAR file"))
        for car in files:
            problems += _salvage_car(store, car)
    return store, problems


def _salvage_car(store: BlockStore, car: Path) -> list[ContentProblem]:
    """Add what can be kept of one CAR file to ``store``; the problems it has."""
    try:
        roots, sections = read_car_sections(car.read_bytes())
    except OSError as err:
        return [ContentProblem(str(car), f"cannot be read ({err.strerror or err})")]
    except NotACar as err:
        return [ContentProblem(str(car), str(err))]
    store.roots.extend(roots)
    problems = []
    try:
        for cid, block in sections:
            try:
                store.put(cid, block)
            except BlockMismatch:
                store.refuse(cid, f"in {car.name} does not match its CID (its bytes were altered)")
                problems.append(
                    ContentProblem(str(car), "a block does not match its CID", str(cid))
                )
    except NotACar as err:
        problems.append(ContentProblem(str(car), f"{err.problem}: the blocks after it are lost"))
    return problems
