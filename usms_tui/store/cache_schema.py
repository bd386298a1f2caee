"""The receipt cache's table and how an older cache file is brought up to it."""

from __future__ import annotations

import sqlite3

from usms_tui.store.cache_codec import receipts_from_json, receipts_to_json, seen_to_json

SCHEMA_VERSION = 3

# One row per session, written whole: a refresh writes as many rows as sessions it fetched
# (a hundred times fewer than one row per phone), and reading a session back is one row.
SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    session_no   TEXT PRIMARY KEY,
    receipts     TEXT,            -- JSON list of receipt rows (see cache_codec); NULL = never fetched
    seen         TEXT,            -- JSON [first_seen, last_changed] per receipt, in their order
    summary      TEXT,            -- what the receipts add up to (summary_codec.StoredSummary)
    last_checked REAL,            -- last successful fetch (Unix seconds)
    last_error   TEXT,            -- JSON of the last BatchError, cleared by a success
    error_at     REAL
);
"""


def upgrade(conn: sqlite3.Connection, version: int) -> None:
    """Bring a cache of schema ``version`` (0: new, 1 or 2) to this one, in the caller's
    transaction. A cache of schema 2 gains an empty summary per session: the first load
    counts from the receipts, and the next fetch of each session stores its summary."""
    if version == 1:
        _from_schema_1(conn)
    if version in (1, 2):
        conn.execute("ALTER TABLE sessions ADD COLUMN summary TEXT")
    conn.executescript(SCHEMA)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _from_schema_1(conn: sqlite3.Connection) -> None:
    """Move a cache of the first schema (receipts as objects, a row per phone for its times)
    to this one, keeping when each phone's status was first seen."""
    conn.execute("ALTER TABLE sessions ADD COLUMN seen TEXT")
    times: dict[str, dict[str, tuple[float, float]]] = {}
    for session_no, phone, first_seen, last_changed in conn.execute(
        "SELECT session_no, phone, first_seen, last_changed FROM phones"
    ):
        times.setdefault(session_no, {})[phone] = (first_seen, last_changed)
    rows: list[tuple[str | None, str | None, str]] = []
    for session_no, text, checked in conn.execute("SELECT session_no, receipts, last_checked FROM sessions").fetchall():
        receipts = receipts_from_json(text)
        if receipts is None:
            rows.append((None, None, session_no))
            continue
        phones = times.get(session_no, {})
        seen = [phones.get(r.phone, (checked or 0.0, checked or 0.0)) for r in receipts]
        rows.append((receipts_to_json(receipts), seen_to_json(seen), session_no))
    conn.executemany("UPDATE sessions SET receipts = ?, seen = ? WHERE session_no = ?", rows)
    conn.execute("DROP TABLE phones")
