"""The poller: adaptive scheduling, merging, events, fatal handling, cache round trip."""

from __future__ import annotations

from usms_tui.api.client import FetchResult
from usms_tui.domain.events import PhoneFailed, SessionOverdue
from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.receipts import Receipt, Status
from usms_tui.monitor.poller import Poller
from usms_tui.store.cache import ReceiptCache
from usms_tui.store.watchlist import WatchedSession, Watchlist

HOUR = 3600.0


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class FakeFetcher:
    """Answers from a dict the test edits; records what was asked."""

    def __init__(self) -> None:
        self.answers: dict[str, list[Receipt]] = {}
        self.asked: list[list[str]] = []
        self.error: BatchError | None = None

    async def fetch(self, session_nos):
        nos = list(session_nos)
        self.asked.append(nos)
        if self.error is not None:
            return FetchResult(errors=[BatchError(**{**self.error.__dict__, "session_nos": tuple(nos)})], requests=1)
        return FetchResult(receipts={no: list(self.answers.get(no, [])) for no in nos}, requests=1)


def receipt(phone: str, result: str) -> Receipt:
    return Receipt.from_api({"Phone": phone, "ReceiptResult": result, "CostCount": 1, "ReceiptTime": 1})


def make(tmp_path, clock, sessions, cache=None):
    watchlist = Watchlist(tmp_path / "watchlist.json", clock=clock)
    watchlist.add(sessions)
    fetcher = FakeFetcher()
    poller = Poller(watchlist, cache, fetcher, interval=30, warn_after=12 * HOUR, clock=clock)
    poller.load()
    return poller, fetcher, watchlist


async def test_settled_sessions_are_not_polled_and_old_pending_ones_less_often(tmp_path):
    clock = Clock(100 * HOUR)
    poller, fetcher, _ = make(
        tmp_path,
        clock,
        [
            WatchedSession("new", added_at=clock.now, sent_at=clock.now, phones=("1",)),
            WatchedSession("old", added_at=clock.now, sent_at=clock.now - 20 * HOUR, phones=("1",)),
            WatchedSession("done", added_at=clock.now, sent_at=clock.now, phones=("1",)),
        ],
    )
    fetcher.answers = {"done": [receipt("1", "Success")]}
    report = await poller.refresh()
    assert fetcher.asked == [["new", "old", "done"]]
    assert report.checked == ["new", "old", "done"] and report.changed == {"done"}

    clock.now += 31
    await poller.refresh()
    assert fetcher.asked[-1] == ["new"]  # old waits longer; done is settled
    clock.now += 300
    await poller.refresh()
    assert fetcher.asked[-1] == ["new", "old"]
    assert "done" not in poller.pollable()
    assert 0 < poller.next_due_in() <= 30


async def test_events_for_failures_and_overdue_once(tmp_path):
    clock = Clock(100 * HOUR)
    poller, fetcher, _ = make(
        tmp_path, clock, [WatchedSession("s", added_at=clock.now, sent_at=clock.now - 11.9 * HOUR, phones=("1", "2"))]
    )
    fetcher.answers = {"s": [receipt("1", "Fail")]}
    report = await poller.refresh()
    assert [type(e) for e in report.events] == [PhoneFailed]
    clock.now += HOUR
    report = await poller.refresh()
    assert report.events == [SessionOverdue("s")]
    clock.now += HOUR
    report = await poller.refresh(force=True)
    assert report.events == []
    assert poller.summary("s").overdue and poller.summary("s").counts[Status.PENDING] == 1


async def test_partial_answer_keeps_known_receipts(tmp_path):
    clock = Clock(1000.0)
    poller, fetcher, _ = make(tmp_path, clock, [WatchedSession("s", added_at=clock.now, phones=("1", "2"))])
    fetcher.answers = {"s": [receipt("1", "Success")]}
    await poller.refresh()
    fetcher.answers = {"s": [receipt("2", "Unknow")]}
    await poller.refresh(force=True)
    statuses = {r.phone: r.status for r in poller.states["s"].receipts}
    assert statuses == {"1": Status.DELIVERED, "2": Status.UNKNOWN}
    assert poller.summary("s").settled


async def test_errors_mark_sessions_stale_and_keep_data(tmp_path):
    clock = Clock(1000.0)
    poller, fetcher, _ = make(tmp_path, clock, [WatchedSession("s", added_at=clock.now, phones=("1", "2"))])
    fetcher.answers = {"s": [receipt("1", "Success")]}
    await poller.refresh()
    fetcher.error = BatchError(ErrorKind.FATAL, "Signature VerifyAC Error", ret_code=171, request_id="r")
    report = await poller.refresh(force=True)
    assert report.fatal is not None and report.fatal.ret_code == 171
    state = poller.states["s"]
    assert state.stale and state.receipts[0].status is Status.DELIVERED
    assert poller.next_due_in() == 0.0  # errors are retried at the next cycle


async def test_watchlist_changes_from_another_process_are_picked_up(tmp_path):
    clock = Clock(1000.0)
    poller, fetcher, _ = make(tmp_path, clock, [WatchedSession("a", added_at=clock.now)])
    other_shell = Watchlist(tmp_path / "watchlist.json", clock=clock)
    other_shell.add([WatchedSession("b", added_at=clock.now)])
    report = await poller.refresh()
    assert report.watchlist_changed and list(poller.states) == ["a", "b"]
    assert fetcher.asked[-1] == ["a", "b"]


async def test_restart_shows_cached_receipts_before_any_fetch(tmp_path):
    clock = Clock(1000.0)
    cache = ReceiptCache(tmp_path / "cache.sqlite3")
    poller, fetcher, _ = make(tmp_path, clock, [WatchedSession("s", added_at=clock.now, phones=("1",))], cache=cache)
    fetcher.answers = {"s": [receipt("1", "Fail")]}
    await poller.refresh()
    cache.close()

    cache2 = ReceiptCache(tmp_path / "cache.sqlite3")
    fresh = Poller(Watchlist(tmp_path / "watchlist.json"), cache2, FakeFetcher(), clock=clock)
    fresh.load()
    [summary] = fresh.summaries()
    assert summary.counts[Status.FAILED] == 1 and summary.settled
    assert fresh.pollable() == []
    cache2.close()


async def test_several_receipts_for_one_phone_follow_the_model_rule(tmp_path):
    # A long message can be reported per part: the last final receipt counts (model.merge_phones),
    # not simply the last one, and one failed phone is one alert, not one per part.
    clock = Clock(100 * HOUR)
    poller, fetcher, _ = make(tmp_path, clock, [WatchedSession("s", added_at=clock.now, phones=("1", "2"))])
    fetcher.answers["s"] = [receipt("1", "Success"), receipt("1", ""), receipt("2", "Fail"), receipt("2", "Fail")]
    report = await poller.refresh(force=True)
    summary = poller.summary("s")
    assert summary.counts[Status.DELIVERED] == 1 and summary.counts[Status.FAILED] == 1 and summary.settled
    assert [(type(e), e.receipt.phone) for e in report.events] == [(PhoneFailed, "2")]
    assert poller.due() == []  # settled: never fetched again
