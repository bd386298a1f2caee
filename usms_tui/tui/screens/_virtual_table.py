"""A keyed table that renders only the rows on screen (Textual's Line API), for the phones
view, which can hold 100,000 phones.

Why not DataTable: adding a DataTable row costs ~75 µs plus a measurement of every cell, and
every change re-sorts its row index, so 100,000 phones took about a minute to fill with
multi-second stalls (bench/bench_phones_view.py). Here the data is a dict of plain values and
a list of keys in display order; a frame renders the ~20 visible lines (cached per key and
value) and an update is a dict comparison. Keys and values stay the screen's business;
``render(column, value) -> (text, css_class)`` turns a value into a cell.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from usms_tui.domain.text import safe

Values = tuple[Hashable, ...]

_CLASSES = ("delivered", "failed", "unknown", "pending", "other", "overdue", "warning", "dim")


class Column(NamedTuple):
    """A fixed-width column: widths are known up front, so no cell is ever measured."""

    key: str
    label: str
    width: int
    justify: str = "left"


class Changes(NamedTuple):
    """What one ``update`` did: keys added, removed and rows whose values changed."""

    added: int
    removed: int
    changed: int


def fit(text: str, width: int, justify: str = "left") -> str:
    """Pad or cut ``text`` to exactly ``width`` cells (CJK counts double), ``…`` when cut."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
    if justify == "right":
        return " " * (width - cell_len(text)) + text
    return set_cell_size(text, width)


class VirtualTable(ScrollView, can_focus=True):
    """Rows by key, in an order the owner sets; a header line; a row cursor."""

    BINDINGS: ClassVar = [
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
        *(f"virtual-table---{name}" for name in _CLASSES),
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

    class RowSelected(Message):
        """Enter (or a click on the selected row) on a row."""

        def __init__(self, table: VirtualTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> VirtualTable:
            return self.table

    class RowHighlighted(Message):
        """The cursor is on another row (``key`` None: the table is empty)."""

        def __init__(self, table: VirtualTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        render: Callable[[str, Hashable], tuple[str, str]],
        *,
        fixed: int = 0,
        **kwargs,
    ) -> None:
        """``fixed``: how many leading columns stay in place when the rest scroll sideways
        (what names a row, so a row scrolled to its last columns still says whose it is)."""
        super().__init__(**kwargs)
        self.columns = list(columns)
        self._fixed_width = sum(c.width + 2 for c in self.columns[:fixed])
        self._fixed = fixed
        self._render_value = render
        self._values: dict[str, Values] = {}
        self._order: list[str] = []
        self._index: dict[str, int] = {}
        self._cursor = 0
        self._lines: LRUCache[tuple, Strip] = LRUCache(1024)
        self._styles: dict[str, Style] = {}
        self._width = sum(c.width + 2 for c in self.columns)
        self._highlighted: str | None = None
        self.virtual_size = Size(self._width, 1)

    # -- data -----------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._order)

    @property
    def keys(self) -> list[str]:
        """Row keys in display order."""
        return list(self._order)

    def values(self, key: str) -> Values:
        return self._values[key]

    def cells(self, key: str) -> list[str]:
        """A row's texts as shown (literal, control characters escaped), before fitting."""
        return [safe(self._render_value(c.key, v)[0]) for c, v in zip(self.columns, self._values[key], strict=False)]

    def update(self, values: Mapping[str, Values]) -> Changes:
        """Show exactly ``values``: gone keys leave, new keys are appended (the owner re-sorts),
        changed rows are redrawn if visible. Unchanged rows cost one tuple comparison."""
        old = self._values
        removed = sum(1 for key in old if key not in values)
        added_keys = [key for key in values if key not in old]
        changed = sum(1 for key, row in values.items() if key in old and old[key] != row)
        selected = self.selected_key
        self._values = dict(values)
        if removed or added_keys:
            kept = [key for key in self._order if key in self._values] if removed else self._order
            self._set_order(kept + added_keys, selected)
        elif changed:
            self.refresh()
        return Changes(len(added_keys), removed, changed)

    def set_order(self, keys: list[str], *, keep_cursor: bool = True) -> None:
        """Display rows in this order (every key must be in the data). The cursor stays on its
        row, or goes to the top with ``keep_cursor=False`` (a first fill, a new filter)."""
        self._set_order(list(keys), self.selected_key if keep_cursor else None, top=not keep_cursor)

    def _set_order(self, keys: list[str], selected: str | None, *, top: bool = False) -> None:
        self._order = keys
        self._index = {key: index for index, key in enumerate(keys)}
        self.virtual_size = Size(self._width, len(keys) + 1)
        index = self._index.get(selected) if selected is not None else None
        if index is None:
            index = 0 if top else min(self._cursor, max(0, len(keys) - 1))
        self._move(index)
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
        return self._order[self._cursor] if 0 <= self._cursor < len(self._order) else None

    def select_key(self, key: str) -> None:
        """Move the cursor to ``key`` when it is shown."""
        index = self._index.get(key)
        if index is not None:
            self._move(index)

    def _move(self, index: int) -> None:
        index = max(0, min(index, len(self._order) - 1))
        if index != self._cursor:
            self._cursor = index
            self.refresh()
        if self.selected_key != self._highlighted:
            self._highlighted = self.selected_key
            self.post_message(self.RowHighlighted(self, self._highlighted))
        body = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + body:
            self.scroll_to(y=index - body + 1, animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        self._move(self._cursor + step)

    def action_page(self, direction: int) -> None:
        self._move(self._cursor + direction * max(1, self.size.height - 2))

    def action_jump(self, index: int) -> None:
        self._move(index if index >= 0 else len(self._order) - 1)

    def action_column(self, direction: int) -> None:
        """Scroll sideways a whole column at a time (a cell at a time is too slow at 80 columns)."""
        # Offsets at which each scrolling column comes right after the fixed ones.
        starts, x = [], 0
        for column in self.columns[self._fixed :]:
            starts.append(x)
            x += column.width + 2
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
        if index < len(self._order):
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

    def _strip(self, texts: Sequence[tuple[str, str]], base: Style) -> Strip:
        segments = []
        for column, (text, css_class) in zip(self.columns, texts, strict=False):
            style = base + self._style(f"virtual-table---{css_class}") if css_class else base
            segments.append(Segment(" " + fit(safe(text), column.width, column.justify) + " ", style))
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
                strip = self._lines[key] = self._strip([(c.label, "") for c in self.columns], base + header)
        else:
            index = scroll_y + y - 1
            if index >= len(self._order):
                return Strip.blank(width, base)
            row_key = self._order[index]
            selected = index == self._cursor
            values = self._values[row_key]
            key = (row_key, values, selected, self.has_focus)
            strip = self._lines.get(key)
            if strip is None:
                row_base = base + self._style("virtual-table--cursor") if selected else base
                texts = [self._render_value(c.key, v) for c, v in zip(self.columns, values, strict=False)]
                strip = self._lines[key] = self._strip(texts, row_base)
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
