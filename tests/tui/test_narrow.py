"""One-line widgets at small sizes: cut with "…", never wrapped into a hidden second line."""

from __future__ import annotations

from .conftest import make_test_app, screen_text, settle
from .screen_parts import parts


async def test_status_line_keeps_totals_and_api_health_at_60_columns(tmp_path):
    app = make_test_app(tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        app.clear_notifications()
        await pilot.pause()
        lines = screen_text(app).splitlines()
        # The first line is cut, not wrapped: the second still shows totals and health.
        assert lines[0].rstrip().endswith("…")
        assert "overdue" in lines[1] and "API ✓ ok" in lines[1]


async def test_overdue_advice_is_cut_with_an_ellipsis_at_80_columns(tmp_path):
    app = make_test_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "down")  # the session sent 36 h ago, a phone still pending
        await pilot.pause()
        _, _, advice = parts(app)
        assert "contact UCloud support" in advice.plain
        line = advice.render_line(0).text.rstrip()
        assert line.endswith("…") and "contact UCloud" in line
