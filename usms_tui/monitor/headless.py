"""The headless monitor's loop: the refresh controller's cycles, forever, until told to stop.

The same controller as the UI (its delay rule, its health, its stop after a fatal answer),
with what a server needs instead of a person: nobody is there to press ``r`` after a fatal
error, so polling is retried by itself after :func:`fatal_retry_delay` (gently: a bad key is
never hammered); every notice is one log line; and stopping (SIGTERM, SIGINT) lets the cycle
in flight finish its writes for up to ``grace`` seconds before what is left is cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from usms_tui.domain.timefmt import format_duration
from usms_tui.monitor.controller import RefreshController
from usms_tui.monitor.eventlog import StderrLog
from usms_tui.monitor.notices import (
    ApiFailing,
    ApiRecovered,
    CycleCrashed,
    Notice,
    PollingStopped,
    WatchlistBroken,
    WatchlistFixed,
)

#: Seconds a stop waits for the cycle in flight (its cache writes) before cancelling it.
STOP_GRACE = 10.0


def fatal_retry_delay(interval: float) -> float:
    """After a fatal answer, try again after this long: ten intervals, at least 5 minutes."""
    return max(300.0, 10 * interval)


def log_notice(log: StderrLog, notice: Notice, *, retry_in: float | None = None) -> None:
    """One line for a notice worth one. Events (failures, overdue, thresholds, the API's fatal
    state) have lines of their own from the event tracker, hooks from the hook runner."""
    match notice:
        case PollingStopped(error):
            later = f"; trying again in {format_duration(retry_in)}" if retry_in is not None else ""
            log.warning(f"polling stopped: {error.describe(retrying=False)}{later}")
        case ApiFailing(error):
            log.warning(f"refresh failed: {error.describe()}")
        case ApiRecovered():
            log.info("the API answers again")
        case WatchlistBroken(error):
            log.warning(f"{error}; the last known data is kept, the file is read again every cycle")
        case WatchlistFixed():
            log.info("the watchlist reads again")
        case CycleCrashed(error):
            log.warning(f"refresh crashed: {error!r}; monitoring goes on")
        case _:
            pass


async def run_forever(
    controller: RefreshController, stop: asyncio.Event, log: StderrLog, *, grace: float = STOP_GRACE
) -> None:
    """Run cycles until ``stop`` is set; the wait between cycles ends at once when it is."""
    retried_fatal = False
    while not stop.is_set():
        cycle_task = asyncio.ensure_future(controller.run_cycle())
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({cycle_task, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not cycle_task.done():
            await _finish(cycle_task, grace, log)
            return
        cycle = cycle_task.result()
        delay = cycle.delay
        retry_in = fatal_retry_delay(controller.interval) if delay is None and controller.stopped else None
        for notice in cycle.notices:
            if isinstance(notice, ApiRecovered) and retried_fatal:
                continue  # the api_recovered event says it
            log_notice(log, notice, retry_in=retry_in)
        retried_fatal = False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), retry_in or delay or controller.interval)
        if retry_in is not None and not stop.is_set():
            controller.retry()
            retried_fatal = True


async def _finish(cycle: asyncio.Task[Any], grace: float, log: StderrLog) -> None:
    """Give the cycle in flight ``grace`` seconds to finish its writes, then cancel it."""
    try:
        await asyncio.wait_for(asyncio.shield(cycle), grace)
    except TimeoutError:
        log.warning(f"the refresh in progress did not end within {format_duration(grace)}; cancelled it")
        cycle.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await cycle
