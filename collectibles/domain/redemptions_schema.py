"""The fulfilment ledger's SQLite schema, its version number and the migrations from older ledgers.

The version lives in SQLite's own ``PRAGMA user_version``, as in the airdrop journal
(:mod:`collectibles.chain.airdrop.schema`): 0 in a new, empty file; a ledger has had a version since its
first release, so 0 with tables is another program's database. A ledger of an older version is migrated in
place, in one transaction, by the process that takes its lock (``fulfil`` or ``settle``); one of a newer
version than :data:`SCHEMA_VERSION` is refused untouched rather than guessed at.

Version 2 adds ``settlements``: a person's record that an orphaned fulfilment was dealt with off chain (its
order cancelled, say), with the reason and the time. A settlement is never deleted: when the redemption comes
back on chain the fulfilment is revived and its settlement *cleared* (``cleared_at`` and why), so what the
person decided stays in the ledger. The schema allows one open (not cleared) settlement per fulfilment.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 2

_TABLES = """
CREATE TABLE identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    chain_id INTEGER NOT NULL,
    genesis_hash TEXT NOT NULL,
    contract TEXT NOT NULL,
    start_block INTEGER NOT NULL
);
CREATE TABLE cursor (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    block INTEGER NOT NULL,
    block_hash TEXT
);
CREATE TABLE checkpoints (
    block INTEGER PRIMARY KEY,
    block_hash TEXT NOT NULL
);
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
CREATE UNIQUE INDEX one_live_fulfilment ON fulfilments (campaign_id, token_id, count)
    WHERE orphaned IS NULL;
CREATE INDEX fulfilments_by_block ON fulfilments (block_number);
"""
"""Version 1, the first release's tables (uint256 ids are stored as decimal text: SQLite's integers stop
at 2**63)."""

_FROM_1 = """
CREATE TABLE settlements (
    id INTEGER PRIMARY KEY,
    fulfilment_id TEXT NOT NULL REFERENCES fulfilments (fulfilment_id),
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    settled_at REAL NOT NULL,
    cleared_at REAL,
    cleared TEXT
);
CREATE UNIQUE INDEX one_open_settlement ON settlements (fulfilment_id) WHERE cleared_at IS NULL;
"""

MIGRATIONS: dict[int, str] = {1: _FROM_1}
"""``{version: statements}``: each brings a ledger of ``version`` to ``version + 1``. A new ledger is
version 1's tables and every migration, so there is one way to reach the current schema."""


def run(db: sqlite3.Connection, script: str) -> None:
    """Each statement of ``script`` in turn (``executescript`` would commit the open transaction first)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def create(db: sqlite3.Connection) -> None:
    """The current schema in an empty file (inside the caller's transaction)."""
    run(db, _TABLES)
    migrate(db, 1)


def migrate(db: sqlite3.Connection, found: int) -> None:
    """Bring a ledger of version ``found`` to :data:`SCHEMA_VERSION` (inside the caller's transaction, so a
    ledger is migrated whole or not at all)."""
    for version in range(found, SCHEMA_VERSION):
        run(db, MIGRATIONS[version])
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
