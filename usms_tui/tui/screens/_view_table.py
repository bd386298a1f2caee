"""The failures view's table: the app's KeyedTable (theme-aware status styles, row-key
sorting) plus a diff from plain cell *values*.

Refreshes never clear and refill. Each row is a tuple of hashable values; a cell is rendered
(and ``update_cell`` called) only when its value changed, so an unchanged refresh builds no
Text at all; rows are added or removed only as needed. (Failure groups are few; the phones
view, which can hold 100,000 rows, uses ``_virtual_table`` instead.)
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from rich.text import Text

from usms_tui.tui.widgets.keyed_table import CHUNK, KeyCell, KeyedTable

__all__ = ["CHUNK", "REBUILD_OVER", "ViewTable"]

#: DataTable.remove_row is O(rows); beyond this many removals a rebuild is cheaper.
REBUILD_OVER = 200

Values = tuple[Hashable, ...]


class ViewTable(KeyedTable):
    """A KeyedTable fed ``{row_key: values}``; ``render(column, value)`` makes the cells."""

    def __init__(self, columns: Sequence[tuple[str, str]], render: Callable[[str, Any], Text], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._column_spec = list(columns)
        self._cell_renderer = render
        self.shown: dict[str, Values] = {}

    def on_mount(self) -> None:
        for key, label in self._column_spec:
            self.add_column(label, key=key)

    @property
    def column_names(self) -> list[str]:
        return [key for key, _ in self._column_spec]

    def _cell(self, key: str, column: str, value: Hashable) -> Text:
        cell = self._cell_renderer(column, value)
        if column == self._column_spec[0][0]:
            # The first cell carries the row key so order_by can sort by our own data.
            keyed = KeyCell(cell.plain, key, getattr(cell, "css_class", ""))
            keyed.style = cell.style
            return keyed
        return cell

    def apply(self, wanted: Mapping[str, Values]) -> list[str]:
        """Update changed cells and remove rows not wanted; return the keys still to add.

        Call inside ``app.batch_update()``.
        """
        gone = [key for key in self.shown if key not in wanted]
        if len(gone) > REBUILD_OVER:
            # e.g. a filter change on 100k rows: removing one by one would be quadratic.
            self.clear()
            self.shown.clear()
        else:
            for key in gone:
                self.remove_row(key)
                del self.shown[key]
        columns = self.column_names
        for key, values in wanted.items():
            old = self.shown.get(key)
            if old is None or old == values:
                continue
            for column, before, after in zip(columns, old, values, strict=False):
                if before != after:
                    self.update_cell(key, column, self._cell(key, column, after))
            self.shown[key] = values
        return [key for key in wanted if key not in self.shown]

    def add(self, keys: Sequence[str], wanted: Mapping[str, Values]) -> int:
        """Add the given rows now (skipping any already shown or no longer wanted)."""
        columns = self.column_names
        added = 0
        for key in keys:
            values = wanted.get(key)
            if values is None or key in self.shown:
                continue
            self.add_row(*(self._cell(key, c, v) for c, v in zip(columns, values, strict=False)), key=key)
            self.shown[key] = values
            added += 1
        return added

    def restyle(self) -> None:
        """Re-render every shown cell (after the mask or the theme changed the look)."""
        columns = self.column_names
        for key, values in self.shown.items():
            for column, value in zip(columns, values, strict=False):
                self.update_cell(key, column, self._cell(key, column, value))
