"""What a :class:`~usms_tui.tui.widgets.virtual_table.VirtualTable` can read its rows from
instead of a dict of every row: an owner that knows its rows by position (the phones view
over 100,000 sessions) works out only those on screen, when they are drawn."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, Self

from textual.geometry import Region, Size

from usms_tui.tui.widgets.column_layout import ColumnLayout
from usms_tui.tui.widgets.table_base import RowModel, Values


class RowSource(Protocol):
    """Rows by position, in display order. Every call comes from the event loop, for the rows
    on screen (and the cursor's), so each should cost about what drawing a line does."""

    def __len__(self) -> int:
        """How many rows there are (known without working any of them out)."""
        ...

    def key_at(self, index: int) -> str:
        """The key of the row at ``0 <= index < len(self)``."""
        ...

    def values_at(self, index: int) -> Values:
        """The cell values (one per column) of the row at ``index``."""
        ...

    def index_of(self, key: str) -> int | None:
        """Where the row ``key`` is, None when it is not among the rows."""
        ...


class SourcedRows:
    """What :class:`VirtualTable` does with a :class:`RowSource` (mixed in before it): its rows
    by position from the source when one is shown, else from its own keys and values."""

    _order: list[str]
    _index: dict[str, int]
    _model: RowModel
    _source: RowSource | None
    _cursor: int
    _layout: ColumnLayout
    virtual_size: Size
    scroll_y: float
    size: Size

    if TYPE_CHECKING:  # the table's own, named here for the type checker only (at run time
        # a stub here would come before Widget.refresh in the table's method order)

        @property
        def row_count(self) -> int: ...
        @property
        def selected_key(self) -> str | None: ...
        def _move(self, index: int) -> None: ...
        def refresh(
            self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
        ) -> Self: ...
        def _repaint_lines(self, lines: Iterable[tuple[int, Values | None, Values]]) -> None: ...

    def _key_at(self, index: int) -> str:
        return self._order[index] if self._source is None else self._source.key_at(index)

    def _values_at(self, index: int) -> Values:
        return self._model.shown[self._order[index]] if self._source is None else self._source.values_at(index)

    def _index_of(self, key: str) -> int | None:
        return self._index.get(key) if self._source is None else self._source.index_of(key)

    def show_source(self, source: RowSource, *, keep_cursor: bool = True) -> None:
        """Show the rows ``source`` gives, in its order, in place of any shown before (its rows
        are never all worked out: a frame reads the ones on screen). The cursor stays on its row
        (or goes to the top, ``keep_cursor=False``); only lines that now read otherwise are
        repainted, as :meth:`VirtualTable.update` does. ``update`` or ``set_order`` afterwards
        go back to rows held by the table."""
        selected = self.selected_key
        before = self._on_screen()
        self._order, self._index, self._model.given, self._model.shown = [], {}, {}, {}
        self._source = source
        self.virtual_size = Size(self._layout.width, len(source) + 1)
        at = source.index_of(selected) if selected is not None and keep_cursor else None
        cursor = self._cursor
        self._move((min(cursor, max(0, len(source) - 1)) if keep_cursor else 0) if at is None else at)
        after = self._on_screen()
        if len(before) != len(after) or cursor != self._cursor:
            self.refresh()
        else:
            # A line that shows the same row repaints its changed cells; another row, all of it.
            self._repaint_lines(
                (1 + y, old[1] if old[0] == new[0] else None, new[1])  # line 0 is the header
                for y, (old, new) in enumerate(zip(before, after, strict=True))
                if old != new
            )

    def _on_screen(self) -> list[tuple[str, Values]]:
        """The rows on the lines in sight (a screenful: what a new source is compared on)."""
        top = int(self.scroll_y)
        return [(self._key_at(i), self._values_at(i)) for i in range(top, min(self.row_count, top + self.size.height))]
