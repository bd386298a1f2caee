"""Once-only bookkeeping: claimed keys are told once, across connections and restarts."""

from __future__ import annotations

import sqlite3
import stat
import threading

import pytest

from usms_tui.store.api_stats import ApiStatsTable
from usms_tui.store.cache import ReceiptCache
from usms_tui.store.reported import ReportedEvents, ReportKey
from usms_tui.store.side_table import SideTableError

FAILED = ReportKey("phone_failed", "s1", "13800000000")
OVERDUE = ReportKey("session_overdue", "s1")


def test_claim_returns_only_new_keys_and_survives_a_restart(tmp_path):
    path = tmp_path / "state" / "receipts.sqlite3"
    with ReportedEvents(path) as reported:
        assert not reported.was_reported(FAILED)
        assert reported.claim([FAILED, OVERDUE, FAILED], at=1.0) == [FAILED, OVERDUE]
        assert reported.claim([FAILED, ReportKey("phone_failed", "s1", "13800000001")], at=2.0) == [
            ReportKey("phone_failed", "s1", "13800000001")
        ]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # phone numbers: owner-only
    with ReportedEvents(path) as again:  # a restart
        assert again.was_reported(FAILED) and again.reported_among([FAILED, ("x", "", "")]) == {FAILED}
        again.mark_reported([ReportKey("api_fatal")], at=3.0)
        assert again.claim([ReportKey("api_fatal")], at=4.0) == []


def test_lives_beside_the_cache_in_its_file_without_disturbing_it(tmp_path):
    path = tmp_path / "receipts.sqlite3"
    cache = ReceiptCache(path)
    with ReportedEvents(path) as reported:
        reported.claim([OVERDUE], at=1.0)
        cache.store_results({"s1": []}, checked_at=5.0)
    cache.close()
    again = ReceiptCache(path)
    assert again.warnings == [] and again.load_all()["s1"].last_checked == 5.0
    again.close()
    tables = {row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"sessions", "reported_events"} <= tables


def test_two_processes_racing_for_one_key_exactly_one_wins(tmp_path):
    path = tmp_path / "receipts.sqlite3"
    tables = [ReportedEvents(path) for _ in range(4)]
    keys = [ReportKey("phone_failed", "s", str(i)) for i in range(200)]
    won: list[list[ReportKey]] = []
    start = threading.Barrier(len(tables))

    def race(table: ReportedEvents) -> None:
        start.wait()
        won.append(table.claim(keys, at=1.0))

    threads = [threading.Thread(target=race, args=(t,)) for t in tables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(k for claimed in won for k in claimed) == sorted(keys)  # each key once, overall
    for table in tables:
        assert table.warnings == []
        table.close()


def test_forget_says_who_removed_it_and_prune_follows_the_cache_rule(tmp_path):
    with ReportedEvents(tmp_path / "r.sqlite3") as reported:
        reported.claim([ReportKey("api_fatal"), OVERDUE, ReportKey("session_overdue", "gone")], at=10.0)
        assert reported.forget([ReportKey("api_fatal")]) == [ReportKey("api_fatal")]
        assert reported.forget([ReportKey("api_fatal")]) == []  # a second process: not its news
        assert reported.prune(older_than=5.0, keep=[]) == 0  # too recent
        assert reported.prune(older_than=20.0, keep=["s1"]) == 1
        assert reported.was_reported(OVERDUE) and not reported.was_reported(ReportKey("session_overdue", "gone"))


def test_unreadable_table_counts_every_key_as_new_with_a_warning(tmp_path):
    reported = ReportedEvents(tmp_path / "r.sqlite3")
    reported._conn.execute("DROP TABLE reported_events")
    assert reported.claim([FAILED], at=1.0) == [FAILED]  # told twice beats never told
    assert not reported.was_reported(FAILED)
    assert len(reported.warnings) == 2 and "may be told again" in reported.warnings[0]
    reported.close()


def test_a_folder_that_cannot_hold_it_is_one_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(SideTableError, match=r"cannot open .* for reported events"):
        ReportedEvents(blocker / "r.sqlite3")


def test_api_counters_add_up_across_writers_and_keep_the_last_values(tmp_path):
    path = tmp_path / "r.sqlite3"
    with ApiStatsTable(path) as one, ApiStatsTable(path) as two:
        assert one.load().requests["ok"] == 0 and one.load().last_retcode is None
        one.record({"ok": 3, "transient": 2}, last_retcode=150)
        two.record({"ok": 1, "fatal": 0}, last_retcode=0, refreshed_at=99.5)
        two.record({})  # nothing to write
        stats = one.load()
    assert stats.requests == {"ok": 4, "transient": 2, "throttled": 0, "fatal": 0, "other": 0}
    assert stats.last_retcode == 0 and stats.last_refresh == 99.5
