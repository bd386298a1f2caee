"""The line under the phone pane: why the phone under the cursor did not arrive and what
to do, or how fast the session's messages arrived.

For a failed phone: its cause, the carrier (read off the number, so a guess for a ported
number), UCloud's recommended handling and, when the meaning is not the carrier's own row,
whose row it is. Otherwise the session's delivery times (p50 / p95 / max), which the
sessions table only has room for from 100 columns on. It wraps (up to three lines) rather
than cutting: the advice is what the operator acts on, so it must be whole at 80x24.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widget import Widget

from usms_tui.domain.delivery import session_stats
from usms_tui.domain.explain import explain
from usms_tui.domain.receipts import Receipt
from usms_tui.domain.summary import SessionSummary
from usms_tui.domain.text import safe


def phone_detail_text(receipt: Receipt | None, summary: SessionSummary | None) -> str:
    """What the line says for ``receipt`` (the pane's cursor; None: none) of ``summary``."""
    if summary is None:
        return ""
    explained = explain(receipt) if receipt is not None else None
    if explained is not None and explained.cause is not None:
        parts = [f"cause: {explained.cause.label}"]
        if explained.carrier_text():
            parts.append(explained.carrier_text())
        if explained.source_text():
            parts.append(f"meaning from {explained.source_text()}")
        parts.append(f"advice: {safe(explained.advice)}" if explained.advice else "no advice published")
        return " · ".join(parts)
    delivery = f"delivery {session_stats(summary).describe()}"
    if explained is not None and explained.carrier_text():
        return f"{explained.carrier_text()} · {delivery}"
    return delivery


class PhoneDetail(Widget):
    """Set with :meth:`show`; the text is built from receipts and shown literally."""

    DEFAULT_CSS = """
    PhoneDetail { height: auto; max-height: 3; padding: 0 1; background: $surface; color: $text-muted; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._plain = ""

    def show(self, receipt: Receipt | None, summary: SessionSummary | None) -> None:
        text = phone_detail_text(receipt, summary)
        if text != self._plain:
            self._plain = text
            self.refresh(layout=True)

    @property
    def plain(self) -> str:
        """What the line says (for tests)."""
        return self._plain

    def render(self) -> Text:
        return Text(self._plain, end="")
