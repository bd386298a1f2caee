"""Where the watchlist lives on disk: an SQLite database, and the one-time move from JSON.

The watchlist used to be one JSON file rewritten whole on every change: at 100,000 sessions
an ``add`` of one more took seconds. In SQLite adding or removing a session touches its own
row and index entries only, whatever the watchlist's size.

Naming (the ``watchlist_path`` setting, ``USMS_TUI_WATCHLIST``):

* a path ending in ``.json`` (the default ``watchlist.json``) names the old file; the
  database is the same name ending in ``.db`` beside it (``watchlist.db``);
* any other path is the database itself.

On first use, when there is no database yet but a JSON watchlist (at the ``.json`` path, or
at the database's own path), it is read with every check of the old format, copied into a
new database built under a temporary name and renamed into place, and then the original is
renamed to ``<name>.migrated`` beside it (never deleted). A JSON file that does not read is
an error naming it, and is left byte-for-byte as it was. A crash part-way leaves either the
JSON file alone (the move runs again next time) or the finished database (which wins).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

from usms_tui.domain.errors import WatchlistError
from usms_tui.domain.sessions import WatchedSession, phones_from_text
from usms_tui.domain.timefmt import parse_time
from usms_tui.store.atomic import TEMP_SUFFIX, fsync_dir, temp_prefix
from usms_tui.store.watchlist_format import _Document, _parse

SCHEMA_VERSION = 1
#: Marks the file as a usms-tui watchlist ("USMW"), so another program's database is refused.
APPLICATION_ID = 0x55534D57
SQLITE_HEADER = b"SQLite format 3\x00"
MIGRATED_SUFFIX = ".migrated"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    seq        INTEGER PRIMARY KEY,      -- insertion order, the order `list` shows
    session_no TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL DEFAULT '',
    added_at   REAL NOT NULL,
    sent_at    REAL,
    phones     TEXT NOT NULL DEFAULT '',  -- one a line in the order given (or a JSON list)
    note       TEXT NOT NULL DEFAULT '',
    archived   INTEGER NOT NULL DEFAULT 0,
    project_id TEXT,                     -- NULL: the settings' project
    extras     TEXT                      -- JSON object of keys this version does not know
);
CREATE INDEX IF NOT EXISTS sessions_archived ON sessions (archived, seq);
CREATE INDEX IF NOT EXISTS sessions_sent_at ON sessions (sent_at);
CREATE INDEX IF NOT EXISTS sessions_added_at ON sessions (added_at);
CREATE INDEX IF NOT EXISTS sessions_project ON sessions (project_id);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

COLUMNS = "session_no, label, added_at, sent_at, phones, note, archived, project_id"
SELECT = f"SELECT {COLUMNS} FROM sessions"

#: (device, inode, generation counter) of the database; None when there is none.
Signature = tuple[int, int, int] | None


def database_path(configured: Path) -> Path:
    """The database for a configured watchlist path (see the module's naming rules)."""
    return db_for(Path(os.path.realpath(configured)))


def _problem(path: Path, message: str) -> WatchlistError:
    return WatchlistError(f"watchlist {path}: {message}; the file was left as it was (fix or move it)")


def check_regular(path: Path) -> bool:
    """True when ``path`` is a regular file, False when missing; anything else is refused."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    except OSError as error:
        raise WatchlistError(f"cannot read watchlist {path}: {error.strerror}") from None
    if stat.S_ISDIR(mode):
        raise WatchlistError(f"watchlist {path} is a directory, not a file")
    if not stat.S_ISREG(mode):
        raise WatchlistError(f"watchlist {path} is not a regular file (a device, FIFO or socket)")
    return True


def is_sqlite(path: Path) -> bool:
    """Whether the file starts like a database (an empty file does not)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError as error:
        raise WatchlistError(f"cannot read watchlist {path}: {error.strerror or error}") from None


def _cannot(path: Path, purpose: str, error: Exception) -> WatchlistError:
    return WatchlistError(f"cannot {purpose} watchlist {path}: {error}; the previous file was left as it was")


def connect(path: Path, purpose: str = "read") -> sqlite3.Connection:
    """Open an existing or new database at ``path`` and check it is a watchlist this version
    reads. ``purpose`` ("read" or "write") names what failed in an error that is not the file's."""
    try:
        conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as error:
        raise _cannot(path, purpose, error) from None
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        app_id, version = _identity(conn, path)
        if version > SCHEMA_VERSION:
            raise _problem(path, f"written by a newer usms-tui (schema {version}; this one reads {SCHEMA_VERSION})")
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and _has_tables(conn)):
            raise _problem(path, "an SQLite database that is not a usms-tui watchlist")
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        # The watchlist is the user's own data, not a cache: every commit reaches the disk.
        conn.execute("PRAGMA synchronous = FULL")
        if app_id == 0:
            conn.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
    except sqlite3.DatabaseError as error:
        conn.close()
        if is_corruption(error):
            raise _problem(path, f"not a readable database ({error})") from None
        raise _cannot(path, purpose, error) from None
    except BaseException:
        conn.close()
        raise
    return conn


def is_corruption(error: sqlite3.DatabaseError) -> bool:
    """Whether the file is damaged or not a database, rather than locked, unwritable or full."""
    if not isinstance(error, sqlite3.OperationalError):
        return True
    text = str(error).lower()
    return "malformed" in text or "not a database" in text


def _identity(conn: sqlite3.Connection, path: Path) -> tuple[int, int]:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    return int(app_id), int(version)


def _has_tables(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])


def _moment(value: Any, what: str) -> float:
    # SQLite keeps whatever a hand edit (the sqlite3 shell) put in a column: a text here
    # would crash every age, table and export later, far from its cause.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return parse_time(value)
        except (ValueError, OverflowError):
            pass
    raise ValueError(f"{what} {str(value)[:40]!r} is not a usable Unix time")


def row_to_session(row: tuple[Any, ...]) -> WatchedSession:
    """A session from its row; ``ValueError`` naming the column a hand edit broke."""
    session_no, label, added_at, sent_at, phones, note, archived, project_id = row
    # Every row this module writes, in one test (a start reads 100,000 of them); anything
    # else takes the careful way below, which names what is wrong.
    if (
        type(session_no) is str
        and type(label) is str
        and type(note) is str
        and type(phones) is str
        and not phones.startswith("[")
        and (project_id is None or type(project_id) is str)
        and (archived == 0 or archived == 1)
        and type(archived) is int
        and type(added_at) is float
        and 0 <= added_at < 1e11
        and (sent_at is None or (type(sent_at) is float and 0 <= sent_at < 1e11))
    ):
        # The phones text as it is: written by phones_to_text, and kept as one string.
        return WatchedSession.stored(session_no, label, added_at, sent_at, phones, note, archived == 1, project_id)
    return _checked_row_to_session(row)


def _checked_row_to_session(row: tuple[Any, ...]) -> WatchedSession:
    session_no, label, added_at, sent_at, phones, note, archived, project_id = row
    for value, what in ((session_no, "session_no"), (label, "label"), (note, "note"), (phones, "phones")):
        if not isinstance(value, str):
            raise ValueError(f"{what} is not text")
    if project_id is not None and not isinstance(project_id, str):
        raise ValueError("project_id is not text")
    numbers = phones_from_text(phones)
    if archived not in (0, 1):
        raise ValueError("archived is not 0 or 1")
    return WatchedSession(
        session_no=session_no,
        label=label,
        added_at=added_at if type(added_at) is float and 0 <= added_at < 1e11 else _moment(added_at, "added_at"),
        sent_at=sent_at
        if sent_at is None or (type(sent_at) is float and 0 <= sent_at < 1e11)
        else _moment(sent_at, "sent_at"),
        phones=numbers,
        note=note,
        archived=bool(archived),
        project_id=project_id,
    )


def rows_to_sessions(path: Path, rows: Any) -> list[WatchedSession]:
    """Every row as a session; a row a hand edit broke is a :class:`WatchlistError` naming it."""
    sessions = []
    for row in rows:
        try:
            sessions.append(row_to_session(row))
        except ValueError as error:
            raise _problem(path, f"session {str(row[0])[:40]!r}: {error}") from None
    return sessions


def session_to_row(session: WatchedSession) -> tuple[Any, ...]:
    return (
        session.session_no,
        session.label,
        session.added_at,
        session.sent_at,
        session.phones_text,
        session.note,
        int(session.archived),
        session.project_id,
    )


def _read_legacy(path: Path) -> _Document:
    # Non-blocking open: a FIFO here would hang every command until some writer appeared.
    try:
        with open(path, "rb", opener=lambda p, f: os.open(p, f | getattr(os, "O_NONBLOCK", 0))) as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise WatchlistError(f"watchlist {path} is not a regular file (a device, FIFO or socket)")
            raw = handle.read()
    except IsADirectoryError:
        raise WatchlistError(f"watchlist {path} is a directory, not a file") from None
    except OSError as error:
        raise WatchlistError(f"cannot read watchlist {path}: {error.strerror or error}") from None
    return _parse(path, raw)


def migrate(legacy: Path, database: Path) -> None:
    """Copy the JSON watchlist ``legacy`` into a new database at ``database`` (call under the
    lock, with no database there yet), then keep the original as ``<legacy>.migrated``."""
    doc = _read_legacy(legacy)  # a WatchlistError here leaves everything as it was
    for session in doc.sessions.values():
        try:
            # SQLite holds UTF-8 only: a JSON escape of half a surrogate pair cannot move.
            "".join((session.label, session.note, *session.phones)).encode("utf-8")
        except UnicodeEncodeError:
            raise _problem(legacy, f"{session.session_no!r} holds text that is not UTF-8 (a lone \\u escape)") from None
    mode = os.stat(legacy).st_mode & 0o7777
    temp = database.with_name(f"{temp_prefix(database)}migrate{TEMP_SUFFIX}")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(temp) + suffix).unlink(missing_ok=True)
    os.close(os.open(temp, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, mode))
    try:
        conn = connect(temp)
        try:
            rows = []
            for session in doc.sessions.values():
                extras = dict(doc.extras.get(session.session_no, {}))
                project = extras.pop("project_id", None)
                if isinstance(project, str) and session.project_id is None:
                    session = session.replace(project_id=project)
                elif project is not None:
                    extras["project_id"] = project
                rows.append((*session_to_row(session), json.dumps(extras) if extras else None))
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(f"INSERT INTO sessions ({COLUMNS}, extras) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            if doc.top_extras:
                conn.execute("INSERT INTO meta VALUES ('extras', ?)", (json.dumps(doc.top_extras),))
            conn.execute("INSERT INTO meta VALUES ('migrated_from', ?)", (str(legacy),))
            conn.execute("COMMIT")
            # One self-contained file before the rename: no -wal to carry along.
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        for suffix in ("-wal", "-shm"):
            Path(str(temp) + suffix).unlink(missing_ok=True)
        if legacy == database:
            # The JSON file sits where the database goes: keep it under its new name first
            # (a hard link, so a crash now still leaves the JSON file at its path).
            kept = legacy.with_name(legacy.name + MIGRATED_SUFFIX)
            kept.unlink(missing_ok=True)
            os.link(legacy, kept)
            os.replace(temp, database)
        else:
            os.replace(temp, database)
            fsync_dir(database.parent)
            os.replace(legacy, legacy.with_name(legacy.name + MIGRATED_SUFFIX))
        fsync_dir(database.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def db_for(configured: Path) -> Path:
    """:func:`database_path` of a path whose symlinks are already resolved."""
    return configured.with_suffix(".db") if configured.suffix.lower() == ".json" else configured


def fetch_many(conn: sqlite3.Connection, path: Path, session_nos: list[str]) -> dict[str, WatchedSession]:
    """The watched sessions among ``session_nos``, by SessionNo (indexed reads, in chunks)."""
    found: dict[str, WatchedSession] = {}
    for start in range(0, len(session_nos), 500):
        chunk = session_nos[start : start + 500]
        rows = conn.execute(SELECT + f" WHERE session_no IN ({','.join('?' * len(chunk))})", chunk)
        found.update((s.session_no, s) for s in rows_to_sessions(path, rows))
    return found


def fetch(conn: sqlite3.Connection, path: Path, session_no: str) -> WatchedSession | None:
    rows = conn.execute(SELECT + " WHERE session_no = ?", (session_no,)).fetchall()
    return rows_to_sessions(path, rows)[0] if rows else None


def signature_of(conn: sqlite3.Connection, path: Path) -> Signature:
    row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    st = os.stat(path)
    return (st.st_dev, st.st_ino, int(row[0]) if row else 0)


def failed(path: Path, purpose: str, error: sqlite3.DatabaseError) -> WatchlistError:
    if is_corruption(error):
        return WatchlistError(f"watchlist {path}: not a readable database ({error}); the file was left as it was")
    return WatchlistError(f"cannot {purpose} watchlist {path}: {error}; the previous file was left as it was")


def first_sessions(path: Path, count: int, over: int) -> list[WatchedSession] | None:
    """The first ``count`` sessions of the watchlist database at ``path``, in its order, when
    it holds more than ``over``: a first screen shown before the whole list is read. Read
    only, without the lock; None also when there is no database yet or it will not read as
    it is (the whole read, which comes next, then says why)."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
    except sqlite3.Error:
        return None
    try:
        app_id, version = _identity(conn, path)
        if app_id != APPLICATION_ID or version > SCHEMA_VERSION:
            return None  # another kind of database, or a newer one: the whole read's to report
        if conn.execute("SELECT 1 FROM sessions ORDER BY seq LIMIT 1 OFFSET ?", (over,)).fetchone() is None:
            return None  # a watchlist this small is read whole as quickly
        return rows_to_sessions(path, conn.execute(SELECT + " ORDER BY seq LIMIT ?", (count,)))
    except (sqlite3.Error, WatchlistError):
        return None
    finally:
        conn.close()
