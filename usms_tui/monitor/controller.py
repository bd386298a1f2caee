"""The refresh controller: whether the next cycle may run, when, and what the last ones said.

It holds what a watcher of the poller needs to decide and to show: pause, polling stopped by
a fatal error (until :meth:`retry`), API health (consecutive failures, last error, last good
refresh), a watchlist that cannot be read, the next cycle's time, totals for the status line,
and the alert policy. No UI: :meth:`run_cycle` returns a :class:`Cycle` whose ``notices`` the
UI words as notifications (see :mod:`usms_tui.monitor.notices`) and ``wait`` reads for its
exit code, and tests drive it on a manual clock without Textual.

The delay until the next cycle is decided here and only here (:meth:`next_delay`); the
poller's per-session cadence says which sessions are due when that cycle runs.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from usms_tui.domain.delivery import NO_DELIVERIES, DeliveryStats, add_delays, stats
from usms_tui.domain.errors import WatchlistError
from usms_tui.domain.events import Event, PhoneFailed
from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.receipts import STATUS_ORDER, Status
from usms_tui.domain.summary import SessionSummary
from usms_tui.domain.thresholds import Alert, Figures, Thresholds, evaluate
from usms_tui.monitor.cycle import refresh_within
from usms_tui.monitor.heap import young_collections_only
from usms_tui.monitor.notices import (
    AlertingTrouble,
    ApiFailing,
    ApiRecovered,
    CycleCrashed,
    FirstLook,
    HooksFailed,
    News,
    Notice,
    PollingStopped,
    WatchlistBroken,
    WatchlistFixed,
)
from usms_tui.monitor.poller import Poller, RefreshReport
from usms_tui.monitor.preview import Preview, read_preview
from usms_tui.monitor.recent_events import RecentEvents

if TYPE_CHECKING:
    from usms_tui.monitor.alerting import Alerting
    from usms_tui.monitor.doctor import AccountCheck

#: Refresh intervals offered by :meth:`RefreshController.step_interval` (seconds): 10 s .. 10 min.
INTERVALS: tuple[float, ...] = (10, 15, 20, 30, 45, 60, 120, 300, 600)

#: Never schedule cycles closer than this, however soon a session is due.
MIN_DELAY = 1.0


@dataclass(frozen=True)
class Cycle:
    """What one :meth:`RefreshController.run_cycle` did."""

    report: RefreshReport | None = None  # None: nothing was fetched (paused, or the watchlist failed)
    notices: tuple[Notice, ...] = ()
    delay: float | None = None  # seconds until the next cycle; None: none is scheduled


class Tally:
    """Phones per status, overdue sessions and delivery times, added up one summary at a time
    (a caller with 10,000 sessions can add them in chunks and yield to its event loop)."""

    __slots__ = ("delivery", "overdue", "totals")

    def __init__(self) -> None:
        self.totals: dict[Status, int] = dict.fromkeys(STATUS_ORDER, 0)
        self.overdue = 0
        self.delivery: Counter[int] = Counter()  # delivered phones by delivery time in seconds

    def add(self, summary: SessionSummary) -> None:
        totals = self.totals
        for status, count in summary.counts.items():
            totals[status] += count
        self.overdue += summary.overdue
        if summary.counts.get(Status.DELIVERED):
            add_delays(self.delivery, summary)


# -- the controller ---------------------------------------------------------------------------


class RefreshController:
    """Pause, stop after fatal, health, next delay and alert policy over one :class:`Poller`.

    ``scope``: the sessions this watcher cares about (``wait --session``); the next delay only
    looks at those. ``None``: every watched session.
    """

    def __init__(
        self, poller: Poller, *, clock: Callable[[], float] = time.time, scope: Collection[str] | None = None
    ) -> None:
        self.poller = poller
        self.clock = clock
        self.scope = scope
        self.paused = False
        self.stopped: BatchError | None = None  # a fatal error: no polling until retry()
        self.loaded = False  # the watchlist and cache have been read
        self.had_cache = False  # receipts were known before the first cycle (from the cache)
        self.cycles = 0  # cycles that fetched (the first one's events are summed up, not listed)
        self.refreshing = False  # requests are in flight
        self.last_refresh: float | None = None  # the last cycle in which every batch answered
        self.last_error: BatchError | None = None  # of the last cycle; None once one succeeds
        self.failures = 0  # consecutive failed cycles
        self.watchlist_problem: str | None = None  # why the watchlist cannot be read, naming the file
        self.next_at: float | None = None  # clock time of the next cycle; None when none is scheduled
        self.totals: dict[Status, int] = dict.fromkeys(STATUS_ORDER, 0)
        self.overdue = 0  # overdue sessions (see recount)
        self.delivery: DeliveryStats = NO_DELIVERIES  # over every delivered phone (see recount)
        self.thresholds = Thresholds()  # the alert rules ([alerts] fail_above, overdue_above)
        self.alerts: list[Alert] = []  # the rules crossed at the last recount
        #: What the end of every cycle does for people not watching (hooks, metrics), if anything.
        self.alerting: Alerting | None = None
        #: Asked once, after a first cycle that needed no request (every session settled, or
        #: none watched): a wrong key or a revoked login is seen at start-up, not at the next send.
        self.account_check: Callable[[], Awaitable[AccountCheck]] | None = None
        #: Every cycle's notices as events, for the UI's events screen (bounded).
        self.events = RecentEvents()

    # -- settings the user changes while it runs ------------------------------------------

    @property
    def interval(self) -> float:
        """Seconds between cycles. Kept on the poller, whose cadence multiplies it for old sessions."""
        return self.poller.interval

    @interval.setter
    def interval(self, seconds: float) -> None:
        self.poller.interval = float(seconds)

    def step_interval(self, step: int) -> float | None:
        """Move ``step`` places along :data:`INTERVALS`. Returns the new delay of the pending
        cycle (brought forward when the new interval is shorter), or None when none is pending."""
        index = min(range(len(INTERVALS)), key=lambda i: abs(INTERVALS[i] - self.interval))
        self.interval = INTERVALS[max(0, min(len(INTERVALS) - 1, index + step))]
        if self.next_at is None:
            return None
        return self.schedule(min(self.interval, max(0.0, self.next_at - self.clock())))

    def toggle_pause(self) -> bool:
        """Pause or resume; True when now paused. Resuming does not lift a fatal stop."""
        self.paused = not self.paused
        if self.paused:
            self.unschedule()
        return self.paused

    def retry(self) -> bool:
        """The user asked to try again: lift a fatal stop. True when polling had been stopped."""
        was_stopped = self.stopped is not None
        self.stopped = None
        return was_stopped

    @property
    def polling(self) -> bool:
        """Cycles may be scheduled: neither paused nor stopped by a fatal error."""
        return not self.paused and self.stopped is None

    # -- scheduling -----------------------------------------------------------------------

    def next_delay(self, report: RefreshReport | None = None) -> float:
        """Seconds from now until the next cycle: when the soonest session is due, never longer
        than the interval, never shorter than :data:`MIN_DELAY`; after a failure the interval
        (a failing API is never hammered faster than the user asked)."""
        if report is None or report.errors:
            return self.interval
        due = self.poller.next_due_in(self.clock(), among=self.scope)
        return self.interval if due is None else min(self.interval, max(MIN_DELAY, due))

    def schedule(self, delay: float) -> float | None:
        """Plan the next cycle ``delay`` seconds from now; None (and nothing planned) while
        paused or stopped."""
        if not self.polling:
            self.next_at = None
            return None
        self.next_at = self.clock() + delay
        return delay

    def unschedule(self) -> None:
        self.next_at = None

    def next_in(self) -> float | None:
        """Seconds until the planned cycle (0 when overdue); None when none is planned."""
        return None if self.next_at is None else max(0.0, self.next_at - self.clock())

    # -- counts ---------------------------------------------------------------------------

    @property
    def stale(self) -> int:
        """Sessions whose last refresh failed (what is shown of them may be out of date)."""
        return sum(1 for state in self.poller.states.values() if state.last_error is not None)

    def recount(self, summaries: Iterable[SessionSummary] | None = None) -> None:
        """Phone totals, overdue sessions and delivery times, kept so a 1 s countdown never
        walks 10,000 sessions. Pass the summaries when they were just computed anyway."""
        if summaries is None:
            summaries = self.poller.summaries(self.clock()) if self.loaded else ()
        tally = Tally()
        for summary in summaries:
            tally.add(summary)
        self.apply(tally)

    def apply(self, tally: Tally) -> None:
        """Take the counts of a :class:`Tally` (added up by a caller, e.g. between keys)."""
        totals, overdue = tally.totals, tally.overdue
        self.totals, self.overdue, self.delivery = totals, overdue, stats(tally.delivery)
        final = {status: count for status, count in totals.items() if status.is_final}
        figures = Figures(sum(final.values()), sum(final.values()) - final[Status.DELIVERED], overdue)
        self.alerts = evaluate(figures, self.thresholds) if self.thresholds.active else []

    # -- one cycle ------------------------------------------------------------------------

    async def load(self, *, summarize: bool = True, on_preview: Callable[[Preview], object] | None = None) -> None:
        """Read the watchlist and the cache (in a thread: no disk work on the event loop).
        Raises WatchlistError. ``summarize``: see :meth:`Poller.load`. ``on_preview``: given
        a big watchlist's first rows first (see :mod:`~usms_tui.monitor.preview`)."""
        if on_preview is not None:
            preview = await asyncio.to_thread(read_preview, self.poller, self.clock())
            if preview is not None:
                on_preview(preview)
        await asyncio.to_thread(self.poller.load, summarize=summarize)
        self.loaded = True
        self.had_cache = any(state.last_checked is not None for state in self.poller.states.values())

    async def run_cycle(
        self,
        *,
        force: bool = False,
        only: list[str] | None = None,
        on_loaded: Callable[[], None] | None = None,
        on_preview: Callable[[Preview], object] | None = None,
    ) -> Cycle:
        """One cycle (see :meth:`_cycle`); its notices are kept in :attr:`events` too."""
        cycle = await self._cycle(force=force, only=only, on_loaded=on_loaded, on_preview=on_preview)
        if cycle.notices:
            self.events.record(cycle.notices, self.clock(), self._label_of)
        return cycle

    def _label_of(self, session_no: str) -> str:
        state = self.poller.states.get(session_no)
        return state.entry.label if state is not None else ""

    async def _cycle(
        self,
        *,
        force: bool = False,
        only: list[str] | None = None,
        on_loaded: Callable[[], None] | None = None,
        on_preview: Callable[[Preview], object] | None = None,
    ) -> Cycle:
        """Load the first time (``on_preview`` is given a big watchlist's first rows before
        it is read, ``on_loaded`` then shows the cache before any answer), fetch
        what is due (``force``: every pollable session; ``only``: exactly those), update the
        health, decide the alerts and plan the next cycle. A cancelled cycle plans nothing:
        whoever cancelled it runs the next."""
        self.unschedule()
        self.refreshing = True
        notices: list[Notice] = []
        try:
            if not self.loaded:
                await self.load(on_preview=on_preview)
                notices += self._watchlist_read()
                self.refreshing = not self.paused
                if on_loaded is not None:
                    on_loaded()
                if self.paused:
                    return Cycle(notices=tuple(notices))
            # Under a deadline: a stuck cycle is abandoned, and the next one runs on schedule.
            with young_collections_only():  # the receipts it reads and merges live on
                report = await refresh_within(self.poller, force=force, only=only)
        except WatchlistError as error:
            notices += self._watchlist_failed(error)
            return Cycle(notices=tuple(notices), delay=self.schedule(self.interval))
        except Exception as error:  # a bug, not an API error: say so, keep the data, keep going
            self.failures += 1
            # The status line must not keep saying "API ✓ ok" while every cycle crashes.
            self.last_error = BatchError(ErrorKind.OTHER, f"refresh crashed: {error!r}")
            return Cycle(notices=(CycleCrashed(error),), delay=self.schedule(self.interval))
        finally:
            self.refreshing = False
        await self._check_account_if_idle(report)
        notices += self._watchlist_read()
        notices += self._note(report)
        alert = self._alert(report.events)
        if alert is not None:
            notices.append(alert)
        notices += await self._tell_others(report)
        return Cycle(report, tuple(notices), self.schedule(self.next_delay(report)))

    async def _check_account_if_idle(self, report: RefreshReport) -> None:
        """The account check, once, when the first cycle asked the API nothing: its failure
        counts as that cycle's, so health, polling stopped and advice follow as for a refresh."""
        check, self.account_check = self.account_check, None
        if check is None or report.requests or report.errors:
            return
        result = await check()
        if result.error is not None:
            report.errors.append(result.error)

    async def _tell_others(self, report: RefreshReport) -> tuple[Notice, ...]:
        """Hooks, metrics and counters for this cycle; hooks that failed since the last one."""
        if self.alerting is None:
            return ()
        try:
            await self.alerting.after_cycle(self.poller, report, scope=self.scope)
        except Exception as error:  # a bug there must not stop the refreshes it reports on
            return (CycleCrashed(error),)
        told: list[Notice] = [AlertingTrouble(text) for text in self.alerting.take_problems()]
        failed = self.alerting.take_hook_failures()
        if failed:
            told.append(HooksFailed(tuple(failed)))
        return tuple(told)

    def _watchlist_failed(self, error: WatchlistError) -> tuple[Notice, ...]:
        message = str(error)
        news = message != self.watchlist_problem  # the same problem again is not news
        self.watchlist_problem = message
        return (WatchlistBroken(error),) if news else ()

    def _watchlist_read(self) -> tuple[Notice, ...]:
        if self.watchlist_problem is None:
            return ()
        self.watchlist_problem = None
        return (WatchlistFixed(),)

    def _note(self, report: RefreshReport) -> tuple[Notice, ...]:
        """API health from a cycle's report."""
        self.cycles += 1
        if not report.errors:
            # last_refresh moves only when every batch answered: "refreshed 08:43" next to a
            # failing API would claim data that never came (e.g. a wrong key).
            self.last_refresh = self.clock()
            recovered = self.failures > 0
            self.failures = 0
            self.last_error = None
            return (ApiRecovered(),) if recovered else ()
        first_of_streak = self.failures == 0
        self.failures += 1
        self.last_error = report.fatal or report.errors[0]
        if report.fatal is not None:
            self.stopped = report.fatal
            return (PollingStopped(report.fatal),)
        return (ApiFailing(self.last_error),) if first_of_streak else ()

    def _alert(self, events: Iterable[Event]) -> FirstLook | News | None:
        """The alert policy: nothing without events; the first look at sessions with no cache
        summed up; every event otherwise."""
        events = tuple(events)
        if not events:
            return None
        if self.cycles == 1 and not self.had_cache:
            return FirstLook(failed=sum(1 for event in events if isinstance(event, PhoneFailed)))
        return News(events)


__all__ = ["INTERVALS", "MIN_DELAY", "Cycle", "RefreshController", "Tally"]
