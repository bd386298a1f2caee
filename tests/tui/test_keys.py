"""Pilot tests of every key of the main screen (and the app's keys), on the real app over
the simulator with a ManualClock. Dialog tests skip while a dialog's module is missing."""

from __future__ import annotations

import json

import pytest

from usms_tui.monitor.controller import INTERVALS
from usms_tui.tui.screens.main import MainScreen

from .conftest import NOW, make_test_app, screen_text, settle
from .screen_parts import SIZE, needs, parts


async def test_mask_toggle_shows_full_numbers(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        _, pane, _ = parts(test_app)
        phone = pane.keys[0]
        assert "****" in pane.get_cell(phone, "phone").plain
        await pilot.press("m")
        await pilot.pause()
        assert pane.get_cell(phone, "phone").plain == phone
        await pilot.press("m")
        await pilot.pause()
        assert "****" in pane.get_cell(phone, "phone").plain


async def test_copy_session_no(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        await pilot.press("down", "y")
        assert test_app.clipboard == test_app.rig.session_nos[1]
        assert any(test_app.rig.session_nos[1] in n.message for n in test_app._notifications)


async def test_pause_and_resume(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        await pilot.press("p")
        assert test_app.controller.paused and test_app._timer is None
        assert "paused" in screen_text(test_app)
        requests = test_app.rig.sim.requests
        test_app.rig.clock.advance(test_app.controller.interval)  # the fresh session is due again
        await pilot.press("p")
        await settle(test_app, pilot)
        assert not test_app.controller.paused and test_app._timer is not None
        assert test_app.rig.sim.requests > requests  # resuming refreshes at once


async def test_interval_keys_clamp(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        assert test_app.controller.interval == 30
        await pilot.press("plus")
        assert test_app.controller.interval == 45
        fresh = test_app.poller.states[test_app.rig.session_nos[-1]]
        assert test_app.poller.cadence(fresh, test_app.clock()) == 45  # one interval: the poller's cadence uses it
        await pilot.press(*["plus"] * len(INTERVALS))
        assert test_app.controller.interval == INTERVALS[-1] == 600
        await pilot.press(*["minus"] * (len(INTERVALS) + 1))
        assert test_app.controller.interval == INTERVALS[0] == 10


async def test_filter_and_escape(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, _, _ = parts(test_app)
        await pilot.press("slash", *"batch 3")
        await pilot.pause()
        assert table.row_count == 1
        assert table.cell(table.keys[0], "name")[0].strip().startswith("batch 3")
        await pilot.press("enter")  # keep the filter, back to the table
        assert table.has_focus and table.row_count == 1
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == len(test_app.rig.session_nos)
        needle = test_app.rig.session_nos[4][-6:].upper()  # SessionNo substring, any case
        await pilot.press("slash", *needle)
        await pilot.pause()
        assert table.keys == [test_app.rig.session_nos[4]]


async def test_sort_cycles_and_keeps_selection(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, _, _ = parts(test_app)
        selected = table.selected_key
        await pilot.press("s")  # age: oldest first
        assert table.sort_mode == "age"
        ages = [test_app.poller.summary(no, NOW).age_seconds for no in table.keys]
        assert ages == sorted(ages, reverse=True)
        assert table.selected_key == selected
        for mode in ("failed", "pending", "name", "added"):
            await pilot.press("s")
            assert table.sort_mode == mode
        assert table.keys == test_app.rig.session_nos


async def test_add_session_with_dialog(test_app):
    needs("usms_tui.tui.screens.add_session")
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, _, _ = parts(test_app)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"new-session-1", "tab", *"night batch", "enter")
        await settle(test_app, pilot)
        assert "new-session-1" in table.keys and table.selected_key == "new-session-1"
        assert test_app.rig.watchlist.get("new-session-1").label == "night batch"
        assert "new-session-1" in {no for no, s in test_app.poller.states.items() if s.last_checked}


async def test_delete_asks_first(test_app):
    needs("usms_tui.tui.screens.confirm")
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, _, _ = parts(test_app)
        victim = table.selected_key
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert victim in table.keys
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(test_app, pilot)
        assert victim not in table.keys
        assert test_app.rig.watchlist.get(victim) is None
        assert table.selected_key is not None


async def test_edit_label(test_app):
    needs("usms_tui.tui.screens.edit_label")
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, _, _ = parts(test_app)
        await pilot.press("down", "l")
        await pilot.pause()
        await pilot.press(*"payroll", "enter")
        await settle(test_app, pilot)
        second = test_app.rig.session_nos[1]
        assert test_app.rig.watchlist.get(second).label == "payroll"
        assert "payroll" in table.cell(second, "name")[0]


async def test_export_writes_the_current_view(test_app, tmp_path):
    needs("usms_tui.tui.screens.export_dialog")
    needs("usms_tui.store.exporting")
    target = tmp_path / "out.json"
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        await pilot.press("slash", *"batch", "enter")
        await pilot.press("e")
        await pilot.pause()
        field = test_app.screen.query_one("#path")
        field.value = str(target)
        await pilot.press("enter")
        await settle(test_app, pilot)
    rows = json.loads(target.read_text())
    labels = {row["label"] for row in rows}
    assert labels == {"batch 1", "batch 3", "batch 5", "batch 7"}
    assert all("private" not in json.dumps(row).lower() for row in rows)


@pytest.mark.parametrize(
    "key,screen_name", [("v", "PhonesScreen"), ("f", "FailuresScreen"), ("question_mark", "HelpScreen")]
)
async def test_views_open_and_close(test_app, key, screen_name):
    needs(
        {"PhonesScreen": "usms_tui.tui.screens.phones", "FailuresScreen": "usms_tui.tui.screens.failures"}.get(
            screen_name, "usms_tui.tui.screens.help"
        )
    )
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        await pilot.press(key)
        await pilot.pause()
        assert type(test_app.screen).__name__ == screen_name
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(test_app.screen, MainScreen)


async def test_quit(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        await pilot.press("q")
        await pilot.pause()
    assert test_app.return_code == 0


async def test_command_palette_offers_the_keys(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        titles = [c.title for c in test_app.get_system_commands(test_app.screen)]
        for words in (
            "refresh (r)",
            "pause (p)",
            "shorter interval (-)",
            "filter (/)",
            "export (e)",
            "copy SessionNo (y)",
            "phones (v)",
            "mask (m)",
            "help (?)",
        ):
            assert words in titles, titles
        command = next(c for c in test_app.get_system_commands(test_app.screen) if c.title == "mask (m)")
        await command.callback()
        assert test_app.mask_phones is False


# -- settings: theme, bell ----------------------------------------------------------------


async def test_sort_and_filter_show_in_the_header(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, _, _ = parts(test_app)
        await pilot.press("s", "slash", *"[b]")
        await pilot.pause()
        assert table.column("name").label == "Session ↓oldest /[b]"


async def test_phone_pane_focus_shows_the_full_description(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        _, pane, advice = parts(test_app)
        await pilot.press("tab")
        await pilot.pause()
        assert pane.has_focus
        receipt = next(r for r in test_app.poller.summary(pane.session_no, NOW).phones if r.phone == pane.selected_key)
        assert receipt.desc and receipt.desc in advice.plain
        await pilot.press("shift+tab")
        await pilot.pause()
        assert receipt.desc not in advice.plain and pane.session_no in advice.plain


async def test_empty_watchlist_says_how_to_start(tmp_path):
    app = make_test_app(tmp_path, sessions=0, fresh=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table, pane, advice = parts(app)
        assert table.row_count == 0 and pane.row_count == 0
        assert "press a to add one" in advice.plain
        await pilot.press("y", "d", "l")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert any("no session selected" in n.message for n in app._notifications)
