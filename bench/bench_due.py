"""Scheduling at scale: what one cycle's questions cost (which sessions are due, the delay to
the next, which are newly overdue, and filing the sessions the cycle checked), the scan of
every session it used to be (tests/due_scan.py) against the schedule's heaps, side by side.

    python bench/bench_due.py [--sessions 10000 100000] [--settled 0.6] [--rounds 7]

A day's watchlist: sent times spread over 24 hours, ``--settled`` of them settled, the rest
last checked at a random point of their cadence, one cycle every interval (30 s) with every
due session checked. Both contenders get identical sessions and are timed in turns, each
figure the median of ``--rounds`` cycles. Also: the next delay for a scope (1% of the
sessions, looked at one by one; a random half, from the heaps), and the longest slice of
the event loop a change of warning age or interval takes (``Poller.catch_up``). The
machine's load is printed first and last, as the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import due_scan  # the reference lives with the tests
from usms_tui.domain.receipts import Receipt
from usms_tui.monitor import poller as poller_module
from usms_tui.monitor.poller import Poller, RefreshReport
from usms_tui.monitor.schedule import cadences
from usms_tui.store.watchlist import WatchedSession

NOW = 1_796_025_600.0
HOUR = 3600.0
INTERVAL = 30.0
WARN_AFTER = 12 * HOUR


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def build(count: int, settled: float, clock: Clock, *, scheduled: bool) -> Poller:
    """A poller over ``count`` sessions, the same ones for the same count."""
    rng = random.Random(count)
    entries = [
        WatchedSession(f"usms-bench-{i:07d}", added_at=NOW - age, sent_at=NOW - age, phones=(f"138{i:08d}",))
        for i, age in enumerate(rng.uniform(0, 24 * HOUR) for _ in range(count))
    ]
    poller = Poller(None, None, None, interval=INTERVAL, warn_after=WARN_AFTER, clock=clock)  # type: ignore[arg-type]
    poller._sync_entries(entries)
    spans = cadences(INTERVAL)
    for state in poller.states.values():
        if not scheduled:
            state.on_change = None  # the scan's poller: nothing listens
        if rng.random() < settled:
            phone = state.entry.phones[0]
            state.set_receipts([Receipt.from_api({"Phone": phone, "ReceiptResult": "Success"})], merged=True)
        else:
            band = 0 if NOW - state.started_at < HOUR else 1 if NOW - state.started_at < WARN_AFTER else 2
            state.last_checked = NOW - rng.uniform(0, spans[band])
    # Every session overdue at the start is known, as a load makes it.
    pollable = due_scan.pollable(poller, NOW)
    poller._overdue_known = {no for no in pollable if NOW - poller.states[no].started_at >= WARN_AFTER}
    return poller


def check(poller: Poller, due: list[str], now: float) -> None:
    """What the merge does to each session fetched."""
    states = poller.states
    for no in due:
        state = states[no]
        state.last_checked = now
        state.last_error = None


async def scan_cycle(poller: Poller, now: float, known: set[str]) -> int:
    due = due_scan.due(poller, now)
    check(poller, due, now)
    due_scan.next_due_in(poller, now)
    due_scan.newly_overdue(poller, now, known)
    return len(due)


async def heap_cycle(poller: Poller, now: float, known: set[str]) -> int:
    due = poller.due(now)
    check(poller, due, now)
    poller.next_due_in(now)
    await poller._note_overdue(now, RefreshReport())
    return len(due)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def median_time(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def longest_slice(poller: Poller, now: float) -> tuple[float, float, int]:
    """What :meth:`Poller.catch_up` costs: in all, its longest slice, and how many slices."""
    slices = []
    while True:
        started = time.perf_counter()
        done = poller._schedule.sync(now, poller.interval, poller.warn_after, poller_module._FILE_SLICE)
        slices.append(time.perf_counter() - started)
        if done:
            return sum(slices), max(slices), len(slices)
        await asyncio.sleep(0)


async def one_size(count: int, settled: float, rounds: int) -> None:
    clock_scan, clock_heap = Clock(), Clock()
    scan = build(count, settled, clock_scan, scheduled=False)
    heap = build(count, settled, clock_heap, scheduled=True)
    started = time.perf_counter()
    heap.due(NOW)  # filed now, as a load does in its thread: the cycles below are steady state
    filing = time.perf_counter() - started
    gc.collect()
    gc.freeze()  # as a refresh does: what is loaded is kept out of the collector's walks
    assert heap.pollable(NOW) == due_scan.pollable(scan, NOW)
    times: dict[str, list[float]] = {"scan": [], "heaps": []}
    due_counts = []
    known_scan = set(scan._overdue_known)
    for cycle in range(1, rounds + 1):  # in turns, so a busy moment costs both
        now = NOW + cycle * INTERVAL
        for name, poller, run, known in (
            ("scan", scan, scan_cycle, known_scan),
            ("heaps", heap, heap_cycle, set()),
        ):
            started = time.perf_counter()
            due = await run(poller, now, known)
            times[name].append(time.perf_counter() - started)
        due_counts.append(due)
    pollable = len(heap._schedule.pollable)
    scan_s, heap_s = statistics.median(times["scan"]), statistics.median(times["heaps"])
    print(f"\n{count:,} sessions ({pollable:,} polled), ~{statistics.median(due_counts):,.0f} due a cycle:")
    print(f"  cycle, scan of every session   {ms(scan_s)}  ({' '.join(f'{t * 1000:.1f}' for t in times['scan'])})")
    print(f"  cycle, schedule's heaps        {ms(heap_s)}  ({' '.join(f'{t * 1000:.1f}' for t in times['heaps'])})")
    print(f"  ratio                          {scan_s / heap_s:8.1f}x")
    print(f"  filing them all once (the load's thread, not the loop): {filing:.2f} s")
    now = NOW + rounds * INTERVAL
    rng = random.Random(7)
    names = list(heap.states)
    for label, among in (
        ("1% scope", frozenset(rng.sample(names, count // 100))),
        ("half scope", frozenset(rng.sample(names, count // 2))),
    ):
        old = median_time(rounds, lambda among=among: due_scan.next_due_in(scan, now, among))
        new = median_time(rounds, lambda among=among: heap.next_due_in(now, among=among))
        assert due_scan.next_due_in(heap, now, among) == heap.next_due_in(now, among=among)
        print(f"  next delay, {label:10}         scan {ms(old)}   heaps {ms(new)}")
    for label, change in (
        ("warning age 12h -> 24h", lambda: setattr(heap, "warn_after", 24 * HOUR)),
        ("interval 30s -> 10s", lambda: setattr(heap, "interval", 10.0)),
    ):
        change()
        total, longest, slices = await longest_slice(heap, now)
        print(f"  {label:22} catch-up {ms(total)} in {slices} slices, longest {ms(longest).strip()}")
    gc.unfreeze()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--settled", type=float, default=0.6)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    print(f"load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    print(
        f"interval {INTERVAL:g} s, warning age {WARN_AFTER / HOUR:g} h, {args.settled:.0%} settled; median of {args.rounds}"
    )
    for count in args.sessions:
        await one_size(count, args.settled, args.rounds)
    print(f"\nload after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    asyncio.run(main())
