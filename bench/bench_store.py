"""The watchlist store at scale: ``add`` of one session as a process vs ``--version`` as a
process, in-process add/remove of one session at 100 vs N sessions, a full load, and the
one-time move of a JSON watchlist of N sessions. All side by side in one run.

    python bench/bench_store.py [--sessions 100000] [--phones 5] [--repeat 5]

Every figure is the median of ``--repeat`` runs; the machine's load is printed first, as
the machine is shared and a busy neighbour moves every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from usms_tui.store.watchlist import WatchedSession, Watchlist

NOW = 1_796_025_600.0


def sessions(count: int, phones: int, prefix: str = "usms-bench") -> list[WatchedSession]:
    return [
        WatchedSession(
            f"{prefix}-{i:07d}",
            label=f"batch {i % 97}",
            added_at=NOW - i,
            sent_at=NOW - i - 60,
            phones=tuple(f"138{i:05d}{p:03d}" for p in range(phones)),
        )
        for i in range(count)
    ]


def median_of(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def clean_env(folder: Path, watchlist: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UCLOUD_", "USMS_TUI_", "XDG_"))}
    env.update(
        HOME=str(folder / "home"),
        USMS_TUI_WATCHLIST=str(watchlist),
        USMS_TUI_CACHE=str(folder / "state" / "receipts.sqlite3"),
        USMS_TUI_CONFIG=str(folder / "config" / "config.toml"),
    )
    return env


def run(env: dict[str, str], *args: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "usms_tui", *args], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"usms-tui {' '.join(args)} failed: {out.stderr.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--phones", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"machine load (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} CPUs")
    print(f"{args.sessions:,} sessions x {args.phones} phones, median of {args.repeat}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "home").mkdir()
        big = folder / "big" / "watchlist.json"
        small = folder / "small" / "watchlist.json"
        many = sessions(args.sessions, args.phones)
        start = time.perf_counter()
        Watchlist(big).add(many)
        print(f"  fill (one add of {args.sessions:,}): {time.perf_counter() - start:.2f} s")
        Watchlist(small).add(many[:100])
        db_size = os.stat(Watchlist(big).path).st_size

        # -- as processes: what a shell script adding sessions one by one pays ------------
        env = clean_env(folder, big)
        counter = iter(range(10**9))
        version = median_of(args.repeat, lambda: run(env, "--version"))
        add = median_of(args.repeat, lambda: run(env, "add", f"one-more-{next(counter)}"))
        remove = median_of(args.repeat, lambda: run(env, "remove", f"one-more-{next(counter) % args.repeat}"))
        print(
            f"  process: --version {version * 1000:.0f} ms; add one {add * 1000:.0f} ms ({add / version:.2f}x); "
            f"remove one {remove * 1000:.0f} ms ({remove / version:.2f}x)  [target add <= 3x]"
        )

        # -- in process: one session's change at 100 vs N sessions ------------------------
        results = {}
        for name, path in (("100", small), (f"{args.sessions:,}", big)):
            wl = Watchlist(path)
            wl.check()
            ids = iter(range(10**9))
            results[name] = (
                median_of(
                    args.repeat, lambda wl=wl, ids=ids: wl.add([WatchedSession(f"x-{next(ids)}", phones=("1",))])
                ),
                median_of(args.repeat, lambda wl=wl, ids=ids: wl.remove([f"x-{next(ids) % args.repeat}"])),
            )
        (a_small, r_small), (a_big, r_big) = results.values()
        print(
            f"  in process: add one at 100 / {args.sessions:,}: {a_small * 1000:.1f} / {a_big * 1000:.1f} ms "
            f"({a_big / a_small:.2f}x); remove one: {r_small * 1000:.1f} / {r_big * 1000:.1f} ms "
            f"({r_big / r_small:.2f}x)  [target ~1x]"
        )

        # -- reading everything, and the database's size vs the JSON it replaces -----------
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        loaded = median_of(args.repeat, lambda: Watchlist(big).load())
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            f"  load every session: {loaded:.2f} s; database {db_size / 1e6:.1f} MB; "
            f"peak RSS now {after / 1024:.0f} MB (was {before / 1024:.0f} MB before loading)"
        )

        # -- the one-time move of an old JSON watchlist -----------------------------------
        def migrate_once() -> None:
            target = folder / f"m{next(counter)}" / "watchlist.json"
            target.parent.mkdir()
            target.write_text(legacy)
            Watchlist(target).check()

        legacy = json.dumps(
            {
                "version": 1,
                "sessions": [
                    {"session_no": s.session_no, "label": s.label, "added_at": s.added_at, "phones": list(s.phones)}
                    for s in many
                ],
            }
        )
        print(
            f"  first use of a {len(legacy) / 1e6:.1f} MB JSON watchlist (the move): {median_of(3, migrate_once):.2f} s"
        )


if __name__ == "__main__":
    main()
