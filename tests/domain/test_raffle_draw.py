"""collectibles.domain.raffle: weight rules, the entries root, the seed commitment and the winner algorithm.

The algorithm is checked against a second implementation written here from the module's description
(eth_abi encodings, a walk over the weights), so the code and its documentation cannot drift apart."""

import json
import random
import shutil
import subprocess
from array import array
from pathlib import Path

import pytest
from eth_abi import encode
from eth_utils import keccak, to_checksum_address
from hypothesis import given, settings
from hypothesis import strategies as st

from collectibles.domain.merkle import StandardMerkleTree
from collectibles.domain.raffle import (
    ENTRY_ENCODING,
    WINNER_ENCODING,
    Entries,
    Fenwick,
    RaffleError,
    TooManyWinners,
    WeightRule,
    draw_ticket,
    draw_winners,
    randomness_of,
    seed_hash,
    winners_root,
)

ROOT = Path(__file__).resolve().parents[2]
NODE_MERKLE_TREE = ROOT / "node_modules" / "@openzeppelin" / "merkle-tree"
VECTOR_RANDOMNESS = keccak(text="collectibles raffle test vector")
VECTOR_ACCOUNTS = ["0x" + f"{i:040x}" for i in range(1, 6)]
VECTOR_WEIGHTS = [1, 2, 3, 4, 5]


def entries_of(weights, seed=0):
    rng = random.Random(seed)
    accounts = sorted({rng.randbytes(20) for _ in range(len(weights))})
    while len(accounts) < len(weights):  # a repeat among random addresses: draw again
        accounts = sorted({*accounts, rng.randbytes(20)})
    return Entries.of(zip(["0x" + a.hex() for a in accounts], weights, strict=True))


def reference_winners(accounts, weights, randomness, count):
    """The module docstring's algorithm, written plainly: abi.encode, rejection, a walk over the weights."""
    left = list(weights)
    winners = []
    for rank in range(count):
        total = sum(left)
        attempt = 0
        while True:
            x = int.from_bytes(
                keccak(encode(["bytes32", "uint256", "uint256"], [randomness, rank, attempt])),
                "big",
            )
            if x < (2**256 // total) * total:
                break
            attempt += 1
        ticket, index = x % total, 0
        while ticket >= left[index]:
            ticket -= left[index]
            index += 1
        winners.append(to_checksum_address(accounts[index]))
        left[index] = 0
    return winners


# ------------------------------------------------------------------ weight rules


@pytest.mark.parametrize(
    ("rule", "weights"),
    [("per-badge", [1, 3, 7]), ("per-holder", [1, 1, 1]), ("capped:2", [1, 2, 2])],
)
def test_weight_rule__counts_1_3_7__weights(rule, weights):
    assert [WeightRule.parse(rule).weight(c) for c in (1, 3, 7)] == weights
    assert str(WeightRule.parse(rule)) == rule


@pytest.mark.parametrize("text", ["per-token", "capped:0", "capped:", "capped:-1", ""])
def test_weight_rule__unknown_or_zero_cap__refused_naming_the_rules(text):
    with pytest.raises(RaffleError, match="use per-badge"):
        WeightRule.parse(text)


# ------------------------------------------------------------------ entries and their root


def test_entries_root__random_entries__equals_standard_merkle_tree_root():
    entries = entries_of([random.Random(5).randint(1, 9) for _ in range(37)], seed=5)
    values = [[i, entries.account(i), entries.weights[i]] for i in range(len(entries))]

    assert entries.root() == StandardMerkleTree.of(values, list(ENTRY_ENCODING)).root


def test_entries_root__node_openzeppelin_merkle_tree__same_root():
    if not NODE_MERKLE_TREE.is_dir() or shutil.which("node") is None:
        pytest.skip("needs node and npm @openzeppelin/merkle-tree")
    entries = entries_of([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5], seed=11)
    values = [[str(i), entries.account(i), str(entries.weights[i])] for i in range(len(entries))]
    script = (
        'const {StandardMerkleTree} = require("@openzeppelin/merkle-tree");'
        "const v = JSON.parse(process.argv[1]);"
        'console.log(StandardMerkleTree.of(v, ["uint256", "address", "uint256"]).root);'
    )

    run = subprocess.run(
        ["node", "-e", script, json.dumps(values)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

    assert run.stdout.strip() == "0x" + entries.root().hex()


def test_entries_of__rows_not_sorted_by_address__refused():
    with pytest.raises(RaffleError, match="not after the one before"):
        Entries.of([("0x" + "02" * 20, 1), ("0x" + "01" * 20, 1)])


def test_entries_of__capped_rule__weights_capped_and_total_is_their_sum():
    entries = Entries.of(
        [("0x" + "01" * 20, 5), ("0x" + "02" * 20, 1)], WeightRule.parse("capped:3")
    )

    assert (list(entries.weights), entries.total) == ([3, 1], 4)


# ------------------------------------------------------------------ seed and randomness


def test_seed_hash__seed__keccak_of_abi_encoded_bytes32():
    seed = bytes(range(32))

    assert seed_hash(seed) == keccak(encode(["bytes32"], [seed]))


def test_randomness_of__seed_and_block_hash__keccak_of_abi_encode_of_both():
    seed, block_hash = bytes(range(32)), keccak(text="block")

    assert randomness_of(seed, block_hash) == keccak(
        encode(["bytes32", "bytes32"], [seed, block_hash])
    )


def test_seed_hash__seed_not_32_bytes__refused():
    with pytest.raises(RaffleError, match="32 bytes"):
        seed_hash(b"short")


def test_draw_ticket__first_draw_above_the_limit__rejected_and_next_attempt_used():
    total = 2**255 + 1  # the limit is `total` itself: about half of all draws are rejected
    words = lambda r, attempt: int.from_bytes(  # noqa: E731
        keccak(encode(["bytes32", "uint256", "uint256"], [r, 0, attempt])), "big"
    )
    randomness = next(
        r
        for r in (keccak(text=f"r{i}") for i in range(100))
        if words(r, 0) >= total and words(r, 1) < total
    )

    assert draw_ticket(randomness, 0, total) == words(randomness, 1) % total


# ------------------------------------------------------------------ the Fenwick tree


@settings(max_examples=60, deadline=None)
@given(
    weights=st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=40),
    removals=st.lists(st.integers(min_value=0, max_value=39), max_size=10),
)
def test_fenwick_find__any_weights_and_removals__same_entry_as_a_walk(weights, removals):
    tree = Fenwick(weights)
    left = list(weights)
    for removed in removals:
        if removed < len(left):
            tree.add(removed, -left[removed])
            left[removed] = 0
    expected = [i for i, w in enumerate(left) for _ in range(w)]  # ticket t belongs to expected[t]

    assert [tree.find(t) for t in range(sum(left))] == expected


# ------------------------------------------------------------------ the winners


def test_draw_winners__known_vector__documented_winners():
    entries = Entries.of(zip(VECTOR_ACCOUNTS, VECTOR_WEIGHTS, strict=True))

    winners = draw_winners(entries, VECTOR_RANDOMNESS, 3)

    expected = reference_winners(VECTOR_ACCOUNTS, VECTOR_WEIGHTS, VECTOR_RANDOMNESS, 3)
    assert [w.account for w in winners] == expected
    # The vector the README quotes, for anyone re-implementing the draw.
    assert [(w.index, w.ticket) for w in winners] == [(4, 12), (0, 0), (2, 2)]
    assert [w.rank for w in winners] == [0, 1, 2]


@settings(max_examples=40, deadline=None)
@given(
    weights=st.lists(st.integers(min_value=1, max_value=20), min_size=1, max_size=60),
    data=st.data(),
)
def test_draw_winners__any_entries__distinct_entries_of_the_stated_size_as_the_reference(
    weights, data
):
    count = data.draw(st.integers(min_value=1, max_value=len(weights)))
    randomness = data.draw(st.binary(min_size=32, max_size=32))
    entries = entries_of(weights, seed=len(weights))
    accounts = [entries.account(i) for i in range(len(entries))]

    winners = draw_winners(entries, randomness, count)

    assert len(winners) == count
    assert len({w.account for w in winners}) == count
    assert {w.account for w in winners} <= set(accounts)
    assert all(accounts[w.index] == w.account for w in winners)
    assert [w.account for w in winners] == reference_winners(accounts, weights, randomness, count)


def test_draw_winners__same_inputs__same_winners_other_randomness_other_winners():
    entries = entries_of([1] * 200)

    first = draw_winners(entries, keccak(text="a"), 10)

    assert draw_winners(entries, keccak(text="a"), 10) == first
    assert draw_winners(entries, keccak(text="b"), 10) != first


def test_draw_winners__weights_1_and_3__heavier_entry_first_three_times_in_four():
    entries = entries_of([1, 3])
    draws = 2_000

    heavy_first = sum(
        draw_winners(entries, keccak(text=f"draw {i}"), 1)[0].index == 1 for i in range(draws)
    )

    # Binomial(2000, 0.75): mean 1500, standard deviation about 19; 5 deviations either side.
    assert 1_400 < heavy_first < 1_600


def test_draw_winners__more_winners_than_entries__too_many_winners():
    with pytest.raises(TooManyWinners, match="3 winners asked for, but the raffle has only 2"):
        draw_winners(entries_of([5, 5]), VECTOR_RANDOMNESS, 3)


def test_draw_winners__zero_winners__refused():
    with pytest.raises(RaffleError, match="winner count must be 1"):
        draw_winners(entries_of([1]), VECTOR_RANDOMNESS, 0)


def test_winners_root__winners__standard_merkle_tree_of_rank_and_account():
    entries = entries_of([2, 2, 2, 2, 2, 2, 2])
    winners = draw_winners(entries, VECTOR_RANDOMNESS, 5)

    expected = StandardMerkleTree.of(
        [[w.rank, w.account] for w in winners], list(WINNER_ENCODING)
    ).root
    assert winners_root(winners) == expected


def test_entries__weights_array__kept_as_given():
    entries = Entries(bytes(40), array("Q", [1, 2]))

    assert (len(entries), entries.total) == (2, 3)
