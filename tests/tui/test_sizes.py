"""Pilot tests of the main screen at its edges: an empty watchlist, narrow and wide
terminals, long labels, and the advice line at 80 columns."""

from __future__ import annotations

from .conftest import make_test_app, screen_text, settle
from .screen_parts import SIZE, parts


async def test_empty_watchlist_shows_the_three_ways_to_add_in_the_tables_place(tmp_path):
    app = make_test_app(tmp_path, sessions=0, fresh=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table, _, _ = parts(app)
        assert not table.display
        text = screen_text(app)
        assert "Three ways to add them" in text
        assert "usms-tui add SESSION_NO" in text and "usms-tui add --from FILE" in text and "- reads stdin" in text
        await pilot.press("a")  # the first way works from here
        await pilot.pause()
        assert type(app.screen).__name__ == "AddSessionDialog"


async def test_the_table_comes_back_when_a_session_is_added(tmp_path):
    app = make_test_app(tmp_path, sessions=0, fresh=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        session_no = app.rig.sim.send(["13800000001"])
        app.rig.watchlist.add(app.rig.sim.watched_sessions([session_no]))
        app.watchlist_changed()
        await app.screen.refresh_data()
        await pilot.pause()
        table, _, _ = parts(app)
        assert table.display and table.has_focus
        assert "Three ways to add them" not in screen_text(app)
