"""The receipt cache: round trips, first-seen/last-changed times, errors, pruning, corruption."""

from __future__ import annotations

import sqlite3

import pytest

from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.receipts import Receipt, Status
from usms_tui.store.cache import ReceiptCache


def rec(phone, result="", code="", desc=""):
    return Receipt.from_api(
        {
            "Phone": phone,
            "ReceiptResult": result,
            "ReceiptCode": code,
            "ReceiptDesc": desc,
            "CostCount": 1,
            "ReceiptTime": 1700000000 if result else None,
        }
    )


@pytest.fixture
def cache(tmp_path):
    with ReceiptCache(tmp_path / "state" / "deep" / "receipts.sqlite3") as c:
        yield c


def test_empty_and_created_with_folders_in_wal_mode(cache):
    assert cache.load_all() == {}
    assert cache.path.exists()
    mode = sqlite3.connect(cache.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_cache_files_are_owner_only(cache):
    # It holds full phone numbers; on a shared ops host nobody else may read them.
    import os
    import stat

    cache.store_results({"s1": [rec("13800000001", "Success")]}, checked_at=100.0)
    for path in cache.path.parent.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0, path.name


def test_store_and_reload_across_instances(cache):
    changed = cache.store_results({"s1": [rec("1", "Success", "DELIVRD"), rec("2")], "s2": []}, checked_at=100.0)
    assert changed == {"s1"}  # s2 has no phones yet: nothing to change
    cache.close()
    with ReceiptCache(cache.path) as again:
        data = again.load_all()
    assert set(data) == {"s1", "s2"}
    s1 = data["s1"]
    assert [r.status for r in s1.receipts] == [Status.DELIVERED, Status.PENDING]
    assert s1.receipts[0].code == "DELIVRD"
    assert s1.last_checked == 100.0 and s1.last_error is None
    assert s1.first_seen == {"1": 100.0, "2": 100.0}
    assert data["s2"].receipts == ()


def test_first_seen_moves_only_when_status_changes(cache):
    cache.store_results({"s": [rec("1"), rec("2", "Fail", "UNDELIV")]}, checked_at=100.0)
    assert cache.store_results({"s": [rec("1"), rec("2", "Fail", "UNDELIV")]}, checked_at=200.0) == set()
    assert cache.store_results({"s": [rec("1", "Success"), rec("2", "Fail", "MSBLACK")]}, checked_at=300.0) == {"s"}
    cached = cache.load_all()["s"]
    assert cached.first_seen == {"1": 300.0, "2": 100.0}  # 2 stayed failed
    assert cached.last_changed == {"1": 300.0, "2": 300.0}  # but its code changed
    assert cached.last_checked == 300.0


def test_errors_are_kept_with_receipts_and_cleared_by_success(cache):
    cache.store_results({"s1": [rec("1", "Success")]}, checked_at=100.0)
    error = BatchError(
        ErrorKind.TRANSIENT, "boom", session_nos=("s1", "s3"), http_status=503, attempts=4, request_id="req-1"
    )
    cache.store_errors([error], at=150.0)
    data = cache.load_all()
    assert data["s1"].last_error == error and data["s1"].error_at == 150.0
    assert data["s1"].receipts[0].status is Status.DELIVERED and data["s1"].last_checked == 100.0
    assert data["s3"].receipts is None and data["s3"].last_error == error
    cache.store_results({"s1": [rec("1", "Success")]}, checked_at=200.0)
    assert cache.load_all()["s1"].last_error is None


def test_prune_by_age_keeps_watched(cache):
    cache.store_results({"old": [rec("1")], "old-watched": [rec("1")]}, checked_at=100.0)
    cache.store_results({"new": [rec("1")]}, checked_at=1000.0)
    assert cache.prune(older_than=500.0, keep=["old-watched"]) == 1
    assert set(cache.load_all()) == {"old-watched", "new"}
    rows = sqlite3.connect(cache.path).execute("SELECT session_no FROM sessions").fetchall()
    assert {r[0] for r in rows} == {"old-watched", "new"}


def test_many_sessions_in_one_call(cache):
    results = {f"s{i}": [rec(str(p), "Success") for p in range(3)] for i in range(2000)}
    assert len(cache.store_results(results, checked_at=1.0)) == 2000
    assert len(cache.load_all()) == 2000


@pytest.mark.parametrize("junk", [b"this is not a database at all" * 100, b""])
def test_corrupt_cache_is_moved_aside_and_recreated(tmp_path, junk):
    path = tmp_path / "receipts.sqlite3"
    if junk:
        path.write_bytes(junk)
        with ReceiptCache(path) as cache:
            assert cache.load_all() == {}
            assert cache.warnings and "moved it to" in cache.warnings[0]
            cache.store_results({"s": [rec("1")]}, checked_at=1.0)
        assert [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    else:
        with ReceiptCache(path) as cache:  # an empty file is simply a new database
            assert cache.warnings == []


def test_two_connections_see_each_other(tmp_path):
    path = tmp_path / "c.sqlite3"
    with ReceiptCache(path) as a, ReceiptCache(path) as b:
        a.store_results({"s": [rec("1", "Success")]}, checked_at=5.0)
        assert b.load_all()["s"].last_checked == 5.0


def test_a_write_that_cannot_happen_is_a_warning_not_a_crash(tmp_path):
    path = tmp_path / "c.sqlite3"
    with ReceiptCache(path, busy_timeout_ms=50) as cache:
        blocker = sqlite3.connect(path, timeout=0)
        blocker.execute("BEGIN IMMEDIATE")  # another process holding the write lock
        try:
            assert cache.store_results({"s": [rec("1")]}, checked_at=1.0) == set()
            cache.store_errors([BatchError(ErrorKind.OTHER, "x", session_nos=("s",))], at=1.0)
        finally:
            blocker.rollback()
            blocker.close()
        assert len(cache.warnings) == 2 and "locked" in cache.warnings[0]
        assert cache.store_results({"s": [rec("1")]}, checked_at=2.0) == {"s"}  # and it recovers
