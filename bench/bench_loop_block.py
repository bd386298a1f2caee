"""The longest the UI's event loop is blocked (no key read, no frame drawn) during a full
refresh and while each view opens, at 10,000 sessions x 10 phones and 100,000 x 5.

    python bench/bench_loop_block.py [--sessions 10000] [--phones 10] [--big 100000] [--big-phones 5]
                                     [--repeat 3] [--no-big]

The real app (``make_app`` over a ``Runtime``: the real Poller, controller, watchlist store
and receipt cache) runs headless at 80x24 over a fake fetcher that answers batches of 100
from memory, one after another with a 2 ms pause (the network) in between, and hands each
batch on as it lands as the real client does. The fake's answers are ready-made receipts, so
the cost of parsing JSON (the client's, not the UI's) is not in these figures.

A ticker task asks to wake every 5 ms and records how late it was woken; a phase's figure is
the worst lateness while it ran, until the app was idle again. Target: <= 50 ms. A view with
a table (phones, failures) also has its "until rows": from the key until the view's table
first has rows (or says it has none), which comes before the idle the phase waits for.

The 100,000-session run starts from a pre-filled receipt cache (as the UI does after the
first day: every session checked a moment ago, nothing due), so it measures the UI over
100,000 sessions, not 1,000 answers; its refresh phase forces one anyway unless --no-big-refresh.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_tui import NOW, Ticker, idle, receipt  # the same clock, ticker and idle wait
from textual.pilot import WaitForScreenTimeout

from usms_tui.api.client import FetchResult
from usms_tui.config.settings import Settings
from usms_tui.domain.receipts import Receipt
from usms_tui.monitor.runtime import Runtime
from usms_tui.store.cache import ReceiptCache
from usms_tui.store.watchlist import WatchedSession, Watchlist
from usms_tui.tui.app import make_app
from usms_tui.tui.screens.main import MainScreen
from usms_tui.tui.widgets.session_table import SessionTable

SIZE = (80, 24)
TARGET = 0.050
#: The views and the key that opens each from the main screen (Esc comes back).
VIEWS = (("phones view (v)", "v"), ("failures (f)", "f"), ("events (E)", "E"), ("help (?)", "question_mark"),
         ("session detail (Enter)", "enter"))  # fmt: skip


async def settle(pilot) -> None:
    """Until the app is idle (as ``idle``), waiting on when Pilot's own wait times out."""
    for _ in range(100):
        try:
            await idle(pilot)
            return
        except WaitForScreenTimeout:
            continue
    raise RuntimeError("the app never became idle")


class StreamingFetcher:
    """Answers batches of 100 from a dict, each handed on as it lands (like ReceiptClient)."""

    def __init__(self, pause: float = 0.002) -> None:
        self.receipts: dict[str, list[Receipt]] = {}
        self.phones: dict[str, tuple[str, ...]] = {}
        self.pause = pause
        self.requests = 0

    async def fetch(self, session_nos: Iterable[str], *, on_batch=None, **_options) -> FetchResult:
        nos = list(dict.fromkeys(session_nos))
        result = FetchResult()
        for start in range(0, len(nos), 100):
            await asyncio.sleep(self.pause)
            found = {no: list(self.receipts.get(no, ())) for no in nos[start : start + 100]}
            result.receipts.update(found)
            result.requests += 1
            if on_batch is not None:
                await on_batch(found)
        self.requests += result.requests
        return result


class GcWatch:
    """The longest garbage collection (any generation) since the last reset: the part of a
    block that is Python's collector walking the heap, not the app's own work."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._began = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.worst = max(self.worst, time.perf_counter() - self._began)

    def reset(self) -> None:
        self.worst = 0.0

    def stop(self) -> None:
        gc.callbacks.remove(self._on_gc)


def build(folder: Path, sessions: int, phones: int) -> tuple[Watchlist, StreamingFetcher, list[str]]:
    """The watchlist (in its store) and the fetcher's answers: most phones delivered, every
    tenth failed, every seventh still pending, the rest of the states as a real day has them."""
    watchlist = Watchlist(folder / "watchlist.json", clock=lambda: NOW)
    fetcher = StreamingFetcher()
    entries = []
    for i in range(sessions):
        no = f"bench-{i:06d}-{'x' * 20}"
        phone_list = tuple(f"13{i % 10}{i:05d}{p:03d}"[-11:] for p in range(phones))
        sent = NOW - 120 - i * 3
        entries.append(
            WatchedSession(no, label=f"batch {i}" if i % 3 else "", added_at=sent, sent_at=sent, phones=phone_list)
        )
        answers = []
        for p, phone in enumerate(phone_list):
            if (i + p) % 7 == 0:
                continue  # no receipt yet
            answers.append(receipt(phone, "Fail" if (i + p) % 10 == 0 else "Success", sent + 5 + p))
        fetcher.receipts[no] = answers
        fetcher.phones[no] = phone_list
    for start in range(0, len(entries), 10_000):
        watchlist.add(entries[start : start + 10_000])
    return watchlist, fetcher, [e.session_no for e in entries]


def change(fetcher: StreamingFetcher, session_nos: list[str], share: float) -> int:
    """Give a receipt to the first still pending phone of ``share`` of the sessions."""
    step = max(1, round(1 / share))
    changed = 0
    for index in range(0, len(session_nos), step):
        no = session_nos[index]
        answered = {r.phone for r in fetcher.receipts[no]}
        pending = [phone for phone in fetcher.phones[no] if phone not in answered]
        if pending:
            fetcher.receipts[no] = [*fetcher.receipts[no], receipt(pending[0], "Success", NOW)]
            changed += 1
    return changed


Row = tuple[str, float, float, float, float, float | None]
# phase, until idle, longest block, longest collection, RSS, until rows (None: no table)


class RowsWatch:
    """When the screen on top (not the main one) first shows rows in its ``table``, or says
    it has none: a view is usable then, before the app has gone idle. Looks every 1 ms."""

    def __init__(self, app) -> None:
        self.app = app
        self.at: float | None = None
        self._task: asyncio.Task | None = None

    def _shown(self) -> bool:
        screen = self.app.screen
        table = getattr(screen, "table", None)
        if isinstance(screen, MainScreen) or table is None:
            return False
        return table.row_count > 0 or screen.has_class("-empty")

    async def _run(self, began: float) -> None:
        while not self._shown():
            await asyncio.sleep(0.001)
        self.at = time.perf_counter() - began

    def start(self, began: float) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(began))

    def stop(self) -> float | None:
        if self._task is not None:
            self._task.cancel()
        return self.at


def rss() -> float:
    """This process's resident memory now, in MB (not the peak: each phase's own figure)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def run(sessions: int, phones: int, *, prefilled: bool, refresh: bool) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        watchlist, fetcher, session_nos = build(folder, sessions, phones)
        clock = lambda: NOW  # noqa: E731 (frozen: ages do not tick during the run)
        cache = ReceiptCache(folder / "cache.sqlite3")
        if prefilled:
            known = {entry.session_no: entry.phones for entry in watchlist.sessions()}
            for start in range(0, sessions, 5000):
                part = session_nos[start : start + 5000]
                # With the watchlist's phones, as a refresh stores them: the start reads counts only.
                cache.store_results({no: fetcher.receipts[no] for no in part}, NOW, {no: known[no] for no in part})
        # The fake gateway's answers (a million objects at 100,000 x 5) live in this process
        # but are no part of the app's heap: out of the collector's sight, as in a real run.
        gc.freeze()
        settings = Settings(
            public_key="bench",
            private_key="bench",
            base_url="http://127.0.0.1:9",
            watchlist_path=watchlist.path,
            cache_path=cache.path,
            config_path=folder / "c.toml",
            interval=3600,
        )
        runtime = Runtime(settings, watchlist, fetcher, cache=cache, clock=clock)
        app = make_app(runtime)
        ticker = Ticker()
        collector = GcWatch()
        async with runtime, app.run_test(size=SIZE) as pilot:
            ticker.start()
            start = time.perf_counter()
            while not isinstance(app.screen, MainScreen) or app.screen.query_one(SessionTable).row_count < sessions:
                await asyncio.sleep(0.05)  # Pilot's own wait gives up while a big table fills
            await settle(pilot)
            first = "start: cache load + first rows" if prefilled else "start: load + first (cold) refresh"
            rows.append((first, time.perf_counter() - start, ticker.worst, collector.worst, rss(), None))

            async def phase(name: str, work: Callable[[], Awaitable[None]], watch_rows: bool = False) -> None:
                gc.collect()  # each phase starts from the same heap, not from the last one's garbage
                ticker.reset()
                collector.reset()
                watch = RowsWatch(app)
                began = time.perf_counter()
                if watch_rows:
                    watch.start(began)
                await work()
                await settle(pilot)
                until_rows = watch.stop()
                rows.append((name, time.perf_counter() - began, ticker.worst, collector.worst, rss(), until_rows))

            async def full_refresh() -> None:
                app.refresh_now()
                await app.workers.wait_for_complete()

            if refresh:
                changed = change(fetcher, session_nos, 0.1)
                await phase(f"full refresh, {changed:,} sessions changed", full_refresh)
                await phase("full refresh, nothing changed", full_refresh)

            async def trivial_screen() -> None:
                # Textual's own cost of building, styling and drawing a screen, whatever is on it.
                from textual.screen import Screen
                from textual.widgets import Static

                class Trivial(Screen[None]):
                    def compose(self):
                        yield Static("a trivial screen")

                await app.push_screen(Trivial())
                await settle(pilot)
                app.pop_screen()

            await phase("push + pop a trivial screen (Textual's floor)", trivial_screen)
            for name, key in VIEWS:

                async def open_view(key: str = key) -> None:
                    await pilot.press(key)
                    await app.workers.wait_for_complete()

                async def back() -> None:
                    await pilot.press("escape")
                    await app.workers.wait_for_complete()

                await phase(f"open {name}", open_view, watch_rows=True)
                if refresh and key in ("v", "f"):
                    change(fetcher, session_nos, 0.1)
                    await phase(f"  full refresh with the {name.split(' (')[0]} open", full_refresh)
                await phase("  back to the main screen", back)
            ticker.stop()
            collector.stop()
    return rows


async def floor(seconds: float = 3.0) -> float:
    """The worst lateness of the same ticker in a trivial app doing nothing for ``seconds``:
    what this machine's load alone costs a loop (other processes holding the CPUs)."""
    from textual.app import App
    from textual.widgets import Static

    class Trivial(App[None]):
        def compose(self):
            yield Static("idle")

    ticker = Ticker()
    async with Trivial().run_test(size=SIZE) as pilot:
        ticker.start()
        await asyncio.sleep(seconds)
        await pilot.pause()
        ticker.stop()
    return ticker.worst


def report(title: str, runs: list[list[Row]]) -> None:
    print(title)
    print(
        f"  {'phase':<44} {'until rows':>10} {'until idle':>10} {'block med':>10} {'block max':>10} {'vs 50 ms':>9}"
        f" {'gc max':>8} {'RSS':>7}"
    )
    for index, (name, *_rest) in enumerate(runs[0]):
        total = statistics.median(r[index][1] for r in runs)
        blocks = [r[index][2] for r in runs]
        median = statistics.median(blocks)
        collection = max(r[index][3] for r in runs)
        memory = max(r[index][4] for r in runs)
        shown = [r[index][5] for r in runs if r[index][5] is not None]
        until_rows = f"{statistics.median(shown) * 1000:>7.0f} ms" if shown else f"{'-':>10}"
        print(
            f"  {name:<44} {until_rows} {total * 1000:>7.0f} ms {median * 1000:>7.0f} ms {max(blocks) * 1000:>7.0f} ms "
            f"{median / TARGET:>8.2f}x {collection * 1000:>5.0f} ms {memory:>4.0f} MB"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--phones", type=int, default=10)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--big-phones", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-big", action="store_true", help="leave out the 100,000-session run")
    parser.add_argument("--no-small", action="store_true", help="leave out the 10,000-session run")
    parser.add_argument("--no-big-refresh", action="store_true", help="no full refresh in the big run")
    args = parser.parse_args(argv)
    print(f"load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    print(f"Python {sys.version.split()[0]}; the figure is the 5 ms ticker's worst lateness (target <= 50 ms)")
    floors = [asyncio.run(floor()) for _ in range(args.repeat)]
    print(
        f"floor: a trivial app idle for 3 s, same ticker: worst lateness {statistics.median(floors) * 1000:.0f} ms "
        f"(median of {len(floors)}; {' '.join(f'{f * 1000:.0f}' for f in floors)} ms)"
    )
    if not args.no_small:
        runs = [asyncio.run(run(args.sessions, args.phones, prefilled=False, refresh=True)) for _ in range(args.repeat)]
        report(f"{args.sessions:,} sessions x {args.phones} phones, {len(runs)} runs (median and worst of them)", runs)
    if not args.no_big:
        big = [
            asyncio.run(run(args.big, args.big_phones, prefilled=True, refresh=not args.no_big_refresh))
            for _ in range(args.repeat)
        ]
        report(f"{args.big:,} sessions x {args.big_phones} phones from a pre-filled cache, {len(big)} runs", big)
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
