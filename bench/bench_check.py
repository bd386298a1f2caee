"""``check --json`` against the stand-in gateway on loopback, side by side with what else one
could run: a naive httpx script (``naive_check.py``) and the official SDK looping the batches
(``sdk_check.py``). Every contender is a process, cold cache, same gateway, same sessions.

    python bench/bench_check.py [--sessions 10000] [--phones 10] [--latency-ms 50] [--rounds 3]

The physical limit is ceil(N/100)/C x latency: the waves of requests a client with C
connections must wait for, with zero cost for everything else. The gateway (``usms-tui
simulate``) runs in its own process; its own time per request is read from the
``Server-Timing`` header of a few probes and printed, so a slow stand-in shows as such.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from usms_tui.api.signing import sign
from usms_tui.domain.credentials import Credentials
from usms_tui.simulator import DEMO_PRIVATE_KEY

HERE = Path(__file__).resolve().parent
CONCURRENCY = 4


def start_gateway(args: argparse.Namespace, folder: Path) -> tuple[subprocess.Popen[str], dict]:
    command = [sys.executable, "-m", "usms_tui", "simulate", "--port", "0", "--seed", "1"]
    command += ["--sessions", str(args.sessions), "--phones", str(args.phones), "--latency-ms", str(args.latency_ms)]
    command += ["--sessions-file", str(folder / "sessions.txt")]
    gateway = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=clean_env(folder))
    assert gateway.stdout is not None
    return gateway, json.loads(gateway.stdout.readline())


def clean_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UCLOUD_", "USMS_TUI_", "XDG_"))}
    env.update(
        HOME=str(folder),
        USMS_TUI_WATCHLIST=str(folder / "watchlist.json"),
        USMS_TUI_CACHE=str(folder / "cache.sqlite3"),
        USMS_TUI_CONFIG=str(folder / "config.toml"),
    )
    return env


def server_ms(info: dict, session_nos: list[str], probes: int = 20) -> float:
    """Median of the gateway's own time per 100-session answer (its Server-Timing header)."""
    credentials = Credentials(info["public_key"], DEMO_PRIVATE_KEY)
    times = []
    with httpx.Client(base_url=info["base_url"]) as client:
        for index in range(probes):
            batch = session_nos[(index * 100) % len(session_nos) :][:100]
            response = client.post("/", data=sign({"Action": "GetUSMSSendReceipt", "SessionNoSet": batch}, credentials))
            timing = response.headers.get("Server-Timing", "")
            if "dur=" in timing:
                times.append(float(timing.split("dur=")[1].split(",")[0]))
    return statistics.median(times) if times else math.nan


def compile_package() -> None:
    """Write usms_tui's bytecode, as ``pip install`` does for an installed package. A checkout
    installed editable, run with PYTHONDONTWRITEBYTECODE=1, otherwise compiles every module
    from source at every run (0.1 s of a check), while httpx, which every contender imports,
    has its bytecode from pip."""
    import usms_tui

    folder = str(Path(usms_tui.__file__).parent)
    subprocess.run([sys.executable, "-m", "compileall", "-q", folder], check=True, capture_output=True)


def timed(command: list[str], env: dict[str, str], cache: Path) -> tuple[float, int]:
    cache.unlink(missing_ok=True)  # cold: nothing known before the run
    for extra in ("-wal", "-shm"):
        Path(f"{cache}{extra}").unlink(missing_ok=True)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 7):
        sys.exit(f"{command[:4]} failed ({done.returncode}): {done.stderr.decode()[-400:]}")
    return seconds, len(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--phones", type=int, default=10)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-sdk", action="store_true", help="leave out the official SDK (slow)")
    parser.add_argument("--no-compile", action="store_true", help="leave usms_tui's bytecode as it is")
    args = parser.parse_args()
    print(f"load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    if not args.no_compile:
        compile_package()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        gateway, info = start_gateway(args, folder)
        try:
            env = clean_env(folder)
            env.update(
                UCLOUD_PUBLIC_KEY=info["public_key"],
                UCLOUD_PRIVATE_KEY=DEMO_PRIVATE_KEY,
                UCLOUD_API_BASE_URL=info["base_url"],
            )
            added = subprocess.run(
                [sys.executable, "-m", "usms_tui", "add", "--from", info["import_file"]],
                env=env,
                capture_output=True,
                check=False,
            )
            assert added.returncode == 0, added.stderr
            session_nos = Path(info["sessions_file"]).read_text().split()
            keys = [info["base_url"], info["public_key"], DEMO_PRIVATE_KEY, info["sessions_file"]]
            contenders = {
                "usms-tui check --json": [sys.executable, "-m", "usms_tui", "check", "--json"],
                "naive httpx script": [sys.executable, str(HERE / "naive_check.py"), *keys],
            }
            # The same command with no receipt cache (an unusable cache path: check warns and
            # goes on without it): the fetch and the output alone, without the store's cost.
            (folder / "a-file").write_text("")
            no_cache = {**env, "USMS_TUI_CACHE": str(folder / "a-file" / "cache.sqlite3")}
            contenders["check --json, no cache"] = contenders["usms-tui check --json"]
            envs = {"check --json, no cache": no_cache}
            if not args.no_sdk:
                contenders["official SDK, batches in turn"] = [sys.executable, str(HERE / "sdk_check.py"), *keys]
            # One untimed pass: the gateway encodes each session's answer once, as a real one
            # has it at hand; every contender then meets the same warm gateway.
            timed(contenders["naive httpx script"], env, folder / "cache.sqlite3")
            check_check = subprocess.run(
                contenders["usms-tui check --json"], env=no_cache, capture_output=True, check=False
            )
            assert b"without the cache" in check_check.stderr, check_check.stderr
            runs: dict[str, list[float]] = {name: [] for name in contenders}
            sizes: dict[str, int] = {}
            for _ in range(args.rounds):
                for name, command in contenders.items():
                    seconds, sizes[name] = timed(command, envs.get(name, env), folder / "cache.sqlite3")
                    runs[name].append(seconds)
            per_request = server_ms(info, session_nos)
        finally:
            gateway.terminate()
            gateway.wait()
    limit = math.ceil(args.sessions / 100) / CONCURRENCY * args.latency_ms / 1000
    check = statistics.median(runs["usms-tui check --json"])
    print(
        f"{args.sessions} SessionNos x {args.phones} phones, gateway latency {args.latency_ms:g} ms, "
        f"concurrency {CONCURRENCY}, cold cache, median of {args.rounds}"
    )
    print(f"gateway's own time per 100-session answer (Server-Timing, median of 20): {per_request:.2f} ms")
    print(f"physical limit ceil(N/100)/C x latency: {limit:.3f} s")
    print(f"{'contender':32} {'median s':>9} {'runs':>24} {'stdout MB':>10} {'vs limit':>9} {'vs check':>9}")
    for name, values in runs.items():
        median = statistics.median(values)
        shown = " ".join(f"{v:.2f}" for v in values)
        print(
            f"{name:32} {median:9.3f} {shown:>24} {sizes[name] / 1e6:10.1f} {median / limit:8.2f}x {median / check:8.2f}x"
        )
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
