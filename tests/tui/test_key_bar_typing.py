"""While a text field has the focus, the key bar does not offer keys that type text."""

from __future__ import annotations

from tests.tui.fake_host import HostApp
from usms_tui.tui.screens.phones import PhonesScreen
from usms_tui.tui.widgets.key_bar import KeyBar, types_text

from .conftest import make_test_app, settle
from .screen_parts import SIZE


def test_types_text():
    assert all(types_text(k) for k in ("a", "plus", "minus", "slash", "question_mark"))
    assert not any(types_text(k) for k in ("escape", "tab", "enter", "ctrl+p", "up"))


async def test_filter_field_bar_offers_keep_and_clear_only(tmp_path):
    app = make_test_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        bar = app.screen.query_one(KeyBar)
        assert ("+/-", "interval", True) in bar.items()
        await pilot.press("slash")
        await pilot.pause()
        keys = [key for key, _, _ in bar.items()]
        assert keys[:2] == ["⏎", "esc"] and "^p" in keys
        assert not {"+/-", "/", "a", "q", "?"} & set(keys)  # "+" would type into the filter
        await pilot.press("enter")
        await pilot.pause()
        assert ("+/-", "interval", True) in bar.items()


async def test_phones_search_bar_offers_keep_and_clear():
    app = HostApp(PhonesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        keys = [key for key, _, _ in app.screen.query_one(KeyBar).items()]
        assert keys[:2] == ["⏎", "esc"] and "f" not in keys and "/" not in keys
