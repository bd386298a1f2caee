"""The secondary screens on the real app (simulator + ManualClock): live updates arrive in
an open phones or failures view with no restart, by keyboard alone."""

from __future__ import annotations

from tests.tui.conftest import settle
from usms_tui.tui.screens.failures import FailuresScreen
from usms_tui.tui.screens.help import HelpScreen
from usms_tui.tui.screens.phones import PhonesScreen

SIZE = (80, 24)


def failed_phones(screen: FailuresScreen) -> int:
    """The sum of the Count column over the causes' rows (their codes' rows add up to them), as shown."""
    table = screen.table
    rows = [row for row in table.ordered_rows if str(row.key.value).startswith("cause")]
    return sum(int(table.get_row(row.key)[0].plain) for row in rows)


async def test_receipt_arriving_updates_the_open_phones_view(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        fresh = test_app.rig.session_nos[-1]
        await pilot.press("v")
        screen = test_app.screen
        assert isinstance(screen, PhonesScreen)
        key = f"{fresh}\x00" + "13800000001"
        assert screen.table.cells(key)[2] == "… pending"
        test_app.rig.clock.advance(60)
        await pilot.press("r")  # the app's refresh, from inside the view
        await settle(test_app, pilot)
        assert screen.table.cells(key)[2] == "✓ delivered"
        assert screen.table.cells(f"{fresh}\x00" + "13800000002")[2] == "✗ failed"
        assert screen.last_changes.changed >= 2 and screen.last_changes.added == 0


async def test_failures_view_follows_refreshes_and_opens_a_group(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        await pilot.press("f")
        screen = test_app.screen
        assert isinstance(screen, FailuresScreen)
        before = failed_phones(screen)
        test_app.rig.clock.advance(60)
        await pilot.press("r")
        await settle(test_app, pilot)
        assert failed_phones(screen) > before  # the fresh session's failed phone joined a group
        await pilot.press("enter")
        await pilot.pause()
        phones = test_app.screen
        assert isinstance(phones, PhonesScreen) and phones.table.row_count >= 1
        statuses = {phones.table.cells(k)[2] for k in phones.table.keys}
        assert not any(s.startswith(("✓", "…", "!")) for s in statuses)  # failures only
        await pilot.press("escape", "escape")
        assert type(test_app.screen).__name__ == "MainScreen"


async def test_help_from_the_phones_view_lists_the_app_keys(test_app):
    async with test_app.run_test(size=SIZE) as pilot:
        await settle(test_app, pilot)
        await pilot.press("v", "question_mark")
        assert isinstance(test_app.screen, HelpScreen)
        body = str(test_app.screen.query_one("#help-body").render())
        # Every key the app itself binds appears, taken from its bindings.
        for binding in test_app.BINDINGS:
            assert binding.description in body
        assert body.index("Phones view") < body.index("Main screen")
        await pilot.press("question_mark")
        assert isinstance(test_app.screen, PhonesScreen)
