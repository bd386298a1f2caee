"""End-to-end helpers: run ``python -m usms_tui`` in a subprocess with every file in tmp_path.

``cli(*args, input=None)`` runs the real command line; ``sim`` starts the built-in simulator
and points the same environment at it (keys and base URL), so nothing reaches the network.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

_SCRUBBED_PREFIXES = ("UCLOUD_", "USMS_TUI_", "XDG_")


@pytest.fixture
def cli_env(tmp_path) -> dict[str, str]:
    """A clean environment: no real credentials, config or data of the person running tests."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUBBED_PREFIXES)}
    home = tmp_path / "home"
    home.mkdir()
    env.update(
        HOME=str(home),
        USMS_TUI_WATCHLIST=str(tmp_path / "data" / "watchlist.json"),
        USMS_TUI_CACHE=str(tmp_path / "state" / "receipts.sqlite3"),
        USMS_TUI_CONFIG=str(tmp_path / "config" / "config.toml"),
        PYTHONIOENCODING="utf-8",
        NO_COLOR="1",
    )
    return env


@pytest.fixture
def cli(cli_env, tmp_path):
    """``run(*args, input=None, timeout=60) -> CompletedProcess`` (text, captured)."""

    def run(*args: str, input: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "usms_tui", *map(str, args)],
            env=cli_env,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=tmp_path,
        )

    run.env = cli_env
    run.watchlist = tmp_path / "data" / "watchlist.json"
    run.cache = tmp_path / "state" / "receipts.sqlite3"
    return run


@pytest.fixture
def make_sim(cli_env):
    """``make_sim(scenario=None, seed=7)`` -> a running SimulatorServer the ``cli`` env points at.

    Its clock is a ManualClock starting at the real now (the CLI ages sessions by the real
    clock), so a test moves simulated time with ``server.clock.advance(seconds)``.
    """
    pytest.importorskip("usms_tui.simulator.server")
    import time

    from usms_tui.simulator import ManualClock, Simulator, SimulatorServer

    servers = []

    def make(scenario=None, seed: int = 7):
        simulator = Simulator(seed=seed, clock=ManualClock(time.time()), scenario=scenario)
        server = SimulatorServer(simulator).start()
        servers.append(server)
        cli_env.update(
            UCLOUD_PUBLIC_KEY=server.public_key,
            UCLOUD_PRIVATE_KEY=server.private_key,
            UCLOUD_API_BASE_URL=server.base_url,
        )
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def sim(make_sim):
    """A running simulator with the default scenario; the ``cli`` env signs with its keys."""
    return make_sim()


@pytest.fixture
def closed_port_url() -> str:
    """An http://127.0.0.1 URL nothing listens on: any network call would fail loudly."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
