"""Pilot tests of the failures view, help and the dialogs, each pushed on a small host app
with a fake poller and a fixed clock (see fake_host.py). The phones view has its own file."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding

from tests.tui.fake_host import (
    HOUR,
    NOW,
    FakePoller,
    HostApp,
    HostScreen,
    Spy,
    cells,
    column,
    fill,
    receipt,
    sample_poller,
    until,
)
from usms_tui.store.watchlist import WatchedSession
from usms_tui.tui.messages import ReceiptsRefreshed
from usms_tui.tui.screens.add_session import AddSessionDialog
from usms_tui.tui.screens.confirm import ConfirmDialog
from usms_tui.tui.screens.edit_label import EditLabelDialog
from usms_tui.tui.screens.export_dialog import ExportDialog
from usms_tui.tui.screens.failures import FailuresScreen
from usms_tui.tui.screens.help import HelpScreen
from usms_tui.tui.screens.phones import PhonesScreen

SIZE = (80, 24)


# -- failures view -------------------------------------------------------------------------


async def test_failures_grouped_by_cause_then_code_biggest_first():
    app = HostApp(FailuresScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows = [row[:4] for row in cells(app.screen.table)]
        assert rows == [
            # Both UNDELIV phones are China Mobile numbers: 用户欠费停机 there.
            ["2", "account in arrears", "", "2"],
            ["2", "  UNDELIV", "用户欠费停机", "2"],
            # A code in no table keeps its raw description, shown literally.
            ["2", "not in the table", "", "1"],
            ["1", "  -", "[bold red]carri…", "1"],
            ["1", "  X:1", "odd \\x1b[31mres…", "1"],
            ["1", "number invalid or out of service", "", "1"],
            ["1", "  MK:0001", "空号", "1"],
        ]
        title = str(app.screen.query_one("#failures-title").render())
        assert "5 phones not delivered" in title and "3 causes" in title


async def test_failures_refresh_updates_counts_and_reorders(monkeypatch):
    poller = sample_poller()
    app = HostApp(FailuresScreen, poller)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        spy = Spy(screen.table, monkeypatch)
        poller.add(
            "usms-x", [receipt(f"1500000000{i}", "Fail", "MK:0001", "空号", NOW) for i in range(3)], sent_at=NOW - 60
        )
        screen.post_message(ReceiptsRefreshed(None))
        await pilot.pause()
        assert spy.count("add_row") == 0 and spy.count("clear") == 0
        rows = cells(screen.table)
        assert rows[0][:4] == ["4", "number invalid or out of service", "", "2"]
        assert rows[1][:4] == ["4", "  MK:0001", "空号", "2"]


async def test_failures_enter_opens_phones_of_that_cause_or_code():
    app = HostApp(FailuresScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the cause "account in arrears"
        screen = app.screen
        assert isinstance(screen, PhonesScreen)
        assert screen.table.row_count == 2
        assert set(column(screen.table, 3)) == {"UNDELIV"}
        assert "account in arrears" in str(screen.query_one("#phones-title").render())
        await pilot.press("escape")
        assert isinstance(app.screen, FailuresScreen)
        await pilot.press("down", "down", "down", "down", "enter")  # the code X:1 under "not in the table"
        assert isinstance(app.screen, PhonesScreen)
        assert column(app.screen.table, 3) == ["X:1"]
        await pilot.press("escape")
        await pilot.press("y")
        assert app.clipboard == "usms-7a1c0f3e-0002"
        notes = list(app._notifications)
        assert notes[-1].message == "copied SessionNo usms-7a1c0f3e-0002" and not notes[-1].markup


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
        assert (
            dialog.error_text
            == f"Sent at refused: '{NOW + 2 * HOUR}' is 2h00m in the future (a send time must be in the past)."
        )
        await fill(pilot, "#sent-at", "")
        await fill(pilot, "#phones", "13800000001, [b]x[/b]")
        await pilot.press("enter")
        assert dialog.error_text.startswith("Phones refused: '[b]x[/b]' is not a phone number")  # literal, not markup
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
        assert app.screen.error_text == "Label refused: contains a control character (U+0007)."
        field.value = "  New label  "
        await pilot.press("enter")
        assert app.results == ["New label"]
    app = HostApp(lambda: EditLabelDialog("usms-1", "x"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        assert app.results == [None]


@pytest.mark.parametrize(
    ("keys", "answer"),
    [(["y"], True), (["enter"], True), (["n"], False), (["escape"], False), (["tab", "enter"], False)],
)
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


async def test_failures_e_exports_groups_as_csv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = HostApp(FailuresScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e", "enter")
        target = tmp_path / "usms-failures.csv"
        await until(pilot, target.exists)
        lines = target.read_text(encoding="utf-8").splitlines()
        assert lines[0] == "cause,code,meaning,count,sessions,example_session_no"
        assert lines[1] == "arrears,UNDELIV,用户欠费停机,2,2,usms-7a1c0f3e-0001"


async def test_help_filters_as_you_type():
    app = HostApp(HelpScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e", "x", "p")
        await pilot.pause()
        assert app.screen.query_one("#help-search").value == "exp"  # the first letter kept
        body = help_body(app)
        assert "xport" in body.lower()
        assert "Refresh now" not in body and "12-hour rule" not in body  # what does not match is gone
        await pilot.press("q")  # in the search, q is a letter, not "close"
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "nothing in help matches" in help_body(app)
        await pilot.press("escape")  # clears the search
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and "Refresh now" in help_body(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HostScreen)


async def test_help_is_centred_at_200_columns():
    app = HostApp(HelpScreen)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#help-box")
        left, right = box.region.x, 200 - box.region.right
        assert abs(left - right) <= 1 and box.region.width <= 100
