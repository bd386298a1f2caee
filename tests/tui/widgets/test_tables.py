"""The contract both tables keep (``table_base.KeyedView``): rows keyed by id and fed as values,
diff-updated (only what changed is rendered again), filtered, sorted stably, shown literally."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widget import Widget

from usms_tui.tui.widgets.keyed_table import KeyedTable
from usms_tui.tui.widgets.table_base import Cell, Column, KeyedView
from usms_tui.tui.widgets.virtual_table import VirtualTable

COLUMNS = (Column("name", "Name", 12), Column("n", "N", 4, "right"))
ROWS = {"a": ("alpha", 1), "b": ("beta", 2), "c": ("gamma", 3)}


class Renderer:
    """Renders cells and remembers which values it was asked for."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def __call__(self, column: str, value: Any) -> Cell:
        self.calls.append((column, value))
        return str(value), "-failed" if column == "n" and value == 5 else ""


class Host(App[None]):
    def __init__(self, table: Widget) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table


@pytest.fixture(params=[KeyedTable, VirtualTable], ids=["keyed", "virtual"])
def kind(request):
    return request.param


async def test_rows_come_and_go_by_key_and_an_unchanged_update_renders_nothing(kind):
    render = Renderer()
    table: Any = kind(COLUMNS, render)
    app = Host(table)
    async with app.run_test(size=(40, 10)) as pilot:
        assert isinstance(table, KeyedView)
        assert table.update(ROWS) == (3, 0, 0)
        assert table.keys == ["a", "b", "c"] and table.row_count == 3
        await pilot.pause()
        render.calls.clear()
        assert table.update(dict(ROWS)) == (0, 0, 0)
        await pilot.pause()
        assert render.calls == []  # equal values: nothing rendered, nothing redrawn
        assert table.update({"b": ("beta", 2), "c": ("gamma", 3), "d": ("delta", 4)}) == (1, 1, 0)
        assert table.keys == ["b", "c", "d"]  # new rows come last


async def test_only_the_changed_row_is_rendered_again(kind):
    render = Renderer()
    table: Any = kind(COLUMNS, render)
    async with Host(table).run_test(size=(40, 10)) as pilot:
        table.update(ROWS)
        await pilot.pause()
        render.calls.clear()
        assert table.update({**ROWS, "b": ("beta", 5)}) == (0, 0, 1)
        await pilot.pause()
        assert ("n", 5) in render.calls
        assert {value for _, value in render.calls} <= {"beta", 5}  # no other row's values
        assert table.cells("b") == ["beta", "5"]


async def test_filter_keeps_what_it_accepts_until_cleared(kind):
    table: Any = kind(COLUMNS, Renderer())
    async with Host(table).run_test(size=(40, 10)):
        table.update(ROWS)
        table.where = lambda key, values: values[1] >= 2
        assert table.update(ROWS) == (0, 1, 0) and table.keys == ["b", "c"]
        table.where = None
        assert table.update(ROWS) == (1, 0, 0) and sorted(table.keys) == ["a", "b", "c"]


async def test_sort_is_stable_and_the_cursor_stays_on_its_row(kind):
    table: Any = kind(COLUMNS, Renderer())
    async with Host(table).run_test(size=(40, 10)) as pilot:
        table.update({"a": ("x", 2), "b": ("y", 1), "c": ("z", 2), "d": ("w", 1)})
        await pilot.pause()
        table.select_key("c")
        table.order_by(lambda key: table.values(key)[1])
        assert table.keys == ["b", "d", "a", "c"]  # ties keep the order of the data
        assert table.selected_key == "c"
        table.order_by(lambda key: 0)
        assert table.keys == ["a", "b", "c", "d"] and table.selected_key == "c"


async def test_text_is_shown_literally_with_unsafe_characters_escaped(kind):
    table: Any = kind(COLUMNS, Renderer())
    async with Host(table).run_test(size=(40, 10)):
        table.update({"x": ("[b]x[/]\x1b[31m\u202e", 1)})
        assert table.cells("x")[0] == "[b]x[/]\\x1b[31m\\u202e"
