"""The events screen and short toasts: errors stay listed after their toast is gone."""

from __future__ import annotations

from usms_tui.simulator import Fault
from usms_tui.tui.toasts import MAX_TIMEOUT

from .conftest import make_test_app, screen_text, settle
from .screen_parts import SIZE


async def test_failing_api_is_listed_on_the_events_screen_and_toasts_stay_short(tmp_path):
    app = make_test_app(tmp_path)
    app.rig.sim.add_fault(Fault.RET171, 1.0)  # a wrong key: polling stops
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        toasts = list(app._notifications)
        assert toasts and all(n.timeout <= MAX_TIMEOUT for n in toasts)
        assert len([n for n in toasts if "polling stopped" in n.message]) == 1
        await pilot.press("r")  # the same failure again: still one toast of that kind
        await settle(app, pilot)
        assert len([n for n in app._notifications if "polling stopped" in n.message]) == 1
        await pilot.press("escape")  # Esc dismisses the toasts
        await pilot.pause()
        assert not list(app._notifications)
        await pilot.press("E")
        await pilot.pause()
        assert type(app.screen).__name__ == "EventsScreen"
        text = screen_text(app)
        assert "api_fatal" in text and "171" in text
        assert len(app.controller.events) >= 2
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "MainScreen"


async def test_status_line_health_links_to_events_and_interval_toast_says_minutes(tmp_path):
    app = make_test_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        from usms_tui.tui.widgets.status_bar import StatusBar

        rendered = app.screen.query_one(StatusBar).query_one("#status-totals").render()
        assert any(
            span.style and not isinstance(span.style, str) and span.style.meta.get("@click") == "app.events"
            for span in rendered.spans
        )
        await pilot.press(*["plus"] * 12)
        await pilot.pause()
        assert any(n.message == "refresh every 10m" for n in app._notifications)
        assert not any(" s" in n.message and "refresh every" in n.message for n in app._notifications)


async def test_broken_watchlist_is_said_once(tmp_path):
    app = make_test_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.rig.watchlist.path.write_text("{not json")  # saved broken from elsewhere
        for _ in range(3):
            await pilot.press("r")
            await settle(app, pilot)
        kinds = [event.kind for event in app.controller.events]
        assert kinds.count("watchlist_broken") == 1
