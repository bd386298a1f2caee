"""Snapshots of the secondary screens on the real app (simulator data, ManualClock, TZ=UTC).

Regenerate after an intended change with ``pytest tests/tui/test_screen_snapshots.py
--snapshot-update`` and look at the SVGs before committing them.
"""

from __future__ import annotations

from tests.tui.conftest import make_test_app, settle
from usms_tui.tui.screens.add_session import AddSessionDialog
from usms_tui.tui.screens.failures import FailuresScreen
from usms_tui.tui.screens.help import HelpScreen
from usms_tui.tui.screens.phones import PhonesScreen

SIZE = (80, 24)


def showing(app, make_screen, *keys: str):
    """A run_before that lets the first refresh finish, then opens the screen and presses keys."""

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        app.clear_notifications()  # alerts from the first refresh would cover the screen
        app.push_screen(make_screen())
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        await settle(app, pilot)

    return run_before


def test_phones_view(snap_compare, tmp_path):
    app = make_test_app(tmp_path, sessions=8, phones=4)
    assert snap_compare(app, terminal_size=SIZE, run_before=showing(app, PhonesScreen))


def test_phones_view_failed_sorted_by_status(snap_compare, tmp_path):
    app = make_test_app(tmp_path, sessions=8, phones=4)
    assert snap_compare(app, terminal_size=SIZE, run_before=showing(app, PhonesScreen, "f", "s"))


def test_failures_view(snap_compare, tmp_path):
    app = make_test_app(tmp_path, sessions=8, phones=4)
    assert snap_compare(app, terminal_size=SIZE, run_before=showing(app, FailuresScreen))


def test_help(snap_compare, tmp_path):
    app = make_test_app(tmp_path, sessions=8, phones=4)
    assert snap_compare(app, terminal_size=SIZE, run_before=showing(app, HelpScreen))


def test_help_searched_at_200x50(snap_compare, tmp_path):
    # Centred, and filtered to what holds the typed text.
    app = make_test_app(tmp_path, sessions=8, phones=4)
    assert snap_compare(app, terminal_size=(200, 50), run_before=showing(app, HelpScreen, *"sort"))


def test_add_dialog_with_inline_error(snap_compare, tmp_path):
    app = make_test_app(tmp_path, sessions=8, phones=4)
    keys = (*"a b", "tab", *"[b]", "enter")
    assert snap_compare(app, terminal_size=SIZE, run_before=showing(app, AddSessionDialog, *keys))


def test_phone_pane_with_a_meaning(snap_compare, tmp_path):
    # The main screen with the pane focused on a failed phone: its meaning in the table, the
    # cause, carrier and UCloud's advice whole in the detail line under it.
    app = make_test_app(tmp_path, sessions=8, phones=4)

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        app.clear_notifications()
        await pilot.press("down", "down", "tab")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
