"""Re-checking a raffle from what was published: its terms and draw as the chain recorded them, the block hash
the randomness mixed in, and the entries file. Pure: the chain side reads the events and the block hash.

:func:`check_entries` is what the draw checks before it sends anything (the file must be the committed
one); :func:`verify_raffle` is what anyone can run afterwards: every check, each a line saying match or
mismatch, and the winners it re-derived.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from collectibles.domain.raffle import (
    Entries,
    RaffleError,
    Winner,
    check_winner_count,
    draw_winners,
    randomness_of,
    seed_hash,
    winners_root,
)


@dataclass(frozen=True)
class RaffleTerms:
    """What a commit recorded (its ``RaffleCommitted`` event; the contract's ``RaffleTerms`` struct)."""

    raffle_id: int
    entries_root: bytes
    entry_count: int
    """The total weight of the entries."""
    winner_count: int
    seed_hash: bytes
    commit_block: int
    draw_deadline_block: int

    @property
    def first_draw_block(self) -> int:
        """The first block a draw can be in: ``commitBlock + 2`` (``blockhash(commitBlock + 1)`` exists)."""
        return self.commit_block + 2

    def as_struct(self) -> tuple[bytes, bytes, int, int, int, int]:
        """The ``RaffleTerms`` struct as the contract's ``draw`` takes it, in its field order."""
        return (
            self.entries_root,
            self.seed_hash,
            self.entry_count,
            self.winner_count,
            self.commit_block,
            self.draw_deadline_block,
        )


@dataclass(frozen=True)
class RaffleDraw:
    """What a draw recorded (its ``RaffleDrawn`` event)."""

    seed: bytes
    randomness: bytes
    winners_root: bytes


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Verification:
    checks: list[Check] = field(default_factory=list)
    winners: list[Winner] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


class EntriesNotCommitted(RaffleError):
    """The entries file is not the one the raffle committed."""


def check_entries(terms: RaffleTerms, entries: Entries) -> None:
    """:class:`EntriesNotCommitted` unless ``entries`` has the committed root and total weight, and
    :class:`~collectibles.domain.raffle.TooManyWinners` if the committed winners outnumber them."""
    if entries.root() != terms.entries_root:
        raise EntriesNotCommitted(
            f"the entries hash to 0x{entries.root().hex()}, but raffle {terms.raffle_id} committed "
            f"0x{terms.entries_root.hex()}: this is not its entries file"
        )
    if entries.total != terms.entry_count:
        raise EntriesNotCommitted(
            f"the entries weigh {entries.total} tickets, but raffle {terms.raffle_id} committed "
            f"{terms.entry_count}"
        )
    check_winner_count(terms.winner_count, len(entries))


def snapshot_check(entries: Entries, from_snapshot: Entries, source: str) -> Check:
    """Whether the published entries are the ones ``source`` (a snapshot under the entries' weight rule)
    gives: anyone can take the snapshot again at the block the entries header names and compare."""
    same = from_snapshot.root() == entries.root()
    return Check(
        "entries from snapshot",
        same,
        f"{source} gives {len(from_snapshot)} entries, root {_hex(from_snapshot.root())}",
    )


def _hex(value: bytes) -> str:
    return "0x" + value.hex()


def verify_raffle(
    terms: RaffleTerms,
    draw: RaffleDraw,
    block_hash: bytes,
    entries: Entries,
    published_winners: list[str] | None = None,
) -> Verification:
    """Every check of a drawn raffle (see the module); ``block_hash`` is ``blockhash(commitBlock + 1)``."""
    found = Verification()
    add = found.checks.append
    root = entries.root()
    add(
        Check(
            "entries root",
            root == terms.entries_root,
            f"{_hex(root)} (committed {_hex(terms.entries_root)})",
        )
    )
    add(
        Check(
            "entry count",
            entries.total == terms.entry_count,
            f"{entries.total} tickets in {len(entries)} entries (committed {terms.entry_count})",
        )
    )
    revealed = seed_hash(draw.seed)
    add(
        Check(
            "seed",
            revealed == terms.seed_hash,
            f"hash {_hex(revealed)} (committed {_hex(terms.seed_hash)})",
        )
    )
    randomness = randomness_of(draw.seed, block_hash)
    add(
        Check(
            "randomness",
            randomness == draw.randomness,
            f"keccak256(seed, blockhash({terms.commit_block + 1}) = {_hex(block_hash)}) = "
            f"{_hex(randomness)} (recorded {_hex(draw.randomness)})",
        )
    )
    if terms.winner_count > len(entries):
        add(Check("winners", False, f"{terms.winner_count} winners but {len(entries)} entries"))
        return found
    found.winners = draw_winners(entries, randomness, terms.winner_count)
    derived = winners_root(found.winners)
    add(
        Check(
            "winners root",
            derived == draw.winners_root,
            f"{_hex(derived)} from {len(found.winners)} winners (recorded {_hex(draw.winners_root)})",
        )
    )
    if published_winners is not None:
        accounts = [w.account.lower() for w in found.winners]
        same = [a.lower() for a in published_winners] == accounts
        add(Check("winners file", same, f"{len(published_winners)} winners listed, in rank order"))
    return found
