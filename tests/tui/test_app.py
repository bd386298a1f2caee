"""Pilot tests of the real app over the simulator: every key of the main screen, live updates,
errors, alerts and literal rendering of untrusted text. Time is a ManualClock; nothing sleeps."""

from __future__ import annotations

import json

import pytest

from usms_tui.model import Receipt
from usms_tui.simulator import Fault
from usms_tui.tui.app import INTERVALS
from usms_tui.tui.screens.main import MainScreen
from usms_tui.tui.text import literal, progress_bar, shorten, status_cell
from usms_tui.tui.widgets.advice_line import AdviceLine
from usms_tui.tui.widgets.phone_pane import PhonePane
from usms_tui.tui.widgets.session_table import SessionTable
from usms_tui.watchlist import WatchedSession, Watchlist

from .conftest import NOW, make_test_app, screen_text, settle

SIZE = (80, 24)


def needs(module: str) -> None:
    """Skip while a screen or module written alongside (by another helper) is not there yet."""
    pytest.importorskip(module)


def parts(app):
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen.query_one(SessionTable), screen.query_one(PhonePane), screen.query_one(AdviceLine)


def status_of(pane: PhonePane, phone: str) -> str:
    return pane.get_cell(phone, "status").plain


# -- pure helpers -----------------------------------------------------------------------


def test_literal_keeps_markup_and_escapes_visible():
    text = literal("[bold red]x[/] \x1b[31mEVIL\u202e")
    assert text.plain == "[bold red]x[/] \\x1b[31mEVIL\\u202e"
    assert not text.spans


def test_status_cell_is_symbol_and_word():
    from usms_tui.model import Status

    assert status_cell(Status.DELIVERED).plain == "✓ delivered"
    assert status_cell(Status.FAILED).plain == "✗ failed"
    assert status_cell(Status.PENDING, overdue=True).plain == "! overdue"
    assert status_cell(Status.OTHER, "SubmitFail").plain == "• SubmitFail"
    assert status_cell(Status.OTHER, "[b]x\x1b").plain == "• [b]x\\x1b"


def test_progress_bar_and_shorten():
    assert progress_bar(2 / 3) == "████░░  67%"
    assert progress_bar(1.0) == "██████ 100%"
    assert shorten("c7ece75d-b582-4b6f-bafd-51da02a03873", 17) == "c7ece75d…a02a03873"[:8] + "…" + "a02a03873"[1:]
    assert len(shorten("x" * 50, 12)) == 12


# -- start and live updates -------------------------------------------------------------


async def test_starts_with_first_session_selected_and_phones_shown(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, pane, advice = parts(test_app)
        rig = test_app.rig
        assert table.keys == rig.session_nos
        assert table.cursor_row == 0 and table.selected_key == rig.session_nos[0]
        assert pane.session_no == rig.session_nos[0]
        assert pane.row_count == 4
        assert rig.session_nos[0] in advice.plain
        state = test_app.bar_state()
        assert state.last_refresh == NOW and not state.error and state.next_in is not None
        text = screen_text(test_app)
        assert "API ✓ ok" in text and "overdue" in text and "refreshed" in text


async def test_shows_the_cache_before_the_first_answer(tmp_path):
    app = make_test_app(tmp_path)
    app.rig.sim.add_fault(Fault.RET150, 1.0)  # the first answer never comes right
    first = app.rig.session_nos[0]
    app.rig.poller.load()
    app.rig.poller.states[first].receipts = [Receipt.from_api({"Phone": "1", "ReceiptResult": "Success"})]
    app.loaded = True  # as if the cache had been read: the screen must show it at once
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table, pane, _ = parts(app)
        assert table.get_cell(first, "delivered").plain == "1"
        assert "✗" in app.bar_state().error or "RetCode 150" in app.bar_state().error
        assert "⚠" in table.get_cell(first, "name").plain  # stale: its last refresh failed


async def test_live_receipt_updates_pane_by_diff(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, pane, _ = parts(test_app)
        fresh = test_app.rig.session_nos[-1]
        table.select_key(fresh)
        await pilot.pause()
        assert pane.session_no == fresh
        assert status_of(pane, "13800000001") == "… pending"
        # Refreshes must diff-update: fail loudly if anything clears a table.
        cleared: list[str] = []
        table.clear = lambda *a, **k: cleared.append("sessions")  # type: ignore[method-assign]
        pane.clear = lambda *a, **k: cleared.append("phones")  # type: ignore[method-assign]
        test_app.rig.clock.advance(60)
        await pilot.press("r")
        await settle(test_app, pilot)
        assert status_of(pane, "13800000001") == "✓ delivered"
        assert status_of(pane, "13800000002") == "✗ failed"
        assert table.get_cell(fresh, "delivered").plain == "2"
        assert cleared == []
        # A phone that turned failed is news: an alert names it (masked).
        messages = [n.message for n in test_app._notifications]
        assert any("138****0002" in m for m in messages)


async def test_watchlist_changed_in_another_shell_appears_next_cycle(test_app, tmp_path):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, _, _ = parts(test_app)
        other = Watchlist(test_app.rig.watchlist.path)
        other.load()
        other.add([WatchedSession("from-another-shell", label="cron job", added_at=NOW)])
        other.remove([test_app.rig.session_nos[1]])
        test_app.rig.clock.advance(1)
        test_app.refresh_now()
        await settle(test_app, pilot)
        assert "from-another-shell" in table.keys
        assert test_app.rig.session_nos[1] not in table.keys


# -- errors -----------------------------------------------------------------------------


async def test_fatal_error_stops_polling_until_r(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, _, _ = parts(test_app)
        rows_before = table.row_count
        test_app.rig.sim.add_fault(Fault.RET171, 1.0)
        await pilot.press("r")
        await settle(test_app, pilot)
        state = test_app.bar_state()
        assert test_app.stopped is not None and state.stopped
        assert "RetCode 171" in state.error and "req " in state.error
        assert test_app._timer is None  # no polling while the key is wrong
        assert table.row_count == rows_before  # the data stays
        assert any(n.severity == "error" for n in test_app._notifications)
        assert "stopped: press r" in screen_text(test_app)
        test_app.rig.sim.clear_faults()
        await pilot.press("r")
        await settle(test_app, pilot)
        assert test_app.stopped is None and not test_app.bar_state().error
        assert test_app._timer is not None


async def test_transient_errors_keep_data_and_mark_stale(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, _, advice = parts(test_app)
        first = test_app.rig.session_nos[-1]  # still pending, so polled (settled ones are not)
        table.select_key(first)
        delivered = table.get_cell(first, "delivered").plain
        test_app.rig.sim.add_fault(Fault.HTTP503, 1.0)
        await pilot.press("r")
        await settle(test_app, pilot)
        state = test_app.bar_state()
        assert "HTTP 503" in state.error and state.failures == 1 and state.stale > 0
        assert table.get_cell(first, "delivered").plain == delivered
        assert table.get_cell(first, "name").plain.startswith("⚠")
        assert "last refresh failed" in advice.plain
        assert test_app._timer is not None  # transient: keeps polling


# -- keys -------------------------------------------------------------------------------


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
        assert test_app.paused and test_app._timer is None
        assert "paused" in screen_text(test_app)
        requests = test_app.rig.sim.requests
        test_app.rig.clock.advance(test_app.interval)  # the fresh session is due again
        await pilot.press("p")
        await settle(test_app, pilot)
        assert not test_app.paused and test_app._timer is not None
        assert test_app.rig.sim.requests > requests  # resuming refreshes at once


async def test_interval_keys_clamp(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        assert test_app.interval == 30
        await pilot.press("plus")
        assert test_app.interval == 45 and test_app.poller.interval == 45
        await pilot.press(*["plus"] * len(INTERVALS))
        assert test_app.interval == INTERVALS[-1] == 600
        await pilot.press(*["minus"] * (len(INTERVALS) + 1))
        assert test_app.interval == INTERVALS[0] == 10


async def test_filter_and_escape(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, _, _ = parts(test_app)
        await pilot.press("slash", *"batch 3")
        await pilot.pause()
        assert table.row_count == 1
        assert table.get_cell(table.keys[0], "name").plain.strip().startswith("batch 3")
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
        assert "payroll" in table.get_cell(second, "name").plain


async def test_export_writes_the_current_view(test_app, tmp_path):
    needs("usms_tui.tui.screens.export_dialog")
    needs("usms_tui.exporting")
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


@pytest.mark.parametrize("key,screen_name", [("v", "PhonesScreen"), ("f", "FailuresScreen"), ("question_mark", "HelpScreen")])
async def test_views_open_and_close(test_app, key, screen_name):
    needs({"PhonesScreen": "usms_tui.tui.screens.phones", "FailuresScreen": "usms_tui.tui.screens.failures"}.get(screen_name, "usms_tui.tui.screens.help"))
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
        for words in ("refresh (r)", "pause (p)", "shorter interval (-)", "filter (/)", "export (e)", "copy SessionNo (y)", "phones (v)", "mask (m)", "help (?)"):
            assert words in titles, titles
        command = next(c for c in test_app.get_system_commands(test_app.screen) if c.title == "mask (m)")
        await command.callback()
        assert test_app.mask_phones is False


# -- settings: theme, bell ----------------------------------------------------------------


async def test_theme_and_bell_from_settings(tmp_path):
    app = make_test_app(tmp_path, settings={"theme": "ansi-dark", "bell": True})
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.theme == "ansi-dark"
        app.rig.clock.advance(60)
        await pilot.press("r")
        await settle(app, pilot)
        assert rings  # a phone of the fresh send failed: news, with the bell


# -- untrusted text -----------------------------------------------------------------------


async def test_markup_and_escapes_from_the_api_render_literally(tmp_path):
    evil = "[bold red]x[/] \x1b[31mEVIL"
    app = make_test_app(tmp_path, extra=[WatchedSession("evil-1", label=evil, added_at=NOW, sent_at=NOW - 60)])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        app.poller.states["evil-1"].receipts = [
            Receipt.from_api({"Phone": "13812341234", "ReceiptResult": "Fail", "ReceiptCode": "[i]c", "ReceiptDesc": evil, "ReceiptTime": NOW})
        ]
        table, pane, advice = parts(app)
        await app.screen.refresh_data()
        table.select_key("evil-1")
        await pilot.pause()
        text = screen_text(app)
        assert "[bold red]x[/] \\x1b[31mEVIL" in text  # the label in the table and the desc
        assert text.count("\\x1b[31mEVIL") >= 2
        assert "[i]c" in text
        assert "\x1b[31mEVIL" not in pane.get_cell("13812341234", "desc").plain


async def test_sort_and_filter_show_in_the_header(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, _, _ = parts(test_app)
        await pilot.press("s", "slash", *"[b]")
        await pilot.pause()
        assert table.columns[table.column_key("name")].label.plain == "Session ↓age /[b]"


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


async def test_session_becoming_overdue_is_an_alert(tmp_path):
    quiet = WatchedSession("quiet-1", label="night batch", added_at=NOW - 11.9 * 3600, sent_at=NOW - 11.9 * 3600, phones=("13700000001",))
    app = make_test_app(tmp_path, extra=[quiet])
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table, _, _ = parts(app)
        assert not table.get_cell("quiet-1", "name").plain.startswith("⚠")
        app.rig.clock.advance(0.2 * 3600)
        await pilot.press("r")
        await settle(app, pilot)
        assert table.get_cell("quiet-1", "name").plain.startswith("⚠")
        assert table.get_cell("quiet-1", "age").plain.startswith("!")
        assert any("overdue: night batch" in n.message for n in app._notifications)
        table.select_key("quiet-1")
        await pilot.pause()
        _, pane, advice = parts(app)
        assert "contact UCloud support with SessionNo quiet-1" in advice.plain
        assert pane.get_cell("13700000001", "status").plain == "! overdue"


async def test_no_color_keeps_every_status_readable(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_test_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.no_color
        table, _, _ = parts(app)
        table.select_key(app.rig.session_nos[0])
        await pilot.pause()
        text = screen_text(app)
        assert "✓ delivered" in text and "✗ failed" in text and "overdue" in text


async def test_unknown_theme_is_a_warning_not_a_crash(tmp_path):
    app = make_test_app(tmp_path, settings={"theme": "no-such-theme"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert any("no-such-theme" in n.message for n in app._notifications)


async def test_theme_change_recolours_cells_in_place(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, _, _ = parts(test_app)
        first = table.keys[0]
        cell = table.get_cell(first, "failed")
        before = cell.style
        test_app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        assert table.get_cell(first, "failed") is cell  # same cell object: restyled, not rebuilt
        assert cell.style != before and cell.style == table.style_for("-failed")


async def test_error_text_from_the_api_is_not_markup(test_app):
    from usms_tui.api.errors import BatchError, ErrorKind
    from usms_tui.poller import RefreshReport

    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        evil = BatchError(ErrorKind.OTHER, "bad [/oops] [bold red]x[/]", ret_code=230, request_id="[i]req")

        async def failing_refresh(force=False, only=None):
            return RefreshReport(errors=[evil])

        test_app.poller.refresh = failing_refresh
        await pilot.press("r")
        await settle(test_app, pilot)  # an unbalanced [/oops] as markup would raise here
        assert any("[/oops] [bold red]x[/]" in n.message for n in test_app._notifications)
        assert "req [i]req" in test_app.bar_state().error
        assert "[i]req" in screen_text(test_app)


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
