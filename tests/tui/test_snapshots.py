"""Snapshot tests of the main screen (fixed clock, fixed simulator seed, UTC).

Update after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and look at the SVGs in ``__snapshots__`` before committing them.
"""

from __future__ import annotations

from .conftest import make_test_app, settle


async def _ready(pilot) -> None:
    await settle(pilot.app, pilot)
    pilot.app.clear_notifications()  # toasts come and go; the screen under them is the subject
    await pilot.pause()


def test_main_screen_80x24(snap_compare, tmp_path):
    assert snap_compare(make_test_app(tmp_path), terminal_size=(80, 24), run_before=_ready)


def test_main_screen_120x40(snap_compare, tmp_path):
    app = make_test_app(tmp_path, sessions=14)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_ready)


def test_main_screen_overdue_session_selected(snap_compare, tmp_path):
    async def select_overdue(pilot) -> None:
        await _ready(pilot)
        await pilot.press("down", "down", "down")  # the session sent 36 h ago, a phone still pending

    assert snap_compare(make_test_app(tmp_path), terminal_size=(80, 24), run_before=select_overdue)


def test_main_screen_200x50(snap_compare, tmp_path):
    # The Session column capped, the delivery median shown, the meanings wide, more rows.
    app = make_test_app(tmp_path, sessions=14)
    assert snap_compare(app, terminal_size=(200, 50), run_before=_ready)


def test_main_screen_60x15(snap_compare, tmp_path):
    # Both panes without sideways scrolling and every key of the footer.
    assert snap_compare(make_test_app(tmp_path), terminal_size=(60, 15), run_before=_ready)


def test_main_screen_80x24_on_a_16_colour_terminal(snap_compare, tmp_path):
    # TERM=xterm without COLORTERM: the ANSI theme, so each status keeps a colour of its own.
    app = make_test_app(tmp_path, environ={"TERM": "xterm"})
    assert snap_compare(app, terminal_size=(80, 24), run_before=_ready)
