"""Per-phone receipts of the selected session, keyed by phone, diff-updated.

Phones are masked (``138****1234``) unless the user toggles ``m``. Status is symbol + word
(+ colour); phones known from the send but without a receipt are pending, and past the
warning age they are overdue. Everything from the API is shown literally.

A session has at most thousands of phones, so a row's values are its finished cells: the
diff then also catches what a mask toggle or a resize changed, and only those cells redraw.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from textual import events

from usms_tui.domain.explain import explain
from usms_tui.domain.receipts import DEFAULT_WARN_AFTER, Receipt, mask_phone
from usms_tui.domain.summary import SessionSummary, phone_overdue
from usms_tui.domain.timefmt import format_duration, format_local_time
from usms_tui.tui.statuses import status_class, status_label
from usms_tui.tui.text import clip
from usms_tui.tui.widgets.keyed_table import KeyedTable
from usms_tui.tui.widgets.table_base import Cell, Column, Values

# (key, header, narrow width, wide width); "desc" takes what is left.
_COLUMNS = (
    ("phone", "Phone", 11, 15),
    ("status", "Status", 11, 13),
    ("code", "Code", 7, 10),
    ("desc", "Meaning", 0, 0),
    ("time", "Receipt", 8, 19),
    ("latency", "Delay", 5, 7),
    ("cost", "Cost", 4, 4),
    ("user", "UserId", 6, 16),
)
_RIGHT = ("latency", "cost")
WIDE = 120  # from this width on, show dates and longer codes
#: Below this width only phone, status, code and meaning are shown (the others get width 0):
#: at 60 columns the pane fits without a sideways scrollbar, and the detail line has the rest.
NARROW = 80
_NARROW_HIDDEN = ("time", "latency", "cost", "user")


def receipt_when(timestamp: float | None, now: float, wide: bool) -> str:
    """The receipt column: date and time when wide; at 80 columns the time of day for a
    receipt from today, else its date (8 cells hold one or the other, and a bare 02:41:19
    from yesterday reads as today). The phone's detail line has the full time."""
    if timestamp is None or wide:
        return format_local_time(timestamp, with_date=wide)
    moment = datetime.fromtimestamp(timestamp)
    if moment.date() != datetime.fromtimestamp(now).date():
        return moment.strftime("%m-%d")
    return format_local_time(timestamp, with_date=False)


def meaning_or_desc(receipt: Receipt) -> str:
    """The description column: UCloud's published meaning of a failed phone's code when the
    table has one, else the receipt's own ``ReceiptDesc``."""
    return explain(receipt).meaning or receipt.desc


def _fixed_width(wide: bool, narrow: bool = False) -> int:
    widths = [0 if narrow and c[0] in _NARROW_HIDDEN else c[3] if wide else c[2] for c in _COLUMNS]
    return sum(widths) + 2 * len(_COLUMNS) + 1


def _as_cell(_column: str, value: Any) -> Cell:
    text, css_class = value
    return str(text), str(css_class)


class PhonePane(KeyedTable):
    """Receipts per phone for one session; call :meth:`show`."""

    def __init__(self, **kwargs: Any) -> None:
        # Delay and cost are right-aligned under left-aligned headers.
        columns = [
            Column(key, header, width or 12, "right" if key in _RIGHT else "left", "left")
            for key, header, width, _ in _COLUMNS
        ]
        super().__init__(columns, _as_cell, **kwargs)
        self.session_no: str | None = None
        self.masked = True
        self.warn_after = DEFAULT_WARN_AFTER
        self._wide = False
        self._widths = {column.key: column.width or 0 for column in columns}
        self._last: tuple[SessionSummary | None, float | None] = (None, None)

    def row_values(self, receipt: Receipt, summary: SessionSummary, sent_at: float | None) -> Values:
        """The row for one phone: its cells as (text, status class)."""
        phone = mask_phone(receipt.phone) if self.masked else receipt.phone
        overdue = phone_overdue(receipt, summary, self.warn_after)
        latency = None
        if receipt.receipt_time is not None and sent_at is not None:
            latency = receipt.receipt_time - sent_at
        return (
            (phone, ""),
            (status_label(receipt.status, receipt.result, overdue), status_class(receipt.status, overdue)),
            # Cut to the column with "…" (DataTable crops silently: "用户接收成" looked whole).
            (clip(receipt.code, self._widths["code"]), ""),
            # A failed phone's meaning from UCloud's table reads better than the carrier's raw
            # description (often just the code again); the detail line has the rest.
            (clip(meaning_or_desc(receipt), self._widths["desc"]), ""),
            ("unknown" if receipt.time_raw else receipt_when(receipt.receipt_time, self._now(), self._wide), ""),
            (format_duration(latency) if latency is not None and latency >= 0 else "-", ""),
            (str(receipt.cost_count) if receipt.status.is_final else "-", ""),
            (clip(receipt.user_id, self._widths["user"]), ""),
        )

    def _now(self) -> float:
        clock = getattr(self.app, "clock", time.time)
        return float(clock())

    def show(self, summary: SessionSummary | None, sent_at: float | None) -> None:
        """Show this session's phones; diff-update when it is the session already shown."""
        self._last = (summary, sent_at)
        new_no = summary.session_no if summary is not None else None
        if new_no != self.session_no:
            # Another session: a different set of rows altogether, so start from an empty table
            # (live refreshes of the same session below only touch changed cells).
            self.clear()
            self.session_no = new_no
            self.scroll_home(animate=False)
        if summary is None:
            return
        self.update({r.phone: self.row_values(r, summary, sent_at) for r in summary.phones})

    def redraw(self) -> None:
        """Rebuild cells from the last data (mask toggled, resized)."""
        summary, sent_at = self._last
        self.show(summary, sent_at)

    def on_resize(self, event: events.Resize) -> None:
        if not self.columns:
            return
        wide = event.size.width >= WIDE
        tight = event.size.width < NARROW
        desc = max(10, event.size.width - _fixed_width(wide, tight))
        changed = wide != self._wide
        self._wide = wide
        self._widths = {
            key: desc if key == "desc" else 0 if tight and key in _NARROW_HIDDEN else (wide_width if wide else narrow)
            for key, _, narrow, wide_width in _COLUMNS
        }
        if self.set_widths(self._widths) or changed:
            self.redraw()
