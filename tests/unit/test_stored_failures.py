"""The failure tallies come from the stored summary as the counts do: a start and the
failures view read no receipt for them, a cache written before them is counted again once,
and a damaged word costs a read of that session's receipts, never a wrong count."""

from __future__ import annotations

import sqlite3

from tests.unit.test_lazy_store import SESSIONS, expected, known_of, start, store, summary_column
from usms_tui.store.summary_codec import summary_from_text


def failures(poller) -> dict[str, tuple]:
    return {s.session_no: s.failures for s in poller.summaries()}


def wanted(known) -> dict[str, tuple]:
    return {no: expected(no, receipts, known[no]).failures for no, receipts in {**SESSIONS, "waiting": []}.items()}


def test_the_tallies_are_read_with_the_summary_not_from_the_receipts(tmp_path):
    known = known_of(SESSIONS)
    store(tmp_path, SESSIONS, known)
    poller, cache = start(tmp_path, known)
    assert failures(poller) == wanted(known)
    assert failures(poller)["mixed"] and not failures(poller)["done"]
    assert cache.reads == [] and cache.bulk == []


def test_a_cache_from_before_the_tallies_counts_its_failed_sessions_again_once(tmp_path):
    known = known_of(SESSIONS)
    store(tmp_path, SESSIONS, known)
    with sqlite3.connect(tmp_path / "cache.sqlite3") as conn:  # as the summary was written before
        for no, text in conn.execute("SELECT session_no, summary FROM sessions").fetchall():
            conn.execute("UPDATE sessions SET summary = ? WHERE session_no = ?", (text.rsplit(" ", 1)[0], no))
    before = summary_column(tmp_path)
    assert summary_from_text(before["mixed"]) is None  # it has failures, and no word for them
    assert summary_from_text(before["done"]) is not None  # nothing to tally: still good
    poller, _ = start(tmp_path, known)
    assert failures(poller) == wanted(known)
    after = summary_column(tmp_path)
    assert after["done"] == before["done"]  # not rewritten
    assert all(summary_from_text(after[no]) is not None for no in known)

    again, cache = start(tmp_path, known)
    assert failures(again) == wanted(known)
    assert cache.reads == []


def test_a_damaged_word_is_tallied_from_the_receipts(tmp_path):
    known = known_of(SESSIONS)
    store(tmp_path, SESSIONS, known)
    with sqlite3.connect(tmp_path / "cache.sqlite3") as conn:
        (text,) = conn.execute("SELECT summary FROM sessions WHERE session_no = 'mixed'").fetchone()
        damaged = text.rsplit(" ", 1)[0] + ' [["","x","y",1]]'  # counts one of its two phones
        conn.execute("UPDATE sessions SET summary = ? WHERE session_no = 'mixed'", (damaged,))
    poller, cache = start(tmp_path, known)
    assert cache.reads == []  # the counts still come from the summary
    assert failures(poller) == wanted(known)
    assert cache.reads == ["mixed"]
