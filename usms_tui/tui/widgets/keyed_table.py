"""A DataTable whose rows are keyed by an id and diff-updated, with status styles from CSS.

Every live table of the app derives from it. ``put`` / ``sync`` compare the wanted rows with
what is shown and only call ``update_cell`` for cells whose text or style changed, ``add_row``
for new keys and ``remove_row`` for gone ones: a refresh never clears and refills, which is
what keeps a 10,000-row table cheap to update and cheap to redraw over SSH. A row whose
*signature* (whatever its cells are built from) is unchanged is skipped before any cell is
built. The one exception: removing thousands of rows at once (a filter typed over a big
table) empties the table, because ``remove_row`` costs O(rows) each.

Status colours come from component classes that ``app.tcss`` styles with theme variables, so
a theme change recolours the table; the words and symbols carry the meaning on their own.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Collection, Hashable, Iterator, Mapping, Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

#: Class names (see ``text.status_class``) -> component class of the table.
STYLE_CLASSES: tuple[str, ...] = (
    "-delivered",
    "-failed",
    "-unknown",
    "-pending",
    "-other",
    "-overdue",
    "-warning",
    "-dim",
)

#: Rows built and added per chunk before yielding to the event loop.
CHUNK = 500
#: Beyond this many removals at once, emptying and refilling is cheaper (see remove_missing).
REBUILD_OVER = 200
_MISSING = object()


#: Every this many big updates, the garbage collector gets to see frozen objects again.
UNFREEZE_EVERY = 50
_big_updates = 0
_depth = 0


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Around a big table update: no garbage collection during it, a freeze after it.

    Tens of thousands of long-lived cells make each full collection walk them all (measured:
    250+ ms pauses at 10,000 sessions, in the middle of a chunked fill). So collection waits
    until the update is over, and then what exists is frozen out of the collector's sight;
    replaced cells are still freed by reference counting (they hold no cycles). Every
    UNFREEZE_EVERY updates everything is unfrozen instead, so cyclic garbage that was frozen
    along the way is freed: one slow pass now and then rather than a slow leak.
    """
    global _big_updates, _depth  # noqa: PLW0603 - removed with the table rework
    _depth += 1
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:  # nested uses act once, at the outermost
            _big_updates += 1
            if _big_updates % UNFREEZE_EVERY:
                gc.freeze()
            else:
                gc.unfreeze()
        if was_enabled:
            gc.enable()


class StyledText(Text):
    """A cell that remembers its class, so a theme change can restyle it in place."""

    __slots__ = ("css_class",)

    def __init__(self, text: str, css_class: str = "", **kwargs) -> None:
        super().__init__(text, no_wrap=True, end="", **kwargs)
        self.css_class = css_class


def same_cell(old: object, new: object) -> bool:
    """Two cells look the same (text, spans and style); ``Text.__eq__`` ignores the style."""
    if isinstance(old, Text) and isinstance(new, Text):
        return old.plain == new.plain and old.style == new.style and old.spans == new.spans
    return old == new


class KeyedTable(DataTable):
    """Rows keyed by a string id; cells are ``rich.text.Text`` (DataTable reads ``str`` as markup)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"keyed-table-{name}" for name in STYLE_CLASSES}

    DEFAULT_CSS = """
    KeyedTable { scrollbar-size-vertical: 1; }
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", False)
        super().__init__(**kwargs)
        self._styles_by_class: dict[str, Style] = {}
        self._signatures: dict[str, Hashable] = {}  # row key -> what its cells were built from
        self._column_key_cache: list[ColumnKey] = []

    # -- styles ---------------------------------------------------------------------------

    def style_for(self, css_class: str) -> Style:
        """The Rich style the stylesheet gives a class like ``-failed`` (cached per theme)."""
        style = self._styles_by_class.get(css_class)
        if style is None:
            name = f"keyed-table-{css_class}"
            if css_class not in STYLE_CLASSES or name not in self._component_styles:
                return Style.null()  # not styled yet (before mount); restyled on the next update
            style = self.get_component_rich_style(name, partial=True)
            self._styles_by_class[css_class] = style
        return style

    def styled(self, text: str, css_class: str = "") -> StyledText:
        """A cell with the style of ``css_class`` (plain when the class is empty)."""
        cell = StyledText(text, css_class)
        if css_class:
            cell.style = self.style_for(css_class)
        return cell

    def key_cell(self, text: str, row_key: str, css_class: str = "") -> KeyCell:
        """The first cell of a row (carries the row key for sorting), styled like :meth:`styled`."""
        cell = KeyCell(text, row_key, css_class)
        if css_class:
            cell.style = self.style_for(css_class)
        return cell

    def _update_dimensions(self, new_rows) -> None:
        # DataTable measures every cell of every new row to size auto-width columns (about
        # 25 µs a cell, all on the event loop: 2.5 s for 10,000 rows of 10 cells). When every
        # column has a fixed width and rows are one line, that measuring changes nothing, so
        # only the virtual size is updated. (Textual 8's private hook; other tables fall back.)
        if not self.columns or any(c.auto_width for c in self.columns.values()) or self._labelled_row_exists:
            super()._update_dimensions(new_rows)
            return
        if any(self.rows[k].auto_height for k in new_rows if k in self.rows):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values()) + self._row_label_column_width
        header_height = self.header_height if self.show_header else 0
        self.virtual_size = Size(width, self._total_row_height + header_height)

    def _column_keys(self) -> list[ColumnKey]:
        # ordered_columns sorts on every call; rows are updated thousands of times per refresh.
        if len(self._column_key_cache) != len(self.columns):
            self._column_key_cache = [column.key for column in self.ordered_columns]
        return self._column_key_cache

    def render_lines(self, crop):
        # A theme change reaches the component classes after notify_style_update, so the
        # check happens here, just before drawing: if any status colour changed, restyle
        # the cells in place (their text stays) and drop DataTable's cached renders.
        self._restyle_if_changed()
        return super().render_lines(crop)

    def _restyle_if_changed(self) -> None:
        if not self._styles_by_class:
            return
        current = {}
        for css_class in self._styles_by_class:
            name = f"keyed-table-{css_class}"
            if name not in self._component_styles:
                return
            current[css_class] = self.get_component_rich_style(name, partial=True)
        if current == self._styles_by_class:
            return
        self._styles_by_class = current
        for row in self._data.values():
            for cell in row.values():
                if isinstance(cell, StyledText) and cell.css_class:
                    cell.style = self.style_for(cell.css_class)
        self._update_count += 1  # DataTable keys its render caches on this

    # -- rows -----------------------------------------------------------------------------

    @property
    def keys(self) -> list[str]:
        """Row keys in display order."""
        return [row.key.value for row in self.ordered_rows if row.key.value is not None]

    def has_key(self, key: str) -> bool:
        """Is a row with this key shown?"""
        return RowKey(key) in self._row_locations

    @property
    def selected_key(self) -> str | None:
        """The key of the row under the cursor, or ``None`` for an empty table."""
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # the cursor points past the end while rows are being removed
            return None

    def select_key(self, key: str | None) -> None:
        """Move the cursor to the row with ``key`` (no-op when it is not shown)."""
        if key is None or not self.has_key(key):
            return
        index = self.get_row_index(key)
        if index != self.cursor_row:
            self.move_cursor(row=index, animate=False)

    def clear(self, columns: bool = False) -> KeyedTable:
        self._signatures.clear()
        return super().clear(columns)

    def unchanged(self, key: str, signature: Hashable) -> bool:
        """The row is shown and was built from data with this signature: nothing to do."""
        return self._signatures.get(key, _MISSING) == signature and self.has_key(key)

    def update_row(self, key: str, cells: Sequence[object]) -> int:
        """Update only the cells that differ; returns how many changed."""
        row = self._data[RowKey(key)]
        changed = 0
        for column_key, cell in zip(self._column_keys(), cells, strict=False):
            if not same_cell(row.get(column_key), cell):
                self.update_cell(key, column_key, cell)
                changed += 1
        return changed

    def put(self, key: str, cells: Sequence[object], signature: Hashable = None) -> bool:
        """Add the row, or update its changed cells. True when it was added."""
        if signature is not None:
            self._signatures[key] = signature
        if self.has_key(key):
            self.update_row(key, cells)
            return False
        self.add_row(*cells, key=key)
        return True

    def remove_missing(self, wanted: Collection[str]) -> int:
        """Remove rows whose key is not wanted; returns how many went.

        ``DataTable.remove_row`` costs O(rows), so removing thousands at once (a filter typed
        over a big table) empties the table instead; the caller then puts the wanted rows back
        (their signatures are forgotten, so nothing is skipped).
        """
        gone = [key for key in self.keys if key not in wanted]
        if len(gone) > REBUILD_OVER and len(gone) * 10 > self.row_count:
            self.clear()
            return len(gone)
        for key in gone:
            self.remove_row(key)
            self._signatures.pop(key, None)
        return len(gone)

    def sync(self, rows: Mapping[str, Sequence[object]]) -> tuple[int, int]:
        """Make the table show exactly ``rows`` (key -> cells): returns (added, removed)."""
        removed = self.remove_missing(rows)
        added = sum(self.put(key, cells) for key, cells in rows.items())
        return added, removed

    def order_by(self, rank: Callable[[str], object]) -> None:
        """Sort rows by ``rank(key)``, keeping the cursor on the same row."""
        selected = self.selected_key
        first = self.ordered_columns[0].key if self.ordered_columns else None
        if first is None:
            return
        # DataTable.sort hands the key function cell values, not row keys: every first cell
        # is a KeyCell that carries its row's key.
        self.sort(first, key=lambda cell: rank(getattr(cell, "row_key", "")))
        self.select_key(selected)

    def column_key(self, name: str) -> ColumnKey:
        """The ColumnKey for a column name used in ``add_column(key=...)``."""
        return ColumnKey(name)


class KeyCell(StyledText):
    """The first cell of a row: carries the row key so sorting can rank rows by key."""

    __slots__ = ("row_key",)

    def __init__(self, text: str, row_key: str, css_class: str = "") -> None:
        super().__init__(text, css_class)
        self.row_key = row_key
