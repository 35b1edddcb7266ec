"""The airdrop journal's SQLite schema, its version number and the migrations from older journals.

The version lives in SQLite's own ``PRAGMA user_version`` (0 in a file that never set it). A journal written
before versions existed has tables and version 0: it is version 1 here and is migrated in place. A journal of a
newer version than :data:`SCHEMA_VERSION` is refused rather than guessed at.

Version 2 keeps less: a member is its address and row number (the report reads every other column from the
member file again, checked against the SHA-256 the plan keeps), and a signed transaction's bytes may be
wiped (``raw_tx`` NULL) once its batch is settled.
"""

from __future__ import annotations

import sqlite3

from collectibles.domain.errors import JournalSchemaUnsupported

SCHEMA_VERSION = 2

_TABLES = """
CREATE TABLE plans (
    plan_id TEXT PRIMARY KEY,
    chain_id INTEGER NOT NULL,
    genesis_hash TEXT NOT NULL,
    contract TEXT NOT NULL,
    series_id INTEGER NOT NULL,
    sender TEXT NOT NULL,
    batch_size INTEGER NOT NULL,
    members_path TEXT NOT NULL,
    members_sha256 TEXT NOT NULL,
    member_count INTEGER NOT NULL,
    columns_json TEXT NOT NULL,
    start_block INTEGER NOT NULL,
    status TEXT NOT NULL,
    report_path TEXT,
    created_at REAL NOT NULL
);
CREATE TABLE members (
    plan_id TEXT NOT NULL REFERENCES plans(plan_id),
    position INTEGER NOT NULL,
    row INTEGER NOT NULL,
    address TEXT NOT NULL,
    PRIMARY KEY (plan_id, position)
);
CREATE TABLE batches (
    plan_id TEXT NOT NULL REFERENCES plans(plan_id),
    idx INTEGER NOT NULL,
    batch_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    count INTEGER NOT NULL,
    status TEXT NOT NULL,
    nonce INTEGER,
    tx_hash TEXT,
    raw_tx TEXT,
    first_token_id INTEGER,
    exec_tx_hash TEXT,
    gas_used INTEGER,
    block_number INTEGER,
    PRIMARY KEY (plan_id, idx)
);
CREATE TABLE sends (
    plan_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    nonce INTEGER NOT NULL,
    tx_hash TEXT NOT NULL,
    raw_tx TEXT,
    signed_at REAL NOT NULL
);
"""

_FROM_1 = """
ALTER TABLE members DROP COLUMN fields_json;
CREATE TABLE sends_v2 (
    plan_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    nonce INTEGER NOT NULL,
    tx_hash TEXT NOT NULL,
    raw_tx TEXT,
    signed_at REAL NOT NULL
);
INSERT INTO sends_v2 SELECT plan_id, idx, nonce, tx_hash, raw_tx, signed_at FROM sends ORDER BY rowid;
DROP TABLE sends;
ALTER TABLE sends_v2 RENAME TO sends;
UPDATE batches SET raw_tx = NULL WHERE status = 'confirmed';
UPDATE sends SET raw_tx = NULL WHERE (plan_id, idx) IN
    (SELECT plan_id, idx FROM batches WHERE status = 'confirmed');
"""

MIGRATIONS: dict[int, str] = {1: _FROM_1}
"""``{version: statements}``: each brings a journal of ``version`` to ``version + 1``, in :func:`prepare`'s
transaction."""


def _run(db: sqlite3.Connection, script: str) -> None:
    """Each statement of ``script`` in turn (``executescript`` would commit the open transaction first)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def stored_version(db: sqlite3.Connection) -> int:
    """The journal's schema version: ``user_version``, or 1 for tables from before versions, 0 when empty."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version:
        return version
    tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    return 1 if tables else 0


def prepare(db: sqlite3.Connection, path: object) -> int:
    """Create the tables of an empty journal, migrate an older one, refuse a newer one; the version found.

    Everything happens in one transaction, so a journal is migrated whole or not at all; a migrated journal
    is then vacuumed, so the columns it dropped leave no bytes behind in free pages.
    """
    found = stored_version(db)
    if found > SCHEMA_VERSION:
        raise JournalSchemaUnsupported(path, found, SCHEMA_VERSION)
    if found == SCHEMA_VERSION:
        return found
    db.execute("BEGIN IMMEDIATE")
    try:
        if found == 0:
            _run(db, _TABLES)
        for version in range(found or SCHEMA_VERSION, SCHEMA_VERSION):
            _run(db, MIGRATIONS[version])
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    if found:
        db.execute("VACUUM")
    return found
