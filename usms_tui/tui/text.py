"""Untrusted text as Rich text: shown literally, fitted to terminal cells.

Everything that came from the API or a file goes through :func:`literal` (or is fitted with
:func:`clip`, :func:`shorten` or :func:`fit`), all built on :func:`usms_tui.domain.text.safe`:
Rich markup (``[bold red]x[/]``) stays visible text and terminal escapes (``\\x1b[31m``) are
shown as escapes instead of reaching the terminal. DataTable parses plain ``str`` cells as
markup, which is why every cell the tables build is a ``rich.text.Text`` or renders one.

Widths are terminal cells, not characters: a Chinese character takes two.
"""

from __future__ import annotations

from typing import Literal

from rich.cells import cell_len, get_character_cell_size, set_cell_size
from rich.style import Style
from rich.text import Text

from usms_tui.domain.text import safe


def literal(value: object, style: Style | str = "") -> Text:
    """Untrusted text as a ``Text`` that renders exactly as written (no markup, no escapes)."""
    return Text(safe(value), style=style, no_wrap=True, end="")


def _take(value: str, cells: int) -> str:
    """The longest start of ``value`` that fits in ``cells`` terminal cells (CJK counts 2)."""
    used = 0
    for index, char in enumerate(value):
        used += get_character_cell_size(char)
        if used > cells:
            return value[:index]
    return value


def shorten(value: str, width: int) -> str:
    """Keep the start and the end of a long identifier: ``usms-abc…7890``. Widths are
    terminal cells, so a wide character never pushes the text past ``width``."""
    value = safe(value)
    if width <= 1 or cell_len(value) <= width:
        return _take(value, max(width, 0)) if width < 1 else value
    head = (width - 1) // 2 + (width - 1) % 2
    tail = width - 1 - head
    end = _take(value[::-1], tail)[::-1] if tail else ""
    return _take(value, head) + "…" + end


def clip(value: str, width: int) -> str:
    """Cut text at the end: ``night batch fo…`` (labels read from the start, unlike ids).

    Widths are terminal cells: a Chinese label is cut with its "…" inside the column, not
    cropped by the table without any sign that it was cut."""
    value = safe(value)
    if cell_len(value) <= width:
        return value
    return _take(value, width - 1) + "…" if width > 0 else ""


def fit(text: str, width: int, justify: Literal["left", "right"] = "left") -> str:
    """Pad or cut already safe ``text`` to exactly ``width`` cells, ``…`` when cut."""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
    if justify == "right":
        return " " * (width - cell_len(text)) + text
    return set_cell_size(text, width)
