"""The phones view's cursor stays in sight (End, a resize) and Enter jumps to the session."""

from __future__ import annotations

from usms_tui.tui.screens.main import MainScreen
from usms_tui.tui.screens.phones import PhonesScreen

from .conftest import make_test_app, settle
from .screen_parts import parts


def _cursor_in_sight(table) -> bool:
    body = table.scrollable_content_region.height - 1  # without the header and a scrollbar
    return 0 <= table.cursor_row - int(table.scroll_y) < body


async def _phones(app, pilot) -> PhonesScreen:
    await settle(app, pilot)
    await pilot.press("v")
    await pilot.pause()
    assert isinstance(app.screen, PhonesScreen)
    return app.screen


async def test_end_puts_the_last_row_above_the_sideways_scrollbar(tmp_path):
    app = make_test_app(tmp_path, sessions=14)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _phones(app, pilot)
        table = screen.table
        assert table.max_scroll_x > 0  # a sideways scrollbar at 80 columns
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == table.row_count - 1 and _cursor_in_sight(table)


async def test_after_a_resize_the_cursor_row_is_in_sight(tmp_path):
    app = make_test_app(tmp_path, sessions=14)
    async with app.run_test(size=(80, 40)) as pilot:
        table = (await _phones(app, pilot)).table
        for _ in range(25):
            await pilot.press("down")
        await pilot.resize_terminal(80, 16)
        await pilot.pause()
        await pilot.pause()
        assert table.cursor_row == 25 and _cursor_in_sight(table)


async def test_enter_on_a_phone_jumps_to_its_session(tmp_path):
    app = make_test_app(tmp_path, sessions=14)
    async with app.run_test(size=(80, 24)) as pilot:
        table = (await _phones(app, pilot)).table
        await pilot.press("end")
        session_no = table.selected_key.partition("\x00")[0]
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        sessions, _, _ = parts(app)
        assert sessions.selected_key == session_no and sessions.has_focus
