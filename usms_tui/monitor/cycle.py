"""One refresh cycle under a deadline, so a stuck cycle is abandoned and the next one runs
on schedule: the UI must never sit on "refreshing…" waiting for a key press.

The client bounds its own requests and its fetch (see :mod:`usms_tui.api.deadlines`); this
bounds the rest of the cycle too (reading the watchlist, writing the cache, each in a thread
that a hung disk could hold), with a margin over the fetch's own budget.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.monitor.poller import Poller, RefreshReport

#: Seconds a cycle may take beyond its fetch's budget (file and cache work).
MARGIN_SECONDS = 30.0
#: The limit when the client states no budget (a fake in tests, an older client).
DEFAULT_LIMIT_SECONDS = 300.0


def cycle_limit(poller: Poller, session_count: int) -> float:
    """Seconds one cycle over ``session_count`` sessions may take in all."""
    budget = getattr(poller.client, "cycle_budget", None)
    if budget is None:
        return DEFAULT_LIMIT_SECONDS
    return float(budget(session_count)) + MARGIN_SECONDS


async def refresh_within(
    poller: Poller, *, force: bool = False, only: Iterable[str] | None = None, limit: float | None = None
) -> RefreshReport:
    """:meth:`Poller.refresh`, abandoned after ``limit`` seconds (default :func:`cycle_limit`)
    with a transient error for the sessions it was asked to fetch."""
    await poller.catch_up()  # what changed since the last cycle filed in slices, not at once here
    wanted: list[Any] = list(only) if only is not None else poller.pollable() if force else poller.due()
    seconds = cycle_limit(poller, len(wanted)) if limit is None else limit
    try:
        async with asyncio.timeout(seconds):
            return await poller.refresh(force=force, only=wanted if only is not None else None)
    except TimeoutError:
        report = RefreshReport()
        message = f"the refresh did not finish within {seconds:g}s and was abandoned; it runs again on schedule"
        report.errors.append(BatchError(ErrorKind.TRANSIENT, message, tuple(wanted), attempts=0))
        return report
