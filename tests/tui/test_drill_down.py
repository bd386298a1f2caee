"""Home/End, Enter into a session's detail, sort headers and the fixed split of the main screen."""

from __future__ import annotations

from usms_tui.store.watchlist import WatchedSession
from usms_tui.tui.screens.session_detail import SessionDetailScreen

from .conftest import NOW, make_test_app, screen_text, settle
from .screen_parts import SIZE, parts


async def test_home_and_end_move_the_cursor_in_the_sessions_table(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, _, _ = parts(test_app)
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("home")
        assert table.cursor_row == 0


async def test_enter_opens_the_session_in_full_and_y_copies_it(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        session_no = test_app.rig.session_nos[1]
        await pilot.press("down", "enter")
        await pilot.pause()
        screen = test_app.screen
        assert isinstance(screen, SessionDetailScreen)
        text = screen_text(test_app)
        assert session_no in text  # whole, not shortened
        assert "Last checked" in text and "first seen" in text
        state = test_app.poller.states[session_no]
        assert text.count("first seen") == len(state.first_seen)
        await pilot.press("y")
        assert test_app.clipboard == session_no
        await pilot.press("escape")
        assert not isinstance(test_app.screen, SessionDetailScreen)


async def test_sort_headers_say_what_they_sort(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, _, _ = parts(test_app)
        headers = [table.column("name").label]
        for _ in range(4):
            await pilot.press("s")
            await pilot.pause()
            headers.append(table.column("name").label)
        assert headers == [
            "Session (as added)",
            "Session ↓oldest",
            "Session ↓✗+?",
            "Session ↓overdue,…",
            "Session A→Z",
        ]
        assert any("failed + unknown" in n.message for n in test_app._notifications)


async def test_sessions_table_height_does_not_follow_the_phone_count(tmp_path):
    many = WatchedSession(session_no="big-one", sent_at=NOW - 60, phones=[f"1380000{i:04d}" for i in range(40)])
    app = make_test_app(tmp_path, extra=[many])
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table, _, _ = parts(app)
        heights = set()
        for _ in range(table.row_count):
            heights.add(table.size.height)
            await pilot.press("down")
            await pilot.pause()
        assert len(heights) == 1
