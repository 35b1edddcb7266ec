"""collectibles.domain.raffle_verify: a raffle re-checked from its terms, its draw, the block hash and the entries
file; each thing that can be wrong is its own failed check."""

import dataclasses

import pytest
from eth_utils import keccak

from collectibles.domain.raffle import (
    Entries,
    TooManyWinners,
    draw_winners,
    randomness_of,
    seed_hash,
    winners_root,
)
from collectibles.domain.raffle_verify import (
    EntriesNotCommitted,
    RaffleDraw,
    RaffleTerms,
    check_entries,
    snapshot_check,
    verify_raffle,
)

SEED = keccak(text="seed")
BLOCK_HASH = keccak(text="block 11")
ENTRIES = Entries.of(("0x" + f"{i:040x}", i) for i in range(1, 9))


def terms(**changes):
    base = RaffleTerms(3, ENTRIES.root(), ENTRIES.total, 3, seed_hash(SEED), 10, 100)
    return dataclasses.replace(base, **changes)


def honest_draw():
    randomness = randomness_of(SEED, BLOCK_HASH)
    return RaffleDraw(SEED, randomness, winners_root(draw_winners(ENTRIES, randomness, 3)))


def failed(verification):
    return [c.name for c in verification.checks if not c.ok]


def test_verify_raffle__honest_raffle__every_check_matches():
    verification = verify_raffle(terms(), honest_draw(), BLOCK_HASH, ENTRIES)

    assert verification.ok
    assert [c.name for c in verification.checks] == [
        "entries root",
        "entry count",
        "seed",
        "randomness",
        "winners root",
    ]
    assert len(verification.winners) == 3


def test_verify_raffle__recorded_winners_root_not_the_algorithms__winners_root_mismatch():
    draw = dataclasses.replace(honest_draw(), winners_root=keccak(text="chosen by hand"))

    assert failed(verify_raffle(terms(), draw, BLOCK_HASH, ENTRIES)) == ["winners root"]


def test_verify_raffle__other_block_hash__randomness_and_winners_mismatch():
    verification = verify_raffle(terms(), honest_draw(), keccak(text="other"), ENTRIES)

    assert failed(verification) == ["randomness", "winners root"]


def test_verify_raffle__seed_not_the_committed_one__seed_mismatch():
    verification = verify_raffle(
        terms(seed_hash=seed_hash(keccak(text="x"))), honest_draw(), BLOCK_HASH, ENTRIES
    )

    assert failed(verification) == ["seed"]


def test_verify_raffle__other_entries__entries_root_and_count_mismatch():
    other = Entries.of(("0x" + f"{i:040x}", 2 * i) for i in range(1, 9))

    assert failed(verify_raffle(terms(), honest_draw(), BLOCK_HASH, other))[:2] == [
        "entries root",
        "entry count",
    ]


def test_verify_raffle__published_winners_file_out_of_order__winners_file_mismatch():
    verification = verify_raffle(terms(), honest_draw(), BLOCK_HASH, ENTRIES, [])
    accounts = [w.account for w in verification.winners]

    assert verify_raffle(terms(), honest_draw(), BLOCK_HASH, ENTRIES, accounts).ok
    assert failed(verify_raffle(terms(), honest_draw(), BLOCK_HASH, ENTRIES, accounts[::-1])) == [
        "winners file"
    ]


def test_check_entries__committed_entries__passes():
    check_entries(terms(), ENTRIES)


def test_check_entries__other_root__entries_not_committed():
    with pytest.raises(EntriesNotCommitted, match="this is not its entries file"):
        check_entries(terms(entries_root=bytes(32)), ENTRIES)


def test_check_entries__more_winners_than_entries__too_many_winners():
    with pytest.raises(TooManyWinners):
        check_entries(terms(winner_count=9), ENTRIES)


def test_snapshot_check__entries_of_the_snapshot__match_other_weights__mismatch():
    same = Entries.of(("0x" + f"{i:040x}", i) for i in range(1, 9))
    per_holder = Entries.of(("0x" + f"{i:040x}", 1) for i in range(1, 9))

    assert snapshot_check(ENTRIES, same, "holders.jsonl under per-badge").ok
    assert not snapshot_check(ENTRIES, per_holder, "holders.jsonl under per-holder").ok
