"""Views over a big watchlist work their rows out off the event loop: summaries in chunks on
the loop, rows in a thread, the table updated on the loop; the result is the same as the
small path's. (How long the loop is blocked is measured in bench/bench_loop_block.py.)"""

from __future__ import annotations

import threading

import pytest

from tests.loop_ticks import LoopTicks
from tests.tui.fake_host import HOUR, NOW, FakePoller, HostApp, receipt
from usms_tui.tui.screens import _live_view
from usms_tui.tui.screens.failures import FailuresScreen
from usms_tui.tui.screens.phones import PhonesScreen

SIZE = (100, 30)
SESSIONS = 60


def poller() -> FakePoller:
    fake = FakePoller()
    for i in range(SESSIONS):
        phones = [f"138{i:04d}{p:04d}" for p in range(3)]
        fake.add(
            f"usms-{i:04d}",
            [
                receipt(phones[0], "Success", "DELIVRD", "ok", NOW - 50),
                receipt(phones[1], "Fail", "UNDELIV", "x", NOW - 40),
            ],
            sent_at=NOW - HOUR,
            phones=phones,
        )
    return fake


async def shown(screen_class, big: bool, monkeypatch) -> tuple[list[list[str]], set[int]]:
    """The rows a view shows when it opens and after a change, and the threads that built them."""
    monkeypatch.setattr(_live_view, "BIG_VIEW", 10 if big else 10_000)
    threads: set[int] = set()
    # The class's own method, not a spy a previous call left in place.
    original = getattr(screen_class, "_unspied", screen_class.compute_rows)
    monkeypatch.setattr(screen_class, "_unspied", original, raising=False)

    def spy(self, *args):
        threads.add(threading.get_ident())
        return original(self, *args)

    monkeypatch.setattr(screen_class, "compute_rows", spy)
    fake = poller()
    app = HostApp(screen_class, fake)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        fake.set_receipts("usms-0003", [receipt("13800030002", "Fail", "MK:0001", "空号", NOW - 10)])
        app.screen.refresh_data()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.table
        return [table.cells(key) for key in table.keys], threads


@pytest.mark.parametrize("screen_class", [PhonesScreen, FailuresScreen], ids=["phones", "failures"])
async def test_a_big_view_builds_its_rows_in_a_thread_and_shows_the_same(screen_class, monkeypatch):
    small_rows, small_threads = await shown(screen_class, False, monkeypatch)
    big_rows, big_threads = await shown(screen_class, True, monkeypatch)
    assert big_rows == small_rows and len(small_rows) > 3
    assert small_threads == {threading.get_ident()}  # small: at once, on the loop
    assert threading.get_ident() not in big_threads  # big: never on the loop


async def test_a_new_sort_of_a_big_phones_view_is_worked_out_in_the_background(monkeypatch):
    monkeypatch.setattr(_live_view, "BIG_VIEW", 10)
    app = HostApp(PhonesScreen, poller())
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        selected = screen.table.selected_key
        await pilot.press("s")  # session -> status: failed first
        await app.workers.wait_for_complete()
        await pilot.pause()
        statuses = [screen.table.cells(key)[2] for key in screen.table.keys]
        assert "fail" in statuses[0].lower() and "fail" not in statuses[-1].lower(), statuses[:3]
        assert screen.table.selected_key == selected  # the cursor followed its row


async def test_summaries_are_built_in_chunks_that_let_the_loop_run(monkeypatch):

    from usms_tui.monitor.controller import Tally
    from usms_tui.tui.summaries import summaries_in_chunks
    from usms_tui.tui.widgets import table_base

    monkeypatch.setattr(table_base, "CHUNK", 10)
    fake = FakePoller()
    for session_no, state in poller().states.items():
        fake.states[session_no] = state
    tally = Tally()
    async with LoopTicks() as ticks:
        summaries = await summaries_in_chunks(fake, NOW, tally)
    assert [s.session_no for s in summaries] == list(fake.states)
    assert ticks.count >= SESSIONS // 10 - 1  # the loop ran after every chunk of 10
    assert tally.totals == {status: sum(s.counts.get(status, 0) for s in summaries) for status in tally.totals}


async def test_after_a_cycle_the_counts_are_right_and_the_loaded_heap_is_frozen(tmp_path):
    import gc

    from tests.tui.conftest import make_test_app, settle
    from usms_tui.tui.summaries import after_cycle

    app = make_test_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        controller = app.controller
        expected = dict(controller.totals), controller.overdue
        controller.totals = {}
        gc.unfreeze()
        try:
            await after_cycle(controller, app.clock(), recount=True)
            assert (dict(controller.totals), controller.overdue) == expected
            assert gc.get_freeze_count() > 0
        finally:
            gc.unfreeze()
