"""collectibles/domain/redemptions_fulfil.py: the cursor, confirmations, ranges and reorganisations, on a chain
in memory that a test mines and reorganises; a run's totals, and the reconciliation and fulfilments as JSON."""

from __future__ import annotations

import pytest

from collectibles.domain.redemptions import Redemption, reconcile
from collectibles.domain.redemptions_fulfil import Fulfiller, FulfilTotals
from collectibles.domain.redemptions_ledger import RedemptionLedger
from collectibles.domain.redemptions_ledger_file import LedgerIdentity

HOLDER = "0x" + "ab" * 20
IDENTITY = LedgerIdentity(31337, "0x" + "11" * 32, "0x" + "cd" * 20, 1)


def order(n: int) -> str:
    return "0x" + f"{n:064x}"


class MemoryChain:
    """A redemption source whose blocks the test mines and replaces; ``deliver_twice`` repeats every event
    (a node or proxy that answers twice)."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, list[Redemption]]] = [("0xgenesis", [])]
        self.fork = "a"
        self.deliver_twice = False
        self.reads: list[tuple[int, int]] = []

    def mine(self, *redeemed: tuple[int, int, int], holder: str = HOLDER) -> int:
        """A block with a ``Redeemed`` event per ``(campaign, token, count)``; its number. A transaction's
        hash is the same on every fork (the same signed transaction, mined again)."""
        number = len(self.blocks)
        block_hash = f"0x{self.fork}{number:04}"
        events = [
            Redemption(
                c,
                t,
                holder,
                order(c * 1000 + t * 10 + n),
                n,
                number,
                block_hash,
                f"0xtx{c}-{t}-{n}",
                i,
            )
            for i, (c, t, n) in enumerate(redeemed)
        ]
        self.blocks.append((block_hash, events))
        return number

    def mine_empty(self, count: int) -> None:
        for _ in range(count):
            self.mine()

    def reorg(self, from_block: int, fork: str) -> None:
        """Drop blocks ``from_block`` onwards; blocks mined next belong to ``fork``."""
        del self.blocks[from_block:]
        self.fork = fork

    def events(self) -> list[Redemption]:
        return [e for _, events in self.blocks for e in events]

    def head(self) -> int:
        return len(self.blocks) - 1

    def block_hash(self, number: int) -> str | None:
        return self.blocks[number][0] if 0 <= number < len(self.blocks) else None

    def redemptions(self, first: int, last: int) -> list[Redemption]:
        self.reads.append((first, last))
        found = [e for _, events in self.blocks[first : last + 1] for e in events]
        return found + found if self.deliver_twice else found


@pytest.fixture
def chain():
    return MemoryChain()


@pytest.fixture
def ledger(tmp_path):
    with RedemptionLedger.open(tmp_path / "ledger.sqlite", IDENTITY) as opened:
        yield opened


def keys(fulfilments):
    return sorted(f.redemption.key for f in fulfilments)


def live(ledger):
    return [f for f in ledger.fulfilments() if f.orphaned is None]


def test_run_once__events_in_several_ranges__each_fulfilled_once_cursor_at_target(chain, ledger):
    chain.mine((1, 11, 1))
    chain.mine_empty(3)
    chain.mine((1, 12, 1), (2, 11, 1))
    chain.mine_empty(5)

    result = Fulfiller(ledger, chain, span=3).run_once()

    assert keys(result.fulfilled) == [(1, 11, 1), (1, 12, 1), (2, 11, 1)]
    assert chain.reads == [(1, 3), (4, 6), (7, 9), (10, 10)]
    assert result.cursor is not None
    assert result.cursor.block == 10


def test_run_once__confirmations__the_last_blocks_wait(chain, ledger):
    chain.mine((1, 11, 1))
    chain.mine((1, 12, 1))
    chain.mine_empty(1)

    result = Fulfiller(ledger, chain, confirmations=3).run_once()

    assert keys(result.fulfilled) == [(1, 11, 1)]
    assert ledger.cursor().block == 1


def test_run_once__rerun__nothing_new_and_only_new_blocks_read(chain, ledger):
    chain.mine((1, 11, 1))
    Fulfiller(ledger, chain).run_once()
    chain.mine_empty(2)
    chain.reads.clear()

    again = Fulfiller(ledger, chain).run_once()

    assert (again.fulfilled, chain.reads) == ([], [(2, 3)])


def test_run_once__every_event_delivered_twice__fulfilled_once(chain, ledger):
    chain.deliver_twice = True
    chain.mine((1, 11, 1), (1, 11, 2))

    result = Fulfiller(ledger, chain).run_once()

    assert (keys(result.fulfilled), result.duplicates) == ([(1, 11, 1), (1, 11, 2)], 2)
    assert len(ledger.fulfilments()) == 2


def test_run_once__reorg_that_drops_a_redemption__orphaned_and_verify_names_it(chain, ledger):
    chain.mine((1, 11, 1))
    chain.mine_empty(2)
    chain.mine((1, 12, 1))
    Fulfiller(ledger, chain, span=2).run_once()
    chain.reorg(4, "b")  # block 4 (the second redemption) is replaced by an empty one
    chain.mine_empty(2)

    result = Fulfiller(ledger, chain, span=2).run_once()

    assert [r.to_block for r in result.rewinds] == [2]  # the newest checkpoint the chain still has
    assert keys(result.orphaned) == [(1, 12, 1)]
    assert keys(live(ledger)) == [(1, 11, 1)]
    check = reconcile(chain.events(), ledger.fulfilments(), checked_to=chain.head(), cursor=6)
    assert [f.redemption.key for f in check.unredeemed] == [(1, 12, 1)]
    assert "its block left the chain" in check.lines()[0]


def test_run_once__reorg_that_moves_a_redemption__same_fulfilment_no_double(chain, ledger):
    chain.mine_empty(2)
    chain.mine((1, 11, 1))
    Fulfiller(ledger, chain).run_once()
    [before] = ledger.fulfilments()
    chain.reorg(2, "b")
    chain.mine_empty(3)
    chain.mine((1, 11, 1))  # the same transaction, mined three blocks later on the new fork

    result = Fulfiller(ledger, chain).run_once()

    assert (result.fulfilled, result.orphaned, result.revived) == ([], [], 1)
    [after] = ledger.fulfilments()
    assert after.fulfilment_id == before.fulfilment_id
    assert (after.orphaned, after.redemption.block_number) == (None, 5)


def test_run_once__reorg_deeper_than_every_checkpoint__reads_again_from_the_start(chain, ledger):
    chain.mine((1, 11, 1))
    chain.mine((1, 12, 1))
    Fulfiller(ledger, chain).run_once()
    chain.reorg(1, "b")
    chain.mine((1, 12, 1))
    chain.mine_empty(1)
    chain.reads.clear()

    result = Fulfiller(ledger, chain).run_once()

    assert [r.to_block for r in result.rewinds] == [0]
    assert chain.reads == [(1, 2)]
    assert keys(result.orphaned) == [(1, 11, 1)]
    assert keys(live(ledger)) == [(1, 12, 1)]
    assert len(ledger.fulfilments()) == 2  # (1, 12, 1) revived, not fulfilled a second time


def test_run_once__chain_shorter_than_the_cursor__rewinds(chain, ledger):
    chain.mine_empty(4)
    chain.mine((1, 11, 1))
    Fulfiller(ledger, chain, span=2).run_once()
    chain.reorg(3, "b")  # a node restarted from an older state: blocks 3.. are gone

    result = Fulfiller(ledger, chain, span=2).run_once()

    assert keys(result.orphaned) == [(1, 11, 1)]
    assert ledger.cursor().block == 2


def test_run_once__chain_moves_while_a_range_is_read__range_read_again(chain, ledger):
    chain.mine((1, 11, 1))
    moved = []

    class Moving(MemoryChain):
        def redemptions(self, first, last):
            found = super().redemptions(first, last)
            if not moved:  # the first answer is from a block the chain replaces right after
                moved.append(True)
                self.reorg(1, "b")
                self.mine((1, 12, 1))
            return found

    moving = Moving()
    moving.blocks = chain.blocks

    result = Fulfiller(ledger, moving).run_once()

    assert keys(result.fulfilled) == [(1, 12, 1)]
    assert moving.reads == [(1, 1), (1, 1)]


def test_follow__polls__new_blocks_each_poll_and_node_errors_reported_not_fatal(chain, ledger):
    passes, errors = [], []
    fulfiller = Fulfiller(ledger, chain)
    plan = iter([lambda: chain.mine((1, 11, 1)), lambda: None, lambda: chain.mine((1, 12, 1))])
    failing = {"left": 1}
    real_head = chain.head

    def head():
        if failing["left"] and len(passes) == 1:
            failing["left"] -= 1
            raise ConnectionError("node away")
        return real_head()

    chain.head = head  # type: ignore[method-assign]

    def sleep(_):
        next(plan)()

    done = fulfiller.follow(
        0.01,
        polls=4,
        on_pass=passes.append,
        on_error=errors.append,
        sleep=sleep,
    )

    assert done == 4
    assert [keys(p.fulfilled) for p in passes] == [[], [(1, 11, 1)], [(1, 12, 1)]]
    assert [str(e) for e in errors] == ["node away"]


def test_reconcile__fulfilled_after_the_cursor_and_missing__both_directions_named(chain, ledger):
    chain.mine((1, 11, 1))
    Fulfiller(ledger, chain).run_once()
    chain.mine((1, 12, 1))
    stray = Redemption(9, 99, HOLDER, order(9), 1, 1, "0xa0001", "0xfake", 5)
    ledger.apply([stray], 1, chain.block_hash(1) or "")

    check = reconcile(chain.events(), ledger.fulfilments(), checked_to=2, cursor=1)

    assert not check.clean
    assert [r.key for r in check.unfulfilled] == [(1, 12, 1)]
    assert [f.redemption.key for f in check.unredeemed] == [(9, 99, 1)]
    assert check.lines()[0].startswith("redeemed but not fulfilled (after the ledger's cursor")
    assert check.lines()[1].startswith("fulfilled but not redeemed: F-")


def test_run_once__settled_orphan_back_on_chain__revived_once_and_reported_unsettled(chain, ledger):
    chain.mine_empty(2)
    chain.mine((1, 11, 1))
    Fulfiller(ledger, chain).run_once()
    chain.reorg(2, "b")
    chain.mine_empty(2)
    [gone] = Fulfiller(ledger, chain).run_once().orphaned
    ledger.settle(gone.fulfilment_id, "order cancelled, refund 123")
    chain.mine((1, 11, 1))  # a later reorganisation brings the same transaction back

    result = Fulfiller(ledger, chain).run_once()

    assert (result.fulfilled, result.revived) == ([], 1)
    assert [
        (f.fulfilment_id, f.settled.reason if f.settled else None) for f in result.unsettled
    ] == [(gone.fulfilment_id, "order cancelled, refund 123")]
    [row] = ledger.fulfilments()
    assert (row.fulfilment_id, row.orphaned, row.settled) == (gone.fulfilment_id, None, None)


def test_reconcile__settled_orphan__listed_apart_not_a_mismatch(chain, ledger):
    chain.mine((1, 11, 1))
    chain.mine((1, 12, 1))
    Fulfiller(ledger, chain).run_once()
    chain.reorg(2, "b")
    chain.mine_empty(1)
    Fulfiller(ledger, chain).run_once()
    [gone] = [f for f in ledger.fulfilments() if f.orphaned]
    ledger.settle(gone.fulfilment_id, "order cancelled", now=1_700_000_000.0)

    check = reconcile(chain.events(), ledger.fulfilments(), checked_to=chain.head(), cursor=2)

    assert check.clean
    assert (check.lines(), [f.fulfilment_id for f in check.settled]) == ([], [gone.fulfilment_id])
    assert check.settled_lines() == [
        f"settled off chain: {gone.fulfilment_id} for {gone.redemption.describe()}, on "
        "2023-11-14 22:13:20 UTC: order cancelled"
    ]


def test_reconcile__orphan_not_settled_beside_a_settled_one__still_a_mismatch(chain, ledger):
    chain.mine((1, 11, 1), (1, 12, 1))
    Fulfiller(ledger, chain).run_once()
    chain.reorg(1, "b")
    chain.mine_empty(1)
    Fulfiller(ledger, chain).run_once()
    settled, unsettled = ledger.fulfilments()
    ledger.settle(settled.fulfilment_id, "order cancelled")

    check = reconcile(chain.events(), ledger.fulfilments(), checked_to=chain.head(), cursor=1)

    assert not check.clean
    assert [f.fulfilment_id for f in check.settled] == [settled.fulfilment_id]
    assert [f.fulfilment_id for f in check.unredeemed] == [unsettled.fulfilment_id]


def test_reconcile__as_dict__keys_ids_and_settlements_for_json(chain, ledger):
    chain.mine((1, 11, 1), (1, 12, 1))
    Fulfiller(ledger, chain).run_once()
    chain.reorg(1, "b")
    chain.mine((1, 13, 1))
    Fulfiller(ledger, chain, confirmations=2).run_once()
    settled, unsettled = ledger.fulfilments()
    ledger.settle(settled.fulfilment_id, "order cancelled", now=1_700_000_000.0)

    check = reconcile(chain.events(), ledger.fulfilments(), checked_to=chain.head(), cursor=0)

    assert check.as_dict() == {
        "clean": False,
        "redemptions": 1,
        "fulfilments": 2,
        "checked_to": 1,
        "unfulfilled": ["1/13/1"],
        "unredeemed": [unsettled.fulfilment_id],
        "settled": [
            {
                "fulfilment_id": settled.fulfilment_id,
                "reason": "order cancelled",
                "settled_at": "2023-11-14T22:13:20Z",
            }
        ],
    }


def test_fulfilment__as_dict__redemption_place_orphan_and_settlement(chain, ledger):
    chain.mine((1, 11, 1))
    [fulfilled] = Fulfiller(ledger, chain).run_once().fulfilled
    chain.reorg(1, "b")
    chain.mine_empty(1)
    Fulfiller(ledger, chain).run_once()
    settled = ledger.settle(fulfilled.fulfilment_id, "order cancelled", now=1_700_000_000.0)

    assert fulfilled.as_dict() == {
        "fulfilment_id": fulfilled.fulfilment_id,
        "campaign_id": 1,
        "token_id": 11,
        "count": 1,
        "holder": HOLDER,
        "order_ref": order(1000 + 110 + 1),
        "block": 1,
        "tx_hash": "0xtx1-11-1",
        "orphaned": None,
        "settled": None,
    }
    assert settled.orphaned is not None
    assert settled.as_dict()["orphaned"] == settled.orphaned
    assert settled.as_dict()["settled"] == {
        "reason": "order cancelled",
        "settled_at": "2023-11-14T22:13:20Z",
    }


def test_fulfil_totals__listed__every_pass_added_and_the_last_cursor(chain, ledger):
    chain.mine((1, 11, 1))
    fulfiller = Fulfiller(ledger, chain)
    totals = FulfilTotals()
    totals.add(fulfiller.run_once())
    chain.mine((1, 12, 1))
    totals.add(fulfiller.run_once())

    out = totals.as_dict()

    assert (out["passes"], out["fulfilled_count"], out["cursor"]) == (2, 2, 2)
    assert [f["token_id"] for f in out["fulfilled"]] == [11, 12]
    assert (out["orphaned"], out["unsettled"]) == ([], [])


def test_fulfil_totals__not_listed__counts_only(chain, ledger):
    chain.mine((1, 11, 1))
    totals = FulfilTotals(listed=False)

    totals.add(Fulfiller(ledger, chain).run_once())

    assert totals.as_dict() == {
        "fulfilled": [],
        "orphaned": [],
        "unsettled": [],
        "passes": 1,
        "fulfilled_count": 1,
        "cursor": 1,
    }


def test_fulfil_totals__no_pass_ran__no_cursor(chain, ledger):
    assert "cursor" not in FulfilTotals().as_dict()
