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
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from usms_tui.domain.errors import UsmsError
from usms_tui.domain.failures import BatchError
from usms_tui.domain.receipts import Receipt
from usms_tui.store.atomic import ensure_private_dir
from usms_tui.store.cache_codec import (
    error_from_json,
    error_to_json,
    receipts_from_json,
    seen_after,
    seen_to_json,
)
from usms_tui.store.cache_encode import EncodedBatch, encode_batch
from usms_tui.store.cache_rows import CachedSession as CachedSession
from usms_tui.store.cache_rows import StoredSession, session_of
from usms_tui.store.cache_schema import SCHEMA_VERSION, upgrade
from usms_tui.store.summary_codec import StoredSummary, summary_from_text, summary_to_text

if TYPE_CHECKING:
    from usms_tui.domain.summary import SessionSummary

T = TypeVar("T")

_CHUNK = 500  # host parameters per IN (...) query; well under SQLite's limit


class CacheError(UsmsError):
    """The cache cannot be used at all (e.g. its folder is unwritable). Callers run without it."""


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
        self._reader: sqlite3.Connection | None = None  # opened by the first load_sessions
        self._reader_lock = threading.Lock()
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
            # A refresh of 100,000 sessions writes the WAL to tens of MB; without a limit the
            # file stays that size, and a start after a crash rebuilds its index from all of it.
            conn.execute("PRAGMA journal_size_limit = 8388608")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, 1, 2, SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"unknown cache schema version {version}")
            with conn:
                upgrade(conn, version)
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
                    with self._reader_lock:  # it still reads the file just moved aside
                        self._close_reader()
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
                row[0]: session_of(*row)
                for row in conn.execute(
                    "SELECT session_no, receipts, seen, last_checked, last_error, error_at FROM sessions"
                )
            }

        return self._run(work, {})

    def load_stored(self, only: Sequence[str] | None = None) -> dict[str, StoredSession]:
        """Every cached session (``only``: of these few) without its receipts, keyed by
        SessionNo: what a start needs."""
        query = "SELECT session_no, receipts IS NOT NULL, summary, last_checked, last_error, error_at FROM sessions"
        if only is not None:
            query += f" WHERE session_no IN ({', '.join('?' * len(only))})"

        def work(conn: sqlite3.Connection) -> dict[str, StoredSession]:
            rows = conn.execute(query, () if only is None else tuple(only))
            new = tuple.__new__  # the tuple made directly: its class's __new__ is a Python call
            return {
                no: new(
                    StoredSession,
                    (
                        no,
                        fetched == 1,
                        summary_from_text(summary),
                        checked,
                        error_from_json(error) if error else None,
                        at,
                    ),
                )
                for no, fetched, summary, checked, error, at in rows
            }

        return self._run(work, {})

    def summarize_stored(self, known_phones: Mapping[str, Sequence[str]]) -> dict[str, StoredSummary]:
        """Count these sessions from their stored receipts and keep the counts (one
        transaction): for summaries a cache from before them lacks, or made with other known
        phones. Once done, the next start reads counts only."""

        def work(conn: sqlite3.Connection) -> dict[str, StoredSummary]:
            found: dict[str, StoredSummary] = {}
            rows = []
            names = list(known_phones)
            for start in range(0, len(names), _CHUNK):
                chunk = names[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for no, text in conn.execute(
                    f"SELECT session_no, receipts FROM sessions WHERE session_no IN ({marks})", chunk
                ):
                    receipts = receipts_from_json(text)
                    if receipts is None:
                        continue
                    summary_text = summary_to_text(receipts, known_phones[no])
                    summary = summary_from_text(summary_text)
                    if summary is not None:
                        found[no] = summary
                        rows.append((summary_text, no))
            with conn:
                conn.executemany("UPDATE sessions SET summary = ? WHERE session_no = ?", rows)
            return found

        return self._run(work, {})

    def load_session(self, session_no: str) -> CachedSession | None:
        """One session whole (receipts and their times); None when it is not cached."""
        return self.load_sessions([session_no]).get(session_no)

    def load_sessions(self, session_nos: Sequence[str]) -> dict[str, CachedSession]:
        """These sessions whole, those cached (one query per few hundred).

        Read through a connection of its own: in WAL mode it never waits for a write in
        progress on the main one, so a view that opens a session is not held up by a refresh.
        """
        found: dict[str, CachedSession] = {}
        with self._reader_lock:
            try:
                if self._reader is None:
                    self._reader = sqlite3.connect(
                        self.path, timeout=self._busy_timeout_ms / 1000, check_same_thread=False
                    )
                for start in range(0, len(session_nos), _CHUNK):
                    chunk = session_nos[start : start + _CHUNK]
                    rows = self._reader.execute(
                        "SELECT session_no, receipts, seen, last_checked, last_error, error_at FROM sessions"
                        f" WHERE session_no IN ({','.join('?' * len(chunk))})",
                        chunk,
                    )
                    found.update((row[0], session_of(*row)) for row in rows)
            except sqlite3.Error as error:
                self.warnings.append(f"receipt cache {self.path}: {error}")
                self._close_reader()
                return {}
        return found

    def _close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    # -- writing -------------------------------------------------------------------------

    def store_results(
        self,
        results: Mapping[str, Iterable[Receipt]],
        checked_at: float,
        known_phones: Mapping[str, Sequence[str]] | None = None,
        *,
        merged: bool = False,
        summaries: Mapping[str, SessionSummary] | None = None,
        encoded: EncodedBatch | None = None,
    ) -> set[str]:
        """Record a successful fetch of these sessions (one transaction); clears their errors.

        Returns the SessionNos whose receipts changed since the cache last saw them. The cost
        is one row per session, and a session seen before is compared as one string: only a
        session whose receipts differ is looked at phone by phone. ``known_phones``: each
        session's phones from the watchlist, which its stored summary counts as pending
        until they have receipts.

        What the caller has worked out already is not worked out again: ``merged``, every
        session's receipts came from :func:`merge_phones` (one a phone); ``summaries``, a
        session's summary made from them with its known phones, whose counts are stored;
        ``encoded``, :func:`~usms_tui.store.cache_encode.encode_batch` of these arguments,
        made by the caller on its own thread (so this thread is left the SQL alone).
        """
        if encoded is None:
            encoded = encode_batch(results, known_phones, merged=merged, summaries=summaries)
        items, texts, sums = encoded

        def work(conn: sqlite3.Connection) -> set[str]:
            old: dict[str, tuple[str | None, str | None]] = {}
            old_sums: dict[str, str | None] = {}
            names = list(items)
            for start in range(0, len(names), _CHUNK):
                chunk = names[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for row in conn.execute(
                    f"SELECT session_no, receipts, seen, summary FROM sessions WHERE session_no IN ({marks})", chunk
                ):
                    old[row[0]] = (row[1], row[2])
                    old_sums[row[0]] = row[3]
            changed: set[str] = set()
            written, checked, summed = [], [], []
            fresh: dict[int, str] = {}  # phone count -> the times of that many new phones
            for session_no, receipts in items.items():
                text = texts[session_no]
                before = old.get(session_no)
                if before is not None and before[0] == text and before[1] is not None:
                    if old_sums.get(session_no) == sums[session_no]:
                        checked.append((checked_at, session_no))
                    else:  # same receipts, other known phones (or a cache from before summaries)
                        summed.append((checked_at, sums[session_no], session_no))
                    continue
                if before is None:  # never stored: every phone is first seen now
                    seen_text = fresh.get(len(receipts))
                    if seen_text is None:
                        seen_text = fresh[len(receipts)] = seen_to_json([(checked_at, checked_at)] * len(receipts))
                else:
                    seen_text = seen_to_json(seen_after(before, receipts, checked_at))
                old_text = before[0] if before is not None else None
                if text != old_text and (receipts or old_text not in (None, "[]")):
                    changed.add(session_no)
                written.append((session_no, text, seen_text, sums[session_no], checked_at))
            with conn:
                conn.executemany(
                    "INSERT INTO sessions (session_no, receipts, seen, summary, last_checked, last_error, error_at)"
                    " VALUES (?, ?, ?, ?, ?, NULL, NULL) ON CONFLICT(session_no) DO UPDATE SET"
                    " receipts = excluded.receipts, seen = excluded.seen, summary = excluded.summary,"
                    " last_checked = excluded.last_checked, last_error = NULL, error_at = NULL",
                    written,
                )
                conn.executemany(
                    "UPDATE sessions SET last_checked = ?, last_error = NULL, error_at = NULL WHERE session_no = ?",
                    checked,
                )
                conn.executemany(
                    "UPDATE sessions SET last_checked = ?, summary = ?, last_error = NULL, error_at = NULL"
                    " WHERE session_no = ?",
                    summed,
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
        kept = set(keep)

        def work(conn: sqlite3.Connection) -> int:
            # Only the old rows are read (few, usually none) and held against ``keep`` here:
            # a table of every watched SessionNo to compare with cost a run more than that.
            old = conn.execute(
                "SELECT session_no FROM sessions WHERE max(coalesce(last_checked, 0), coalesce(error_at, 0)) < ?",
                (older_than,),
            )
            gone = [(row[0], older_than) for row in old if row[0] not in kept]
            with conn:  # still old when deleted: another process may have refreshed it since
                deleted = conn.executemany(
                    "DELETE FROM sessions WHERE session_no = ?"
                    " AND max(coalesce(last_checked, 0), coalesce(error_at, 0)) < ?",
                    gone,
                ).rowcount
            return max(0, deleted)

        return self._run(work, 0)

    def close(self) -> None:
        """Close the connections (idempotent)."""
        with self._lock:
            self._conn.close()
        with self._reader_lock:
            self._close_reader()

    def __enter__(self) -> ReceiptCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
