"""The end of a cycle for people not watching: counters, events to log and hook, metrics."""

from __future__ import annotations

import json
import shlex

from prometheus_client.parser import text_string_to_metric_families

from tests.unit.test_poller import receipt
from tests.unit.test_tracker import FATAL, World
from usms_tui.domain.thresholds import Thresholds
from usms_tui.monitor.alerting import Alerting
from usms_tui.monitor.hooks import HookRunner
from usms_tui.monitor.metrics import make_registry
from usms_tui.monitor.tracker import EventTracker
from usms_tui.store.api_stats import ApiStatsTable


def values(path) -> dict:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(path.read_text())
        for s in family.samples
    }


async def test_a_cycle_logs_hooks_counts_and_writes_the_textfile(tmp_path):
    world = World(tmp_path, thresholds=Thresholds(fail_above=10))
    registry, collector = make_registry()
    logged, notices = [], []
    events_file = tmp_path / "events.jsonl"
    (tmp_path / "metrics").mkdir()  # node_exporter's folder: the user's, never made by us
    alerting = Alerting(
        tracker=world.tracker,
        hooks=HookRunner(f"cat >> {shlex.quote(str(events_file))}"),
        api_stats=ApiStatsTable(tmp_path / "receipts.sqlite3"),
        collector=collector,
        registry=registry,
        textfile=tmp_path / "metrics" / "usms.prom",
        log=logged.append,
        notice=notices.append,
    )
    world.fetcher.answers = {"s1": [receipt("13800000000", "Fail")]}
    report = await world.poller.refresh()
    events = await alerting.after_cycle(world.poller, report)
    await alerting.aclose()
    assert [e.kind for e in events] == ["phone_failed", "threshold_crossed"] and logged == events
    told = [json.loads(line) for line in events_file.read_text().splitlines()]
    assert sorted(doc["event"] for doc in told) == ["phone_failed", "threshold_crossed"]
    figures = values(tmp_path / "metrics" / "usms.prom")
    assert figures[("usms_phones", (("status", "failed"),))] == 1
    assert figures[("usms_api_requests_total", (("outcome", "ok"),))] == 1
    assert figures[("usms_api_last_retcode", ())] == 0
    assert figures[("usms_last_refresh_timestamp_seconds", ())] == world.clock.now
    assert notices == []


async def test_counters_add_up_across_runs_and_a_failed_cycle_keeps_the_last_good_refresh(tmp_path):
    world = World(tmp_path)
    registry, collector = make_registry()

    def alerting():
        return Alerting(api_stats=ApiStatsTable(tmp_path / "receipts.sqlite3"), collector=collector)

    first = alerting()
    await first.after_cycle(world.poller, await world.poller.refresh())
    good = world.clock.now
    await first.aclose()
    world.clock.now += 60
    world.fetcher.error = FATAL
    second = alerting()  # e.g. the next `check` from cron
    await second.after_cycle(world.poller, await world.poller.refresh(force=True))
    await second.aclose()
    assert registry.get_sample_value("usms_api_requests_total", {"outcome": "ok"}) == 1
    assert registry.get_sample_value("usms_api_requests_total", {"outcome": "fatal"}) == 1
    assert registry.get_sample_value("usms_api_last_retcode") == 171
    assert registry.get_sample_value("usms_last_refresh_timestamp_seconds") == good
    world.reported.close()


async def test_without_a_store_the_process_counts_alone_and_problems_are_told(tmp_path):
    world = World(tmp_path)
    registry, collector = make_registry()
    notices = []
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    alerting = Alerting(
        tracker=EventTracker(None, Thresholds()), collector=collector, registry=registry,
        textfile=blocker / "usms.prom", notice=notices.append,
    )  # fmt: skip
    await alerting.after_cycle(world.poller, await world.poller.refresh())
    await alerting.after_cycle(world.poller, await world.poller.refresh(force=True))
    assert registry.get_sample_value("usms_api_requests_total", {"outcome": "ok"}) == 2
    assert len(notices) == 2 and notices[0].startswith(f"cannot write the metrics textfile {blocker}")
    await alerting.aclose()
    world.reported.close()


async def test_a_scope_limits_events_to_the_sessions_waited_for(tmp_path):
    world = World(tmp_path)
    alerting = Alerting(tracker=world.tracker)
    world.fetcher.answers = {"s1": [receipt("13800000000", "Fail")], "s2": [receipt("13900000000", "Fail")]}
    events = await alerting.after_cycle(world.poller, await world.poller.refresh(), scope={"s2"})
    assert [(e.kind, e.session_no) for e in events] == [("phone_failed", "s2")]
    world.reported.close()
