"""The watchlist: the user's own list of SessionNos, in an SQLite database (see
:mod:`usms_tui.store.watchlist_db` for its file name and the move from the old JSON file).

It must never be lost or silently rewritten:

* every change is one SQLite transaction (WAL, ``synchronous = FULL``), so a reader or a
  killed writer never sees half of it, and a confirmed change is on disk;
* every read-modify-write also holds the cross-process lock (:mod:`usms_tui.filelock`) the
  JSON watchlist used, so a hung holder gives a clear error and old copies still serialise;
* a change touches only the rows it changes: adding one session to 100,000 costs what adding
  it to 100 costs;
* a corrupt file, or one written by a newer version, is an error naming the file and the
  problem, and the file is left byte-for-byte as it was;
* keys this version does not know (from a migrated JSON file) are kept in their rows.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from usms_tui.domain.errors import WatchlistError
from usms_tui.domain.sessions import MAX_SESSION_NO_LENGTH, WatchedSession, validate_project_id, validate_session_no
from usms_tui.store.atomic import ensure_private_dir, remove_stale_temps
from usms_tui.store.filelock import LockTimeout, locked
from usms_tui.store.watchlist_db import (
    COLUMNS,
    SELECT,
    Signature,
    check_regular,
    connect,
    db_for,
    failed,
    fetch,
    fetch_many,
    is_sqlite,
    migrate,
    rows_to_sessions,
    session_to_row,
    signature_of,
)
from usms_tui.store.watchlist_format import _FIELDS, FORMAT_VERSION, check_label, check_times

__all__ = [
    "FORMAT_VERSION",
    "MAX_SESSION_NO_LENGTH",
    "AddReport",
    "WatchedSession",
    "Watchlist",
    "WatchlistError",
    "validate_session_no",
]


@dataclass
class AddReport:
    """What :meth:`Watchlist.add` did with each input."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # already watched; label/sent_at/phones merged
    refused: list[tuple[str, str]] = field(default_factory=list)  # (input, reason)
    unchanged: list[str] = field(default_factory=list)  # already watched, nothing new


def _merge_phones(old: tuple[str, ...], new: Iterable[str]) -> tuple[str, ...]:
    """``old``, then each phone of ``new`` not among them, once."""
    known = set(old)
    return old + tuple(dict.fromkeys(phone for phone in new if phone not in known))


_EDITABLE = (*_FIELDS[1:], "project_id")
_UPDATE = (
    "UPDATE sessions SET label = ?, added_at = ?, sent_at = ?, phones = ?, note = ?, archived = ?,"
    " project_id = ? WHERE session_no = ?"
)
_BUMP = "INSERT INTO meta VALUES ('generation', '1') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"


def _check_project(project_id: str) -> str:
    try:
        return validate_project_id(project_id)
    except ValueError as error:
        raise ValueError(f"project_id: {error}") from None


class Watchlist:
    """The watchlist database for the configured ``path``. Reads need no lock (SQLite's
    snapshots); writes are locked. Sessions are read lazily and kept in memory once read."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time, *, lock_timeout: float = 30.0) -> None:
        configured = Path(path)
        # A watchlist that is a symlink (kept in a dotfiles repo, say) stays one: its
        # database and lock sit beside the file it points to.
        self._target = Path(os.path.realpath(configured)) if os.path.islink(configured) else configured
        #: The database. ``configured_path`` is what the settings named (maybe the old JSON file).
        self.path = db_for(self._target)
        self.configured_path = configured
        self._legacy = self._target  # where a JSON watchlist to migrate may be
        self._clock = clock
        self._lock_timeout = lock_timeout
        self._sessions: list[WatchedSession] | None = None
        # SessionNo -> position in _sessions, made when first asked for: the UI only reads
        # the list, and at 100,000 sessions the map is 6.6 MB.
        self._index: dict[str, int] | None = None
        self._signature: Signature = None

    # -- opening -------------------------------------------------------------------------

    def _needs_migration(self) -> bool:
        if check_regular(self.path):
            # JSON sitting at the database's own path (a setting that does not end in .json).
            return self._legacy == self.path and os.path.getsize(self.path) > 0 and not is_sqlite(self.path)
        return self._legacy != self.path and check_regular(self._legacy)

    def _migrate(self) -> None:
        try:
            if self._needs_migration():
                migrate(self._legacy, self.path)
        except OSError as error:
            reason = error.strerror or str(error)
            raise WatchlistError(
                f"cannot move watchlist {self._legacy} to {self.path}: {reason}; the previous file was left as it was"
            ) from None

    def _connect(self, *, create: bool, locked_now: bool) -> sqlite3.Connection | None:
        """A connection to the database, migrating the JSON file first when there is one;
        None when there is no watchlist at all and ``create`` is false (nothing is created)."""
        if self._needs_migration():
            if locked_now:
                self._migrate()
            else:
                with self._locked():
                    self._migrate()
        purpose = "write" if create else "read"
        if not check_regular(self.path):
            if not create:
                return None
            try:
                ensure_private_dir(self.path.parent)
                # Phone numbers are personal data: owner-only, whatever the umask.
                os.close(os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600))
            except OSError as error:
                raise WatchlistError(
                    f"cannot write watchlist {self.path}: {error.strerror or error}; the previous file was left as it was"
                ) from None
        return connect(self.path, purpose)

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        return locked(self._target, timeout=self._lock_timeout)

    def check(self) -> None:
        """Open the watchlist (migrating an old JSON file) without reading every session.
        Raises :class:`WatchlistError` for a file that cannot be used."""
        conn = self._connect(create=False, locked_now=False)
        if conn is not None:
            conn.close()

    # -- reading -------------------------------------------------------------------------

    def load(self) -> list[WatchedSession]:
        """Read every session (no watchlist yet is an empty one). Raises :class:`WatchlistError`."""
        conn = self._connect(create=False, locked_now=False)
        if conn is None:
            self._set([], None)
            return []
        try:
            # One read transaction: the sessions and the generation come from one snapshot.
            conn.execute("BEGIN")
            sessions = rows_to_sessions(self.path, conn.execute(SELECT + " ORDER BY seq"))
            signature = signature_of(conn, self.path)
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            raise failed(self.path, "read", error) from None
        finally:
            conn.close()
        self._set(sessions, signature)
        return list(sessions)

    def _set(self, sessions: list[WatchedSession], signature: Signature) -> None:
        self._sessions = sessions
        self._index = None
        self._signature = signature

    def _positions(self, sessions: list[WatchedSession]) -> dict[str, int]:
        index = self._index
        if index is None:
            index = self._index = {s.session_no: i for i, s in enumerate(sessions)}
        return index

    def sessions(self) -> list[WatchedSession]:
        """The sessions, in the order they were added (read on first use)."""
        if self._sessions is None:
            self.load()
        return list(self._sessions or ())

    def get(self, session_no: str) -> WatchedSession | None:
        """The entry for ``session_no``, if watched."""
        if self._sessions is None:
            self.load()
        sessions = self._sessions or []
        index = self._positions(sessions).get(session_no)
        return None if index is None else sessions[index]

    def __len__(self) -> int:
        return len(self.sessions()) if self._sessions is None else len(self._sessions)

    def _current_signature(self) -> Signature:
        conn = self._connect(create=False, locked_now=False)
        if conn is None:
            return None
        try:
            return signature_of(conn, self.path)
        except sqlite3.DatabaseError as error:
            raise failed(self.path, "read", error) from None
        finally:
            conn.close()

    def reload_if_changed(self) -> bool:
        """Reload when another process changed the watchlist (one indexed read). True when reloaded."""
        if self._sessions is not None and self._current_signature() == self._signature:
            return False
        self.load()
        return True

    # -- writing -------------------------------------------------------------------------

    def _write(self, change: Callable[[sqlite3.Connection], bool]) -> None:
        """Locked transaction: ``change`` edits the rows and returns True when it changed one."""
        try:
            with self._locked():
                remove_stale_temps(self._target)
                remove_stale_temps(self.path)
                conn = self._connect(create=True, locked_now=True)
                assert conn is not None
                try:
                    before = signature_of(conn, self.path)
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        changed = change(conn)
                        if changed:
                            conn.execute(_BUMP)
                        conn.execute("COMMIT")
                    except BaseException:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                        raise
                    after = signature_of(conn, self.path)
                finally:
                    conn.close()
        except LockTimeout as error:
            raise WatchlistError(f"watchlist {self.path}: {error.strerror}; nothing was changed") from None
        except sqlite3.DatabaseError as error:
            raise failed(self.path, "write", error) from None
        except UnicodeEncodeError:
            raise WatchlistError(
                f"cannot write watchlist {self.path}: text that is not UTF-8; nothing was changed"
            ) from None
        except OSError as error:
            reason = error.strerror or str(error)
            raise WatchlistError(
                f"cannot write watchlist {self.path}: {reason}; the previous file was left as it was"
            ) from None
        if self._sessions is not None and before != self._signature:
            # Someone else wrote meanwhile: what is in memory is stale; read again when asked.
            self._sessions = None
        self._signature = after if self._sessions is not None else None

    def _patch(self, session: WatchedSession) -> None:
        """Put a written session into the in-memory list (when it is loaded)."""
        sessions = self._sessions
        if sessions is None:
            return
        positions = self._positions(sessions)
        index = positions.get(session.session_no)
        if index is None:
            positions[session.session_no] = len(sessions)
            sessions.append(session)
        else:
            sessions[index] = session

    def add(self, entries: Iterable[WatchedSession]) -> AddReport:
        """Add sessions; one already watched has its label, sent_at and phones merged instead
        (and is un-archived unless the entry given is archived too).

        Invalid SessionNos are refused (with the reason) and the others still added.
        """
        report = AddReport()
        cleaned: list[WatchedSession] = []
        for entry in entries:
            try:
                session_no = validate_session_no(entry.session_no)
                check_label(entry.label)
                check_times(entry)
                project_id = None if entry.project_id is None else _check_project(entry.project_id)
            except ValueError as error:
                report.refused.append((str(entry.session_no), str(error)))
                continue
            phones = tuple(p.strip() for p in entry.phones if p and p.strip())
            cleaned.append(entry.replace(session_no=session_no, phones=phones, project_id=project_id))
        written: dict[str, WatchedSession] = {}

        def change(conn: sqlite3.Connection) -> bool:
            now = self._clock()
            for done in (report.added, report.updated, report.unchanged):
                done.clear()  # a retry after a busy database starts again
            written.clear()
            known = fetch_many(conn, self.path, list(dict.fromkeys(e.session_no for e in cleaned)))
            inserted: set[str] = set()
            for entry in cleaned:
                old = written.get(entry.session_no) or known.get(entry.session_no)
                if old is None:
                    written[entry.session_no] = entry.replace(added_at=entry.added_at or now)
                    inserted.add(entry.session_no)
                    report.added.append(entry.session_no)
                    continue
                new = old.replace(
                    label=entry.label or old.label,
                    sent_at=entry.sent_at if entry.sent_at is not None else old.sent_at,
                    phones=_merge_phones(old.phones, entry.phones),
                    note=entry.note or old.note,
                    project_id=entry.project_id or old.project_id,
                    # Adding a session means "watch it": an archived one comes back.
                    archived=old.archived and entry.archived,
                )
                if entry.session_no in report.added or entry.session_no in report.updated:
                    pass  # the same SessionNo twice in one input: count it once
                elif new != old:
                    report.updated.append(entry.session_no)
                else:
                    report.unchanged.append(entry.session_no)
                if new != old:
                    written[entry.session_no] = new
            conn.executemany(
                f"INSERT INTO sessions ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [session_to_row(s) for no, s in written.items() if no in inserted],
            )
            conn.executemany(_UPDATE, [(*session_to_row(s)[1:], no) for no, s in written.items() if no not in inserted])
            return bool(written)

        if cleaned:
            self._write(change)
            for session in written.values():
                self._patch(session)
        return report

    def remove(self, session_nos: Iterable[str]) -> list[str]:
        """Stop watching these sessions; returns the ones that were watched (in input order)."""
        wanted = [s.strip() for s in session_nos if isinstance(s, str)]
        removed: list[str] = []

        def change(conn: sqlite3.Connection) -> bool:
            removed.clear()
            for session_no in wanted:
                if (
                    session_no not in removed
                    and conn.execute("DELETE FROM sessions WHERE session_no = ?", (session_no,)).rowcount
                ):
                    removed.append(session_no)
            return bool(removed)

        if wanted:
            self._write(change)
            if removed and self._sessions is not None:
                gone = set(removed)
                self._set([s for s in self._sessions if s.session_no not in gone], self._signature)
        return removed

    def update(self, session_no: str, /, **changes: Any) -> WatchedSession:
        """Change fields of one watched session (e.g. ``label=``, ``note=``, ``archived=``).

        Raises ``KeyError`` when it is not watched and ``ValueError`` for an unknown field or
        a change of ``session_no``.
        """
        unknown = set(changes) - set(_EDITABLE)
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
        if "phones" in changes:
            changes["phones"] = tuple(changes["phones"])
        result: list[WatchedSession] = []

        def change(conn: sqlite3.Connection) -> bool:
            old = fetch(conn, self.path, session_no)
            if old is None:
                raise KeyError(session_no)
            new = old.replace(**changes)
            result[:] = [new]
            if new == old:
                return False
            conn.execute(_UPDATE, (*session_to_row(new)[1:], session_no))
            return True

        self._write(change)
        self._patch(result[0])
        return result[0]
