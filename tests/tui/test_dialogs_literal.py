"""Dialogs show text from files as the tables do: control characters visible, never hidden."""

from __future__ import annotations

from textual.widgets import Input

from tests.tui.fake_host import HostApp
from usms_tui.tui.screens.edit_label import EditLabelDialog


async def test_edit_label_shows_control_characters_and_saves_what_is_shown():
    app = HostApp(lambda: EditLabelDialog("usms-1", "night [b]batch\x1b[31m"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        field = app.screen.query_one("#label", Input)
        assert field.value == "night [b]batch\\x1b[31m"
        await pilot.press("enter")  # unchanged: saved as shown, not refused for a hidden ESC
        await pilot.pause()
        assert app.results == ["night [b]batch\\x1b[31m"]
