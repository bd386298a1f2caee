"""A VirtualTable over a RowSource: rows read by position, only the ones drawn (and the
cursor's) worked out; a new source keeps the cursor on its row and repaints changed lines."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.geometry import Region

from usms_tui.tui.widgets.table_base import Column, Values
from usms_tui.tui.widgets.virtual_table import VirtualTable


class Numbers:
    """``count`` rows "r0".."r{count-1}", recording which rows were asked for."""

    def __init__(self, count: int, changed: frozenset[int] = frozenset()) -> None:
        self.count = count
        self.changed = changed
        self.read: set[int] = set()

    def __len__(self) -> int:
        return self.count

    def key_at(self, index: int) -> str:
        return f"r{index}"

    def values_at(self, index: int) -> Values:
        self.read.add(index)
        return (f"row {index}", 1 if index in self.changed else 0)

    def index_of(self, key: str) -> int | None:
        index = int(key[1:])
        return index if index < self.count else None


class Host(App[None]):
    def __init__(self, table: VirtualTable) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table


def _table() -> VirtualTable:
    return VirtualTable((Column("name", "Name", 12), Column("n", "N", 4, "right")), lambda c, v: (str(v), ""))


async def test_a_million_rows_are_shown_working_out_only_the_lines_on_screen():
    table = _table()
    async with Host(table).run_test(size=(40, 12)) as pilot:
        source = Numbers(1_000_000)
        table.show_source(source)
        await pilot.pause()
        assert table.row_count == 1_000_000 and table.selected_key == "r0"
        assert max(source.read) < 12  # a screenful, not the rows
        await pilot.press("end")
        await pilot.pause()
        assert table.selected_key == "r999999" and table.cells("r999999") == ["row 999999", "0"]
        assert len(source.read) < 40
        table.select_key("r500")
        assert table.cursor_row == 500


async def test_a_new_source_keeps_the_cursor_and_repaints_only_changed_lines():
    table = _table()
    async with Host(table).run_test(size=(40, 12)) as pilot:
        table.show_source(Numbers(100))
        await pilot.pause()
        await pilot.press("down", "down")
        calls: list[tuple[Region, ...]] = []
        original = table.refresh
        table.refresh = lambda *regions, **kw: (calls.append(regions), original(*regions, **kw))[1]  # type: ignore[method-assign]
        table.show_source(Numbers(100))
        assert calls == [] and table.selected_key == "r2"  # the same rows: nothing repainted
        table.show_source(Numbers(100, frozenset({3, 80})))
        # Row 3 is line 4 (under the header), and only its changed count (from x 14) is
        # repainted; row 80 is far below the window: not repainted.
        assert calls == [(Region(14, 4, 6, 1),)]
        table.show_source(Numbers(2))  # the cursor's row went: it stays at the nearest row
        assert table.selected_key == "r1"
        table.update({"a": ("x", 0)})  # back to rows held by the table
        assert table.keys == ["a"] and table.row_count == 1
