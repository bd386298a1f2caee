"""The phones view over many phones: how long until it answers, how long a refresh takes,
and the longest the event loop was blocked (what decides whether keystrokes feel dropped).

    python bench/bench_phones_view.py [--sessions 10000] [--phones 10] [--changed 0.1]

Runs PhonesScreen headless on a small host app with a fake poller (no network). A probe
task measures event-loop lag every 5 ms while the view fills, refreshes and re-sorts.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import time
from types import SimpleNamespace

from textual.app import App
from textual.widgets import DataTable

from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import summarize
from usms_tui.store.watchlist import WatchedSession
from usms_tui.tui.screens.phones import PhonesScreen

NOW = 1_796_025_600.0


def make_receipt(phone: str, index: int, flip: bool) -> Receipt:
    if index % 7 == 0 and not flip:
        return Receipt.pending(phone)
    result = "Fail" if index % 11 == 0 else "Success"
    return Receipt.from_api(
        {
            "Phone": phone,
            "ReceiptResult": result,
            "ReceiptCode": "DELIVRD" if result == "Success" else "UNDELIV",
            "ReceiptDesc": "ok",
            "ReceiptTime": NOW - 100,
            "CostCount": 1,
        }
    )


class Poller:
    def __init__(self, sessions: int, phones: int) -> None:
        self.states = {}
        self.receipts = {}
        for s in range(sessions):
            no = f"usms-bench-{s:06d}"
            entry = WatchedSession(no, label=f"batch {s}", added_at=NOW - 3600, sent_at=NOW - 3600)
            self.states[no] = SimpleNamespace(entry=entry, last_error=None)
            self.receipts[no] = [make_receipt(f"138{s:05d}{p:03d}", p, False) for p in range(phones)]

    def change(self, fraction: float) -> int:
        """Give a receipt to ``fraction`` of the sessions' pending phones."""
        changed = 0
        step = max(1, round(1 / fraction))
        for index, (no, receipts) in enumerate(self.receipts.items()):
            if index % step == 0:
                self.receipts[no] = [make_receipt(r.phone, i, True) for i, r in enumerate(receipts)]
                changed += 1
        return changed

    def summary(self, no, now=None, *, with_age=True):
        """One session's summary (the views build them a chunk at a time, as from the real
        poller; every one made afresh, so ``with_age`` changes nothing here)."""
        return summarize(no, self.receipts[no], now=NOW, added_at=NOW - 3600, sent_at=NOW - 3600)

    def summaries(self, now=None):
        return [self.summary(no) for no in self.states]


class Host(App):
    def __init__(self, poller) -> None:
        super().__init__()
        self.poller = poller
        self.clock = lambda: NOW
        self.mask_phones = True

    def bar_state(self) -> None:
        """This host has no status line (the view then shows none)."""
        return


async def main(args) -> None:
    poller = Poller(args.sessions, args.phones)
    app = Host(poller)
    lags: list[float] = []

    async def probe() -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append(time.perf_counter() - start - 0.005)

    async with app.run_test(size=(120, 40)) as pilot:
        task = asyncio.create_task(probe())
        screen = PhonesScreen()
        t0 = time.perf_counter()
        await app.push_screen(screen)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        opened = time.perf_counter() - t0
        open_lag = max(lags)
        total = screen.table.row_count
        if args.gc_freeze:
            # What an app could do once its data is loaded: move the long-lived heap out of
            # the collector's way so full collections stop rescanning it.
            gc.collect()
            gc.freeze()

        lags.clear()
        changed = poller.change(args.changed)
        t1 = time.perf_counter()
        screen.refresh_data()  # over a big watchlist: rows worked out in the background
        await app.workers.wait_for_complete()
        refresh = time.perf_counter() - t1
        changes = screen.last_changes
        await pilot.pause()
        refresh_lag = max(lags)

        lags.clear()
        t1 = time.perf_counter()
        screen.refresh_data()
        await app.workers.wait_for_complete()
        idle_refresh = time.perf_counter() - t1
        await pilot.pause()

        lags.clear()
        t2 = time.perf_counter()
        await pilot.press("s")  # status sort over every row
        await app.workers.wait_for_complete()
        await pilot.pause()
        sort = time.perf_counter() - t2

        t3 = time.perf_counter()
        await pilot.press("f")  # failed only
        await app.workers.wait_for_complete()
        await pilot.pause()
        filt = time.perf_counter() - t3

        keys = await per_key(pilot)
        task.cancel()
    baseline = statistics.median([await trivial_per_key() for _ in range(3)])

    print(
        f"phones view: {args.sessions:,} sessions x {args.phones} phones = {total:,} rows"
        + (" (gc.freeze() after opening)" if args.gc_freeze else "")
    )
    print(f"  open (every row usable): {opened:.2f} s; longest loop stall {open_lag * 1000:.0f} ms")
    print(
        f"  refresh with {changed:,} sessions changed: refresh_data {refresh * 1000:.0f} ms "
        f"({changes.changed:,} rows changed, {changes.added} added, {changes.removed} removed); "
        f"longest stall {refresh_lag * 1000:.0f} ms"
    )
    print(f"  refresh with nothing changed: {idle_refresh * 1000:.0f} ms")
    print(f"  s (status sort of every row): {sort * 1000:.0f} ms; f (failed filter): {filt * 1000:.0f} ms")
    print(
        f"  cursor keys, {KEYS} through Pilot: {keys * 1000:.1f} ms a key; the same keys in a trivial app "
        f"(a 200-row DataTable, median of 3): {baseline * 1000:.1f} ms a key; the view's own cost: "
        f"{max(0.0, keys - baseline) * 1000:.1f} ms a key ({keys / baseline:.2f}x the driver's)"
    )
    print(f"load: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


#: Keys pressed for the per-key figure: 50 downs, then page down, end and home.
KEYS = 53


async def per_key(pilot) -> float:
    """Seconds per key of the cursor keys, through Pilot, until the screen has caught up."""
    start = time.perf_counter()
    for _ in range(50):
        await pilot.press("down")
    await pilot.press("pagedown", "end", "home")
    await pilot.pause()
    return (time.perf_counter() - start) / KEYS


async def trivial_per_key() -> float:
    """The same keys through the same driver in an app with a trivial table: Pilot's own cost
    per key (each press waits for the app to process it and repaint)."""

    class Trivial(App):
        def compose(self):
            table = DataTable(cursor_type="row")
            table.add_columns("a", "b")
            for i in range(200):
                table.add_row(str(i), "x")
            yield table

    app = Trivial()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        return await per_key(pilot)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--phones", type=int, default=10)
    parser.add_argument("--changed", type=float, default=0.1)
    parser.add_argument("--gc-freeze", action="store_true", help="gc.freeze() once the view is open")
    asyncio.run(main(parser.parse_args()))
