"""A big watchlist's first fill: the first screen of rows comes before the rest are worked
out, and nothing says "no sessions" while the watchlist is still being read."""

from __future__ import annotations

import asyncio

from tests.tui.conftest import make_test_app, settle
from usms_tui.monitor.controller import RefreshController
from usms_tui.tui.screens.main import CHUNKED_OVER, FIRST_ROWS, MainScreen
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
