"""collectibles/domain/redemptions_ledger.py: one fulfilment per redemption, committed with the cursor; an
orphaned fulfilment settled by a person, once, and its settlement cleared if its redemption comes back. (Opening
the file, its lock and its refusals: test_redemptions_ledger_file.py.)"""

import sqlite3

import pytest

from collectibles.domain import faults
from collectibles.domain.redemptions import (
    FulfilmentLive,
    FulfilmentSettled,
    FulfilmentUnknown,
    LedgerMismatch,
    LedgerMissing,
    Redemption,
    SettlementReasonEmpty,
    fulfilment_id,
    settlement_reason,
)
from collectibles.domain.redemptions_ledger import Cursor, RedemptionLedger
from collectibles.domain.redemptions_ledger_file import LedgerIdentity

CONTRACT = "0x" + "cd" * 20
IDENTITY = LedgerIdentity(31337, "0x" + "11" * 32, CONTRACT, 1)
HOLDER = "0x" + "ab" * 20


def order(n):
    return "0x" + f"{n:064x}"


def event(campaign=1, token=1_000_001, count=1, block=5, block_hash="0xb5", tx="0xt1", index=0):
    return Redemption(
        campaign,
        token,
        HOLDER,
        order(campaign + token + count),
        count,
        block,
        block_hash,
        tx,
        index,
    )


@pytest.fixture
def path(tmp_path):
    return tmp_path / "redemptions" / "ledger.sqlite"


@pytest.fixture
def ledger(path):
    with RedemptionLedger.open(path, IDENTITY) as opened:
        yield opened


def test_apply__new_event__one_fulfilment_and_the_cursor_in_one_commit(ledger, path):
    applied = ledger.apply([event()], 9, "0xb9")

    assert [f.redemption for f in applied.fulfilled] == [event()]
    assert applied.fulfilled[0].fulfilment_id == fulfilment_id(31337, CONTRACT, event())
    with RedemptionLedger.read(path) as other:  # what another process sees: committed
        assert [f.redemption for f in other.fulfilments()] == [event()]
        assert other.cursor() == Cursor(9, "0xb9")


def test_apply__same_event_delivered_twice_in_one_range__fulfilled_once(ledger):
    applied = ledger.apply([event(), event()], 9, "0xb9")

    assert (len(applied.fulfilled), applied.duplicates) == (1, 1)
    assert len(ledger.fulfilments()) == 1


def test_apply__range_read_again__nothing_new(ledger):
    ledger.apply([event(), event(count=2, index=1)], 9, "0xb9")

    again = ledger.apply([event(), event(count=2, index=1)], 9, "0xb9")

    assert (again.fulfilled, again.duplicates) == ([], 2)
    assert len(ledger.fulfilments()) == 2


def test_apply__same_redemption_in_another_block__row_moves_not_a_second_fulfilment(ledger):
    ledger.apply([event()], 9, "0xb9")

    again = ledger.apply([event(block=7, block_hash="0xc7", index=3)], 9, "0xc9")

    assert (again.fulfilled, again.moved) == ([], 1)
    [row] = ledger.fulfilments()
    assert row.redemption.location == (7, "0xc7", "0xt1", 3)


def test_apply__another_redemption_with_the_same_key__old_one_orphaned_new_one_fulfilled(ledger):
    ledger.apply([event()], 9, "0xb9")
    other = Redemption(1, 1_000_001, "0x" + "ee" * 20, order(77), 1, 6, "0xc6", "0xt9", 0)

    applied = ledger.apply([other], 9, "0xc9")

    assert [f.redemption for f in applied.fulfilled] == [other]
    old, new = ledger.fulfilments()
    assert "replaced on chain" in (old.orphaned or "")
    assert new.orphaned is None


def test_schema__second_live_row_for_a_key__refused_by_sqlite(ledger, path):
    ledger.apply([event()], 9, "0xb9")
    raw = sqlite3.connect(path)

    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        raw.execute(
            "INSERT INTO fulfilments (fulfilment_id, campaign_id, token_id, count, holder, order_ref,"
            " block_number, block_hash, tx_hash, log_index, fulfilled_at)"
            " VALUES ('F-other', '1', '1000001', 1, 'h', 'o', 5, 'b', 't', 0, 0)"
        )


def test_apply__killed_inside_the_transaction__neither_fulfilment_nor_cursor(
    ledger, path, monkeypatch
):
    def die(name):
        if name == "redemption_in_transaction":
            raise KeyboardInterrupt  # stands for the SIGKILL: the transaction never commits

    monkeypatch.setattr(faults, "crash_point", die)

    with pytest.raises(KeyboardInterrupt):
        ledger.apply([event()], 9, "0xb9")

    with RedemptionLedger.read(path) as other:
        assert (other.fulfilments(), other.cursor()) == ([], None)


def test_rewind__to_a_checkpoint__rows_above_orphaned_with_the_reason(ledger):
    ledger.apply([event(block=3, block_hash="0xb3")], 4, "0xb4")
    ledger.apply([event(count=2, block=6, block_hash="0xb6")], 8, "0xb8")

    rewound = ledger.rewind(Cursor(4, "0xb4"), "its block left the chain")

    assert (rewound.from_block, rewound.to_block) == (8, 4)
    assert [f.redemption.count for f in rewound.orphaned] == [2]
    assert ledger.cursor() == Cursor(4, "0xb4")
    assert [c.block for c in ledger.checkpoints()] == [4]
    kept, gone = ledger.fulfilments()
    assert (kept.orphaned, gone.orphaned) == (None, "its block left the chain")


def test_rewind__orphaned_redemption_back_on_chain__revived_not_fulfilled_again(ledger):
    ledger.apply([event(block=6, block_hash="0xb6")], 8, "0xb8")
    ledger.rewind(None, "gone")

    again = ledger.apply([event(block=7, block_hash="0xc7")], 8, "0xc8")

    assert again.fulfilled == []
    assert [f.redemption.key for f in again.revived] == [event().key]
    [row] = ledger.fulfilments()
    assert (row.orphaned, row.redemption.block_hash) == (None, "0xc7")


def test_open_and_read__another_contract_or_no_file__refused_as_the_file_refuses(
    ledger, path, tmp_path
):
    ledger.close()
    other = LedgerIdentity(31337, IDENTITY.genesis_hash, "0x" + "ef" * 20, 1)
    absent = tmp_path / "absent.sqlite"

    with pytest.raises(LedgerMismatch, match="records fulfilments of contract"):
        RedemptionLedger.read(path, other)
    with pytest.raises(LedgerMismatch, match="records fulfilments of contract"):
        RedemptionLedger.open(path, other)
    with pytest.raises(LedgerMissing):
        RedemptionLedger.open(absent, IDENTITY, create=False)
    assert not absent.exists()


def test_rewind__killed_inside_the_transaction__cursor_and_rows_as_before(
    ledger, path, monkeypatch
):
    ledger.apply([event(block=3, block_hash="0xb3")], 4, "0xb4")
    ledger.apply([event(count=2, block=6, block_hash="0xb6")], 8, "0xb8")

    def die(name):
        if name == "redemption_in_rewind":
            raise KeyboardInterrupt

    monkeypatch.setattr(faults, "crash_point", die)

    with pytest.raises(KeyboardInterrupt):
        ledger.rewind(Cursor(4, "0xb4"), "gone")

    with RedemptionLedger.read(path) as other:
        assert other.cursor() == Cursor(8, "0xb8")
        assert [f.orphaned for f in other.fulfilments()] == [None, None]


@pytest.fixture
def orphan(ledger):
    """The id of a fulfilment orphaned by a rewind (its redemption's block left the chain)."""
    ledger.apply([event(block=6, block_hash="0xb6")], 8, "0xb8")
    ledger.rewind(None, "its block left the chain")
    return fulfilment_id(31337, CONTRACT, event())


def settlements(path):
    """Every settlement row, open or cleared, as another process reads it: (id, reason, why cleared)."""
    db = sqlite3.connect(path)
    try:
        return db.execute(
            "SELECT fulfilment_id, reason, cleared FROM settlements ORDER BY id"
        ).fetchall()
    finally:
        db.close()


def test_settle__orphaned_fulfilment__reason_and_time_committed_still_orphaned(
    ledger, path, orphan
):
    settled = ledger.settle(orphan, "  order cancelled, refund 123 ", now=1_700_000_000.0)

    assert settled.settled is not None
    assert (settled.settled.reason, settled.settled.when()) == (
        "order cancelled, refund 123",
        "2023-11-14 22:13:20 UTC",
    )
    with RedemptionLedger.read(path) as other:  # what verify sees
        [row] = other.fulfilments()
    assert (row.orphaned, row.settled) == ("its block left the chain", settled.settled)


def test_settle__live_fulfilment__refused_nothing_recorded(ledger, path):
    ledger.apply([event()], 9, "0xb9")
    ident = fulfilment_id(31337, CONTRACT, event())

    with pytest.raises(FulfilmentLive, match=f"{ident} is not orphaned .*run fulfil first"):
        ledger.settle(ident, "order cancelled")

    assert settlements(path) == []


def test_settle__unknown_id__refused_names_id_and_ledger(ledger, path, orphan):
    with pytest.raises(
        FulfilmentUnknown, match=r"no fulfilment F-0+ in the ledger .*ledger\.sqlite"
    ):
        ledger.settle("F-" + "0" * 20, "order cancelled")

    assert settlements(path) == []


def test_settle__settled_already__refused_saying_when_and_why(ledger, path, orphan):
    ledger.settle(orphan, "order cancelled, refund 123", now=1_700_000_000.0)

    with pytest.raises(
        FulfilmentSettled,
        match=f"{orphan} was already settled on 2023-11-14 22:13:20 UTC: order cancelled, refund 123",
    ):
        ledger.settle(orphan, "shipped after all")

    assert [r[1] for r in settlements(path)] == ["order cancelled, refund 123"]


@pytest.mark.parametrize("reason", ["", "   \t"])
def test_settle__blank_reason__refused_nothing_recorded(ledger, path, orphan, reason):
    with pytest.raises(SettlementReasonEmpty, match="a settlement needs a reason"):
        ledger.settle(orphan, reason)

    assert settlements(path) == []


def test_settlement_reason__padded_text__stripped_and_blank_refused():
    assert settlement_reason("  order cancelled\t") == "order cancelled"
    with pytest.raises(SettlementReasonEmpty, match="a settlement needs a reason"):
        settlement_reason(" \n ")


def test_settle__ledger_opened_to_read__refused(ledger, path, orphan):
    with RedemptionLedger.read(path) as reader, pytest.raises(TypeError, match="open the ledger"):
        reader.settle(orphan, "order cancelled")


def test_apply__settled_orphan_back_on_chain__revived_once_settlement_cleared_but_kept(
    ledger, path, orphan
):
    ledger.settle(orphan, "order cancelled, refund 123")

    again = ledger.apply([event(block=7, block_hash="0xc7")], 8, "0xc8")

    assert again.fulfilled == []
    assert [f.fulfilment_id for f in again.revived] == [orphan]
    assert [f.settled.reason for f in again.unsettled if f.settled] == [
        "order cancelled, refund 123"
    ]
    [row] = ledger.fulfilments()
    assert (row.fulfilment_id, row.orphaned, row.settled) == (orphan, None, None)
    [(ident, reason, cleared)] = settlements(
        path
    )  # cleared, not deleted: what the person did stays
    assert (ident, reason) == (orphan, "order cancelled, refund 123")
    assert (cleared or "").startswith("its redemption is back on chain: campaign 1 token 1000001")


def test_settle__revived_then_orphaned_again__settled_anew(ledger, path, orphan):
    ledger.settle(orphan, "order cancelled")
    ledger.apply([event(block=7, block_hash="0xc7")], 8, "0xc8")
    ledger.rewind(None, "its block left the chain again")

    ledger.settle(orphan, "order cancelled again")

    [row] = ledger.fulfilments()
    assert row.settled is not None
    assert row.settled.reason == "order cancelled again"
    assert [(reason, cleared is None) for _, reason, cleared in settlements(path)] == [
        ("order cancelled", False),
        ("order cancelled again", True),
    ]


def test_schema__second_open_settlement__refused_by_sqlite(ledger, path, orphan):
    ledger.settle(orphan, "order cancelled")
    raw = sqlite3.connect(path)

    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        raw.execute(
            "INSERT INTO settlements (fulfilment_id, reason, settled_at) VALUES (?, 'again', 0)",
            (orphan,),
        )
