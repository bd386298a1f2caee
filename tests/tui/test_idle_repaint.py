"""An idle screen writes next to nothing: a refresh that changes nothing repaints no row, one
whose only news is the clock repaints just the cells whose text changed, and the countdown
moves in coarse steps. Over SSH every repainted cell is bytes and latency
(bench/bench_idle_bytes.py measures the bytes; these tests hold the behaviour)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.geometry import Region

from usms_tui.tui.widgets.countdown import Countdown, coarse_wait
from usms_tui.tui.widgets.session_table import SessionTable
from usms_tui.tui.widgets.status_bar import BarState, StatusBar
from usms_tui.tui.widgets.table_base import Column
from usms_tui.tui.widgets.virtual_table import VirtualTable

from .conftest import make_test_app, settle

SIZE = (80, 24)


def spy_refreshes(table: SessionTable) -> list[tuple[Region, ...]]:
    """Every repaint the table asks for from now on (an empty tuple is the whole table)."""
    calls: list[tuple[Region, ...]] = []
    original = table.refresh

    def counting(*regions: Region, **kwargs):
        calls.append(regions)
        return original(*regions, **kwargs)

    table.refresh = counting  # type: ignore[method-assign]
    return calls


async def refresh_cycle(app, pilot) -> None:
    app.refresh_now()
    await settle(app, pilot)


async def test_a_refresh_with_nothing_new_repaints_no_row(tmp_path):
    app = make_test_app(tmp_path, sessions=12, fresh=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(SessionTable)
        calls = spy_refreshes(table)
        await refresh_cycle(app, pilot)  # same clock, same answers
        assert table.last_changes == (0, 0, 0)
        assert calls == []


async def test_a_refresh_a_minute_later_repaints_only_the_cells_that_changed(tmp_path):
    app = make_test_app(tmp_path, sessions=12, fresh=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(SessionTable)
        before = {key: table.values(key) for key in table.keys}
        calls = spy_refreshes(table)
        app.rig.clock.advance(60)  # every age moves on by a minute
        await refresh_cycle(app, pilot)
        after = {key: table.values(key) for key in table.keys}
        assert table.last_changes.changed > 0
        regions = [region for call in calls for region in call]
        assert calls and all(call for call in calls), "no whole-table repaint"
        columns = [
            (column.key, start, column.width + 2)
            for column, start in zip(table.columns, table._layout.starts, strict=True)
        ]
        keys = table.keys
        for region in regions:
            assert region.height == 1
            index = region.y - 1  # under the header; the table has not scrolled
            column = next(i for i, (_, x, width) in enumerate(columns) if (x, width) == (region.x, region.width))
            key = keys[index]
            assert before[key][column] != after[key][column], (key, columns[column][0])
        # Every changed cell on screen was repainted, no more: one region per changed cell
        # (rows below the table's window cost nothing until they are scrolled to).
        visible = keys[: table.size.height - 1]
        changed_cells = sum(
            1
            for key in visible
            for i, (old, new) in enumerate(zip(before[key], after[key], strict=True))
            if old != new and table.columns[i].width
        )
        assert len(visible) < len(keys) and len(regions) == changed_cells


class Bar(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusBar()


async def test_the_countdown_moves_in_steps_of_a_third_of_the_interval():
    app = Bar()
    async with app.run_test(size=SIZE) as pilot:
        bar = app.query_one(StatusBar)
        slot = bar.query_one(Countdown)
        bar.state = BarState(last_refresh=1.0, next_in=30.0, interval=30.0)
        await pilot.pause()
        start = slot.paints
        seen = []
        for second in range(30, 0, -1):  # one state a second, as the screen's timer sets it
            bar.state = BarState(last_refresh=1.0, next_in=second - 0.5, interval=30.0)
            seen.append(slot.plain.strip())
        assert slot.paints - start == 2  # 30s -> 20s -> 10s: two repaints in a 30 s cycle
        assert sorted(set(seen)) == ["next in 10s", "next in 20s", "next in 30s"]


def test_coarse_wait_rounds_up_under_a_minute_and_keeps_minutes():
    assert [coarse_wait(s, 30) for s in (29.5, 20.0, 19.9, 0.2)] == [30, 20, 20, 10]
    assert coarse_wait(4.2, 5) == 5  # a 5 s interval counts in seconds
    assert coarse_wait(3.2, 15) == 5 and coarse_wait(3.2, 12) == 4
    assert coarse_wait(50, 300) == 60 and coarse_wait(250, 300) == 250  # minutes: format_duration


class Table(App[None]):
    def __init__(self, table: VirtualTable) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table


async def test_the_phones_view_table_repaints_only_changed_lines_on_screen():
    table = VirtualTable((Column("phone", "Phone", 12), Column("n", "N", 4, "right")), lambda c, v: (str(v), ""))
    rows = {f"p{i:03d}": (f"phone {i}", 0) for i in range(100)}
    async with Table(table).run_test(size=(40, 12)) as pilot:
        table.update(rows)
        await pilot.pause()
        calls: list[tuple[Region, ...]] = []
        original = table.refresh
        table.refresh = lambda *regions, **kw: (calls.append(regions), original(*regions, **kw))[1]  # type: ignore[method-assign]
        assert table.update(dict(rows)) == (0, 0, 0)
        assert calls == []  # nothing changed: nothing repainted
        assert table.update({**rows, "p002": ("phone 2", 1), "p080": ("phone 80", 1)}) == (0, 0, 2)
        # Row 2 is line 3 (under the header), its count the cells from 14 on (a phone of 12
        # and its padding before); row 80 is far below the window: not repainted.
        assert calls == [(Region(14, 3, 6, 1),)]
