"""The cells of ``KeyedTable``: literal text, a status class and an alignment, one small object each.

Compared with a ``rich.text.Text`` (an object and two lists) a cell is a third of the objects
the garbage collector walks on every full collection, and cells that look alike are shared.
The style is looked up in the table's palette when the cell is drawn, so a theme change
recolours every cell without rebuilding any.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, JustifyMethod, RenderResult
from rich.measure import Measurement
from rich.style import Style
from rich.text import Text


class TableCell:
    """A cell: literal text, a status class (``-failed``; "" for none) and an alignment."""

    __slots__ = ("css_class", "justify", "palette", "text")

    def __init__(self, text: str, css_class: str, justify: JustifyMethod | None, palette: Mapping[str, Style]) -> None:
        self.text = text
        self.css_class = css_class
        self.justify = justify
        self.palette = palette

    @property
    def plain(self) -> str:
        """The text as shown."""
        return self.text

    @property
    def style(self) -> Style | str:
        """The style of its class in the table's palette now ("" when it has none)."""
        return self.palette.get(self.css_class, "") if self.css_class else ""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(self.text, style=self.style, justify=self.justify, no_wrap=True, end="")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        width = cell_len(self.text)
        return Measurement(width, width)


class KeyCell(TableCell):
    """The first cell of a row: carries the row key, as DataTable's sort hands cells, not keys."""

    __slots__ = ("row_key",)

    def __init__(self, row_key: str, *args: Any) -> None:
        super().__init__(*args)
        self.row_key = row_key
