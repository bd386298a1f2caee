"""The UI under hostile files and failing refreshes: no traceback, and no false "API ✓ ok"."""

from __future__ import annotations

import contextlib
import sqlite3

from tests.tui.conftest import make_test_app, screen_text, settle

SIZE = (100, 30)


async def test_a_label_edit_while_the_watchlist_holds_a_huge_number_is_an_error_not_a_crash(tmp_path):
    app = make_test_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        path = app.watchlist.path
        # Someone edits the database with a 4,000-digit time (SQLite keeps it as text).
        with contextlib.closing(sqlite3.connect(path)) as conn, conn:
            conn.execute("UPDATE sessions SET added_at = ?", ("1" * 4000,))
        hostile = path.read_bytes()
        await pilot.press("down", "l")
        await pilot.pause()
        await pilot.press(*"payroll", "enter")
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("label not changed" in m and "is not a usable Unix time" in m for m in messages), messages
        assert path.read_bytes() == hostile  # refused, and left as it was
        assert app.return_code is None and app.is_running


async def test_the_status_line_never_says_ok_while_every_refresh_crashes(tmp_path, monkeypatch):
    app = make_test_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "API ✓ ok" in screen_text(app)

        async def crash(**_):
            raise RuntimeError("a bug in a refresh")

        monkeypatch.setattr(app.poller, "refresh", crash)
        for _ in range(2):
            await pilot.press("r")
            await settle(app, pilot)
        app.screen.update_status()  # what its 1 s tick does
        await pilot.pause()
        text = screen_text(app)
        assert "API ✓ ok" not in text and "API ✗" in text and "×2" in text
        assert app.controller.next_at is not None  # and it keeps trying on schedule
