"""Pilot tests of the phones view on a small host app (fake poller, fixed clock; see
fake_host.py): filters, sorts, search, diff-updates, the virtual table's keys and mouse."""

from __future__ import annotations

import json

from tests.tui.fake_host import (
    HOUR,
    NOW,
    FakePoller,
    HostApp,
    HostScreen,
    column,
    fill,
    receipt,
    sample_poller,
    screen_lines,
    until,
)
from usms_tui.domain.receipts import Status
from usms_tui.tui.messages import ReceiptsRefreshed
from usms_tui.tui.screens.export_dialog import ExportDialog
from usms_tui.tui.screens.phones import PhonesScreen
from usms_tui.tui.widgets.advice_line import AdviceLine
from usms_tui.tui.widgets.table_base import Changes

SIZE = (80, 24)


async def test_phones_lists_every_phone_masked_with_status_words():
    app = HostApp(PhonesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.table
        assert table.row_count == 10
        assert column(table, 1)[0] == "138****0001"
        statuses = column(table, 2)
        assert statuses.count("✗ failed") == 3
        assert statuses.count("! overdue") == 2  # 13 h old session, phones never answered
        assert "… pending" in statuses and "? unknown" in statuses
        assert "• Weird" in statuses  # an undocumented result is shown raw
        assert column(table, 0)[0] == "Login codes"  # the label, not the SessionNo


async def test_phones_unmasked_when_the_app_says_so():
    app = HostApp(PhonesScreen, mask_phones=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert column(app.screen.table, 1)[0] == "13800000001"


async def test_phones_show_markup_and_escapes_literally():
    app = HostApp(PhonesScreen)
    async with app.run_test(size=(160, 24)) as pilot:
        await pilot.pause()
        descs = column(app.screen.table, 4)
        assert "[bold red]carrier silent[/]" in descs
        assert "odd \\x1b[31mresult" in descs  # the escape is visible, not executed
        drawn = "\n".join(screen_lines(app.screen.table))
        assert "[bold red]carrier silent[/]" in drawn and "odd \\x1b[31mresult" in drawn
        assert "\x1b" not in drawn


async def test_filter_cycles_all_failed_unknown_pending_overdue_other():
    app = HostApp(PhonesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        seen = []
        for _ in range(6):
            seen.append((screen.phone_filter.name, screen.table.row_count))
            await pilot.press("f")
        assert seen == [("all", 10), ("failed", 3), ("unknown", 1), ("pending", 3), ("overdue", 2), ("other", 1)]
        assert screen.phone_filter.name == "all" and screen.table.row_count == 10
        title = str(screen.query_one("#phones-title").render())
        assert "filter: all" in title and "10 of 10" in title


async def test_constructor_filter_starts_there_and_custom_sets_go_first():
    app = HostApp(lambda: PhonesScreen({Status.FAILED}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.phone_filter.name == "failed"
        assert set(column(app.screen.table, 2)) == {"✗ failed"}
        await pilot.press("f")
        assert app.screen.phone_filter.name == "unknown"
    app = HostApp(lambda: PhonesScreen({Status.FAILED, Status.UNKNOWN}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.phone_filter.name == "failed+unknown"
        assert app.screen.table.row_count == 4
        await pilot.press("f")
        assert app.screen.phone_filter.name == "all"


async def test_sort_cycles_and_status_sort_puts_worst_first():
    app = HostApp(PhonesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("s")
        assert app.screen.sort_mode == "status"
        statuses = column(app.screen.table, 2)
        assert statuses[:5] == ["! overdue", "! overdue", "✗ failed", "✗ failed", "✗ failed"]
        assert statuses[-1] == "✓ delivered"
        await pilot.press("s")
        assert app.screen.sort_mode == "time"
        times = [t for t in column(app.screen.table, 5) if t != "-"]
        assert times == sorted(times, reverse=True)
        assert column(app.screen.table, 5)[-1] == "-"


async def test_refresh_redraws_changed_rows_only():
    poller = sample_poller()
    app = HostApp(PhonesScreen, poller)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        # One pending phone gets its receipt.
        no = "usms-7a1c0f3e-0001"
        old = poller.states[no].receipts
        poller.set_receipts(no, [*old, receipt("13800000004", "Success", "DELIVRD", "ok", NOW - 60, cost=2)])
        screen.post_message(ReceiptsRefreshed(None))
        await pilot.pause()
        assert screen.last_changes == Changes(added=0, removed=0, changed=1)
        key = f"{no}\x00" + "13800000004"
        assert screen.table.cells(key)[2:] == ["✓ delivered", "DELIVRD", "ok", "2026-11-30 07:59:00", "59m", "2"]
        assert "✓ delivered" in screen_lines(screen.table)[4]  # drawn, not only stored
        # Nothing changed: nothing touched.
        screen.post_message(ReceiptsRefreshed(None))
        await pilot.pause()
        assert screen.last_changes == Changes(0, 0, 0)


async def test_refresh_adds_and_removes_rows_by_key():
    poller = sample_poller()
    app = HostApp(PhonesScreen, poller)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        poller.add("usms-new", [receipt("15000000001", "Fail", "E1", "x", NOW)], sent_at=NOW - 60)
        del poller.states["usms-7a1c0f3e-0003"]
        screen.refresh_data()
        assert screen.last_changes == Changes(added=1, removed=1, changed=0)
        assert screen.table.row_count == 10
        assert screen.table.keys[-1] == "usms-new\x0015000000001"
        # A filtered view drops a phone whose status moved out of the filter.
        await pilot.press("f")  # failed
        before = screen.table.row_count
        poller.set_receipts("usms-new", [receipt("15000000001", "Success", "DELIVRD", "", NOW)])
        screen.refresh_data()
        assert screen.table.row_count == before - 1


async def test_mask_toggle_redraws_without_changing_rows():
    app = HostApp(PhonesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "138****0001" in screen_lines(app.screen.table)[1]
        app.mask_phones = False
        app.screen.post_message(ReceiptsRefreshed(None))
        await pilot.pause()
        assert "13800000001" in screen_lines(app.screen.table)[1]
        assert app.screen.last_changes == Changes(0, 0, 0)


async def test_large_view_opens_at_once_and_keys_move_the_cursor():
    poller = FakePoller()
    for s in range(200):
        poller.add(
            f"usms-big-{s:03d}",
            [receipt(f"138{s:03d}{i:05d}", "Success", "DELIVRD", "", NOW) for i in range(100)],
            sent_at=NOW - HOUR,
        )
    app = HostApp(PhonesScreen, poller)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.table
        assert table.row_count == 20_000  # no fill in the background: the table is virtual
        await pilot.press("end")
        assert table.selected_key == "usms-big-199\x0013819900099"
        # Scrolled to the cursor, whose row is the last one above the sideways scrollbar.
        assert "139****0099" not in screen_lines(table)[-2]
        assert "138****0099" in screen_lines(table)[-2]
        await pilot.press("home", "down", "down", "pagedown")
        assert table.cursor_row == 2 + (table.size.height - 2)
        await pilot.press("s")  # status sort keeps the cursor on its row
        assert table.selected_key == table.keys[table.cursor_row]


async def test_left_and_right_scroll_a_column_at_a_time():
    app = HostApp(PhonesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.table
        await pilot.press("right")
        # Session and phone stay; the status column scrolled away, code comes next to them.
        header = screen_lines(table)[0]
        assert table.scroll_x == 14 and header.startswith(" Session ") and " Phone          Code " in header
        await pilot.press("right", "right", "right", "right", "right")
        assert table.scroll_x == table.max_scroll_x  # the last columns are in sight
        header, first_row = screen_lines(table)[:2]
        assert "Cost" in header and header.startswith(" Session         Phone ")
        assert first_row.startswith(" Login codes     138****0001 ")  # still says whose row it is
        await pilot.press("left")
        assert table.scroll_x < table.max_scroll_x
        await pilot.press(*["left"] * 6)
        assert table.scroll_x == 0


async def test_click_selects_a_row():
    app = HostApp(PhonesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.table
        await pilot.click("#phones-table", offset=(5, 3))  # line 3 = third row under the header
        assert table.cursor_row == 2
        await pilot.click("#phones-table", offset=(5, 0))  # the header is not a row
        assert table.cursor_row == 2
        await pilot.press("y")
        assert app.clipboard == "usms-7a1c0f3e-0001"


async def test_phones_copy_session_and_export_rows_and_close():
    app = HostApp(PhonesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("y")
        assert app.clipboard == "usms-7a1c0f3e-0001"
        await pilot.press("f")  # failed
        rows = app.screen.export_rows()
        assert [r["phone"] for r in rows] == ["13800000002", "13800000003", "13900000002"]  # unmasked
        assert rows[0]["status"] == "failed" and rows[0]["label"] == "Login codes"
        await pilot.press("escape")
        assert isinstance(app.screen, HostScreen)
        assert app.results == [None]


async def test_phones_e_exports_the_filtered_view(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = HostApp(PhonesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f", "e")
        assert isinstance(app.screen, ExportDialog)
        assert app.screen.query_one("#path").value == str(tmp_path / "usms-phones.csv")
        await fill(pilot, "#path", str(tmp_path / "failed.json"))
        await pilot.press("enter")
        target = tmp_path / "failed.json"
        await until(pilot, target.exists)
        rows = json.loads(target.read_text())
        assert [r["phone"] for r in rows] == ["13800000002", "13800000003", "13900000002"]
        assert isinstance(app.screen, PhonesScreen)


async def test_search_narrows_by_phone_code_or_description_and_escape_clears():
    app = HostApp(PhonesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("slash", *"undel")
        assert screen.table.row_count == 2  # two UNDELIV phones, by code
        await pilot.press("enter")
        assert screen.table.has_focus and screen.table.row_count == 2
        assert "search: undel" in str(screen.query_one("#phones-title").render())
        await pilot.press("slash", "ctrl+u", *"13900000003")  # a full number finds a masked phone
        assert screen.table.row_count == 1 and screen.table.cells(screen.table.keys[0])[1] == "139****0003"
        await pilot.press("enter", "f")  # search and status filter combine: that phone is "other"
        assert screen.phone_filter.name == "failed" and screen.table.row_count == 0
        assert screen.has_class("-empty")  # says so, and how to get rows back
        await pilot.press("escape")  # clears the search, stays in the view
        assert isinstance(app.screen, PhonesScreen) and screen.table.row_count == 3
        await pilot.press("escape")
        assert isinstance(app.screen, HostScreen)


async def test_line_under_the_table_explains_the_row_under_the_cursor():
    app = HostApp(PhonesScreen)
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        line = app.screen.query_one(AdviceLine)
        assert line.plain == "138****0001: DELIVRD delivered"
        await pilot.press("down", "down", "down")  # a pending phone: the session's details
        assert line.plain.startswith("usms-7a1c0f3e-0001 · Login codes · sent ")
        await pilot.press("f", "f", "f", "f")  # overdue: UCloud's advice, with the SessionNo
        assert app.screen.phone_filter.name == "overdue"
        assert "usms-7a1c0f3e-0002: no receipt after 12 h, contact UCloud support" in line.plain


async def test_theme_change_recolours_the_phones_view():
    app = HostApp(PhonesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.table

        def failed_style():
            strip = table.render_line(2)  # 138****0002, failed
            return next(seg.style for seg in strip if "✗ failed" in seg.text)

        before = failed_style()
        app.theme = "textual-light"
        await pilot.pause()
        after = failed_style()
        assert before.color != after.color  # status colours follow the theme's variables
        assert after.bold  # and failed stays bold, not told by colour alone
