"""``ape run raffle commit|draw|verify``: a provable raffle on ``CollectibleRaffle``.

- :func:`commit_raffle`: entries from a snapshot under a weight rule, written to the entries file; a fresh
  secret seed in a 0600 seed file (written before anything is sent); then ``commit(entriesRoot, entryCount,
  winnerCount, seedHash, drawDeadlineBlock)``, the deadline ``window`` blocks after the block the commit is
  expected in. The raffle id the commit got is recorded in the seed file.
- :func:`draw_raffle`: the terms from the ``RaffleCommitted`` event; refused before anything is sent if the
  raffle is drawn already, if block ``commitBlock + 2`` is not mined yet or the next block is past the
  deadline, if the seed does not hash to the committed seed hash, or if the entries file is not the
  committed one (its root
  and total weight) or has fewer entries than winners. Then ``R = keccak256(abi.encode(seed,
  blockhash(commitBlock + 1)))`` from the chain's block, the winners by the documented algorithm
  (:mod:`collectibles.domain.raffle`), ``draw(raffleId, terms, seed, winnersRoot)``, and the winners file,
  written once the draw is mined (and only if the contract's randomness is ours).
- :func:`verify_on_chain`: the events and ``blockhash(commitBlock + 1)`` from the chain, the entries file,
  every check of :func:`collectibles.domain.raffle_verify.verify_raffle` (and, given the snapshot, that the
  entries are its holders under the stated weight rule). Nothing is sent.

Events are read with the snapshot's ranged log reader (:mod:`collectibles.chain.logs`) from the raffle
contract's deployment block, filtered by the indexed raffle id, and decoded with the contract's ABI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collectibles.chain.logs import logs_in_ranges, reading_client
from collectibles.chain.programme import programme_at
from collectibles.domain.raffle import (
    MAX_TOTAL_WEIGHT,
    RaffleError,
    WeightRule,
    Winner,
    check_winner_count,
    draw_winners,
    randomness_of,
    winners_root,
)
from collectibles.domain.raffle_files import (
    EntriesHeader,
    entries_of_snapshot,
    read_entries,
    read_winner_accounts,
    write_entries,
    write_winners,
)
from collectibles.domain.raffle_seed import (
    SeedFileProblem,
    new_seed_file,
    read_seed_file,
    record_raffle_id,
)
from collectibles.domain.raffle_verify import (
    RaffleDraw,
    RaffleTerms,
    Verification,
    check_entries,
    snapshot_check,
    verify_raffle,
)
from collectibles.domain.snapshot import writable_temp

if TYPE_CHECKING:
    from ape.api import AccountAPI
    from ape.contracts import ContractInstance

    from collectibles.chain.airdrop.node import NodeClient

CONTRACT = "CollectibleRaffle"
DEFAULT_WINDOW = 200
"""Blocks from the commit to its draw deadline, by default."""
MAX_WINDOW = 255
"""The contract takes a deadline of at most ``commitBlock + 256``; the commit is expected in the next
block, so 255 keeps a margin of one block should it land one later."""
MIN_WINDOW = 3
"""A draw is sent once ``commitBlock + 2`` is mined and must land by the deadline: 3 blocks leave one to
draw in (a commit that lands later than the next block leaves fewer: then choose a longer window)."""


class RaffleRefused(RaffleError):
    """The raffle cannot be committed, drawn or verified now: said before anything is sent."""


@dataclass(frozen=True)
class CommitResult:
    terms: RaffleTerms
    header: EntriesHeader
    entries_path: Path
    seed_path: Path
    tx_hash: str
    seed_created: bool


@dataclass(frozen=True)
class DrawResult:
    terms: RaffleTerms
    draw: RaffleDraw
    winners: list[Winner]
    winners_path: Path
    tx_hash: str


def raffle_at(project: Any, address: str) -> ContractInstance:
    """The project's ``CollectibleRaffle`` at ``address`` (:class:`RaffleRefused` when it has no code)."""
    from ape.utils.basemodel import ManagerAccessMixin

    return programme_at(
        project, ManagerAccessMixin.provider, CONTRACT, address, refused=RaffleRefused
    )


# ---------------------------------------------------------------------------------------------- commit


def commit_raffle(
    raffle: ContractInstance,
    snapshot: Path,
    rule: WeightRule,
    winner_count: int,
    entries_path: Path,
    seed_path: Path,
    sender: AccountAPI,
    window: int = DEFAULT_WINDOW,
    log: Callable[[str], None] = lambda message: None,
) -> CommitResult:
    """Build the entries of ``snapshot``, keep a new secret seed and commit both (see the module)."""
    if not MIN_WINDOW <= window <= MAX_WINDOW:
        raise RaffleRefused(
            f"the draw window must be {MIN_WINDOW} to {MAX_WINDOW} blocks, not {window}"
        )
    entries, header = entries_of_snapshot(snapshot, rule)
    check_winner_count(winner_count, len(entries))
    if entries.total > MAX_TOTAL_WEIGHT:
        raise RaffleRefused(f"the entries weigh {entries.total} tickets, above uint64")
    chain_id = int(raffle.provider.chain_id)
    if int(header.snapshot["chain_id"]) != chain_id:
        raise RaffleRefused(
            f"snapshot {snapshot} was taken on chain {header.snapshot['chain_id']}, the raffle is on "
            f"chain {chain_id}"
        )
    writable_temp(entries_path, "entries file").unlink()
    seed, created = new_seed_file(seed_path, entries.root())
    log(
        ("kept a new secret seed in " if created else "reusing the uncommitted seed in ")
        + str(seed_path)
    )
    write_entries(entries_path, header, entries)
    deadline = raffle.provider.get_block("latest").number + 1 + window
    receipt = raffle.commit(
        entries.root(), entries.total, winner_count, seed.seed_hash, deadline, sender=sender
    )
    [event] = receipt.events.filter(raffle.RaffleCommitted)
    terms = _terms_of(int(event.raffleId), dict(event.event_arguments))
    record_raffle_id(seed_path, seed, terms.raffle_id)
    return CommitResult(terms, header, entries_path, seed_path, str(receipt.txn_hash), created)


# ------------------------------------------------------------------------------------------------ draw


def draw_raffle(
    raffle: ContractInstance,
    entries_path: Path,
    seed_path: Path,
    winners_path: Path,
    sender: AccountAPI,
    raffle_id: int | None = None,
) -> DrawResult:
    """Reveal the seed, draw the winners and record their root (see the module for what is refused)."""
    seed = read_seed_file(seed_path)
    if raffle_id is None:
        if seed.raffle_id is None:
            raise SeedFileProblem(seed_path, "it records no raffle id: pass --raffle ID")
        raffle_id = seed.raffle_id
    elif seed.raffle_id is not None and seed.raffle_id != raffle_id:
        raise SeedFileProblem(
            seed_path, f"it holds the seed of raffle {seed.raffle_id}, not {raffle_id}"
        )
    client = reading_client(raffle.provider)
    terms = committed_terms(raffle, raffle_id, client)
    if drawn(raffle, raffle_id, client) is not None:
        raise RaffleRefused(f"raffle {raffle_id} is drawn already: `raffle verify` re-checks it")
    _check_draw_window(terms, client.block_number())
    if seed.seed_hash != terms.seed_hash:
        raise RaffleRefused(
            f"the seed in {seed_path} does not hash to raffle {raffle_id}'s committed seed hash "
            f"0x{terms.seed_hash.hex()}: it is not this raffle's seed"
        )
    _, entries = read_entries(entries_path)
    check_entries(terms, entries)
    writable_temp(winners_path, "winners file").unlink()
    randomness = randomness_of(seed.seed, _block_hash(client, terms.commit_block + 1))
    winners = draw_winners(entries, randomness, terms.winner_count)
    root = winners_root(winners)
    receipt = raffle.draw(raffle_id, terms.as_struct(), seed.seed, root, sender=sender)
    [event] = receipt.events.filter(raffle.RaffleDrawn)
    recorded = _draw_of(dict(event.event_arguments))
    if recorded.randomness != randomness:
        raise RaffleRefused(
            f"raffle {raffle_id}'s randomness on chain is 0x{recorded.randomness.hex()}, not the "
            f"0x{randomness.hex()} computed here: the winners root recorded is wrong; no winners file written"
        )
    write_winners(winners_path, winners, entries)
    return DrawResult(terms, recorded, winners, winners_path, str(receipt.txn_hash))


def _check_draw_window(terms: RaffleTerms, head: int) -> None:
    """:class:`RaffleRefused` unless block ``commitBlock + 2`` is mined and the next block is within the
    deadline. The contract takes a draw in any block after ``commitBlock + 1``; waiting until that block
    exists lets nodes that simulate a transaction at the latest block (Anvil's gas estimate does) accept it."""
    if head < terms.first_draw_block:
        wait = terms.first_draw_block - head
        raise RaffleRefused(
            f"raffle {terms.raffle_id} cannot be drawn before block {terms.first_draw_block} (the chain is at "
            f"block {head}): blockhash({terms.commit_block + 1}) is not known yet; wait {wait} more block(s)"
        )
    if head + 1 > terms.draw_deadline_block:
        raise RaffleRefused(
            f"raffle {terms.raffle_id} expired at block {terms.draw_deadline_block} without a draw (the chain "
            f"is at block {head}): it can no longer be drawn; commit a new raffle"
        )


# ---------------------------------------------------------------------------------------------- verify


def verify_on_chain(
    raffle: ContractInstance,
    raffle_id: int,
    entries_path: Path,
    winners_path: Path | None = None,
    snapshot_path: Path | None = None,
) -> tuple[RaffleTerms, Verification]:
    """Every check of a drawn raffle against the chain's events and the entries file (and, when given, a
    published winners file and the snapshot the entries came from); nothing is sent.

    :class:`RaffleRefused` when the raffle was never committed or is not drawn (then nothing can match)."""
    client = reading_client(raffle.provider)
    terms = committed_terms(raffle, raffle_id, client)
    draw = drawn(raffle, raffle_id, client)
    if draw is None:
        head = client.block_number()
        state = (
            f"expired at block {terms.draw_deadline_block} without a draw"
            if head >= terms.draw_deadline_block
            else f"not drawn yet (its deadline is block {terms.draw_deadline_block})"
        )
        raise RaffleRefused(f"raffle {raffle_id} is {state}: there are no winners to verify")
    header, entries = read_entries(entries_path)
    published = read_winner_accounts(winners_path) if winners_path is not None else None
    block_hash = _block_hash(client, terms.commit_block + 1)
    verification = verify_raffle(terms, draw, block_hash, entries, published)
    if snapshot_path is not None:
        rule = WeightRule.parse(header.weight)
        from_snapshot, _ = entries_of_snapshot(snapshot_path, rule)
        verification.checks.append(
            snapshot_check(entries, from_snapshot, f"{snapshot_path} under {rule}")
        )
    return terms, verification


# ---------------------------------------------------------------------------------------------- events


def committed_terms(
    raffle: ContractInstance, raffle_id: int, client: NodeClient | None = None
) -> RaffleTerms:
    """The terms of raffle ``raffle_id`` from its ``RaffleCommitted`` event (:class:`RaffleRefused` if none)."""
    found = _events(raffle, "RaffleCommitted", raffle_id, client)
    if not found:
        count = int(raffle.raffleCount())
        raise RaffleRefused(
            f"raffle {raffle_id} was never committed (the contract has {count} raffles)"
        )
    return _terms_of(raffle_id, found[0])


def drawn(
    raffle: ContractInstance, raffle_id: int, client: NodeClient | None = None
) -> RaffleDraw | None:
    """What raffle ``raffle_id``'s ``RaffleDrawn`` event recorded, ``None`` when it is not drawn."""
    found = _events(raffle, "RaffleDrawn", raffle_id, client)
    return _draw_of(found[0]) if found else None


def _events(
    raffle: ContractInstance, name: str, raffle_id: int, client: NodeClient | None
) -> list[dict[str, Any]]:
    """The arguments of every ``name`` event of ``raffle_id``, decoded with the contract's ABI."""
    from eth_abi import decode
    from eth_utils import keccak

    client = client or reading_client(raffle.provider)
    abi = getattr(raffle, name).abi
    topic = "0x" + keccak(text=abi.selector).hex()
    data_inputs = [i for i in abi.inputs if not i.indexed]
    types = [i.canonical_type for i in data_inputs]
    address = str(raffle.address)
    first = client.deployment_block(address)
    found = []
    for log in logs_in_ranges(
        client,
        address,
        [topic, "0x" + raffle_id.to_bytes(32, "big").hex()],
        first,
        client.block_number(),
    ):
        values = decode(types, bytes.fromhex(log["data"][2:]))
        found.append({i.name: v for i, v in zip(data_inputs, values, strict=True)})
    return found


def _terms_of(raffle_id: int, arguments: dict[str, Any]) -> RaffleTerms:
    return RaffleTerms(
        raffle_id=raffle_id,
        entries_root=bytes(arguments["entriesRoot"]),
        entry_count=int(arguments["entryCount"]),
        winner_count=int(arguments["winnerCount"]),
        seed_hash=bytes(arguments["seedHash"]),
        commit_block=int(arguments["commitBlock"]),
        draw_deadline_block=int(arguments["drawDeadlineBlock"]),
    )


def _draw_of(arguments: dict[str, Any]) -> RaffleDraw:
    return RaffleDraw(
        seed=bytes(arguments["seed"]),
        randomness=bytes(arguments["randomness"]),
        winners_root=bytes(arguments["winnersRoot"]),
    )


def _block_hash(client: NodeClient, number: int) -> bytes:
    found = client.block_hash(number)
    if found is None:
        raise RaffleRefused(f"the node has no block {number}")
    return bytes.fromhex(found[2:])
