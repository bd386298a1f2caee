"""When each watched session is due, kept so that a cycle costs what changed, not what the
watchlist is: at 100,000 sessions a scan of every session for every question (what is due,
how long until the next, which are newly overdue) was 0.6 s of the event loop a cycle.

A session is filed when something that decides its cadence changes (checked, an error,
settled, archived, its entry, added or removed: :class:`SessionState` tells the schedule,
so no caller can forget to) and when the clock carries it across an age that matters. Its
cadence is :meth:`Poller.cadence`'s: one interval while younger than an hour, two until the
warning age, then ``max(6 intervals, 300 s)``; with an error, or never checked, it is due now.

Each age band keeps its waiting sessions in a min-heap of last checks (the next to come due,
and the next delay, at the top) and its due ones apart (few: each cycle fetches them); two
crossings of the start (an hour old; the warning age) move sessions between bands. Every key
is the session's own time, so the clock going forward, or the interval or warning age
changing, moves exactly the sessions now on the other side, found at the tops of the heaps
(going back, or a longer cadence, looks at the few due once). The warning age has one more
heap, one way only: a session is reported overdue once (``known``).
"""

from __future__ import annotations

import heapq
import math
import threading
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from usms_tui.monitor.due_heaps import (
    AGED,
    BANDED,
    LATE,
    NOT_POLLED,
    OVERDUE,
    URGENT,
    Crossing,
    Filed,
    Heap,
    Waiting,
    drop,
    leave,
)

if TYPE_CHECKING:
    from usms_tui.monitor.session_state import SessionState

#: Age (seconds) from which a pending session is polled every two intervals.
HOUR = 3600.0
#: Sessions of a scope (``among``) few enough to look at one by one for the next delay.
_FEW = 2048


def cadences(interval: float) -> tuple[float, float, float]:
    """Seconds between polls in each age band (as :meth:`Poller.cadence` says)."""
    return interval, interval * 2, max(interval * 6, 300.0)


class Schedule:
    """What is due when, for the sessions of one poller. Every question first brings it up to
    ``now`` (:meth:`sync`): the sessions changed since, then the crossings the clock made."""

    def __init__(self) -> None:
        self._filed: dict[str, Filed] = {}
        self._states: Mapping[str, SessionState] = {}
        self._positions: dict[str, int] | None = None  # watchlist order, made when first asked
        # Sessions changed since the last sync. A lock: the poller reads the watchlist and
        # the cache in a thread, and what it sets there tells the schedule from that thread.
        self._changed: set[SessionState] = set()
        self._lock = threading.Lock()
        self.touched = self._touched  # one bound method, shared by every session watched
        filed = self._filed
        self._aged = Crossing(AGED, "aged", filed)  # an hour old
        self._late = Crossing(LATE, "late", filed)  # the warning age
        # Per age band: those not yet due in a min-heap of last checks (the first to come
        # due, and the next delay, at the top), and those due.
        self._waits = tuple(Waiting(filed) for _ in range(3))
        self._due_in: tuple[dict[str, Filed], ...] = ({}, {}, {})
        self._judged = [(-math.inf, math.inf)] * 3  # see _judge
        self._overdue = Heap(OVERDUE, filed)  # by start, not yet reported
        self.pollable: set[str] = set()
        self.urgent: set[str] = set()
        self.due: set[str] = set()
        #: Sessions reported overdue (or overdue at start): never reported again.
        self.known: set[str] = set()
        #: Scopes larger than this are answered from the heaps (see :meth:`_walk`).
        self.few = _FEW

    # -- being told -----------------------------------------------------------------------

    def _touched(self, state: SessionState) -> None:
        with self._lock:
            self._changed.add(state)

    def adopt(self, states: Mapping[str, SessionState], added: list[SessionState], removed: list[SessionState]) -> None:
        """The poller's sessions are now ``states`` (in watchlist order). Cheap, and safe in a
        thread: the filing itself waits for the next :meth:`sync`."""
        self._states = states
        self._positions = None
        for state in removed:
            state.on_change = None
        for state in added:
            state.on_change = self.touched
        with self._lock:
            self._changed.update(added)
            self._changed.update(removed)

    def know(self, known: set[str]) -> None:
        """Sessions reported overdue are now ``known`` (a load counts those overdue at start):
        the others polled are filed again for the warning age (once a load: every session)."""
        self.known = known
        for no, filed in self._filed.items():
            if filed.kind != NOT_POLLED and not filed.t_overdue and no not in known:
                self._overdue.push(filed.start, filed)

    # -- bringing it up to now ------------------------------------------------------------

    def sync(self, now: float, interval: float, warn_after: float, limit: int | None = None) -> bool:
        """File what changed and move what the clock moved, at most about ``limit`` sessions
        (for a caller that lets the event loop in between); True when it is up to ``now``."""
        budget = limit if limit is not None else 1 << 62
        spans = cadences(interval)
        with self._lock:
            changed, self._changed = self._changed, set()
            if len(changed) > budget:
                self._changed.update(changed.pop() for _ in range(len(changed) - budget))
        for state in changed:
            self._file(state, now, warn_after, spans)
        budget -= len(changed)
        if budget <= 0:
            return False
        moved: list[Filed] = []
        budget = self._aged.advance(now, HOUR, moved, budget)
        if budget:
            budget = self._late.advance(now, warn_after, moved, budget)
        for filed in moved:  # one that crossed both ages is moved twice: the second finds it moved
            band = self._band_of(filed)
            if band != filed.band:
                self._wait(filed, band, filed.checked, now, spans)
        for band in range(3):
            if not budget:
                return False
            budget = self._advance(band, now, spans[band], budget)
        return bool(budget)

    def _advance(self, band: int, now: float, span: float, budget: int) -> int:
        """Bring one band's due sessions up to ``now`` and ``span``; the budget left."""
        heap, members, due = self._waits[band], self._due_in[band], self.due
        judged_at, judged_span = self._judged[band]
        if members and (now < judged_at or span > judged_span):
            # The clock went back or the cadence grew: some due may not be due after all.
            # Rare, and the due are few (each cycle fetches them), so they are looked at
            # one by one rather than kept in a second heap at every cycle's cost.
            for no, filed in list(members.items()):
                if not now - filed.checked >= span:
                    del members[no]
                    due.discard(no)
                    filed.due = False
                    heap.add(filed, filed.checked)
            self._judged[band] = (now, span)
        # Subtraction rounds monotonically: ``now - checked >= span`` holds for every check
        # up to some time, so the newly due are always at the top.
        while (bucket := heap.top()) is not None and now - bucket.checked >= span:
            if budget <= 0:
                return 0
            come = heap.pop()
            budget -= len(come)
            for filed in come.values():
                filed.due = True
            members.update(come)
            due.update(come)
        self._judge(band, now, span)
        return budget

    def _judge(self, band: int, now: float, span: float) -> None:
        # Every due session of the band is due at any time from ``judged_at`` on, with any
        # cadence up to ``judged_span``: those it was judged due at, the latest and smallest.
        judged_at, judged_span = self._judged[band]
        self._judged[band] = (max(judged_at, now), min(judged_span, span))

    def _file(self, state: SessionState, now: float, warn_after: float, spans: tuple[float, float, float]) -> None:
        no = state.entry.session_no
        filed = self._filed.get(no)
        watched = self._states.get(no) is state
        if filed is not None and filed.state is not state:
            if not watched:
                return  # an old state of a session watched through a new one
            self._unfile(filed)
            filed = None
        if not watched:
            if filed is not None:
                self._unfile(filed)
                del self._filed[no]
            return
        if state.entry.archived or state.settled:
            # Not filed at all: most of a day's sessions are settled, and a record each for
            # sessions no question is about was a sixth of the start's memory at 100,000.
            if filed is not None:
                self._unfile(filed)
                del self._filed[no]
            return
        if filed is None:
            filed = self._filed[no] = Filed(state, no)
        start = state.started_at
        moved = filed.kind == NOT_POLLED or filed.start != start
        filed.start = start
        self.pollable.add(no)
        if moved and no not in self.known:
            self._overdue.push(start, filed)
        checked = state.last_checked
        if state.last_error is not None or checked is None:
            self._unband(filed)
            filed.kind = URGENT
            self.urgent.add(no)
            self.due.add(no)
            return
        self.urgent.discard(no)
        if moved or filed.kind != BANDED:
            self._aged.file(filed, start, now, HOUR)
            self._late.file(filed, start, now, warn_after)
            filed.kind = BANDED
            self._wait(filed, self._band_of(filed), checked, now, spans)
        elif checked != filed.checked:
            self._wait(filed, filed.band, checked, now, spans)

    def _wait(self, filed: Filed, band: int, checked: float, now: float, spans: tuple[float, float, float]) -> None:
        """File a banded session in ``band``: due now, or waiting in its heap by last check."""
        if filed.due:
            del self._due_in[filed.band][filed.no]
        filed.band, filed.checked = band, checked
        span = spans[band]
        if now - checked >= span:  # as the scan: now - last_checked >= cadence
            filed.due = True
            leave(filed)
            self._due_in[band][filed.no] = filed
            self.due.add(filed.no)
            self._judge(band, now, span)
        else:
            filed.due = False
            self._waits[band].add(filed, checked)
            self.due.discard(filed.no)

    @staticmethod
    def _band_of(filed: Filed) -> int:
        # As the cadence: under an hour old, else under the warning age, else past it.
        return 0 if not filed.aged else 1 if not filed.late else 2

    def _unband(self, filed: Filed) -> None:
        if filed.due:
            del self._due_in[filed.band][filed.no]
            filed.due = False
        leave(filed)
        for kind in (AGED, LATE):
            drop(filed, kind)
        filed.band = -1

    def _unfile(self, filed: Filed) -> None:
        self._unband(filed)
        drop(filed, OVERDUE)
        filed.kind = NOT_POLLED
        no = filed.no
        self.pollable.discard(no)
        self.urgent.discard(no)
        self.due.discard(no)

    # -- questions (after a sync) ---------------------------------------------------------

    def in_order(self, session_nos: Collection[str]) -> list[str]:
        """``session_nos`` in watchlist order."""
        positions = self._positions
        if positions is None:
            self._positions = positions = {no: i for i, no in enumerate(self._states)}
        # One the poller's thread removed since the last sync is not watched any more.
        return sorted((no for no in session_nos if no in positions), key=positions.__getitem__)

    def next_due_in(self, now: float, interval: float, among: Collection[str] | None) -> float | None:
        """Seconds until some session (of ``among``) is due; None when none is polled."""
        spans = cadences(interval)
        if among is None:
            if self.urgent:
                return 0.0
            soonest: float | None = None
            for band, heap in enumerate(self._waits):
                span = spans[band]
                # The due: almost always none (the last cycle fetched them), and one is 0 s.
                for filed in self._due_in[band].values():
                    wait = max(0.0, filed.checked + span - now)  # as the scan: last check + cadence - now
                    if wait == 0.0:
                        return wait
                    soonest = wait if soonest is None or wait < soonest else soonest
                bucket = heap.top()
                if bucket is not None:
                    wait = max(0.0, bucket.checked + span - now)
                    soonest = wait if soonest is None or wait < soonest else soonest
            return soonest
        if len(among) > self.few:
            walked, found = self._walk(now, spans, among)
            if walked:
                return found
        return self._one_by_one(now, spans, among)

    def _one_by_one(self, now: float, spans: tuple[float, float, float], among: Collection[str]) -> float | None:
        filed_of = self._filed.get
        soonest: float | None = None
        for no in among:
            filed = filed_of(no)
            if filed is None or filed.kind == NOT_POLLED:
                continue
            if filed.kind == URGENT:
                return 0.0
            wait = max(0.0, filed.checked + spans[filed.band] - now)
            soonest = wait if soonest is None or wait < soonest else soonest
        return soonest

    def _walk(self, now: float, spans: tuple[float, float, float], among: Collection[str]) -> tuple[bool, float | None]:
        """The next delay for a large scope from the heaps, skipping the sessions outside it;
        (False, None) when that took more looks than a quarter of the scope's sessions (a
        scope of the sessions checked last, say), for the caller to look one by one instead."""
        urgent = self.urgent
        if len(urgent) <= len(among):
            if any(no in among for no in urgent):
                return True, 0.0
        elif any(no in urgent for no in among):
            return True, 0.0
        budget = max(64, len(among) // 4)
        soonest: float | None = None
        for band, heap in enumerate(self._waits):
            members = self._due_in[band]
            if len(members) <= len(among):
                due = [filed for no, filed in members.items() if no in among]
            else:
                due = [members[no] for no in among if no in members]
            for filed in due:
                wait = max(0.0, filed.checked + spans[band] - now)
                soonest = wait if soonest is None or wait < soonest else soonest
            if heap.top() is None:
                continue
            walked, found, looked = _first_in(heap, among, budget)
            budget -= looked
            if not walked:
                return False, None
            if found is not None:
                wait = max(0.0, found + spans[band] - now)
                soonest = wait if soonest is None or wait < soonest else soonest
        return True, soonest

    def newly_overdue(self, now: float, warn_after: float) -> list[str]:
        """Sessions past the warning age at ``now``, polled and not reported before, in
        watchlist order; they are known from now on."""
        heap, known, found = self._overdue, self.known, []
        while (top := heap.top()) is not None and now - top[0] >= warn_after:
            no = heap.pop().no
            if no not in known:  # made known since it was filed (at load)
                known.add(no)
                found.append(no)
        return self.in_order(found) if len(found) > 1 else found


def _first_in(heap: Waiting, among: Collection[str], budget: int) -> tuple[bool, float | None, int]:
    """The earliest last check of a bucket of ``heap`` with a session in ``among`` (None: no
    such bucket), found by walking the heap from its top in key order (a heap of the
    frontier's indices), and how many sessions it looked at; False first when that passed
    ``budget``."""
    items = heap.items
    frontier = [(items[0][0], items[0][1], 0)]
    size = len(items)
    looked = 0
    while frontier:
        if looked >= budget:
            return False, None, looked
        key, _, index = heapq.heappop(frontier)
        members = items[index][2].members
        if len(members) <= len(among):
            looked += len(members) + 1
            if any(no in among for no in members):
                return True, key, looked
        else:
            looked += len(among) + 1
            if any(no in members for no in among):
                return True, key, looked
        for child in (2 * index + 1, 2 * index + 2):
            if child < size:
                entry = items[child]
                heapq.heappush(frontier, (entry[0], entry[1], child))
    return True, None, looked
