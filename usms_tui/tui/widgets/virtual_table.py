"""The keyed table that renders only the rows on screen (Textual's Line API), for views that
can reach 100,000 rows (the phones view).

Why not DataTable: adding a DataTable row costs ~75 µs plus a measurement of every cell, and
every change re-sorts its row index, so 100,000 phones took about a minute to fill with
multi-second stalls (bench/bench_phones_view.py). Here the rows are the shared ``RowModel``
(plain values by key) and a list of keys in display order; a frame renders the ~20 visible
lines (cached per key and values) and an update is a dict comparison. It speaks the same
protocol as ``KeyedTable`` (see ``table_base``): ``render(column, value) -> (text, class)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from usms_tui.domain.text import safe
from usms_tui.tui.text import fit
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
)


@dataclass(frozen=True)
class Prepared:
    """An update worked out ahead (see :meth:`VirtualTable.prepare`): the rows it was diffed
    against, the rows to show and how they differ."""

    base: Mapping[str, Values]
    values: dict[str, Values]
    diff: RowDiff


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
        """Every column needs a width (no cell is ever measured). ``fixed``: how many leading
        columns stay in place when the rest scroll sideways (what names a row, so a row
        scrolled to its last columns still says whose it is)."""
        super().__init__(**kwargs)
        self.columns = list(columns)
        self._widths = [_width(column) for column in self.columns]
        self._fixed_width = sum(width + 2 for width in self._widths[:fixed])
        self._fixed = fixed
        self._render_value = render
        self._model = RowModel()
        self._order: list[str] = []
        self._index: dict[str, int] = {}
        self._cursor = 0
        self._lines: LRUCache[tuple[Any, ...], Strip] = LRUCache(1024)
        self._styles: dict[str, Style] = {}
        self._width = sum(width + 2 for width in self._widths)
        self._highlighted: str | None = None
        self._source: RowSource | None = None  # rows read by position (show_source), else _order
        self.virtual_size = Size(self._width, 1)

    # -- data -----------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._order) if self._source is None else len(self._source)

    @property
    def keys(self) -> list[str]:
        """Row keys in display order (from a source: every row worked out, so for tests and exports)."""
        source = self._source
        return list(self._order) if source is None else [source.key_at(i) for i in range(len(source))]

    def cells(self, key: str) -> list[str]:
        """A row's texts as shown (literal, unsafe characters escaped), before fitting."""
        at = self._index_of(key)
        if at is None:
            raise KeyError(key)
        row = zip(self.columns, self._values_at(at), strict=True)
        return [safe(self._render_value(column.key, value)[0]) for column, value in row]

    def update(self, values: Mapping[str, Values]) -> Changes:
        """Show exactly ``values`` (those the filter accepts): gone keys leave, new keys are
        appended (the owner re-sorts), changed rows are redrawn if visible. Unchanged rows
        cost one tuple comparison."""
        model = self._model
        model.given = values
        wanted = model.wanted()
        diff = model.diff(wanted)
        selected = self.selected_key
        model.shown = dict(wanted)
        return self._show_diff(diff, selected)

    def prepare(self, values: Mapping[str, Values]) -> Prepared:
        """The diff :meth:`update` would make, without touching the table: safe to run in a
        thread (it only reads the shown rows, which the table replaces and never edits)."""
        base = self._model.shown
        model = RowModel()
        model.shown, model.given, model.where = base, values, self._model.where
        wanted = dict(model.wanted())
        return Prepared(base, wanted, model.diff(wanted))

    def apply(
        self,
        prepared: Prepared,
        order: list[str] | None = None,
        index: dict[str, int] | None = None,
        *,
        keep_cursor: bool = True,
    ) -> Changes:
        """Show what :meth:`prepare` worked out, in ``order`` (with its ``index``: key to
        position) when given. If the table changed since it was prepared, diff again here."""
        model = self._model
        if prepared.base is not model.shown:
            changes = self.update(prepared.values)
            if order is not None:
                self.set_order(order, keep_cursor=keep_cursor)
            return changes
        diff = prepared.diff
        selected = self.selected_key
        model.given = model.shown = prepared.values
        if order is None:
            return self._show_diff(diff, selected)
        self._set_order(order, selected if keep_cursor else None, top=not keep_cursor, index=index)
        return Changes(len(diff.new), len(diff.gone), len(diff.changed))

    def _show_diff(self, diff: RowDiff, selected: str | None) -> Changes:
        """Bring the screen to the shown rows: new or gone rows redo the order (new ones at
        the end), otherwise only the changed rows' lines are repainted."""
        if diff.gone or diff.new:
            shown = self._model.shown
            kept = [key for key in self._order if key in shown] if diff.gone else self._order
            self._set_order(kept + diff.new, selected)
        elif diff.changed:
            self._repaint_rows(diff.changed)
        return Changes(len(diff.new), len(diff.gone), len(diff.changed))

    def _repaint_rows(self, keys: Sequence[str]) -> None:
        """Repaint the lines of these rows that are on screen, and nothing else: a refresh in
        which a few phones changed costs their lines on the terminal, not the whole view."""
        top = int(self.scroll_y)
        height = self.size.height
        lines = {1 + at - top for key in keys if (at := self._index_of(key)) is not None}
        regions = [Region(0, y, self.size.width, 1) for y in sorted(lines) if 1 <= y < height]
        if len(regions) >= height - 1:
            self.refresh()
        elif regions:
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
        self.virtual_size = Size(self._width, len(keys) + 1)
        at = self._index.get(selected) if selected is not None else None
        if at is None:
            at = 0 if top else min(self._cursor, max(0, len(keys) - 1))
        self._move(at)
        self.refresh()

    def redraw(self) -> None:
        """Render every line afresh (the owner's ``render`` changed, e.g. phones unmasked)."""
        self._lines.clear()
        self.refresh()

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

    def on_resize(self) -> None:
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
        # Offsets at which each scrolling column comes right after the fixed ones.
        starts, x = [], 0
        for width in self._widths[self._fixed :]:
            starts.append(x)
            x += width + 2
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
            style = self._styles[name] = self.get_component_rich_style(name)
        return style

    def _strip(self, texts: Sequence[Cell], base: Style, *, header: bool = False) -> Strip:
        segments = []
        for column, width, (text, css_class) in zip(self.columns, self._widths, texts, strict=True):
            style = base + self._style(f"virtual-table--{css_class}") if css_class else base
            justify = column.header_justify if header else column.justify
            segments.append(Segment(" " + fit(safe(text), width, justify) + " ", style))
        return Strip(segments, self._width)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base = self.rich_style
        if y == 0:
            key = ("header", width)
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
        fixed = min(self._fixed_width, width)
        if not scroll_x or not fixed:
            return strip.crop_extend(scroll_x, scroll_x + width, base)
        # The fixed columns stay; the rest shows from scroll_x on, right after them.
        rest = strip.crop_extend(fixed + scroll_x, scroll_x + width, base)
        return Strip.join([strip.crop_extend(0, fixed, base), rest])

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


def _width(column: Column) -> int:
    if column.width is None:
        raise ValueError(f"column {column.key!r}: a virtual table needs fixed widths")
    return column.width


if TYPE_CHECKING:

    def _speaks_the_protocol(table: VirtualTable) -> KeyedView:
        return table  # mypy checks that VirtualTable is a KeyedView
