"""How the phones and failures views open and move: the cursor starts at the top, and what
identifies a row stays in sight."""

from __future__ import annotations

from tests.tui.fake_host import HOUR, NOW, FakePoller, HostApp, cells, receipt
from usms_tui.tui.screens.failures import FailuresScreen
from usms_tui.tui.screens.phones import PhonesScreen

SIZE = (80, 24)


def first_seen_is_small() -> FakePoller:
    """The first failure seen (MK:0001, 1 phone) is not the biggest group (UNDELIV, 3)."""
    poller = FakePoller()
    poller.add("usms-a", [receipt("13800000001", "Fail", "MK:0001", "空号", NOW - 50)], sent_at=NOW - HOUR)
    poller.add(
        "usms-b",
        [receipt(f"1390000000{i}", "Fail", "UNDELIV", "undeliverable", NOW - 40) for i in range(3)],
        sent_at=NOW - HOUR,
    )
    return poller


async def test_failures_view_opens_on_the_biggest_group():
    app = HostApp(FailuresScreen, first_seen_is_small())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.table
        assert [row[1] for row in cells(table)] == [
            "account in arrears",
            "  UNDELIV",
            "number invalid or out of service",
            "  MK:0001",
        ]
        assert table.cursor_row == 0
        await pilot.press("enter")  # opens the group at the top, the one the eye is on
        assert isinstance(app.screen, PhonesScreen)
        assert app.screen.table.row_count == 3
