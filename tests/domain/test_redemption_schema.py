"""collectibles/domain/redemptions_schema.py: a ledger written by version 1 is migrated whole when opened (and
read as it is without the lock); a ledger of a newer version is refused untouched."""

import hashlib
import sqlite3

import pytest

from collectibles.domain import redemptions_schema
from collectibles.domain.redemptions import LedgerSchemaUnsupported, LedgerUnwritable
from collectibles.domain.redemptions_ledger import Cursor, RedemptionLedger
from collectibles.domain.redemptions_ledger_file import LedgerIdentity
from collectibles.domain.redemptions_schema import SCHEMA_VERSION

IDENTITY = LedgerIdentity(31337, "0x" + "11" * 32, "0x" + "cd" * 20, 1)
LIVE, ORPHAN = "F-669c1f1e8f914cd98b03", "F-3bc3fe4f02ef23d1c0f0"

V1_LEDGER = """
CREATE TABLE identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    chain_id INTEGER NOT NULL,
    genesis_hash TEXT NOT NULL,
    contract TEXT NOT NULL,
    start_block INTEGER NOT NULL
);
INSERT INTO identity VALUES(1,31337,'0x1111111111111111111111111111111111111111111111111111111111111111',
    '0xcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd',1);
CREATE TABLE cursor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    block INTEGER NOT NULL,
    block_hash TEXT
);
INSERT INTO cursor VALUES(1,4,'0xb4');
CREATE TABLE checkpoints (
    block INTEGER PRIMARY KEY,
    block_hash TEXT NOT NULL
);
INSERT INTO checkpoints VALUES(4,'0xb4');
CREATE TABLE fulfilments (
    id INTEGER PRIMARY KEY,
    fulfilment_id TEXT NOT NULL UNIQUE,
    campaign_id TEXT NOT NULL,
    token_id TEXT NOT NULL,
    count INTEGER NOT NULL,
    holder TEXT NOT NULL,
    order_ref TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    tx_hash TEXT NOT NULL,
    log_index INTEGER NOT NULL,
    fulfilled_at REAL NOT NULL,
    orphaned TEXT
);
INSERT INTO fulfilments VALUES(1,'F-669c1f1e8f914cd98b03','1','1000001',1,
    '0xabababababababababababababababababababab',
    '0x0000000000000000000000000000000000000000000000000000000000000001',3,'0xb3','0xt1',0,
    1700000000.0,NULL);
INSERT INTO fulfilments VALUES(2,'F-3bc3fe4f02ef23d1c0f0','1','1000001',2,
    '0xabababababababababababababababababababab',
    '0x0000000000000000000000000000000000000000000000000000000000000002',6,'0xb6','0xt2',0,
    1700000001.0,'its block left the chain');
CREATE UNIQUE INDEX one_live_fulfilment ON fulfilments (campaign_id, token_id, count)
    WHERE orphaned IS NULL;
CREATE INDEX fulfilments_by_block ON fulfilments (block_number);
PRAGMA user_version = 1;
"""
"""A ledger as version 1 of the program wrote it (its ``iterdump``, times rounded): fulfilments of
redemptions #1 and #2, then a rewind to block 4 that orphaned #2."""


@pytest.fixture
def v1_path(tmp_path):
    path = tmp_path / "ledger.sqlite"
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(V1_LEDGER)
    db.close()
    return path


def version(path):
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.close()


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_open__ledger_written_by_version_1__migrated_rows_and_cursor_kept(v1_path):
    with RedemptionLedger.open(v1_path, IDENTITY) as ledger:
        rows = ledger.fulfilments()
        cursor = ledger.cursor()

    assert version(v1_path) == SCHEMA_VERSION == 2
    assert [(f.fulfilment_id, f.orphaned, f.settled) for f in rows] == [
        (LIVE, None, None),
        (ORPHAN, "its block left the chain", None),
    ]
    assert cursor == Cursor(4, "0xb4")


def test_open__ledger_written_by_version_1__its_orphan_can_be_settled(v1_path):
    with RedemptionLedger.open(v1_path, IDENTITY) as ledger:
        ledger.settle(ORPHAN, "order cancelled, refund 123", now=1700000100.0)

    with RedemptionLedger.read(v1_path) as again:
        settled = again.fulfilments()[1].settled
    assert settled is not None
    assert (settled.reason, settled.when()) == (
        "order cancelled, refund 123",
        "2023-11-14 22:15:00 UTC",
    )


def test_read__ledger_written_by_version_1__read_as_it_is_not_migrated(v1_path):
    before = digest(v1_path)

    with RedemptionLedger.read(v1_path, IDENTITY) as ledger:
        rows = ledger.fulfilments()

    assert [(f.fulfilment_id, f.settled) for f in rows] == [(LIVE, None), (ORPHAN, None)]
    assert version(v1_path) == 1
    assert digest(v1_path) == before


def test_open__migration_fails_midway__ledger_left_at_version_1(v1_path, monkeypatch):
    broken = redemptions_schema.MIGRATIONS[1] + "; CREATE TABLE identity (x INTEGER)"
    monkeypatch.setitem(redemptions_schema.MIGRATIONS, 1, broken)

    with pytest.raises(LedgerUnwritable, match="identity already exists"):
        RedemptionLedger.open(v1_path, IDENTITY)

    db = sqlite3.connect(v1_path)
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    db.close()
    assert version(v1_path) == 1
    assert "settlements" not in tables


@pytest.fixture
def newer_path(tmp_path):
    """A ledger of the current version, then stamped as a version this program does not know."""
    path = tmp_path / "ledger.sqlite"
    RedemptionLedger.open(path, IDENTITY).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    return path


def test_open__ledger_of_a_newer_schema__refused_untouched(newer_path):
    before = digest(newer_path)

    with pytest.raises(
        LedgerSchemaUnsupported, match=r"schema version 3, newer than this program reads \(2\)"
    ):
        RedemptionLedger.open(newer_path, IDENTITY)

    assert version(newer_path) == SCHEMA_VERSION + 1
    assert digest(newer_path) == before


def test_read__ledger_of_a_newer_schema__refused(newer_path):
    with pytest.raises(LedgerSchemaUnsupported, match="nothing was changed"):
        RedemptionLedger.read(newer_path)
