"""The re-run matrix: the same members airdropped again in every way ops can vary a run never mint twice.

Each case runs :class:`~collectibles.chain.airdrop.Airdropper` on Ape's chain several times over one member
file (400 rows, 10 of them repeating an earlier address): with batch sizes 50, 100 and 317 or the default
one after the block gas limit changed, with the rows reordered, with or without ``--keep-duplicates``, and
with the journal deleted between runs. After every run each address holds exactly the tokens the runs so far
asked for (one, or one per row for a repeated address once a run kept duplicates), and the series minted
nothing else. A member list that grew gets tokens for its new members only; ``allow_second`` gives the old
ones a deliberate second token.
"""

import csv

import pytest

from collectibles.chain.airdrop import Airdropper
from collectibles.domain.members import load_members

ROWS = 400
REPEATS = 10
"""Rows at the end of the file that repeat the address of an earlier row."""


def address(i):
    return "0x" + f"{0xCA000000 + i * 7919:040x}"


def rows_of(order="file"):
    """The member file's addresses: 390 distinct, then 10 repeating rows 0, 39, 78…"""
    rows = [address(i) for i in range(ROWS - REPEATS)] + [address(i * 39) for i in range(REPEATS)]
    if order == "reversed":
        return rows[::-1]
    if order == "rotated":
        return rows[137:] + rows[:137]
    return rows


@pytest.fixture
def big_series(create_series):
    """A free series with room for every run of the matrix."""
    return create_series(name="Matrix", max_supply=5_000)


@pytest.fixture
def write_members(tmp_path):
    def write(order, name):
        path = tmp_path / f"{name}.csv"
        path.write_text("address,n\n" + "".join(f"{a},{i}\n" for i, a in enumerate(rows_of(order))))
        return path

    return write


@pytest.fixture
def airdrop(collectible, minter, tmp_path, write_members):
    """Returns a runner: one airdrop of the member file in ``order`` with a fresh or kept journal."""
    runs = {"n": 0}

    def go(series, order="file", batch_size=None, keep=False, journal="fresh", **options):
        runs["n"] += 1
        path = write_members(order, f"members-{runs['n']}")
        members = load_members(path, keep_duplicates=keep)
        name = f"journal-{runs['n']}" if journal == "fresh" else journal
        return Airdropper(collectible, minter, **options).run(
            series,
            members,
            members_path=str(path),
            journal_path=tmp_path / "airdrops" / f"{name}.sqlite",
            batch_size=batch_size,
        )

    return go


def holdings(collectible, series):
    """``{lower-case address: tokens of the series it owns}`` over every minted serial."""
    minted = collectible.series(series).minted
    held: dict[str, int] = {}
    for serial in range(1, minted + 1):
        owner = collectible.ownerOf(series * 1_000_000 + serial).lower()
        held[owner] = held.get(owner, 0) + 1
    return held


def expected(kept_duplicates):
    distinct = dict.fromkeys(rows_of(), 1)
    if kept_duplicates:
        for a in rows_of()[ROWS - REPEATS :]:
            distinct[a] += 1
    return distinct


@pytest.fixture
def gas_limit(chain):
    """Returns a setter of Anvil's block gas limit; the limit is put back afterwards."""
    before = chain.provider.web3.eth.get_block("latest")["gasLimit"]

    def set_limit(limit):
        chain.provider.make_request("evm_setBlockGasLimit", [hex(limit)])
        chain.mine()

    yield set_limit
    set_limit(before)


MATRIX = {
    "sizes-50-100-317-journal-deleted": [
        {"batch_size": 50},
        {"batch_size": 100},
        {"batch_size": 317},
    ],
    "reordered": [
        {"batch_size": 100},
        {"batch_size": 100, "order": "reversed"},
        {"batch_size": 50, "order": "rotated"},
    ],
    "journal-kept-other-size": [
        {"batch_size": 50, "journal": "kept"},
        {"batch_size": 317, "journal": "kept"},
        {"batch_size": 100, "journal": "kept", "order": "reversed"},
    ],
    "keep-duplicates-then-not": [
        {"batch_size": 317, "keep": True},
        {"batch_size": 50},
        {"batch_size": 100, "keep": True, "order": "rotated"},
    ],
    "not-then-keep-duplicates": [
        {"batch_size": 100},
        {"batch_size": 50, "keep": True},
        {"batch_size": 317, "keep": True, "order": "reversed"},
        {"batch_size": 100},
    ],
}


@pytest.mark.parametrize("runs", list(MATRIX.values()), ids=list(MATRIX))
def test_rerun_matrix__any_split_order_duplicates_or_journal__never_a_second_token(
    airdrop, collectible, big_series, runs
):
    kept = False
    for number, options in enumerate(runs):
        kept = kept or options.get("keep", False)

        result = airdrop(big_series, **options)

        assert result.status in {"done", "already_done"}, (number, options)
        assert holdings(collectible, big_series) == expected(kept), (number, options)


def test_rerun_matrix__gas_limit_changed_and_journal_deleted__nothing_minted(
    airdrop, collectible, big_series, gas_limit, minter
):
    gas_limit(30_000_000)  # default batch size 317
    first = airdrop(big_series)
    nonce = minter.nonce
    gas_limit(60_000_000)  # default batch size 337 (EIP-7825's cap)

    again = airdrop(big_series, order="reversed")

    assert (first.batches, again.batches) == (
        2,
        2,
    )  # the executed calls, recorded as they were sent
    assert minter.nonce == nonce
    assert holdings(collectible, big_series) == expected(False)


def test_grown_member_list__only_new_members_minted_and_old_ones_reported_served(
    collectible, minter, free_series, tmp_path
):
    old = tmp_path / "old.csv"
    old.write_text("address\n" + "".join(f"{address(i)}\n" for i in range(0, 60, 2)))
    grown = tmp_path / "grown.csv"
    grown.write_text("address\n" + "".join(f"{address(i)}\n" for i in range(60)))
    dropper = Airdropper(collectible, minter)
    dropper.run(
        free_series,
        load_members(old),
        members_path=str(old),
        journal_path=tmp_path / "a.sqlite",
        batch_size=8,
    )

    dry = dropper.dry_run(free_series, load_members(grown), batch_size=8)
    result = dropper.run(
        free_series,
        load_members(grown),
        members_path=str(grown),
        journal_path=tmp_path / "b.sqlite",
        batch_size=8,
    )

    assert (dry.already_served, dry.remaining_members) == (30, 30)
    assert (result.status, result.members, result.already_served) == ("done", 60, 30)
    assert holdings(collectible, free_series) == {address(i): 1 for i in range(60)}
    with open(str(result.report_path), newline="") as handle:
        report = list(csv.DictReader(handle))
    assert [r["address"] for r in report] == [address(i) for i in range(60)]
    assert [r["tx_hash"] == "already served" for r in report] == [i % 2 == 0 for i in range(60)]
    assert all(
        collectible.ownerOf(int(r["token_id"])).lower() == r["address"]
        for r in report
        if r["token_id"]
    )


def test_grown_member_list__allow_second__old_members_get_a_deliberate_second_token(
    collectible, minter, free_series, tmp_path
):
    old = tmp_path / "old.csv"
    old.write_text("address\n" + "".join(f"{address(i)}\n" for i in range(4)))
    grown = tmp_path / "grown.csv"
    grown.write_text("address\n" + "".join(f"{address(i)}\n" for i in range(6)))
    Airdropper(collectible, minter).run(
        free_series, load_members(old), members_path=str(old), journal_path=tmp_path / "a.sqlite"
    )
    second = Airdropper(collectible, minter, allow_second=True)

    second.run(
        free_series,
        load_members(grown),
        members_path=str(grown),
        journal_path=tmp_path / "b.sqlite",
    )
    again = second.run(
        free_series,
        load_members(grown),
        members_path=str(grown),
        journal_path=tmp_path / "c.sqlite",
    )

    assert holdings(collectible, free_series) == {address(i): 2 if i < 4 else 1 for i in range(6)}
    assert again.status == "done"
    assert again.confirmed_now == again.batches  # the executed calls, recorded; nothing sent
