"""Regenerate the README's screenshots from the real app on demo data.

    python screenshots/make_screenshots.py            # writes screenshots/*.svg

The app is the one ``usms-tui demo`` opens (same seed, labels and simulator), but its clock
is frozen and HTTP goes through the simulator's mock transport, so the pictures are the same
on every machine and every run. Times are shown in UTC.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

os.environ["TZ"] = "UTC"
time.tzset()

from usms_tui.cli.demo import fill_watchlist
from usms_tui.monitor.runtime import Runtime
from usms_tui.simulator import ManualClock, Simulator
from usms_tui.tui.app import make_app

HERE = Path(__file__).resolve().parent
#: 2026-11-30 08:00:00 UTC.
NOW = 1_796_025_600.0

#: (file name, terminal size, keys pressed after the first refresh)
SHOTS: tuple[tuple[str, tuple[int, int], Sequence[str]], ...] = (
    ("main-80x24.svg", (80, 24), ()),
    ("main-wide.svg", (200, 50), ("down", "down", "down", "down", "down", "down")),
    ("main-60x15.svg", (60, 15), ()),
    ("phones.svg", (120, 32), ("v",)),
    ("failures.svg", (120, 32), ("f",)),
    ("help.svg", (100, 40), ("question_mark",)),
)


def demo_runtime(folder: Path, sessions: int = 24, phones: int = 4, seed: int = 1) -> Runtime:
    """The demo's data with a frozen clock: some receipts still to come, some overdue."""
    clock = ManualClock(NOW)
    sim = Simulator(seed=seed, clock=clock)
    session_nos = sim.precreate(sessions, phones)
    watchlist = fill_watchlist(folder / "watchlist.json", sim, session_nos, clock=clock)
    return Runtime.offline(sim, watchlist, clock, folder)


async def shoot(name: str, size: tuple[int, int], keys: Sequence[str], out: Path) -> Path:
    """Run the app headless at ``size``, press ``keys``, save the SVG as ``out/name``."""
    with tempfile.TemporaryDirectory() as tmp:
        async with (
            demo_runtime(Path(tmp)) as runtime,
            make_app(runtime, {"COLORTERM": "truecolor"}).run_test(size=size) as pilot,
        ):
            app = pilot.app
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.clear_notifications()
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            await pilot.pause()
            path = out / name
            path.write_text(app.export_screenshot(title=f"usms-tui {size[0]}x{size[1]}"), encoding="utf-8")
    return path


async def main(out: Path = HERE) -> list[Path]:
    """Write every screenshot; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    return [await shoot(name, size, keys, out) for name, size, keys in SHOTS]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for written in asyncio.run(main(target)):
        print(written)
