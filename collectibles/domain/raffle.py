"""Provable raffles, off chain: entries and their root, the seed commitment, and the winner algorithm.

Entries
    One entry per holder of a snapshot, in the snapshot's order (by address as a 160-bit number), numbered
    from 0: ``(index, account, weight)``. The weight is the command's rule applied to the holder's token
    count: ``per-badge`` (the count: one ticket per token held), ``per-holder`` (1) or ``capped:K``
    (``min(count, K)``). Every weight is at least 1. The raffle's ``entryCount`` on chain is the total weight
    ``T0`` (the number of tickets), its ``entriesRoot`` the root of OpenZeppelin's ``StandardMerkleTree`` over
    the entries with leaf encoding ``["uint256", "address", "uint256"]``: a leaf is
    ``keccak256(keccak256(abi.encode(index, account, weight)))``, so any entry can be proved with
    ``@openzeppelin/merkle-tree`` or ``MerkleProof``.

Seed and randomness
    The operator draws a secret 32-byte ``seed`` and commits ``seedHash = keccak256(abi.encode(seed))`` (the
    hash of the 32 bytes). The draw reveals it; the contract computes
    ``R = keccak256(abi.encode(seed, blockhash(commitBlock + 1)))``, the hash of the 64 bytes ``seed ‖
    blockhash``, where ``commitBlock`` is the block of the commit transaction.

Winners (what :func:`draw_winners` does, step by step)
    Let ``w[i]`` be entry ``i``'s weight and ``T`` the sum of the weights still in the draw (``T0`` at first).
    For rank ``k = 0, 1, …, winnerCount - 1``:

    1. ``attempt = 0``; ``x = uint256(keccak256(abi.encode(R, k, attempt)))`` (96 bytes: ``R`` then ``k`` and
       ``attempt`` as 32-byte big-endian words);
    2. while ``x >= floor(2**256 / T) * T``: ``attempt += 1`` and draw ``x`` again (rejection sampling: the
       tickets stay equally likely, with no modulo bias);
    3. ``ticket = x mod T``;
    4. the winner is the entry ``i`` whose tickets hold it: ``w[0] + … + w[i-1] <= ticket < w[0] + … + w[i]``,
       summing only the weights still in the draw, in entry order;
    5. entry ``i`` is rank ``k``'s winner; its whole weight leaves the draw (``T -= w[i]``, ``w[i] = 0``), so
       the winners are distinct accounts and a holder's chance at each rank is its share of what is left.

    Step 4 uses a Fenwick tree over the weights (:class:`Fenwick`): each rank costs ``O(log n)`` whatever
    the number of entries. More winners than entries is refused (:class:`TooManyWinners`).

    The winners' root is the ``StandardMerkleTree`` root over ``["uint256", "address"]`` leaves
    ``(rank, account)``, which is also a claim tree of :mod:`collectibles.domain.claim_tree`: the winners
    could claim with the Collectible's ``claim`` at the index of their rank.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sha3 import keccak_256

from collectibles.domain.claim_tree import build_tree
from collectibles.domain.errors import CollectiblesError
from collectibles.domain.members import checksum_address
from collectibles.domain.merkle import flat_tree

ENTRY_ENCODING = ("uint256", "address", "uint256")
"""Leaf encoding of an entry: ``(index, account, weight)``."""
WINNER_ENCODING = ("uint256", "address")
"""Leaf encoding of a winner: ``(rank, account)``."""
MAX_TOTAL_WEIGHT = 2**64 - 1
"""``entryCount`` is a ``uint64`` on chain."""
MAX_WINNERS = 2**32 - 1
"""``winnerCount`` is a ``uint32`` on chain."""
_PAD = bytes(12)
_TWO_256 = 1 << 256


class RaffleError(CollectiblesError):
    """A raffle cannot be built, drawn or verified as asked."""


class TooManyWinners(RaffleError):
    def __init__(self, winners: int, entries: int):
        self.winners = winners
        self.entries = entries
        super().__init__(
            f"{winners} winners asked for, but the raffle has only {entries} entries (accounts): "
            "each account wins at most once"
        )


@dataclass(frozen=True)
class WeightRule:
    """How a holder's token count becomes its weight: ``per-badge``, ``per-holder`` or ``capped:K``."""

    name: str
    cap: int | None = None

    @classmethod
    def parse(cls, text: str) -> WeightRule:
        wanted = text.strip().lower()
        if wanted in ("per-badge", "per-holder"):
            return cls(wanted)
        if (match := re.fullmatch(r"capped:([0-9]+)", wanted)) and int(match[1]) >= 1:
            return cls("capped", int(match[1]))
        raise RaffleError(
            f"unknown weight rule {text!r}: use per-badge (one entry per token held), per-holder "
            "(one per address) or capped:K (one per token, at most K, K >= 1)"
        )

    def weight(self, count: int) -> int:
        """The weight of a holder of ``count`` tokens."""
        if self.name == "per-holder":
            return 1
        if self.cap is not None:
            return min(count, self.cap)
        return count

    def __str__(self) -> str:
        return f"capped:{self.cap}" if self.cap is not None else self.name


class Entries:
    """The entries of a raffle, compactly: 20 address bytes and a weight per entry, in index order."""

    __slots__ = ("_root", "accounts", "weights")

    def __init__(self, accounts: bytes, weights: array[int]):
        if len(accounts) != 20 * len(weights):
            raise ValueError("Entries needs 20 address bytes per weight")
        self.accounts = accounts
        """Entry ``i``'s address at ``[20 i, 20 i + 20)``."""
        self.weights = weights
        """Entry ``i``'s weight (``array('Q')``)."""
        self._root: bytes | None = None

    @classmethod
    def of(cls, rows: Iterable[tuple[str, int]], rule: WeightRule | None = None) -> Entries:
        """Entries from ``(address, token count)`` rows sorted by address (a snapshot's holders): each row's
        weight is ``rule``'s (the count itself when no rule). :class:`RaffleError` when the rows are not
        sorted strictly by address or a weight is below 1."""
        accounts, weights = bytearray(), array("Q")
        previous = -1
        for address, count in rows:
            raw = bytes.fromhex(address.removeprefix("0x"))
            key = int.from_bytes(raw, "big")
            if len(raw) != 20 or key <= previous:
                raise RaffleError(
                    f"entry {len(weights)} ({address}) is not after the one before it"
                )
            weight = rule.weight(count) if rule is not None else count
            if weight < 1:
                raise RaffleError(f"entry {len(weights)} ({address}) has weight {weight}")
            previous = key
            accounts += raw
            weights.append(weight)
        return cls(bytes(accounts), weights)

    def __len__(self) -> int:
        return len(self.weights)

    @property
    def total(self) -> int:
        """The total weight: the raffle's ``entryCount``, its number of tickets."""
        return sum(self.weights)

    def account(self, index: int) -> str:
        """Entry ``index``'s address, EIP-55."""
        return (
            "0x"
            + checksum_address(self.accounts[20 * index : 20 * index + 20].hex().encode()).decode()
        )

    def root(self) -> bytes:
        """The entries' ``StandardMerkleTree`` root (``["uint256","address","uint256"]``), computed once."""
        if self._root is None:
            self._root = entries_root(self.accounts, self.weights)
        return self._root


def entry_leaf(index: int, account: bytes, weight: int) -> bytes:
    """The leaf of entry ``(index, 20-byte account, weight)``: ``keccak256(keccak256(abi.encode(...)))``."""
    encoded = index.to_bytes(32, "big") + _PAD + account + weight.to_bytes(32, "big")
    return keccak_256(keccak_256(encoded).digest()).digest()


def entries_root(accounts: bytes, weights: Sequence[int]) -> bytes:
    """The ``StandardMerkleTree`` root of the entries (``accounts`` 20 bytes each, by index)."""
    if not weights:
        raise RaffleError("a raffle needs at least one entry")
    leaves = [  # entry_leaf, inlined: a million calls cost a second
        keccak_256(
            keccak_256(
                i.to_bytes(32, "big")
                + _PAD
                + accounts[20 * i : 20 * i + 20]
                + w.to_bytes(32, "big")
            ).digest()
        ).digest()
        for i, w in enumerate(weights)
    ]
    nodes, _ = flat_tree(leaves)
    return bytes(nodes[:32])


# ---------------------------------------------------------------------------------- seed and randomness


def seed_hash(seed: bytes) -> bytes:
    """``keccak256(abi.encode(bytes32 seed))``: what the commit records."""
    return keccak_256(_word(seed, "seed")).digest()


def randomness_of(seed: bytes, block_hash: bytes) -> bytes:
    """``keccak256(abi.encode(seed, blockhash(commitBlock + 1)))``, as the contract's draw computes it."""
    return keccak_256(_word(seed, "seed") + _word(block_hash, "block hash")).digest()


def _word(value: bytes, what: str) -> bytes:
    if len(value) != 32:
        raise RaffleError(f"the {what} must be 32 bytes, not {len(value)}")
    return bytes(value)


def draw_ticket(randomness: bytes, rank: int, total: int) -> int:
    """Rank ``rank``'s ticket among ``total``: steps 1 to 3 of the module's algorithm."""
    if total < 1:
        raise RaffleError("no tickets left to draw from")
    limit = _TWO_256 // total * total
    head = _word(randomness, "randomness") + rank.to_bytes(32, "big")
    attempt = 0
    while True:
        x = int.from_bytes(keccak_256(head + attempt.to_bytes(32, "big")).digest(), "big")
        if x < limit:
            return x % total
        attempt += 1


class Fenwick:
    """Prefix sums of weights with updates, both in ``O(log n)`` (a binary indexed tree)."""

    __slots__ = ("_size", "_step", "_tree")

    def __init__(self, weights: Sequence[int]):
        size = len(weights)
        tree = [0, *weights]
        for i in range(1, size + 1):  # each node adds itself into its parent: O(n)
            parent = i + (i & -i)
            if parent <= size:
                tree[parent] += tree[i]
        self._tree = tree
        self._size = size
        self._step = 1 << (size.bit_length() - 1) if size else 0

    def add(self, index: int, delta: int) -> None:
        """Add ``delta`` to the weight of entry ``index`` (0-based)."""
        i, tree, size = index + 1, self._tree, self._size
        while i <= size:
            tree[i] += delta
            i += i & -i

    def find(self, ticket: int) -> int:
        """The entry ``i`` with ``sum(w[:i]) <= ticket < sum(w[:i + 1])`` (0-based); ``ticket`` must be below
        the total."""
        position, rest, step, tree, size = 0, ticket, self._step, self._tree, self._size
        while step:
            if position + step <= size and tree[position + step] <= rest:
                position += step
                rest -= tree[position]
            step >>= 1
        return position


@dataclass(frozen=True, slots=True)
class Winner:
    rank: int
    index: int
    """The winning entry's index."""
    account: str
    """EIP-55."""
    ticket: int
    """The ticket drawn for this rank, among the tickets left at that rank."""


def draw_winners(entries: Entries, randomness: bytes, count: int) -> list[Winner]:
    """The ``count`` winners of ``entries`` under ``randomness``, rank 0 first (the module's algorithm)."""
    check_winner_count(count, len(entries))
    weights = entries.weights
    tree = Fenwick(weights)
    total = entries.total
    winners = []
    for rank in range(count):
        ticket = draw_ticket(randomness, rank, total)
        index = tree.find(ticket)
        tree.add(index, -weights[index])
        total -= weights[index]
        winners.append(Winner(rank, index, entries.account(index), ticket))
    return winners


def check_winner_count(count: int, entries: int) -> None:
    """:class:`TooManyWinners` above ``entries``, :class:`RaffleError` outside ``1..MAX_WINNERS``."""
    if not 1 <= count <= MAX_WINNERS:
        raise RaffleError(f"the winner count must be 1 to {MAX_WINNERS:,}, not {count}")
    if count > entries:
        raise TooManyWinners(count, entries)


def winners_root(winners: Sequence[Winner]) -> bytes:
    """The ``StandardMerkleTree`` root over ``(rank, account)`` leaves, ranks from 0."""
    if not winners or [w.rank for w in winners] != list(range(len(winners))):
        raise RaffleError("winners must be given in rank order from 0, at least one")
    return build_tree(w.account for w in winners).root
