"""The store does not work out again what the poller has: receipts merged already are not
merged twice, a summary at hand is stored rather than counted again, and whichever way a
row is made its text is the same."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from usms_tui.domain.failure_tally import tally_failures
from usms_tui.domain.receipts import STATUS_ORDER, Receipt, merge_phones
from usms_tui.domain.summary import summarize
from usms_tui.monitor.poller import Poller
from usms_tui.store.cache import ReceiptCache
from usms_tui.store.failure_codec import failures_to_text
from usms_tui.store.summary_codec import phones_fingerprint, summary_from_text, summary_text_of, summary_to_text
from usms_tui.store.watchlist import WatchedSession, Watchlist

NOW = 1_750_000_000.0


def rec(phone: str, result: str = "", when: int | None = 1_700_000_000, cost: int = 1) -> Receipt:
    return Receipt.from_api(
        {"Phone": phone, "ReceiptResult": result, "CostCount": cost, "ReceiptTime": when if result else None}
    )


def counted(receipts: list[Receipt], known: tuple[str, ...]) -> str:
    """The stored summary as it was made before: the whole ``summarize``, then its fields."""
    summary = summarize("", receipts, now=0.0, added_at=0.0, known_phones=known, merged=True)
    counts = [summary.counts[status] for status in STATUS_ORDER]
    times = ",".join(map(str, summary.delivered_times))
    failures = failures_to_text(tally_failures(summary.phones))
    return f"{phones_fingerprint(known)} {' '.join(map(str, counts))} {summary.cost_count} {times} {failures}"


# Other forms of one number among them: a known phone may match a receipt only by its key.
PHONES = st.sampled_from(["1", "2", "", " 2", "13800000001", "+86 13800000001", "008613800000001", "１３８"])
RESULTS = st.sampled_from(["", "Success", "Fail", "Unknow", "状态未知", "Later"])
RECEIPTS = st.lists(
    st.builds(rec, PHONES, RESULTS, st.one_of(st.none(), st.integers(1_600_000_000, 1_800_000_000)), st.integers(0, 5)),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(RECEIPTS, st.lists(PHONES, max_size=5).map(tuple))
def test_counting_directly_writes_what_the_whole_summary_wrote(receipts, known):
    merged = merge_phones(receipts)
    want = counted(merged, known)
    assert summary_to_text(merged, known) == want
    summary = summarize("s", merged, now=NOW, added_at=NOW, known_phones=known, merged=True)
    assert summary_text_of(summary, known) == want


def rows(path) -> dict[str, tuple]:
    with sqlite3.connect(path) as conn:
        return {row[0]: row[1:] for row in conn.execute("SELECT session_no, receipts, seen, summary FROM sessions")}


def test_merged_receipts_and_given_summaries_store_the_same_rows(tmp_path):
    sessions = {
        "a": [rec("13800000001", "Success"), rec("13800000002", "Fail")],
        "b": [rec("+86 13800000001", "Unknow")],
        "c": [],
    }
    known = {"a": ("13800000001", "13800000002", "13800000003"), "b": ("13800000001",)}
    merged = {no: merge_phones(receipts) for no, receipts in sessions.items()}
    summaries = {
        no: summarize(no, merged[no], now=NOW, added_at=NOW, known_phones=known.get(no, ()), merged=True)
        for no in ("a", "c")  # "b" has none given: counted by the store
    }
    with ReceiptCache(tmp_path / "plain.sqlite3") as plain:
        plain.store_results(sessions, NOW, known)
    with ReceiptCache(tmp_path / "given.sqlite3") as given_cache:
        changed = given_cache.store_results(merged, NOW, known, merged=True, summaries=summaries)
    assert changed == {"a", "b"}
    assert rows(tmp_path / "given.sqlite3") == rows(tmp_path / "plain.sqlite3")


def test_unmerged_receipts_are_still_merged_by_the_store(tmp_path):
    twice = [rec("13800000001"), rec("13800000001", "Success")]  # one phone, two receipts
    with ReceiptCache(tmp_path / "cache.sqlite3") as cache:
        cache.store_results({"s": twice}, NOW)
        stored = cache.load_session("s")
    assert stored is not None and stored.receipts is not None
    assert [r.result for r in stored.receipts] == ["Success"]


class Fetcher:
    def __init__(self, answers: dict[str, list[Receipt]]) -> None:
        self.answers = answers

    async def fetch(self, session_nos, *, on_batch=None):
        from usms_tui.api.client import FetchResult

        found = {no: list(self.answers.get(no, [])) for no in session_nos}
        if on_batch is not None:
            await on_batch(found)
        return FetchResult(receipts=found, requests=1)


async def test_a_refresh_stores_the_summaries_it_shows(tmp_path):
    watchlist = Watchlist(tmp_path / "watchlist.json", clock=lambda: NOW)
    watchlist.add(
        [
            WatchedSession("a", added_at=NOW, phones=("13800000001", "13800000002")),
            WatchedSession("b", added_at=NOW),
        ]
    )
    answers = {
        "a": [rec("13800000001", "Success"), rec("13800000001", "Fail", when=1_700_000_500)],
        "b": [rec("2", "Fail")],
    }
    with ReceiptCache(tmp_path / "cache.sqlite3") as cache:
        poller = Poller(watchlist, cache, Fetcher(answers), clock=lambda: NOW)
        poller.load()
        await poller.refresh(force=True)
        shown = {no: poller.summary(no) for no in ("a", "b")}
    stored = rows(tmp_path / "cache.sqlite3")
    for no, summary in shown.items():
        phones = watchlist.get(no).phones if watchlist.get(no) else ()
        receipts = [r for r in summary.phones if r.result]
        assert stored[no][2] == summary_to_text(receipts, phones) == summary_text_of(summary, phones)
    assert summary_from_text(stored["a"][2]).counts == (0, 1, 0, 1, 0)  # the last final receipt wins; one pending


@settings(max_examples=300, deadline=None)
@given(RECEIPTS)
def test_an_answer_of_one_receipt_a_plain_number_is_taken_as_merged(receipts):
    from usms_tui.domain.receipts import _merge_by_key

    assert merge_phones(list(receipts)) == _merge_by_key(receipts, ())
    plain = [rec(f"1380000{index:04d}", "Success") for index in range(5)]
    assert merge_phones(plain) == _merge_by_key(plain, ()) == plain


def test_prune_forgets_only_old_unkept_sessions(tmp_path):
    with ReceiptCache(tmp_path / "cache.sqlite3") as cache:
        cache.store_results({f"old-{n}": [rec("1", "Success")] for n in range(3)}, checked_at=100.0)
        cache.store_results({"new": [rec("1", "Success")]}, checked_at=1000.0)
        cache.store_errors([], at=1000.0)
        assert cache.prune(older_than=500.0, keep=["old-1", *(f"other-{n}" for n in range(5000))]) == 2
        assert sorted(cache.load_all()) == ["new", "old-1"]
        assert cache.prune(older_than=500.0, keep=[]) == 1
        assert cache.prune(older_than=500.0, keep=[]) == 0


@given(st.lists(st.text(max_size=6), max_size=4).map(tuple), st.lists(st.text(max_size=6), max_size=4).map(tuple))
def test_a_stored_summary_fits_an_entry_s_phones_text_exactly_when_it_fits_its_phones(counted_with, known):
    # A start checks every session against the text its entry keeps, without splitting it.
    stored = summary_from_text(f"{phones_fingerprint(counted_with)} 1 0 0 0 0 0 ")
    assert stored is not None
    entry = WatchedSession("s", phones=known)
    assert stored.fits_text(entry.phones_text) == stored.fits(known) == (phones_fingerprint(known) == stored.phones_key)
