"""The schedule's heaps against the scan of every session they replace (tests/due_scan.py):
random sequences of what happens to sessions (added, removed, checked, failed, settled,
archived, re-sent) and to the clock and settings (forward, back, onto an edge, a new interval
or warning age), with every question asked of both and the answers compared exactly."""

from __future__ import annotations

import asyncio
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from tests import due_scan
from tests.fuzz import examples
from usms_tui.domain.failures import BatchError, ErrorKind
from usms_tui.domain.receipts import Receipt
from usms_tui.monitor.poller import Poller, RefreshReport
from usms_tui.monitor.schedule import cadences
from usms_tui.store.watchlist import WatchedSession

T0 = 1_750_000_000.0
HOUR = 3600.0
AGES = [0.0, 1.0, 1799.5, 3599.999, HOUR, HOUR + 0.001, 2 * HOUR, 11.9 * HOUR, 12 * HOUR, 13 * HOUR, 30 * HOUR]
STEPS = [0.0, 1e-6, 1.0, 9.99, 10.0, 29.9, 30.0, 60.0, 300.0, 1800.0, HOUR, 6 * HOUR, 12 * HOUR]


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def final(phone: str) -> Receipt:
    return Receipt.from_api({"Phone": phone, "ReceiptResult": "Success", "ReceiptCode": "DELIVRD"})


def pending_or_failed(phone: str) -> Receipt:
    return Receipt.from_api({"Phone": phone, "ReceiptResult": "Fail", "ReceiptCode": "E1"})


class Rig:
    """A poller over a watchlist kept in memory (what ``sync_with_watchlist`` adopts)."""

    def __init__(self) -> None:
        self.clock = Clock(T0)
        self.poller = Poller(None, None, None, interval=30, warn_after=12 * HOUR, clock=self.clock)  # type: ignore[arg-type]
        self.entries: list[WatchedSession] = []
        self.made = 0
        self.known: set[str] = set()  # the scan's reported-overdue sessions

    def adopt(self) -> None:
        self.poller._sync_entries(self.entries)


async def compare(rig: Rig, data: st.DataObject) -> None:
    poller, now = rig.poller, rig.clock.now
    if data.draw(st.booleans(), label="in slices first"):
        limit = data.draw(st.integers(1, 4), label="slice")
        for _ in range(1000):
            if poller._schedule.sync(now, poller.interval, poller.warn_after, limit):
                break
    assert poller.due(now) == due_scan.due(poller, now)
    assert poller.pollable(now) == due_scan.pollable(poller, now)
    assert poller.next_due_in(now) == due_scan.next_due_in(poller, now)
    names = sorted(poller.states)
    among = frozenset(data.draw(st.lists(st.sampled_from([*names, "not-watched"]), max_size=8), label="among"))
    poller._schedule.few = data.draw(st.sampled_from([0, 2048]), label="few")  # 0: from the heaps
    assert poller.next_due_in(now, among=among) == due_scan.next_due_in(poller, now, among)
    report = RefreshReport()
    await poller._note_overdue(now, report)
    assert [e.session_no for e in report.events] == due_scan.newly_overdue(poller, now, rig.known)


async def play(data: st.DataObject) -> None:
    rig = Rig()
    poller, clock = rig.poller, rig.clock
    for _ in range(data.draw(st.integers(1, 40), label="steps")):
        states = list(poller.states.values())
        op = data.draw(
            st.sampled_from(
                [
                    "add", "add", "remove", "readd", "check", "check", "error", "settle", "unsettle",
                    "archive", "resend", "forward", "edge", "back", "warn", "interval", "compare",
                ]
            ),
            label="op",
        )  # fmt: skip
        if op == "add" or (not states and op not in {"forward", "back", "warn", "interval"}):
            rig.made += 1
            age = data.draw(st.sampled_from(AGES) | st.floats(0, 40 * HOUR), label="age")
            sent = data.draw(st.booleans(), label="sent known")
            phones = tuple(f"1380000000{i}" for i in range(data.draw(st.integers(1, 2), label="phones")))
            rig.entries.append(
                WatchedSession(
                    f"s{rig.made}",
                    added_at=clock.now - (0.0 if sent else age),
                    sent_at=clock.now - age if sent else None,
                    phones=phones,
                )
            )
            rig.adopt()
            continue
        if op in {"remove", "readd", "archive", "resend"}:
            index = data.draw(st.integers(0, len(rig.entries) - 1), label="entry")
            entry = rig.entries[index]
            if op == "remove":
                del rig.entries[index]
            elif op == "readd":  # removed and added again: a fresh state, at the end
                del rig.entries[index]
                rig.adopt()
                rig.entries.append(entry)
            elif op == "archive":
                rig.entries[index] = entry.replace(archived=not entry.archived)
            else:
                rig.entries[index] = entry.replace(sent_at=clock.now - data.draw(st.sampled_from(AGES), label="age"))
            rig.adopt()
        elif op in {"check", "error", "settle", "unsettle"}:
            state = data.draw(st.sampled_from(states), label="session")
            if op == "check":  # as the merge does
                state.last_checked = clock.now
                state.last_error = None
            elif op == "error":
                state.last_error = BatchError(ErrorKind.TRANSIENT, "timed out", (state.entry.session_no,))
            elif op == "settle":
                state.set_receipts([final(p) for p in state.entry.phones])
            else:
                state.receipts = [pending_or_failed(state.entry.phones[0])][: data.draw(st.integers(0, 1))]
        elif op == "forward":
            clock.now += data.draw(st.sampled_from(STEPS) | st.floats(0, 20 * HOUR), label="step")
        elif op == "back":  # the system clock set back
            clock.now -= data.draw(st.sampled_from(STEPS) | st.floats(0, 20 * HOUR), label="step")
        elif op == "edge":  # onto (or a hair either side of) the moment something changes
            state = data.draw(st.sampled_from(states), label="session")
            edges = [state.started_at + HOUR, state.started_at + poller.warn_after]
            if state.last_checked is not None:
                edges += [state.last_checked + every for every in cadences(poller.interval)]
            edge = data.draw(st.sampled_from(edges), label="edge")
            clock.now = data.draw(st.sampled_from([edge, math.nextafter(edge, 0), math.nextafter(edge, math.inf)]))
        elif op == "warn":
            poller.warn_after = data.draw(st.sampled_from([600.0, 3599.0, HOUR, 2 * HOUR, 12 * HOUR, 24 * HOUR]))
        elif op == "interval":
            poller.interval = data.draw(st.sampled_from([1.5, 10.0, 30.0, 45.0, 60.0, 120.0, 600.0]))
        if op == "compare" or data.draw(st.booleans(), label="compare now"):
            await compare(rig, data)
    await compare(rig, data)


@settings(max_examples=examples(400), deadline=None)
@given(st.data())
def test_the_heaps_answer_as_the_scan_of_every_session(data):
    asyncio.run(play(data))


def test_going_back_unmarks_the_due_even_when_another_comes_due_in_the_same_step():
    # At T0 "a" (young) is due and "b" (just over an hour old) is not. Ten seconds earlier
    # "b" is young again, so due on the shorter cadence, and "a" is not due yet: "b" coming
    # due must not hide that "a" needs looking at again.
    rig = Rig()
    poller = rig.poller
    rig.entries = [
        WatchedSession("a", added_at=T0 - 100, sent_at=T0 - 100, phones=("1",)),
        WatchedSession("b", added_at=T0 - HOUR - 5, sent_at=T0 - HOUR - 5, phones=("1",)),
    ]
    rig.adopt()
    poller.states["a"].last_checked = T0 - 30
    poller.states["b"].last_checked = T0 - 50
    assert poller.due(T0) == ["a"]
    assert poller.due(T0 - 10) == ["b"] == due_scan.due(poller, T0 - 10)
    assert poller.next_due_in(T0 - 10, among={"a"}) == 10.0
