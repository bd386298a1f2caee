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
        # The first line's head is cut, not wrapped: the countdown keeps its slot at the end
        # and the second line still shows totals and health.
        head, _, countdown = lines[0].rstrip().rpartition("…")
        assert countdown.strip() == "next in 30s" and "refreshed" in head
        assert "overdue" in lines[1] and "API ✓ ok" in lines[1]


async def test_overdue_advice_fits_whole_at_80_columns(tmp_path):
    app = make_test_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "down")  # the session sent 36 h ago, a phone still pending
        await pilot.pause()
        _, _, advice = parts(app)
        assert "contact UCloud support" in advice.plain
        line = advice.render_line(0).text.rstrip()
        # Shorter words, not a cut: the whole SessionNo and what to do with it.
        assert not line.endswith("…") and "ask UCloud support" in line
        session_no = app.screen.selected
        assert f"{session_no}: no receipt in 12 h" in line


async def test_overdue_advice_in_full_when_wide(tmp_path):
    app = make_test_app(tmp_path)
    async with app.run_test(size=(140, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "down")
        await pilot.pause()
        _, _, advice = parts(app)
        line = advice.render_line(0).text.rstrip()
        assert "contact UCloud support with this SessionNo (y copies it)" in line


def test_receipt_column_shows_the_date_for_another_day():
    from usms_tui.tui.widgets.phone_pane import receipt_when

    now = 1_796_025_600.0  # 2026-11-30 08:00 UTC (the tests run in UTC)
    assert receipt_when(now - 3600, now, wide=False) == "07:00:00"
    assert receipt_when(now - 36 * 3600, now, wide=False) == "11-28"  # not "20:00:00", as if today
    assert receipt_when(now - 36 * 3600, now, wide=True) == "2026-11-28 20:00:00"
    assert receipt_when(None, now, wide=False) == "-"


async def test_phone_detail_line_has_the_full_receipt_time(tmp_path):
    app = make_test_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("down", "down", "down", "tab")  # the session sent 36 h ago; its phones
        await pilot.pause()
        _, pane, advice = parts(app)
        cell = pane.get_cell(pane.selected_key, "time").plain
        assert cell == "11-28" and "received 2026-11-28 " in advice.plain


async def test_a_chinese_label_is_cut_with_an_ellipsis_in_the_sessions_table(tmp_path):
    from usms_tui.store.watchlist import WatchedSession

    from .conftest import NOW

    label = "营销短信双十一活动第二批次用户通知"
    app = make_test_app(tmp_path, extra=[WatchedSession("cjk-1", label=label, added_at=NOW)])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table, _, _ = parts(app)
        name = table.cell("cjk-1", "name")[0]
        assert name.endswith("…") and label.startswith(name.strip().rstrip("…"))
        from rich.cells import cell_len

        assert cell_len(name) <= table.column("name").width


async def test_phone_pane_cuts_code_description_and_user_id_with_an_ellipsis(tmp_path):
    from rich.cells import cell_len

    app = make_test_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        _, pane, _ = parts(app)
        summary = app.poller.summary(pane.session_no, app.clock())
        for receipt in summary.phones:
            for column, full in (("code", receipt.code), ("desc", receipt.desc), ("user", receipt.user_id)):
                shown = pane.get_cell(receipt.phone, column).plain
                assert cell_len(shown) <= pane.columns[column].width
                assert shown == full or (shown.endswith("…") and full.startswith(shown[:-1]))
        # At least one description is too long for 80 columns, and says so.
        assert any(pane.get_cell(r.phone, "desc").plain.endswith("…") for r in summary.phones)
