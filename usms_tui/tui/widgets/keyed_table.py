"""The DataTable-backed keyed table, for views of at most thousands of rows.

It speaks the protocol of ``table_base``: ``update({key: values})`` removes rows whose key
is gone, appends new ones and calls ``update_cell`` only for cells whose value changed, all
inside one ``batch_update``; ``update_chunked`` does the same while yielding to the event
loop every ``table_base.CHUNK`` row operations (or ``table_base.BUDGET`` seconds), so a
10,000-row fill never freezes the keys. A changed cell repaints only its row, and only when
that row is on screen: DataTable's ``update_cell`` repaints the whole table, which over SSH
is a screenful of bytes for one age that ticked.

Cells are ``table_cell.TableCell``: cells that look alike (``0`` in a dim column, an age, a
bar) are one shared object, so a 10,000-row table adds few long-lived objects beyond its
name column. Their palette comes from component classes that ``app.tcss`` styles with theme
variables; a theme change refreshes the palette, which recolours every cell in place.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self

from rich.console import JustifyMethod
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from usms_tui.domain.text import safe
from usms_tui.tui.widgets import table_base
from usms_tui.tui.widgets.table_base import (
    STYLE_CLASSES,
    Changes,
    Column,
    KeyedRows,
    KeyedView,
    Render,
    RowModel,
    Values,
    changed_columns,
)
from usms_tui.tui.widgets.table_cell import KeyCell, TableCell

#: Beyond this many removals at once (and a tenth of the rows), emptying and refilling is
#: cheaper than ``remove_row``, which costs O(rows) each (a filter typed over a big table).
REBUILD_OVER = 200
#: Shared cells kept per table; beyond this the cache starts afresh (ages tick, names vary).
_SHARED_CELLS = 8192


class KeyedTable(KeyedRows, DataTable[TableCell]):
    """Rows keyed by a string id, fed ``{key: values}``; ``render(column, value)`` makes cells."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"keyed-table-{name}" for name in STYLE_CLASSES}

    DEFAULT_CSS = """
    KeyedTable { scrollbar-size-vertical: 1; }
    """

    _quiet = False  # inside _update_row: update_cell's whole-table refreshes are left out

    # DataTable's own home/end scroll sideways; in a row table they move the cursor.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "first_row", "first row", show=False),
        Binding("end", "last_row", "last row", show=False),
    ]

    def __init__(self, columns: Sequence[Column], render: Render, **kwargs: Any) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", False)
        super().__init__(**kwargs)
        self.spec = list(columns)
        self._render_value = render
        self._model = RowModel()
        self.last_changes = Changes(0, 0, 0)  # what the last update did
        self._column_keys = [ColumnKey(column.key) for column in self.spec]
        self._justify: list[JustifyMethod | None] = ["right" if c.justify == "right" else None for c in self.spec]
        self._palette: dict[str, Style] = {}
        self._shared: dict[tuple[str, str, int], TableCell] = {}

    def on_mount(self) -> None:
        for column in self.spec:
            self.add_column(_header(column, column.label), key=column.key, width=column.width)

    # -- cells ----------------------------------------------------------------------------

    def _cell(self, key: str, index: int, value: Any) -> TableCell:
        text, css_class = self._render_value(self.spec[index].key, value)
        text = safe(text)
        justify = self._justify[index]
        if index == 0:
            return KeyCell(key, text, css_class, justify, self._palette)
        shared_key = (text, css_class, index)
        cell = self._shared.get(shared_key)
        if cell is None:
            if len(self._shared) >= _SHARED_CELLS:
                self._shared.clear()
            cell = self._shared[shared_key] = TableCell(text, css_class, justify, self._palette)
        return cell

    def cells(self, key: str) -> list[str]:
        """A row's texts as shown (literal, unsafe characters escaped)."""
        return [cell.plain for cell in self.get_row(key)]

    def style_for(self, css_class: str) -> Style | str:
        """The style cells of ``css_class`` are drawn with now ("" before the first draw)."""
        return self._palette.get(css_class, "")

    # -- rows -----------------------------------------------------------------------------

    @property
    def keys(self) -> list[str]:
        """Row keys in display order."""
        return [row.key.value for row in self.ordered_rows if row.key.value is not None]

    @property
    def selected_key(self) -> str | None:
        """The key of the row under the cursor, or ``None`` for an empty table."""
        if not self.row_count or not self.is_valid_coordinate(self.cursor_coordinate):
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def select_key(self, key: str | None) -> None:
        """Move the cursor to the row with ``key`` (no-op when it is not shown)."""
        if key is None or not self.has_key(key):
            return
        index = self.get_row_index(key)
        if index != self.cursor_row:
            self.move_cursor(row=index, animate=False)

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0, animate=False)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, animate=False)

    def clear(self, columns: bool = False) -> Self:
        """Empty the table (and forget what it showed, so the next update adds every row)."""
        self._model.shown.clear()
        return super().clear(columns)

    def update(self, values: Mapping[str, Values]) -> Changes:
        """Show exactly ``values`` (the rows the filter accepts); new rows come last."""
        for _ in self._steps(values):
            pass
        return self.last_changes

    async def update_chunked(self, values: Mapping[str, Values]) -> Changes:
        """:meth:`update`, yielding to the event loop between chunks of row operations."""
        for _ in self._steps(values, table_base.Pacer()):
            await asyncio.sleep(0)
        return self.last_changes

    def _steps(self, values: Mapping[str, Values], pacer: table_base.Pacer | None = None) -> Iterator[None]:
        """The diff-update, pausing when ``pacer`` says so (never without one)."""
        model = self._model
        model.given = values
        wanted = model.wanted()
        diff = model.diff(wanted)
        removed = len(diff.gone)
        with self.app.batch_update():
            if removed > REBUILD_OVER and removed * 10 > len(model.shown):
                self.clear()
                diff.new, diff.changed = list(wanted), []
            else:
                for key in diff.gone:
                    self.remove_row(key)
                    del model.shown[key]
            for key in diff.changed:
                self._update_row(key, model.shown[key], wanted[key])
                model.shown[key] = wanted[key]
                if pacer is not None and pacer.due():
                    yield
                    pacer.restart()
            for key in diff.new:
                row = wanted[key]
                self.add_row(*(self._cell(key, i, value) for i, value in enumerate(row)), key=key)
                model.shown[key] = row
                if pacer is not None and pacer.due():
                    yield
                    pacer.restart()
        self.last_changes = Changes(len(diff.new), removed, len(diff.changed))

    def _update_row(self, key: str, old: Values, new: Values) -> None:
        self._quiet = True  # update_cell's whole-table refresh; the cells are repainted below
        changed = changed_columns(old, new)
        try:
            for index in changed:
                self.update_cell(key, self._column_keys[index], self._cell(key, index, new[index]))
        finally:
            self._quiet = False
        self._repaint_cells(key, changed)

    def _repaint_cells(self, key: str, columns: Sequence[int]) -> None:
        """Repaint these cells of one row if they are on screen (rows are one line high and
        columns fixed-width in a fixed layout): an age that ticked costs its few cells on the
        terminal, not a whole row of colour codes (about 430 bytes at 80 columns)."""
        if not self._fixed_layout():
            self.refresh()
            return
        y = self.get_row_index(key) + (self.header_height if self.show_header else 0)
        window = self.window_region
        offset = self.scroll_offset
        starts = self._column_starts()
        regions = []
        for index in columns:
            x, width = starts[index]
            region = Region(x, y, width, 1)
            if width and window.overlaps(region):
                regions.append(region.translate(-offset))
        if regions:
            self.refresh(*regions)

    def _column_starts(self) -> list[tuple[int, int]]:
        """Each column's ``(x, width)`` in the table's virtual space, padding included."""
        starts, x = [], 0
        for column in self.columns.values():
            width = column.get_render_width(self)
            starts.append((x, width))
            x += width
        return starts

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        if self._quiet and not regions and not layout and not recompose:
            return self  # a cell update: _update_row repaints just its row
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def order_by(self, rank: Callable[[str], Any]) -> None:
        """Sort rows by ``rank(key)``, stably, keeping the cursor on the same row."""
        if not self.columns:
            return
        selected = self.selected_key
        # DataTable's sort hands the key function cells, not row keys: each first cell is a
        # KeyCell that carries its row's key.
        self.sort(self._column_keys[0], key=lambda cell: rank(cell.row_key if isinstance(cell, KeyCell) else ""))
        self.select_key(selected)

    # -- columns and drawing --------------------------------------------------------------

    def set_widths(self, widths: Mapping[str, int]) -> bool:
        """Give columns new fixed widths (after a resize); True when any changed."""
        changed = False
        for name, width in widths.items():
            column = self.columns[ColumnKey(name)]
            if column.width != width:
                column.width = width
                changed = True
        if changed:
            self._fit_virtual_size()
            self._drop_render_caches()
            self.refresh(layout=True)
        return changed

    def _fixed_layout(self) -> bool:
        return bool(self.columns) and all(column.width is not None for column in self.spec)

    def _fit_virtual_size(self) -> None:
        """Fixed widths, one-line rows and no row labels: the size is known without measuring."""
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width, self.row_count + header)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        # The one private DataTable method used here (Textual 8): its idle handler calls it
        # after rows were added, to measure every cell of the new rows for auto-width columns
        # and auto-height rows (about 25 µs a cell, all on the event loop: 2.5 s for 10,000
        # rows of 10 cells). With fixed widths and one-line rows, measuring changes nothing,
        # so only the virtual size is set. tests/tui/widgets/test_keyed_table.py fails if
        # Textual renames it or stops calling it.
        if self._fixed_layout():
            self._fit_virtual_size()
        else:
            super()._update_dimensions(new_rows)

    def _drop_render_caches(self) -> None:
        # DataTable caches rendered cells and lines keyed on its own change counter, which a
        # new palette or header label does not move; notify_style_update is its public way
        # to drop those caches (and it repaints).
        self.notify_style_update()

    def set_header(self, key: str, label: str) -> None:
        """Give a column a new header (literal text)."""
        column = self.columns.get(ColumnKey(key))
        if column is not None and column.label.plain != label:
            column.label = _header(next(c for c in self.spec if c.key == key), label)
            self._drop_render_caches()

    def render_lines(self, crop: Any) -> Any:
        # A theme change reaches the component classes after notify_style_update, so the
        # palette is checked here, just before drawing: if any status colour changed, the
        # palette is refreshed in place (every cell reads it) and the cached renders dropped.
        if self._refresh_palette():
            self._drop_render_caches()
        return super().render_lines(crop)

    def _refresh_palette(self) -> bool:
        current = {}
        for css_class in STYLE_CLASSES:
            style = self.get_component_rich_style(f"keyed-table-{css_class}", partial=True, default=_UNSTYLED)
            if style is _UNSTYLED:
                return False  # not styled yet (before mount)
            current[css_class] = style
        if current == self._palette:
            return False
        self._palette.update(current)
        return True


_UNSTYLED = Style()


def _header(column: Column, label: str) -> Text:
    return Text(label, justify="right") if column.header_justify == "right" else Text(label)


if TYPE_CHECKING:

    def _speaks_the_protocol(table: KeyedTable) -> KeyedView:
        return table  # mypy checks that KeyedTable is a KeyedView
