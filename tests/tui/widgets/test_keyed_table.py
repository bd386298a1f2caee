"""What is particular to the DataTable-backed table: one batch per update, shared cells, big
removals, yielding while filling, and the one private DataTable method it overrides."""

from __future__ import annotations

import inspect

from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.widgets import DataTable

import usms_tui.tui.widgets.table_base as table_base
from tests.loop_ticks import LoopTicks
from usms_tui.tui.widgets.keyed_table import KeyedTable
from usms_tui.tui.widgets.table_base import Cell, Column, in_chunks
from usms_tui.tui.widgets.table_cell import KeyCell, TableCell

COLUMNS = (Column("name", "Name", 12), Column("n", "N", 4, "right"))


def render(column: str, value: object) -> Cell:
    return str(value), ""


class Host(App[None]):
    def __init__(self, table: KeyedTable) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table


def rows(count: int, n: int = 0) -> dict[str, tuple[str, int]]:
    return {f"r{i:04d}": (f"row {i}", n) for i in range(count)}


def test_textual_still_has_the_private_hook_the_table_overrides():
    """KeyedTable overrides DataTable._update_dimensions (Textual 8) so fixed-width rows are
    not measured; if Textual renames it or changes its shape, this fails first."""
    assert list(inspect.signature(DataTable._update_dimensions).parameters) == ["self", "new_rows"]
    assert "_update_dimensions(" in inspect.getsource(DataTable._on_idle)


async def test_added_rows_are_not_measured_and_the_size_is_still_right(monkeypatch):
    seen: list[int] = []
    original = KeyedTable._update_dimensions

    def spy(self, new_rows):
        seen.append(len(list(new_rows)))
        original(self, new_rows)

    monkeypatch.setattr(KeyedTable, "_update_dimensions", spy)
    measured: list[object] = []
    monkeypatch.setattr(
        "textual.widgets._data_table.measure", lambda console, item, *a, **k: measured.append(item) or 1
    )
    table = KeyedTable(COLUMNS, render)
    async with Host(table).run_test(size=(40, 10)) as pilot:
        table.update(rows(30))
        await pilot.pause()
        assert seen and sum(seen) == 30  # Textual called the hook for the new rows
        assert not [item for item in measured if isinstance(item, TableCell)]  # and no cell was measured
        assert table.virtual_size == Size((12 + 2) + (4 + 2), 30 + 1)


async def test_an_update_is_one_batch_and_touches_only_changed_cells(monkeypatch):
    table = KeyedTable(COLUMNS, render)
    async with Host(table).run_test(size=(40, 10)) as pilot:
        table.update(rows(10))
        batches: list[int] = []
        original_batch = pilot.app.batch_update

        def counting_batch():
            batches.append(1)
            return original_batch()

        monkeypatch.setattr(pilot.app, "batch_update", counting_batch)
        updated: list[tuple[object, object]] = []
        original_update = table.update_cell
        monkeypatch.setattr(
            table, "update_cell", lambda r, c, v, **k: (updated.append((r, c)), original_update(r, c, v, **k))
        )
        changed = {**rows(10), "r0003": ("row 3", 7)}
        assert table.update(changed) == (0, 0, 1)
        assert batches == [1] and [(r, c.value) for r, c in updated] == [("r0003", "n")]


async def test_cells_that_look_alike_are_one_object_and_first_cells_carry_their_key():
    table = KeyedTable(COLUMNS, render)
    async with Host(table).run_test(size=(40, 10)):
        table.update(rows(3))
        assert table.get_cell("r0000", "n") is table.get_cell("r0002", "n")
        first = table.get_cell("r0001", "name")
        assert isinstance(first, KeyCell) and first.row_key == "r0001" and first.plain == "row 1"


async def test_removing_most_rows_rebuilds_instead_of_removing_one_by_one(monkeypatch):
    table = KeyedTable(COLUMNS, render)
    async with Host(table).run_test(size=(40, 10)):
        table.update(rows(1000))
        removed: list[object] = []
        original = table.remove_row
        monkeypatch.setattr(table, "remove_row", lambda key: (removed.append(key), original(key)))
        assert table.update(rows(50)) == (50, 950, 0)  # emptied and refilled: the 50 are re-added
        assert removed == [] and table.row_count == 50
        assert table.update(rows(45)) == (0, 5, 0) and len(removed) == 5  # few: one by one


async def test_chunked_fill_lets_the_event_loop_run_in_between(monkeypatch):
    monkeypatch.setattr(table_base, "CHUNK", 10)
    async with LoopTicks() as ticks:
        assert [item async for item in in_chunks(range(35))] == list(range(35))
    assert ticks.count >= 3  # the loop ran after every chunk of 10
    table = KeyedTable(COLUMNS, render)
    async with Host(table).run_test(size=(40, 10)):
        async with LoopTicks() as ticks:
            assert await table.update_chunked(rows(45)) == (45, 0, 0)
        assert ticks.count >= 4
