"""What was already reported (a hook run, a log line): so every event is told once.

A restart, a second ``wait`` over the same data, or the UI and a ``monitor`` running side by
side must not tell the same failure twice. The keys live in their own table inside the
receipt cache's SQLite file (see :mod:`usms_tui.store.side_table`).

:meth:`ReportedEvents.claim` is the operation that matters: in one ``BEGIN IMMEDIATE``
transaction it finds which keys are new and marks them, so of two processes racing for one
event exactly one gets to report it.

When the table cannot be read, events count as not yet reported: told twice is better than
never told.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

from usms_tui.store.side_table import SideTable

_AGAIN = "events may be told again"
_KEY = "kind = ? AND session_no = ? AND subject = ?"


class ReportKey(NamedTuple):
    """What makes two events "the same one": its kind, its session and what in it."""

    kind: str
    session_no: str = ""  #: '' when the event is not about one session
    subject: str = ""  #: the phone (normalised), the rule, ...; '' when none


class ReportedEvents(SideTable):
    """The ``reported_events`` table in the SQLite file at ``path`` (created owner-only)."""

    WHAT = "reported events"
    SCHEMA = """
    CREATE TABLE IF NOT EXISTS reported_events (
        kind        TEXT NOT NULL,
        session_no  TEXT NOT NULL,
        subject     TEXT NOT NULL,
        reported_at REAL NOT NULL,  -- Unix seconds
        PRIMARY KEY (kind, session_no, subject)
    ) WITHOUT ROWID;
    """

    def was_reported(self, key: ReportKey) -> bool:
        """Was this event reported before (by this process or any other)?"""
        return bool(self.reported_among([key]))

    def reported_among(self, keys: Iterable[ReportKey]) -> set[ReportKey]:
        """Those of ``keys`` already reported."""
        wanted = [ReportKey(*key) for key in keys]

        def work(conn: sqlite3.Connection) -> set[ReportKey]:
            query = f"SELECT 1 FROM reported_events WHERE {_KEY}"
            return {key for key in wanted if conn.execute(query, key).fetchone() is not None}

        return self._run(work, set(), consequence=_AGAIN)

    def mark_reported(self, keys: Iterable[ReportKey], at: float) -> None:
        """Remember these as reported (one transaction; keys already there keep their time)."""
        self.claim(keys, at)

    def claim(self, keys: Iterable[ReportKey], at: float) -> list[ReportKey]:
        """Mark as reported those of ``keys`` that were not, and return them: the caller reports
        exactly these. One transaction, taken for writing first so no other process can claim
        the same key between our look and our write."""
        wanted = list(dict.fromkeys(ReportKey(*key) for key in keys))
        if not wanted:
            return []
        insert = "INSERT OR IGNORE INTO reported_events (kind, session_no, subject, reported_at) VALUES (?, ?, ?, ?)"

        def work(conn: sqlite3.Connection) -> list[ReportKey]:
            return [key for key in wanted if conn.execute(insert, (*key, at)).rowcount]

        return self._write(work, wanted, consequence=_AGAIN)

    def forget(self, keys: Iterable[ReportKey]) -> list[ReportKey]:
        """Forget these (a threshold back under, the API answering again) so the next time is
        news again. Returns those that were there: whoever removes a key tells its end."""
        rows = list(dict.fromkeys(ReportKey(*key) for key in keys))
        if not rows:
            return []

        def work(conn: sqlite3.Connection) -> list[ReportKey]:
            return [key for key in rows if conn.execute(f"DELETE FROM reported_events WHERE {_KEY}", key).rowcount]

        return self._write(work, [])

    def prune(self, older_than: float, keep: Iterable[str]) -> int:
        """Forget what was reported about sessions not in ``keep`` before ``older_than`` (the
        cache forgets their receipts on the same rule). Returns how many rows went."""
        keep_rows = [(s,) for s in set(keep)]

        def work(conn: sqlite3.Connection) -> int:
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS reported_keep (session_no TEXT PRIMARY KEY)")
            conn.execute("DELETE FROM temp.reported_keep")
            conn.executemany("INSERT OR IGNORE INTO temp.reported_keep VALUES (?)", keep_rows)
            gone = conn.execute(
                "DELETE FROM reported_events WHERE session_no != '' AND reported_at < ?"
                " AND session_no NOT IN (SELECT session_no FROM temp.reported_keep)",
                (older_than,),
            ).rowcount
            conn.execute("DELETE FROM temp.reported_keep")
            return int(gone)

        return self._write(work, 0)
