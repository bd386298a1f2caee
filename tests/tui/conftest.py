"""The real app over the simulator, with a hand-moved clock: no sockets, no sleeping.

``make_test_app`` builds exactly what ``usms-tui`` builds (a ``Runtime`` with settings,
ReceiptClient, Watchlist, Poller and controller, then ``make_app``), except that the runtime
is the offline one: HTTP goes to ``Simulator.mock_transport()`` and time is a
``ManualClock`` shared by the simulator, the poller and the app. Every runtime a test opens
is closed after it.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.worker import WorkerCancelled

from usms_tui.monitor.poller import Poller
from usms_tui.monitor.runtime import Runtime
from usms_tui.simulator import ManualClock, Simulator
from usms_tui.store.watchlist import WatchedSession, Watchlist
from usms_tui.tui.app import UsmsApp, make_app

# Local times in cells and snapshots must not depend on the machine's zone.
os.environ["TZ"] = "UTC"
time.tzset()

#: 2026-11-30 08:00:00 UTC: every test sees the same "now".
NOW = 1_796_025_600.0

#: The terminal every test runs in unless it says otherwise: 24-bit colour, so the start
#: theme (and every snapshot) does not depend on the TERM of the shell running the tests.
TRUECOLOR = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}


@dataclass
class Rig:
    """What a test may poke at besides the app."""

    sim: Simulator
    clock: ManualClock
    watchlist: Watchlist
    poller: Poller
    session_nos: list[str]
    runtime: Runtime


def make_test_app(
    tmp_path: Path,
    *,
    sessions: int = 6,
    phones: int = 4,
    seed: int = 7,
    extra: list[WatchedSession] | None = None,
    known_phones: bool = True,
    fresh: bool = True,
    settings: dict[str, Any] | None = None,
    clock: ManualClock | None = None,
    environ: dict[str, str] | None = None,
) -> UsmsApp:
    """The app on ``sessions`` precreated simulator sessions (all states, one overdue) plus,
    with ``fresh``, one sent at NOW whose receipts are still to come.

    The rig (simulator, clock, watchlist, poller) is at ``app.rig``. ``environ`` is the
    terminal's (default :data:`TRUECOLOR`); the UI's state file is in ``tmp_path``.
    """
    clock = clock or ManualClock(NOW)
    sim = Simulator(seed=seed, clock=clock)
    session_nos = sim.precreate(sessions, phones)
    if fresh:
        # One message sent "now": its receipts arrive ~10 s later on the manual clock.
        session_nos.append(sim.send(["13800000001", "13800000002", "13800000003"]))
    watchlist = Watchlist(tmp_path / "watchlist.json", clock=clock)
    entries = sim.watched_sessions(
        session_nos, label=lambda n: f"batch {n + 1}" if n % 2 == 0 else "", known_phones=known_phones
    )
    watchlist.add(entries + list(extra or []))
    runtime = Runtime.offline(sim, watchlist, clock, tmp_path, **(settings or {}))
    _opened.append(runtime)
    app = make_app(runtime, TRUECOLOR if environ is None else environ)
    app.rig = Rig(sim, clock, watchlist, app.poller, session_nos, runtime)
    return app


#: Runtimes made by this test, closed when it ends (the app never closes what it was given).
_opened: list[Runtime] = []


@pytest.fixture(autouse=True)
async def _close_runtimes():
    yield
    while _opened:
        await _opened.pop().aclose()


async def settle(app: UsmsApp, pilot) -> None:
    """Let the refresh worker and every message it caused finish (never sleeps)."""
    # A worker's end posts messages that start other workers (a cycle's answers start the
    # main screen's pass over its rows): wait until a pause leaves none running.
    for _ in range(10):
        # An exclusive worker replaced by a newer one (the main screen's pass over its rows,
        # when the first answers come while it runs) is cancelled: the newer one is waited
        # for on the next round.
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            return


@pytest.fixture
def test_app(tmp_path):
    """The default app: 6 sessions of 4 phones and a fresh send, over the simulator at NOW."""
    return make_test_app(tmp_path)


def screen_text(app) -> str:
    """What the terminal shows now, as plain text (for asserting on visible output)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True, record=True, legacy_windows=False
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()
