"""The store's thread is left the SQL: a refresh encodes each batch on the event loop's
thread, and rows stored from that encoding are the rows the store made itself."""

from __future__ import annotations

import sqlite3
import threading

from usms_tui.api.client import FetchResult
from usms_tui.domain.receipts import Receipt, merge_phones
from usms_tui.domain.summary import summarize
from usms_tui.monitor.poller import Poller
from usms_tui.store import cache_encode
from usms_tui.store.cache import ReceiptCache
from usms_tui.store.cache_encode import encode_batch
from usms_tui.store.watchlist import WatchedSession, Watchlist

NOW = 1_750_000_000.0


def rec(phone: str, result: str = "", when: int | None = 1_700_000_000) -> Receipt:
    return Receipt.from_api({"Phone": phone, "ReceiptResult": result, "CostCount": 1, "ReceiptTime": when})


def rows(path) -> dict[str, tuple]:
    with sqlite3.connect(path) as conn:
        return {row[0]: row[1:] for row in conn.execute("SELECT * FROM sessions")}


SESSIONS = {
    "a": [rec("13800000001", "Success"), rec("13800000002", "Fail")],
    "b": [rec("+86 13800000001", "Unknow")],
    "c": [],
}
KNOWN = {"a": ("13800000001", "13800000002", "13800000003"), "b": ("13800000001",)}


def test_rows_stored_from_an_encoding_made_before_are_the_rows_the_store_makes(tmp_path):
    merged = {no: merge_phones(receipts) for no, receipts in SESSIONS.items()}
    summaries = {
        no: summarize(no, merged[no], now=NOW, added_at=NOW, known_phones=KNOWN.get(no, ()), merged=True)
        for no in ("a", "c")  # "b" has none given: counted by the store
    }
    for name, options in (("plain", {}), ("merged", {"merged": True, "summaries": summaries})):
        given = merged if options else SESSIONS
        with (
            ReceiptCache(tmp_path / f"{name}.sqlite3") as itself,
            ReceiptCache(tmp_path / f"{name}-e.sqlite3") as ahead,
        ):
            for at in (NOW, NOW + 60):  # a first store, then one over the rows it left
                changed = itself.store_results(given, at, KNOWN, **options)
                encoded = encode_batch(given, KNOWN, **options)
                assert ahead.store_results(given, at, KNOWN, **options, encoded=encoded) == changed
        assert rows(tmp_path / f"{name}-e.sqlite3") == rows(tmp_path / f"{name}.sqlite3")


class Fetcher:
    async def fetch(self, session_nos):
        return FetchResult(receipts={no: list(SESSIONS.get(no, [])) for no in session_nos}, requests=1)


async def test_a_refresh_encodes_on_the_event_loops_thread(tmp_path, monkeypatch):
    threads: list[str] = []
    encode = cache_encode.receipts_to_json

    def spying(receipts):
        threads.append(threading.current_thread().name)
        return encode(receipts)

    monkeypatch.setattr(cache_encode, "receipts_to_json", spying)
    watchlist = Watchlist(tmp_path / "watchlist.json", clock=lambda: NOW)
    watchlist.add([WatchedSession(no, added_at=NOW, phones=KNOWN.get(no, ())) for no in SESSIONS])
    with ReceiptCache(tmp_path / "cache.sqlite3") as cache:
        poller = Poller(watchlist, cache, Fetcher(), clock=lambda: NOW)
        poller.load()
        report = await poller.refresh(force=True)
        assert sorted(report.checked) == ["a", "b", "c"] and not cache.warnings
        assert set(cache.load_sessions(list(SESSIONS))) == set(SESSIONS)
    assert threads == [threading.main_thread().name] * 3
