"""Pilot tests of the secondary screens and dialogs, each pushed on a small host app with a
fake poller and a fixed clock (see fake_host.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding

from tests.tui.fake_host import HOUR, NOW, FakePoller, HostApp, HostScreen, receipt, sample_poller
from usms_tui.model import Status
from usms_tui.tui.messages import ReceiptsRefreshed
from usms_tui.tui.screens.add_session import AddSessionDialog
from usms_tui.tui.screens.confirm import ConfirmDialog
from usms_tui.tui.screens.edit_label import EditLabelDialog
from usms_tui.tui.screens.export_dialog import ExportDialog
from usms_tui.tui.screens.failures import FailuresScreen
from usms_tui.tui.screens.help import HelpScreen
from usms_tui.tui.screens._virtual_table import Changes, VirtualTable
from usms_tui.tui.screens.phones import PhonesScreen
from usms_tui.watchlist import WatchedSession

SIZE = (80, 24)


def cells(table) -> list[list[str]]:
    """The table as plain strings, in display order."""
    if isinstance(table, VirtualTable):
        return [table.cells(key) for key in table.keys]
    return [[cell.plain for cell in table.get_row(row.key)] for row in table.ordered_rows]


def screen_lines(table) -> list[str]:
    """What the table draws on screen now, line by line."""
    return [table.render_line(y).text for y in range(table.size.height)]


def column(table, index: int) -> list[str]:
    return [row[index] for row in cells(table)]


class Spy:
    """Counts DataTable mutations, to prove refreshes are diffs, not clear-and-refill."""

    def __init__(self, table, monkeypatch) -> None:
        self.calls: dict[str, list] = {"add_row": [], "remove_row": [], "update_cell": [], "clear": []}
        for name in self.calls:
            original = getattr(table, name)

            def wrapper(*args, _original=original, _name=name, **kwargs):
                self.calls[_name].append(args)
                return _original(*args, **kwargs)

            monkeypatch.setattr(table, name, wrapper)

    def count(self, name: str) -> int:
        return len(self.calls[name])


# -- phones view ---------------------------------------------------------------------------


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
        assert "• SubmitFail" in statuses  # an undocumented result is shown raw
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
        poller.add(f"usms-big-{s:03d}", [receipt(f"138{s:03d}{i:05d}", "Success", "DELIVRD", "", NOW) for i in range(100)], sent_at=NOW - HOUR)
    app = HostApp(PhonesScreen, poller)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.table
        assert table.row_count == 20_000  # no fill in the background: the table is virtual
        await pilot.press("end")
        assert table.selected_key == "usms-big-199\x0013819900099"
        assert "139****0099" not in screen_lines(table)[-1]
        assert "138****0099" in screen_lines(table)[-1]  # scrolled to the cursor
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
        assert table.scroll_x == 16 and screen_lines(table)[0].startswith(" Phone ")
        await pilot.press("right", "right", "right", "right", "right")
        assert table.scroll_x == table.max_scroll_x  # the last columns are in sight
        assert "Cost" in screen_lines(table)[0]
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


# -- failures view -------------------------------------------------------------------------


async def test_failures_grouped_by_code_and_desc_biggest_first():
    app = HostApp(FailuresScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows = cells(app.screen.table)
        assert rows[0][:5] == ["2", "✗ failed", "UNDELIV", "undeliverable", "2"]
        assert len(rows) == 4
        assert ["1", "? unknown", "-", "[bold red]carrier sil…", "1", "usms-7…-0002"] in rows  # literal
        title = str(app.screen.query_one("#failures-title").render())
        assert "5 failed/unknown phones" in title and "4 groups" in title


async def test_failures_refresh_updates_counts_and_reorders(monkeypatch):
    poller = sample_poller()
    app = HostApp(FailuresScreen, poller)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        spy = Spy(screen.table, monkeypatch)
        poller.add("usms-x", [receipt(f"1500000000{i}", "Fail", "MK:0001", "空号", NOW) for i in range(3)], sent_at=NOW - 60)
        screen.post_message(ReceiptsRefreshed(None))
        await pilot.pause()
        assert spy.count("add_row") == 0 and spy.count("clear") == 0
        assert cells(screen.table)[0][:5] == ["4", "✗ failed", "MK:0001", "空号", "2"]


async def test_failures_enter_opens_phones_of_that_group():
    app = HostApp(FailuresScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, PhonesScreen)
        assert screen.table.row_count == 2
        assert set(column(screen.table, 3)) == {"UNDELIV"}
        await pilot.press("escape")
        assert isinstance(app.screen, FailuresScreen)
        await pilot.press("y")
        assert app.clipboard == "usms-7a1c0f3e-0001"
        notes = list(app._notifications)
        assert notes[-1].message == "copied SessionNo usms-7a1c0f3e-0001" and not notes[-1].markup


async def test_failures_empty_says_so():
    poller = FakePoller()
    poller.add("usms-ok", [receipt("13800000001", "Success", "DELIVRD", "", NOW)], sent_at=NOW - 60)
    app = HostApp(FailuresScreen, poller)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-empty")
        assert app.screen.query_one("#failures-empty").display


# -- help ----------------------------------------------------------------------------------


def help_body(app) -> str:
    return str(app.screen.query_one("#help-body").render())


class ZapApp(HostApp):
    BINDINGS = [Binding("z", "bell", "Zap the widgets")]


async def test_help_lists_bindings_from_the_bindings_themselves():
    # A binding added to an app shows up without anyone editing the help screen.
    app = ZapApp(HelpScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        body = help_body(app)
        assert "Zap the widgets" in body and "Refresh now" in body  # app
        assert "Delete session" in body and "Filter sessions" in body  # the screen beneath
        assert "Phones view" in body and "Failures view" in body
        assert "✗ failed" in body and "! overdue" in body
        assert "12-hour rule" in body and "contact UCloud support" in body


@pytest.mark.parametrize("key", ["escape", "question_mark", "q"])
async def test_help_closes(key):
    app = HostApp(HelpScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key)
        assert isinstance(app.screen, HostScreen)


async def test_help_over_phones_view_lists_its_keys():
    app = HostApp(PhonesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(HelpScreen())
        await pilot.pause()
        body = help_body(app)
        assert body.index("Phones view") < body.index("Host screen")  # the screen you came from first
        assert "filter" in body and "copy SessionNo" in body


# -- dialogs -------------------------------------------------------------------------------


async def fill(pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector).value = text
    await pilot.pause()


async def test_add_session_refuses_bad_input_inline():
    app = HostApp(AddSessionDialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = app.screen
        await pilot.press("enter")
        assert dialog.error_text == "SessionNo refused: empty."
        assert dialog.query_one("#session-no").has_class("-invalid")
        await fill(pilot, "#session-no", "abc def")
        await pilot.press("enter")
        assert dialog.error_text == "SessionNo refused: contains whitespace."
        await fill(pilot, "#session-no", "x" * 129)
        await pilot.press("enter")
        assert "longer than 128" in dialog.error_text
        await fill(pilot, "#session-no", "  usms-ok  ")
        await fill(pilot, "#sent-at", "yesterday-ish")
        await pilot.press("enter")
        assert dialog.error_text.startswith("Sent at refused: 'yesterday-ish' is not a time")
        assert app.screen.focused.id == "sent-at"
        await fill(pilot, "#sent-at", str(NOW + 2 * HOUR))
        await pilot.press("enter")
        assert dialog.error_text == "Sent at refused: that is in the future."
        await fill(pilot, "#sent-at", "")
        await fill(pilot, "#phones", "13800000001, [b]x[/b]")
        await pilot.press("enter")
        assert dialog.error_text == "Phones refused: '[b]x[/b]' is not a phone number."  # literal, not markup
        assert app.results == []


async def test_add_session_returns_a_watched_session():
    app = HostApp(AddSessionDialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*" u42 ", "tab", *"N", "tab", *"2h ago", "tab")  # typed, field to field
        await fill(pilot, "#label", "Night batch")
        await fill(pilot, "#phones", "13800000001,13800000002 13800000001")
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [
            WatchedSession(
                session_no="u42",
                label="Night batch",
                added_at=NOW,
                sent_at=NOW - 2 * HOUR,
                phones=("13800000001", "13800000002"),
            )
        ]


async def test_add_session_iso_time_and_escape():
    app = HostApp(AddSessionDialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await fill(pilot, "#session-no", "usms-1")
        await fill(pilot, "#sent-at", "2026-11-30T07:00:00Z")
        await pilot.press("enter")
        assert app.results[0].sent_at == NOW - HOUR and app.results[0].label == ""
    app = HostApp(AddSessionDialog)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", "escape")
        assert app.results == [None]


async def test_edit_label_prefilled_saved_trimmed_and_checked():
    app = HostApp(lambda: EditLabelDialog("usms-1", "Old [b]label"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        field = app.screen.query_one("#label")
        assert field.value == "Old [b]label"
        field.value = "bad\x07bell"
        await pilot.press("enter")
        assert app.screen.error_text == "Label refused: contains a control character."
        field.value = "  New label  "
        await pilot.press("enter")
        assert app.results == ["New label"]
    app = HostApp(lambda: EditLabelDialog("usms-1", "x"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        assert app.results == [None]


@pytest.mark.parametrize(("keys", "answer"), [(["y"], True), (["enter"], True), (["n"], False), (["escape"], False), (["tab", "enter"], False)])
async def test_confirm_dialog(keys, answer):
    app = HostApp(lambda: ConfirmDialog("Delete [b]usms-1[/b]?"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert str(app.screen.query_one("#question").render()) == "Delete [b]usms-1[/b]?"
        await pilot.press(*keys)
        assert app.results == [answer]


async def test_export_dialog_default_and_format(tmp_path):
    app = HostApp(lambda: ExportDialog(tmp_path / "phones.csv"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = app.screen
        assert dialog.fmt == "csv"
        await fill(pilot, "#path", str(tmp_path / "out.json"))
        assert dialog.fmt == "json"  # the name chose the format
        assert "Enter exports JSON" in str(dialog.query_one("#dialog-hint").render())
        dialog.query_one("#format-csv").value = True
        await pilot.pause()
        assert dialog.query_one("#path").value == str(tmp_path / "out.csv")  # the format fixed the name
        dialog.query_one("#path").focus()
        await pilot.press("enter")
        assert app.results == [("csv", tmp_path / "out.csv")]


async def test_export_dialog_format_by_keyboard(tmp_path):
    app = HostApp(lambda: ExportDialog(tmp_path / "phones.csv"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab", "right", "enter")  # to the format, JSON, pick it
        await pilot.pause()
        assert app.screen.focused.id == "path"  # back on the path: the next Enter exports
        await pilot.press("enter")
        assert app.results == [("json", tmp_path / "phones.json")]


async def test_help_scrolls_by_keyboard():
    app = HostApp(HelpScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#help-box")
        assert box.max_scroll_y > 0 and box.scroll_y == 0
        await pilot.press("pagedown")
        assert box.scroll_y > 0


async def test_export_dialog_refuses_bad_paths_and_asks_before_replacing(tmp_path):
    existing = tmp_path / "there.json"
    existing.write_text("[]")
    app = HostApp(lambda: ExportDialog(Path(tmp_path / "missing" / "x.csv")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = app.screen
        await pilot.press("enter")
        assert dialog.error_text == f"Cannot export: the folder {tmp_path / 'missing'} does not exist."
        await fill(pilot, "#path", str(tmp_path))
        await pilot.press("enter")
        assert dialog.error_text == f"Cannot export: {tmp_path} is a folder."
        await fill(pilot, "#path", str(existing))
        await pilot.press("enter")
        assert "exists: press Enter again" in dialog.error_text
        assert app.results == []
        await pilot.press("enter")
        assert app.results == [("json", existing)]


async def test_export_dialog_escape():
    app = HostApp(lambda: ExportDialog("x.csv"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        assert app.results == [None]


async def _until(pilot, condition, tries: int = 100) -> None:
    """Let the app work (a thread writing a file) until ``condition()``; never sleeps."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    raise AssertionError("condition never became true")


async def test_phones_e_exports_the_filtered_view(tmp_path, monkeypatch):
    import json

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
        await _until(pilot, target.exists)
        rows = json.loads(target.read_text())
        assert [r["phone"] for r in rows] == ["13800000002", "13800000003", "13900000002"]
        assert isinstance(app.screen, PhonesScreen)


async def test_failures_e_exports_groups_as_csv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = HostApp(FailuresScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e", "enter")
        target = tmp_path / "usms-failures.csv"
        await _until(pilot, target.exists)
        lines = target.read_text(encoding="utf-8").splitlines()
        assert lines[0] == "code,desc,count,statuses,sessions,example_session_no"
        assert lines[1].startswith("UNDELIV,undeliverable,2,")


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
        from usms_tui.tui.widgets.advice_line import AdviceLine

        line = app.screen.query_one(AdviceLine)
        assert line.plain == "138****0001: DELIVRD delivered"
        await pilot.press("down", "down", "down")  # a pending phone: the session's details
        assert line.plain.startswith("usms-7a1c0f3e-0001 · Login codes · sent ")
        await pilot.press("f", "f", "f", "f")  # overdue: UCloud's advice, with the SessionNo
        assert app.screen.phone_filter.name == "overdue"
        assert "contact UCloud support with SessionNo usms-7a1c0f3e-0002" in line.plain
