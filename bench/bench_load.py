"""What the UI and every command pay before they show anything: the watchlist and the
receipt cache read back (``Poller.load``) and a summary of every session, at a large
sender's day, beside the UI's target of first rows within 2 s. Each round is a fresh
process; its peak RSS is printed too.

    python bench/bench_load.py [--sessions 100000] [--phones 5] [--rounds 3]

The store is built once in a temporary folder (every receipt in, delivered), then each
round loads it cold in a new interpreter. The machine's load is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

TARGET_SECONDS = 2.0
T0 = 1_750_000_000.0

BUILD = f"""
import sys
from pathlib import Path
from usms_tui.domain.receipts import Receipt
from usms_tui.simulator import ManualClock, Simulator
from usms_tui.store.cache import ReceiptCache
from usms_tui.store.watchlist import Watchlist
sessions, phones, folder = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
clock = ManualClock({T0})
sim = Simulator(seed=5, clock=clock)
watchlist = Watchlist(folder / "watchlist.json", clock=clock)
watchlist.add(sim.watched_sessions(sim.precreate(sessions, phones)))
cache = ReceiptCache(folder / "cache.sqlite3")
entries = watchlist.sessions()
def delivered(phone):
    return Receipt.from_api({{"Phone": phone, "ReceiptResult": "Success", "ReceiptCode": "DELIVRD",
        "ReceiptDesc": "用户接收成功", "CostCount": 1, "ReceiptTime": int({T0}) + 100, "UserId": ""}})
for start in range(0, len(entries), 1000):
    batch = entries[start:start + 1000]
    cache.store_results({{e.session_no: [delivered(p) for p in e.phones] for e in batch}}, {T0},
        {{e.session_no: e.phones for e in batch}})
cache.close()
"""

LOAD = f"""
import json, resource, sys, time
started = time.perf_counter()
from pathlib import Path
from usms_tui.monitor.poller import Poller
from usms_tui.store.cache import ReceiptCache
from usms_tui.store.watchlist import Watchlist
folder = Path(sys.argv[1])
# A fixed clock, not the simulator's: a start does not import the simulator (0.1 s of imports).
clock = lambda: {T0} + 3600
imported = time.perf_counter()
poller = Poller(Watchlist(folder / "watchlist.json", clock=clock), ReceiptCache(folder / "cache.sqlite3"), None, clock=clock)
poller.load()
loaded = time.perf_counter()
summaries = poller.summaries()
done = time.perf_counter()
print(json.dumps({{"imports": imported - started, "load": loaded - imported, "summaries": done - loaded,
    "total": done - started, "sessions": len(summaries), "phones": sum(s.total for s in summaries),
    "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def load_text() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--phones", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"load before: {load_text()} ({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory() as name:
        subprocess.run([sys.executable, "-c", BUILD, str(args.sessions), str(args.phones), name], check=True)
        runs = []
        for _ in range(args.rounds):
            done = subprocess.run([sys.executable, "-c", LOAD, name], check=True, capture_output=True, text=True)
            runs.append(json.loads(done.stdout))
    first = runs[0]
    print(f"{first['sessions']} sessions, {first['phones']} phones; median of {args.rounds} fresh processes")
    for key, unit in (("imports", "s"), ("load", "s"), ("summaries", "s"), ("total", "s"), ("rss_mb", "MB")):
        values = [run[key] for run in runs]
        shown = " ".join(f"{v:.2f}" for v in values)
        print(f"{key:10} {statistics.median(values):8.2f} {unit:2}  ({shown})")
    total = statistics.median(run["total"] for run in runs)
    print(f"total vs the UI's first-rows target of {TARGET_SECONDS:g} s: {total / TARGET_SECONDS:.2f}x")
    print(f"load after: {load_text()}")


if __name__ == "__main__":
    main()
