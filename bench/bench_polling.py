"""Adaptive polling vs. polling everything, side by side on one simulated clock.

Both watchers see the same simulator (same seed, same sessions) for the same simulated
hours, stepping the clock by the same tick. We count the HTTP requests and SessionNo lookups
each makes, and how late each notices a receipt after it arrived (the price of polling less).

    python bench/bench_polling.py [--sessions 2000] [--phones 3] [--hours 6] [--interval 30]

No network and no real waiting: the simulator runs in-process behind httpx.MockTransport.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from usms_tui.monitor.poller import ReceiptFetcher
from usms_tui.monitor.runtime import Runtime
from usms_tui.simulator import ManualClock, Simulator
from usms_tui.store.watchlist import WatchedSession, Watchlist

T0 = 1_767_225_600.0  # a fixed start so runs compare


class CountingClient:
    """Wraps the real client to count what is asked."""

    def __init__(self, client: ReceiptFetcher) -> None:
        self.client = client
        self.requests = 0
        self.lookups = 0

    async def fetch(self, session_nos, **options):
        nos = list(session_nos)
        self.lookups += len(nos)
        result = await self.client.fetch(nos, **options)
        self.requests += result.requests
        return result


def make_world(args: argparse.Namespace, folder: Path) -> tuple[ManualClock, Simulator, list[WatchedSession]]:
    clock = ManualClock(T0)
    sim = Simulator(seed=args.seed, clock=clock)
    created = sim.precreate(sessions=args.sessions, phones=args.phones)
    sessions = sim.watched_sessions(created)
    return clock, sim, sessions


def note_detections(seen: dict[tuple[str, str], float], receipts: dict, now: float) -> None:
    for session_no, items in receipts.items():
        for receipt in items:
            key = (session_no, receipt.phone)
            # Only receipts that arrive during the run count: older ones say nothing of lateness.
            if key not in seen and receipt.receipt_time and receipt.receipt_time >= T0:
                # Lateness: how long after the receipt existed did we notice it.
                seen[key] = max(0.0, now - receipt.receipt_time)


async def run_adaptive(args: argparse.Namespace, folder: Path) -> dict:
    clock, sim, sessions = make_world(args, folder)
    watchlist = Watchlist(folder / "adaptive.json", clock=clock)
    watchlist.add(sessions)
    async with Runtime.offline(sim, watchlist, clock, folder, interval=args.interval) as runtime:
        # The runtime's own client, counted: what the controller's cycles ask of the API.
        poller = runtime.poller
        poller.client = counting = CountingClient(poller.client)
        seen: dict[tuple[str, str], float] = {}
        started = time.perf_counter()
        end = T0 + args.hours * 3600
        while clock.now() < end:
            cycle = await runtime.controller.run_cycle()
            if cycle.report is not None:
                note_detections(seen, {no: poller.states[no].receipts for no in cycle.report.changed}, clock.now())
            clock.advance(args.tick)
    return summarize("adaptive (usms-tui)", counting, seen, time.perf_counter() - started)


async def run_naive(args: argparse.Namespace, folder: Path) -> dict:
    clock, sim, sessions = make_world(args, folder)
    watchlist = Watchlist(folder / "naive.json", clock=clock)
    watchlist.add(sessions)
    async with Runtime.offline(sim, watchlist, clock, folder) as runtime:
        # The same client, asked for every session every interval: no scheduling at all.
        counting = CountingClient(runtime.poller.client)
        all_nos = [s.session_no for s in sessions]
        seen: dict[tuple[str, str], float] = {}
        started = time.perf_counter()
        end = T0 + args.hours * 3600
        last = None
        while clock.now() < end:
            if last is None or clock.now() - last >= args.interval:
                result = await counting.fetch(all_nos)
                note_detections(seen, result.receipts, clock.now())
                last = clock.now()
            clock.advance(args.tick)
    return summarize("poll everything", counting, seen, time.perf_counter() - started)


def summarize(name: str, counting: CountingClient, seen: dict, seconds: float) -> dict:
    late = sorted(seen.values()) or [0.0]
    return {
        "name": name,
        "requests": counting.requests,
        "lookups": counting.lookups,
        "receipts": len(seen),
        "late_median": statistics.median(late),
        "late_p95": late[int(0.95 * (len(late) - 1))],
        "cpu_s": seconds,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--phones", type=int, default=3)
    parser.add_argument("--hours", type=float, default=6.0)
    parser.add_argument("--interval", type=float, default=30.0)
    parser.add_argument("--tick", type=float, default=10.0, help="simulated seconds per step")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = [await run_adaptive(args, Path(folder)), await run_naive(args, Path(folder))]
    print(
        f"{args.sessions} sessions x {args.phones} phones, {args.hours:g} simulated hours, interval {args.interval:g}s"
    )
    print(
        f"{'watcher':22} {'requests':>9} {'lookups':>9} {'receipts':>9} {'late p50':>9} {'late p95':>9} {'wall s':>7}"
    )
    for row in rows:
        print(
            f"{row['name']:22} {row['requests']:>9} {row['lookups']:>9} {row['receipts']:>9}"
            f" {row['late_median']:>8.0f}s {row['late_p95']:>8.0f}s {row['cpu_s']:>7.2f}"
        )
    adaptive, naive = rows
    print(
        f"ratio: adaptive makes {adaptive['requests'] / naive['requests']:.3f}x the requests"
        f" and {adaptive['lookups'] / naive['lookups']:.3f}x the SessionNo lookups of polling everything"
    )


if __name__ == "__main__":
    asyncio.run(main())
