"""The poller's summaries for the UI, built in chunks that yield to the event loop.

A summary costs tens of microseconds (its age is new at every call), so 10,000 sessions built
in one go hold the keys for a quarter of a second and 100,000 for seconds. Summaries are
built here on the event loop, not in a thread: a session's cached summary is written by
``summary()`` and dropped by a new receipt list, and only the loop does both in turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from usms_tui.domain.receipt_codes import default_table
from usms_tui.domain.summary import SessionSummary
from usms_tui.monitor.controller import RefreshController, Tally
from usms_tui.monitor.heap import give_back_free_memory
from usms_tui.tui.widgets import table_base


def summaries_of(
    poller: Any,
    now: float,
    session_nos: Iterable[str],
    tally: Tally | None = None,
    *,
    labels: dict[str, str] | None = None,
    stale: list[str] | None = None,
    with_age: bool = True,
) -> list[SessionSummary]:
    """The summaries of these sessions that are watched and not archived, in the order given,
    counted into ``tally`` if given (``with_age``: see ``Poller.summary``). ``labels`` and
    ``stale``, if given, get the labelled sessions' labels and those whose last refresh
    failed (the main table marks them), in the same pass. At once: a screenful, or one step
    of :func:`summaries_in_chunks`."""
    states = poller.states  # a reload between two steps replaces it
    summary_of = poller.summary
    found: list[SessionSummary] = []
    for session_no in session_nos:
        state = states.get(session_no)
        if state is None:  # removed from the watchlist since the view began
            continue
        entry = state.entry
        if entry.archived:
            continue
        summary = summary_of(session_no, now, with_age=with_age)
        if tally is not None:
            tally.add(summary)
        found.append(summary)
        if labels is not None and entry.label:
            labels[session_no] = entry.label
        if stale is not None and state.last_error is not None:
            stale.append(session_no)
    return found


async def summaries_in_chunks(
    poller: Any,
    now: float,
    tally: Tally | None = None,
    *,
    labels: dict[str, str] | None = None,
    stale: list[str] | None = None,
    with_age: bool = True,
) -> list[SessionSummary]:
    """Every watched (not archived) session's summary in watchlist order (as
    :func:`summaries_of`), a step at a time with the event loop let in between."""
    summaries: list[SessionSummary] = []
    # The SessionNos, not (SessionNo, state) pairs: 100,000 new tuples made in one call set
    # off the collector inside it (the loop held 90-150 ms as the failures view opened).
    names = list(poller.states)
    # A few dozen at a time between looks at the clock, not one async step and one clock
    # read a session (a fifth of the pass's CPU time at 100,000). Not more: a summary not
    # yet made can cost a read of the store.
    pacer = table_base.Pacer()
    step = min(_STEP, table_base.CHUNK)
    for start in range(0, len(names), step):
        part = names[start : start + step]
        summaries += summaries_of(poller, now, part, tally, labels=labels, stale=stale, with_age=with_age)
        if pacer.due(step):
            await asyncio.sleep(0)
            pacer.restart()
    return summaries


class WatchedEntries(Mapping[str, Any]):
    """The poller's watchlist entries by SessionNo, each read when asked for: a view shows
    the entries of the rows on screen only, and a copy of all of them was 8 MB at 100,000
    sessions. A session removed since is missing; one edited since reads as it is now."""

    def __init__(self, poller: Any) -> None:
        self._poller = poller  # its states, not them: a reload replaces them

    def __getitem__(self, session_no: str) -> Any:
        state = self._poller.states.get(session_no)
        if state is None:
            raise KeyError(session_no)
        return state.entry

    def __iter__(self) -> Iterator[str]:
        return iter(self._poller.states)

    def __len__(self) -> int:
        return len(self._poller.states)


#: Sessions summarised between two looks at the clock (a few ms at worst).
_STEP = 50


async def recount_in_chunks(controller: RefreshController, now: float) -> None:
    """:meth:`RefreshController.recount`, a chunk at a time (for screens other than the main
    one, which adds the counts up while it builds its rows anyway)."""
    if not controller.loaded:
        controller.recount(())
        return
    tally = Tally()
    await summaries_in_chunks(controller.poller, now, tally)
    controller.apply(tally)


async def after_cycle(controller: RefreshController, now: float, *, recount: bool) -> None:
    """What the app does once a cycle's answers are in: recount (``recount``: the screen on
    top does not) and hand what is loaded now to the collector's permanent generation.

    Why the freeze: 10,000 sessions of 10 phones are a few million long-lived objects, and
    each full collection walks all of them (200-300 ms with the keys held, at moments nobody
    chose). Frozen, they are left out of collections; the garbage made from here on is not.
    Objects frozen are still freed by reference counting; only cycles among them are kept
    (nothing thaws them: a thaw made the next full collection walk the whole heap at once).
    """
    if recount:
        await recount_in_chunks(controller, now)
    if default_table.cache_info().currsize == 0:
        # UCloud's receipt-code table takes about 0.4 s to read; the failures view, causes
        # and advice need it, so it is read once here, in a thread, instead of on the loop
        # the first time one of them opens. A damaged table is reported where it is used.
        with contextlib.suppress(Exception):
            await asyncio.to_thread(default_table)
    gc.freeze()
    give_back_free_memory()  # what the cycle's work freed
