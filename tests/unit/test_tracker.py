"""Which events are news: every fact once, across cycles, restarts and processes."""

from __future__ import annotations

from tests.unit.test_poller import HOUR, Clock, FakeFetcher, receipt
from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.thresholds import Thresholds
from usms_tui.monitor.alert_events import API_FATAL, API_RECOVERED, PHONE_FAILED, SESSION_OVERDUE, THRESHOLD_CROSSED
from usms_tui.monitor.poller import Poller
from usms_tui.monitor.tracker import EventTracker
from usms_tui.store.reported import ReportedEvents
from usms_tui.store.watchlist import WatchedSession, Watchlist

FATAL = BatchError(ErrorKind.FATAL, "Signature VerifyAC Error", ret_code=171, request_id="req-1")


class World:
    """A poller over a watchlist, and a tracker over a store, that can be 'restarted'."""

    def __init__(self, tmp_path, sessions=None, thresholds=None):
        self.tmp_path = tmp_path
        self.clock = Clock(100 * HOUR)
        self.thresholds = thresholds or Thresholds()
        watchlist = Watchlist(tmp_path / "watchlist.json", clock=self.clock)
        watchlist.add(sessions or [
            WatchedSession("s1", label="login", added_at=self.clock.now, sent_at=self.clock.now - 11.5 * HOUR,
                           phones=("13800000000", "13800000001", "13800000002")),
            WatchedSession("s2", added_at=self.clock.now, sent_at=self.clock.now, phones=("13900000000",)),
        ])  # fmt: skip
        self.fetcher = FakeFetcher()
        self.start()

    def start(self):
        self.poller = Poller(Watchlist(self.tmp_path / "watchlist.json"), None, self.fetcher, clock=self.clock)
        self.poller.load()
        self.reported = ReportedEvents(self.tmp_path / "receipts.sqlite3")
        self.tracker = EventTracker(self.reported, self.thresholds)
        return self

    async def cycle(self, **refresh):
        report = await self.poller.refresh(**refresh)
        return self.tracker.after_cycle(self.poller, report, self.poller.summaries(), self.clock.now)

    def loaded(self):
        return self.tracker.after_cycle(self.poller, None, self.poller.summaries(), self.clock.now)


def kinds(events):
    return [(e.kind, e.session_no, e.phone) for e in events]


async def test_failures_and_overdue_once_and_not_again_after_a_restart(tmp_path):
    world = World(tmp_path)
    assert world.loaded() == []
    world.fetcher.answers = {"s1": [receipt("13800000000", "Fail"), receipt("13800000001", "Success")]}
    events = await world.cycle()
    assert kinds(events) == [(PHONE_FAILED, "s1", "13800000000")]
    (failed,) = events
    doc = failed.to_dict()
    assert list(doc)[:8] == ["event", "at", "session_no", "label", "phone", "status", "code", "cause"]
    assert doc["label"] == "login" and doc["status"] == "failed"
    assert doc["cause"] == "not_in_table"  # no ReceiptCode: explained as such, never a guess

    assert await world.cycle(force=True) == []  # same data: nothing new
    world.clock.now += HOUR  # s1 passes the 12 h warning age with a phone still pending
    events = await world.cycle(force=True)
    assert kinds(events) == [(SESSION_OVERDUE, "s1", None)]
    assert events[0].extra["pending"] == 1
    assert await world.cycle(force=True) == []

    world.reported.close()
    world.start()  # a restart, or a second `wait` over the same data
    assert world.loaded() == [] and await world.cycle(force=True) == []
    world.reported.close()


async def test_failures_found_by_a_command_without_hooks_are_still_told(tmp_path):
    world = World(tmp_path)
    world.fetcher.answers = {"s2": [receipt("13900000000", "Unknow")]}
    await world.poller.refresh()  # e.g. a `check` fetched it: nobody was told
    world.tracker = EventTracker(world.reported, Thresholds())
    assert kinds(world.loaded()) == [(PHONE_FAILED, "s2", "13900000000")]
    world.reported.close()


async def test_a_second_process_on_the_same_store_does_not_repeat(tmp_path):
    world = World(tmp_path)
    world.fetcher.answers = {"s1": [receipt("13800000000", "Fail")]}
    other = EventTracker(ReportedEvents(tmp_path / "receipts.sqlite3"), Thresholds())
    assert len(await world.cycle()) == 1
    assert other.after_cycle(world.poller, None, world.poller.summaries(), world.clock.now) == []
    world.reported.close()
    other.reported.close()


async def test_threshold_told_once_per_crossing_even_across_restarts(tmp_path):
    world = World(tmp_path, thresholds=Thresholds(fail_above=40))
    world.fetcher.answers = {"s1": [receipt("13800000000", "Fail"), receipt("13800000001", "Success")]}
    events = await world.cycle()
    crossing = [e for e in events if e.kind == THRESHOLD_CROSSED]
    assert [e.extra["rule"] for e in crossing] == ["fail_above"] and crossing[0].extra["value"] == 50.0
    assert [a.rule for a in world.tracker.alerts] == ["fail_above"]
    assert [e.kind for e in await world.cycle(force=True)] == []
    world.reported.close()
    world.start()
    assert world.loaded() == []  # still the same crossing
    world.fetcher.answers["s1"] += [receipt("13800000002", "Success")]
    assert await world.cycle(force=True) == [] and world.tracker.alerts == []  # 1 of 3: back under
    world.fetcher.answers["s2"] = [receipt("13900000000", "Fail")]
    events = await world.cycle(force=True)
    assert sorted(e.kind for e in events) == [PHONE_FAILED, THRESHOLD_CROSSED]  # 2 of 4: news again
    world.reported.close()


async def test_api_fatal_once_then_recovered_once_even_after_a_restart(tmp_path):
    world = World(tmp_path)
    world.fetcher.error = FATAL
    events = await world.cycle()
    assert [e.kind for e in events] == [API_FATAL]
    assert events[0].to_dict()["ret_code"] == 171 and "req-1" in events[0].to_dict()["message"]
    assert await world.cycle(force=True) == []  # still refused: not news
    world.reported.close()
    world.start()
    assert await world.cycle(force=True) == []  # the restart still knows it told this
    world.fetcher.error = None
    assert [e.kind for e in await world.cycle(force=True)] == [API_RECOVERED]
    assert await world.cycle(force=True) == []
    world.fetcher.error = FATAL
    assert [e.kind for e in await world.cycle(force=True)] == [API_FATAL]  # a new episode
    world.reported.close()


async def test_without_a_store_events_are_still_told_once_per_process(tmp_path):
    world = World(tmp_path)
    world.tracker = EventTracker(None, Thresholds())
    world.fetcher.error = FATAL
    assert [e.kind for e in await world.cycle()] == [API_FATAL]
    world.fetcher.error = None
    world.fetcher.answers = {"s1": [receipt("13800000000", "Fail")]}
    assert sorted(e.kind for e in await world.cycle(force=True)) == [API_RECOVERED, PHONE_FAILED]
    assert await world.cycle(force=True) == []
    world.reported.close()


def test_log_line_masks_phones_and_escapes_text(tmp_path):
    from usms_tui.monitor.alert_events import phone_failed

    event = phone_failed("s1", "lab\x1b[2Jel", receipt("13800001234", "Fail"), 0.0)
    assert event.describe() == "phone_failed failed: 138****1234 in lab\\x1b[2Jel"
    assert "13800001234" in event.describe(mask=False)
