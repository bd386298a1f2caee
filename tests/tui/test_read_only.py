"""``--read-only`` for a screen others watch: no key adds, deletes or relabels a session, and
none of those keys is offered in the footer or the command palette."""

from __future__ import annotations

from usms_tui.tui.navigation import binding_commands
from usms_tui.tui.screens.main import MainScreen

from .conftest import make_test_app, screen_text, settle
from .screen_parts import SIZE


async def test_read_only_has_no_editing_keys_and_they_do_nothing(tmp_path):
    app = make_test_app(tmp_path, settings={"read_only": True})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = [entry.session_no for entry in app.watchlist.sessions()]
        footer = screen_text(app).splitlines()[-2:]
        assert not any(word in " ".join(footer) for word in (" add", " delete", " label"))
        assert "refresh" in " ".join(footer)
        for key in ("a", "d", "l"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)  # no dialog opened
        assert [entry.session_no for entry in app.watchlist.sessions()] == before
        offered = " ".join(str(command) for command in binding_commands(app, app.screen))
        assert "delete" not in offered
        await pilot.press("question_mark")
        await pilot.pause()
        shown = screen_text(app)
        assert "filter" in shown and "delete" not in shown and " label" not in shown


async def test_without_read_only_the_editing_keys_are_there(tmp_path):
    app = make_test_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert " delete" in " ".join(screen_text(app).splitlines()[-2:])
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, MainScreen)
