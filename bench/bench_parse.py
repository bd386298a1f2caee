"""Reading answers: parse + merge of 100,000 receipts against bare ``json.loads`` of the same bytes.

The answers are the stand-in gateway's own (100 sessions of 10 phones each, every receipt
in). "parse + merge" is what a refresh does with each answer once it has landed: decode it
(:meth:`Answer.document`), check its shape and read each receipt (``receipts_of``), and merge
the batch into the sessions' state (``Poller._merge``), from fresh states each round.

    python bench/bench_parse.py [--sessions 10000] [--phones 10] [--rounds 5]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from usms_tui.api.responses import Answer
from usms_tui.api.signing import sign
from usms_tui.domain.answers import receipts_of
from usms_tui.monitor.poller import Poller, RefreshReport
from usms_tui.simulator import ManualClock, Simulator
from usms_tui.store.watchlist import Watchlist

T0 = 1_750_000_000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--phones", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    clock = ManualClock(T0)
    sim = Simulator(seed=5, clock=clock)
    created = sim.precreate(args.sessions, args.phones)
    clock.advance(72 * 3600)  # every receipt has arrived
    bodies = []
    for start in range(0, len(created), 100):
        form = sign({"Action": "GetUSMSSendReceipt", "SessionNoSet": created[start : start + 100]}, sim.credentials)
        _, _, body = sim.handle(form)
        bodies.append(body)
    receipts = sum(body.count(b'"Phone"') for body in bodies)
    with tempfile.TemporaryDirectory() as folder:
        watchlist = Watchlist(Path(folder) / "watchlist.json", clock=clock)
        watchlist.add(sim.watched_sessions(created))

        def bare() -> None:
            for body in bodies:
                json.loads(body)

        def ours() -> None:
            poller = Poller(watchlist, None, None, clock=clock)  # type: ignore[arg-type]
            poller.load()
            report = RefreshReport()
            started, cpu = time.perf_counter(), time.process_time()
            for body in bodies:
                answer = Answer({}, None, raw=body)
                poller._merge(receipts_of(answer.document("GetUSMSSendReceipt", ())), clock(), report)
            timings["ours"].append(time.perf_counter() - started)
            cpu_times["ours"].append(time.process_time() - cpu)

        timings: dict[str, list[float]] = {"bare": [], "ours": []}
        # CPU time too: on a shared machine another process's burst lengthens the wall
        # time of whichever contender it lands on, not its CPU time.
        cpu_times: dict[str, list[float]] = {"bare": [], "ours": []}
        # As a refresh does (Poller._fetch): what is loaded is frozen out of the collector's
        # walks, for both contenders alike.
        gc.collect()
        gc.freeze()
        for _ in range(args.rounds):  # interleaved, so a busy moment costs both
            started, cpu = time.perf_counter(), time.process_time()
            bare()
            timings["bare"].append(time.perf_counter() - started)
            cpu_times["bare"].append(time.process_time() - cpu)
            ours()  # times itself: building the states is not reading answers
    size = sum(map(len, bodies)) / 1e6
    bare_s, ours_s = statistics.median(timings["bare"]), statistics.median(timings["ours"])
    print(f"{len(bodies)} answers, {receipts} receipts, {size:.1f} MB; median of {args.rounds}")
    print(f"bare json.loads           {bare_s:7.3f} s  ({' '.join(f'{t:.3f}' for t in timings['bare'])})")
    print(f"parse + merge (usms-tui)  {ours_s:7.3f} s  ({' '.join(f'{t:.3f}' for t in timings['ours'])})")
    print(f"ratio: {ours_s / bare_s:.2f}x bare json.loads ({ours_s / receipts * 1e6:.2f} us a receipt)")
    bare_cpu, ours_cpu = statistics.median(cpu_times["bare"]), statistics.median(cpu_times["ours"])
    print(f"CPU time: bare {bare_cpu:.3f} s, parse + merge {ours_cpu:.3f} s: {ours_cpu / bare_cpu:.2f}x")
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
