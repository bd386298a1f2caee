"""Start-up: ``usms-tui --version`` and ``usms-tui check --help`` against ``python -c pass``,
each as a fresh process of the same interpreter, interleaved, median of ``--rounds``.

    python bench/bench_startup.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    print(f"load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    script = shutil.which("usms-tui") or sys.exit("usms-tui is not installed in this environment")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "usms-tui --version": [script, "--version"],
        "usms-tui check --help": [script, "check", "--help"],
        "usms-tui --help": [script, "--help"],
    }
    runs: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, command in commands.items():
            started = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
            runs[name].append(time.perf_counter() - started)
    base = statistics.median(runs["python -c pass"])
    print(f"median of {args.rounds}, each a fresh process")
    for name, values in runs.items():
        median = statistics.median(values)
        print(f"{name:24} {median * 1000:7.1f} ms  {median / base:5.2f}x python -c pass")
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
