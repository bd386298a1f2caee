"""How long the simulator takes to answer a 100-session receipt query over 10,000 sessions.

Measures server time only (``Simulator.handle``: signature check, lookup, JSON encoding),
with ``time.perf_counter``. Usage::

    python bench/bench_simulator.py [--sessions 10000] [--phones 5] [--queries 500]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from usms_tui.api.signing import sign
from usms_tui.simulator import ManualClock, Simulator, SimulatorServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--phones", type=int, default=5)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--socket", action="store_true", help="also time round trips over loopback HTTP")
    args = parser.parse_args()

    sim = Simulator(seed=0, clock=ManualClock(1_750_000_000.0))
    started = time.perf_counter()
    session_nos = sim.precreate(args.sessions, args.phones)
    precreate_s = time.perf_counter() - started

    rng = random.Random(1)
    forms = [
        sign({"Action": "GetUSMSSendReceipt", "SessionNoSet": rng.sample(session_nos, args.batch)}, sim.credentials)
        for _ in range(args.queries)
    ]
    for form in forms[:20]:  # warm up
        sim.handle(form)
    timings = []
    receipts = 0
    for form in forms:
        started = time.perf_counter()
        status, _, body = sim.handle(form)
        timings.append((time.perf_counter() - started) * 1000)
        assert status == 200 and body.startswith(b'{"RetCode":0')
        receipts += body.count(b'"Phone"')
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"precreate {args.sessions} sessions x {args.phones} phones: {precreate_s:.2f} s")
    print(
        f"{args.queries} queries of {args.batch} sessions ({receipts / args.queries:.0f} receipts each): "
        f"median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, max {timings[-1]:.2f} ms"
    )

    if args.socket:
        import httpx

        with SimulatorServer(sim) as server, httpx.Client(base_url=server.base_url) as client:
            trips = []
            for form in forms:
                started = time.perf_counter()
                client.post("/", data=form).raise_for_status()
                trips.append((time.perf_counter() - started) * 1000)
        trips.sort()
        print(
            f"loopback HTTP round trips (httpx client, keep-alive): median {statistics.median(trips):.2f} ms, "
            f"p95 {trips[int(len(trips) * 0.95) - 1]:.2f} ms"
        )


if __name__ == "__main__":
    main()
