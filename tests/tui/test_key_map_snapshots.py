"""Snapshots with config.toml's [keys] moving keys: the footer keeps its order and names the
new keys (``^r refresh``, ``]/[ interval``), and so does help.

Update with ``pytest tests/tui/test_key_map_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from usms_tui.config.keys import parse_key_map

from .conftest import make_test_app, settle

MOVED = {"refresh": "ctrl+r", "longer_interval": "]", "shorter_interval": "[", "phones": "P", "quit": "Q,ctrl+q"}


def _app(tmp_path):
    return make_test_app(tmp_path, settings={"key_map": parse_key_map(MOVED, "config.toml")})


async def _ready(pilot) -> None:
    await settle(pilot.app, pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


def test_main_screen_with_moved_keys_80x24(snap_compare, tmp_path):
    assert snap_compare(_app(tmp_path), terminal_size=(80, 24), run_before=_ready)


def test_help_with_moved_keys_80x24(snap_compare, tmp_path):
    async def open_help(pilot) -> None:
        await _ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press(*"interval")  # typing searches help: the moved interval keys
        await pilot.pause()

    assert snap_compare(_app(tmp_path), terminal_size=(80, 24), run_before=open_help)
