"""A start reads each session's stored summary, not its receipts: the receipts are read when
something looks at them, a summary that no longer fits is counted again, and whatever the
summary column holds, the counts shown are the ones the receipts give."""

from __future__ import annotations

import json
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usms_tui.domain.receipts import Receipt, merge_phones
from usms_tui.domain.summary import summarize
from usms_tui.monitor.poller import Poller
from usms_tui.monitor.session_state import SessionState
from usms_tui.store.cache import ReceiptCache
from usms_tui.store.summary_codec import summary_from_text, summary_to_text
from usms_tui.store.watchlist import WatchedSession, Watchlist

HOUR = 3600.0
NOW = 1_750_000_000.0


def rec(phone: str, result: str = "", when: int | None = 1_700_000_000, cost: int = 1) -> Receipt:
    return Receipt.from_api(
        {"Phone": phone, "ReceiptResult": result, "CostCount": cost, "ReceiptTime": when if result else None}
    )


class CountingCache(ReceiptCache):
    """The real cache, counting whole-session reads."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reads: list[str] = []
        self.bulk: list[list[str]] = []

    def load_session(self, session_no):
        self.reads.append(session_no)
        return super().load_session(session_no)

    def load_sessions(self, session_nos):
        self.bulk.append(list(session_nos))
        return super().load_sessions(session_nos)


SESSIONS = {
    "done": [rec("1", "Success"), rec("2", "Success", when=1_700_000_100)],
    "mixed": [rec("1", "Success"), rec("2", "Fail"), rec("3", "Unknow")],
    "odd": [rec("1", "Strange new word")],
}


def entries(phones: dict[str, tuple[str, ...]]) -> list[WatchedSession]:
    return [WatchedSession(no, added_at=NOW - HOUR, sent_at=NOW - 13 * HOUR, phones=p) for no, p in phones.items()]


def known_of(sessions: dict[str, list[Receipt]]) -> dict[str, tuple[str, ...]]:
    known = {no: tuple(r.phone for r in receipts) for no, receipts in sessions.items()}
    known["waiting"] = ("9",)  # no receipt yet: stored as fetched, with nothing in it
    return known


def start(tmp_path, phones: dict[str, tuple[str, ...]]) -> tuple[Poller, CountingCache]:
    watchlist = Watchlist(tmp_path / "watchlist.json", clock=lambda: NOW)
    watchlist.add(entries(phones))
    cache = CountingCache(tmp_path / "cache.sqlite3")
    poller = Poller(watchlist, cache, fetcher_never_called(), warn_after=12 * HOUR, clock=lambda: NOW)
    poller.load()
    return poller, cache


def fetcher_never_called():
    class Fetcher:
        async def fetch(self, session_nos):
            raise AssertionError("a load must not reach the network")

    return Fetcher()


def expected(no: str, receipts: list[Receipt], phones: tuple[str, ...]):
    return summarize(
        no, receipts, now=NOW, added_at=NOW - HOUR, sent_at=NOW - 13 * HOUR, known_phones=phones, warn_after=12 * HOUR
    )


def store(tmp_path, sessions, known) -> None:
    with ReceiptCache(tmp_path / "cache.sqlite3") as cache:
        cache.store_results({**sessions, "waiting": []}, checked_at=NOW - 60, known_phones=known)


def summary_column(tmp_path) -> dict[str, str | None]:
    with sqlite3.connect(tmp_path / "cache.sqlite3") as conn:
        return dict(conn.execute("SELECT session_no, summary FROM sessions"))


def test_a_start_reads_no_receipts_until_a_session_is_looked_at(tmp_path):
    known = known_of(SESSIONS)
    store(tmp_path, SESSIONS, known)
    poller, cache = start(tmp_path, known)
    summaries = {s.session_no: s for s in poller.summaries()}
    assert cache.reads == []  # counts, cost, settled, overdue, delivery times: all from the summary
    assert not any(state.loaded for state in poller.states.values())
    for no, receipts in {**SESSIONS, "waiting": []}.items():
        want = expected(no, receipts, known[no])
        got = summaries[no]
        assert (got.counts, got.cost_count, got.settled, got.overdue) == (
            want.counts,
            want.cost_count,
            want.settled,
            want.overdue,
        )
        assert got.delivered_times == want.delivered_times
    assert cache.reads == []
    assert summaries["mixed"].phones == expected("mixed", SESSIONS["mixed"], known["mixed"]).phones
    assert cache.reads == ["mixed"]  # only the session whose phones were shown
    assert [no for no, state in poller.states.items() if state.loaded] == ["mixed"]


def test_a_summary_made_with_other_known_phones_is_counted_again_and_kept(tmp_path):
    known = known_of(SESSIONS)
    store(tmp_path, SESSIONS, known)
    grown = {**known, "done": ("1", "2", "3")}  # the watchlist now knows a third phone
    poller, _ = start(tmp_path, grown)
    done = next(s for s in poller.summaries() if s.session_no == "done")
    assert done == expected("done", SESSIONS["done"], grown["done"])
    assert done.counts["pending"] == 1 and not done.settled
    kept = summary_from_text(summary_column(tmp_path)["done"])
    assert kept is not None and kept.fits(grown["done"])  # the next start reads it, not receipts

    _, cache = start(tmp_path, grown)
    assert cache.reads == []


def test_a_cache_from_before_summaries_is_upgraded_and_counted_once(tmp_path):
    known = known_of(SESSIONS)
    store(tmp_path, SESSIONS, known)
    with sqlite3.connect(tmp_path / "cache.sqlite3") as conn:  # as schema 2 wrote it
        conn.execute("ALTER TABLE sessions DROP COLUMN summary")
        conn.execute("PRAGMA user_version = 2")
    poller, cache = start(tmp_path, known)
    assert cache.warnings == []
    for no, receipts in {**SESSIONS, "waiting": []}.items():
        assert next(s for s in poller.summaries() if s.session_no == no) == expected(no, receipts, known[no])
    column = summary_column(tmp_path)
    assert all(summary_from_text(column[no]) is not None for no in known)
    _, again = start(tmp_path, known)
    assert again.reads == []


DAMAGED = [
    "",
    "not a summary",
    "\xff\xfe",
    "[" * 100_000,
    "null",
    '["", [1, 0, 0, 0, 0], 1, []]',  # another form
    " 1 0 0 0 1",  # too few fields
    " 1 0 0 0 0 1 1700000000 x",  # too many
    " 1 0 0 0 -1 1 ",
    " 1 0 0 0 99999999999999999999 1 ",
    " 1 0 0 x 0 1 ",
    " 1 0 0 0 0 1.5 ",
    " 1 0 0 0 0 99999999999999999999999 ",
    " 1 0 0 0 0 " + "9" * 5000 + " ",  # a number past what int() reads
    " \u0661 0 0 0 0 1 ",  # not ASCII
]


@pytest.mark.parametrize("text", DAMAGED, ids=lambda text: ascii(text[:24]))
def test_a_damaged_summary_is_none_and_the_receipts_are_counted(tmp_path, text):
    assert summary_from_text(text) is None
    known = known_of(SESSIONS)
    store(tmp_path, SESSIONS, known)
    with sqlite3.connect(tmp_path / "cache.sqlite3") as conn:
        conn.execute("UPDATE sessions SET summary = ? WHERE session_no = 'mixed'", (text,))
    poller, cache = start(tmp_path, known)
    mixed = next(s for s in poller.summaries() if s.session_no == "mixed")
    assert mixed == expected("mixed", SESSIONS["mixed"], known["mixed"])
    assert cache.warnings == []


def test_a_summary_column_of_the_wrong_type_is_none():
    for value in (b"\x00\xff", 7, 1.5, None):
        assert summary_from_text(value) is None


@pytest.mark.parametrize(
    "times",
    ["x", "1700000000,", "-5", "1700000000,1700000001", "99999999999", "1,2", "1700000000;1700000001", "9" * 5000],
    ids=lambda text: text[:20],
)
def test_damaged_delivery_times_are_read_from_the_receipts(tmp_path, times):
    known = known_of(SESSIONS)
    store(tmp_path, SESSIONS, known)
    with sqlite3.connect(tmp_path / "cache.sqlite3") as conn:
        (text,) = conn.execute("SELECT summary FROM sessions WHERE session_no = 'mixed'").fetchone()
        head, _times, failures = text.rsplit(" ", 2)  # the failure tallies are the last word
        damaged = f"{head} {times} {failures}"  # one delivered phone, so two times are too many
        conn.execute("UPDATE sessions SET summary = ? WHERE session_no = 'mixed'", (damaged,))
    poller, cache = start(tmp_path, known)
    mixed = next(s for s in poller.summaries() if s.session_no == "mixed")
    assert cache.reads == []  # the counts still come from the summary
    assert mixed.delivered_times == expected("mixed", SESSIONS["mixed"], known["mixed"]).delivered_times
    assert cache.reads == ["mixed"]


RESULTS = st.sampled_from(["", "Success", "Fail", "Unknow", "状态未知", "\u202eodd", "Later"])
PHONES = st.sampled_from(["1", "2", "3", "+86 138", "86138", ""])
RECEIPTS = st.lists(
    st.builds(
        rec,
        PHONES,
        RESULTS,
        st.one_of(st.none(), st.integers(1_600_000_000, 1_800_000_000)),
        st.integers(0, 5),
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(RECEIPTS, st.lists(PHONES, max_size=4).map(tuple))
def test_the_stored_summary_gives_what_counting_the_receipts_gives(receipts, known):
    merged = merge_phones(receipts)
    stored = summary_from_text(summary_to_text(merged, known))
    assert stored is not None and stored.fits(known)
    entry = WatchedSession("s", added_at=NOW - HOUR, sent_at=NOW - 13 * HOUR, phones=known)
    lazy = SessionState(entry)
    lazy.stored(lambda no: (list(merged), {}) if no == "s" else None, stored)
    assert lazy.counted and not lazy.loaded
    got = lazy.summary(NOW, 12 * HOUR)
    want = expected("s", merged, known)
    assert (got.counts, got.cost_count, got.settled, got.overdue, got.age_seconds) == (
        want.counts,
        want.cost_count,
        want.settled,
        want.overdue,
        want.age_seconds,
    )
    assert got.delivered_times == want.delivered_times
    assert not lazy.loaded  # all of that without the receipts
    assert got == want  # and the phones, read on demand, are the same too


def test_reading_a_session_does_not_wait_for_a_write_in_progress(tmp_path):
    path = tmp_path / "cache.sqlite3"
    with ReceiptCache(path) as cache:
        cache.store_results({"s": [rec("1", "Success")]}, checked_at=1.0)
        writing, release = threading.Event(), threading.Event()

        def long_write(conn):
            # The main connection mid-transaction, as during a refresh's store_results.
            with conn:
                conn.execute("UPDATE sessions SET last_checked = 2.0")
                writing.set()
                release.wait()

        with ThreadPoolExecutor(2) as pool:
            writer = pool.submit(cache._run, long_write, None)
            assert writing.wait(30)
            reader = pool.submit(cache.load_session, "s")
            # A deadlock guard, not a timing: the read returns while the write is held open.
            found = reader.result(timeout=30)
            release.set()
            writer.result(timeout=30)
        assert found is not None and found.receipts == (rec("1", "Success"),)
        assert found.last_checked == 1.0  # the committed state, not the write in progress
        assert cache.load_session("s").last_checked == 2.0
        assert cache.warnings == []


def test_a_session_pruned_by_another_process_reads_as_nothing_known(tmp_path):
    known = known_of(SESSIONS)
    store(tmp_path, SESSIONS, known)
    poller, cache = start(tmp_path, known)
    with sqlite3.connect(tmp_path / "cache.sqlite3") as conn:
        conn.execute("DELETE FROM sessions WHERE session_no = 'done'")
    state = poller.states["done"]
    assert state.receipts == []
    done = next(s for s in poller.summaries() if s.session_no == "done")
    assert done == expected("done", [], known["done"])  # pending again, not the stale counts
    assert json.dumps(cache.warnings) == "[]"


class Answers:
    """Answers every batch with the sessions' receipts as stored (nothing new), or ``changed``."""

    def __init__(self, sessions, changed=None) -> None:
        self.sessions = {**sessions, **(changed or {})}
        self.asked: list[list[str]] = []

    async def fetch(self, session_nos):
        from usms_tui.api.client import FetchResult

        nos = list(session_nos)
        self.asked.append(nos)
        return FetchResult(receipts={no: list(self.sessions.get(no, [])) for no in nos}, requests=1)


async def test_a_refresh_reads_a_batch_of_stored_receipts_in_one_query(tmp_path):
    known = known_of(SESSIONS)
    store(tmp_path, SESSIONS, known)
    poller, cache = start(tmp_path, known)
    newer = [rec("1", "Success"), rec("2", "Success"), rec("3", "Unknow")]
    poller.client = Answers(SESSIONS, {"mixed": newer})
    report = await poller.refresh(only=list(known))  # settled ones too: forced
    assert cache.reads == []  # none one by one
    assert sorted(no for batch in cache.bulk for no in batch) == sorted(poller.client.asked[0])
    assert len(cache.bulk) == 1
    assert report.changed == {"mixed"}  # compared with what was stored, so only the news
    assert [type(e).__name__ for e in report.events if getattr(e, "session_no", "") == "mixed"] == []
    mixed = next(s for s in poller.summaries() if s.session_no == "mixed")
    assert mixed == expected("mixed", newer, known["mixed"])
    assert poller.states["mixed"].first_seen["1"] < NOW  # the phone whose status stayed keeps its time
