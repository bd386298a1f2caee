"""The keyed table that renders only the rows on screen (Textual's Line API), for the views
that reach 100,000 rows: the sessions and the phones.

Why not DataTable: a row costs ~75 µs plus a measurement of every cell and every change
re-sorts its row index (100,000 phones took a minute, with multi-second stalls; 100,000
sessions 65 s and 1.2 GB). Here rows are the shared ``RowModel`` (values by key) and the keys
in display order; a frame renders the ~20 visible lines (cached per key and values), an
update is a dict comparison and repaints only the changed cells on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.style import Style
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from usms_tui.domain.text import safe
from usms_tui.tui.widgets.column_layout import ColumnLayout
from usms_tui.tui.widgets.row_source import RowSource, SourcedRows
from usms_tui.tui.widgets.table_base import (
    STYLE_CLASSES,
    Cell,
    Changes,
    Column,
    KeyedRows,
    KeyedView,
    Render,
    RowDiff,
    RowModel,
    Values,
    changed_columns,
)


class VirtualTable(SourcedRows, KeyedRows, ScrollView, can_focus=True):
    """Rows by key, in an order the owner sets; a header line; a row cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "up", show=False),
        Binding("down", "cursor(1)", "down", show=False),
        Binding("pageup", "page(-1)", "page up", show=False),
        Binding("pagedown", "page(1)", "page down", show=False),
        Binding("home", "jump(0)", "first row", show=False),
        Binding("end", "jump(-1)", "last row", show=False),
        Binding("left", "column(-1)", "column left", show=False),
        Binding("right", "column(1)", "column right", show=False),
        Binding("enter", "select", "select", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
        *(f"virtual-table--{name}" for name in STYLE_CLASSES),
    }

    DEFAULT_CSS = """
    VirtualTable { height: 1fr; scrollbar-size-vertical: 1; background: $surface; }
    VirtualTable > .virtual-table--header { background: $panel; color: $foreground; text-style: bold; }
    VirtualTable > .virtual-table--cursor { background: $block-cursor-blurred-background; }
    VirtualTable:focus > .virtual-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: $block-cursor-text-style;
    }
    VirtualTable > .virtual-table---delivered { color: $text-success; }
    VirtualTable > .virtual-table---failed { color: $text-error; text-style: bold; }
    VirtualTable > .virtual-table---unknown { color: $text-warning; }
    VirtualTable > .virtual-table---pending { color: $text-primary; }
    VirtualTable > .virtual-table---other { color: $text-accent; }
    VirtualTable > .virtual-table---overdue { color: $text-error; text-style: bold; }
    VirtualTable > .virtual-table---warning { color: $text-warning; }
    VirtualTable > .virtual-table---dim { color: $text-muted; }
    """

    class RowHighlighted(Message):
        """The cursor is on another row (``key`` None: the table is empty)."""

        def __init__(self, table: VirtualTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> VirtualTable:
            return self.table

    class RowSelected(RowHighlighted):
        """Enter (or a click on the selected row) on a row."""

        key: str

    def __init__(self, columns: Sequence[Column], render: Render, *, fixed: int = 0, **kwargs: Any) -> None:
        """Every column needs a width (see ``ColumnLayout``). ``fixed``: how many leading columns
        stay put when the rest scroll sideways (what names a row, so it still says whose it is)."""
        super().__init__(**kwargs)
        self._layout = ColumnLayout(columns, fixed)
        self._render_value = render
        self._model = RowModel()
        self._order: list[str] = []
        self._index: dict[str, int] = {}
        self._cursor = 0
        self._lines: LRUCache[tuple[Any, ...], Strip] = LRUCache(1024)
        self._styles: dict[str, Style] = {}
        self._highlighted: str | None = None
        self.last_changes = Changes(0, 0, 0)  # what the last update did
        self._source: RowSource | None = None  # rows read by position (show_source), else _order
        self.virtual_size = Size(self._layout.width, 1)

    # -- data -----------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._order) if self._source is None else len(self._source)

    @property
    def keys(self) -> list[str]:
        """Row keys in display order (from a source: every row worked out, so for tests and exports)."""
        source = self._source
        return list(self._order) if source is None else [source.key_at(i) for i in range(len(source))]

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns as they are now (widths, headers)."""
        return self._layout.columns

    def column(self, key: str) -> Column:
        """The column with this key, as it is now (width, header)."""
        return self.columns[self._layout.index(key)]

    def cell(self, key: str, column: str) -> Cell:
        """One shown cell: its text (literal, unsafe characters escaped) and status class."""
        at = self._index_of(key)
        if at is None:
            raise KeyError(key)
        text, css_class = self._render_value(column, self._values_at(at)[self._layout.index(column)])
        return safe(text), css_class

    def cells(self, key: str) -> list[str]:
        """A row's texts as shown (literal, unsafe characters escaped), before fitting."""
        return [self.cell(key, column.key)[0] for column in self.columns]

    def update(self, values: Mapping[str, Values]) -> Changes:
        """Show exactly ``values`` (those the filter accepts): gone keys leave, new keys are
        appended (the owner re-sorts), changed rows are redrawn if visible. Unchanged rows
        cost one tuple comparison."""
        model = self._model
        model.given = values
        wanted = model.wanted()
        diff = model.diff(wanted)
        selected = self.selected_key
        before, model.shown = model.shown, dict(wanted)
        return self._show_diff(diff, selected, before)

    async def update_chunked(self, values: Mapping[str, Values]) -> Changes:
        """:meth:`update`, yielding to the event loop while it compares (a big table). The
        table shows its old rows until the comparison is done, then the new ones at once."""
        model = self._model
        model.given = values
        wanted = await model.wanted_in_chunks()
        diff = await model.diff_in_chunks(wanted)
        selected = self.selected_key
        before, model.shown = model.shown, dict(wanted)
        return self._show_diff(diff, selected, before)

    def _show_diff(self, diff: RowDiff, selected: str | None, before: Mapping[str, Values]) -> Changes:
        """Bring the screen to the shown rows: new or gone rows redo the order (new ones at
        the end), otherwise only the changed cells on screen are repainted."""
        if diff.gone or diff.new:
            shown = self._model.shown
            kept = [key for key in self._order if key in shown] if diff.gone else self._order
            self._set_order(kept + diff.new, selected)
        elif diff.changed:
            self._repaint_cells(diff.changed, before)
        self.last_changes = Changes(len(diff.new), len(diff.gone), len(diff.changed))
        return self.last_changes

    def _repaint_cells(self, keys: Sequence[str], before: Mapping[str, Values]) -> None:
        """Repaint the cells of these rows whose values changed and that are on screen, and
        nothing else: an age that ticked costs its few cells on the terminal, not its row (a
        row of colour codes is about 430 bytes at 80 columns) and not the whole view."""
        top, shown = int(self.scroll_y), self._model.shown
        lines = []
        for key in keys:
            at = self._index_of(key)
            if at is not None:
                lines.append((1 + at - top, before.get(key), shown[key]))
        self._repaint_lines(lines)

    def _repaint_lines(self, lines: Iterable[tuple[int, Values | None, Values]]) -> None:
        """Repaint what differs on these screen lines: ``(y, values before or None for another
        row, values now)``; lines out of sight cost nothing."""
        scroll_x = int(self.scroll_x)
        width, height = self.size
        regions = []
        for y, old, new in lines:
            if 1 <= y < height:
                columns = range(len(new)) if old is None else changed_columns(old, new)
                regions += [Region(x, y, cells, 1) for x, cells in self._layout.spans(columns, scroll_x, width)]
        if regions:
            self.refresh(*regions)

    def order_by(self, rank: Callable[[str], Any]) -> None:
        """Sort rows by ``rank(key)``, stably (ties keep the order of the data), keeping the
        cursor on its row."""
        self.set_order(sorted(self._model.shown, key=rank))

    def set_order(self, keys: list[str], *, keep_cursor: bool = True) -> None:
        """Display rows in this order (every key must be in the data). The cursor stays on its
        row, or goes to the top with ``keep_cursor=False`` (a first fill, a new filter)."""
        self._set_order(list(keys), self.selected_key if keep_cursor else None, top=not keep_cursor)

    def _set_order(
        self, keys: list[str], selected: str | None, *, top: bool = False, index: dict[str, int] | None = None
    ) -> None:
        self._order, self._source = keys, None
        self._index = {key: position for position, key in enumerate(keys)} if index is None else index
        self.virtual_size = Size(self._layout.width, len(keys) + 1)
        at = self._index.get(selected) if selected is not None else None
        if at is None:
            at = 0 if top else min(self._cursor, max(0, len(keys) - 1))
        self._move(at)
        self.refresh()

    def render_afresh(self) -> None:
        """Render every line anew (the owner's ``render`` changed, e.g. phones unmasked)."""
        self._lines.clear()
        self.refresh()

    # -- columns --------------------------------------------------------------------------

    def set_widths(self, widths: Mapping[str, int]) -> bool:
        """Give columns new widths (0 hides one); True when any changed."""
        layout = self._layout.with_widths(widths)
        if layout is None:
            return False
        self._layout = layout
        self.virtual_size = Size(layout.width, self.row_count + 1)
        self.render_afresh()
        return True

    def set_header(self, key: str, label: str) -> None:
        """Give a column a new header (literal text); only the header line is repainted."""
        layout = self._layout.with_label(key, label)
        if layout is not None:
            self._layout = layout
            self.refresh(Region(0, 0, self.size.width, 1))

    def style_for(self, css_class: str) -> Style:
        """The style cells of ``css_class`` (such as ``-failed``) are drawn with now."""
        return self._style(f"virtual-table--{css_class}")

    # -- cursor ---------------------------------------------------------------------------

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def selected_key(self) -> str | None:
        """The key of the row under the cursor, or None for an empty table."""
        return self._key_at(self._cursor) if 0 <= self._cursor < self.row_count else None

    def select_key(self, key: str | None) -> None:
        """Move the cursor to ``key`` when it is shown."""
        index = self._index_of(key) if key is not None else None
        if index is not None:
            self._move(index)

    def _move(self, index: int) -> None:
        index = max(0, min(index, self.row_count - 1))
        if index != self._cursor:
            self._cursor = index
            self.refresh()
        if self.selected_key != self._highlighted:
            self._highlighted = self.selected_key
            self.post_message(self.RowHighlighted(self, self._highlighted))
        # The rows' room without the header and a sideways scrollbar (it covers the last row).
        body = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + body:
            self.scroll_to(y=index - body + 1, animate=False, immediate=True)

    def _on_resize(self) -> None:
        # A smaller window can leave the cursor's row out of sight: bring it back.
        if self.row_count:
            self.call_after_refresh(self._move, self._cursor)

    def action_cursor(self, step: int) -> None:
        self._move(self._cursor + step)

    def action_page(self, direction: int) -> None:
        self._move(self._cursor + direction * max(1, self.size.height - 2))

    def action_jump(self, index: int) -> None:
        self._move(index if index >= 0 else self.row_count - 1)

    def action_column(self, direction: int) -> None:
        """Scroll sideways a whole column at a time (a cell at a time is too slow at 80 columns)."""
        starts = self._layout.stops()
        current = int(self.scroll_x)
        if direction > 0:
            target = next((start for start in starts if start > current), current)
        else:
            target = next((start for start in reversed(starts) if start < current), 0)
        self.scroll_to(x=min(target, self.max_scroll_x), animate=False, immediate=True)

    def action_select(self) -> None:
        key = self.selected_key
        if key is not None:
            self.post_message(self.RowSelected(self, key))

    def on_click(self, event: Click) -> None:
        y = event.y
        if y < 1:
            return
        index = int(self.scroll_y) + y - 1
        if index < self.row_count:
            if index == self._cursor:
                self.action_select()
            self._move(index)

    # -- rendering ------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        # Theme or CSS changed: styles and every cached line are stale.
        self._styles.clear()
        self._lines.clear()
        super().notify_style_update()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            # A status class only colours its text (partial): on the cursor's row its cells
            # keep the cursor's background, so the whole row reads as selected.
            partial = name not in ("virtual-table--header", "virtual-table--cursor")
            style = self._styles[name] = self.get_component_rich_style(name, partial=partial)
        return style

    def _strip(self, texts: Sequence[Cell], base: Style, *, header: bool = False) -> Strip:
        return self._layout.strip(texts, base, lambda css: self._style(f"virtual-table--{css}"), header=header)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base = self.rich_style
        if y == 0:
            key = ("header", width, *(column.label for column in self.columns))
            strip = self._lines.get(key)
            if strip is None:
                header = self._style("virtual-table--header")
                strip = self._lines[key] = self._strip(
                    [(c.label, "") for c in self.columns], base + header, header=True
                )
        else:
            index = scroll_y + y - 1
            if index >= self.row_count:
                return Strip.blank(width, base)
            row_key = self._key_at(index)
            selected = index == self._cursor
            values = self._values_at(index)
            line_key = (row_key, values, selected, self.has_focus)
            strip = self._lines.get(line_key)
            if strip is None:
                row_base = base + self._style("virtual-table--cursor") if selected else base
                texts = [self._render_value(c.key, v) for c, v in zip(self.columns, values, strict=True)]
                strip = self._lines[line_key] = self._strip(texts, row_base)
        fixed = min(self._layout.fixed_width, width)
        if not scroll_x or not fixed:
            return strip.crop_extend(scroll_x, scroll_x + width, base)
        # The fixed columns stay; the rest shows from scroll_x on, right after them.
        rest = strip.crop_extend(fixed + scroll_x, scroll_x + width, base)
        return Strip.join([strip.crop_extend(0, fixed, base), rest])

    def on_focus(self) -> None:
        self.refresh()  # the cursor's colour says whether the table has the keys

    on_blur = on_focus


if TYPE_CHECKING:

    def _speaks_the_protocol(table: VirtualTable) -> KeyedView:
        return table  # mypy checks that VirtualTable is a KeyedView
