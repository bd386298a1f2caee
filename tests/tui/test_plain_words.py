"""The first refresh's toast says plainly what it means; dialogs dim the screen, not hide it."""

from __future__ import annotations

from usms_tui.monitor.notices import FirstLook
from usms_tui.tui.alerts import say

from .conftest import screen_text, settle
from .screen_parts import SIZE


def test_first_refresh_toast_is_plain():
    said = say(FirstLook(failed=3), str, str)
    assert "news" not in said.message
    assert said.message == "first refresh: 3 phones already failed or unknown; you will be alerted to new ones"


async def test_a_dialog_dims_the_main_screen(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert type(test_app.screen).__name__ == "AddSessionDialog"
        assert test_app.screen.styles.background.a < 1  # translucent
        assert "usms-tui" in screen_text(test_app)  # the status line still shows through
