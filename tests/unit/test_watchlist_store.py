"""The watchlist's SQLite store: the move from JSON, changes that touch only their own rows,
files that are not ours refused and left as they were."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from usms_tui.domain.errors import WatchlistError
from usms_tui.store.watchlist import WatchedSession, Watchlist
from usms_tui.store.watchlist_db import database_path

LEGACY = {
    "version": 1,
    "sessions": [
        {"session_no": "s-1", "label": "promo", "added_at": 10.0, "sent_at": 5.0, "phones": ["1", "2"]},
        {"session_no": "s-2", "added_at": 20.0, "archived": True, "note": "n", "project_id": "org-x"},
    ],
}


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data" / "watchlist.json"


def test_database_sits_beside_a_json_path_and_is_any_other_path_itself(tmp_path):
    assert database_path(tmp_path / "watchlist.json") == tmp_path / "watchlist.db"
    assert database_path(tmp_path / "mine.JSON") == tmp_path / "mine.db"
    assert database_path(tmp_path / "watchlist.sqlite") == tmp_path / "watchlist.sqlite"
    assert Watchlist(tmp_path / "w.json").path == tmp_path / "w.db"


def test_a_json_watchlist_moves_on_first_use_and_the_original_is_kept(path):
    path.parent.mkdir(parents=True)
    raw = json.dumps(LEGACY).encode()
    path.write_bytes(raw)
    os.chmod(path, 0o640)
    wl = Watchlist(path)
    sessions = wl.load()
    assert sessions == [
        WatchedSession("s-1", label="promo", added_at=10.0, sent_at=5.0, phones=("1", "2")),
        WatchedSession("s-2", added_at=20.0, archived=True, note="n", project_id="org-x"),
    ]
    kept = path.with_name("watchlist.json.migrated")
    assert not path.exists() and kept.read_bytes() == raw
    assert os.stat(wl.path).st_mode & 0o777 == 0o640  # the original's permissions
    # Moved once: a JSON file that appears later is not merged over the database.
    path.write_text(json.dumps({"version": 1, "sessions": [{"session_no": "other"}]}))
    assert [s.session_no for s in Watchlist(path).load()] == ["s-1", "s-2"]


def test_json_at_a_path_that_is_not_json_moves_in_place(tmp_path):
    target = tmp_path / "watched"
    raw = json.dumps(LEGACY).encode()
    target.write_bytes(raw)
    wl = Watchlist(target)
    assert wl.path == target
    assert [s.session_no for s in wl.load()] == ["s-1", "s-2"]
    assert (tmp_path / "watched.migrated").read_bytes() == raw
    assert target.read_bytes().startswith(b"SQLite format 3\x00")


def test_an_empty_or_missing_watchlist_creates_nothing_until_written(path, tmp_path):
    assert Watchlist(path).load() == [] and not path.parent.exists()
    Watchlist(path).add([WatchedSession("a")])
    assert sorted(os.listdir(path.parent)) == ["watchlist.db", "watchlist.json.lock"]
    assert os.stat(path.with_suffix(".db")).st_mode & 0o777 == 0o600  # phone numbers: owner-only


def test_adding_one_session_does_not_rewrite_the_others(path):
    wl = Watchlist(path, clock=lambda: 1000.0)
    wl.add([WatchedSession(f"s-{i:05d}", label="x" * 40, phones=("13800000000", "13900000000")) for i in range(5000)])
    # The test's own connection keeps the WAL from being checkpointed away when the
    # watchlist closes its connection, so the pages one change wrote can be counted.
    watcher = sqlite3.connect(wl.path)
    watcher.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = watcher.execute("PRAGMA page_count").fetchone()[0]
    rows_before = dict(watcher.execute("SELECT session_no, seq FROM sessions"))
    assert watcher.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1] == 0
    wl.add([WatchedSession("one-more")])
    frames = watcher.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
    # A row, its index entries and the counter: a handful of pages of hundreds.
    assert pages > 150 and 0 < frames <= 12, (pages, frames)
    rows_after = dict(watcher.execute("SELECT session_no, seq FROM sessions"))
    assert rows_after.pop("one-more") > max(rows_before.values())
    assert rows_after == rows_before  # every other row kept its place
    watcher.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    wl.remove(["s-02500"])
    assert 0 < watcher.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1] <= 12
    watcher.close()


def test_an_add_does_not_read_every_session(path, monkeypatch):
    Watchlist(path).add([WatchedSession(f"s-{i}") for i in range(300)])
    from usms_tui.store import watchlist_db

    built = []
    real = watchlist_db.row_to_session
    counted = lambda row: built.append(row) or real(row)  # noqa: E731
    monkeypatch.setattr(watchlist_db, "row_to_session", counted)
    wl = Watchlist(path)
    wl.check()
    assert wl.add([WatchedSession("new"), WatchedSession("s-7", label="L")]).added == ["new"]
    assert len(built) == 1  # only s-7, to merge into it


def test_project_id_is_kept_through_add_update_and_load(path):
    wl = Watchlist(path)
    wl.add([WatchedSession("a", project_id="org-1"), WatchedSession("b")])
    wl.add([WatchedSession("a")])  # a re-add without a project keeps the session's
    assert wl.update("b", project_id="org-2").project_id == "org-2"
    assert [(s.session_no, s.project_id) for s in Watchlist(path).load()] == [("a", "org-1"), ("b", "org-2")]


def test_in_memory_sessions_follow_writes_of_this_and_other_processes(path):
    mine, theirs = Watchlist(path), Watchlist(path)
    mine.add([WatchedSession("a"), WatchedSession("b")])
    assert [s.session_no for s in mine.sessions()] == ["a", "b"]
    theirs.add([WatchedSession("c")])
    mine.add([WatchedSession("d")])  # sees that someone else wrote: reads again when asked
    assert [s.session_no for s in mine.sessions()] == ["a", "b", "c", "d"]
    mine.remove(["a"])
    assert mine.get("a") is None and mine.get("d") == Watchlist(path).load()[-1]


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"SQLite format 3\x00" + b"\x00" * 200, b"\x00" * 4096],
    ids=["text", "bad-header", "zeros"],
)
def test_a_damaged_database_is_refused_naming_it_and_left_byte_for_byte(path, raw):
    wl = Watchlist(path)
    wl.add([WatchedSession("a")])
    wl.path.write_bytes(raw)
    for action in (wl.load, lambda: wl.add([WatchedSession("x")]), lambda: wl.remove(["a"]), wl.check):
        with pytest.raises(WatchlistError) as info:
            action()
        assert str(wl.path) in str(info.value) and "left as it was" in str(info.value)
    assert wl.path.read_bytes() == raw


def _database(path, app_id, version):
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute(f"PRAGMA application_id = {app_id}")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()
    return path.read_bytes()


def test_another_programs_database_and_a_newer_schema_are_refused(tmp_path):
    other = tmp_path / "other.db"
    raw = _database(other, 0, 0)
    with pytest.raises(WatchlistError, match="not a usms-tui watchlist"):
        Watchlist(other).add([WatchedSession("x")])
    assert other.read_bytes() == raw
    newer = tmp_path / "newer.db"
    raw = _database(newer, 0x55534D57, 9)
    with pytest.raises(WatchlistError, match="newer usms-tui"):
        Watchlist(newer).load()
    assert newer.read_bytes() == raw


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("added_at", "1" * 4000, "added_at 'inf' is not a usable"),
        ("sent_at", 1e300, "sent_at"),
        ("label", b"blob", "label is not text"),
        ("phones", "[not json", "phones is not a JSON list"),
        ("archived", 7, "archived is not 0 or 1"),
    ],
)
def test_a_row_broken_by_a_hand_edit_is_an_error_naming_it(path, column, value, problem):
    wl = Watchlist(path)
    wl.add([WatchedSession("a"), WatchedSession("b")])
    conn = sqlite3.connect(wl.path)
    conn.execute("PRAGMA ignore_check_constraints = 1")
    conn.execute(f"UPDATE sessions SET {column} = ? WHERE session_no = 'b'", (value,))
    conn.commit()
    conn.close()
    raw = wl.path.read_bytes()
    for action in (wl.load, lambda: wl.update("b", label="x"), lambda: wl.add([WatchedSession("b")])):
        with pytest.raises(WatchlistError) as info:
            action()
        assert str(wl.path) in str(info.value) and "'b'" in str(info.value) and problem in str(info.value)
    assert wl.path.read_bytes() == raw
