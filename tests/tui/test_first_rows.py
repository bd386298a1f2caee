"""A big watchlist's first fill: the first screen of rows comes before the rest are worked
out, and nothing says "no sessions" while the watchlist is still being read."""

from __future__ import annotations

import asyncio

from tests.tui.conftest import make_test_app, settle
from usms_tui.monitor.controller import RefreshController
from usms_tui.tui.screens.main import CHUNKED_OVER, FIRST_ROWS, MainScreen
from usms_tui.tui.widgets.advice_line import AdviceLine
from usms_tui.tui.widgets.session_table import SessionTable


async def test_a_big_watchlist_shows_its_first_rows_before_the_full_pass(tmp_path, monkeypatch):
    app = make_test_app(tmp_path, sessions=CHUNKED_OVER + 100, phones=1, fresh=False)
    shown_when_the_pass_began: list[list[str]] = []
    full_pass = MainScreen._summaries

    async def watched(self, *args):
        shown_when_the_pass_began.append(self.query_one(SessionTable).keys)
        return await full_pass(self, *args)

    monkeypatch.setattr(MainScreen, "_summaries", watched)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        order = app.rig.session_nos
        table = app.screen.query_one(SessionTable)
        assert table.keys == order  # every row in the end, in the watchlist's order
        first = next(keys for keys in shown_when_the_pass_began if keys)
        assert first == order[:FIRST_ROWS]  # the first screen, before the pass over all
        assert table.selected_key == order[0]


async def test_no_sessions_is_not_said_while_the_watchlist_is_being_read(tmp_path, monkeypatch):
    app = make_test_app(tmp_path)
    release = asyncio.Event()
    load = RefreshController.load

    async def slow_load(self, **options):
        await release.wait()
        await load(self, **options)

    monkeypatch.setattr(RefreshController, "load", slow_load)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not app.screen.query_one("#empty-watchlist").display  # loading, not empty
        release.set()
        await settle(app, pilot)
        assert app.screen.query_one(SessionTable).row_count == len(app.rig.session_nos)
        assert not app.screen.query_one("#empty-watchlist").display


async def test_a_big_watchlist_s_first_rows_show_before_the_whole_of_it_is_read(tmp_path, monkeypatch):
    import threading

    from usms_tui.monitor.poller import Poller

    app = make_test_app(tmp_path, sessions=CHUNKED_OVER + 100, phones=1, fresh=False)
    release = threading.Event()  # the whole read waits for it, in its thread
    whole_read = Poller.load

    def held_load(self, **options):
        release.wait(timeout=60)
        whole_read(self, **options)

    shown = asyncio.Event()
    preview_shown = MainScreen.on_first_rows_read

    def on_first_rows_read(self, message):
        preview_shown(self, message)
        shown.set()

    monkeypatch.setattr(Poller, "load", held_load)
    monkeypatch.setattr(MainScreen, "on_first_rows_read", on_first_rows_read)
    async with app.run_test(size=(80, 24)) as pilot:
        try:
            await asyncio.wait_for(shown.wait(), timeout=60)
            await pilot.pause()
            table = app.screen.query_one(SessionTable)
            order = app.rig.session_nos
            assert not app.poller.states  # the whole watchlist is not read yet
            assert table.keys == order[:FIRST_ROWS] and table.selected_key == order[0]
            assert not app.screen.query_one("#empty-watchlist").display
            assert "reading the watchlist" in str(app.screen.query_one(AdviceLine).render())
        finally:
            release.set()
        await settle(app, pilot)
        assert table.keys == order


def test_the_first_rows_read_ahead_are_the_whole_read_s_first_rows(tmp_path):
    from usms_tui.monitor.preview import read_preview

    app = make_test_app(tmp_path, sessions=CHUNKED_OVER + 100, phones=2, fresh=False)
    poller = app.poller
    entry = poller.watchlist.sessions()[1]
    poller.watchlist.update(entry.session_no, label="second", archived=False)
    poller.watchlist.update(poller.watchlist.sessions()[2].session_no, archived=True)
    now = app.clock()
    preview = read_preview(poller, now)
    assert preview is not None and not poller.states  # nothing of the poller's was set
    poller.load()
    whole = poller.summaries(now)[: len(preview.summaries)]
    assert len(preview.summaries) == FIRST_ROWS - 1  # the archived one is not shown
    assert preview.summaries == whole  # counts, phones, ages: the rows the whole read shows
    labels = {s.session_no: poller.states[s.session_no].entry.label for s in whole}
    assert preview.labels == {no: label for no, label in labels.items() if label}
    assert preview.labels[entry.session_no] == "second"


def test_a_small_watchlist_is_read_whole_before_its_first_paint(tmp_path):
    from usms_tui.monitor.preview import read_preview

    app = make_test_app(tmp_path, sessions=CHUNKED_OVER, phones=1, fresh=False)
    assert read_preview(app.poller, app.clock()) is None
