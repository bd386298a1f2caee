"""The real UI process over a large sender's day, seen from its terminal: how long until the
first rows show, how long ``End`` and the phones view (``v``) take to appear, and the
process's RSS at the main screen and with the phones view open.

    python bench/bench_ui_scale.py [--sessions 100000] [--phones 5] [--rounds 3]

The store (watchlist and receipt cache, every receipt in and delivered) is built once in a
temporary folder; then each round starts ``usms-tui ui`` afresh in a detached tmux pane of
80x24 (a private tmux server) and watches the pane with ``capture-pane`` every few
milliseconds: a phase ends when what it waits for is on the screen a person would see. The
sessions are settled, so nothing is polled: this is the cost of the store and the screens,
not of the network. The times include tmux's own latency (a few ms per look); the RSS is the
app process's resident set read from /proc (the peak so far in parentheses).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_check import clean_env  # the same temp HOME and env as the other benches
from bench_load import BUILD

#: The targets by size: at 100,000 x 5 first rows, End and the phones view (s) and RSS (MB);
#: at 10,000 x 10 the phones view and the RSS at the main screen and with that view open.
TARGETS = {
    (100_000, 5): {"first rows": 2.0, "End": 0.2, "phones view": 0.5, "RSS main": 300, "RSS phones": 300},
    (10_000, 10): {"phones view": 0.3, "RSS main": 120, "RSS phones": 150},
}
POLL = 0.005


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def tmux(socket: str, *args: str) -> str:
    done = subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"tmux {' '.join(args[:2])} failed: {done.stderr.strip()}")
    return done.stdout


def screen(socket: str) -> str:
    return tmux(socket, "capture-pane", "-p", "-t", "bench")


def wait_for(socket: str, what: str, shown, timeout: float = 120.0) -> float:
    """Seconds until ``shown(screen)`` holds (checked every few ms), from now."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if shown(screen(socket)):
            return time.perf_counter() - start
        time.sleep(POLL)
    sys.exit(f"the UI did not show {what} within {timeout:g} s:\n{screen(socket)}")


def rss_mb(pid: int) -> tuple[float, float]:
    """The process's resident set now and its peak, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def one_round(
    folder: Path, env: dict[str, str], first_no: str, last_no: str, total: int, number: int
) -> dict[str, float]:
    # A tmux server of its own each round: one just killed may still be going away.
    socket = f"usms-bench-scale-{os.getpid()}-{number}"
    script = folder / "ui.sh"
    exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in env.items())
    script.write_text(f"{exports}exec {shlex.quote(sys.executable)} -m usms_tui ui\n")

    # The SessionNos are long; at 80 columns the tables show their start and end (abc…789).
    def showing(session_no: str):
        return lambda text: session_no[:6] in text and session_no[-5:] in text

    started = time.perf_counter()
    tmux(socket, "-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "24", "-s", "bench", f"sh {script}")
    try:
        tmux(socket, "set-option", "-g", "status", "off")
        pid = int(tmux(socket, "display-message", "-p", "-t", "bench", "#{pane_pid}").strip())
        wait_for(socket, "the first rows", showing(first_no))
        found = {"first rows": time.perf_counter() - started}
        # Rows show while the rest still load; the status line counts every phone once all are in.
        wait_for(socket, "every phone counted", lambda text: f"✓{total} " in text)
        found["all loaded"] = time.perf_counter() - started
        time.sleep(1.0)  # let the start settle (its first cycle finds nothing to poll)
        found["RSS main"], found["peak main"] = rss_mb(pid)
        tmux(socket, "send-keys", "-t", "bench", "End")
        found["End"] = wait_for(socket, "the last session after End", showing(last_no))
        tmux(socket, "send-keys", "-t", "bench", "Home")
        wait_for(socket, "the first session after Home", showing(first_no))
        time.sleep(1.0)
        tmux(socket, "send-keys", "-t", "bench", "v")
        # The phones view's title names it; its first row is a phone of the first session.
        opened = showing(first_no)
        found["phones view"] = wait_for(socket, "the phones view", lambda text: "Phones ·" in text and opened(text))
        time.sleep(1.0)
        found["RSS phones"], found["peak phones"] = rss_mb(pid)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, check=False)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--phones", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"load before: {load()} ({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        env = clean_env(folder)
        env.update(UCLOUD_PUBLIC_KEY="bench", UCLOUD_PRIVATE_KEY="bench", UCLOUD_API_BASE_URL="http://127.0.0.1:9")
        env.update(TERM="xterm-256color", COLORTERM="truecolor")
        subprocess.run([sys.executable, "-c", BUILD, str(args.sessions), str(args.phones), name], check=True)
        listed = subprocess.run(
            [sys.executable, "-m", "usms_tui", "list", "--json"], env=env, capture_output=True, text=True, check=True
        )
        session_nos = [row["session_no"] for row in json.loads(listed.stdout)["sessions"]]
        runs = [
            one_round(folder, env, session_nos[0], session_nos[-1], args.sessions * args.phones, number)
            for number in range(args.rounds)
        ]
    print(f"usms-tui ui at 80x24 over {args.sessions:,} sessions x {args.phones} phones, median of {args.rounds}")
    for key in runs[0]:
        values = [run[key] for run in runs]
        unit = "MB" if key.startswith(("RSS", "peak")) else "s"
        target = TARGETS.get((args.sessions, args.phones), {}).get(key)
        median = statistics.median(values)
        versus = f"  {median / target:.2f}x of the target {target:g} {unit}" if target else ""
        print(f"  {key:12} {median:8.2f} {unit}  ({' '.join(f'{v:.2f}' for v in values)}){versus}")
    print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
