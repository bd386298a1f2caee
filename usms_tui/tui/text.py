"""Turning data into cells: untrusted text shown literally, statuses as symbol + word.

Everything that came from the API or a file goes through :func:`literal`, so Rich markup
(``[bold red]x[/]``) stays visible text and terminal escapes (``\\x1b[31m``) are shown as
escapes instead of reaching the terminal. DataTable parses plain ``str`` cells as markup,
which is why every cell built here is a ``rich.text.Text``.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, get_character_cell_size
from rich.style import Style
from rich.text import Text

from usms_tui.domain.receipts import Status, shows_raw_result

#: Control characters (C0, DEL, C1) and bidi overrides/isolates that could reorder or hide text.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

#: Symbol per status, so a status is never told by colour alone.
STATUS_SYMBOLS: dict[Status, str] = {
    Status.DELIVERED: "✓",
    Status.FAILED: "✗",
    Status.UNKNOWN: "?",
    Status.PENDING: "…",
    Status.OTHER: "•",
}
OVERDUE_SYMBOL = "!"
WARNING_MARK = "⚠"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def safe_str(value: object) -> str:
    """``str(value)`` with control characters and bidi overrides written as visible escapes."""
    return _UNSAFE.sub(_escape, "" if value is None else str(value))


def literal(value: object, style: Style | str = "") -> Text:
    """Untrusted text as a ``Text`` that renders exactly as written (no markup, no escapes)."""
    return Text(safe_str(value), style=style, no_wrap=True, end="")


def status_class(status: Status, overdue: bool = False) -> str:
    """The class name for a status: ``-delivered`` ... ``-other``, or ``-overdue``."""
    return "-overdue" if overdue and status is Status.PENDING else f"-{status.value}"


def status_label(status: Status, raw_result: str = "", overdue: bool = False) -> str:
    """Symbol and word: ``✓ delivered``, ``! overdue``, ``• <raw value>`` for other, and the
    raw value after the symbol for a result counted without being documented (``✗ SubmitFail``)."""
    if overdue and status is Status.PENDING:
        return f"{OVERDUE_SYMBOL} overdue"
    word = safe_str(raw_result) if shows_raw_result(status, raw_result) else status.value
    return f"{STATUS_SYMBOLS[status]} {word}"


def progress_bar(ratio: float, width: int = 6) -> str:
    """``████░░ 67%``: a delivery bar of ``width`` cells and the percentage."""
    ratio = min(1.0, max(0.0, ratio))
    filled = round(ratio * width)
    return "█" * filled + "░" * (width - filled) + f" {round(ratio * 100):3d}%"


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
    value = safe_str(value)
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
    value = safe_str(value)
    if cell_len(value) <= width:
        return value
    return _take(value, width - 1) + "…" if width > 0 else ""
