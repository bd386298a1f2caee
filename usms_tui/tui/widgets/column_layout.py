"""Where a virtual table's columns are drawn, and a line of them: every column has a fixed width (no cell is ever
measured), 2 cells of padding, and a width of 0 hides it entirely (padding too). The first
``fixed`` columns stay in place when the rest scroll sideways.

Pure arithmetic, kept apart from the widget so that what a repaint covers (the cells that
changed, where they are drawn now) is worked out, and tested, in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from usms_tui.domain.text import safe
from usms_tui.tui.text import fit
from usms_tui.tui.widgets.table_base import Cell, Column

#: Cells of padding around every shown column's text (one each side).
PADDING = 2


class ColumnLayout:
    """Columns, their starts in the table's own space, and the rows' width."""

    __slots__ = ("columns", "fixed", "fixed_width", "starts", "width", "widths")

    def __init__(self, columns: Sequence[Column], fixed: int = 0) -> None:
        self.columns = tuple(columns)
        self.widths = tuple(_width(column) for column in self.columns)
        self.fixed = fixed
        starts, x = [], 0
        for width in self.widths:
            starts.append(x)
            x += width + PADDING if width else 0
        self.starts = tuple(starts)
        self.width = x
        self.fixed_width = sum(width + PADDING for width in self.widths[:fixed] if width)

    def index(self, key: str) -> int:
        """The position of the column with this key."""
        return next(i for i, column in enumerate(self.columns) if column.key == key)

    def with_widths(self, widths: Mapping[str, int]) -> ColumnLayout | None:
        """This layout with some columns' widths changed; None when none changes."""
        new = [widths.get(column.key, width) for column, width in zip(self.columns, self.widths, strict=True)]
        if tuple(new) == self.widths:
            return None
        columns = [column._replace(width=width) for column, width in zip(self.columns, new, strict=True)]
        return ColumnLayout(columns, self.fixed)

    def with_label(self, key: str, label: str) -> ColumnLayout | None:
        """This layout with a column's header changed; None when it is already that."""
        index = self.index(key)
        if self.columns[index].label == label:
            return None
        columns = list(self.columns)
        columns[index] = columns[index]._replace(label=label)
        return ColumnLayout(columns, self.fixed)

    def spans(self, columns: Iterable[int], scroll_x: int, view_width: int) -> list[tuple[int, int]]:
        """Where these columns are on screen now, as ``(x, width)``: the fixed ones where they
        are, the others shifted by ``scroll_x`` and never over the fixed ones; hidden or
        scrolled-out columns are left out."""
        spans = []
        for column in columns:
            cells = self.widths[column]
            if not cells:
                continue
            x = self.starts[column]
            end = x + cells + PADDING
            if column >= self.fixed:
                x, end = max(self.fixed_width, x - scroll_x), end - scroll_x
            end = min(end, view_width)
            if end > x:
                spans.append((x, end - x))
        return spans

    def strip(
        self, cells: Sequence[Cell], base: Style, style_of: Callable[[str], Style], *, header: bool = False
    ) -> Strip:
        """One line of the table: each shown column's text fitted to its width and padded,
        in ``base`` plus its status class's style (``style_of``)."""
        segments = []
        for column, width, (text, css_class) in zip(self.columns, self.widths, cells, strict=True):
            if width:
                style = base + style_of(css_class) if css_class else base
                justify = column.header_justify if header else column.justify
                segments.append(Segment(" " + fit(safe(text), width, justify) + " ", style))
        return Strip(segments, self.width)

    def stops(self) -> list[int]:
        """The sideways scroll offsets at which each scrolling column comes right after the
        fixed ones (scrolling a column at a time: a cell at a time is too slow at 80 columns)."""
        return [
            start - self.fixed_width
            for i, (start, width) in enumerate(zip(self.starts, self.widths, strict=True))
            if i >= self.fixed and width
        ]


def _width(column: Column) -> int:
    if column.width is None:
        raise ValueError(f"column {column.key!r}: a virtual table needs fixed widths")
    return column.width
