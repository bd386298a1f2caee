"""Bytes the idle UI writes to its terminal, at 80x24 over 1,000 pending sessions.

    python bench/bench_idle_bytes.py [--sessions 1000] [--seconds 60] [--windows 3] [--dump DIR]

The real program in a real terminal: ``usms-tui simulate`` (a process, loopback) is the
gateway, the sessions are added with ``add --from`` and ``usms-tui`` runs in a detached tmux
session of 80x24 (a private tmux server, so nothing else's panes are touched). Once its first
refresh is on screen and it has settled, ``tmux pipe-pane`` copies everything the program
writes to the pane into a file for ``--seconds``; that is repeated ``--windows`` times and the
median is reported as bytes per minute. Nothing changes during a window but the clock: the
refreshes (every 30 s, the default) bring the same answers, so every byte is the cost of
being idle, which over SSH is bandwidth and latency.

The sessions stay pending: they are SessionNos the gateway never sent, which it answers with
an empty ReceiptSet (as it does every session without a receipt yet). They were "sent" from
one minute to about eleven hours ago, so the ages on screen read in minutes and hours.
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
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_check import clean_env  # the same temp HOME and env as the other benches

from usms_tui.simulator import DEMO_PRIVATE_KEY


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def write_import_file(path: Path, sessions: int, phones: int, now: float) -> None:
    """``sessions`` SessionNos the gateway has never seen (pending forever), JSON lines."""
    with path.open("w", encoding="utf-8") as handle:
        for index in range(sessions):
            entry = {
                "session_no": str(uuid.UUID(int=index + 1, version=4)),
                "sent_at": now - 60 - index * 40,
                "phones": [f"138{index:04d}{p:04d}" for p in range(phones)],
            }
            handle.write(json.dumps(entry) + "\n")


def tmux(socket: str, *args: str, check: bool = True) -> str:
    done = subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        sys.exit(f"tmux {' '.join(args[:2])} failed: {done.stderr.strip()}")
    return done.stdout


def wait_for(socket: str, words: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = tmux(socket, "capture-pane", "-p", "-t", "bench")
        if words in screen:
            return screen
        time.sleep(0.2)
    sys.exit(
        f"the UI did not show {words!r} within {timeout:g} s:\n{tmux(socket, 'capture-pane', '-p', '-t', 'bench')}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--phones", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each window")
    parser.add_argument("--windows", type=int, default=3, help="windows measured (median reported)")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds after the first refresh before measuring")
    parser.add_argument("--dump", type=Path, default=None, help="keep each window's bytes in this folder")
    args = parser.parse_args()
    print(f"load before: {load()} ({os.cpu_count()} CPUs)")
    socket = f"usms-bench-{os.getpid()}"
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        env = clean_env(folder)
        command = [sys.executable, "-m", "usms_tui", "simulate", "--port", "0", "--sessions", "0"]
        gateway = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
        assert gateway.stdout is not None
        info = json.loads(gateway.stdout.readline())
        try:
            env.update(
                UCLOUD_PUBLIC_KEY=info["public_key"],
                UCLOUD_PRIVATE_KEY=DEMO_PRIVATE_KEY,
                UCLOUD_API_BASE_URL=info["base_url"],
                # What a modern terminal over SSH announces: the longest colour escapes.
                TERM="xterm-256color",
                COLORTERM="truecolor",
            )
            import_file = folder / "pending.jsonl"
            write_import_file(import_file, args.sessions, args.phones, time.time())
            added = subprocess.run(
                [sys.executable, "-m", "usms_tui", "add", "--from", str(import_file)],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if added.returncode != 0:
                sys.exit(f"add --from failed: {added.stderr}")
            script = folder / "ui.sh"
            exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in env.items())
            script.write_text(f"{exports}exec {shlex.quote(sys.executable)} -m usms_tui ui\n")
            tmux(socket, "-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "24", "-s", "bench", f"sh {script}")
            try:
                tmux(socket, "set-option", "-g", "status", "off")  # the pane is the whole 80x24
                wait_for(socket, "API ✓ ok", timeout=60)
                time.sleep(args.settle)
                sizes = []
                for window in range(args.windows):
                    out = folder / f"window-{window}.bytes"
                    out.touch()
                    tmux(socket, "pipe-pane", "-o", "-t", "bench", f"cat >> {shlex.quote(str(out))}")
                    time.sleep(args.seconds)
                    tmux(socket, "pipe-pane", "-t", "bench")  # closes the pipe
                    time.sleep(0.2)  # cat drains what it already read
                    data = out.read_bytes()
                    sizes.append(len(data) * 60 / args.seconds)
                    if args.dump:
                        args.dump.mkdir(parents=True, exist_ok=True)
                        (args.dump / out.name).write_bytes(data)
                    print(f"  window {window + 1}: {len(data):,} bytes in {args.seconds:g} s")
                screen = tmux(socket, "capture-pane", "-p", "-t", "bench")
            finally:
                tmux(socket, "kill-server", check=False)
        finally:
            gateway.terminate()
            gateway.wait()
    rows = sum(1 for line in screen.splitlines() if line.strip())
    print(
        f"idle UI at 80x24, {args.sessions:,} pending sessions x {args.phones} phones, refresh every 30 s "
        f"(default), TERM=xterm-256color COLORTERM=truecolor; {rows} non-blank rows on screen"
    )
    median = statistics.median(sizes)
    target = 10 * 1024
    print(
        f"bytes per minute: median {median / 1024:.1f} KB of {len(sizes)} windows of {args.seconds:g} s "
        f"({' '.join(f'{s / 1024:.1f}' for s in sizes)} KB); target <= 10 KB: {median / target:.2f}x of it"
    )
    print(f"load after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
