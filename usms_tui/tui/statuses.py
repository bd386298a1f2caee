"""How a receipt status looks: a symbol and a word (never colour alone), a class for colour.

The class names (``-delivered`` ... ``-overdue``) are what the tables' component classes and
``app.tcss`` style with theme variables, so a theme change recolours every status.
"""

from __future__ import annotations

from usms_tui.domain.receipts import Status, shows_raw_result
from usms_tui.domain.text import safe

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


def status_class(status: Status, overdue: bool = False) -> str:
    """The class name for a status: ``-delivered`` ... ``-other``, or ``-overdue``."""
    return "-overdue" if overdue and status is Status.PENDING else f"-{status.value}"


def status_label(status: Status, raw_result: str = "", overdue: bool = False) -> str:
    """Symbol and word: ``✓ delivered``, ``! overdue``, ``• <raw value>`` for other, and the
    raw value after the symbol for a result counted without being documented (``✗ SubmitFail``)."""
    if overdue and status is Status.PENDING:
        return f"{OVERDUE_SYMBOL} overdue"
    word = safe(raw_result) if shows_raw_result(status, raw_result) else status.value
    return f"{STATUS_SYMBOLS[status]} {word}"


def progress_bar(ratio: float, width: int = 6) -> str:
    """``████░░ 67%``: a delivery bar of ``width`` cells and the percentage."""
    ratio = min(1.0, max(0.0, ratio))
    filled = round(ratio * width)
    return "█" * filled + "░" * (width - filled) + f" {round(ratio * 100):3d}%"
