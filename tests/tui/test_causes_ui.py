"""The phones view's cause filter (c) and the phone pane's meaning and detail line."""

from __future__ import annotations

from tests.tui.conftest import settle
from tests.tui.fake_host import HostApp, column
from usms_tui.tui.screens.phones import PhonesScreen
from usms_tui.tui.widgets.phone_detail import PhoneDetail
from usms_tui.tui.widgets.phone_pane import PhonePane

SIZE = (80, 24)


async def test_c_cycles_the_causes_present_and_names_it_in_the_title():
    app = HostApp(PhonesScreen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        await pilot.press("c")  # the biggest cause first
        assert set(column(screen.table, 3)) == {"UNDELIV"}
        assert "cause: account in arrears" in str(screen.query_one("#phones-title").render())
        await pilot.press("c", "c")
        assert column(screen.table, 3) == ["MK:0001"]
        await pilot.press("c")  # past the last cause: every phone again
        assert "cause:" not in str(screen.query_one("#phones-title").render())
        assert screen.table.row_count > 5


async def test_phone_pane_shows_the_meaning_and_the_detail_line_the_advice(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        pane = test_app.screen.query_one(PhonePane)
        detail = test_app.screen.query_one(PhoneDetail)
        assert detail.plain.startswith("delivery p50 ")  # no phone focused: the session's times
        await pilot.press("tab")
        await settle(test_app, pilot)
        for _ in range(pane.row_count):
            if pane.cells(pane.selected_key)[1].startswith("✗"):
                break
            await pilot.press("down")
            await settle(test_app, pilot)
        row = pane.cells(pane.selected_key)
        assert row[1].startswith("✗") and row[3] not in ("", "-")
        assert detail.plain.startswith("cause: ") and "(by prefix)" in detail.plain
        assert "advice: " in detail.plain or "no advice published" in detail.plain
