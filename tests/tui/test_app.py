"""Pilot tests of the real app over the simulator: start from the cache, live updates, errors,
alerts, settings and literal rendering of untrusted text. Time is a ManualClock; nothing sleeps."""

from __future__ import annotations

import contextlib
import sqlite3

from usms_tui.domain.receipts import Receipt
from usms_tui.simulator import Fault
from usms_tui.store.watchlist import WatchedSession, Watchlist

from .conftest import NOW, make_test_app, screen_text, settle
from .screen_parts import SIZE, parts, status_of

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
    app.controller.loaded = True  # as if the cache had been read: the screen must show it at once
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table, _pane, _ = parts(app)
        assert table.cell(first, "delivered")[0] == "1"
        assert "✗" in app.bar_state().error or "RetCode 150" in app.bar_state().error
        assert "⚠" in table.cell(first, "name")[0]  # stale: its last refresh failed


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
        assert table.cell(fresh, "delivered")[0] == "2"
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


async def test_watchlist_saved_broken_elsewhere_is_reported_and_data_kept(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, _, _ = parts(test_app)
        rows_before = table.row_count
        path = test_app.rig.watchlist.path
        path.write_text('{"version": 1, "sessions": [', encoding="utf-8")  # an editor saved half a file
        broken = path.read_bytes()
        test_app.rig.clock.advance(1)
        test_app.refresh_now()
        await settle(test_app, pilot)
        assert table.row_count == rows_before  # what was on screen stays
        assert str(path) in test_app.bar_state().error or any(
            str(path) in str(n.message) for n in test_app._notifications
        )
        assert "crashed" not in " ".join(str(n.message) for n in test_app._notifications)
        assert test_app._timer is not None  # keeps cycling, so a fixed file is picked up
        assert path.read_bytes() == broken  # never rewritten
        state = test_app.bar_state()
        assert str(path) in state.watchlist_error and not state.error and not state.stopped  # not the API's fault
        assert "API ✗" not in screen_text(test_app) and "stopped: press r" not in screen_text(test_app)


async def test_watchlist_corrupt_at_start_waits_for_the_file_not_for_r(tmp_path):
    """A corrupt watchlist is not a fatal API error: no "stopped: press r", no request with
    nothing to ask for; the file is read again every cycle and polling starts once it reads."""
    app = make_test_app(tmp_path)
    path = app.rig.watchlist.path
    good = path.read_bytes()
    path.write_text('{"version": 1, "sessions": [', encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "stopped: press r" not in text and "watchlist not loaded" in text
        state = app.bar_state()
        assert not state.stopped and str(path) in state.watchlist_error
        assert any(str(path) in n.message and n.severity == "error" for n in app._notifications)
        assert app._timer is not None and app.rig.sim.requests == 0
        path.write_bytes(good)  # fixed from another shell
        app.rig.clock.advance(30)
        app._timer_fired()  # what the timer does when it fires: no key pressed
        await settle(app, pilot)
        table, _, _ = parts(app)
        assert table.keys == app.rig.session_nos
        state = app.bar_state()
        assert not state.watchlist_error and state.last_refresh == NOW + 30 and not state.loading
        assert any("watchlist reads again" in n.message for n in app._notifications)


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
        assert test_app.controller.stopped is not None and state.stopped
        assert "RetCode 171" in state.error and "req " in state.error
        assert test_app._timer is None  # no polling while the key is wrong
        assert table.row_count == rows_before  # the data stays
        assert any(n.severity == "error" for n in test_app._notifications)
        assert "stopped: press r" in screen_text(test_app)
        test_app.rig.sim.clear_faults()
        await pilot.press("r")
        await settle(test_app, pilot)
        assert test_app.controller.stopped is None and not test_app.bar_state().error
        assert test_app._timer is not None


async def test_transient_errors_keep_data_and_mark_stale(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        table, _, advice = parts(test_app)
        first = test_app.rig.session_nos[-1]  # still pending, so polled (settled ones are not)
        table.select_key(first)
        delivered = table.cell(first, "delivered")[0]
        test_app.rig.sim.add_fault(Fault.HTTP503, 1.0)
        await pilot.press("r")
        await settle(test_app, pilot)
        state = test_app.bar_state()
        assert "HTTP 503" in state.error and state.failures == 1 and state.stale > 0
        assert table.cell(first, "delivered")[0] == delivered
        assert table.cell(first, "name")[0].startswith("⚠")
        assert advice.plain.startswith("⚠ refresh failed: HTTP 503 · request id ")
        assert test_app._timer is not None  # transient: keeps polling


# -- keys -------------------------------------------------------------------------------


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
    app = make_test_app(tmp_path, extra=[WatchedSession("evil-1", label="EVIL-LABEL", added_at=NOW, sent_at=NOW - 60)])
    # `add` refuses such a label; a hand-edited watchlist can still hold one.
    with contextlib.closing(sqlite3.connect(app.watchlist.path)) as conn, conn:
        conn.execute("UPDATE sessions SET label = ? WHERE session_no = 'evil-1'", (evil,))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        app.poller.states["evil-1"].receipts = [
            Receipt.from_api(
                {
                    "Phone": "13812341234",
                    "ReceiptResult": "Fail",
                    "ReceiptCode": "[i]c",
                    "ReceiptDesc": evil,
                    "ReceiptTime": NOW,
                }
            )
        ]
        table, pane, _advice = parts(app)
        await app.screen.refresh_data()
        table.select_key("evil-1")
        await pilot.pause()
        text = screen_text(app)
        assert "[bold red]x[/] \\x1b[31mEVIL" in text  # the label in the table and the desc
        assert text.count("\\x1b[31mEVIL") >= 2
        assert "[i]c" in text
        assert "\x1b[31mEVIL" not in pane.get_cell("13812341234", "desc").plain


async def test_session_becoming_overdue_is_an_alert(tmp_path):
    quiet = WatchedSession(
        "quiet-1", label="night batch", added_at=NOW - 11.9 * 3600, sent_at=NOW - 11.9 * 3600, phones=("13700000001",)
    )
    app = make_test_app(tmp_path, extra=[quiet])
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table, _, _ = parts(app)
        assert not table.cell("quiet-1", "name")[0].startswith("⚠")
        app.rig.clock.advance(0.2 * 3600)
        await pilot.press("r")
        await settle(app, pilot)
        assert table.cell("quiet-1", "name")[0].startswith("⚠")
        assert table.cell("quiet-1", "age")[0].startswith("!")
        assert any("overdue: night batch" in n.message for n in app._notifications)
        table.select_key("quiet-1")
        await pilot.pause()
        _, pane, advice = parts(app)
        assert "quiet-1: no receipt after 12 h, contact UCloud support" in advice.plain
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
        failed = next(key for key in table.keys if table.cell(key, "failed") == ("1", "-failed"))
        before = table.style_for("-failed")
        test_app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        after = table.style_for("-failed")
        assert after != before and after.color is not None
        line = table.render_line(1 + table.keys.index(failed) - int(table.scroll_y))
        colours = {segment.style.color for segment in line if segment.style and segment.text.strip() == "1"}
        assert after.color in colours and before.color not in colours  # drawn anew, in the new theme


async def test_error_text_from_the_api_is_not_markup(test_app):
    from usms_tui.domain.failures import BatchError, ErrorKind
    from usms_tui.monitor.poller import RefreshReport

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
