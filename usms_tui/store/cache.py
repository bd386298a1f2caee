"""Last-known receipts per session (stdlib sqlite3, WAL), so a restart shows state at once.

The cache is disposable: deleting it loses only history (when each phone's status was first
seen). So a corrupt cache is moved aside and recreated with a warning, never a fatal error.
WAL mode lets the UI read while a ``check`` in another shell writes; ``busy_timeout`` makes
writers wait for each other instead of failing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from usms_tui.domain.errors import UsmsError
from usms_tui.domain.failures import BatchError
from usms_tui.domain.receipts import Receipt, merge_phones
from usms_tui.store.atomic import ensure_private_dir
from usms_tui.store.cache_codec import error_from_json, error_to_json, fingerprint, receipts_from_json

T = TypeVar("T")

SCHEMA_VERSION = 1
_CHUNK = 500  # host parameters per IN (...) query; well under SQLite's limit

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    session_no   TEXT PRIMARY KEY,
    receipts     TEXT,            -- JSON list of Receipt.to_dict(); NULL = never fetched
    last_checked REAL,            -- last successful fetch (Unix seconds)
    last_error   TEXT,            -- JSON of the last BatchError, cleared by a success
    error_at     REAL
);
CREATE TABLE IF NOT EXISTS phones (
    session_no   TEXT NOT NULL,
    phone        TEXT NOT NULL,
    status       TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,   -- a hash of the receipt's fields, to notice any change
    first_seen   REAL NOT NULL,   -- when its current status was first seen
    last_changed REAL NOT NULL,   -- when any field of its receipt last changed
    PRIMARY KEY (session_no, phone)
);
"""


class CacheError(UsmsError):
    """The cache cannot be used at all (e.g. its folder is unwritable). Callers run without it."""


@dataclass(frozen=True)
class CachedSession:
    """What the cache knows about one session."""

    session_no: str
    receipts: tuple[Receipt, ...] | None = None  # None = never fetched successfully
    last_checked: float | None = None
    last_error: BatchError | None = None
    error_at: float | None = None
    first_seen: Mapping[str, float] = field(default_factory=dict)  # phone -> since its status
    last_changed: Mapping[str, float] = field(default_factory=dict)  # phone -> last change


def _is_corruption(error: sqlite3.DatabaseError) -> bool:
    # OperationalError covers "database is locked" and I/O errors: not a reason to discard data.
    if not isinstance(error, sqlite3.OperationalError):
        return True
    text = str(error).lower()
    return "malformed" in text or "not a database" in text


class ReceiptCache:
    """The receipt cache at ``path`` (created with its folders). Thread-safe; one connection."""

    def __init__(self, path: Path, *, busy_timeout_ms: int = 5000) -> None:
        self.path = Path(path)
        # For the caller to show (e.g. "cache was corrupt, recreated"). The only channel: a log
        # call as well reached stderr through logging's last-resort handler, so the CLI printed
        # each problem twice, once without the "usms-tui: warning:" prefix and unescaped.
        self.warnings: list[str] = []
        self._busy_timeout_ms = busy_timeout_ms
        self._lock = threading.RLock()
        try:
            ensure_private_dir(self.path.parent)
            self._conn = self._open()
        except sqlite3.DatabaseError as error:
            if not _is_corruption(error):
                raise CacheError(f"cannot open receipt cache {self.path}: {error}") from None
            self._conn = self._recreate(error)
        except OSError as error:
            raise CacheError(f"cannot open receipt cache {self.path}: {error.strerror or error}") from None

    def _open(self) -> sqlite3.Connection:
        # Full phone numbers and carrier texts are personal data: create the file owner-only,
        # like the watchlist (SQLite gives its -wal and -shm files the database's mode).
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600))
        conn = sqlite3.connect(self.path, timeout=self._busy_timeout_ms / 1000, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL is durable enough for a disposable cache and far cheaper than FULL in WAL.
            conn.execute("PRAGMA synchronous = NORMAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"unknown cache schema version {version}")
            with conn:
                conn.executescript(_SCHEMA)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("SELECT count(*) FROM sessions").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    def _recreate(self, error: Exception) -> sqlite3.Connection:
        """Move a corrupt cache aside (kept for a post-mortem) and start an empty one."""
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(self.path) + suffix)
            if source.exists():
                try:
                    os.replace(source, Path(str(aside) + suffix))
                except OSError:
                    source.unlink(missing_ok=True)
        message = f"receipt cache {self.path} was unreadable ({error}); moved it to {aside.name} and started afresh"
        self.warnings.append(message)
        try:
            return self._open()
        except (sqlite3.DatabaseError, OSError) as again:
            raise CacheError(f"cannot recreate receipt cache {self.path}: {again}") from None

    def _run(self, work: Callable[[sqlite3.Connection], T], default: T) -> T:
        """Run ``work(conn)`` under the lock; a corruption found now resets the cache once.

        Any other failure (locked for longer than the busy timeout, disk full, I/O error) is
        recorded in :attr:`warnings` and ``default`` returned: the cache is an optimisation,
        and losing one write must not cost the user the refresh that produced it.
        """
        with self._lock:
            try:
                try:
                    return work(self._conn)
                except sqlite3.DatabaseError as error:
                    if not _is_corruption(error):
                        raise CacheError(f"receipt cache {self.path}: {error}") from None
                    self._conn.close()
                    self._conn = self._recreate(error)
                    return work(self._conn)
            except (CacheError, sqlite3.Error) as error:
                message = str(error) if isinstance(error, CacheError) else f"receipt cache {self.path}: {error}"
                self.warnings.append(message)
                return default

    # -- reading -------------------------------------------------------------------------

    def load_all(self) -> dict[str, CachedSession]:
        """Everything cached, keyed by SessionNo."""

        def work(conn: sqlite3.Connection) -> dict[str, CachedSession]:
            first: dict[str, dict[str, float]] = {}
            changed: dict[str, dict[str, float]] = {}
            for session_no, phone, first_seen, last_changed in conn.execute(
                "SELECT session_no, phone, first_seen, last_changed FROM phones"
            ):
                first.setdefault(session_no, {})[phone] = first_seen
                changed.setdefault(session_no, {})[phone] = last_changed
            result = {}
            for session_no, receipts, last_checked, last_error, error_at in conn.execute(
                "SELECT session_no, receipts, last_checked, last_error, error_at FROM sessions"
            ):
                result[session_no] = CachedSession(
                    session_no=session_no,
                    receipts=receipts_from_json(receipts),
                    last_checked=last_checked,
                    last_error=error_from_json(last_error),
                    error_at=error_at,
                    first_seen=first.get(session_no, {}),
                    last_changed=changed.get(session_no, {}),
                )
            return result

        return self._run(work, {})

    # -- writing -------------------------------------------------------------------------

    def store_results(self, results: Mapping[str, Iterable[Receipt]], checked_at: float) -> set[str]:
        """Record a successful fetch of these sessions (one transaction); clears their errors.

        Returns the SessionNos whose receipts changed since the cache last saw them.
        """
        items = {s: merge_phones(r) for s, r in results.items()}

        def work(conn: sqlite3.Connection) -> set[str]:
            old_phones: dict[tuple[str, str], tuple[str, str]] = {}
            names = list(items)
            for start in range(0, len(names), _CHUNK):
                chunk = names[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for row in conn.execute(
                    f"SELECT session_no, phone, status, fingerprint FROM phones WHERE session_no IN ({marks})", chunk
                ):
                    old_phones[(row[0], row[1])] = (row[2], row[3])
            changed: set[str] = set()
            new_status, new_print, same = [], [], []
            for session_no, receipts in items.items():
                for receipt in receipts:
                    key = (session_no, receipt.phone)
                    digest = fingerprint(receipt)
                    old = old_phones.get(key)
                    if old is None or old[0] != receipt.status.value:
                        new_status.append(
                            (session_no, receipt.phone, receipt.status.value, digest, checked_at, checked_at)
                        )
                        changed.add(session_no)
                    elif old[1] != digest:
                        new_print.append((digest, checked_at, session_no, receipt.phone))
                        changed.add(session_no)
                    else:
                        same.append(key)
            with conn:
                conn.executemany(
                    "INSERT INTO sessions (session_no, receipts, last_checked, last_error, error_at)"
                    " VALUES (?, ?, ?, NULL, NULL) ON CONFLICT(session_no) DO UPDATE SET"
                    " receipts = excluded.receipts, last_checked = excluded.last_checked,"
                    " last_error = NULL, error_at = NULL",
                    [
                        (s, json.dumps([r.to_dict() for r in receipts], ensure_ascii=False), checked_at)
                        for s, receipts in items.items()
                    ],
                )
                conn.executemany("INSERT OR REPLACE INTO phones VALUES (?, ?, ?, ?, ?, ?)", new_status)
                conn.executemany(
                    "UPDATE phones SET fingerprint = ?, last_changed = ? WHERE session_no = ? AND phone = ?", new_print
                )
            return changed

        return self._run(work, set())

    def store_errors(self, errors: Iterable[BatchError], at: float) -> None:
        """Record the last error of each session a failed batch covered (receipts are kept)."""
        rows = [(s, error_to_json(e), at) for e in errors for s in e.session_nos]
        if not rows:
            return

        def work(conn: sqlite3.Connection) -> None:
            with conn:
                conn.executemany(
                    "INSERT INTO sessions (session_no, last_error, error_at) VALUES (?, ?, ?)"
                    " ON CONFLICT(session_no) DO UPDATE SET last_error = excluded.last_error,"
                    " error_at = excluded.error_at",
                    rows,
                )

        self._run(work, None)

    def prune(self, older_than: float, keep: Iterable[str]) -> int:
        """Forget sessions not in ``keep`` last touched before ``older_than``. Returns how many."""
        keep_rows = [(s,) for s in set(keep)]

        def work(conn: sqlite3.Connection) -> int:
            with conn:
                conn.execute("CREATE TEMP TABLE IF NOT EXISTS keep (session_no TEXT PRIMARY KEY)")
                conn.execute("DELETE FROM temp.keep")
                conn.executemany("INSERT OR IGNORE INTO temp.keep VALUES (?)", keep_rows)
                gone = [
                    row[0]
                    for row in conn.execute(
                        "SELECT session_no FROM sessions WHERE session_no NOT IN (SELECT session_no FROM temp.keep)"
                        " AND max(coalesce(last_checked, 0), coalesce(error_at, 0)) < ?",
                        (older_than,),
                    )
                ]
                conn.executemany("DELETE FROM sessions WHERE session_no = ?", [(s,) for s in gone])
                conn.executemany("DELETE FROM phones WHERE session_no = ?", [(s,) for s in gone])
                # Phones whose session row is gone (never stored, or deleted above) go too.
                conn.execute("DELETE FROM phones WHERE session_no NOT IN (SELECT session_no FROM sessions)")
                conn.execute("DELETE FROM temp.keep")
            return len(gone)

        return self._run(work, 0)

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> ReceiptCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
