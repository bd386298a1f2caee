"""A small table of its own inside the receipt cache's SQLite file, on its own connection.

The monitor's bookkeeping (what was reported, the API's request counters) lives beside the
receipts so there is one file to keep or delete, but in tables the cache does not know
about: SQLite's WAL lets several connections share the file, and ``busy_timeout`` makes
writers wait for each other. Transactions are begun explicitly (``BEGIN IMMEDIATE`` for
anything that reads then writes), so no other process can slip in between.

Disposable like the cache: a failure after opening is kept in :attr:`SideTable.warnings`
and the caller's default is returned; it never costs the refresh that produced the data.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Self, TypeVar

from usms_tui.domain.errors import UsmsError

T = TypeVar("T")


class SideTableError(UsmsError):
    """The file cannot be opened at all; the caller runs without this bookkeeping."""


class SideTable:
    """Base of one bookkeeping table: ``SCHEMA`` is run on open, ``WHAT`` names it in messages."""

    SCHEMA = ""
    WHAT = "bookkeeping"

    def __init__(self, path: Path, *, busy_timeout_ms: int = 5000) -> None:
        self.path = Path(path)
        self.warnings: list[str] = []
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Phone numbers end up in here: owner-only, as the cache itself.
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600))
            self._conn = sqlite3.connect(
                self.path, timeout=busy_timeout_ms / 1000, check_same_thread=False, isolation_level=None
            )
        except (OSError, sqlite3.Error) as error:
            raise SideTableError(f"cannot open {self.path} for {self.WHAT}: {error}") from None
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.executescript(self.SCHEMA)
        except sqlite3.Error as error:
            self._conn.close()
            raise SideTableError(f"cannot use {self.path} for {self.WHAT}: {error}") from None

    def _run(self, work: Callable[[sqlite3.Connection], T], default: T, *, consequence: str = "") -> T:
        """``work(conn)`` under the lock; an SQLite failure is a warning and ``default``."""
        with self._lock:
            try:
                return work(self._conn)
            except sqlite3.Error as error:
                if self._conn.in_transaction:
                    self._conn.rollback()
                note = f"; {consequence}" if consequence else ""
                self.warnings.append(f"{self.WHAT} in {self.path}: {error}{note}")
                return default

    def _write(self, work: Callable[[sqlite3.Connection], T], default: T, *, consequence: str = "") -> T:
        """``work(conn)`` inside one ``BEGIN IMMEDIATE`` transaction, committed at the end."""

        def transaction(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            result = work(conn)
            conn.execute("COMMIT")
            return result

        return self._run(transaction, default, consequence=consequence)

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
