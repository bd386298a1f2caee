"""The poller's scheduling as it was before the schedule's heaps: a walk of every session for
every question. Kept as the reference the heaps are checked against (tests/unit/test_schedule.py)
and raced against (bench/bench_due.py); what it answers is what the poller must answer."""

from __future__ import annotations

from collections.abc import Collection

from usms_tui.monitor.poller import Poller


def due(poller: Poller, now: float) -> list[str]:
    found: list[str] = []
    for session_no, state in poller.states.items():
        every = poller.cadence(state, now)
        if every is None:
            continue
        if state.last_error is not None or state.last_checked is None or now - state.last_checked >= every:
            found.append(session_no)
    return found


def pollable(poller: Poller, now: float) -> list[str]:
    return [no for no, state in poller.states.items() if poller.cadence(state, now) is not None]


def next_due_in(poller: Poller, now: float, among: Collection[str] | None = None) -> float | None:
    soonest: float | None = None
    for session_no, state in poller.states.items():
        if among is not None and session_no not in among:
            continue
        every = poller.cadence(state, now)
        if every is None:
            continue
        if state.last_error is not None or state.last_checked is None:
            return 0.0
        wait = max(0.0, state.last_checked + every - now)
        soonest = wait if soonest is None else min(soonest, wait)
    return soonest


def newly_overdue(poller: Poller, now: float, known: set[str]) -> list[str]:
    """The SessionNos the old ``_note_overdue`` reported at ``now`` (adding them to ``known``)."""
    found: list[str] = []
    warn_after = poller.warn_after
    for session_no, state in poller.states.items():
        if (
            session_no not in known
            and now - state.started_at >= warn_after
            and not state.entry.archived
            and not state.settled
        ):
            known.add(session_no)
            found.append(session_no)
    return found
