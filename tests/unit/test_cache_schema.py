"""The receipt cache's rows: one per session, compared as one string, read back strictly,
and a cache of the first schema moved to this one with its first-seen times."""

from __future__ import annotations

import json
import sqlite3

import pytest

from usms_tui.domain.receipts import Receipt, Status
from usms_tui.store.cache import SCHEMA_VERSION, ReceiptCache
from usms_tui.store.cache_codec import seen_from_json, seen_to_json


def rec(phone: str, result: str = "", code: str = "") -> Receipt:
    return Receipt.from_api(
        {
            "Phone": phone,
            "ReceiptResult": result,
            "ReceiptCode": code,
            "ReceiptDesc": "",
            "CostCount": 1,
            "ReceiptTime": 1700000000 if result else None,
        }
    )


def rows(path):
    with sqlite3.connect(path) as conn:
        return {r[0]: r[1:] for r in conn.execute("SELECT session_no, receipts, seen, last_checked FROM sessions")}


def test_a_refresh_that_changes_nothing_rewrites_no_receipts(tmp_path):
    path = tmp_path / "c.sqlite3"
    with ReceiptCache(path) as cache:
        cache.store_results({"a": [rec("1", "Success")], "b": [rec("2")]}, checked_at=1.0)
        before = rows(path)
        assert cache.store_results({"a": [rec("1", "Success")], "b": [rec("2")]}, checked_at=2.0) == set()
        after = rows(path)
    assert {s: r[:2] for s, r in after.items()} == {s: r[:2] for s, r in before.items()}
    assert after["a"][2] == after["b"][2] == 2.0  # only the time checked moved


def test_receipts_round_trip_every_field(tmp_path):
    odd = Receipt.from_api(
        {
            "Phone": "+86 138 0000 0001",
            "ReceiptResult": "Weird",
            "ReceiptCode": "X:1",
            "ReceiptDesc": "\u202eevil\x1b[2J",
            "CostCount": 3,
            "ReceiptTime": "-5",
            "UserId": "u-中",
        }
    )
    with ReceiptCache(tmp_path / "c.sqlite3") as cache:
        cache.store_results({"s": [odd, rec("2", "Fail", "UNDELIV")]}, checked_at=7.0)
        got = cache.load_all()["s"].receipts
    assert got is not None and list(got) == [odd, rec("2", "Fail", "UNDELIV")]
    assert got[0].status is Status.OTHER and got[0].time_raw == "-5"


@pytest.mark.parametrize(
    "receipts",
    [
        "not json",
        "[" * 100_000 + "]" * 100_000,  # deeper than the decoder's recursion
        json.dumps({"a": 1}),
        json.dumps([["1", "Success", "delivered", "", "", 1, 1700000000, ""]]),  # a field short
        json.dumps([["1", "Success", "delivered", "", "", 10**30, 1700000000, "", ""]]),  # no count
        json.dumps([["1", "Success", "delivered", "", "", 1, 10**30, "", ""]]),  # no time
        json.dumps([["1", 5, "delivered", "", "", 1, 1700000000, "", ""]]),
        '[["\\udc80", "Success", "delivered", "", "", 1, 1700000000, "", ""]]',  # a lone surrogate
    ],
)
def test_a_damaged_row_reads_as_not_fetched(tmp_path, receipts):
    path = tmp_path / "c.sqlite3"
    with ReceiptCache(path) as cache:
        cache.store_results({"s": [rec("1", "Success")]}, checked_at=1.0)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE sessions SET receipts = ?, seen = ?", (receipts, "[[1e400, 1]]"))
    with ReceiptCache(path) as cache:
        cached = cache.load_all()["s"]
    assert cached.receipts is None and cached.first_seen == {} and cached.last_checked == 1.0


def test_damaged_times_keep_the_receipts(tmp_path):
    path = tmp_path / "c.sqlite3"
    with ReceiptCache(path) as cache:
        cache.store_results({"s": [rec("1", "Success")]}, checked_at=1.0)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE sessions SET seen = ?", ('[["x", 1]]',))
    with ReceiptCache(path) as cache:
        cached = cache.load_all()["s"]
        assert cached.receipts == (rec("1", "Success"),) and cached.first_seen == {}
        # and the next write goes through; a changed receipt starts its times afresh
        assert cache.store_results({"s": [rec("1", "Success")]}, checked_at=5.0) == set()
        assert cache.store_results({"s": [rec("1", "Fail")]}, checked_at=6.0) == {"s"}
        assert cache.load_all()["s"].first_seen == {"1": 6.0}


def test_a_first_schema_cache_moves_over_with_its_times(tmp_path):
    path = tmp_path / "c.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            """
            CREATE TABLE sessions (session_no TEXT PRIMARY KEY, receipts TEXT, last_checked REAL,
                                   last_error TEXT, error_at REAL);
            CREATE TABLE phones (session_no TEXT NOT NULL, phone TEXT NOT NULL, status TEXT NOT NULL,
                                 fingerprint TEXT NOT NULL, first_seen REAL NOT NULL, last_changed REAL NOT NULL,
                                 PRIMARY KEY (session_no, phone));
            PRAGMA user_version = 1;
            """
        )
        receipts = [rec("1", "Success", "DELIVRD").to_dict(), rec("2").to_dict()]
        conn.execute("INSERT INTO sessions VALUES ('s', ?, 50.0, NULL, NULL)", (json.dumps(receipts),))
        conn.execute("INSERT INTO sessions VALUES ('never', NULL, NULL, NULL, NULL)")
        conn.execute("INSERT INTO phones VALUES ('s', '1', 'delivered', 'x', 10.0, 20.0)")
    with ReceiptCache(path) as cache:
        data = cache.load_all()
        assert cache.warnings == []
    assert data["s"].receipts == (rec("1", "Success", "DELIVRD"), rec("2"))
    assert data["s"].first_seen == {"1": 10.0, "2": 50.0}  # a phone without times: when checked
    assert data["s"].last_changed == {"1": 20.0, "2": 50.0}
    assert data["never"].receipts is None
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"sessions"}


def test_the_times_of_a_session_of_very_many_phones_are_kept():
    # Each time is checked on its own: a bound on their sum refused a session of 300,000 phones.
    times = [(1_750_000_000.0, 1_750_000_100.0)] * 300_000
    assert seen_from_json(seen_to_json(times), len(times)) == times


@pytest.mark.parametrize("text", ["[[NaN, 1]]", "[[Infinity, 1]]", "[[-1, 1]]", "[[1e12, 1]]", '[["x", 1]]', "[[1]]"])
def test_times_that_are_not_unix_times_are_refused(text):
    assert seen_from_json(text, 1) is None
