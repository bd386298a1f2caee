"""The watchlist: validation, merging, locked transactional writes, corrupt files left alone."""

from __future__ import annotations

import json
import os

import pytest

from usms_tui.domain.errors import WatchlistError
from usms_tui.store.watchlist import AddReport, WatchedSession, Watchlist, validate_session_no


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data" / "watchlist.json"


def clock_at(t=1_000.0):
    return lambda: t


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("a" * 129, "longer than 128"),
        ("ab cd", "whitespace"),
        ("ab\tcd", "whitespace"),
        ("ab\x00cd", "control character"),
        ("ab\u200bcd", "control character"),  # zero-width space (Cf)
        ("ab\x1bcd", "control character"),
    ],
)
def test_validate_refuses_with_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        validate_session_no(text)


def test_validate_trims_and_accepts_128():
    assert validate_session_no("  abc-123 \n") == "abc-123"
    assert validate_session_no("x" * 128) == "x" * 128


def test_display_name():
    assert WatchedSession("s1").display_name == "s1"
    assert WatchedSession("s1", label="promo").display_name == "promo"


def test_missing_file_is_empty_and_not_created(path):
    wl = Watchlist(path)
    assert wl.load() == []
    assert not path.exists()


def test_add_keeps_insertion_order_and_every_field(path):
    wl = Watchlist(path, clock=clock_at(1234.5))
    report = wl.add([WatchedSession("b"), WatchedSession("a", label="x", sent_at=1000, phones=("1", "2"))])
    assert report == AddReport(added=["b", "a"], updated=[], refused=[])
    assert wl.path == path.with_suffix(".db") and not path.exists()
    loaded = Watchlist(path).load()
    assert [s.session_no for s in loaded] == ["b", "a"]
    assert loaded[1] == WatchedSession("a", label="x", added_at=1234.5, sent_at=1000.0, phones=("1", "2"))
    assert loaded == wl.sessions()


def test_add_existing_merges_instead_of_doubling(path):
    wl = Watchlist(path, clock=clock_at())
    wl.add([WatchedSession("s1", label="old", phones=("1",))])
    report = wl.add([WatchedSession(" s1 ", label="new", sent_at=50.0, phones=("2", "1"))])
    assert report.added == [] and report.updated == ["s1"]
    (entry,) = Watchlist(path).load()
    assert entry == WatchedSession("s1", label="new", added_at=1000.0, sent_at=50.0, phones=("1", "2"))
    # An empty label does not wipe the old one; nothing new is "unchanged".
    report = wl.add([WatchedSession("s1")])
    assert report.unchanged == ["s1"] and report.updated == []
    assert wl.sessions()[0].label == "new"


def test_refused_are_reported_and_the_rest_kept(path):
    wl = Watchlist(path)
    report = wl.add([WatchedSession("ok1"), WatchedSession("bad one"), WatchedSession(""), WatchedSession("ok2")])
    assert report.added == ["ok1", "ok2"]
    assert [r[0] for r in report.refused] == ["bad one", ""]
    assert [s.session_no for s in Watchlist(path).load()] == ["ok1", "ok2"]


def test_times_the_file_could_not_hold_are_refused_not_written(path):
    # Written, NaN is not JSON and 1e300 is refused by the next load: the add would break the file.
    wl = Watchlist(path)
    report = wl.add(
        [WatchedSession("a", sent_at=float("nan")), WatchedSession("b", sent_at=1e300), WatchedSession("c")]
    )
    assert report.added == ["c"] and [r[0] for r in report.refused] == ["a", "b"]
    assert "sent_at" in report.refused[1][1]
    assert [s.session_no for s in Watchlist(path).load()] == ["c"]


def test_duplicate_in_one_input_counts_once(path):
    report = Watchlist(path).add([WatchedSession("s", phones=("1",)), WatchedSession("s", phones=("2",))])
    assert report.added == ["s"] and report.updated == []
    assert Watchlist(path).load()[0].phones == ("1", "2")


def test_remove_and_update(path):
    wl = Watchlist(path)
    wl.add([WatchedSession("a"), WatchedSession("b"), WatchedSession("c")])
    assert wl.remove(["b", "zzz"]) == ["b"]
    updated = wl.update("c", label="L", archived=True)
    assert updated.archived and updated.label == "L"
    assert Watchlist(path).load() == wl.sessions()
    with pytest.raises(KeyError):
        wl.update("nope", label="x")
    with pytest.raises(ValueError):
        wl.update("a", session_no="other")


def test_unknown_keys_of_a_migrated_file_are_kept(path):
    import sqlite3

    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 1, "owner": "ops", "sessions": [{"session_no": "a", "colour": "red"}]}))
    wl = Watchlist(path)
    wl.add([WatchedSession("b")])
    with sqlite3.connect(wl.path) as conn:
        assert json.loads(conn.execute("SELECT value FROM meta WHERE key = 'extras'").fetchone()[0]) == {"owner": "ops"}
        assert conn.execute("SELECT extras FROM sessions WHERE session_no = 'a'").fetchone()[0] == '{"colour": "red"}'
    conn.close()


def test_empty_file_is_an_empty_watchlist(path):
    path.parent.mkdir(parents=True)
    path.write_text("")
    assert Watchlist(path).load() == []


CORRUPT = {
    "truncated": (b'{"version": 1, "sessions": [', "not valid JSON"),
    "not utf8": (b"\xff\xfe{}", "not UTF-8"),
    "list": (b"[]", "not a JSON object"),
    "newer": (b'{"version": 2, "sessions": []}', "newer usms-tui"),
    "no version": (b'{"sessions": []}', "format version"),
    "sessions not list": (b'{"version": 1, "sessions": {}}', "not a list"),
    "bad session_no": (b'{"version": 1, "sessions": [{"session_no": "a b"}]}', "whitespace"),
    "bad type": (b'{"version": 1, "sessions": [{"session_no": "a", "added_at": "x"}]}', "added_at"),
    "twice": (b'{"version": 1, "sessions": [{"session_no": "a"}, {"session_no": "a"}]}', "twice"),
    # json.loads takes NaN/Infinity; these times would crash every table and export later.
    "nan sent_at": (b'{"version": 1, "sessions": [{"session_no": "a", "sent_at": NaN}]}', "NaN is not a JSON number"),
    "huge added_at": (b'{"version": 1, "sessions": [{"session_no": "a", "added_at": 1e20}]}', "added_at 1e+20"),
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_corrupt_file_is_refused_and_left_untouched(path, case):
    raw, problem = CORRUPT[case]
    path.parent.mkdir(parents=True)
    path.write_bytes(raw)
    before = os.stat(path)
    wl = Watchlist(path)
    with pytest.raises(WatchlistError) as info:
        wl.load()
    assert str(path) in str(info.value) and problem in str(info.value)
    with pytest.raises(WatchlistError):
        wl.add([WatchedSession("x")])
    with pytest.raises(WatchlistError):
        wl.remove(["a"])
    assert path.read_bytes() == raw
    assert os.stat(path).st_mtime_ns == before.st_mtime_ns


def test_reload_if_changed_sees_another_writer(path):
    mine, theirs = Watchlist(path), Watchlist(path)
    mine.load()
    assert not mine.reload_if_changed()
    theirs.add([WatchedSession("new")])
    assert mine.reload_if_changed()
    assert [s.session_no for s in mine.sessions()] == ["new"]
    assert not mine.reload_if_changed()
    os.unlink(mine.path)
    assert mine.reload_if_changed() and mine.sessions() == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permissions")
def test_unwritable_folder_is_a_clear_error_and_loses_nothing(path):
    wl = Watchlist(path)
    wl.add([WatchedSession("keep")])
    raw = path.read_bytes()
    os.chmod(path.parent, 0o500)
    try:
        with pytest.raises(WatchlistError, match="cannot write watchlist"):
            wl.add([WatchedSession("more")])
    finally:
        os.chmod(path.parent, 0o700)
    assert path.read_bytes() == raw


def _failing_connections(monkeypatch, error):
    """Make every write of a session fail in SQLite with ``error`` (disk full, denied...)."""
    import sqlite3

    from usms_tui.store import watchlist_db

    class Failing(sqlite3.Connection):
        def execute(self, sql, *args):
            if sql.startswith(("INSERT INTO sessions", "UPDATE sessions")):
                raise sqlite3.OperationalError(error)
            return super().execute(sql, *args)

        def executemany(self, sql, rows):
            if sql.startswith(("INSERT INTO sessions", "UPDATE sessions")):
                raise sqlite3.OperationalError(error)
            return super().executemany(sql, rows)

    real = sqlite3.connect
    monkeypatch.setattr(watchlist_db.sqlite3, "connect", lambda *a, **k: real(*a, factory=Failing, **k))


def _snapshot(wl):
    return [s.session_no for s in Watchlist(wl.configured_path).load()]


def test_permission_denied_on_write_is_a_clear_error(path, monkeypatch):
    wl = Watchlist(path)
    wl.add([WatchedSession("keep")])
    _failing_connections(monkeypatch, "attempt to write a readonly database")
    with pytest.raises(WatchlistError, match=r"cannot write watchlist .*readonly.*left as it was"):
        wl.add([WatchedSession("more")])
    monkeypatch.undo()
    assert _snapshot(wl) == ["keep"]


def test_disk_full_is_a_clear_error_and_loses_nothing(path, monkeypatch):
    wl = Watchlist(path)
    wl.add([WatchedSession("keep")])
    _failing_connections(monkeypatch, "database or disk is full")
    with pytest.raises(WatchlistError, match="disk is full"):
        wl.add([WatchedSession("more")])
    monkeypatch.undo()
    assert _snapshot(wl) == ["keep"]
    assert sorted(os.listdir(path.parent)) == ["watchlist.db", "watchlist.json.lock"]  # no -wal left over
    assert [s.session_no for s in wl.sessions()] == ["keep"]


def test_stale_temp_files_are_cleaned_under_the_lock(path):
    Watchlist(path).add([WatchedSession("a")])
    (path.parent / ".watchlist.json.abc123.tmp").write_text("half")  # from the JSON days
    (path.parent / ".watchlist.db.migrate.tmp").write_text("half")  # a killed migration
    Watchlist(path).add([WatchedSession("b")])
    assert not (path.parent / ".watchlist.json.abc123.tmp").exists()
    assert not (path.parent / ".watchlist.db.migrate.tmp").exists()


def test_any_sessions_round_trip_through_the_file(tmp_path):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    session_no = st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Cs")), min_size=1, max_size=40
    ).filter(lambda t: not any(c.isspace() for c in t))
    entries = st.builds(
        # Called through a function: hypothesis takes a typed named tuple's fields for its
        # constructor's arguments, and the stored phones text is not one of them.
        lambda **fields: WatchedSession(**fields),
        session_no=session_no,
        # Labels with control characters are refused at the door (see test_hostile_*).
        label=st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp", "Cs")), max_size=20),
        added_at=st.floats(min_value=1, max_value=4e9, allow_nan=False),
        sent_at=st.none() | st.floats(min_value=0, max_value=4e9, allow_nan=False),
        phones=st.lists(st.text(min_size=1, max_size=12).filter(str.strip).map(str.strip), max_size=3, unique=True).map(
            tuple
        ),
        note=st.text(max_size=20),
        archived=st.booleans(),
    )

    counter = iter(range(10**9))

    @settings(max_examples=40, deadline=None)
    @given(st.lists(entries, max_size=8, unique_by=lambda s: s.session_no))
    def check(sessions):
        path = tmp_path / f"w{next(counter)}.json"
        Watchlist(path).add(sessions)
        assert Watchlist(path).load() == sessions

    check()


def test_a_symlinked_watchlist_stays_a_symlink(tmp_path):
    real = tmp_path / "dotfiles" / "watchlist.json"
    real.parent.mkdir()
    real.write_text('{"version": 1, "sessions": []}')
    link = tmp_path / "watchlist.json"
    link.symlink_to(real)
    Watchlist(link).add([WatchedSession("a")])
    assert link.is_symlink()
    assert [s.session_no for s in Watchlist(real).load()] == ["a"]


def test_adding_an_archived_session_again_watches_it_again(path):
    wl = Watchlist(path)
    wl.add([WatchedSession("a")])
    wl.update("a", archived=True)
    report = wl.add([WatchedSession("a")])
    assert report.updated == ["a"] and wl.sessions()[0].archived is False


def test_a_fifo_watchlist_is_refused_not_waited_on(tmp_path):
    # Opening a FIFO for reading blocks until a writer comes: every command used to hang.
    fifo = tmp_path / "watchlist.json"
    os.mkfifo(fifo)
    with pytest.raises(WatchlistError, match="not a regular file"):
        Watchlist(fifo).load()
    with pytest.raises(WatchlistError, match="not a regular file"):
        Watchlist(fifo).add([WatchedSession("x")])
