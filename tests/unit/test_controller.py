"""The refresh controller without any UI: next delay, pause, stop after fatal, health, the
watchlist state and the alert policy, on a manual clock over a fetcher the test answers."""

from __future__ import annotations

import asyncio

import pytest

from usms_tui.api.client import FetchResult
from usms_tui.domain.events import PhoneFailed, SessionOverdue
from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.receipts import Receipt, Status
from usms_tui.monitor.controller import INTERVALS, MIN_DELAY, RefreshController
from usms_tui.monitor.notices import (
    ApiFailing,
    ApiRecovered,
    CycleCrashed,
    FirstLook,
    News,
    PollingStopped,
    WatchlistBroken,
    WatchlistFixed,
)
from usms_tui.monitor.poller import Poller, RefreshReport
from usms_tui.simulator import ManualClock
from usms_tui.store.cache import ReceiptCache
from usms_tui.store.watchlist import WatchedSession, Watchlist

HOUR = 3600.0
T0 = 100 * HOUR


class FakeFetcher:
    """Answers from a dict the test edits; an error or an exception when set."""

    def __init__(self) -> None:
        self.answers: dict[str, list[Receipt]] = {}
        self.asked: list[list[str]] = []
        self.error: BatchError | None = None
        self.crash: Exception | None = None
        self.gate: asyncio.Event | None = None

    async def fetch(self, session_nos):
        nos = list(session_nos)
        self.asked.append(nos)
        if self.gate is not None:
            await self.gate.wait()
        if self.crash is not None:
            raise self.crash
        if self.error is not None:
            error = BatchError(self.error.kind, self.error.message, tuple(nos), ret_code=self.error.ret_code)
            return FetchResult(errors=[error], requests=1)
        return FetchResult(receipts={no: list(self.answers.get(no, [])) for no in nos}, requests=1)


def receipt(phone: str, result: str) -> Receipt:
    return Receipt.from_api({"Phone": phone, "ReceiptResult": result, "CostCount": 1, "ReceiptTime": 1})


def fresh(no: str, clock: ManualClock, *, age: float = 0.0, phones=("1", "2")) -> WatchedSession:
    return WatchedSession(no, added_at=clock() - age, sent_at=clock() - age, phones=phones)


def make(tmp_path, sessions, *, interval=30.0, cache=None, clock=None):
    clock = clock or ManualClock(T0)
    watchlist = Watchlist(tmp_path / "watchlist.json", clock=clock)
    watchlist.add(sessions(clock) if callable(sessions) else sessions)
    fetcher = FakeFetcher()
    poller = Poller(watchlist, cache, fetcher, interval=interval, clock=clock)
    return RefreshController(poller, clock=clock), fetcher, clock


TRANSIENT = BatchError(ErrorKind.TRANSIENT, "HTTP 503 Service Unavailable")
FATAL = BatchError(ErrorKind.FATAL, "Signature VerifyAC Error", ret_code=171)


# -- the next delay (the one scheduling rule) ------------------------------------------------


async def test_next_cycle_is_when_the_soonest_session_is_due_never_later_than_the_interval(tmp_path):
    controller, fetcher, clock = make(tmp_path, lambda c: [fresh("a", c)])
    cycle = await controller.run_cycle()
    assert fetcher.asked == [["a"]] and cycle.delay == 30.0 and controller.next_at == T0 + 30
    clock.advance(20)
    controller.poller.watchlist.add([fresh("b", clock)])  # from this process: due at once
    controller.poller.sync_with_watchlist()
    cycle = await controller.run_cycle()
    assert fetcher.asked[-1] == ["b"]  # a is not due yet
    assert cycle.delay == pytest.approx(10.0)  # a is due in 10 s, b in 30 s
    assert controller.next_in() == pytest.approx(10.0)
    clock.advance(10)
    cycle = await controller.run_cycle()
    assert fetcher.asked[-1] == ["a"] and cycle.delay == pytest.approx(20.0)


async def test_old_sessions_are_polled_less_often_but_the_delay_never_exceeds_the_interval(tmp_path):
    controller, fetcher, clock = make(tmp_path, lambda c: [fresh("old", c, age=2 * HOUR)])
    cycle = await controller.run_cycle()
    assert cycle.delay == 30.0  # the cadence of an old session is 60 s; the delay stays 30 s
    clock.advance(30)
    await controller.run_cycle()
    assert fetcher.asked == [["old"]]  # not due yet: nothing asked
    assert controller.next_delay() == pytest.approx(30.0)


async def test_a_session_due_now_never_makes_cycles_closer_than_the_minimum(tmp_path):
    controller, _, _ = make(tmp_path, lambda c: [fresh("a", c)])
    await controller.load()
    assert controller.next_delay(None) == 30.0  # no report: nothing known about health
    controller.poller.states["a"].last_checked = None
    assert controller.next_delay(RefreshReport()) == MIN_DELAY


async def test_settled_everything_waits_one_interval(tmp_path):
    controller, fetcher, _ = make(tmp_path, lambda c: [fresh("a", c)])
    fetcher.answers = {"a": [receipt("1", "Success"), receipt("2", "Success")]}
    cycle = await controller.run_cycle()
    assert controller.poller.next_due_in() is None and cycle.delay == 30.0


async def test_a_failed_cycle_waits_the_interval_not_less(tmp_path):
    controller, fetcher, _ = make(tmp_path, lambda c: [fresh("a", c)])
    fetcher.error = TRANSIENT
    cycle = await controller.run_cycle()
    assert controller.poller.next_due_in() == 0.0  # the failed session is due at once...
    assert cycle.delay == 30.0  # ...but a failing API is not asked again sooner than the interval


async def test_scope_limits_the_delay_to_the_sessions_watched(tmp_path):
    controller, _, _ = make(tmp_path, lambda c: [fresh("mine", c), fresh("other", c)])
    controller.scope = frozenset({"mine"})
    cycle = await controller.run_cycle(only=["mine"])
    assert cycle.delay == 30.0  # "other", never checked, would otherwise be due now


async def test_interval_is_kept_once_and_drives_the_cadence(tmp_path):
    controller, _, clock = make(tmp_path, lambda c: [fresh("a", c)])
    await controller.run_cycle()
    state = controller.poller.states["a"]
    assert controller.step_interval(1) == 30.0  # the pending cycle keeps its time (within 45 s)
    assert controller.interval == 45 and controller.poller.cadence(state, clock()) == 45
    clock.advance(20)
    assert controller.step_interval(-3) == pytest.approx(10.0)  # 15 s now: the 10 s left are kept
    controller.step_interval(-1)
    assert controller.interval == 10 and controller.next_in() == pytest.approx(10.0)
    controller.step_interval(-5)
    assert controller.interval == INTERVALS[0]
    controller.step_interval(len(INTERVALS) * 2)
    assert controller.interval == INTERVALS[-1]


# -- pause and stop after fatal ----------------------------------------------------------------


async def test_pause_plans_nothing_and_loads_without_fetching(tmp_path):
    controller, fetcher, _ = make(tmp_path, lambda c: [fresh("a", c)])
    assert controller.toggle_pause() is True
    shown: list[int] = []
    cycle = await controller.run_cycle(on_loaded=lambda: shown.append(1))
    assert shown == [1] and controller.loaded  # the cache is shown even while paused
    assert cycle.report is None and cycle.delay is None and fetcher.asked == []
    assert controller.toggle_pause() is False and controller.polling


async def test_fatal_error_stops_until_retry(tmp_path):
    controller, fetcher, clock = make(tmp_path, lambda c: [fresh("a", c)])
    await controller.run_cycle()
    fetcher.error = FATAL
    clock.advance(30)
    cycle = await controller.run_cycle()
    assert cycle.notices == (PollingStopped(controller.stopped),) and controller.stopped.ret_code == 171
    assert cycle.delay is None and controller.next_at is None and not controller.polling
    assert controller.toggle_pause() is True and controller.toggle_pause() is False
    assert not controller.polling  # resuming does not retry a rejected key
    assert controller.retry() is True and controller.stopped is None and controller.polling
    assert controller.retry() is False
    fetcher.error = None
    cycle = await controller.run_cycle(force=True)
    assert ApiRecovered() in cycle.notices and cycle.delay == 30.0


# -- health -------------------------------------------------------------------------------------


async def test_failures_count_a_streak_and_only_its_first_cycle_is_news(tmp_path):
    controller, fetcher, clock = make(tmp_path, lambda c: [fresh("a", c)])
    await controller.run_cycle()
    assert controller.last_refresh == T0 and controller.failures == 0
    fetcher.error = TRANSIENT
    notices = []
    for _ in range(3):
        clock.advance(30)
        notices.append((await controller.run_cycle()).notices)
    assert notices[0] == (ApiFailing(controller.last_error),) and notices[1:] == [(), ()]
    assert controller.failures == 3 and controller.last_error.kind is ErrorKind.TRANSIENT
    assert controller.stale == 1
    assert controller.last_refresh == T0  # the data is as of the last good answer
    fetcher.error = None
    clock.advance(30)
    cycle = await controller.run_cycle()
    assert cycle.notices == (ApiRecovered(),)
    assert controller.failures == 0 and controller.last_error is None and controller.last_refresh == clock()


async def test_a_crash_is_said_and_polling_goes_on(tmp_path):
    controller, fetcher, _ = make(tmp_path, lambda c: [fresh("a", c)])
    fetcher.crash = RuntimeError("bug")
    cycle = await controller.run_cycle()
    [notice] = cycle.notices
    assert isinstance(notice, CycleCrashed) and str(notice.error) == "bug"
    assert cycle.delay == 30.0 and controller.failures == 1 and not controller.refreshing


async def test_a_cancelled_cycle_plans_nothing(tmp_path):
    controller, fetcher, _ = make(tmp_path, lambda c: [fresh("a", c)])
    fetcher.gate = asyncio.Event()
    task = asyncio.create_task(controller.run_cycle())
    while not fetcher.asked:
        await asyncio.sleep(0)
    assert controller.refreshing
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not controller.refreshing and controller.next_at is None


async def test_recount_sums_phones_and_overdue_sessions(tmp_path):
    controller, fetcher, _ = make(tmp_path, lambda c: [fresh("a", c), fresh("late", c, age=13 * HOUR)])
    controller.recount()
    assert sum(controller.totals.values()) == 0  # not loaded: nothing to count
    fetcher.answers = {"a": [receipt("1", "Success"), receipt("2", "Fail")]}
    await controller.run_cycle()
    controller.recount()
    assert controller.totals[Status.DELIVERED] == 1 and controller.totals[Status.FAILED] == 1
    assert controller.totals[Status.PENDING] == 2 and controller.overdue == 1


# -- the alert policy ----------------------------------------------------------------------------


async def test_first_look_without_a_cache_is_summed_up_then_events_are_news(tmp_path):
    controller, fetcher, clock = make(tmp_path, lambda c: [fresh("a", c), fresh("b", c, age=11.9 * HOUR)])
    fetcher.answers = {"a": [receipt("1", "Fail"), receipt("2", "Unknow")]}
    cycle = await controller.run_cycle()
    assert cycle.notices == (FirstLook(failed=2),)
    fetcher.answers = {"b": [receipt("1", "Fail")]}
    clock.advance(0.2 * HOUR)
    cycle = await controller.run_cycle(force=True)
    [news] = cycle.notices
    assert isinstance(news, News)
    assert news.events == (PhoneFailed("b", receipt("1", "Fail")), SessionOverdue("b"))


async def test_with_a_cache_the_first_cycle_is_news_already(tmp_path):
    cache = ReceiptCache(tmp_path / "cache.sqlite3")
    try:
        controller, fetcher, _ = make(tmp_path, lambda c: [fresh("a", c)], cache=cache)
        await controller.run_cycle()  # what the cache knows: a checked, nothing final
        clock = controller.clock
        restarted = RefreshController(Poller(controller.poller.watchlist, cache, fetcher, clock=clock), clock=clock)
        fetcher.answers = {"a": [receipt("1", "Fail")]}
        cycle = await restarted.run_cycle(force=True)
        assert restarted.had_cache and [type(n) for n in cycle.notices] == [News]
    finally:
        cache.close()


async def test_no_events_no_alert(tmp_path):
    controller, _, _ = make(tmp_path, lambda c: [fresh("a", c)])
    assert (await controller.run_cycle()).notices == ()


# -- the watchlist: its own state, not an API error ------------------------------------------------


async def test_a_watchlist_corrupt_at_start_is_retried_until_it_reads(tmp_path):
    controller, fetcher, clock = make(tmp_path, lambda c: [fresh("a", c)])
    path = controller.poller.watchlist.path
    good = path.read_bytes()
    path.write_text('{"version": 1, "sessions": [', encoding="utf-8")
    cycle = await controller.run_cycle()
    [notice] = cycle.notices
    assert isinstance(notice, WatchlistBroken) and str(path) in str(notice.error)
    assert str(path) in controller.watchlist_problem
    assert controller.stopped is None and controller.failures == 0  # not an API error
    assert cycle.delay == 30.0 and not controller.loaded and fetcher.asked == []
    clock.advance(30)
    assert (await controller.run_cycle()).notices == ()  # the same problem again is not news
    path.write_bytes(good)
    clock.advance(30)
    cycle = await controller.run_cycle()
    assert cycle.notices == (WatchlistFixed(),) and controller.watchlist_problem is None
    assert controller.loaded and fetcher.asked == [["a"]] and cycle.delay == 30.0


async def test_a_watchlist_broken_while_running_keeps_the_data(tmp_path):
    controller, fetcher, clock = make(tmp_path, lambda c: [fresh("a", c)])
    fetcher.answers = {"a": [receipt("1", "Success")]}
    await controller.run_cycle()
    path = controller.poller.watchlist.path
    good = path.read_bytes()
    path.write_text("{not json", encoding="utf-8")
    clock.advance(30)
    cycle = await controller.run_cycle()
    assert [type(n) for n in cycle.notices] == [WatchlistBroken]
    assert list(controller.poller.states) == ["a"] and controller.poller.states["a"].receipts  # data kept
    assert controller.last_error is None and controller.polling and cycle.delay == 30.0
    path.write_bytes(good + b"\n")  # fixed (a different file: it is read again)
    clock.advance(30)
    cycle = await controller.run_cycle()
    assert cycle.notices == (WatchlistFixed(),) and cycle.report is not None
