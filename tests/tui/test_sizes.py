"""Pilot tests of the main screen at its edges: an empty watchlist, narrow and wide
terminals, long labels, and the advice line at 80 columns."""

from __future__ import annotations

from .conftest import make_test_app, screen_text, settle
from .screen_parts import SIZE, parts


async def test_empty_watchlist_shows_the_three_ways_to_add_in_the_tables_place(tmp_path):
    app = make_test_app(tmp_path, sessions=0, fresh=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table, _, _ = parts(app)
        assert not table.display
        text = screen_text(app)
        assert "Three ways to add them" in text
        assert "usms-tui add SESSION_NO" in text and "usms-tui add --from FILE" in text and "- reads stdin" in text
        await pilot.press("a")  # the first way works from here
        await pilot.pause()
        assert type(app.screen).__name__ == "AddSessionDialog"


async def test_the_table_comes_back_when_a_session_is_added(tmp_path):
    app = make_test_app(tmp_path, sessions=0, fresh=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        session_no = app.rig.sim.send(["13800000001"])
        app.rig.watchlist.add(app.rig.sim.watched_sessions([session_no]))
        app.watchlist_changed()
        await app.screen.refresh_data()
        await pilot.pause()
        table, _, _ = parts(app)
        assert table.display and table.has_focus
        assert "Three ways to add them" not in screen_text(app)


async def test_a_200_character_label_keeps_the_delete_question_short(tmp_path):
    from usms_tui.domain.sessions import MAX_LABEL_LENGTH

    from .conftest import NOW

    # Only a hand-edited watchlist file can hold it: the CLI and the dialogs refuse it.
    label = "night batch " * 17  # 204 characters
    import json

    item = {"session_no": "long-1", "label": label, "added_at": NOW}
    (tmp_path / "watchlist.json").write_text(json.dumps({"version": 1, "sessions": [item]}))
    app = make_test_app(tmp_path, sessions=0, fresh=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        question = app.screen.query_one("#question")
        assert "long-1" in str(question.render())
        assert question.size.height <= 3
        assert len(label.strip()) > MAX_LABEL_LENGTH


def test_the_cli_and_the_dialogs_share_one_label_limit():
    import pytest

    from usms_tui.domain.sessions import MAX_LABEL_LENGTH, validate_label

    assert validate_label("x" * MAX_LABEL_LENGTH)
    with pytest.raises(ValueError, match=f"longer than {MAX_LABEL_LENGTH}"):
        validate_label("x" * 200)


def _keys_visible(app) -> bool:
    from usms_tui.tui.widgets.key_bar import KeyBar

    bar = app.screen.query_one(KeyBar)
    return (
        bar.region.height >= 1 and bar.region.bottom <= app.size.height and bar.region.height == bar.virtual_size.height
    )


async def test_at_60_by_15_both_panes_and_every_key_fit(tmp_path):
    app = make_test_app(tmp_path)
    async with app.run_test(size=(60, 15)) as pilot:
        await settle(app, pilot)
        table, pane, _ = parts(app)
        for widget in (table, pane):
            assert widget.region.height >= 3  # a header and rows
            assert widget.virtual_size.width <= widget.scrollable_content_region.width  # no sideways scrolling
        text = screen_text(app)
        assert "^p palette" in text and "? help" in text and "q quit" in text


async def test_at_200_by_50_the_space_goes_to_rows_and_descriptions(tmp_path):
    from usms_tui.tui.widgets.session_table import MAX_NAME

    app = make_test_app(tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        table, pane, _ = parts(app)
        assert table.column("name").width == MAX_NAME  # capped, not 130 blanks
        assert table.region.height >= 25  # more rows than at 80x24
        desc = next(c for c in pane.columns.values() if c.key.value == "desc")
        assert desc.width >= 90


async def test_delivery_median_column_from_100_columns(tmp_path):
    from usms_tui.domain.delivery import session_stats
    from usms_tui.domain.timefmt import format_duration

    app = make_test_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        table, _, _ = parts(app)
        session_no = app.rig.session_nos[0]
        p50 = session_stats(app.poller.summary(session_no, app.clock())).p50
        assert p50 is not None
        assert table.cell(session_no, "p50")[0].strip() == format_duration(p50)
        assert "p50" in screen_text(app).splitlines()[2]
        fresh = app.rig.session_nos[-1]  # nothing delivered yet
        assert table.cell(fresh, "p50")[0].strip() == "-"
    app = make_test_app(tmp_path / "narrow")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "p50" not in screen_text(app).splitlines()[2]  # no room: the detail line has it
