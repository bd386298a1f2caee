"""Keys that arrive together (one read from a slow SSH link) go where the user meant them."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tests.tui.fake_host import HostApp
from usms_tui.tui.screens.add_session import AddSessionDialog
from usms_tui.tui.screens.main import MainScreen
from usms_tui.tui.screens.phones import PhonesScreen

from .conftest import make_test_app, settle
from .screen_parts import SIZE, parts

_NAMES = {"/": "slash", "\t": "tab", " ": "space", "-": "minus"}


def burst(app, text: str) -> None:
    """Queue every key of ``text`` at once, as a terminal read would deliver them."""
    for char in text:
        event = events.Key(_NAMES.get(char, char), None if char == "\t" else char)
        event.set_sender(app)
        app._driver.send_message(event)


async def test_slash_then_text_in_one_read_filters_sessions(tmp_path):
    app = make_test_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        burst(app, "/batch")  # "b", "a", "t"... must not reach the table ("a" would add)
        await settle(app, pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_one("#filter", Input).value == "batch"
        table, _, _ = parts(app)
        assert table.filter_text == "batch"
        burst(app, "/2")  # "/" typed in the field is text
        await settle(app, pilot)
        assert app.screen.query_one("#filter", Input).value == "batch/2"


async def test_slash_then_text_in_one_read_searches_phones():
    app = HostApp(PhonesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "/undeliv")
        await pilot.pause()
        assert isinstance(app.screen, PhonesScreen)
        assert app.screen.query_one("#phones-search", Input).value == "undeliv"


async def test_tab_in_one_read_moves_to_the_next_field():
    app = HostApp(AddSessionDialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "abc-1\tnight batch\t2h ago")
        await pilot.pause()
        screen = app.screen
        values = [screen.query_one(f"#{name}", Input).value for name in ("session-no", "label", "sent-at")]
        assert values == ["abc-1", "night batch", "2h ago"]
