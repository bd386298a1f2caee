"""The API's figures that no receipt holds: requests per outcome, the last RetCode, the last
good refresh. Kept in the receipt cache's file (see :mod:`usms_tui.store.side_table`) so
``usms-tui metrics`` can show them with no network, summed over every command that polled.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field

from usms_tui.store.side_table import SideTable

#: How one request ended: answered, or the kind of failure (see ``ErrorKind``).
OUTCOMES = ("ok", "transient", "throttled", "fatal", "other")
_REQUESTS = "requests:"
_LAST_RETCODE = "last_retcode"
_LAST_REFRESH = "last_refresh"


@dataclass(frozen=True)
class ApiStats:
    """The figures as last stored."""

    requests: Mapping[str, int] = field(default_factory=dict)  #: outcome -> requests, ever
    last_retcode: int | None = None  #: 0 after an answer, the RetCode, -1 when none came (HTTP, network)
    last_refresh: float | None = None  #: Unix seconds: end of the last cycle that got every answer


class ApiStatsTable(SideTable):
    """The ``api_stats`` table: one row per figure."""

    WHAT = "API request counters"
    SCHEMA = """
    CREATE TABLE IF NOT EXISTS api_stats (
        name  TEXT PRIMARY KEY,  -- requests:<outcome>, last_retcode, last_refresh
        value REAL NOT NULL
    );
    """

    def record(
        self, requests: Mapping[str, int], *, last_retcode: int | None = None, refreshed_at: float | None = None
    ) -> None:
        """Add ``requests`` (outcome -> count) to the totals; set the last RetCode and the last
        good refresh when given. One transaction, so two commands adding at once lose nothing."""
        adds = [(f"{_REQUESTS}{outcome}", count) for outcome, count in requests.items() if count]
        sets = [(name, value) for name, value in ((_LAST_RETCODE, last_retcode), (_LAST_REFRESH, refreshed_at))
                if value is not None]  # fmt: skip
        if not (adds or sets):
            return

        def work(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "INSERT INTO api_stats (name, value) VALUES (?, ?)"
                " ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                adds,
            )
            conn.executemany("INSERT OR REPLACE INTO api_stats (name, value) VALUES (?, ?)", sets)

        self._write(work, None, consequence="these requests are not counted")

    def load(self) -> ApiStats:
        """The figures now (empty when never recorded or unreadable)."""

        def work(conn: sqlite3.Connection) -> ApiStats:
            rows = dict(conn.execute("SELECT name, value FROM api_stats").fetchall())
            requests = {o: int(rows.get(f"{_REQUESTS}{o}", 0)) for o in OUTCOMES}
            retcode = rows.get(_LAST_RETCODE)
            return ApiStats(requests, None if retcode is None else int(retcode), rows.get(_LAST_REFRESH))

        return self._run(work, ApiStats())
