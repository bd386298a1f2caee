"""The events screen fits its rows: at 80 columns the What column still shows the message."""

from __future__ import annotations

from usms_tui.monitor.alert_events import AlertEvent

from .conftest import NOW, make_test_app, screen_text, settle

LONG = (
    "API refuses the requests: RetCode 171, signature verification failed: the private key does not "
    "match the public key; check UCLOUD_PRIVATE_KEY or the profile's credential.json"
)


def _events_app(tmp_path):
    return make_test_app(tmp_path)


async def _open_events(pilot) -> None:
    app = pilot.app
    await settle(app, pilot)
    # Made here, not by a simulator fault, whose request ids are random (the snapshot would change).
    app.controller.events.add(AlertEvent("api_fatal", NOW + 1, extra={"ret_code": 171, "message": "RetCode 171"}))
    app.controller.events.add(
        AlertEvent(
            "refresh_failed",
            NOW + 5,
            extra={
                "ret_code": 230,
                "request_id": "5f0e2c1a-8d3b-4c9e-a7f1-0b6d2e9c4a13",
                "sessions": ["c7ece75d-b582-4b6f-bafd-51da02a03873", "36f2f3b1-0c6e-4a55-9d2a-8e5b847f5c3"],
                "message": LONG,
            },
        )
    )
    app.clear_notifications()
    await pilot.press("E")
    await pilot.pause()
    await pilot.pause()


def test_events_screen_80x24_shows_a_long_message(snap_compare, tmp_path):
    assert snap_compare(_events_app(tmp_path), terminal_size=(80, 24), run_before=_open_events)


def test_events_screen_200x50(snap_compare, tmp_path):
    assert snap_compare(_events_app(tmp_path), terminal_size=(200, 50), run_before=_open_events)


async def test_rows_fit_the_screen_and_the_detail_holds_the_whole_event(tmp_path):
    from textual.widgets import DataTable, Static

    for width in (60, 80, 120, 200):
        app = _events_app(tmp_path / str(width))
        async with app.run_test(size=(width, 24)) as pilot:
            await _open_events(pilot)
            table = app.screen.query_one(DataTable)
            assert table.virtual_size.width <= table.size.width  # no row runs past the edge
            assert [column.label.plain for column in table.ordered_columns][-1] == "What"
            text = screen_text(app)
            assert "API refuses th" in text.splitlines()[4]  # the first row: the message starts on it
            detail = str(app.screen.query_one("#event-detail", Static).render())
            assert "5f0e2c1a-8d3b-4c9e-a7f1-0b6d2e9c4a13" in detail  # the whole request id, to copy
            assert "credential.json" in detail and "36f2f3b1-0c6e-4a55-9d2a-8e5b847f5c3" in detail
            await pilot.press("down")  # the detail follows the cursor
            await pilot.pause()
            assert "api_fatal" in str(app.screen.query_one("#event-detail", Static).render())
