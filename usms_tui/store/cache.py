"""Last-known receipts per session (stdlib sqlite3, WAL), so a restart shows state at once.

The cache is disposable: deleting it loses only history (when each phone's status was first
seen). So a corrupt cache is moved aside and recreated with a warning, never a fatal error.
WAL mode lets the UI read while a ``check`` in another shell writes; ``busy_timeout`` makes
writers wait for each other instead of failing.
"""

from __future__ import annotations

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
from usms_tui.store.cache_codec import (
    error_from_json,
    error_to_json,
    receipts_from_json,
    receipts_to_json,
    seen_from_json,
    seen_to_json,
)

T = TypeVar("T")

SCHEMA_VERSION = 2
_CHUNK = 500  # host parameters per IN (...) query; well under SQLite's limit

# One row per session, written whole: a refresh writes as many rows as sessions it fetched
# (a hundred times fewer than one row per phone), and reading a session back is one row.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    session_no   TEXT PRIMARY KEY,
    receipts     TEXT,            -- JSON list of receipt rows (see cache_codec); NULL = never fetched
    seen         TEXT,            -- JSON [first_seen, last_changed] per receipt, in their order
    last_checked REAL,            -- last successful fetch (Unix seconds)
    last_error   TEXT,            -- JSON of the last BatchError, cleared by a success
    error_at     REAL
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
            if version not in (0, 1, SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"unknown cache schema version {version}")
            with conn:
                if version == 1:
                    _from_schema_1(conn)
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
            return {
                row[0]: _session_of(*row)
                for row in conn.execute(
                    "SELECT session_no, receipts, seen, last_checked, last_error, error_at FROM sessions"
                )
            }

        return self._run(work, {})

    # -- writing -------------------------------------------------------------------------

    def store_results(self, results: Mapping[str, Iterable[Receipt]], checked_at: float) -> set[str]:
        """Record a successful fetch of these sessions (one transaction); clears their errors.

        Returns the SessionNos whose receipts changed since the cache last saw them. The cost
        is one row per session, and a session seen before is compared as one string: only a
        session whose receipts differ is looked at phone by phone.
        """
        items = {s: merge_phones(r) for s, r in results.items()}
        texts = {s: receipts_to_json(r) for s, r in items.items()}

        def work(conn: sqlite3.Connection) -> set[str]:
            old: dict[str, tuple[str | None, str | None]] = {}
            names = list(items)
            for start in range(0, len(names), _CHUNK):
                chunk = names[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for row in conn.execute(
                    f"SELECT session_no, receipts, seen FROM sessions WHERE session_no IN ({marks})", chunk
                ):
                    old[row[0]] = (row[1], row[2])
            changed: set[str] = set()
            written, checked = [], []
            fresh: dict[int, str] = {}  # phone count -> the times of that many new phones
            for session_no, receipts in items.items():
                text = texts[session_no]
                before = old.get(session_no)
                if before is not None and before[0] == text and before[1] is not None:
                    checked.append((checked_at, session_no))
                    continue
                if before is None:  # never stored: every phone is first seen now
                    seen_text = fresh.get(len(receipts))
                    if seen_text is None:
                        seen_text = fresh[len(receipts)] = seen_to_json([(checked_at, checked_at)] * len(receipts))
                else:
                    seen_text = seen_to_json(_seen_after(before, receipts, checked_at))
                old_text = before[0] if before is not None else None
                if text != old_text and (receipts or old_text not in (None, "[]")):
                    changed.add(session_no)
                written.append((session_no, text, seen_text, checked_at))
            with conn:
                conn.executemany(
                    "INSERT INTO sessions (session_no, receipts, seen, last_checked, last_error, error_at)"
                    " VALUES (?, ?, ?, ?, NULL, NULL) ON CONFLICT(session_no) DO UPDATE SET"
                    " receipts = excluded.receipts, seen = excluded.seen, last_checked = excluded.last_checked,"
                    " last_error = NULL, error_at = NULL",
                    written,
                )
                conn.executemany(
                    "UPDATE sessions SET last_checked = ?, last_error = NULL, error_at = NULL WHERE session_no = ?",
                    checked,
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


def _session_of(
    session_no: str,
    receipts_text: str | None,
    seen_text: str | None,
    last_checked: float | None,
    last_error: str | None,
    error_at: float | None,
) -> CachedSession:
    receipts = receipts_from_json(receipts_text)
    seen = seen_from_json(seen_text, len(receipts)) if receipts else None
    phones = [r.phone for r in receipts or ()]
    return CachedSession(
        session_no=session_no,
        receipts=receipts,
        last_checked=last_checked,
        last_error=error_from_json(last_error),
        error_at=error_at,
        first_seen={p: t[0] for p, t in zip(phones, seen, strict=True)} if seen else {},
        last_changed={p: t[1] for p, t in zip(phones, seen, strict=True)} if seen else {},
    )


def _seen_after(
    before: tuple[str | None, str | None], receipts: list[Receipt], now: float
) -> list[tuple[float, float]]:
    """Each receipt's (first seen in its status, last changed) after this fetch, from the
    session's stored (receipts, times): carried over for a phone whose receipt is the same,
    the status's first sighting kept while only other fields change, ``now`` for anything new."""
    old = receipts_from_json(before[0])
    if not old:
        return [(now, now)] * len(receipts)
    times = seen_from_json(before[1], len(old)) or [(now, now)] * len(old)
    known = {r.phone: (r, t) for r, t in zip(old, times, strict=True)}
    out = []
    for receipt in receipts:
        found = known.get(receipt.phone)
        if found is None or found[0].status is not receipt.status:
            out.append((now, now))
        elif found[0] != receipt:
            out.append((found[1][0], now))
        else:
            out.append(found[1])
    return out


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
